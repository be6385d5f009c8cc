"""Edits of a claim that another process changed meanwhile: the user chooses
between the saved version and their edit, and nothing is silently
overwritten (not by an edit, not by an undo)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claim,
    isolated_qsettings,
    make_claim,
    modals,
    tag_id,
    window,
)

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
from desktop_app.core.errors import Conflict
from desktop_app.core.store import Store
from desktop_app.qt import dialogs
from desktop_app.qt.commands import NOTE_BURST_S, CreateClaim, SetClaimNote, push_command
from desktop_app.qt.events import StoreEvents


def _shown_claim(window, qtbot):
    pane = window.panes[0]
    start = pane.view.canonical_text.index("Salaries for this profile")
    cid = make_claim(window, qtbot, pane, start, start + 40, "2")
    assert window.editor.claim.id == cid
    return cid


def _type_note(window, text: str) -> None:
    """Type in the note field and let it save (as after the typing pause)."""
    window.editor.note.setPlainText(text)
    assert window.editor.has_unsaved_note()
    window.editor.flush_note()


def test_note_changed_elsewhere_keep_theirs_writes_nothing(window, qtbot, db_file, modals):
    cid = _shown_claim(window, qtbot)
    shown = window.editor.version
    with Store.open(db_file) as other:  # another process
        theirs = other.set_claim_note(cid, "Checked with the agency", expected_version=shown)
    steps = window.undo_stack.count()

    modals.conflict_answers.append(dialogs.KEEP_THEIRS)
    _type_note(window, "My own note")

    assert len(modals.conflicts) == 1
    saved_text, edit_text = modals.conflicts[0]
    assert "Checked with the agency" in saved_text and "Salaries for this profile" in saved_text
    assert "Tags: salaries" in saved_text and "Status: unverified" in saved_text
    assert "My own note" in edit_text
    after = fresh_claim(db_file, cid)
    assert (after.note, after.version, after.updated_at) == (theirs.note, theirs.version, theirs.updated_at)
    assert window.undo_stack.count() == steps  # nothing written, nothing to undo
    # Every view shows the saved claim; the editor now knows its version.
    assert window.editor.note.toPlainText() == "Checked with the agency" and not window.editor.has_unsaved_note()
    assert window.editor.version == theirs.version
    assert window.claims_model.claim(window.claims_model.row_of(cid)).note == "Checked with the agency"
    assert "Kept the version saved elsewhere" in window.statusBar().currentMessage()
    # Editing on from there is no conflict.
    _type_note(window, "Checked with the agency; the ad is real")
    assert fresh_claim(db_file, cid).note == "Checked with the agency; the ad is real"
    assert len(modals.conflicts) == 1


def test_note_changed_elsewhere_overwrite_with_mine_is_one_undoable_step(window, qtbot, db_file, modals):
    cid = _shown_claim(window, qtbot)
    with Store.open(db_file) as other:
        other.set_claim_status(cid, "disputed")
        theirs = other.set_claim_note(cid, "Their note")
    steps = window.undo_stack.count()

    modals.conflict_answers.append(dialogs.OVERWRITE)
    _type_note(window, "Mine")

    assert len(modals.conflicts) == 1 and "Their note" in modals.conflicts[0][0]
    assert "disputed" in modals.conflicts[0][0]
    after = fresh_claim(db_file, cid)
    assert after.note == "Mine" and after.status == "disputed"  # only the edited field
    assert after.version == theirs.version + 1
    assert window.undo_stack.count() == steps + 1
    assert window.editor.version == after.version and window.editor.status.currentData() == "disputed"
    # Undo puts back the version saved elsewhere, redo the overwrite.
    window.menu_actions["undo"].trigger()
    assert fresh_claim(db_file, cid).note == "Their note"
    assert window.editor.note.toPlainText() == "Their note"
    window.menu_actions["redo"].trigger()
    assert fresh_claim(db_file, cid).note == "Mine"


def test_tags_and_status_changed_elsewhere(window, qtbot, db_file, modals):
    cid = _shown_claim(window, qtbot)
    salaries, strikes = tag_id(window, "salaries"), tag_id(window, "strikes")
    editor = window.editor
    with Store.open(db_file) as other:
        other.set_claim_note(cid, "Changed on the command line")
    # A tag clicked: keep theirs unticks it again, the tags stay as saved.
    modals.conflict_answers.append(dialogs.KEEP_THEIRS)
    editor.tag_checks[strikes].click()
    assert "Tags: salaries, strikes" in modals.conflicts[-1][1]
    assert fresh_claim(db_file, cid).tag_ids == (salaries,)
    assert not editor.tag_checks[strikes].isChecked()
    assert window.panes[0].view.highlight_layer.span(cid).colors == ("#E0A526",)

    with Store.open(db_file) as other:
        other.set_claim_status(cid, "supported")
    # A status chosen: overwrite.
    modals.conflict_answers.append(dialogs.OVERWRITE)
    editor.status.setCurrentIndex(editor.status.findData("refuted"))
    assert modals.conflicts[-1][1] == "Status: refuted" and "Status: supported" in modals.conflicts[-1][0]
    assert fresh_claim(db_file, cid).status == "refuted"
    assert fresh_claim(db_file, cid).note == "Changed on the command line"
    window.undo_stack.undo()
    assert fresh_claim(db_file, cid).status == "supported"
    assert len(modals.conflicts) == 2


def test_a_burst_of_typing_carries_each_new_version(window, qtbot, db_file, modals):
    """Each save of a burst is checked against the version the previous save
    left: no false conflict, one undo step; a change elsewhere in the middle
    of a burst is still caught."""
    cid = _shown_claim(window, qtbot)
    start_version = window.editor.version
    steps = window.undo_stack.count()
    for text in ("The", "The pay", "The pay figure"):
        _type_note(window, text)
    assert modals.conflicts == []
    assert window.undo_stack.count() == steps + 1
    assert fresh_claim(db_file, cid).version == start_version + 3 == window.editor.version
    with Store.open(db_file) as other:
        other.set_claim_note(cid, "Replaced elsewhere")
    modals.conflict_answers.append(dialogs.KEEP_THEIRS)
    _type_note(window, "The pay figure is odd")
    assert len(modals.conflicts) == 1 and fresh_claim(db_file, cid).note == "Replaced elsewhere"
    assert window.undo_stack.count() == steps + 1


def test_undo_never_overwrites_a_change_made_elsewhere(window, qtbot, db_file, modals):
    cid = _shown_claim(window, qtbot)
    window.editor.status.setCurrentIndex(window.editor.status.findData("disputed"))
    assert fresh_claim(db_file, cid).status == "disputed"
    with Store.open(db_file) as other:
        other.set_claim_status(cid, "supported")
    steps = window.undo_stack.count()
    window.menu_actions["undo"].trigger()
    assert fresh_claim(db_file, cid).status == "supported"  # not put back to "unverified"
    assert len(modals.errors) == 1 and "changed elsewhere" in modals.errors[0]
    assert window.undo_stack.count() == steps - 1  # the step is dropped
    assert window.editor.status.currentData() == "supported"  # shows what is saved
    assert window.claims_model.claim(window.claims_model.row_of(cid)).status == "supported"


# ------------------------------------------------------- the commands alone
TEXT = "Netflix advertised an AI product manager job paying up to $900,000 a year."


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def env(empty_store, qapp):
    doc = empty_store.add_document(
        StructuredDocument(text=TEXT, blocks=blocks_for_lines(TEXT), source_format="text", sha256="0" * 64,
                           metadata=Metadata(title="Netflix job")),
        original_name="job.txt",
    )
    stack = QUndoStack()
    events = StoreEvents()
    cmd = CreateClaim(empty_store, events, doc.id, 0, 7, [])
    push_command(stack, cmd)
    yield empty_store, events, stack, cmd.claim_id
    stack.clear()


def test_note_commands_merge_only_with_the_version_of_the_previous_step(env):
    store, events, stack, cid = env
    clock = Clock()
    version = store.get_claim(cid).version
    first = SetClaimNote(store, events, cid, "a", expected_version=version, clock=clock)
    push_command(stack, first)
    assert first.version_after == version + 1
    clock.now += 0.5
    push_command(stack, SetClaimNote(store, events, cid, "ab", expected_version=version + 1, clock=clock))
    assert stack.count() == 2 and first.version_after == version + 2  # merged: one step
    clock.now += 0.5
    stale = SetClaimNote(store, events, cid, "abc", expected_version=version + 1, clock=clock)
    with pytest.raises(Conflict):
        push_command(stack, stale)
    assert stack.count() == 2 and store.get_claim(cid).note == "ab"
    # An overwrite chosen after a conflict is a step of its own.
    from desktop_app.qt.commands import forced_copy

    forced = forced_copy(stale)
    assert forced.forced and forced.expected_version is None
    push_command(stack, forced)
    assert stack.count() == 3 and store.get_claim(cid).note == "abc"
    stack.undo()
    assert store.get_claim(cid).note == "ab"
    stack.undo()
    assert store.get_claim(cid).note == ""
    clock.now += NOTE_BURST_S + 1


def test_the_choice_dialog_shows_both_versions_and_keeps_theirs_by_default(qapp, qtbot):
    from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton
    from test_main_window import _unnamed

    dialog = dialogs.conflict_dialog(None, "Note: Their note", "Note: Mine")
    qtbot.addWidget(dialog)
    texts = {w.accessibleName(): w.toPlainText() for w in dialog.findChildren(QPlainTextEdit)}
    assert texts == {"Saved version": "Note: Their note", "Your edit": "Note: Mine"}
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    assert set(buttons) == {"Keep theirs", "Overwrite with mine"} and buttons["Keep theirs"].isDefault()
    assert not _unnamed(dialog)
    buttons["Overwrite with mine"].click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.setResult(0)
    buttons["Keep theirs"].click()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_note_changed_elsewhere_while_typing_is_caught_after_a_refresh(window, qtbot, db_file, modals):
    """The editor re-reads the claim while the user types (after a codebook
    change, say): the note saved elsewhere is not overwritten silently."""
    cid = _shown_claim(window, qtbot)
    window.editor.note.setPlainText("Typed, not saved yet")
    with Store.open(db_file) as other:
        other.set_claim_note(cid, "Saved elsewhere meanwhile")
    window.annotator.select_claim(cid)  # the editor is refreshed from the database
    assert window.editor.note.toPlainText() == "Typed, not saved yet"  # the typing is kept
    modals.conflict_answers.append(dialogs.KEEP_THEIRS)
    window.editor.flush_note()
    assert len(modals.conflicts) == 1 and "Saved elsewhere meanwhile" in modals.conflicts[0][0]
    assert fresh_claim(db_file, cid).note == "Saved elsewhere meanwhile"
    assert window.editor.note.toPlainText() == "Saved elsewhere meanwhile"
