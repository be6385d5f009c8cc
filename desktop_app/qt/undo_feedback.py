"""Edit > Undo and Edit > Redo (menu, toolbar and shortcuts are the same two
actions): each first settles the note being typed in the claim editor, then
moves the undo stack, then says in the status bar what it undid or redid
("Undone: Tag claim as salaries").

Settling the note has one meaning: typing not saved yet is saved as its own
step ("Edit claim note") before the action runs, as the pause after typing
would have saved it. So Undo undoes the typing first, as in any text field
(with the rest of its burst, the one step it belongs to), and the claim, its
status or anything done before are undone by the next Undo. Redo after
typing has nothing to redo: the typing is a new edit, which ends the redo
history as any new edit does; the Redo action is disabled while typing is
pending, to say so. If the note cannot be saved (a conflict the user
settles by keeping the other version, a team database out of reach) the
action does nothing more: it never undoes a step other than the one the
user sees on top."""

from __future__ import annotations

import logging

import shiboken6

from PySide6.QtGui import QAction

from desktop_app.core.errors import MarginaliaError

UNDO_MESSAGE_MS = 5000
NOTE_STEP_TEXT = "Edit claim note"

log = logging.getLogger(__name__)


def _editor(window):
    return getattr(window, "editor", None) if getattr(window, "built", False) else None


def note_pending(window) -> bool:
    """True while the claim editor holds typing that saving would change."""
    editor = _editor(window)
    return editor is not None and editor.has_unsaved_note() and editor.claim is not None and \
        editor.note.toPlainText() != editor.claim.note


def settle_note(window) -> bool:
    """Save the note being typed, as its own undo step; True if nothing is
    left pending (saved, or nothing was typed), False if it was not saved."""
    editor = _editor(window)
    if editor is None or not editor.has_unsaved_note():
        return True
    if not note_pending(window):
        editor.flush_note()  # typed back to what is saved: nothing to write
        return True
    claim_id, typed = editor.claim.id, editor.note.toPlainText()
    editor.flush_note()
    store = getattr(window, "store", None)
    if store is None or editor.has_unsaved_note():
        return False
    try:
        saved = store.get_claim(claim_id)
    except MarginaliaError as exc:
        log.info("the note being typed was not saved before undo/redo: %s", exc)
        return False
    from desktop_app.core.codebook import clean_text

    return saved.note == clean_text(typed) and not saved.deleted


def _prefixed(prefix: str, text: str) -> str:
    return f"{prefix} {text}" if text else prefix


def build_undo_actions(window) -> tuple[QAction, QAction]:
    """The window's Undo and Redo actions over ``window.undo_stack``."""
    stack = window.undo_stack
    undo = QAction("&Undo", window)
    redo = QAction("&Redo", window)

    def refresh(*_args) -> None:
        if not (shiboken6.isValid(stack) and shiboken6.isValid(undo) and shiboken6.isValid(redo)):
            return  # the window is being taken down (a last flush of the note)
        pending = note_pending(window)
        undo.setEnabled(stack.canUndo() or pending)
        undo.setText(_prefixed("&Undo", NOTE_STEP_TEXT if pending else stack.undoText()))
        redo.setEnabled(stack.canRedo() and not pending)
        redo.setText(_prefixed("&Redo", "" if pending else stack.redoText()))

    def said(prefix: str, text: str) -> None:
        if text:
            window.statusBar().showMessage(f"{prefix}: {text}", UNDO_MESSAGE_MS)

    def run_undo() -> None:
        if not settle_note(window) or not stack.canUndo():
            return
        stack.undo()
        said("Undone", stack.redoText())  # the step undone is now the next to redo

    def run_redo() -> None:
        if not settle_note(window) or not stack.canRedo():
            return
        stack.redo()
        said("Redone", stack.undoText())

    for action, run in ((undo, run_undo), (redo, run_redo)):
        action.triggered.connect(window.ensure_built)
        action.triggered.connect(run)
    for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged,
                   stack.indexChanged, stack.cleanChanged):
        signal.connect(refresh)

    def watch_editor() -> None:
        editor = _editor(window)
        if editor is not None:
            editor.pendingNoteChanged.connect(refresh)
        refresh()

    window.ready.connect(watch_editor)
    refresh()
    return undo, redo
