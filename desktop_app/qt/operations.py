"""One way to run work off the UI thread: a store read or write, an import,
a download, a copy.

``Operation(parent, work, what=...)`` runs ``work(token)`` on a thread of
its own. The work asks ``token.cancelled()`` (or calls ``token.check()``)
between steps and says how far it got with ``token.report(...)``. Seen from
the UI thread, the operation says ``progress`` (what was reported),
then ``succeeded`` (the work's result) or ``failed`` (one sentence), then
``finished``, always, once; all of them are emitted in the UI thread, so
that a plain function or lambda connected to them runs there.

There is one error path: a MarginaliaError is its own sentence, a refusal
the work raises as Cancelled ends the operation quietly, anything else is
logged and becomes the operation's ``failure`` sentence; no traceback
reaches the window.

The window never waits for it without bound: ``timeout_ms`` gives up on
work that has not answered in time (the sentence ``late`` is the failure),
``stop(ms)`` cancels and waits a bounded time (on closing), and a thread
still running when the window stops waiting is kept alive until it ends
(``qt.threads``), its answer dropped.

A read from a team database that fails because the server cannot be
reached, or does not answer in time, also says so to the window's
connection state: the operation is given the ``store`` it reads, and
``connection().lost`` carries that store and the sentence to whoever keeps
the state (qt.team.live_updates), one place for every read.

``run(parent, work, ...)`` starts one with its callbacks connected;
``read(parent, store, work, ...)`` is the short form for reads: on a team
database (the network) the work runs as an Operation; on a database file it
runs at once, with the same callbacks, as the window always did. ``Run`` is
the base of the objects that show one Operation to the window with signals
of their own (an import, a copy)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from desktop_app.core.errors import Cancelled, DatabaseUnreachable, MarginaliaError
from desktop_app.qt.threads import keep_until_finished, stop_and_wait

log = logging.getLogger(__name__)

_started: dict = {}  # thread -> the operation run() started on it, until it finishes or its thread ends
_alive: set = set()  # the threads of all operations, until each has ended
END_WAIT_MS = 2000  # how long the UI thread waits for a thread that has said it ended to be gone
TEAM_READ_WAIT_MS = 8000  # how long the window waits for a read from a team database


def team_late(consequence: str) -> str:
    """The sentence for a team database that did not answer in time."""
    return (f"The team database did not answer within {TEAM_READ_WAIT_MS / 1000:g} seconds, so {consequence}; "
            "try again once the server answers.")


def _gone(thread: QThread) -> None:
    # "finished" arrives queued, in the UI thread, a moment before the thread is gone
    thread.wait(END_WAIT_MS)
    _alive.discard(thread)
    # an operation whose owner was destroyed while it ran never heard its
    # thread's answer: it is let go here, with its thread
    _started.pop(thread, None)


def held() -> int:
    """How many operations started by run() are held until they end (for tests)."""
    return len(_started)


class _Connection(QObject):
    """Where reads say that the team database did not answer."""

    lost = Signal(object, str)  # the store read, the sentence


_connection: _Connection | None = None


def connection() -> _Connection:
    """The one object that tells the window a team read found the server away."""
    global _connection
    if _connection is None:
        _connection = _Connection()
    return _connection


class Token:
    """What the work is handed: whether it is still wanted, and a way to say
    how far it got. Safe to use from any thread."""

    def __init__(self, report: Callable[[tuple], None]) -> None:
        self._stop = threading.Event()
        self._report = report
        self._hooks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._stop.set()
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            hook()

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` when the work is cancelled (at once if it is
        already), from the thread that cancels: to cut a read that waits."""
        with self._lock:
            if not self._stop.is_set():
                self._hooks.append(hook)
                return
        hook()

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def check(self, sentence: str = "Stopped.") -> None:
        """Raise Cancelled if the work is not wanted any more."""
        if self._stop.is_set():
            raise Cancelled(sentence)

    def report(self, *values: Any) -> None:
        """Pass ``values`` to the operation's ``progress`` (in the UI thread)."""
        self._report(values)


class _Runner(QThread):
    """The thread. Its signals are emitted in it and reach the Operation
    queued, in the UI thread."""

    reported = Signal(object)  # a tuple of values
    # "ok" and the result, "failed" or "unreachable" and a sentence, "cancelled" and None
    ended = Signal(str, object)

    def __init__(self, work, what: str, failure: str, parent=None) -> None:
        super().__init__(parent)
        self.work = work
        self.what = what
        self.failure = failure
        self.token = Token(self.reported.emit)

    def run(self) -> None:
        try:
            result = self.work(self.token)
        except Cancelled:
            self.ended.emit("cancelled", None)
        except DatabaseUnreachable as exc:
            self.ended.emit("unreachable", str(exc))
        except MarginaliaError as exc:
            self.ended.emit("failed", str(exc))
        except Exception:  # logged; one sentence for the window
            log.exception("%s failed", self.what)
            self.ended.emit("failed", self.failure)
        else:
            self.ended.emit("ok", result)


