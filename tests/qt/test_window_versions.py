"""A new version of a document through the window: File > Replace with new
version… reads the file on a worker thread, the claims follow the text (moved,
changed, orphaned), undo and redo; orphaned claims in their dock, attached
again to a selection."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    modals,
    tag_id,
    utf16_len,
    window,
)

from desktop_app.core.importers import import_file
from desktop_app.core.store import Store
from desktop_app.qt.claims_model import ClaimsModel, OrphansModel

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "01-netflix-hires-ai-experts-amid-strikes.md"

MOVED = "brought Bruce Willis back to the screen"
CHANGED_OLD = "Salaries for this profile range from $300,000 to $900,000 a year."
CHANGED_NEW = "Salaries for this profile range from $350,000 to $900,000 a year."
ORPHAN = "Donald Trump arrested and so on"
ORPHAN_NOTE = "Check the photo agency"
NEW_PASSAGE = "a former president under arrest"


def _new_version(tmp_path: Path) -> Path:
    """The first sample article, edited as a newsroom would: a correction
    note with emoji on top (everything moves, by more UTF-16 units than code
    points), a figure corrected, a sentence rewritten."""
    source = SEED.read_text(encoding="utf-8")
    edited = source.replace(
        "---\n\nWe have written",
        "---\n\nUpdate 🎬: this article was corrected on 2 August 👍🏽 after readers wrote in.\n\nWe have written", 1,
    )
    edited = edited.replace("range from $300,000 to $900,000", "range from $350,000 to $900,000")
    edited = edited.replace("Pope Francis with a trendy quilt, Donald Trump arrested and so on",
                            f"Pope Francis in a white puffer coat and {NEW_PASSAGE}")
    assert edited.count("🎬") == 1 and "$350,000" in edited and NEW_PASSAGE in edited
    path = tmp_path / "netflix-v2.md"
    path.write_text(edited, encoding="utf-8")
    return path


def _fresh(db: Path):
    """(document text, {claim id: claim}) as a new connection sees them."""
    with Store.open(db) as s:
        doc = s.list_documents()[0]
        return s.document_text(doc.id), {c.id: c for c in s.list_claims()}


def _covering(view, start: int, end: int) -> list:
    """The extra selections painted exactly over ``[start, end)`` (UTF-16)."""
    return [s for s in view.extraSelections()
            if (s.cursor.selectionStart(), s.cursor.selectionEnd()) == (start, end)]


def _qt_text(view, start_u16: int, end_u16: int) -> str:
    """The text Qt has between two UTF-16 positions."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(start_u16)
    cursor.setPosition(end_u16, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def _claims_on_pane(window, qtbot):
    pane = window.panes[0]
    text = pane.view.canonical_text
    ids = {}
    for name, quote, key in (("moved", MOVED, "1"), ("changed", CHANGED_OLD, "2"), ("orphan", ORPHAN, "3")):
        start = text.index(quote)
        ids[name] = make_claim(window, qtbot, pane, start, start + len(quote), key)
    window.editor.note.setPlainText(ORPHAN_NOTE)  # the orphan is the selected claim
    window.editor.flush_note()
    return pane, text, ids


@pytest.fixture
def replaced(window, qtbot, tmp_path, db_file, modals, monkeypatch):
    """Three claims on the first article, then its new version through the
    File menu; returns what the tests need."""
    pane, old_text, ids = _claims_on_pane(window, qtbot)
    doc_id = pane.view.document_id
    old_claims = _fresh(db_file)[1]
    new_file = _new_version(tmp_path)
    threads = []
    import desktop_app.core.importers as importers

    real = importers.import_file

    def recording(path, **kwargs):
        threads.append(threading.get_ident())
        return real(path, **kwargs)

    monkeypatch.setattr(importers, "import_file", recording)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, caption, *a, **k: asked.append(caption) or (str(new_file), "Articles"))
    pane.view.setFocus()
    window.active_pane = pane
    steps = window.undo_stack.count()
    assert not window.orphans_dock.isVisible()
    with qtbot.waitSignal(window.replaceFinished, timeout=15000) as finished:
        window.menu_actions["replace"].trigger()
        assert window.annotator.versions.run is not None  # reading on the worker thread
    assert finished.args[0] == doc_id and finished.args[1] is True
    assert threads and threading.get_ident() not in threads
    assert asked and "Netflix hires AI experts" in asked[0]
    assert window.undo_stack.count() == steps + 1

    class R:
        pass

    r = R()
    r.pane, r.doc_id, r.ids, r.old_text, r.old_claims = pane, doc_id, ids, old_text, old_claims
    r.new_text = import_file(new_file).text
    r.summary = finished.args[2]
    return r


