"""The window's export dialog: every format of the command line through
run_export, with the same filters, written in the background; it stays open
with the chosen filters when the export fails."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    modals,
    tag_id,
    window,
)

from desktop_app.core.exchange import FORMATS, available_formats
from desktop_app.qt.export_dialog import _CancellableStore


def _check(widget, values) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in values:
            item.setCheckState(Qt.CheckState.Checked)


def _checked(widget) -> list:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


@pytest.fixture
def claims(window, qtbot):
    """Three claims: two tagged salaries (one per pane), one deepfakes, one with an emoji passage."""
    first, second = window.panes
    t1, t2 = first.view.canonical_text, second.view.canonical_text
    a = t1.index("Salaries for this profile")
    b = t2.index("it pays a whopping $900K")
    c = t1.index("Then there is the use of the deepfake")
    make_claim(window, qtbot, first, a, a + 60, "2")
    make_claim(window, qtbot, second, b, b + 24, "2")
    make_claim(window, qtbot, first, c, c + 37, "1")
    links = window.store.list_claims()
    window.store.add_link(links[0].id, links[1].id, "same")
    return {"salaries": {t1[a:a + 60], t2[b:b + 24]}, "deepfakes": {t1[c:c + 37]}}


def _read(fmt: str, path: Path):
    """The file, opened by the reader its format is meant for."""
    if fmt in ("csv", "links-csv"):
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    if fmt == "w3c":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "xlsx":
        import openpyxl

        return openpyxl.load_workbook(path, read_only=True)
    if fmt == "qdpx":
        return zipfile.ZipFile(path)
    if fmt == "report":
        return path.read_text(encoding="utf-8")
    raise AssertionError(fmt)


def _run_dialog(window, qtbot, monkeypatch, choose):
    shown = []

    def fake_exec(dialog):
        shown.append(dialog)
        choose(dialog)
        with qtbot.waitSignal(dialog.finished_export, timeout=20000):
            dialog.export_button.click()
        assert dialog.progress.isHidden()  # the busy bar goes once written
        return dialog.result()

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    count = window.annotator.export()
    assert len(shown) == 1
    return count, shown[0]


def test_the_dialog_offers_every_format_of_the_command_line(window):
    dialog = window.annotator.make_export_dialog()
    offered = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert offered == available_formats() and set(offered) == set(FORMATS)
    dialog.deleteLater()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_is_written_with_the_filters(window, qtbot, monkeypatch, tmp_path, claims, fmt):
    salaries = tag_id(window, "salaries")
    target = tmp_path / "out" / "export"  # no suffix: the format's is added
    target.parent.mkdir()

    def choose(dialog):
        dialog.set_format(fmt)
        _check(dialog.tags, [salaries])
        dialog.path.setText(str(target))

    count, dialog = _run_dialog(window, qtbot, monkeypatch, choose)
    written = target.with_suffix(FORMATS[fmt][3])
    assert written.exists() and dialog.target() == written
    assert list(written.parent.iterdir()) == [written]  # no temporary file left
    noun = "link" if fmt == "links-csv" else "claim"
    assert window.statusBar().currentMessage() == f"Exported {count} {noun}{'s' if count != 1 else ''} to {written}."
    data = _read(fmt, written)
    if fmt == "csv":
        assert count == 2 and {r["quote"] for r in data} == claims["salaries"]
    elif fmt == "links-csv":
        assert count == 1 and len(data) == 1
    elif fmt == "w3c":
        items = data.get("items", data.get("first", {}).get("items")) if isinstance(data, dict) else data
        text = json.dumps(data, ensure_ascii=False)
        assert count == 2 and all(q in text for q in claims["salaries"])
        assert not any(q in text for q in claims["deepfakes"])
        assert items is None or len(items) == 2
    elif fmt == "xlsx":
        assert count == 2
        values = {str(v) for ws in data.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
        assert claims["salaries"] <= values and not claims["deepfakes"] & values
    elif fmt == "qdpx":
        names = data.namelist()
        assert count == 2 and "project.qde" in names
        project = data.read("project.qde").decode("utf-8")
        assert "<Project" in project and "salaries" in project
    elif fmt == "report":
        flat = " ".join(data.replace("\\", "").split())  # Markdown escapes and wraps
        assert count == 2 and all(" ".join(q.split()) in flat for q in claims["salaries"])
        assert not any(" ".join(q.split()) in flat for q in claims["deepfakes"])


def test_a_failed_export_keeps_the_dialog_open_with_its_choices(window, qtbot, tmp_path, claims):
    salaries = tag_id(window, "salaries")
    dialog = window.annotator.make_export_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_format("xlsx")
    _check(dialog.tags, [salaries])
    _check(dialog.statuses, ["unverified"])
    dialog.path.setText(str(tmp_path / "nowhere" / "claims.xlsx"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.run is None and dialog.message.isVisible(), timeout=20000)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "does not exist" in dialog.message.text()
    assert dialog.fmt() == "xlsx" and _checked(dialog.tags) == [salaries] and _checked(dialog.statuses) == ["unverified"]
    assert dialog.export_button.isEnabled() and dialog.tags.isEnabled()
    # fixed, the same dialog exports
    dialog.path.setText(str(tmp_path / "claims.xlsx"))
    with qtbot.waitSignal(dialog.finished_export, timeout=20000) as done:
        dialog.export_button.click()
    assert done.args == [2] and (tmp_path / "claims.xlsx").exists()


def test_the_options_follow_the_format(window):
    dialog = window.annotator.make_export_dialog()
    dialog.path.setText("/somewhere/claims.csv")
    dialog.set_format("xlsx")
    assert dialog.path.text() == "/somewhere/claims.xlsx"
    assert not dialog.excel.isEnabled() and dialog.guard.isEnabled()
    dialog.set_format("w3c")
    assert dialog.path.text() == "/somewhere/claims.jsonld"
    assert not dialog.excel.isEnabled() and not dialog.guard.isEnabled()
    dialog.path.setText("/somewhere/mine.txt")  # a name the user chose stays
    dialog.set_format("csv")
    assert dialog.path.text() == "/somewhere/mine.txt" and dialog.excel.isEnabled()
    dialog.excel.setChecked(True)
    assert dialog.options().excel
    dialog.set_format("report")
    assert not dialog.options().excel
    dialog.deleteLater()


def test_cancelling_stops_the_export_and_writes_nothing(window, qtbot, tmp_path, claims):
    """The flag is checked before every store call and every streamed row."""
    store = _CancellableStore(window.store)
    assert len(list(store.iter_claims())) == 3
    rows = store.iter_claims()
    next(rows)
    store.cancelled = True
    from desktop_app.core.errors import Cancelled

    with pytest.raises(Cancelled):
        next(rows)
    with pytest.raises(Cancelled):
        store.list_tags()
    # through the dialog: cancelled before the worker reads anything
    dialog = window.annotator.make_export_dialog()
    qtbot.addWidget(dialog)
    target = tmp_path / "never.csv"
    dialog.path.setText(str(target))
    dialog.start()
    run = dialog.run
    run.cancel()
    dialog.reject()
    assert dialog.run is None and run.thread.isFinished()
    assert not target.exists() and list(tmp_path.glob("*.part")) == []


def test_screenshot_of_the_dialog(window, qtbot, tmp_path, claims):
    dialog = window.annotator.make_export_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_format("xlsx")
    _check(dialog.tags, [tag_id(window, "salaries")])
    dialog._say("The claims could not be exported: The folder /nowhere does not exist.", error=True)
    qtbot.waitUntil(dialog.isVisible)
    dialog.grab().save(str(tmp_path / "export-dialog.png"))
    dialog.resize(1024, 700)
    dialog.grab().save(str(tmp_path / "export-dialog-1024.png"))
    assert (tmp_path / "export-dialog.png").stat().st_size > 0


def test_the_keyboard_alone_exports(window, qtbot, tmp_path, claims):
    """Alt+F reaches the file name, Enter exports (the path of a user who types)."""
    from PySide6.QtWidgets import QApplication

    dialog = window.annotator.make_export_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert not dialog.path.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.path.hasFocus)
    target = tmp_path / "typed.csv"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(target))
    with qtbot.waitSignal(dialog.finished_export, timeout=20000) as done:
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert done.args == [3] and len(_read("csv", target)) == 3


def test_long_titles_are_shortened_in_the_middle_not_scrolled_sideways(window, qtbot):
    """The seeds' titles are longer than the dialog is wide: each shows its
    start and its end, the whole title on hover, and there is no sideways
    scroll bar to hunt for the rest."""
    dialog = window.annotator.make_export_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    documents = dialog.documents
    titles = [d.title for d in window.documents_model.documents()]
    width = documents.fontMetrics().horizontalAdvance
    assert max(width(t) for t in titles) > documents.viewport().width()  # the case this is about
    assert not documents.horizontalScrollBar().isVisible()
    assert documents.horizontalScrollBar().maximum() == 0
    assert [documents.item(i).toolTip() for i in range(documents.count())] == titles
    assert documents.textElideMode() == Qt.TextElideMode.ElideMiddle
