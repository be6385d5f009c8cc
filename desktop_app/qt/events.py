"""One hub of signals saying what changed in the store, so that every view
(panes, library, codebook, claims table, claim editor) follows each edit,
whichever widget or undo command made it."""

from __future__ import annotations

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
