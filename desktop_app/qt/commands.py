"""Undoable edits: each command calls the store and then tells StoreEvents.

A command holds ids and values only (and the immutable rows the store hands
back, such as a RemovedTag or a MergeRecord), never a live Qt object or a row
that could go stale. Every store call is one transaction, committed before the
command returns; where a command must read the old value before writing the
new one, both happen in one ``store.transaction()``.

How a command gets on the stack: ``push_command(stack, command)``
------------------------------------------------------------------
The first action runs *before* the command is pushed::

    try:
        push_command(stack, SetClaimStatus(store, events, claim_id, "supported"))
    except MarginaliaError as exc:
        show(str(exc))          # one plain sentence; the stack is unchanged

``push_command`` calls ``command.execute()``, which does the store call and
emits the event; if the store raises, the error goes up to the caller and the
command never reaches the stack. Only on success is it pushed, and the
``redo()`` that ``QUndoStack.push`` makes at once is skipped (the work is
done). Later redos and undos call the store again.

If one of those later calls fails (the database changed behind the stack,
say another process took a tag's name), the command records the error in
``command.error``, marks itself obsolete so that the stack drops it instead of
pretending it was undone or redone, and reports the sentence through
``events.commandFailed`` if the hub has such a signal. ``undo_step(stack)``
and ``redo_step(stack)`` undo or redo one step and raise that error, for a
window that wants to show it where the action was triggered.

A command pushed directly with ``stack.push`` still works, but an error on its
first run is only recorded and logged (the stack drops the command).

An undo or redo that finds the team database unreachable is not dropped: the
command is put back where it was on the stack (by a redo or undo that does
nothing, right after), the sentence is reported, and the same step can be
undone or redone again once the server answers. Nothing was written.

Note edits merge: consecutive ``SetClaimNote`` commands on the same claim,
each less than ``NOTE_BURST_S`` seconds after the previous one, become one
undo step; a pause longer than that starts a new step. The clock is a
constructor argument so that tests can drive it.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.core.errors import Conflict, DatabaseUnreachable, MarginaliaError
from desktop_app.core.rows import ClaimRow, MergeRecord, RemovedTag, ReplaceResult, TagRow

from .events import StoreEvents

log = logging.getLogger(__name__)

NOTE_BURST_S = 2.0  # note edits closer together than this are one undo step
QUOTE_IN_TEXT = 40  # characters of a quote shown in an undo step's text

_NOTE_COMMAND_ID = 0x4D41_0001  # any constant, shared by every SetClaimNote


def short_quote(text: str, limit: int = QUOTE_IN_TEXT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def push_command(stack: QUndoStack, command: "StoreCommand") -> None:
    """Run the command's first action, then push it; on a store error raise it
    and leave the stack as it was."""
    command.execute()
    command._stack = stack
    stack.push(command)


def undo_step(stack: QUndoStack) -> None:
    """Undo one step; raise the store's error if undoing it failed (the step is
    then dropped from the stack, the database unchanged)."""
    _step(stack, undo=True)


def redo_step(stack: QUndoStack) -> None:
    """Redo one step; raise the store's error if redoing it failed."""
    _step(stack, undo=False)


def _step(stack: QUndoStack, *, undo: bool) -> None:
    if not (stack.canUndo() if undo else stack.canRedo()):
        return
    command = stack.command(stack.index() - 1 if undo else stack.index())
    error = None
    if isinstance(command, StoreCommand):
        command.error = None
    (stack.undo if undo else stack.redo)()
    if isinstance(command, StoreCommand):
        error = command.error
    if error is not None:
        raise error


