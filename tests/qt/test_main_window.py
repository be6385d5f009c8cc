"""The main window with real widgets and a real database file: making claims
with the keyboard, editing them in the claim editor, undo and redo, the
claims table, clicking highlights, the layout, a damaged database, errors."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    fresh_claims,
    isolated_qsettings,
    make_claim,
    make_window,
    modals,
    point_of,
    select_utf16,
    tag_id,
    window,
)

from desktop_app.core.settings import load_settings
from desktop_app.qt.item_models import DocumentsModel


def _count_cell(window, doc_id: int) -> str:
    """The library's claim count for a document, as the table shows it."""
    proxy = window.library.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == doc_id:
            return proxy.index(r, DocumentsModel.CLAIMS).data()
    raise AssertionError(f"document {doc_id} is not in the library")


# ------------------------------------------------------------ making claims
def test_key_press_on_a_selection_makes_a_claim(window, qtbot, db_file):
    assert len(window.panes) == 2
    first, second = window.panes
    assert first.view.document_id is not None and second.view.document_id is not None
    assert first.view.document_id != second.view.document_id
    view = second.view
    doc_id, text = view.document_id, view.canonical_text
    assert _count_cell(window, doc_id) == "0"
    table_rows = window.claims_panel.table.model().rowCount()
    salaries = tag_id(window, "salaries")

    # Selected programmatically in code points, then the key "2".
    start = text.index("it pays a whopping $900K")
    end = start + len("it pays a whopping $900K")
    claim_id = make_claim(window, qtbot, second, start, end, "2")

    claim = fresh_claim(db_file, claim_id)  # another connection to the file
    assert claim.tag_ids == (salaries,)
    assert claim.quote == text[start:end] and (claim.start, claim.end) == (start, end)
    assert claim.document_id == doc_id
    # The highlight is at that place, in the tag's colour.
    assert view.highlight_layer.claims_at(start) == [claim_id]
    assert view.highlight_layer.claims_at(end - 1) == [claim_id]
    assert view.highlight_layer.claims_at(end) == []
    fill = view.highlight_layer.segment_format(start).background().color()
    assert fill.rgb() == QColor("#E0A526").rgb() and fill.alpha() > 0
    u16 = view.offsets.to_utf16
    covering = [
        s for s in view.extraSelections()
        if s.cursor.selectionStart() == u16(start) and s.cursor.selectionEnd() == u16(end)
    ]
    assert covering and covering[0].format.background().color().rgb() == QColor("#E0A526").rgb()
    assert not view.textCursor().hasSelection()
    # The claims table, the library's count and the claim editor follow.
    assert window.claims_panel.table.model().rowCount() == table_rows + 1
    assert window.claims_panel.selected_claim() == claim_id
    qtbot.waitUntil(lambda: _count_cell(window, doc_id) == "1")  # counted once the user pauses
    assert window.editor.claim.id == claim_id
    assert "salaries" in window.statusBar().currentMessage()
    assert "1 claim" in window.counts.text()

    # Selected with a real QTextCursor on UTF-16 positions, then the key "1".
    start2 = text.index("The Intercept has reported")
    end2 = start2 + len("The Intercept has reported")
    select_utf16(view, u16(start2), u16(end2))
    view.setFocus()
    qtbot.keyClick(view, "1")
    second_id = window.annotator.selected_claim
    assert second_id not in (None, claim_id)
    claim2 = fresh_claim(db_file, second_id)
    assert claim2.tag_ids == (tag_id(window, "deepfakes"),) and claim2.quote == text[start2:end2]
    assert view.highlight_layer.claims_at(start2) == [second_id]
    qtbot.waitUntil(lambda: _count_cell(window, doc_id) == "2")

    # A key no tag has, and a key without a selection, make nothing.
    view.select_offsets(start2, end2)
    qtbot.keyClick(view, "7")
    assert "No tag has the key 7" in window.statusBar().currentMessage()
    view.setTextCursor(view.textCursor().__class__(view.document()))
    qtbot.keyClick(view, "2")
    assert len(fresh_claims(db_file)) == 2


