"""Switching databases and closing the window while work is under way: the
latest choice wins over a database still opening, work started on the old
database never shows in the new one, and closing waits a bounded time."""

from __future__ import annotations

import threading
import time

from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_window,
    modals,
    window,
)

from desktop_app.core.store import Store
from desktop_app.qt.main_window import STOP_WAIT_MS
from desktop_app.qt.threads import still_running

HOLD_S = 20  # a stand-in worker gives up waiting after this (the test then fails, not hangs)


def _settle() -> None:
    """Deliver what the workers queued for the UI thread."""
    from PySide6.QtCore import QCoreApplication

    for _ in range(3):
        QCoreApplication.processEvents()


def _watch_close(store, closed: list):
    real_close = store.close

    def close():
        closed.append(store)
        real_close()

    store.close = close
    return store


def _hold(release: threading.Event, until=lambda: False) -> None:
    end = time.monotonic() + HOLD_S
    while not release.wait(0.01) and not until() and time.monotonic() < end:
        pass


def test_opening_a_file_while_a_team_database_is_opening_keeps_the_file(window, qtbot, tmp_path, monkeypatch,
                                                                        modals):
    real_open = Store.open
    started, release = threading.Event(), threading.Event()
    opened, closed = [], []

    def open_slowly(target, *args, **kwargs):
        if isinstance(target, str):  # the team database: the server is slow to answer
            started.set()
            _hold(release)
            store = _watch_close(real_open(tmp_path / "team stand-in.db", *args, **kwargs), closed)
            opened.append(store)
            return store
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(Store, "open", staticmethod(open_slowly))
    assert window.open_team_database("postgresql://ana@127.0.0.1:9/project")
    assert started.wait(30)
    chosen = tmp_path / "chosen.db"
    assert window.open_database(chosen)  # the user picks a file meanwhile
    assert window.store.path == chosen
    assert still_running() == 1  # the loader given up is kept until it ends, never destroyed while it runs
    release.set()
    qtbot.waitUntil(lambda: bool(opened) and bool(closed), timeout=30000)  # opened late, closed again
    qtbot.waitUntil(lambda: still_running() == 0, timeout=30000)  # its thread ended and was let go
    _settle()
    assert window.store.path == chosen  # still the file the user chose
    assert "team" not in window.windowTitle()
    assert not modals.errors


def test_switching_databases_drops_the_matching_passages_of_the_old_one(window, qtbot, tmp_path, monkeypatch):
    from desktop_app.core import suggest

    real = suggest.suggest_links
    started, release = threading.Event(), threading.Event()
    finders = []

    def slow(store, doc_a, doc_b, min_score=0.5, **kwargs):
        started.set()
        _hold(release, lambda: bool(finders) and getattr(finders[0], "cancelled", False))
        return real(store, doc_a, doc_b, min_score, **kwargs)  # its answer, wanted or not

    monkeypatch.setattr(suggest, "suggest_links", slow)
    window.menu_actions["matching"].trigger()
    panel = window.matches_dock.widget()
    assert started.wait(30) and panel.busy
    finder = panel.finder
    finders.append(finder)
    t = time.monotonic()
    assert window.open_database(tmp_path / "other.db")
    assert time.monotonic() - t < STOP_WAIT_MS / 1000
    release.set()
    qtbot.waitUntil(finder.thread.isFinished, timeout=30000)
    _settle()
    # The old search's answer was dropped; the panel follows the panes, so it looked
    # again in the new database's documents.
    assert finder.cancelled and panel.finder is not finder
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert (panel.doc_a, panel.doc_b) == tuple(p.view.document_id for p in window.panes[:2])
    # The panel works on the new database.
    assert window.store.path == tmp_path / "other.db"
    monkeypatch.setattr(suggest, "suggest_links", real)
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert panel.doc_a in {d.id for d in window.store.list_documents()}


def test_closing_while_a_database_is_opening_waits_a_bounded_time(qtbot, db_file, tmp_path, monkeypatch, modals,
                                                                 isolated_qsettings):
    real_open = Store.open
    started, release = threading.Event(), threading.Event()
    opened, closed = [], []

    def open_slowly(target, *args, **kwargs):
        if isinstance(target, str):
            started.set()
            _hold(release)
            store = _watch_close(real_open(tmp_path / "late.db", *args, **kwargs), closed)
            opened.append(store)
            return store
        return real_open(target, *args, **kwargs)

    w = make_window(qtbot, db_file)
    monkeypatch.setattr(Store, "open", staticmethod(open_slowly))
    assert w.open_team_database("postgresql://ana@127.0.0.1:9/project")
    assert started.wait(30)
    t = time.monotonic()
    w.close()
    took = time.monotonic() - t
    release.set()
    assert took < STOP_WAIT_MS / 1000 + 1.5
    assert w.store is None
    qtbot.waitUntil(lambda: bool(opened) and bool(closed), timeout=30000)
    qtbot.waitUntil(lambda: still_running() == 0, timeout=30000)  # its thread ended and was let go
    _settle()
    assert w.store is None  # the late store was closed, not attached