class StoreCommand(QUndoCommand):
    """Base of the commands: a store, the event hub, and the first-run logic.

    Subclasses implement ``_do()`` (used for the first run and every redo)
    and ``_undo()``; both call the store, then emit events.
    """

    def __init__(self, store, events: StoreEvents, text: str = "") -> None:
        super().__init__(text)
        self._store = store
        self._events = events
        self._executed = False  # execute() has run and push's redo is still to come
        self._skip_once = False  # the stack is moving back over a step that did not happen
        self._stack: QUndoStack | None = None
        self.error: MarginaliaError | None = None

    def execute(self) -> None:
        """The first action (see push_command); raises MarginaliaError."""
        self._do()
        self._executed = True

    def redo(self) -> None:
        if self._executed or self._skip_once:
            self._executed = self._skip_once = False
            return
        self._guarded(self._do, "redo")

    def undo(self) -> None:
        if self._skip_once:
            self._skip_once = False
            return
        self._guarded(self._undo, "undo")

    def _guarded(self, action: Callable[[], None], what: str) -> None:
        try:
            action()
        except DatabaseUnreachable as exc:
            log.warning("could not %s %r while the team database is unreachable", what, self.text())
            self.error = exc
            stack = self._stack
            if stack is not None:  # once the stack has moved, move it back over this step
                self._skip_once = True
                QTimer.singleShot(0, stack.redo if what == "undo" else stack.undo)
            signal = getattr(self._events, "commandFailed", None)
            if signal is not None:
                signal.emit(f"{exc} Nothing was changed; {what} again when it is back.")
        except MarginaliaError as exc:
            log.warning("could not %s %r: %s", what, self.text(), exc)
            self.error = exc
            self.setObsolete(True)
            signal = getattr(self._events, "commandFailed", None)
            if signal is not None:
                signal.emit(str(exc))

    def _do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _tag_names(self, tag_ids: Iterable[int]) -> str:
        ids = list(tag_ids)
        known = self._store.tag_names(ids)
        return ", ".join(known.get(tag_id, str(tag_id)) for tag_id in ids)


# ------------------------------------------------------------------- claims
class CreateClaim(StoreCommand):
    """A new claim on ``document_id[start:end]``; undo sends it to the bin and
    redo restores the same claim (same id)."""

    def __init__(
        self,
        store,
        events: StoreEvents,
        document_id: int,
        start: int,
        end: int,
        tag_ids: Iterable[int] = (),
        note: str = "",
    ) -> None:
        super().__init__(store, events, "Create claim")
        self.document_id = document_id
        self.start = start
        self.end = end
        self.tag_ids = tuple(dict.fromkeys(tag_ids))
        self.note = note
        self.claim_id: int | None = None

    def _do(self) -> None:
        if self.claim_id is None:
            with self._store.transaction():
                row = self._store.add_claim(self.document_id, self.start, self.end, self.tag_ids, note=self.note)
                names = self._tag_names(self.tag_ids)
            self.claim_id = row.id
            quote = short_quote(row.quote)
            self.setText(f"Tag “{quote}” as {names}" if names else f"Create claim “{quote}”")
        else:
            row = self._store.restore_claim(self.claim_id)
        self._events.claimAdded.emit(row)

    def _undo(self) -> None:
        row = self._store.delete_claim(self.claim_id)
        self._events.claimRemoved.emit(row.id, row.document_id)


class DeleteClaim(StoreCommand):
    def __init__(self, store, events: StoreEvents, claim_id: int) -> None:
        super().__init__(store, events, "Delete claim")
        self.claim_id = claim_id

    def _do(self) -> None:
        row = self._store.delete_claim(self.claim_id)
        self.setText(f"Delete claim “{short_quote(row.quote)}”")
        self._events.claimRemoved.emit(row.id, row.document_id)

    def _undo(self) -> None:
        self._events.claimAdded.emit(self._store.restore_claim(self.claim_id))


CHANGED_ELSEWHERE = "This claim was changed elsewhere in the meantime, so that step was not {}; it now shows what is saved."


