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

Records: a command that can wait for the team database (see
``qt/team/pending_edits.py``) writes what is needed to make it again as a
JSON-ready dict, ``to_record()``, and reads it back with the classmethod
``from_record(store, events, record)``. Each such class names its record
type (``record_type``, the class name); ``command_from_record`` finds the
class by that name. A command that cannot be kept (an import, an
auto-coding run) says so with ``record_type = None`` in its own class.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError
from desktop_app.qt.events import StoreEvents

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


RECORD_TYPES: dict[str, type["StoreCommand"]] = {}


def command_from_record(store, events, record: dict) -> "StoreCommand":
    """The command a record describes (raises KeyError, TypeError or
    ValueError if the record is damaged or of an unknown type)."""
    kind = record["type"]
    cls = RECORD_TYPES.get(kind)
    if cls is None:
        raise ValueError(f"unknown edit {kind!r}")
    return cls.from_record(store, events, record)


class StoreCommand(QUndoCommand):
    """Base of the commands: a store, the event hub, and the first-run logic.

    Subclasses implement ``_do()`` (used for the first run and every redo)
    and ``_undo()``; both call the store, then emit events. A subclass that
    can be kept while the team database is away sets ``record_type`` and
    implements ``record_fields()`` and ``from_record()``.
    """

    record_type: str | None = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("record_type")
        if name is not None:
            if name in RECORD_TYPES and RECORD_TYPES[name] is not cls:
                raise TypeError(f"two commands keep records of type {name!r}")
            RECORD_TYPES[name] = cls

    def to_record(self) -> dict | None:
        """What makes this command again in another session, as plain JSON
        values; None for a command that cannot be kept."""
        if self.record_type is None:
            return None
        return {"type": self.record_type, **self.record_fields()}

    def record_fields(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def from_record(cls, store, events, record: dict) -> "StoreCommand":  # pragma: no cover - abstract
        raise NotImplementedError

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