def test_replace_through_the_window_undo_and_redo(window, qtbot, db_file, modals, replaced):
    r = replaced
    view = r.pane.view
    moved, changed, orphan = r.ids["moved"], r.ids["changed"], r.ids["orphan"]

    # The database: the new text, each claim where the new text has it.
    text, claims = _fresh(db_file)
    assert text == r.new_text and text != r.old_text
    m = claims[moved]
    assert (m.start, m.end) == (text.index(MOVED), text.index(MOVED) + len(MOVED)) and not m.orphaned
    assert m.start > r.old_claims[moved].start
    c = claims[changed]
    assert c.quote == CHANGED_NEW and text[c.start:c.end] == CHANGED_NEW and not c.orphaned
    o = claims[orphan]
    assert o.orphaned and o.quote == ORPHAN and o.note == ORPHAN_NOTE and ORPHAN not in text
    with Store.open(db_file) as s:
        assert [v[0] for v in s.document_versions(r.doc_id)] == [1]
        assert s.get_document(r.doc_id).version == 2

    # The summary: in the status bar and in an information message.
    assert "1 moved, 1 changed and 1 could not be found" in r.summary
    assert modals.texts("inform") == [r.summary]
    status = window.statusBar().currentMessage()
    assert "0 claims kept their place, 1 moved, 1 changed, 1 orphaned" in status and "Ctrl+Z" in status
    assert window.statusBar().fontMetrics().horizontalAdvance(status) < window.width() - window.counts.width()

    # The pane shows the new text, the highlights at the new UTF-16 places.
    assert view.canonical_text == r.new_text
    assert view.offsets.astral_count >= 3
    for cid, quote in ((moved, MOVED), (changed, CHANGED_NEW)):
        start = r.new_text.index(quote)
        u16_start, u16_end = utf16_len(r.new_text[:start]), utf16_len(r.new_text[: start + len(quote)])
        assert u16_start > start  # the emoji above count twice in UTF-16
        assert view.highlight_layer.claims_at(start) == [cid]
        assert _covering(view, u16_start, u16_end), quote
        assert _qt_text(view, u16_start, u16_end) == quote
    assert view.highlight_layer.span(orphan) is None  # an orphan is never painted
    assert view.highlight_layer.claims_at(r.new_text.index(NEW_PASSAGE)) == []

    # The orphan is listed in its dock, shown automatically, and marked in the claims table.
    assert window.orphans_dock.isVisible()
    orphans = window.orphans_model
    assert orphans.rowCount() == 1 and orphans.claim(0).id == orphan
    row = [orphans.index(0, col).data() for col in range(orphans.columnCount())]
    assert row[OrphansModel.DOCUMENT].startswith("Netflix hires AI experts")
    assert row[OrphansModel.TAGS] == "strikes" and row[OrphansModel.QUOTE] == ORPHAN
    assert row[OrphansModel.NOTE] == ORPHAN_NOTE
    claims_model = window.claims_model
    orphan_row = claims_model.row_of(orphan)
    assert claims_model.index(orphan_row, ClaimsModel.DOCUMENT).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Not found in the current text" in claims_model.index(orphan_row, ClaimsModel.QUOTE).data(
        Qt.ItemDataRole.ToolTipRole)
    assert claims_model.index(claims_model.row_of(moved), ClaimsModel.DOCUMENT).data(
        Qt.ItemDataRole.DecorationRole) is None
    assert claims_model.claim(claims_model.row_of(changed)).quote == CHANGED_NEW
    assert window.editor.claim.id == orphan and window.editor.orphan_note.isVisibleTo(window)
    assert "1 orphaned" in window.counts.text()

    # Undo: the old text, the old anchors, the old highlights.
    window.menu_actions["undo"].trigger()
    text, claims = _fresh(db_file)
    assert text == r.old_text
    for cid, before in r.old_claims.items():
        after = claims[cid]
        assert (after.start, after.end, after.quote, after.orphaned) == (before.start, before.end, before.quote, False)
    assert view.canonical_text == r.old_text
    for cid in (moved, changed, orphan):
        before = r.old_claims[cid]
        assert view.highlight_layer.claims_at(before.start) == [cid]
        assert _covering(view, view.offsets.to_utf16(before.start), view.offsets.to_utf16(before.end))
    assert window.orphans_model.rowCount() == 0 and "orphaned" not in window.counts.text()
    with Store.open(db_file) as s:
        assert s.document_versions(r.doc_id) == [] and s.get_document(r.doc_id).version == 1

    # Redo: the same new version again.
    window.menu_actions["redo"].trigger()
    text, claims = _fresh(db_file)
    assert text == r.new_text and claims[orphan].orphaned
    assert (claims[moved].start, claims[changed].quote) == (r.new_text.index(MOVED), CHANGED_NEW)
    assert view.canonical_text == r.new_text
    assert view.highlight_layer.claims_at(r.new_text.index(MOVED)) == [moved]
    assert window.orphans_model.rowCount() == 1