class _ClaimEdit(StoreCommand):
    """Change one field of a claim, remembering its old value.

    ``expected_version`` is the claim's version as the user saw it: the first
    run raises Conflict if the claim changed elsewhere since (None writes
    whatever the version, as after the user chose to overwrite). Undo and redo
    check that the field still holds what this step left there, so that they
    never overwrite a change made elsewhere either."""

    def __init__(self, store, events: StoreEvents, claim_id: int, new, text: str,
                 expected_version: int | None = None) -> None:
        super().__init__(store, events, text)
        self.claim_id = claim_id
        self.new = new
        self.old = None
        self.expected_version = expected_version
        self.version_after: int | None = None  # the claim's version after this step's last write

    @property
    def overwrite(self) -> bool:
        """Written without a version check (the user chose to overwrite)."""
        return self.expected_version is None

    def _read(self, row: ClaimRow):  # pragma: no cover - abstract
        raise NotImplementedError

    def _write(self, value, expected_version: int | None) -> ClaimRow:  # pragma: no cover - abstract
        raise NotImplementedError

    def _same(self, a, b) -> bool:
        return a == b

    def _do(self) -> None:
        if self.old is None:
            with self._store.transaction():
                old = self._read(self._store.get_claim(self.claim_id))
                row = self._write(self.new, self.expected_version)
            self.old, self.new = old, self._read(row)  # as stored
        else:
            row = self._checked_write(self.old, self.new, "redone")
        self.version_after = row.version
        self._events.claimChanged.emit(row)

    def _undo(self) -> None:
        row = self._checked_write(self.new, self.old, "undone")
        self.version_after = row.version
        self._events.claimChanged.emit(row)

    def _checked_write(self, expected, value, what: str) -> ClaimRow:
        with self._store.transaction():
            current = self._store.get_claim(self.claim_id)
            if self._same(self._read(current), expected):
                return self._write(value, current.version)
        self._events.claimChanged.emit(current)  # show what is saved
        raise Conflict(CHANGED_ELSEWHERE.format(what))


class SetClaimTags(_ClaimEdit):
    def __init__(self, store, events: StoreEvents, claim_id: int, new_tag_ids: Iterable[int], *,
                 expected_version: int | None = None) -> None:
        super().__init__(store, events, claim_id, tuple(dict.fromkeys(new_tag_ids)), "Change claim tags",
                         expected_version)

    def _read(self, row: ClaimRow):
        return row.tag_ids

    def _write(self, value, expected_version: int | None) -> ClaimRow:
        return self._store.set_claim_tags(self.claim_id, value, expected_version=expected_version)

    def _same(self, a, b) -> bool:
        return set(a) == set(b)

    def _do(self) -> None:
        super()._do()
        names = self._tag_names(self.new)
        self.setText(f"Tag claim as {names}" if names else "Remove the claim's tags")


class SetClaimStatus(_ClaimEdit):
    def __init__(self, store, events: StoreEvents, claim_id: int, status: str, *,
                 expected_version: int | None = None) -> None:
        super().__init__(store, events, claim_id, status, f"Mark claim {status}", expected_version)

    def _read(self, row: ClaimRow):
        return row.status

    def _write(self, value, expected_version: int | None) -> ClaimRow:
        return self._store.set_claim_status(self.claim_id, value, expected_version=expected_version)


class SetClaimNote(_ClaimEdit):
    """Edit a claim's note; a burst of edits of the same note is one undo step.

    Each edit of a burst is written with the version the previous edit left
    (the editor passes the version it was shown after that write), so that a
    change made elsewhere in the middle of a burst is caught, not overwritten.
    An overwrite chosen after a conflict never merges: it is its own step."""

    def __init__(
        self,
        store,
        events: StoreEvents,
        claim_id: int,
        note: str,
        *,
        expected_version: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(store, events, claim_id, note, "Edit claim note", expected_version)
        self.last_edit = clock()
        self.forced = False  # True for an overwrite chosen after a conflict

    def _read(self, row: ClaimRow):
        return row.note

    def _write(self, value, expected_version: int | None) -> ClaimRow:
        return self._store.set_claim_note(self.claim_id, value, expected_version=expected_version)

    def id(self) -> int:
        return _NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetClaimNote) or other.claim_id != self.claim_id:
            return False
        if self.forced or other.forced:
            return False
        if not 0 <= other.last_edit - self.last_edit < NOTE_BURST_S:
            return False
        if (
            other.expected_version is not None
            and self.version_after is not None
            and other.expected_version != self.version_after
        ):
            return False  # not the next write of this burst (undone and redone meanwhile, say)
        self.new = other.new
        self.last_edit = other.last_edit
        self.version_after = other.version_after
        if self.new == self.old:
            self.setObsolete(True)  # typed and then took it back: no step at all
        return True