def test_retag_note_status_delete_with_undo_and_redo(window, qtbot, db_file):
    pane = window.panes[0]
    text = pane.view.canonical_text
    start = text.index("Salaries for this profile")
    end = start + len("Salaries for this profile range from $300,000 to $900,000 a year.")
    cid = make_claim(window, qtbot, pane, start, end, "2")
    salaries, strikes = tag_id(window, "salaries"), tag_id(window, "strikes")
    undo, redo = window.menu_actions["undo"], window.menu_actions["redo"]
    editor = window.editor
    assert editor.claim.id == cid and editor.tag_checks[salaries].isChecked()

    # Retag with the editor's checkboxes.
    editor.tag_checks[strikes].click()
    assert set(fresh_claim(db_file, cid).tag_ids) == {salaries, strikes}
    span = pane.view.highlight_layer.span(cid)
    assert len(span.colors) == 2  # a multi-tag claim paints two colours
    undo.trigger()
    assert fresh_claim(db_file, cid).tag_ids == (salaries,)
    assert not editor.tag_checks[strikes].isChecked()
    redo.trigger()
    assert set(fresh_claim(db_file, cid).tag_ids) == {salaries, strikes}
    assert editor.tag_checks[strikes].isChecked()

    # Type a note: saved after a pause, one undo step for the burst.
    steps = window.undo_stack.count()
    editor.note.setFocus()
    qtbot.keyClicks(editor.note, "Check the job ad")
    qtbot.waitUntil(lambda: fresh_claim(db_file, cid).note == "Check the job ad", timeout=5000)
    assert window.undo_stack.count() == steps + 1
    assert window.claims_model.claim(window.claims_model.row_of(cid)).note == "Check the job ad"
    undo.trigger()
    assert fresh_claim(db_file, cid).note == ""
    assert editor.note.toPlainText() == ""
    redo.trigger()
    assert fresh_claim(db_file, cid).note == "Check the job ad"
    assert editor.note.toPlainText() == "Check the job ad"

    # Status from the editor's combo box.
    editor.status.setCurrentIndex(editor.status.findData("disputed"))
    assert fresh_claim(db_file, cid).status == "disputed"
    window.undo_stack.undo()
    assert fresh_claim(db_file, cid).status == "unverified"
    assert editor.status.currentData() == "unverified"
    window.undo_stack.redo()
    assert fresh_claim(db_file, cid).status == "disputed"

    # Delete with the Delete key on the view (the claim is selected there).
    assert pane.view.selected_claim == cid
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_Delete)
    assert fresh_claim(db_file, cid).deleted and cid not in [c.id for c in fresh_claims(db_file)]
    assert pane.view.highlight_layer.claims_at(start) == []
    assert window.claims_model.row_of(cid) is None and editor.claim is None
    undo.trigger()
    assert not fresh_claim(db_file, cid).deleted
    assert pane.view.highlight_layer.claims_at(start) == [cid]
    redo.trigger()
    assert fresh_claim(db_file, cid).deleted
    undo.trigger()

    # Delete from the claims table (Delete on the selected row).
    table = window.claims_panel.table
    row = next(r for r in range(table.model().rowCount()) if window.claims_model.claim(r).id == cid)
    window.activateWindow()
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, 2))
    assert editor.claim.id == cid  # selecting the row selected the claim
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert fresh_claim(db_file, cid).deleted
    undo.trigger()
    assert not fresh_claim(db_file, cid).deleted
    assert fresh_claim(db_file, cid).note == "Check the job ad"
    assert fresh_claim(db_file, cid).status == "disputed"


