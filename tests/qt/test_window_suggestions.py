"""Suggestions in the window: matching passages of the two panes (accept as
one undo step, reject), claim candidates, auto-coding by search with its
preview, and the warning on links whose figures disagree."""

from __future__ import annotations

from PySide6.QtCore import Qt
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claims,
    isolated_qsettings,
    modals,
    tag_id,
    window,
    settle,
)

from desktop_app.core.autocode import find_matches
from desktop_app.core.store import Store
from desktop_app.core.matrix import FIGURE_WARNING
from desktop_app.qt import links
from desktop_app.qt.commands import AcceptMatch


def fresh_links(db):
    with Store.open(db) as s:
        return s.list_links()


def open_matches(window, qtbot):
    window.menu_actions["matching"].trigger()
    panel = window.matches_dock.widget()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    return panel


def the_900k_row(panel) -> int:
    return next(i for i, m in enumerate(panel.pairs()) if "$900,000" in m.quote_a and "$900K" in m.quote_b)


def test_matching_passages_accept_is_one_undo_step(window, qtbot, db_file):
    panel = open_matches(window, qtbot)
    assert window.matches_dock.isVisible()
    row = the_900k_row(panel)
    item = panel.list.topLevelItem(row)
    assert "$900,000" in item.text(3)
    panel.list.setCurrentItem(item)
    assert window.panes[0].view.is_flashing and window.panes[1].view.is_flashing
    match = panel.pairs()[row]
    before = window.undo_stack.count()
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.undo_stack.count() == before + 1
    cmd = window.undo_stack.command(before)
    assert isinstance(cmd, AcceptMatch)
    assert match not in panel.pairs()

    claims = {c.id: c for c in fresh_claims(db_file)}
    assert set(cmd.new_claims) == {cmd.claim_a, cmd.claim_b} <= set(claims)
    assert claims[cmd.claim_a].quote == match.quote_a and claims[cmd.claim_b].quote == match.quote_b
    assert tag_id(window, "salaries") in claims[cmd.claim_a].tag_ids
    (link,) = fresh_links(db_file)
    assert (link.id, link.relation) == (cmd.link_id, "same")
    assert {link.source_id, link.target_id} == {cmd.claim_a, cmd.claim_b}

    window.undo_stack.undo()
    assert fresh_claims(db_file) == [] and fresh_links(db_file) == []
    assert window.claims_model.rowCount() == 0
    window.undo_stack.redo()
    assert {c.id for c in fresh_claims(db_file)} == {cmd.claim_a, cmd.claim_b}
    assert [k.id for k in fresh_links(db_file)] == [cmd.link_id]
    assert window.claims_model.rowCount() == 2

    panel.refresh()  # the accepted pair is covered now: not suggested again
    qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    assert all((m.start_a, m.start_b) != (match.start_a, match.start_b) for m in panel.pairs())


def test_rejecting_hides_the_pair_for_the_session(window, qtbot, db_file):
    panel = open_matches(window, qtbot)
    first = panel.pairs()[0]
    n = len(panel.pairs())
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert first not in panel.pairs() and len(panel.pairs()) == n - 1
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    assert first not in panel.pairs()
    assert fresh_claims(db_file) == [] and window.undo_stack.count() == 0


def test_a_candidate_becomes_a_claim_with_enter_and_leaves_the_list(window, qtbot, db_file):
    window.active_pane = window.panes[0]
    window.menu_actions["candidates"].trigger()
    panel = window.candidates_dock.widget()
    assert window.candidates_dock.isVisible() and window.menu_actions["candidates"].isChecked()
    candidates = panel.candidates()
    assert candidates and all(c.kinds for c in candidates)
    target = next(c for c in candidates if "money" in c.kinds)
    panel.list.setCurrentItem(panel.list.topLevelItem(candidates.index(target)))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    (claim,) = fresh_claims(db_file)
    assert (claim.start, claim.end, claim.tag_ids) == (target.start, target.end, target.tag_ids)
    assert target not in panel.candidates()
    window.undo_stack.undo()
    assert fresh_claims(db_file) == [] and target in panel.candidates()

    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    first = panel.candidates()[0]
    qtbot.keyClick(panel.list, Qt.Key.Key_3)  # the "strikes" tag's key
    (claim,) = fresh_claims(db_file)
    assert claim.start == first.start and claim.tag_ids == (tag_id(window, "strikes"),)


def autocode_dialog(window, qtbot, pattern, **checks):
    window.active_pane = window.panes[0]
    window.menu_actions["autocode"].trigger()
    dialog = window.autocode_dialog
    assert dialog.isVisible()
    for name, on in checks.items():
        getattr(dialog, name).setChecked(on)
    dialog.pattern.setText(pattern)
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=3000)
    return dialog


def test_autocode_preview_and_commit_as_one_undo_step(window, qtbot, db_file):
    dialog = autocode_dialog(window, qtbot, "Netflix", all_docs=True)
    dialog.tag.setCurrentIndex(dialog.tag.findText("strikes"))
    n = dialog.update_preview()
    expected = find_matches(window.store, "Netflix")
    assert n == len(expected) > 2 and dialog.preview.count() == min(n, 50)
    assert str(n) in dialog.count.text() and dialog.commit_button.text() == f"Tag {n} passages"
    assert "[Netflix]" in dialog.preview.item(0).text()

    before = window.undo_stack.count()
    dialog.commit_button.click()
    assert window.undo_stack.count() == before + 1 and not dialog.isVisible()
    claims = fresh_claims(db_file)
    assert len(claims) == n and {(c.document_id, c.start, c.end) for c in claims} == set(expected)
    assert window.claims_model.rowCount() == n
    ids = {c.id for c in claims}
    window.undo_stack.undo()
    assert fresh_claims(db_file) == [] and window.claims_model.rowCount() == 0
    window.undo_stack.redo()
    assert {c.id for c in fresh_claims(db_file)} == ids