def forced_copy(command: _ClaimEdit) -> _ClaimEdit:
    """The same edit, written whatever the claim's version (after the user
    chose to overwrite a change made elsewhere); a step of its own."""
    value = command.new
    if isinstance(command, SetClaimNote):
        copy = SetClaimNote(command._store, command._events, command.claim_id, value)
        copy.forced = True
        return copy
    return type(command)(command._store, command._events, command.claim_id, value)


# ------------------------------------------------------------------- places
class ReattachClaim(StoreCommand):
    """Place a claim (an orphaned one, typically) on ``[start, end)`` of its
    document's current text; undo puts back its previous anchor (orphaned again)."""

    def __init__(self, store, events: StoreEvents, claim_id: int, start: int, end: int) -> None:
        super().__init__(store, events, "Attach claim")
        self.claim_id = claim_id
        self.start = start
        self.end = end
        self.before: ClaimRow | None = None

    def _do(self) -> None:
        if self.before is None:
            with self._store.transaction():
                self.before = self._store.get_claim(self.claim_id)
                row = self._store.reattach_claim(self.claim_id, self.start, self.end)
            self.setText(f"Attach claim to “{short_quote(row.quote)}”")
        else:
            row = self._store.reattach_claim(self.claim_id, self.start, self.end)
        self._events.claimChanged.emit(row)

    def _undo(self) -> None:
        self._events.claimChanged.emit(self._store.restore_claim_anchor(self.before))


# --------------------------------------------------------------------- tags
class AddTag(StoreCommand):
    """A new tag; undo removes it (refused if claims use it by then), redo
    recreates it with the same id and UUID."""

    def __init__(
        self,
        store,
        events: StoreEvents,
        name: str,
        color: str | None = None,
        key: int | str | None = None,
        description: str = "",
    ) -> None:
        super().__init__(store, events, f"Add tag “{name}”")
        self.name = name
        self.color = color
        self.key = key
        self.description = description
        self.tag: TagRow | None = None

    @property
    def tag_id(self) -> int | None:
        return None if self.tag is None else self.tag.id

    def _do(self) -> None:
        if self.tag is None:
            self.tag = self._store.add_tag(self.name, color=self.color, key=self.key, description=self.description)
            self.setText(f"Add tag “{self.tag.name}”")
        else:
            t = self.tag
            self._store.add_tag(
                t.name, color=t.color, key=t.key, description=t.description,
                parent_id=t.parent_id, tag_id=t.id, tag_uuid=t.uuid,
            )
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.remove_tag(self.tag.id)
        self._events.tagsChanged.emit()


class UpdateTag(StoreCommand):
    """Rename, recolour, re-key or describe a tag (any of ``name``, ``color``,
    ``key``, ``description``, ``parent_id``, ``keywords``); undo puts the old
    values back."""

    def __init__(self, store, events: StoreEvents, tag_id: int, **fields) -> None:
        super().__init__(store, events, "Change tag")
        self.tag_id = tag_id
        self.fields = dict(fields)
        self.old_fields: dict | None = None

    def _do(self) -> None:
        if self.old_fields is None:
            with self._store.transaction():
                old = self._store.get_tag(self.tag_id)
                self.old_fields = {f: getattr(old, f) for f in self.fields if hasattr(old, f)}
                new = self._store.update_tag(self.tag_id, **self.fields)
            self.setText(self._describe(old, new))
        else:
            self._store.update_tag(self.tag_id, **self.fields)
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.update_tag(self.tag_id, **self.old_fields)
        self._events.tagsChanged.emit()

    def _describe(self, old: TagRow, new: TagRow) -> str:
        if set(self.fields) == {"name"}:
            return f"Rename tag “{old.name}” to “{new.name}”"
        if set(self.fields) == {"color"}:
            return f"Recolour tag “{new.name}”"
        if set(self.fields) == {"key"}:
            return f"Set the key of tag “{new.name}”" if new.key is not None else f"Clear the key of tag “{new.name}”"
        if set(self.fields) == {"keywords"}:
            return f"Set the keywords of tag “{new.name}”"
        return f"Change tag “{new.name}”"