def test_attach_an_orphan_to_a_selection_and_undo(window, qtbot, db_file, modals, replaced):
    r = replaced
    view = r.pane.view
    orphan = r.ids["orphan"]
    other_pane = window.panes[1]
    assert other_pane.view.document_id != r.doc_id
    attach = window.menu_actions["attach"]

    # The orphan is chosen in the dock; a selection in another document is refused.
    panel = window.orphans_panel
    panel.table.setCurrentIndex(window.orphans_model.index(0, OrphansModel.QUOTE))
    assert window.annotator.selected_claim == orphan and panel.attach_button.isEnabled()
    other_pane.view.select_offsets(0, 10)
    view.setTextCursor(view.textCursor().__class__(view.document()))  # nothing selected in its document
    steps = window.undo_stack.count()
    attach.trigger()
    assert window.undo_stack.count() == steps and _fresh(db_file)[1][orphan].orphaned
    assert "Select the passage" in window.statusBar().currentMessage()

    # Select the passage in the pane and attach (Edit > Attach to selection).
    start = r.new_text.index(NEW_PASSAGE)
    end = start + len(NEW_PASSAGE)
    view.select_offsets(start, end)
    window.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    claim = _fresh(db_file)[1][orphan]
    assert not claim.orphaned and (claim.start, claim.end) == (start, end) and claim.quote == NEW_PASSAGE
    assert claim.note == ORPHAN_NOTE and claim.tag_ids == (tag_id(window, "strikes"),)
    assert view.highlight_layer.claims_at(start) == [orphan]
    assert _covering(view, view.offsets.to_utf16(start), view.offsets.to_utf16(end))
    assert window.orphans_model.rowCount() == 0 and not panel.attach_button.isEnabled()
    assert window.claims_model.claim(window.claims_model.row_of(orphan)).quote == NEW_PASSAGE
    assert not window.editor.orphan_note.isVisibleTo(window)

    # Undo: an orphan again, with its old quote, not painted, back in the dock.
    window.menu_actions["undo"].trigger()
    claim = _fresh(db_file)[1][orphan]
    assert claim.orphaned and claim.quote == ORPHAN
    assert view.highlight_layer.claims_at(start) == [] and view.highlight_layer.span(orphan) is None
    assert [window.orphans_model.claim(i).id for i in range(window.orphans_model.rowCount())] == [orphan]
    window.menu_actions["redo"].trigger()
    assert not _fresh(db_file)[1][orphan].orphaned
    assert view.highlight_layer.claims_at(start) == [orphan]

    # From the claims table's context menu, the action is there for orphans only.
    window.menu_actions["undo"].trigger()
    proxy = window.claims_model
    rows = {proxy.claim(i).id: i for i in range(proxy.rowCount())}
    menu = window.claims_panel.build_context_menu(proxy.index(rows[orphan], 2))
    entries = {a.text().split("\t")[0]: a for a in menu.actions() if not a.isSeparator()}
    assert entries["Attach to selection"].isEnabled()
    view.select_offsets(start, end)
    entries["Attach to selection"].trigger()
    assert not _fresh(db_file)[1][orphan].orphaned
    menu.deleteLater()
    menu = window.claims_panel.build_context_menu(proxy.index(rows[r.ids["moved"]], 2))
    assert not [a for a in menu.actions() if a.text().startswith("Attach")][0].isEnabled()
    menu.deleteLater()


