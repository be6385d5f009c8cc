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

from desktop_app.qt.threads import keep_until_finished

log = logging.getLogger(__name__)


class CountReader(QThread):
    """Runs ``read()`` (a store query) once in a worker thread; emits
    ``counted`` with its result, or ``failed`` with the exception."""

    counted = Signal(object)
    failed = Signal(object)

    def __init__(self, read: Callable[[], object], parent=None) -> None:
        super().__init__(parent)
        self._read = read
        self.cancelled = False

    def run(self) -> None:
        try:
            result = self._read()
        except Exception as exc:  # noqa: BLE001 - the model decides (retry when the server is back)
            if not self.cancelled:
                log.info("counting claims failed: %s", exc)
                self.failed.emit(exc)
            return
        if not self.cancelled:
            self.counted.emit(result)

    def cancel(self, wait_ms: int) -> None:
        """Nothing it reads is taken any more; waits ``wait_ms`` at most, and
        a reader still running is kept until it ends."""
        self.cancelled = True
        if not self.wait(wait_ms):
            keep_until_finished(self)


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
        reader = CountReader(read, self)
        self._reader = reader
        self._touched_while_reading = set()
        reader.counted.connect(lambda result: self._reader_done(reader, result, apply))
        reader.failed.connect(lambda exc: self._reader_failed(reader, exc, read, apply))
        reader.finished.connect(reader.deleteLater)
        reader.start()

    def _reader_done(self, reader, result, apply) -> None:
        if reader is not self._reader or reader.cancelled:
            return
        self._reader = None
        apply(result)
        touched, self._touched_while_reading = self._touched_while_reading, set()
        if touched:  # the read may have begun before these edits: count them again
            self._count_later(*touched)

    def _reader_failed(self, reader, exc, read, apply) -> None:
        if reader is not self._reader:
            return
        self._reader = None
        # counted again with the next pause (the team database may be away:
        # the count timer tries again then, see item_models._count_timer)
        self._full_count_owed = True
        self._count_timer.start()

    def stop_counting(self, wait_ms: int = 0) -> None:
        """The store is going away: no count is read from it any more."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel(wait_ms)
