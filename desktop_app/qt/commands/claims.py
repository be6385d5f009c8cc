"""Undoable edits of claims: create, delete, tags, status, note, reattach."""

from __future__ import annotations

import time
from typing import Callable, Iterable

from PySide6.QtGui import QUndoCommand

from desktop_app.core.errors import Conflict
from desktop_app.core.rows import ClaimRow
from desktop_app.qt.commands.base import (
    _NOTE_COMMAND_ID,
    NOTE_BURST_S,
    StoreCommand,
    short_quote,
)
from desktop_app.qt.events import StoreEvents


class CreateClaim(StoreCommand):
    """A new claim on ``document_id[start:end]``; undo sends it to the bin and
    redo restores the same claim (same id)."""

    record_type = "CreateClaim"

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

    def record_fields(self) -> dict:
        return {"document_id": self.document_id, "start": self.start, "end": self.end,
                "tag_ids": list(self.tag_ids), "note": self.note}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "CreateClaim":
        return cls(store, events, int(rec["document_id"]), int(rec["start"]), int(rec["end"]),
                   [int(t) for t in rec["tag_ids"]], str(rec.get("note", "")))

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
    record_type = "DeleteClaim"

    def __init__(self, store, events: StoreEvents, claim_id: int) -> None:
        super().__init__(store, events, "Delete claim")
        self.claim_id = claim_id

    def record_fields(self) -> dict:
        return {"claim_id": self.claim_id}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "DeleteClaim":
        return cls(store, events, int(rec["claim_id"]))

    def _do(self) -> None:
        row = self._store.delete_claim(self.claim_id)
        self.setText(f"Delete claim “{short_quote(row.quote)}”")
        self._events.claimRemoved.emit(row.id, row.document_id)

    def _undo(self) -> None:
        self._events.claimAdded.emit(self._store.restore_claim(self.claim_id))


CHANGED_ELSEWHERE = "This claim was changed elsewhere in the meantime, so that step was not {}; it now shows what is saved."


class ClaimEdit(StoreCommand):
    """Change one field of a claim, remembering its old value.

    ``expected_version`` is the claim's version as the user saw it: the first
    run raises Conflict if the claim changed elsewhere since (None writes
    whatever the version, as after the user chose to overwrite), and keeps
    the claim as saved in ``saved``. Undo and redo
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
        self.saved: ClaimRow | None = None  # the claim as saved, when the first run met a change made elsewhere

    def record_fields(self) -> dict:
        return {"claim_id": self.claim_id, "value": self._plain(self.new), "expected_version": self.expected_version}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "ClaimEdit":
        version = rec.get("expected_version")
        return cls(store, events, int(rec["claim_id"]), cls._value_from_record(rec["value"]),
                   expected_version=None if version is None else int(version))

    @staticmethod
    def _plain(value):
        return value

    @staticmethod
    def _value_from_record(value):
        return str(value)

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
                saved = self._store.get_claim(self.claim_id)
                try:
                    row = self._write(self.new, self.expected_version)
                except Conflict:
                    # the claim as saved, read in the same transaction: the
                    # window shows it to resolve the conflict without reading again
                    self.saved = saved
                    raise
            self.old, self.new = self._read(saved), self._read(row)  # as stored
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


class SetClaimTags(ClaimEdit):
    record_type = "SetClaimTags"

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

    @staticmethod
    def _plain(value):
        return list(value)

    @staticmethod
    def _value_from_record(value):
        return [int(t) for t in value]

    def _do(self) -> None:
        super()._do()
        names = self._tag_names(self.new)
        self.setText(f"Tag claim as {names}" if names else "Remove the claim's tags")


class SetClaimStatus(ClaimEdit):
    record_type = "SetClaimStatus"

    def __init__(self, store, events: StoreEvents, claim_id: int, status: str, *,
                 expected_version: int | None = None) -> None:
        super().__init__(store, events, claim_id, status, f"Mark claim {status}", expected_version)

    def _read(self, row: ClaimRow):
        return row.status

    def _write(self, value, expected_version: int | None) -> ClaimRow:
        return self._store.set_claim_status(self.claim_id, value, expected_version=expected_version)


class SetClaimNote(ClaimEdit):
    """Edit a claim's note; a burst of edits of the same note is one undo step.

    Each edit of a burst is written with the version the previous edit left
    (the editor passes the version it was shown after that write), so that a
    change made elsewhere in the middle of a burst is caught, not overwritten.
    An overwrite chosen after a conflict never merges: it is its own step."""

    record_type = "SetClaimNote"

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


def forced_copy(command: ClaimEdit) -> ClaimEdit:
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

    record_type = "ReattachClaim"

    def __init__(self, store, events: StoreEvents, claim_id: int, start: int, end: int) -> None:
        super().__init__(store, events, "Attach claim")
        self.claim_id = claim_id
        self.start = start
        self.end = end
        self.before: ClaimRow | None = None

    def record_fields(self) -> dict:
        return {"claim_id": self.claim_id, "start": self.start, "end": self.end}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "ReattachClaim":
        return cls(store, events, int(rec["claim_id"]), int(rec["start"]), int(rec["end"]))

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