class MergeTags(StoreCommand):
    """Every claim of the source tag gets the target tag, and the source goes;
    undo brings the source back with its claims."""

    def __init__(self, store, events: StoreEvents, source_id: int, target_id: int) -> None:
        super().__init__(store, events, "Merge tags")
        self.source_id = source_id
        self.target_id = target_id
        self.record: MergeRecord | None = None

    def _do(self) -> None:
        first = self.record is None
        self.record = self._store.merge_tags(self.source_id, self.target_id)
        if first:
            target = self._tag_names([self.target_id])
            self.setText(f"Merge tag “{self.record.source.name}” into “{target}”")
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.unmerge_tags(self.record)
        self._events.tagsChanged.emit()


class RemoveTag(StoreCommand):
    """Remove a tag (``untag`` says to take it off the claims that use it);
    undo restores it on those claims."""

    def __init__(self, store, events: StoreEvents, tag_id: int, untag: bool = False) -> None:
        super().__init__(store, events, "Remove tag")
        self.tag_id = tag_id
        self.untag = untag
        self.removed: RemovedTag | None = None

    def _do(self) -> None:
        self.removed = self._store.remove_tag(self.tag_id, untag=self.untag)
        self.setText(f"Remove tag “{self.removed.tag.name}”")
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.restore_tag(self.removed)
        self._events.tagsChanged.emit()


# ---------------------------------------------------------------- documents
class DeleteDocument(StoreCommand):
    """Move a document to the bin with its claims; undo brings both back."""

    def __init__(self, store, events: StoreEvents, document_id: int) -> None:
        super().__init__(store, events, "Delete document")
        self.document_id = document_id

    def _do(self) -> None:
        row = self._store.delete_document(self.document_id, with_claims=True)
        self.setText(f"Delete document “{short_quote(row.title)}”")
        self._events.documentsChanged.emit()

    def _undo(self) -> None:
        self._store.restore_document(self.document_id)
        self._events.documentsChanged.emit()


class ImportedDocuments(StoreCommand):
    """Documents an import has already added: the first run only announces
    them; undo sends them to the bin and redo restores them."""

    def __init__(self, store, events: StoreEvents, document_ids: Iterable[int]) -> None:
        self.document_ids = tuple(document_ids)
        n = len(self.document_ids)
        super().__init__(store, events, f"Import {n} document{'s' if n != 1 else ''}")
        self._first = True

    def _do(self) -> None:
        if self._first:
            self._first = False
        else:
            with self._store.transaction():
                for doc_id in self.document_ids:
                    self._store.restore_document(doc_id)
        self._events.documentsChanged.emit()

    def _undo(self) -> None:
        with self._store.transaction():
            for doc_id in self.document_ids:
                self._store.delete_document(doc_id, with_claims=True)
        self._events.documentsChanged.emit()


class ReplaceDocument(StoreCommand):
    """Replace a document's text with a new version (already parsed); the
    claims are placed again on it, or orphaned. Undo puts back the old text
    and every claim's anchor; redo replaces again with the same version."""

    def __init__(self, store, events: StoreEvents, document_id: int, document, original_name: str = "") -> None:
        super().__init__(store, events, "Replace document")
        self.document_id = document_id
        self.document = document  # a StructuredDocument: a value, never changed
        self.original_name = original_name
        self.result: ReplaceResult | None = None

    def _do(self) -> None:
        self.result = self._store.replace_document(self.document_id, self.document, original_name=self.original_name)
        self.setText(f"Replace the text of “{short_quote(self.result.document.title)}”")
        self._announce()

    def _undo(self) -> None:
        self._store.undo_replace(self.result)
        self._announce()

    def _announce(self) -> None:
        self._events.documentsChanged.emit()
        signal = getattr(self._events, "documentTextChanged", None)
        if signal is not None:
            signal.emit(self.document_id)