def test_autocode_in_the_current_document_only(window, qtbot):
    dialog = autocode_dialog(window, qtbot, "Netflix", current_doc=True)
    doc = window.panes[0].view.document_id
    assert dialog.update_preview() == len(find_matches(window.store, "Netflix", document_ids=[doc]))
    assert {d for d, _, _ in dialog.matches} == {doc}


def test_an_invalid_regex_shows_the_sentence_in_the_dialog(window, qtbot, modals):
    dialog = autocode_dialog(window, qtbot, "(unclosed", regex=True)
    assert dialog.update_preview() == 0
    assert dialog.message.isVisible()
    assert "'(unclosed' is not a valid regular expression" in dialog.message.text()
    assert not dialog.commit_button.isEnabled() and dialog.commit() is None
    assert modals.errors == [] and modals.messages == []
    dialog.regex.setChecked(False)
    dialog.update_preview()
    assert not dialog.message.isVisible()


def test_a_link_whose_figures_disagree_is_flagged(window, qtbot, db_file, monkeypatch):
    store = window.store
    doc_a, doc_b = window.panes[0].view.document_id, window.panes[1].view.document_id
    text_a, text_b = store.document_text(doc_a), store.document_text(doc_b)
    sa, sb = text_a.index("$40,000"), text_b.index("$900K")
    a = store.add_claim(doc_a, sa, sa + len("$40,000")).id
    b = store.add_claim(doc_b, sb, sb + len("$900K")).id
    window.annotator.select_claim(a)
    monkeypatch.setattr(links, "choose_link", lambda *args: links.LinkChoice(b, "same"))
    assert window.links.link_claims()
    assert "The figures differ: $40,000 vs $900K" in window.statusBar().currentMessage()
    item = window.editor.links_list.item(0)
    assert item.text().startswith(FIGURE_WARNING)
    assert "$40,000 vs $900K" in item.text()
    # A "contradicts" link is expected to disagree: no mark.
    window.undo_stack.undo()
    monkeypatch.setattr(links, "choose_link", lambda *args: links.LinkChoice(b, "contradicts"))
    assert window.links.link_claims()
    assert not window.editor.links_list.item(0).text().startswith(FIGURE_WARNING)
    assert "figures differ" not in window.statusBar().currentMessage()


def test_screenshot_with_the_matching_passages_open(window, qtbot, tmp_path):
    panel = open_matches(window, qtbot)
    panel.list.setCurrentItem(panel.list.topLevelItem(the_900k_row(panel)))
    window.menu_actions["candidates"].trigger()
    settle()
    image = window.grab()
    assert not image.isNull() and image.save(str(tmp_path / "matching_passages.png"))
    import os

    if os.environ.get("MARGINALIA_SHOT"):
        image.save(os.environ["MARGINALIA_SHOT"])
    # The list and the candidates dock take real room in the window.
    assert panel.list.viewport().height() > 3 * panel.list.sizeHintForRow(0)
    assert window.candidates_dock.widget().list.viewport().width() > 200
    assert panel.list.columnWidth(1) > 250 and panel.list.columnWidth(2) > 250


def test_matching_passages_follow_the_panes_and_accept_with_a_tag(window, qtbot, db_file):
    panel = open_matches(window, qtbot)
    first, second = window.panes
    shown = (first.view.document_id, second.view.document_id)
    assert (panel.doc_a, panel.doc_b) == shown and panel.pairs()
    # A digit accepts the pair with that tag.
    strikes = tag_id(window, "strikes")
    strikes_key = next(t.key for t in window.store.list_tags() if t.id == strikes)
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, str(strikes_key))
    cmd = window.undo_stack.command(window.undo_stack.count() - 1)
    assert isinstance(cmd, AcceptMatch)
    claims = {c.id: c for c in fresh_claims(db_file)}
    assert claims[cmd.claim_a].tag_ids == (strikes,) and claims[cmd.claim_b].tag_ids == (strikes,)
    # Enter takes the tag used last (not untagged grey claims).
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    cmd2 = window.undo_stack.command(window.undo_stack.count() - 1)
    assert cmd2 is not cmd and isinstance(cmd2, AcceptMatch)
    claims = {c.id: c for c in fresh_claims(db_file)}
    assert all(claims[c].tag_ids == (strikes,) for c in cmd2.new_claims)
    assert "strikes" in window.statusBar().currentMessage()
    # The second pane shows the first document now: the pairs listed are gone at once,
    # and Enter acts on nothing of the old pair.
    steps = window.undo_stack.count()
    window.open_document(shown[0], second)
    settle()
    assert second.view.document_id == shown[0]
    assert panel.pairs() == [] and (panel.doc_a, panel.doc_b) == (None, None)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.undo_stack.count() == steps
    # Back to two documents: the panel looks again on its own.
    window.open_document(shown[1], second)
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.pairs()), timeout=10000)
    assert (panel.doc_a, panel.doc_b) == shown


def test_autocode_preview_spaces_the_match_as_the_text_does():
    from desktop_app.qt.autocode_dialog import in_context

    text = "Then there is the deepfake, which in an advertisement 🎬 has"
    start = text.index("deepfake")
    assert in_context(text, start, start + len("deepfake"), 14) == "…there is the [deepfake], which in an…"
    assert in_context(text, start, start + len("deepfake, which"), 4) == "…the [deepfake, which] in…"
    emoji = text.index("🎬")
    assert in_context(text, emoji, emoji + 1, 5) == "…ment [🎬] has"
    assert in_context("deepfakes\n\nare", 0, 8, 10) == "[deepfake]s are"
