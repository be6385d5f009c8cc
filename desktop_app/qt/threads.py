"""Worker threads that outlive the wait for them.

A thread still running when its window has stopped waiting for it must not
be destroyed with the window (Qt aborts the program, or the thread runs on
freed memory): it is taken from its parent and kept here until it ends."""

from __future__ import annotations

from PySide6.QtCore import QThread

_running: set[QThread] = set()
LAST_STEP_MS = 2000  # a thread that said it finished is gone long before this


def stop_and_wait(thread: QThread, timeout_ms: int) -> bool:
    """Ask ``thread`` to quit and wait ``timeout_ms`` at most; True if it
    ended. One that did not end is kept alive until it does."""
    thread.quit()
    if thread.wait(timeout_ms):
        return True
    keep_until_finished(thread)
    return False


def keep_until_finished(thread: QThread) -> None:
    """Take a running thread from its parent and keep it until it ends."""
    if not thread.isRunning() or thread in _running:
        return
    thread.setParent(None)
    _running.add(thread)
    thread.finished.connect(lambda: _let_go(thread))


def _let_go(thread: QThread) -> None:
    # "finished" arrives here queued, in the UI thread, a moment before the
    # thread is really gone: let it go first, then drop the last reference
    thread.wait(LAST_STEP_MS)
    _running.discard(thread)


def still_running() -> int:
    """How many threads are being kept until they end (for tests)."""
    return sum(1 for t in _running if t.isRunning())
