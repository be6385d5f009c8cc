"""What a user does with a claim where the claim is: the context menu of a
highlight and of a row of the claims table, tag keys in the claims table and
with nothing selected, the note's undo, and what each undo says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtCore import QItemSelectionModel
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    fresh_claims,
    isolated_qsettings,
    make_claim,
    modals,
    point_of,
    tag_id,
    window,
)

from desktop_app.qt.claim_menu import action_named


def _claim(window, qtbot, phrase="Salaries for this profile", key="2"):
    pane = window.panes[0]
    text = pane.view.canonical_text
    start = text.index(phrase)
    return pane, start, make_claim(window, qtbot, pane, start, start + len(phrase), key)


def test_right_click_on_a_highlight_offers_what_is_done_with_a_claim(window, qtbot, db_file, tmp_path):
    pane, start, cid = _claim(window, qtbot)
    view = pane.view
    window.annotator.select_claim(None)
    menu = view.build_context_menu(point_of(view, start + 3))
    labels = [a.text().replace("&", "").split("\t")[0] for a in menu.actions()]
    for wanted in ("Tags", "Status", "Edit note…", "Link…", "Go to matching passages",
                   "Copy quote with source", "Delete claim"):
        assert wanted in labels, labels
    # Only what is done with a claim: not the text box's entries (greyed out there: nothing is selected).
    assert not {"Copy", "Copy Link Location", "Select All", "Select all", "Tag as…"} & set(labels), labels
    assert all(a.isEnabled() for a in menu.actions() if not a.isSeparator()), labels
    # Tags are checkable and show the claim's tags; checking one is one undo step.
    tags_menu = action_named(menu, "claimTagsMenu").menu()
    checked = {a.data() for a in tags_menu.actions() if a.isChecked()}
    salaries, strikes = tag_id(window, "salaries"), tag_id(window, "strikes")
    assert checked == {salaries}
    before = window.undo_stack.count()
    next(a for a in tags_menu.actions() if a.data() == strikes).trigger()
    assert set(fresh_claim(db_file, cid).tag_ids) == {salaries, strikes}
    assert window.undo_stack.count() == before + 1
    # Status.
    menu = view.build_context_menu(point_of(view, start + 3))
    status_menu = action_named(menu, "claimStatusMenu").menu()
    next(a for a in status_menu.actions() if a.data() == "refuted").trigger()
    assert fresh_claim(db_file, cid).status == "refuted"
    # Copy with source.
    menu = view.build_context_menu(point_of(view, start + 3))
    action_named(menu, "claimCopy").trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("“Salaries for this profile”") and window.editor.source.text() in copied
    # Edit note puts the focus in the editor's note.
    action_named(view.build_context_menu(point_of(view, start + 3)), "claimNote").trigger()
    qtbot.waitUntil(lambda: window.editor.note.hasFocus() or not window.isActiveWindow())
    assert window.editor.claim.id == cid
    # Delete, through the undo stack.
    action_named(view.build_context_menu(point_of(view, start + 3)), "claimDelete").trigger()
    assert fresh_claims(db_file) == []
    window.menu_actions["undo"].trigger()
    assert [c.id for c in fresh_claims(db_file)] == [cid]
    # Off the highlights, only the text entries: Copy (with text selected), Select all, Tag as….
    plain = view.build_context_menu(point_of(view, start + 200))
    assert action_named(plain, "claimTagsMenu") is None
    plain_labels = [a.text().replace("&", "").split("\t")[0] for a in plain.actions() if not a.isSeparator()]
    assert plain_labels == ["Copy", "Select all", "Tag as…"], plain_labels
    assert not action_named(plain, "textCopy").isEnabled()
    view.select_offsets(start + 190, start + 210)
    selected = view.build_context_menu(point_of(view, start + 200))
    assert action_named(selected, "textCopy").isEnabled() and action_named(selected, "tagMenu").isEnabled()
    action_named(selected, "textCopy").trigger()
    assert QGuiApplication.clipboard().text() == view.canonical_text[start + 190:start + 210]
    action_named(view.build_context_menu(point_of(view, start + 200)), "textSelectAll").trigger()
    assert view.selection_offsets() == (0, len(view.canonical_text))
    menu.grab().save(str(tmp_path / "menu.png"))


def test_claims_table_row_menu_and_keys_toggle_tags_on_the_selected_claims(window, qtbot, db_file):
    _pane, _s, a = _claim(window, qtbot, "Salaries for this profile", "2")
    _pane, _s, b = _claim(window, qtbot, "range from $300,000", "1")
    panel = window.claims_panel
    table = panel.table
    strikes, salaries = tag_id(window, "strikes"), tag_id(window, "salaries")
    strikes_key = next(t.key for t in window.store.list_tags() if t.id == strikes)
    # The row's menu has the claim's entries.
    row_a = next(r for r in range(table.model().rowCount()) if panel.claim_at(table.model().index(r, 0)) == a)
    menu = panel.build_context_menu(table.model().index(row_a, 0))
    assert action_named(menu, "claimTagsMenu") is not None and action_named(menu, "claimLink") is not None
    # Both rows selected, the tag's key: one undo step for both claims.
    table.setFocus()
    sm = table.selectionModel()
    sm.clearSelection()
    for r in range(table.model().rowCount()):
        sm.select(table.model().index(r, 0),
                  QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert set(panel.selected_claims()) == {a, b}
    before = window.undo_stack.count()
    qtbot.keyClick(table, str(strikes_key))
    assert all(strikes in fresh_claim(db_file, c).tag_ids for c in (a, b))
    assert window.undo_stack.count() == before + 1
    # Again: both have it, so it comes off both.
    qtbot.keyClick(table, str(strikes_key))
    assert not any(strikes in fresh_claim(db_file, c).tag_ids for c in (a, b))
    window.menu_actions["undo"].trigger()
    assert all(strikes in fresh_claim(db_file, c).tag_ids for c in (a, b))
    assert "Undone" in window.statusBar().currentMessage()
    window.menu_actions["undo"].trigger()
    assert fresh_claim(db_file, a).tag_ids == (salaries,)
    # Nothing selected in the table: the status bar says what to do.
    sm.clearSelection()
    qtbot.keyClick(table, str(strikes_key))
    assert "Select claims in the table first" in window.statusBar().currentMessage()


def test_a_tag_key_with_nothing_selected_says_what_to_do(window, qtbot, db_file):
    view = window.panes[0].view
    view.setTextCursor(view.textCursor().__class__(view.document()))
    view.setFocus()
    qtbot.keyClick(view, "2")
    assert "select some text" in window.statusBar().currentMessage()
    assert fresh_claims(db_file) == []


def test_undo_in_the_note_field_undoes_like_a_text_field_and_then_the_saved_steps(window, qtbot, db_file):
    _pane, _s, cid = _claim(window, qtbot)
    note = window.editor.note
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    # Unsaved typing: the field's own undo, nothing written.
    qtbot.keyClicks(note, "draft")
    before = window.undo_stack.count()
    qtbot.keyClick(note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert note.toPlainText() == ""
    window.editor.flush_note()
    assert fresh_claim(db_file, cid).note == "" and window.undo_stack.count() == before
    # A burst of typing, saved: one step of Edit > Undo.
    qtbot.keyClicks(note, "Check the figure")
    qtbot.waitUntil(lambda: fresh_claim(db_file, cid).note == "Check the figure")
    assert window.undo_stack.undoText() == "Edit claim note"
    steps = window.undo_stack.count()
    qtbot.keyClick(note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fresh_claim(db_file, cid).note == ""  # the note as it was, in the store
    assert note.toPlainText() == ""
    assert window.undo_stack.count() == steps and window.undo_stack.index() == steps - 1  # no new edit
    assert window.statusBar().currentMessage() == "Undone: Edit claim note"
    window.editor.flush_note()
    assert window.undo_stack.count() == steps
    # The second Ctrl+Z undoes the step before (making the claim).
    qtbot.keyClick(note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fresh_claims(db_file) == []
    assert window.statusBar().currentMessage().startswith("Undone: Tag")
    # Redo comes back the same way.
    window.menu_actions["redo"].trigger()
    assert [c.id for c in fresh_claims(db_file)] == [cid]
    assert window.statusBar().currentMessage().startswith("Redone: Tag")


def test_status_shows_in_the_text_and_selection_outlines_without_changing_colours(window, qtbot, db_file, tmp_path):
    from PySide6.QtGui import QTextCharFormat

    from desktop_app.qt.legend import show_legend

    U = QTextCharFormat.UnderlineStyle
    pane, start, cid = _claim(window, qtbot)
    view = pane.view
    layer = view.highlight_layer
    unverified = layer.segment_format(start)
    assert unverified.underlineStyle() == U.NoUnderline
    wanted = {"supported": U.SingleUnderline, "disputed": U.DotLine, "refuted": U.WaveUnderline}
    for status, style in wanted.items():
        assert window.annotator.set_status(cid, status)
        fmt = layer.segment_format(start)
        assert fmt.underlineStyle() == style, status
        assert fmt.background().color() == unverified.background().color()  # still the tag's colour
    assert layer.segment_format(start).fontStrikeOut()
    refuted_line = layer.segment_format(start).underlineColor()
    assert refuted_line.red() > 150 and refuted_line.green() < 80  # red
    # The status survives reopening the document (painted from the store's rows).
    window.annotator.show_document(pane, view.document_id)
    assert layer.segment_format(start).underlineStyle() == U.WaveUnderline
    # Selecting it: same fill and line, and an outline around its text.
    window.annotator.select_claim(None)
    before = layer.segment_format(start)
    assert view.selected_outline() == []
    window.annotator.select_claim(cid)
    after = layer.segment_format(start)
    assert after.background().color() == before.background().color()
    assert after.underlineStyle() == before.underlineStyle()
    rects = view.selected_outline()
    assert rects and all(r.width() > 0 for r in rects)
    here = view.cursorRect(view._cursor_for(start + 2)).center()
    assert any(r.adjusted(-2, -2, 2, 2).contains(here.x(), here.y()) for r in rects)
    # The legend draws each status as the panes do.
    legend = show_legend(window)
    for status, style in wanted.items():
        assert legend.formats[status].underlineStyle() == style
    assert legend.formats["unverified"].underlineStyle() == U.NoUnderline
    assert window.menu_actions["legend"].text() == "Highlight &legend"


def test_a_copied_quote_names_its_source_and_page():
    from desktop_app.qt.claim_menu import quote_with_source

    assert quote_with_source("$900K 🎬", "Filings", "3–4") == "“$900K 🎬” — Filings, p. 3–4"
    assert quote_with_source("a", "Filings", "") == "“a” — Filings"
