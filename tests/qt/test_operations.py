"""The one way the window runs work off its thread (qt/operations.py):
answers arrive on the UI thread, one error path, cancelling, a bounded wait,
and a thread still running when the window stops waiting is kept until it
ends."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread, QTimer

from desktop_app.core.errors import DatabaseUnreachable, NotFound
from desktop_app.qt import operations
from desktop_app.qt.operations import Operation
from desktop_app.qt.threads import still_running

DONE_MS = 20000


class Seen:
    """What an operation said, in order, and on which thread."""

    def __init__(self, op: Operation) -> None:
        self.events: list[tuple] = []
        self.threads: set = set()
        op.progress.connect(lambda values: self._add("progress", values))
        op.succeeded.connect(lambda result: self._add("succeeded", result))
        op.failed.connect(lambda sentence: self._add("failed", sentence))
        op.finished.connect(lambda: self._add("finished"))

    def _add(self, *event) -> None:
        self.events.append(event)
        self.threads.add(QThread.currentThread())

    @property
    def kinds(self) -> list[str]:
        return [e[0] for e in self.events]


@pytest.fixture
def gate():
    g = threading.Event()
    yield g
    g.set()  # never leave a work blocked


def _ui_thread():
    return QCoreApplication.instance().thread()


def test_the_answer_and_progress_arrive_on_the_ui_thread_in_order(qtbot):
    worker_threads = []

    def work(token):
        worker_threads.append(threading.current_thread())
        for i in range(3):
            token.report(i, "步")
        return "résumé 📜"

    op = Operation(None, work, what="counting")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.events == [("progress", (0, "步")), ("progress", (1, "步")), ("progress", (2, "步")),
                           ("succeeded", "résumé 📜"), ("finished",)]
    assert seen.threads == {_ui_thread()}
    assert worker_threads[0] is not threading.main_thread()
    assert op.result == "résumé 📜" and op.error == "" and not op.cancelled
    qtbot.waitUntil(op.thread.isFinished, timeout=DONE_MS)


def test_a_refusal_is_its_own_sentence(qtbot):
    def work(_token):
        raise NotFound("Claim 7 is not in this database.")

    op = Operation(None, work, what="reading claim 7")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.events == [("failed", "Claim 7 is not in this database."), ("finished",)]


def test_an_unexpected_error_is_logged_and_one_sentence(qtbot, caplog):
    def work(_token):
        raise ZeroDivisionError("secret detail")

    op = Operation(None, work, what="adding up", failure="The sum could not be made; the log file has details.")
    seen = Seen(op)
    with caplog.at_level(logging.ERROR, logger="desktop_app.qt.operations"):
        op.start()
        qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.events == [("failed", "The sum could not be made; the log file has details."), ("finished",)]
    assert "secret detail" not in op.error and "Traceback" not in op.error
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_cancelling_stops_the_work_at_its_next_check(qtbot, gate):
    rounds = []

    def work(token):
        while True:
            token.check()
            rounds.append(1)
            gate.wait(0.005)

    op = Operation(None, work, what="looping")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(lambda: len(rounds) > 3, timeout=DONE_MS)
    op.cancel()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.kinds == ["finished"] and op.cancelled and op.error == "" and op.result is None


def test_cancelling_cuts_a_wait_through_its_hook(qtbot, gate):
    """A work waiting on something that cannot look at the token (a socket)
    is woken by the hook it gave: cancel ends it at once."""

    def work(token):
        token.on_cancel(gate.set)
        gate.wait(60)
        token.check("The download was cancelled.")
        return "never"

    op = Operation(None, work, what="waiting")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(op.thread.isRunning, timeout=DONE_MS)
    op.cancel()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.kinds == ["finished"] and op.cancelled


def test_a_work_that_returns_what_it_has_on_cancel_is_heard(qtbot, gate):
    """An import stopped between files still hands over what it added."""

    def work(token):
        done = []
        for i in range(1000):
            if token.cancelled():
                break
            done.append(i)
            gate.wait(0.002)
        return done

    op = Operation(None, work, what="importing")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(op.thread.isRunning, timeout=DONE_MS)
    op.cancel()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    assert seen.kinds == ["succeeded", "finished"] and len(op.result) < 1000


def test_a_work_that_does_not_answer_in_time_is_given_up_with_one_sentence(qtbot, gate):
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)

    def work(_token):
        gate.wait(60)  # the network, silent
        return "too late"

    op = Operation(None, work, what="reading", timeout_ms=150, late="The server did not answer in time.")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(lambda: op.done, timeout=DONE_MS)
    timer.stop()
    assert seen.events == [("failed", "The server did not answer in time."), ("finished",)]
    assert op.timed_out and len(ticks) >= 5  # the wait was spent in the event loop
    assert still_running() >= 1 and op.thread.parent() is None  # kept alive, out of its owner's hands
    gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)
    QCoreApplication.processEvents()
    assert seen.kinds == ["failed", "finished"]  # the late answer was dropped


def test_stop_waits_a_bounded_time_and_says_nothing_more(qtbot, gate):
    def work(_token):
        gate.wait(60)  # does not look at the token

    owner = QTimer()  # any QObject: the window
    op = Operation(owner, work, what="blocking")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(op.thread.isRunning, timeout=DONE_MS)
    assert op.stop(50) is False
    assert op.done and op.cancelled and seen.kinds == []
    del owner  # the window goes; the thread must outlive it
    assert still_running() >= 1
    gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)
    QCoreApplication.processEvents()
    assert seen.kinds == []


def test_abandon_answers_at_once_and_drops_the_late_result(qtbot, gate):
    def work(_token):
        gate.wait(60)
        return "late"

    op = Operation(None, work, what="reading")
    seen = Seen(op)
    op.start()
    qtbot.waitUntil(op.thread.isRunning, timeout=DONE_MS)
    op.abandon()
    assert seen.kinds == ["finished"] and op.cancelled
    gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)
    QCoreApplication.processEvents()
    assert seen.kinds == ["finished"] and op.result is None


class _Store:
    def __init__(self, is_team: bool) -> None:
        self.is_team = is_team


def test_read_runs_at_once_on_a_file_and_off_the_ui_thread_on_a_team_database(qtbot):
    where = []
    got = []

    def work():
        where.append(threading.current_thread() is threading.main_thread())
        return 42

    assert operations.read(None, _Store(False), work, what="x", succeeded=got.append, failed=got.append) is None
    assert got == [42] and where == [True]
    op = operations.read(None, _Store(True), work, what="x", succeeded=got.append, failed=got.append)
    assert op is not None
    qtbot.waitUntil(lambda: len(got) == 2, timeout=DONE_MS)
    assert got == [42, 42] and where == [True, False]


def test_read_says_why_a_team_database_failed(qtbot, monkeypatch):
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 5000)

    def work():
        raise DatabaseUnreachable("The team database on 127.0.0.1 cannot be reached.")

    sentences = []
    operations.read(None, _Store(True), work, what="x", succeeded=sentences.append, failed=sentences.append)
    qtbot.waitUntil(lambda: bool(sentences), timeout=DONE_MS)
    assert sentences == ["The team database on 127.0.0.1 cannot be reached."]
    assert "5 seconds" in operations.team_late("nothing was shown")


def test_an_owner_deleted_while_the_work_runs_does_not_take_the_thread_with_it(qtbot, gate):
    """A read still running when its window is destroyed (no one stopped
    it): the thread is not the window's child, so it ends by itself."""
    import shiboken6

    owner = QTimer()
    answers = []
    op = operations.run(owner, lambda _token: gate.wait(60) and "late", what="reading",
                        succeeded=answers.append)
    qtbot.waitUntil(op.thread.isRunning, timeout=DONE_MS)
    thread = op.thread
    shiboken6.delete(owner)  # without the rescue Qt aborts here ("destroyed while thread is still running")
    assert thread.isRunning()
    gate.set()
    qtbot.waitUntil(thread.isFinished, timeout=DONE_MS)
    QCoreApplication.processEvents()
    assert answers == []
    qtbot.waitUntil(lambda: thread not in operations._alive, timeout=DONE_MS)


