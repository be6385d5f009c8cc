"""What assistive technology sees of a window: every control has a name and
can be reached from the keyboard.

``problems(root)`` walks a widget tree and lists each interactive widget
that a screen reader would announce without a name (the name Qt reports
through QAccessible: an accessible name set on it, else the text of a
button, else the label whose buddy it is…; for a combo box, whose current
text Qt reports as its name, an accessible name or a label relation) or that the keyboard cannot reach
(not in the Tab chain, and not a tool button whose action has a shortcut or
sits in a menu). Parts that Qt builds inside a composite control (the line
edit of a spin box, the list of a combo box, a view's headers, the clear
button of a line edit) are announced through their owner: the owner must be
named for them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox, QTextEdit, QPlainTextEdit,
               QAbstractSlider, QTabBar)


def accessible_name(widget: QWidget) -> str:
    """The name Qt gives the widget's accessible interface."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) if interface is not None else "").strip()


def is_named(widget: QWidget) -> bool:
    """Whether a screen reader has a name to announce for the control. On
    Linux Qt reports a combo box's current text as its name and names it
    through the label relation (a label whose buddy it is) instead: a combo
    box is named by its accessible name or by such a label."""
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QComboBox):
        interface = QAccessible.queryAccessibleInterface(widget)
        labels = interface.relations(QAccessible.RelationFlag.Label) if interface is not None else []
        return any(label.text(QAccessible.Text.Name).strip() for label, _flag in labels)
    return bool(accessible_name(widget))


def owner_of_part(widget: QWidget) -> QWidget | None:
    """The composite control a Qt-built part belongs to, or None for a control of its own."""
    parent = widget.parentWidget()
    if isinstance(widget, QScrollBar):
        return parent
    if isinstance(widget, QHeaderView) or widget.objectName() == "qt_tableview_cornerbutton":
        return _ancestor(widget, QAbstractItemView)
    if widget.objectName() in ("qt_dockwidget_closebutton", "qt_dockwidget_floatbutton"):
        return parent  # also the View menu's toggle of the dock, and Ctrl+Shift+F… for the search
    if widget.objectName() == "qt_spinbox_lineedit":
        return parent
    if isinstance(widget, QToolButton) and isinstance(parent, QLineEdit) and not widget.text():
        return parent  # the clear button, an action of the line edit
    if widget.objectName() in ("qt_toolbar_ext_button", "qt_menubar_ext_button") and isinstance(
            parent, (QToolBar, QMenuBar)):
        return parent
    if isinstance(widget, QAbstractItemView) and parent is not None and type(parent).__name__ == "QFrame" and \
            parent.windowFlags() & Qt.WindowType.Popup:
        return _combo_of(widget)
    if isinstance(widget, QAbstractItemView):
        return _combo_of(widget)  # a combo box's list, even before its popup was first shown
    return None


def _ancestor(widget: QWidget, kind) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parentWidget()
    return parent


def _combo_of(view: QWidget) -> QWidget | None:
    window = view.window()
    for combo in window.findChildren(QComboBox) if window is not None else ():
        if combo.view() is view:
            return combo
    parent = view.parentWidget()
    while parent is not None:  # the popup lives in its own window, a child of the combo box
        if isinstance(parent, QComboBox):
            return parent
        parent = parent.parentWidget()
    return None


def _describe(widget: QWidget) -> str:
    parent = widget.parentWidget()
    where = f" in {type(parent).__name__} '{parent.objectName()}'" if parent is not None else ""
    tip = f" (tooltip {widget.toolTip()!r})" if widget.toolTip() else ""
    return f"{type(widget).__name__} '{widget.objectName()}'{where}{tip}"


def _keyboard_reachable(widget: QWidget) -> bool:
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return True
    if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
        action = widget.defaultAction()
        return bool(action.shortcuts()) or any(isinstance(o, QMenu) for o in action.associatedObjects())
    return False


def problems(root: QWidget) -> list[str]:
    """One line for each unnamed or unreachable control under ``root`` (and root itself)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE):
            continue
        owner = owner_of_part(widget)
        if owner is not None or isinstance(widget, QScrollBar):
            if owner is not None and isinstance(owner, INTERACTIVE + (QToolBar, QMenuBar, QDockWidget)) and \
                    not is_named(owner):
                found.append(f"unnamed: {_describe(owner)} (owner of {_describe(widget)})")
            continue
        if not is_named(widget):
            found.append(f"unnamed: {_describe(widget)}")
        if not _keyboard_reachable(widget):
            found.append(f"not reachable by keyboard: {_describe(widget)}")
    return sorted(set(found))