def test_replace_from_the_library_menu_and_a_file_that_cannot_be_read(window, qtbot, tmp_path, db_file, modals,
                                                                      monkeypatch):
    doc_id = window.panes[1].view.document_id
    library = window.library
    menu = library.build_context_menu(doc_id)
    replace = next(a for a in menu.actions() if a.text().startswith("Replace with new version"))
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(empty), "Articles"))
    before = _fresh_document(db_file, doc_id)
    steps = window.undo_stack.count()
    with qtbot.waitSignal(window.replaceFinished, timeout=15000) as finished:
        replace.trigger()
    menu.deleteLater()
    assert finished.args[:2] == [doc_id, False] and "empty.md" in finished.args[2]
    assert modals.texts("warn") == [finished.args[2]] and "not replaced" in finished.args[2]
    assert window.undo_stack.count() == steps and _fresh_document(db_file, doc_id) == before

    # A plain-text new version of the second article, chosen from the library.
    new = tmp_path / "job.txt"
    new.write_text("Netflix posts a new job.\n\nThe pay is now $1M.\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(new), "Articles"))
    with qtbot.waitSignal(window.replaceFinished, timeout=15000) as finished:
        library.replaceRequested.emit(doc_id)
    assert finished.args[1] is True and "has no claims" in finished.args[2]
    assert _fresh_document(db_file, doc_id)[0].startswith("Netflix posts a new job.")
    assert window.panes[1].view.canonical_text.startswith("Netflix posts a new job.")
    assert not window.orphans_dock.isVisible()  # nothing orphaned: the dock stays hidden


def _fresh_document(db: Path, doc_id: int):
    with Store.open(db) as s:
        return s.document_text(doc_id), s.get_document(doc_id).version


def test_orphans_model_passes_the_qt_tester_through_changes(window, qtbot, qtmodeltester, db_file, replaced):
    """Qt's model tester stays attached while the orphans come and go."""
    from PySide6.QtTest import QAbstractItemModelTester

    model = window.orphans_model
    qtmodeltester.check(model, force_py=True)  # keeps checking every signal until the test ends
    cpp = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    view = replaced.pane.view
    start = replaced.new_text.index(NEW_PASSAGE)
    view.select_offsets(start, start + len(NEW_PASSAGE))
    assert window.annotator.versions.attach(replaced.ids["orphan"])
    assert model.rowCount() == 0
    window.undo_stack.undo()  # the orphan comes back
    window.undo_stack.undo()  # the old text: no orphan
    assert model.rowCount() == 0
    window.undo_stack.redo()
    assert model.rowCount() == 1
    window.editor.note.setPlainText("Another note")
    window.editor.flush_note()  # a change of an orphan updates its row
    assert model.index(0, OrphansModel.NOTE).data() == "Another note"
    window.annotator.delete_claim(replaced.ids["orphan"])
    assert model.rowCount() == 0
    window.undo_stack.undo()
    assert model.rowCount() == 1 and _fresh(db_file)[1][replaced.ids["orphan"]].orphaned
    del cpp