class Operation(QObject):
    """One piece of work on its own thread, seen from the UI thread (see the
    module's text). ``done``, ``result``, ``error`` and ``cancelled`` say how
    it ended. ``store``: the team database the work reads, if any (see
    the module's text: a server away is reported to the connection state)."""

    progress = Signal(object)  # the tuple the work reported
    succeeded = Signal(object)  # the work's result
    failed = Signal(str)  # one sentence
    finished = Signal()  # always last, once

    def __init__(self, parent, work: Callable[[Token], Any], *, what: str, failure: str = "",
                 timeout_ms: int = 0, late: str = "", store=None) -> None:
        super().__init__(parent)
        self.what = what
        self.store = store if getattr(store, "is_team", False) else None
        self.timeout_ms = timeout_ms
        self.late = late or f"{what[:1].upper()}{what[1:]} took too long and was given up."
        self.done = False
        self.result = None
        self.error = ""
        self.cancelled = False
        self.timed_out = False
        # no parent: the thread must never be destroyed with its owner while it
        # runs (the window closing); it is held in _alive until it has ended
        self.thread = _Runner(work, what, failure or f"{what[:1].upper()}{what[1:]} failed; the log file has details.")
        self.thread.reported.connect(self._on_reported)
        self.thread.ended.connect(self._on_ended)
        self._timer: QTimer | None = None

    @property
    def token(self) -> Token:
        return self.thread.token

    def start(self) -> Operation:
        thread = self.thread
        _alive.add(thread)
        thread.finished.connect(lambda: _gone(thread))
        thread.start()
        if self.timeout_ms > 0:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._too_late)
            self._timer.start(self.timeout_ms)
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next check; the operation still ends
        by ``finished`` (after ``succeeded`` if the work returned what it had)."""
        self.cancelled = True
        self.thread.token.cancel()

    def abandon(self, sentence: str = "") -> None:
        """Stop waiting now: the work is cancelled, its answer will be
        dropped, ``failed`` (if ``sentence``) and ``finished`` are emitted at
        once; its thread is kept until it ends."""
        if self.done:
            return
        self.cancel()
        keep_until_finished(self.thread)
        self._finish("failed" if sentence else "cancelled", sentence)

    def stop(self, timeout_ms: int) -> bool:
        """Cancel and wait ``timeout_ms`` at most for the thread (on closing
        or leaving a database); True if it ended. Nothing more is emitted."""
        if self.done:
            return True
        self.cancel()
        self.blockSignals(True)  # the window is going: no answer, no dialog
        try:
            ended = stop_and_wait(self.thread, timeout_ms)
        except RuntimeError:  # the thread object is already gone
            ended = True
        self.done = True
        self._stop_timer()
        _started.pop(self.thread, None)
        return ended

    def wait(self, timeout_ms: int) -> bool:
        """Wait ``timeout_ms`` at most for the thread to end; True if it ended."""
        return self.done or self.thread.wait(timeout_ms)

    # ------------------------------------------------------------ UI thread
    @Slot(object)
    def _on_reported(self, values) -> None:
        if not self.done:
            self.progress.emit(values)

    @Slot(str, object)
    def _on_ended(self, how: str, value) -> None:
        if self.done:
            return  # given up already: the answer is dropped
        # "ended" is the thread's last word: let it end before anyone deletes it
        if not self.thread.wait(END_WAIT_MS):
            keep_until_finished(self.thread)
        self._finish(how, value)

    def _too_late(self) -> None:
        if not self.done:
            log.warning("%s did not answer within %d ms", self.what, self.timeout_ms)
            self.timed_out = True
            self.abandon(self.late)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def _finish(self, how: str, value) -> None:
        self.done = True
        self._stop_timer()
        if how == "ok":
            self.result = value
            self.succeeded.emit(value)
        elif how in ("failed", "unreachable"):
            self.error = value
            if self.store is not None and (how == "unreachable" or self.timed_out):
                connection().lost.emit(self.store, value)  # before the sentence: the label, then the words
            self.failed.emit(value)
        else:
            self.cancelled = True
        self.finished.emit()


class Run(QObject):
    """Base of an object that shows one Operation to the window with
    signals of its own (an import, a copy): ``self.op`` is set by the
    subclass; starting, cancelling and stopping go to it."""

    op: Operation

    @property
    def done(self) -> bool:
        return self.op.done

    @property
    def thread(self) -> QThread:
        return self.op.thread

    def start(self) -> None:
        self.op.start()

    def cancel(self) -> None:
        self.op.cancel()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Cancel and wait ``timeout_ms`` at most (on closing or leaving the
        database); a thread that has not ended is kept until it does."""
        if not self.op.stop(timeout_ms):
            log.warning("%s did not stop in time", self.op.what)


def run(parent, work: Callable[[Token], Any], *, what: str, failure: str = "", timeout_ms: int = 0,
        late: str = "", succeeded: Callable | None = None, failed: Callable | None = None,
        progress: Callable | None = None, finished: Callable | None = None, store=None) -> Operation:
    """Start an Operation with its callbacks connected (each runs in the UI
    thread); it deletes itself once finished."""
    op = Operation(parent, work, what=what, failure=failure, timeout_ms=timeout_ms, late=late, store=store)
    for signal, slot in ((op.progress, progress), (op.succeeded, succeeded), (op.failed, failed),
                         (op.finished, finished)):
        if slot is not None:
            signal.connect(slot)
    _started[op.thread] = op  # held until it ends, whoever keeps (or drops) the returned object

    def ended() -> None:
        _started.pop(op.thread, None)
        op.deleteLater()

    op.finished.connect(ended)
    return op.start()


def read(parent, store, work: Callable[[], Any], *, what: str, succeeded: Callable, failed: Callable,
         timeout_ms: int | None = None, late: str = "") -> Operation | None:
    """Read with ``work()``: off the UI thread on a team database (the
    Operation is returned, its callbacks run later), at once on a database
    file (the callbacks have run when this returns None). The wait is
    TEAM_READ_WAIT_MS unless ``timeout_ms`` says otherwise."""
    if getattr(store, "is_team", False):
        wait = TEAM_READ_WAIT_MS if timeout_ms is None else timeout_ms
        return run(parent, lambda _token: work(), what=what, timeout_ms=wait, late=late,
                   succeeded=succeeded, failed=failed, store=store)
    try:
        result = work()
    except MarginaliaError as exc:
        failed(str(exc))
    else:
        succeeded(result)
    return None
