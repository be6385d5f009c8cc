"""The main window's data flows: importing files on the worker thread,
astral characters in claims, the codebook's tools with undo, CSV export."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QDialog, QFileDialog, QInputDialog
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    fresh_claims,
    fresh_tags,
    isolated_qsettings,
    make_claim,
    modals,
    select_utf16,
    tag_id,
    window,
    settle,
)

from desktop_app.core.store import Store
from desktop_app.qt.codebook_panel import CodebookPanel, TagDialog
from desktop_app.qt.export_dialog import ExportDialog

EMOJI_MD = (
    "# Emoji 😀 heading 𝐀 here\n\n"
    "The minister said 👨\u200d👩\u200d👧 families pay 🇫🇷 less, and the 𠀀 rate fell.\n\n"
    "Skin 👍🏽 tones, café and e\u0301 too.\n"
)


def _import(window, qtbot, files, *, through_menu=False, monkeypatch=None):
    """Import through the window (worker thread); returns (ids, failures, progress)."""
    progress = []
    window.importProgress.connect(lambda done, total, name: progress.append((done, total, name)))
    with qtbot.waitSignal(window.importFinished, timeout=15000) as finished:
        if through_menu:
            from desktop_app.qt import dialogs

            monkeypatch.setattr(dialogs, "ask_import_files", lambda *a, **k: ([Path(f) for f in files], False))
            window.menu_actions["import"].trigger()
        else:
            assert window.annotator.import_files(files)
        assert window.annotator.import_run is not None
        assert window.annotator.progress_dialog is not None
        assert window.annotator.progress_dialog.maximum() == len(files) * 100  # 100 steps a file
    qtbot.waitUntil(lambda: window.annotator.import_run is None, timeout=5000)
    ids, failures = finished.args
    return ids, failures, progress


def _library_titles(window) -> list[str]:
    model = window.documents_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_import_through_the_window(window, qtbot, tmp_path, db_file, modals, monkeypatch):
    good = tmp_path / "emoji.md"
    good.write_text(EMOJI_MD, encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    plain = tmp_path / "notes.txt"
    plain.write_text("A plain note about the strike.\n\nSecond paragraph.\n", encoding="latin-1")
    main_thread = threading.get_ident()
    seen_threads = set()
    window.importProgress.connect(lambda *_: seen_threads.add(threading.get_ident()))

    ids, failures, progress = _import(window, qtbot, [good, empty, plain], through_menu=True,
                                      monkeypatch=monkeypatch)

    assert len(ids) == 2 and len(failures) == 1 and "empty.md" in failures[0]
    assert seen_threads == {main_thread}  # the window hears the worker in the GUI thread
    assert progress[0] == (0, 3, "emoji.md") and progress[-1] == (3, 3, "")
    assert [p[2] for p in progress[:-1]] == ["emoji.md", "empty.md", "notes.txt"]
    # The bad file is reported, the others are in the library and the database.
    assert len(modals.texts("warn")) == 1 and "empty.md" in modals.texts("warn")[0]
    assert "Imported 2 of 3" in window.statusBar().currentMessage()
    titles = _library_titles(window)
    assert "Emoji 😀 heading 𝐀 here" in titles and len(titles) == 4
    with Store.open(db_file) as s:
        assert len(s.list_documents()) == 4
        emoji_doc = next(d for d in s.list_documents() if d.title.startswith("Emoji"))
        assert s.document_text(emoji_doc.id).startswith("Emoji 😀 heading 𝐀 here\n")
    assert any(p.view.document_id == ids[-1] for p in window.panes)  # the last one is shown
    assert any(p.chooser.findData(ids[0]) >= 0 for p in window.panes)
    # Undo takes the import back, redo brings it again.
    window.undo_stack.undo()
    assert len(_library_titles(window)) == 2
    with Store.open(db_file) as s:
        assert len(s.list_documents()) == 2
    window.undo_stack.redo()
    assert len(_library_titles(window)) == 4


def test_astral_characters_and_block_boundaries_in_claims(window, qtbot, tmp_path, db_file):
    article = tmp_path / "astral.md"
    article.write_text(EMOJI_MD, encoding="utf-8")
    ids, failures, _ = _import(window, qtbot, [article])
    assert failures == [] and len(ids) == 1
    pane = next(p for p in window.panes if p.view.document_id == ids[0])
    view = pane.view
    text = view.canonical_text
    assert view.offsets.astral_count >= 5

    def u16(cp):
        return len(text[:cp].encode("utf-16-le")) // 2

    # Start between the halves of 😀, end between the halves of 𝐀.
    smile, bold_a = text.index("😀"), text.index("𝐀")
    select_utf16(view, u16(smile) + 1, u16(bold_a) + 1)
    assert view.textCursor().selectionStart() == u16(smile) + 1  # really inside the pair
    view.setFocus()
    qtbot.keyClick(view, "1")
    first = fresh_claim(db_file, window.annotator.selected_claim)
    assert (first.start, first.end) == (smile, bold_a + 1)
    assert first.quote == text[first.start : first.end] == "😀 heading 𝐀"
    assert view.highlight_layer.claims_at(smile) == [first.id]

    # Across a block boundary: from inside 𠀀 (paragraph 2) into 👍 (paragraph 3).
    cjk, thumb = text.index("𠀀"), text.index("👍")
    select_utf16(view, u16(cjk) + 1, u16(thumb) + 1)
    qtbot.keyClick(view, "2")
    second = fresh_claim(db_file, window.annotator.selected_claim)
    assert (second.start, second.end) == (cjk, thumb + 1)
    assert second.quote == text[cjk : thumb + 1] and "\n" in second.quote
    assert second.quote.startswith("𠀀") and second.quote.endswith("👍")
    for claim in (first, second):
        # Whole characters: no lone surrogate at either end.
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in claim.quote)
        sel = [s for s in view.extraSelections() if s.cursor.selectionStart() == u16(claim.start)]
        assert sel, "no highlight starts at the claim's Qt position"
    row = window.claims_model.row_of(second.id)
    assert window.claims_model.claim(row).quote == second.quote


def test_codebook_tools_with_undo(window, qtbot, db_file, modals, monkeypatch):
    codebook = window.codebook
    pane = window.panes[0]
    text = pane.view.canonical_text
    start = text.index("Salaries for this profile")
    claim_id = make_claim(window, qtbot, pane, start, start + 40, "3")  # strikes
    undo, redo = window.undo_stack.undo, window.undo_stack.redo

    # Add (the tag dialog, filled in and accepted).
    def fill_and_accept(dialog):
        assert isinstance(dialog, TagDialog)
        dialog.name.setText("pay gap")
        dialog.description.setText("Differences in pay")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", fill_and_accept)
    codebook.ask_add()
    tags = fresh_tags(db_file)
    assert tags["pay gap"].key == 4 and tags["pay gap"].description == "Differences in pay"
    new_id = tags["pay gap"].id
    assert window.editor.tag_checks[new_id].text().startswith("pay gap")
    assert codebook.table.model().rowCount() == 4
    undo()
    assert "pay gap" not in fresh_tags(db_file)
    redo()
    assert fresh_tags(db_file)["pay gap"].id == new_id

    # Rename.
    codebook.select_tag(new_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("wages", True))
    codebook.ask_rename()
    assert "wages" in fresh_tags(db_file) and "pay gap" not in fresh_tags(db_file)
    assert codebook.selected_tag().id == new_id  # the selection survives the refresh
    undo()
    assert "pay gap" in fresh_tags(db_file)
    redo()

    # Recolour: the highlights of the tag's claims follow.
    strikes = tag_id(window, "strikes")
    codebook.select_tag(strikes)
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    codebook.ask_recolor()
    assert fresh_tags(db_file)["strikes"].color == "#123456"
    assert pane.view.highlight_layer.segment_format(start).background().color().rgb() == QColor("#123456").rgb()
    undo()
    assert fresh_tags(db_file)["strikes"].color == "#2BA7A0"
    assert pane.view.highlight_layer.segment_format(start).background().color().rgb() == QColor("#2BA7A0").rgb()

    # Key.
    codebook.select_tag(new_id)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("9", True))
    codebook.ask_key()
    assert fresh_tags(db_file)["wages"].key == 9
    undo()
    assert fresh_tags(db_file)["wages"].key == 4

    # Merge strikes into wages: the claim moves over; undo brings strikes back on it.
    codebook.select_tag(strikes)
    monkeypatch.setattr(CodebookPanel, "_choose_tag", lambda self, label, tags: new_id)
    codebook.ask_merge()
    assert "strikes" not in fresh_tags(db_file)
    assert fresh_claim(db_file, claim_id).tag_ids == (new_id,)
    assert window.editor.tag_checks[new_id].isChecked()
    undo()
    assert fresh_claim(db_file, claim_id).tag_ids == (strikes,)
    redo()
    undo()

    # Remove a tag in use, taking it off its claims.
    codebook.select_tag(strikes)
    monkeypatch.setattr(CodebookPanel, "_remove_choice", lambda self, tag: "untag")
    codebook.ask_remove()
    assert "strikes" not in fresh_tags(db_file)
    assert fresh_claim(db_file, claim_id).tag_ids == ()
    assert pane.view.highlight_layer.span(claim_id).colors == ("#9A9A9A",)  # untagged: grey
    undo()
    assert fresh_claim(db_file, claim_id).tag_ids == (strikes,)
    assert window.editor.tag_checks[strikes].isChecked()

    # Remove an unused tag after a yes.
    codebook.select_tag(new_id)
    modals.confirm_answers.append(True)
    codebook.ask_remove()
    assert "wages" not in fresh_tags(db_file)
    undo()
    assert "wages" in fresh_tags(db_file)

    # Clicking a tag with no selection filters the claims table.
    pane.view.setTextCursor(pane.view.textCursor().__class__(pane.view.document()))
    codebook._clicked(codebook.table.model().index(codebook.table.model().row_of(strikes), 0))
    assert window.claims_model.tag_filter() == frozenset({strikes})
    assert window.claims_model.rowCount() == 1


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_through_the_window(window, qtbot, tmp_path, db_file, monkeypatch):
    first, second = window.panes
    t1, t2 = first.view.canonical_text, second.view.canonical_text
    a = t1.index("Salaries for this profile")
    b = t2.index("it pays a whopping $900K")
    c = t1.index("Then there is the use of the deepfake")
    make_claim(window, qtbot, first, a, a + 60, "2")
    make_claim(window, qtbot, second, b, b + 24, "2")
    make_claim(window, qtbot, first, c, c + 37, "1")
    salaries = tag_id(window, "salaries")
    target = tmp_path / "out" / "salaries"
    target.parent.mkdir()
    shown = []

    def choose_salaries(dialog):
        assert isinstance(dialog, ExportDialog)
        shown.append(dialog)
        for i in range(dialog.tags.count()):
            item = dialog.tags.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == salaries:
                item.setCheckState(Qt.CheckState.Checked)
        dialog.path.setText(str(target))  # no suffix: .csv is added
        with qtbot.waitSignal(dialog.finished_export, timeout=15000):
            dialog.export_button.click()  # written in the background
        return dialog.result()

    monkeypatch.setattr(QDialog, "exec", choose_salaries)
    window.menu_actions["export"].trigger()
    written = target.with_suffix(".csv")
    assert shown and written.exists()
    rows = _read_csv(written)
    assert len(rows) == 2 and {r["tags"] for r in rows} == {"salaries"}
    assert {r["quote"] for r in rows} == {t1[a : a + 60], t2[b : b + 24]}
    by_quote = {r["quote"]: r for r in rows}
    assert int(by_quote[t1[a : a + 60]]["start"]) == a and by_quote[t1[a : a + 60]]["status"] == "unverified"
    assert window.statusBar().currentMessage() == f"Exported 2 claims to {written}."

    # Everything, through the method the dialog flow calls.
    everything = tmp_path / "all.csv"
    assert window.annotator.export_to(everything) == 3
    assert len(_read_csv(everything)) == 3 == len(fresh_claims(db_file))
    # Cancelled: nothing written.
    monkeypatch.setattr(QDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert window.annotator.export() is None


def test_export_to_a_missing_folder_says_so(window, tmp_path, modals):
    assert window.annotator.export_to(tmp_path / "nowhere" / "claims.csv") is None
    assert len(modals.texts("warn")) == 1 and "does not exist" in modals.texts("warn")[0]
    assert "could not be exported" in window.statusBar().currentMessage()


def test_dropping_files_imports_them(window, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    article = tmp_path / "dropped.md"
    article.write_text("# Dropped 🎉 article\n\nBody text.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(article))])
    event = QDropEvent(QPointF(400, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.importFinished, timeout=15000) as finished:
        window.dropEvent(event)
    assert len(finished.args[0]) == 1 and finished.args[1] == []
    assert "Dropped 🎉 article" in _library_titles(window)


def test_closing_during_an_import_stops_it_cleanly(window, qtbot, tmp_path, db_file, modals):
    files = []
    for i in range(5):
        f = tmp_path / f"a{i}.md"
        f.write_text(f"# Article {i}\n\n" + "Some words. " * 2000, encoding="utf-8")
        files.append(f)
    finished = []
    window.importFinished.connect(lambda *args: finished.append(args))
    assert window.annotator.import_files(files)
    window.close()
    assert window.annotator.import_run is None and window.store is None
    settle()
    assert finished == [] and modals.messages == [] and modals.errors == []
    with Store.open(db_file) as s:  # the database is whole and usable
        assert s.integrity_check() == "ok"
        assert 2 <= len(s.list_documents()) <= 7
