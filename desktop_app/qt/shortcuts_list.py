"""Help > Keyboard shortcuts: the list made from the window's own actions, so
that every action with a shortcut is in it, with the keys it really has."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

# Keys that are no action of the window's menus.
OTHER_KEYS = (
    ("Tag the selection", "1 … 9 (the tag's key), or click the tag, or right-click > Tag as…"),
    ("Delete the selected claim", "Delete"),
    ("Open a link", "Ctrl+click"),
    ("Import files", "drop files on the window"),
    ("Close a tool window (analysis, compare annotators, the matrix)", "Escape"),
)

# Actions whose text changes with what they would do.
FIXED_NAMES = {"undo": "Undo", "redo": "Redo"}


def action_name(action: QAction) -> str:
    """An action's menu text without its mnemonic and dots."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def action_keys(action: QAction) -> str:
    """The action's shortcuts as the user reads them, alternatives joined by " or "."""
    return " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty())


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(what, keys) for every action of the window with a shortcut, in menu
    order as far as the window knows it, then the keys that are no action."""
    named = {id(action): FIXED_NAMES.get(key) for key, action in getattr(window, "menu_actions", {}).items()}
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for action in [*window.actions(), *window.findChildren(QAction)]:
        if id(action) in seen:
            continue
        seen.add(id(action))
        keys = action_keys(action)
        if keys:
            rows.append((named.get(id(action)) or action_name(action), keys))
    return rows + list(OTHER_KEYS)


def shortcuts_html(rows: list[tuple[str, str]]) -> str:
    from html import escape

    body = "".join(f"<tr><td>{escape(what)}</td><td><b>{escape(keys)}</b></td></tr>" for what, keys in rows)
    return f"<table cellpadding='4'>{body}</table>"