def test_claims_table_filters_and_going_to_a_claim(window, qtbot, db_file):
    first, second = window.panes
    t1, t2 = first.view.canonical_text, second.view.canonical_text
    a = t1.index("Then there is the use of the deepfake")
    late = t1.rindex("deepfakes")  # near the end of the article
    b = t2.index("The Intercept has reported")
    c = t2.index("it pays a whopping $900K")
    make_claim(window, qtbot, first, a, a + 37, "1")
    far = make_claim(window, qtbot, first, late - 30, late + 9, "1")
    make_claim(window, qtbot, second, b, b + 26, "2")
    disputed = make_claim(window, qtbot, second, c, c + 24, "3")
    window.editor.status.setCurrentIndex(window.editor.status.findData("disputed"))
    panel, proxy = window.claims_panel, window.claims_model
    assert proxy.rowCount() == 4

    qtbot.keyClicks(panel.text_filter, "whopping")
    assert proxy.rowCount() == 1 and proxy.claim(0).id == disputed
    panel.text_filter.clear()
    assert proxy.rowCount() == 4
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findText("salaries"))
    assert [proxy.claim(r).quote for r in range(proxy.rowCount())] == [t2[b : b + 26]]
    panel.tag_filter.setCurrentIndex(0)
    panel.document_filter.setCurrentIndex(panel.document_filter.findData(first.view.document_id))
    assert proxy.rowCount() == 2
    panel.document_filter.setCurrentIndex(0)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("disputed"))
    assert proxy.rowCount() == 1 and proxy.claim(0).id == disputed
    panel.status_filter.setCurrentIndex(0)
    assert proxy.rowCount() == 4

    # Double-click a row: the pane showing that document scrolls to the passage and flashes it.
    view = first.view
    view.verticalScrollBar().setValue(0)
    claim = fresh_claim(db_file, far)

    def visible(cp):
        return view.viewport().rect().contains(view.cursorRect(view._cursor_for(cp)).center())

    assert not visible(claim.start)
    window.annotator.select_claim(None)
    table = panel.table
    row = next(r for r in range(proxy.rowCount()) if proxy.claim(r).id == far)
    table.scrollTo(proxy.index(row, 2))
    rect = table.visualRect(proxy.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.claim.id == far  # one click selects
    assert not visible(claim.start)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert visible(claim.start) and visible(claim.end - 1)
    assert view.is_flashing and view.selected_claim == far
    assert second.view.document_id != claim.document_id or second.view.selected_claim == far


def test_clicking_a_highlight_selects_its_claim(window, qtbot):
    pane = window.panes[0]
    view = pane.view
    text = view.canonical_text
    start = text.index("Day after day")
    cid = make_claim(window, qtbot, pane, start, start + 40, "3")
    other = text.index("As far as images")
    window.annotator.select_claim(None)
    assert window.editor.claim is None and view.selected_claim is None

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, start + 5))
    assert window.editor.claim is not None and window.editor.claim.id == cid
    assert "Day after day" in window.editor.quote.text()
    assert view.selected_claim == cid and window.claims_panel.selected_claim() == cid
    # A click on text that no claim covers unselects it everywhere.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, other + 3))
    assert window.editor.claim is None and view.selected_claim is None


# -------------------------------------------------------------------- layout
def test_layout_and_open_documents_come_back(window, qtbot, db_file, isolated_qsettings):
    doc1, doc2 = window.panes[0].view.document_id, window.panes[1].view.document_id
    window.open_document(doc1, window.panes[1])
    window.open_document(doc2, window.panes[0])
    third = window.add_pane(doc2)
    assert window.open_documents() == [doc2, doc1, doc2] and third is window.panes[2]
    window.close()
    assert load_settings().open_documents[str(db_file)] == [doc2, doc1, doc2]
    ini = list(isolated_qsettings.rglob("*.ini"))
    assert ini and "geometry" in ini[0].read_text()  # QSettings stayed in this test's folder

    again = make_window(qtbot, db_file)
    try:
        again.restore_layout()
        assert again.open_documents() == [doc2, doc1, doc2]
        again.close_pane(again.panes[2])
        again.close_pane(again.panes[1])
        again.close_pane(again.panes[0])  # the last pane stays
        assert len(again.panes) == 1
    finally:
        again.close()
    third_window = make_window(qtbot, db_file)
    try:
        assert third_window.open_documents() == [doc2]
    finally:
        third_window.close()


# ---------------------------------------------------------- damaged database
def test_damaged_database_offers_another_and_is_left_alone(qtbot, tmp_path, modals, monkeypatch, isolated_qsettings):
    from desktop_app.qt import dialogs
    from desktop_app.qt.main_window import MainWindow

    damaged = tmp_path / "damaged.db"
    payload = bytes(range(256)) * 64 + b"not a database"
    damaged.write_bytes(payload)
    replacement = tmp_path / "new.db"
    asked = []
    monkeypatch.setattr(dialogs, "ask_for_other_database", lambda parent, problem: asked.append(problem) or replacement)
    w = MainWindow()
    qtbot.addWidget(w)
    try:
        assert w.open_database(damaged)
        assert len(asked) == 1 and "damaged.db" in asked[0]
        assert w.store is not None and w.store.path == replacement
        assert w.documents_model.rowCount() == 2  # a new database starts with the samples
        assert "new.db" in w.windowTitle()
    finally:
        w.close()
    assert damaged.read_bytes() == payload
    # Giving up leaves the window without a database, and says so.
    monkeypatch.setattr(dialogs, "ask_for_other_database", lambda parent, problem: None)
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert not w2.open_database(damaged)
    assert w2.store is None and "No database" in w2.statusBar().currentMessage()
    w2.close()
    assert damaged.read_bytes() == payload


