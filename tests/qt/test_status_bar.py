"""The status bar at 1024 px: a long message is not cut behind the counts."""

from __future__ import annotations

from window_support import isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

SUMMARY = ("Imported 3 documents: report.pdf (12 pages, 2 highlights offered as claims), "
           "statement.docx and the harbour page (31% of the page left out) 🦜.")


def _message_right_edge(bar) -> int:
    return bar.fontMetrics().horizontalAdvance(bar.currentMessage()) + 8


def test_a_long_message_gets_the_counts_room_and_gives_it_back(qtbot, tmp_path, modals, isolated_qsettings):
    w = make_window(qtbot, tmp_path / "lib.db", size=(1024, 700))
    bar, counts = w.statusBar(), w.counts
    qtbot.waitUntil(lambda: counts.text() != "", timeout=10000)
    bar.showMessage("Saved.")  # a short message leaves the counts where they are
    qtbot.waitUntil(counts.isVisible)

    bar.showMessage(SUMMARY)
    qtbot.waitUntil(lambda: not counts.isVisible())
    # the whole sentence fits in the bar now, so no tooltip is needed
    assert _message_right_edge(bar) < bar.width() and bar.toolTip() == ""
    w.grab().save(str(tmp_path / "long-message.png"))

    bar.clearMessage()
    qtbot.waitUntil(counts.isVisible)

    too_long = " ".join([SUMMARY] * 3)
    bar.showMessage(too_long)
    qtbot.waitUntil(lambda: not counts.isVisible())
    assert bar.toolTip() == too_long  # cut even alone: the whole text is a hover away
    bar.showMessage("Saved.")
    qtbot.waitUntil(counts.isVisible)
    assert bar.toolTip() == ""


def test_a_wide_window_keeps_the_counts_beside_the_same_message(qtbot, tmp_path, modals, isolated_qsettings):
    w = make_window(qtbot, tmp_path / "lib.db", size=(1900, 950))
    qtbot.waitUntil(lambda: w.counts.text() != "", timeout=10000)
    w.statusBar().showMessage(SUMMARY)
    assert w.counts.isVisible() and w.statusBar().toolTip() == ""


def test_resizing_the_window_gives_the_counts_room_back_or_takes_it(qtbot, tmp_path, modals, isolated_qsettings):
    w = make_window(qtbot, tmp_path / "lib.db", size=(1900, 950))
    qtbot.waitUntil(lambda: w.counts.text() != "", timeout=10000)
    w.statusBar().showMessage(SUMMARY)
    qtbot.waitUntil(w.counts.isVisible)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: not w.counts.isVisible())
    w.resize(1900, 950)
    qtbot.waitUntil(w.counts.isVisible)
    assert w.statusBar().currentMessage() == SUMMARY
