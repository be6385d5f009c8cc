"""The link dialog reads by quote (two claims of one article differ by it),
chooses the first match of the filter, and Enter links it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.qt.links import Candidate, LinkDialog

CANDIDATES = [
    Candidate(1, "Netflix posts a $900K AI product manager job", "it pays a whopping $900K a year", 3),
    Candidate(2, "Netflix posts a $900K AI product manager job", "The Intercept has reported 🎬 first"),
    Candidate(3, "Netflix posts a $900K AI product manager job", "strikes go on while studios hire"),
]


def test_quote_first_first_match_selected_and_enter_links(qtbot, tmp_path):
    dialog = LinkDialog(None, "“a claim”", CANDIDATES)
    qtbot.addWidget(dialog)
    dialog.resize(1024 * 6 // 10, 700 * 6 // 10)
    dialog.show()
    qtbot.waitExposed(dialog)
    first = dialog.list.item(0).text()
    assert first.startswith("“it pays a whopping $900K a year”")
    lines = first.split("\n")
    assert len(lines) == 2 and "Netflix posts" in lines[1] and "p. 3" in lines[1]
    assert dialog.list.item(1).text().split("\n")[1].strip() == CANDIDATES[1].title  # no page known: no page
    # Filtering chooses the first match, even when the current one is hidden.
    dialog.filter.setFocus()
    qtbot.keyClicks(dialog.filter, "studios")
    assert dialog.list.currentItem() is dialog.list.item(2)
    assert dialog.list.currentItem().isSelected()
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "intercept ")
    dialog.filter.insert("🎬")  # typed keys are ASCII only in tests
    assert dialog.choice().target_id == 2
    dialog.grab().save(str(tmp_path / "link_dialog.png"))
    # Nothing matches: Enter does not link.
    qtbot.keyClicks(dialog.filter, " nowhere")
    assert dialog.choice() is None
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    # A match again: Down moves among the matches, Enter links the one chosen.
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "netflix")
    assert dialog.choice().target_id == 1
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    assert dialog.choice().target_id == 2
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice().target_id == 2
