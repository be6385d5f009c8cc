"""How the window draws things: colour swatches keep their colour in a
selected row, long titles are elided in the pane headers, and the window
after a new version that orphans a claim (screenshot)."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog
from test_window_versions import ORPHAN, _claims_on_pane, _new_version
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    modals,
    tag_id,
    window,
    settle,
)

from desktop_app.qt.claims_model import ClaimsModel
from desktop_app.qt.item_models import TagsModel

AMBER = "#E0A526"  # the colour of the tag "salaries"


def _pixels_near(image, rect: QRect, color: str, tolerance: int = 10) -> int:
    want = QColor(color)
    count = 0
    for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1) + 1):
        for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1) + 1):
            c = image.pixelColor(x, y)
            if all(abs(a - b) <= tolerance for a, b in ((c.red(), want.red()), (c.green(), want.green()),
                                                          (c.blue(), want.blue()))):
                count += 1
    return count


def test_swatches_keep_their_colour_in_a_selected_row(window, qtbot):
    pane = window.panes[1]
    start = pane.view.canonical_text.index("it pays a whopping $900K")
    cid = make_claim(window, qtbot, pane, start, start + 24, "2")
    table = window.claims_panel.table
    proxy = window.claims_model
    row = next(r for r in range(proxy.rowCount()) if proxy.claim(r).id == cid)
    assert table.selectionModel().isRowSelected(row)  # the new claim is the selected row
    cell = table.visualRect(proxy.index(row, ClaimsModel.TAGS))
    image = table.viewport().grab().toImage()
    swatch_area = QRect(cell.left(), cell.top(), 30, cell.height())
    assert _pixels_near(image, swatch_area, AMBER) >= 40  # not tinted by the selection

    codebook = window.codebook.table
    model = codebook.model()
    salaries = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "salaries")
    codebook.selectRow(salaries)
    cell = codebook.visualRect(model.index(salaries, TagsModel.NAME))
    image = codebook.viewport().grab().toImage()
    assert _pixels_near(image, QRect(cell.left(), cell.top(), 30, cell.height()), AMBER) >= 40


def test_long_titles_are_elided_in_the_pane_header(window):
    pane = window.panes[0]
    chooser = pane.chooser
    title = window.store.get_document(pane.view.document_id).title
    assert len(title) > 80
    shown = chooser.elided_text()
    assert shown.endswith("…") and title.startswith(shown[:-1].rstrip())
    assert chooser.fontMetrics().horizontalAdvance(shown) < chooser.width()
    assert title in chooser.toolTip()
    index = chooser.currentIndex()
    assert chooser.itemData(index, 3) == title  # ToolTipRole of the list entry
    # The pane keeps a usable width; a short title is not elided.
    assert pane.minimumWidth() >= 200
    assert chooser.minimumSizeHint().width() >= chooser.fontMetrics().horizontalAdvance("x" * 12)
    pane.set_documents([(pane.view.document_id, "Short title")])
    assert chooser.elided_text() == "Short title" and "Short title" in chooser.toolTip()


def test_window_after_a_new_version_orphans_a_claim(window, qtbot, tmp_path, db_file, modals, monkeypatch):
    """A screenshot with the orphans dock: every part visible and readable.
    MARGINALIA_ORPHANS_SHOT=path also saves it there."""
    pane, _text, ids = _claims_on_pane(window, qtbot)
    new_file = _new_version(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(new_file), "Articles"))
    window.active_pane = pane
    with qtbot.waitSignal(window.replaceFinished, timeout=15000):
        window.menu_actions["replace"].trigger()
    for p in window.panes:
        p.view.verticalScrollBar().setValue(0)
    settle()
    image = window.grab().toImage()
    shot = tmp_path / "orphans.png"
    assert image.save(str(shot))
    target = os.environ.get("MARGINALIA_ORPHANS_SHOT")
    if target:
        shutil.copyfile(shot, target)
    dock = window.orphans_dock
    assert dock.isVisible() and not dock.visibleRegion().isEmpty()
    panel = window.orphans_panel
    assert panel.table.isVisible() and panel.attach_button.isVisible()
    assert panel.table.viewport().height() >= panel.table.verticalHeader().defaultSectionSize()
    assert dock.width() >= 800  # a tab beside the claims table, as wide
    assert window.tabifiedDockWidgets(dock) == [window.claims_dock]
    quote_cell = panel.table.visualRect(window.orphans_model.index(0, 2))
    assert quote_cell.width() >= panel.table.fontMetrics().horizontalAdvance(ORPHAN)
    assert window.editor.orphan_note.isVisible()