def test_an_operation_whose_owner_was_deleted_is_let_go_when_its_thread_ends(qtbot, gate):
    """The owner (a window closed while a read waits) is gone, so the
    operation never hears its thread's answer: it must not stay held for
    ever (a little more memory for every window closed)."""
    import shiboken6

    before = operations.held()
    owner = QTimer()
    op = operations.run(owner, lambda _token: gate.wait(60) and "late", what="reading")
    thread = op.thread
    del op
    assert operations.held() == before + 1
    qtbot.waitUntil(thread.isRunning, timeout=DONE_MS)
    shiboken6.delete(owner)  # the operation goes with its owner; its thread runs on
    gate.set()
    qtbot.waitUntil(lambda: thread not in operations._alive, timeout=DONE_MS)
    assert operations.held() == before


def test_a_team_read_that_finds_the_server_away_tells_the_connection_state(qtbot, gate, monkeypatch):
    """Unreachable, or no answer in time, from a team database: reported
    with the store once, before the sentence; other failures and database
    files are not the connection's business."""
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 150)
    lost = []
    order = []

    def note(store, sentence):
        lost.append((store, sentence))
        order.append("lost")

    operations.connection().lost.connect(note)
    try:
        team, file = _Store(True), _Store(False)
        away = "The team database on 127.0.0.1 cannot be reached."

        def unreachable():
            raise DatabaseUnreachable(away)

        def missing():
            raise NotFound("There is no document 7.")

        sentences = []

        def failed(sentence):
            sentences.append(sentence)
            order.append("failed")

        operations.read(None, file, unreachable, what="x", succeeded=sentences.append, failed=failed)
        operations.read(None, team, missing, what="x", succeeded=sentences.append, failed=failed)
        qtbot.waitUntil(lambda: len(sentences) == 2, timeout=DONE_MS)
        assert lost == []  # a file is not the network; a refusal is not the server away
        operations.read(None, team, unreachable, what="x", succeeded=sentences.append, failed=failed)
        qtbot.waitUntil(lambda: len(sentences) == 3, timeout=DONE_MS)
        assert lost == [(team, away)] and order[-2:] == ["lost", "failed"]
        operations.read(None, team, lambda: gate.wait(60), what="x", late="No answer in time.",
                        succeeded=sentences.append, failed=failed)
        qtbot.waitUntil(lambda: len(sentences) == 4, timeout=DONE_MS)
        assert lost[-1] == (team, "No answer in time.") and len(lost) == 2
    finally:
        operations.connection().lost.disconnect(note)
        gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)
