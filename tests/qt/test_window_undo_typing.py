"""Undo and Redo while a note is still being typed (not saved yet): the
toolbar, the menu and the shortcuts first save the typing as its own step,
then act; so the typing is what Undo undoes first, no stray step appears
later, and no late save wipes the redo history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    fresh_claims,
    isolated_qsettings,
    make_claim,
    modals,
    window,
)


def _claim(window, qtbot, phrase="Salaries for this profile"):
    pane = window.panes[0]
    start = pane.view.canonical_text.index(phrase)
    return make_claim(window, qtbot, pane, start, start + len(phrase), "2")


def _type_note(window, qtbot, text):
    note = window.editor.note
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    plain = text.encode("ascii", "ignore").decode()
    qtbot.keyClicks(note, plain)  # real key presses for what a key can type
    if plain != text:
        note.insertPlainText(text[len(plain):])  # the rest as an input method would put it
    assert note.toPlainText() == text
    assert window.editor.has_unsaved_note()


def _toolbar_button(window, key):
    from PySide6.QtWidgets import QToolBar

    toolbar = window.findChild(QToolBar, "MainToolbar")
    button = toolbar.widgetForAction(window.menu_actions[key])
    assert button is not None and button.focusPolicy() == Qt.FocusPolicy.NoFocus  # the note keeps the focus
    return button


def _steps(window):
    stack = window.undo_stack
    return [stack.text(i) for i in range(stack.count())], stack.index()


def test_undo_on_the_toolbar_right_after_making_a_claim_undoes_the_typing(window, qtbot, db_file, modals):
    failed = []
    window.events.commandFailed.connect(failed.append)
    cid = _claim(window, qtbot)
    _type_note(window, qtbot, "Check the job ad 🔎")
    qtbot.mouseClick(_toolbar_button(window, "undo"), Qt.MouseButton.LeftButton)
    # The typing was saved as its own step and undone; the claim stays.
    assert [c.id for c in fresh_claims(db_file)] == [cid]
    assert fresh_claim(db_file, cid).note == ""
    assert window.editor.note.toPlainText() == "" and not window.editor.has_unsaved_note()
    texts, index = _steps(window)
    assert texts[1:] == ["Edit claim note"] and index == 1
    assert not window.editor._note_timer.isActive()  # no save is still to come
    assert window.statusBar().currentMessage() == "Undone: Edit claim note"
    # The next Undo removes the claim; Redo brings back the claim, then the note.
    qtbot.mouseClick(_toolbar_button(window, "undo"), Qt.MouseButton.LeftButton)
    assert fresh_claims(db_file) == []
    qtbot.mouseClick(_toolbar_button(window, "redo"), Qt.MouseButton.LeftButton)
    assert [c.id for c in fresh_claims(db_file)] == [cid] and fresh_claim(db_file, cid).note == ""
    qtbot.mouseClick(_toolbar_button(window, "redo"), Qt.MouseButton.LeftButton)
    assert fresh_claim(db_file, cid).note == "Check the job ad 🔎"
    assert _steps(window) == (texts, 2) and failed == [] and modals.messages == []


def test_undo_after_a_status_change_undoes_the_typing_and_keeps_the_redo(window, qtbot, db_file, modals):
    failed = []
    window.events.commandFailed.connect(failed.append)
    cid = _claim(window, qtbot)
    editor = window.editor
    editor.status.setCurrentIndex(editor.status.findData("disputed"))
    assert fresh_claim(db_file, cid).status == "disputed"
    _type_note(window, qtbot, "Dates differ")
    window.menu_actions["undo"].trigger()  # as the menu or the toolbar does
    saved = fresh_claim(db_file, cid)
    assert (saved.status, saved.note) == ("disputed", "")  # the typing is undone, not the status
    assert window.undo_stack.canRedo() and window.undo_stack.redoText() == "Edit claim note"
    assert not editor._note_timer.isActive() and not editor.has_unsaved_note()
    # Nothing saved later wipes the redo: the queued events and timers run, the redo is still there.
    qtbot.waitUntil(lambda: window.menu_actions["redo"].isEnabled())
    assert window.undo_stack.redoText() == "Edit claim note"
    window.menu_actions["undo"].trigger()
    assert fresh_claim(db_file, cid).status == "unverified"
    window.menu_actions["redo"].trigger()
    window.menu_actions["redo"].trigger()
    saved = fresh_claim(db_file, cid)
    assert (saved.status, saved.note) == ("disputed", "Dates differ")
    assert failed == [] and modals.messages == []


def test_redo_while_typing_is_disabled_and_the_typing_ends_the_redo_history(window, qtbot, db_file):
    cid = _claim(window, qtbot)
    window.editor.status.setCurrentIndex(window.editor.status.findData("supported"))
    window.menu_actions["undo"].trigger()
    assert window.undo_stack.canRedo() and window.menu_actions["redo"].isEnabled()
    _type_note(window, qtbot, "typed")
    assert not window.menu_actions["redo"].isEnabled()  # the typing ends the redo history
    assert window.menu_actions["undo"].text() == "&Undo Edit claim note"  # what Undo will undo
    # The shortcut does nothing: the field has nothing to redo, the window's Redo is disabled.
    qtbot.keyClick(window.editor.note, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert fresh_claim(db_file, cid).status == "unverified"
    # The typing is saved on its pause, as a new step after the undone one.
    qtbot.waitUntil(lambda: fresh_claim(db_file, cid).note == "typed")
    assert window.undo_stack.undoText() == "Edit claim note" and not window.undo_stack.canRedo()
    # Typed back to what is saved: nothing is pending, Redo is as the stack says.
    window.menu_actions["undo"].trigger()
    assert window.menu_actions["redo"].isEnabled()
    _type_note(window, qtbot, "x")
    assert not window.menu_actions["redo"].isEnabled()
    qtbot.keyClick(window.editor.note, Qt.Key.Key_Backspace)
    assert window.menu_actions["redo"].isEnabled()
    window.menu_actions["redo"].trigger()
    assert fresh_claim(db_file, cid).note == "typed" and not window.editor.has_unsaved_note()
