"""A worker thread that does not stop within the window's wait outlives the
window instead of being destroyed while it runs (which aborts the program)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QThread

from desktop_app.qt.threads import still_running, stop_and_wait


class _Blocked(QThread):
    def __init__(self, parent, gate: threading.Event) -> None:
        super().__init__(parent)
        self.gate = gate

    def run(self) -> None:
        self.gate.wait(30)


def test_a_thread_still_running_when_its_parent_goes_is_kept_until_it_ends(qtbot):
    gate = threading.Event()
    parent = QObject()
    thread = _Blocked(parent, gate)
    thread.start()
    qtbot.waitUntil(thread.isRunning)
    assert stop_and_wait(thread, 10) is False  # still blocked: the wait gives up
    assert thread.parent() is None and still_running() == 1
    shiboken6.delete(parent)  # the window goes; without the rescue Qt would abort here
    assert thread.isRunning()
    gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=10000)


def test_a_thread_that_stops_in_time_is_left_alone(qtbot):
    gate = threading.Event()
    gate.set()
    parent = QObject()
    thread = _Blocked(parent, gate)
    thread.start()
    assert stop_and_wait(thread, 10000) is True
    assert thread.parent() is parent and still_running() == 0
