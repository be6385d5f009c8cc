"""Claim counts of the library and the codebook, read off the UI thread.

Counting a project's claims reads every claim (a second at a million of
them): the window lists the library and the codebook at once, without
counts, and a CountReader counts in a worker thread while the window is
used. After an edit only the documents it touched are counted again (one
small indexed query each pause, see item_models.COUNT_DELAY_MS)."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QThread, Signal

log = logging.getLogger(__name__)

# Every reader started, kept here (not by a model) until it has finished:
# let go of only on the UI thread, once finished, so that no running thread
# is destroyed with the model or the window that started it.
_readers: set = set()


def _let_go_of_finished() -> None:
    for reader in [r for r in _readers if r.isFinished()]:
        _readers.discard(reader)


class CountReader(QThread):
    """Runs ``read()`` (a store query) once in a worker thread; emits
    ``counted`` (itself, the result) or ``failed`` (itself, the exception).
    It belongs to no model: a model that goes away while it reads does not
    take the running thread with it (it is kept until it ends)."""

    counted = Signal(object, object)
    failed = Signal(object, object)

    def __init__(self, read: Callable[[], object], apply: Callable[[object], None]) -> None:
        super().__init__()
        self._read = read
        self.apply = apply
        self.cancelled = False

    def run(self) -> None:
        try:
            result = self._read()
        except Exception as exc:  # noqa: BLE001 - the model decides (retry when the server is back)
            if not self.cancelled:
                log.info("counting claims failed: %s", exc)
                self.failed.emit(self, exc)
            return
        if not self.cancelled:
            self.counted.emit(self, result)

    def cancel(self, wait_ms: int) -> None:
        """Nothing it reads is taken any more; waits ``wait_ms`` at most (it
        is kept until it ends in any case)."""
        self.cancelled = True
        self.wait(wait_ms)


class CountsInBackground:
    """Part of a model: one CountReader at a time, the documents edited
    while it read (counted again after it), and whether counts are known."""

    def _init_background(self) -> None:
        self._reader: CountReader | None = None
        self._touched_while_reading: set[int] = set()
        self._full_count_owed = False

    def counting(self) -> bool:
        """A full count is being read in the background."""
        return self._reader is not None

    def _start_reader(self, read: Callable[[], object], apply: Callable[[object], None]) -> None:
        if self._reader is not None:
            self._reader.cancel(0)
        reader = CountReader(read, apply)
        self._reader = reader
        self._touched_while_reading = set()
        # bound methods of the model: Qt drops the connections if the model goes first
        reader.counted.connect(self._reader_done)
        reader.failed.connect(self._reader_failed)
        _let_go_of_finished()
        _readers.add(reader)
        reader.start()

    def _reader_done(self, reader, result) -> None:
        if reader is not self._reader or reader.cancelled:
            return
        self._reader = None
        reader.wait()  # it has emitted its last signal: it ends now
        _readers.discard(reader)
        reader.apply(result)
        touched, self._touched_while_reading = self._touched_while_reading, set()
        if touched:  # the read may have begun before these edits: count them again
            self._count_later(*touched)

    def _reader_failed(self, reader, _exc) -> None:
        if reader is not self._reader:
            return
        self._reader = None
        reader.wait()
        _readers.discard(reader)
        # counted again with the next pause (the team database may be away:
        # the count timer tries again then, see item_models._count_timer)
        self._full_count_owed = True
        self._count_timer.start()

    def stop_counting(self, wait_ms: int = 0) -> None:
        """The store is going away: no count is read from it any more."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel(wait_ms)