# ------------------------------------------------------------------- errors
@pytest.fixture
def log_file(user_dirs):
    from desktop_app.core import logs

    path = logs.setup_logging()
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_marginalia", False)]:
        root.removeHandler(handler)
        handler.close()
    logs._configured = None


@pytest.mark.qt_no_exception_capture
def test_uncaught_exception_in_a_slot_is_logged_shown_and_survived(window, qtbot, db_file, modals, log_file,
                                                                   monkeypatch):
    import sys

    from desktop_app.qt.errors import UNEXPECTED_ERROR, install_excepthook

    pane = window.panes[0]
    text = pane.view.canonical_text
    start = text.index("In short")
    cid = make_claim(window, qtbot, pane, start, start + 20, "1")
    previous = install_excepthook(lambda: window)
    try:
        def broken(_claim_id):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(window.annotator, "held_claim", broken)
        window.claims_panel.claimActivated.emit(cid)  # the slot raises
        monkeypatch.undo()
    finally:
        sys.excepthook = previous
    assert modals.errors == [UNEXPECTED_ERROR]
    assert window.statusBar().currentMessage() == UNEXPECTED_ERROR
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: disk on fire" in logged
    # The window still works.
    other = make_claim(window, qtbot, pane, start + 30, start + 50, "2")
    assert fresh_claim(db_file, other).tag_ids == (tag_id(window, "salaries"),)


def test_unexpected_store_error_during_an_edit_leaves_everything_consistent(window, qtbot, db_file, modals,
                                                                           log_file, monkeypatch):
    from desktop_app.qt.errors import UNEXPECTED_ERROR

    pane = window.panes[0]
    start = pane.view.canonical_text.index("In short")
    cid = make_claim(window, qtbot, pane, start, start + 20, "1")
    steps = window.undo_stack.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(window.store, "set_claim_status", broken)
    window.editor.status.setCurrentIndex(window.editor.status.findData("refuted"))
    assert modals.errors == [UNEXPECTED_ERROR]
    assert "RuntimeError: the disk went away" in log_file.read_text(encoding="utf-8")
    assert window.undo_stack.count() == steps
    assert window.editor.status.currentData() == "unverified"  # shows what is saved
    monkeypatch.undo()
    window.editor.status.setCurrentIndex(window.editor.status.findData("supported"))
    assert fresh_claim(db_file, cid).status == "supported"


def test_a_refused_action_is_one_sentence_and_changes_nothing(window, qtbot, db_file, modals):
    pane = window.panes[0]
    start = pane.view.canonical_text.index("In short")
    cid = make_claim(window, qtbot, pane, start, start + 20, "1")
    window.codebook.updateRequested.emit(tag_id(window, "salaries"), {"name": "deepfakes"})
    assert len(modals.texts("warn")) == 1 and "deepfakes" in modals.texts("warn")[0]
    assert {t.name for t in window.store.list_tags()} == {"deepfakes", "salaries", "strikes"}
    assert fresh_claim(db_file, cid).tag_ids == (tag_id(window, "deepfakes"),)


# --------------------------------------------------- actions and accessibility
def test_every_action_is_reachable_and_shortcuts_are_unique(window):
    in_menus = set()
    for menu_action in window.menuBar().actions():
        in_menus.update(a for a in menu_action.menu().actions() if not a.isSeparator())
    seen = {}
    for name, action in window.menu_actions.items():
        assert action.shortcuts() or action in in_menus, f"{name} has no shortcut and is in no menu"
    for action in in_menus | set(window.actions()):
        for seq in action.shortcuts():
            key = seq.toString()
            assert key not in seen, f"{key} is used by both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()
    for key in ("Ctrl+O", "Ctrl+E", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+F", "F1", "Alt+1"):
        assert key in seen, key


def _unnamed(top) -> list[str]:
    interactive = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextEdit, QPlainTextEdit, QSpinBox)
    missing = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, interactive) or not widget.isVisibleTo(top):
            continue
        if widget.objectName().startswith(("qt_", "_q_")):
            continue
        if type(widget).__name__ in {"QHeaderView", "QTableCornerButton", "QToolBarExtension"}:
            continue
        if widget.parent() is not None and isinstance(widget.parent(), (QComboBox, QSpinBox)):
            continue
        name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
        if not name and isinstance(widget, QAbstractButton) and getattr(widget, "defaultAction", None):
            action = widget.defaultAction()
            name = action.text() if action is not None else ""
        if not name:
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    return missing


