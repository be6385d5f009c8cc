"""One hub of signals saying what changed in the store, so that every view
(panes, library, codebook, claims table, claim editor) follows each edit,
whichever widget or undo command made it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from PySide6.QtCore import QObject, Signal


class StoreEvents(QObject):
    # A claim row (desktop_app.core.rows.ClaimRow) was created or restored.
    claimAdded = Signal(object)
    # A claim row changed (tags, note, status); carries the new row.
    claimChanged = Signal(object)
    # A claim went to the bin: (claim_id, document_id).
    claimRemoved = Signal(int, int)
    # The codebook changed (a tag added, renamed, recoloured, merged, removed);
    # claims' tags may have changed with it.
    tagsChanged = Signal()
    # Documents were added, removed, restored or their metadata changed.
    documentsChanged = Signal()
    # A document's text was replaced by another version (or put back): panes
    # showing it render it again. Emitted after documentsChanged.
    documentTextChanged = Signal(int)
    # Links between claims were added, changed, deleted or restored.
    linksChanged = Signal()
    # An undo or redo could not be carried out (the data changed behind it);
    # carries the sentence to show. The step was dropped from the stack.
    commandFailed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._fresh: dict = {}

    def rows(self, kind, read: Callable[[], object]):
        """Rows of ``kind`` ("documents", "tags", "links", ("paint", document
        id), ("claim_page", query, rows) and ("claim_cells", query) for the
        claims tables) as a refresh read them off the UI
        thread, while it hands them out (see ``holding``); else ``read()``."""
        if kind in self._fresh:
            return self._fresh[kind]
        return read()

    def has_rows(self, kind) -> bool:
        return kind in self._fresh

    @contextmanager
    def holding(self, rows: dict):
        """While the signals of a refresh are emitted, listeners take these
        rows (read by a worker) instead of asking the store again."""
        previous, self._fresh = self._fresh, dict(rows)
        try:
            yield
        finally:
            self._fresh = previous
