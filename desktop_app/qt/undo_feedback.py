"""Every undo and redo says in the status bar what it undid or redid
("Undone: Tag claim as salaries"), whether it came from Edit > Undo, its
shortcut or the toolbar."""

from __future__ import annotations

UNDO_MESSAGE_MS = 5000


def announce(window, undo_action, redo_action) -> None:
    """Connect after the stack's own slots, so the step has moved when this runs."""
    stack = window.undo_stack

    def said(prefix: str, text: str) -> None:
        if text:
            window.statusBar().showMessage(f"{prefix}: {text}", UNDO_MESSAGE_MS)

    # After an undo the step undone is the next one to redo, and the other way round.
    undo_action.triggered.connect(lambda *_: said("Undone", stack.redoText()))
    redo_action.triggered.connect(lambda *_: said("Redone", stack.undoText()))