def test_widgets_have_accessible_names(window, qtbot):
    from desktop_app.qt.codebook_panel import TagDialog

    pane = window.panes[0]
    make_claim(window, qtbot, pane, 0, 12, "1")  # the claim editor shows its fields
    window.orphans_dock.show()  # hidden until a new version orphans a claim
    assert window.editor.note.isVisibleTo(window)
    checked = len([w for w in window.findChildren(QWidget) if w.isVisibleTo(window)])
    assert checked > 50
    assert not _unnamed(window), _unnamed(window)
    for dock in (window.library_dock, window.codebook_dock, window.claims_dock, window.editor_dock,
                 window.orphans_dock):
        assert dock.accessibleName()
    for dialog in (window.annotator.make_export_dialog(), TagDialog(window)):
        try:
            assert not _unnamed(dialog), _unnamed(dialog)
        finally:
            dialog.deleteLater()


# ------------------------------------------------- documents and databases
def test_deleting_a_document_from_the_library_and_undo(window, qtbot, db_file, modals):
    pane = window.panes[0]
    doc_id = pane.view.document_id
    start = pane.view.canonical_text.index("In short")
    cid = make_claim(window, qtbot, pane, start, start + 20, "1")
    table = window.library.table
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data(Qt.ItemDataRole.UserRole) == doc_id)
    table.setCurrentIndex(table.model().index(row, 0))
    modals.confirm_answers.append(False)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert window.documents_model.rowCount() == 2  # "no" keeps it
    modals.confirm_answers.append(True)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert "1 claims" in modals.texts("confirm")[-1]
    assert window.documents_model.rowCount() == 1
    assert pane.view.document_id is None and window.claims_model.rowCount() == 0
    assert cid not in [c.id for c in fresh_claims(db_file)]
    window.undo_stack.undo()
    assert window.documents_model.rowCount() == 2
    assert [c.id for c in fresh_claims(db_file)] == [cid]
    # Enter on a library row opens the document in the active pane.
    table.setCurrentIndex(table.model().index(row, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert doc_id in window.open_documents()


def test_switching_databases_leaves_the_first_one_alone(window, qtbot, tmp_path, db_file):
    from window_support import fresh_tags

    pane = window.panes[0]
    start = pane.view.canonical_text.index("In short")
    make_claim(window, qtbot, pane, start, start + 20, "1")
    other = tmp_path / "other.db"
    assert window.open_database(other)
    assert window.store.path == other and "other.db" in window.windowTitle()
    assert window.undo_stack.count() == 0 and window.claims_model.rowCount() == 0
    window.codebook.addRequested.emit({"name": "pay gap", "color": "#4C8FE8", "key": 4, "description": ""})
    assert "pay gap" in fresh_tags(other) and "pay gap" not in fresh_tags(db_file)
    assert window.undo_stack.count() == 1 and window.codebook.table.model().rowCount() == 4
    pane = window.panes[0]
    make_claim(window, qtbot, pane, 0, 10, "4")
    assert window.claims_model.rowCount() == 1 and len(fresh_claims(other)) == 1
    assert len(fresh_claims(db_file)) == 1
    qtbot.waitUntil(lambda: "1 claim" in window.counts.text())  # the library's counts, once the user pauses


def test_hovering_a_highlight_shows_its_tags_status_and_current_note(window, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    pane = window.panes[0]
    text = pane.view.canonical_text
    start = text.index("Netflix hires AI experts")
    claim_id = make_claim(window, qtbot, pane, start, start + 24, "2")
    from desktop_app.core.store import Store

    with Store.open(window.store.path) as other:  # another window
        other.set_claim_note(claim_id, "check the <pay> figures")
    model = window.claims_model  # the tooltip shows what the window holds: once the change reached it
    qtbot.waitUntil(lambda: model.claim(model.row_of(claim_id)).note == "check the <pay> figures", timeout=5000)

    pos = point_of(pane.view, start + 3)
    pane.view.event(QHelpEvent(QEvent.Type.ToolTip, pos, pane.view.viewport().mapToGlobal(pos)))
    tip = QToolTip.text()
    QToolTip.hideText()
    assert "salaries" in tip and "unverified" in tip
    assert "check the &lt;pay&gt; figures" in tip  # the note as saved now, escaped


def test_start_up_lists_the_library_before_the_store_has_opened(qtbot, db_file, modals, isolated_qsettings):
    """As ``marginalia`` starts: the documents are listed straight from the
    file, the store opens in a worker thread and is attached when ready, and
    the panes then show the first documents."""
    from desktop_app.core.store import Store
    from desktop_app.qt.main_window import MainWindow

    Store.open(db_file).close()  # an existing database with the sample articles
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_database_in_background(db_file)
    assert w.store is None  # not yet: the library is a preview
    titles = [w.library.proxy.index(r, 0).data() for r in range(w.library.proxy.rowCount())]
    assert len(titles) == 2 and any("Netflix" in t for t in titles)
    w.open_document(1)  # asked for too early: nothing breaks
    qtbot.waitUntil(lambda: w.store is not None, timeout=20000)
    assert w.library.proxy.sourceModel() is w.documents_model
    assert all(p.view.document_id is not None for p in w.panes)
    w.close()


def test_start_up_on_a_damaged_file_still_explains_it(qtbot, tmp_path, modals, isolated_qsettings, monkeypatch):
    from desktop_app.qt import dialogs
    from desktop_app.qt.main_window import MainWindow

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    asked = []
    monkeypatch.setattr(dialogs, "ask_for_other_database", lambda parent, problem: asked.append(problem))
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_database_in_background(bad)
    assert asked and "bad.db" in asked[0] and w.store is None
    assert bad.read_bytes() == b"SQLite format 3\x00" + b"\x00" * 50
    w.close()


def test_a_large_damaged_file_is_checked_after_it_opens(qtbot, tmp_path, modals, isolated_qsettings, monkeypatch):
    """A file too large to be read whole on opening opens at once, and the
    window checks it in the background: damage is said in one sentence."""
    import sys
    from pathlib import Path as _Path

    sys.path.insert(0, str(_Path(__file__).resolve().parents[1] / "core"))
    from test_large_file_check import damaged_index

    from desktop_app.core.store import database

    path = damaged_index(tmp_path)
    monkeypatch.setattr(database, "FULL_CHECK_BYTES", path.stat().st_size - 1)
    w = make_window(qtbot, path, size=(1024, 700))
    qtbot.waitUntil(lambda: bool(modals.errors), timeout=20000)
    assert len(modals.errors) == 1
    message = modals.errors[0]
    assert "is damaged" in message and "Save a copy as file" in message and "\n" not in message
    assert w.store is not None and w.store.count_claims() == 2000  # the work goes on
    # sorting by quote reads the damaged index: one sentence, the rows shown stay
    from desktop_app.qt.claims_model import ClaimsModel

    shown = w.claims_model.rowCount()
    w.claims_panel.table.sortByColumn(ClaimsModel.QUOTE, Qt.SortOrder.AscendingOrder)
    assert len(modals.errors) == 2  # read at once: one sort, one sentence
    assert "is damaged" in modals.errors[1] and "\n" not in modals.errors[1]
    assert w.claims_model.rowCount() == shown
    w.close()


def test_a_large_whole_file_says_nothing(qtbot, tmp_path, modals, isolated_qsettings, monkeypatch):
    from desktop_app.core.store import database

    from desktop_app.core.store import Store

    path = tmp_path / "whole.db"
    Store.open(path, annotator="tester").close()
    checked = []
    real = database.check_file
    monkeypatch.setattr(database, "check_file", lambda p, *a: checked.append(p) or real(p, *a))
    monkeypatch.setattr(database, "FULL_CHECK_BYTES", path.stat().st_size - 1)
    w = make_window(qtbot, path)
    qtbot.waitUntil(lambda: bool(checked), timeout=20000)
    assert checked == [path] and not modals.errors and not modals.messages
    w.close()
