"""View > Analysis (charts), View > Compare annotators, Edit > Preferences."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from matplotlib.colors import to_rgba
from PySide6.QtWidgets import QDialog, QLineEdit
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    isolated_qsettings,
    make_claim,
    modals,
    window,
)

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize
from desktop_app.core.settings import load_settings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_doc(text: str, title: str, **meta) -> StructuredDocument:
    text = canonicalize(text)
    return StructuredDocument(
        text=text, blocks=blocks_for_lines(text), metadata=Metadata(title=title, **meta),
        source_format="text", encoding="utf-8", sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def two_annotators(window):
    """Two documents; claims by "ann" and "bob". Returns (tag A, tag B, doc 1, doc 2)."""
    store = window.store
    tag_a, tag_b = store.list_tags()[:2]
    d1 = store.add_document(make_doc("abcdefghij and more words to tag here", "Budget story",
                                     published="2024-01-05"))
    d2 = store.add_document(make_doc("The follow-up article says other things.", "Follow-up",
                                     published="2024-02-01"))
    store.add_claim(d1.id, 0, 4, [tag_a.id], annotator="ann")
    store.add_claim(d1.id, 0, 2, [tag_a.id, tag_b.id], annotator="bob")
    store.add_claim(d1.id, 15, 20, [tag_b.id], annotator="bob")
    store.add_claim(d2.id, 4, 13, [tag_a.id], annotator="ann")
    window.events.documentsChanged.emit()
    window.events.tagsChanged.emit()
    return tag_a, tag_b, d1, d2


def heights(bars) -> list[float]:
    return [b.get_height() for b in bars]


def open_analysis(window):
    window.menu_actions["analysis"].trigger()
    view = window.show_analysis()
    assert view.isVisible()
    return view


def test_menu_entries_and_shortcuts(window):
    actions = window.menu_actions
    assert actions["analysis"].shortcut().toString() == "Ctrl+Shift+Y"
    assert actions["preferences"].shortcut().toString() == "Ctrl+,"
    assert actions["agreement"].text() == "Compare a&nnotators…"


def test_charts_show_the_claims(window, qtbot):
    tag_a, tag_b, d1, d2 = two_annotators(window)
    view = open_analysis(window)
    per_doc = view.per_document
    assert [t.get_text() for t in per_doc.figure.axes[0].get_xticklabels()] == ["Budget story", "Follow-up"]
    assert heights(per_doc.bars[tag_a.name]) == [2, 1]
    assert heights(per_doc.bars[tag_b.name]) == [2, 0]
    assert per_doc.bars[tag_a.name][0].get_facecolor() == pytest.approx(to_rgba(tag_a.color))
    assert set(per_doc.bars) == {tag_a.name, tag_b.name}  # unused tags are left out

    co = view.cooccurrence
    assert [t.name for t in co.tags] == [tag_a.name, tag_b.name]
    same = co.axes["same_claim"].images[0].get_array().tolist()
    assert same == [[3, 1], [1, 2]]
    # overlapping pairs in doc 1: ann's A(0-4) with bob's A+B(0-2)
    assert co.axes["overlapping"].images[0].get_array().tolist() == [[1, 1], [1, 0]]
    numbers = [t.get_text() for t in co.axes["same_claim"].texts]
    assert numbers == ["3", "1", "1", "2"]

    dates = view.dates
    assert dates.periods == ["2024-01-05", "2024-02-01"]
    assert heights(dates.bars[tag_a.name]) == [2, 1]
    assert heights(dates.bars[tag_b.name]) == [2, 0]

    # A new claim and a new tag colour: the charts follow.
    row = window.store.add_claim(d2.id, 0, 3, [tag_b.id], annotator="ann")
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        window.events.claimAdded.emit(row)
    assert heights(view.per_document.bars[tag_b.name]) == [2, 1]
    window.store.recolor_tag(tag_b.id, "#123456")
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        window.events.tagsChanged.emit()
    assert view.dates.bars[tag_b.name][0].get_facecolor() == pytest.approx(to_rgba("#123456"))

    # Opening it again shows the same window.
    assert window.show_analysis() is view


def test_empty_library_says_so(window):
    view = open_analysis(window)
    texts = [t.get_text() for t in view.per_document.figure.axes[0].texts]
    assert texts == ["No tagged claims yet"]


def test_saving_charts_as_png_and_svg(window, qtbot, tmp_path, monkeypatch):
    from desktop_app.qt import analysis_view

    two_annotators(window)
    view = open_analysis(window)
    asked = []

    def chooser(parent, title, suggested, file_filter):
        asked.append((title, file_filter))
        kind = "png" if "PNG" in title else "svg"
        return str(tmp_path / f"{parent.file_stem}-{len(asked)}.{kind}")

    monkeypatch.setattr(analysis_view, "choose_save_path", chooser)
    for n, chart in enumerate(view.charts()):
        view.tabs.setCurrentWidget(chart)
        chart.save_png.click()
        png = tmp_path / f"{chart.file_stem}-{len(asked)}.png"
        assert png.read_bytes()[:8] == PNG_SIGNATURE
        chart.save_svg.click()
        svg = tmp_path / f"{chart.file_stem}-{len(asked)}.svg"
        root = ET.parse(svg).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(asked) == 6 and "PNG" in asked[0][1] and "SVG" in asked[1][1]

    # A name without the extension gets one; cancelling writes nothing.
    monkeypatch.setattr(analysis_view, "choose_save_path", lambda *a: str(tmp_path / "plain"))
    assert view.dates.ask_save("png") == tmp_path / "plain.png"
    monkeypatch.setattr(analysis_view, "choose_save_path", lambda *a: None)
    assert view.dates.ask_save("svg") is None


def test_agreement_table_and_export(window, qtbot, qtmodeltester, tmp_path, monkeypatch):
    from desktop_app.qt import agreement_view

    tag_a, tag_b, d1, _d2 = two_annotators(window)
    window.menu_actions["agreement"].trigger()
    view = window.show_agreement()
    model = view.model
    qtmodeltester.check(model)
    rows = [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]
    # doc 2 has one annotator only; in doc 1 both used both tags
    assert rows == [("Budget story", tag_a.name), ("Budget story", tag_b.name)]
    n = d1.char_count
    # tag A: ann covers 0-4, bob 0-2 of n characters.
    # table: both 2, ann only 2, bob only 0, neither n - 4.
    p_o = (n - 2) / n
    p_e = (4 / n) * (2 / n) + (1 - 4 / n) * (1 - 2 / n)
    kappa = (p_o - p_e) / (1 - p_e)
    assert model.rows[0].kappa == pytest.approx(kappa)
    assert model.index(0, 5).data() == f"{kappa:.3f}"
    assert model.index(0, 2).data() == "ann, bob"
    assert model.headerData(5, agreement_view.Qt.Orientation.Horizontal) == "Kappa"

    # A third annotator in the document: no kappa, an explanation instead.
    row = window.store.add_claim(d1.id, 0, 4, [tag_a.id], annotator="cy")
    with qtbot.waitSignal(model.modelReset, timeout=3000):
        window.events.claimAdded.emit(row)
    qtmodeltester.check(model)
    assert model.index(0, 5).data() == agreement_view.UNDEFINED
    assert "two annotators" in model.index(0, 5).data(agreement_view.Qt.ItemDataRole.ToolTipRole)

    out = tmp_path / "agreement.csv"
    monkeypatch.setattr(agreement_view, "choose_csv_path", lambda parent, suggested: str(out))
    view.export_button.click()
    with out.open(newline="", encoding="utf-8") as fh:
        parsed = list(csv.DictReader(fh))
    assert [r["tag"] for r in parsed] == [tag_a.name, tag_b.name]
    assert parsed[0]["annotators"] == "ann; bob; cy" and parsed[0]["kappa"] == ""


def test_agreement_lists_where_annotators_agree_and_differ(window, qtbot, qtmodeltester):
    from PySide6.QtCore import Qt

    from desktop_app.qt import agreement_view

    store = window.store
    tag_a, tag_b = store.list_tags()[:2]
    # a long document: the passages sit far below the first screen
    text = "".join(f"Filler line {i}.\n" for i in range(300)) + "The minister said the budget grew by ten percent."
    doc = store.add_document(make_doc(text, "Long story"))
    base = text.index("The minister")
    said, budget = base + text[base:].index("said"), base + text[base:].index("the budget")
    store.add_claim(doc.id, base, budget, [tag_a.id], annotator="ann")  # "The minister said "
    store.add_claim(doc.id, said, len(text), [tag_a.id], annotator="bob")  # "said the budget …"
    store.add_claim(doc.id, 0, 6, [tag_b.id], annotator="bob")
    window.events.documentsChanged.emit()

    view = window.show_agreement()
    stretches = view.stretch_model
    qtmodeltester.check(stretches)
    assert stretches.rowCount() == 0 and "Select a row" in view.stretch_label.text()

    view.table.selectRow(0)  # Long story, tag A
    qtmodeltester.check(stretches)
    shown = [[stretches.index(r, c).data() for c in range(stretches.columnCount())]
             for r in range(stretches.rowCount())]
    assert shown == [
        ["differ", "The minister", "ann", "bob", "13"],
        ["agree", "said", "ann, bob", agreement_view.NOBODY, "5"],
        ["differ", "the budget grew by ten percent.", "bob", "ann", str(len(text) - budget)],
    ]
    agree_bg = stretches.index(1, 0).data(Qt.ItemDataRole.BackgroundRole)
    differ_bg = stretches.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert agree_bg == agreement_view.AGREE_COLOR and differ_bg == agreement_view.DIFFER_COLOR != agree_bg
    assert "1 passage coded by everyone, 2 by some only" in view.stretch_label.text()

    # a change elsewhere refreshes the list and keeps the row selected
    row = store.add_claim(doc.id, budget, budget + 3, [tag_a.id], annotator="ann")
    with qtbot.waitSignal(view.model.modelReset, timeout=3000):
        window.events.claimAdded.emit(row)
    qtmodeltester.check(stretches)
    assert [stretches.index(r, 0).data() for r in range(stretches.rowCount())] == \
        ["differ", "agree", "differ"]
    assert stretches.index(1, 1).data() == "said the"

    # the other tag: bob alone
    view.table.selectRow(1)
    assert [stretches.index(0, c).data() for c in range(4)] == ["differ", "Filler", "bob", "ann"]

    # double-click: the passage is shown in a pane, scrolled to and flashed
    view.table.selectRow(0)
    pane = window.panes[0]
    window.open_document(doc.id, pane)
    bar = pane.view.verticalScrollBar()
    bar.setValue(0)
    assert not pane.view.is_flashing
    index = stretches.index(2, 1)
    view.stretch_table.scrollTo(index)
    at = view.stretch_table.visualRect(index).center()
    qtbot.mouseClick(view.stretch_table.viewport(), Qt.MouseButton.LeftButton, pos=at)  # QTest's double
    assert not pane.view.is_flashing  # one click only selects
    qtbot.mouseDClick(view.stretch_table.viewport(), Qt.MouseButton.LeftButton, pos=at)  # click follows a press
    assert pane.view.document_id == doc.id
    assert pane.view.is_flashing
    assert bar.value() > 0
    cursor = pane.view.cursorForPosition(pane.view.viewport().rect().center())
    assert cursor.block().text().startswith(("Filler line 2", "The minister"))

    # Enter on a passage does the same
    qtbot.waitUntil(lambda: not pane.view.is_flashing, timeout=3000)
    bar.setValue(0)
    view.stretch_table.setCurrentIndex(stretches.index(0, 1))
    view.stretch_table.setFocus()
    qtbot.keyClick(view.stretch_table, Qt.Key.Key_Return)
    assert pane.view.is_flashing and bar.value() > 0


def test_preferences_change_the_annotator_of_the_next_claim(window, qtbot, db_file, monkeypatch):
    store = window.store
    doc = store.add_document(make_doc("Somebody said something worth checking.", "Quote"))
    window.events.documentsChanged.emit()
    pane = window.open_document(doc.id, window.panes[0])
    first = make_claim(window, qtbot, pane, 0, 8, "1")
    assert fresh_claim(db_file, first).annotator == load_settings().annotator

    shown = []

    def exec_(dialog):
        edit = dialog.findChild(QLineEdit, "annotator")
        shown.append(edit.text())
        edit.setText("  Bea Reporter ")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", exec_)
    before = load_settings().annotator
    window.menu_actions["preferences"].trigger()
    assert shown == [before]  # the current name was offered
    assert load_settings().annotator == "Bea Reporter"  # saved to the settings file
    assert store.annotator == "Bea Reporter"
    second = make_claim(window, qtbot, pane, 9, 13, "2")
    assert fresh_claim(db_file, second).annotator == "Bea Reporter"

    # Cancelled: nothing changes. Emptied: back to the system user's name.
    monkeypatch.setattr(QDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    window.menu_actions["preferences"].trigger()
    assert store.annotator == "Bea Reporter"

    def empty(dialog):
        dialog.findChild(QLineEdit, "annotator").clear()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", empty)
    window.menu_actions["preferences"].trigger()
    assert store.annotator == load_settings().annotator != "Bea Reporter"


def test_window_start_up_does_not_load_matplotlib():
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from desktop_app.qt.main_window import MainWindow\n"
        "w = MainWindow()\n"
        "bad = [m for m in sys.modules if m.startswith(('matplotlib', 'desktop_app.core.agreement',"
        " 'desktop_app.core.analysis'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
