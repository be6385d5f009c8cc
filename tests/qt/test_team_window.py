"""The window on a team database (PostgreSQL): opening it from File > Open
team database…, what it shows, and losing the server while editing (the edit
waits, is saved when the server is back, and can be undone)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy.engine import make_url
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_window,
    modals,
    window,
)

from desktop_app.core.settings import load_settings
from desktop_app.core.store import Store
from desktop_app.qt import commands
from desktop_app.qt.item_models import OFFLINE_RETRY_MS
from desktop_app.qt.team.pending_edits import pending_file

BACK_MS = 20000  # bound on how long the window may take to notice the server is back


def _one_sentence(text: str) -> None:
    assert text and "\n" not in text and "Traceback" not in text, text


def _open_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Open)


def _tag_by_key(window, qtbot, pane, start: int, end: int, key: str = "2") -> None:
    """What a tag key press does: select text, press the key (the controller's path)."""
    view = pane.view
    view.select_offsets(start, end)
    view.setFocus()
    qtbot.keyClick(view, key)


# ------------------------------------------------------------------ opening
def test_open_team_database_dialog_opens_the_window_on_it(window, qtbot, pg_url, modals, db_file):
    url = make_url(pg_url)
    dialog = window.show_team_dialog()
    assert dialog.isVisible()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    dialog.host.setText(url.host)
    dialog.port.setValue(url.port)
    dialog.database.setText(url.database)
    dialog.user.setText(url.username or "")
    dialog.password.setText("not-needed-here")
    _open_button(dialog).click()
    qtbot.waitUntil(lambda: window.store is not None and window.store.is_team, timeout=60000)
    assert not modals.errors
    store = window.store
    assert store.path is None
    assert f"team: {url.database} on {url.host}:{url.port}" in window.windowTitle()
    assert window.documents_model.rowCount() > 0  # the sample articles of a new team database
    assert window.panes[0].view.document_id is not None
    # Remembered without the password; the dialog offers it next time.
    recent = load_settings().recent_team_databases
    assert recent and recent[0] == store.location and "not-needed-here" not in json.dumps(recent)
    again = window.show_team_dialog()
    assert (again.host.text(), again.port.value(), again.database.text()) == (url.host, url.port, url.database)
    assert again.password.text() == ""
    again.reject()
    # Open documents are kept per database, under its address.
    window.save_layout()
    assert store.location in load_settings().open_documents


def test_fields_are_checked_in_the_dialog(window, qtbot, modals):
    dialog = window.show_team_dialog()
    dialog.host.setText("localhost")
    dialog.database.setText("")
    _open_button(dialog).click()
    assert dialog.isVisible() and dialog.error.isVisible()
    _one_sentence(dialog.error.text())
    assert "database" in dialog.error.text()
    dialog.database.setText("two words")
    _open_button(dialog).click()
    assert dialog.isVisible()
    _one_sentence(dialog.error.text())
    dialog.reject()
    assert window.store.path is not None  # nothing else was opened


def test_a_wrong_address_is_one_sentence_and_the_database_stays_open(window, qtbot, pg_server, modals, db_file):
    before = window.store
    title = window.windowTitle()
    assert window.open_team_database(pg_server.url("no_such_database"))
    qtbot.waitUntil(lambda: bool(modals.errors), timeout=30000)
    _one_sentence(modals.errors[0])
    assert "no_such_database" in modals.errors[0]
    assert window.store is before and window.store.path == db_file
    assert window.windowTitle() == title
    # An address that is not one at all.
    assert not window.open_team_database("postgresql://")
    assert len(modals.errors) == 2
    _one_sentence(modals.errors[1])
    assert window.store is before


def test_launching_with_a_team_address(qtbot, pg_url, modals, isolated_qsettings):
    """``marginalia --db postgresql://…`` opens the window on the team database."""
    from desktop_app.core.addresses import database_target
    from desktop_app.qt.main_window import MainWindow

    target = database_target(pg_url)
    assert target == pg_url
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_database_in_background(target)
    qtbot.waitUntil(lambda: w.store is not None, timeout=60000)
    assert w.store.is_team and "team:" in w.windowTitle()
    w.close()


# ------------------------------------------------------- losing the server
@pytest.fixture
def team_window(qtbot, pg_url, modals, isolated_qsettings):
    w = make_window(qtbot, pg_url)
    yield w
    if w.pending.waiting():
        modals.confirm_answers.append(True)
    w.close()


def test_an_edit_made_while_the_server_is_down_waits_and_is_saved_when_it_is_back(
    team_window, qtbot, pg_server, pg_url, modals, tmp_path, monkeypatch
):
    w = team_window
    pane = w.panes[0]
    doc_id = pane.view.document_id
    steps = w.undo_stack.count()
    pg_server.stop()
    try:
        _tag_by_key(w, qtbot, pane, 20, 60)
        # No exception, no modal dialog: one sentence in the status bar, the edit waiting.
        assert not modals.errors and not modals.messages
        message = w.statusBar().currentMessage()
        _one_sentence(message)
        assert "cannot be reached" in message and "kept" in message
        assert len(w.pending) == 1 and w.undo_stack.count() == steps
        assert w.connection_label.isVisible() and "unreachable" in w.connection_label.text()
        assert "1 edit waiting" in w.connection_label.text()
        # Kept on disk too (without any password), in case the window closes.
        saved = json.loads(pending_file(w.store.location).read_text())
        assert saved["edits"][0]["type"] == "CreateClaim" and saved["edits"][0]["start"] == 20
        # A second edit made offline queues behind the first.
        _tag_by_key(w, qtbot, pane, 100, 130, "1")
        assert len(w.pending) == 2
        w.grab().save(str(tmp_path / "team_window_offline.png"))
        retries = []
        retry = w.pending.retry  # the retry timer calls it through the instance
        monkeypatch.setattr(w.pending, "retry", lambda *a, **k: (retries.append(1), retry(*a, **k))[1])
        qtbot.waitUntil(lambda: len(retries) >= 3, timeout=30000)  # a few retries while it is down change nothing
        assert len(w.pending) == 2 and w.connection_label.isVisible()
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: not w.pending.waiting(), timeout=BACK_MS)
    qtbot.waitUntil(lambda: not w.connection_label.isVisible(), timeout=BACK_MS)
    assert not pending_file(w.store.location).exists()
    assert w.undo_stack.count() == steps + 2
    with Store.open(pg_url) as fresh:
        mine = [c for c in fresh.list_claims(document_ids=[doc_id]) if (c.start, c.end) in ((20, 60), (100, 130))]
    assert sorted((c.start, c.end) for c in mine) == [(20, 60), (100, 130)]
    assert all(w.claims_model.row_of(c.id) is not None for c in mine)
    assert all(c.id in pane.view.highlight_layer for c in mine)
    # Undo takes them back, in reverse order.
    w.undo_stack.undo()
    w.undo_stack.undo()
    with Store.open(pg_url) as fresh:
        assert not [c for c in fresh.list_claims(document_ids=[doc_id]) if c.id in {m.id for m in mine}]
    assert not modals.errors


def test_the_poller_shows_a_lost_connection_and_clears_it(team_window, qtbot, pg_server, modals):
    w = team_window
    pg_server.stop()
    try:
        qtbot.waitUntil(lambda: w.connection_label.isVisible(), timeout=BACK_MS)
        assert "unreachable" in w.connection_label.text()
        assert not w.live.reachable and w.live.running  # it keeps polling
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: not w.connection_label.isVisible(), timeout=BACK_MS)
    assert w.live.reachable and not modals.errors


def test_edits_left_waiting_when_the_window_closes_are_saved_next_time(
    qtbot, pg_server, pg_url, modals, isolated_qsettings
):
    w = make_window(qtbot, pg_url)
    pane = w.panes[0]
    doc_id = pane.view.document_id
    with Store.open(pg_url) as s:
        claim = s.add_claim(doc_id, 200, 240, [])
    pg_server.stop()
    try:
        w.annotator.edit_claim(commands.SetClaimStatus, claim.id, "supported", claim.version)
        _tag_by_key(w, qtbot, pane, 30, 70)
        assert len(w.pending) == 2
        modals.confirm_answers.append(True)
        w.close()  # the user is told two edits wait, and closes anyway
        assert any("2 edits are still waiting" in t for t in modals.texts("confirm"))
        assert pending_file(make_location(pg_url)).exists()
    finally:
        pg_server.start()
    w2 = make_window(qtbot, pg_url)
    qtbot.waitUntil(lambda: not w2.pending.waiting(), timeout=BACK_MS)
    with Store.open(pg_url) as fresh:
        assert fresh.get_claim(claim.id).status == "supported"
        assert [c for c in fresh.list_claims(document_ids=[doc_id]) if (c.start, c.end) == (30, 70)]
    assert not pending_file(w2.store.location).exists()
    w2.close()


def test_an_edit_whose_claim_was_deleted_meanwhile_is_dropped_with_one_sentence(
    team_window, qtbot, pg_server, pg_url, modals
):
    w = team_window
    doc_id = w.panes[0].view.document_id
    with Store.open(pg_url) as s:
        claim = s.add_claim(doc_id, 300, 340, [])
    pg_server.stop()
    try:
        w.annotator.edit_claim(commands.SetClaimStatus, claim.id, "disputed", claim.version)
        assert len(w.pending) == 1
    finally:
        pg_server.start()
    with Store.open(pg_url) as s:  # someone else changes it before the window gets through
        s.set_claim_status(claim.id, "supported")
    qtbot.waitUntil(lambda: not w.pending.waiting(), timeout=BACK_MS)
    assert len(modals.errors) == 1
    _one_sentence(modals.errors[0])
    assert "could not be made" in modals.errors[0]
    with Store.open(pg_url) as s:
        assert s.get_claim(claim.id).status == "supported"  # theirs is not overwritten


def make_location(url: str) -> str:
    from desktop_app.core.store import server

    return server.display_address(server.parse_address(url))


def test_marginalia_launched_with_a_team_address_opens_it(pg_url, user_dirs):
    """``python -m desktop_app --db postgresql://…`` as a real process."""
    import os
    import signal
    import subprocess
    import sys
    import time

    log_path = user_dirs / "state" / "Marginalia" / "log" / "marginalia.log"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--db", pg_url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and proc.poll() is None and not (
                log_path.exists() and "database attached" in log_path.read_text()):
            time.sleep(0.2)  # polling the log for the condition
        alive = proc.poll() is None  # up with the store attached (and its poller started)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    text = log_path.read_text() if log_path.exists() else ""
    err_text = err.decode("utf-8", "replace")
    assert "created the team database" in text and "database attached" in text, (text, err_text)
    assert alive and "Traceback" not in err_text, err_text
    with Store.open(pg_url) as s:
        assert s.list_documents()  # the window made and seeded it


def test_undo_and_redo_while_the_server_is_down_keep_the_step(team_window, qtbot, pg_server, pg_url, modals):
    """Undo with the server away changes nothing and loses no step: the same
    undo works once the server is back, and so does redo."""
    w = team_window
    pane = w.panes[0]
    doc_id = pane.view.document_id
    _tag_by_key(w, qtbot, pane, 20, 60)
    with Store.open(pg_url) as fresh:
        made = [c for c in fresh.list_claims(document_ids=[doc_id]) if (c.start, c.end) == (20, 60)]
    assert len(made) == 1
    steps, index = w.undo_stack.count(), w.undo_stack.index()
    pg_server.stop()
    try:
        w.undo_stack.undo()
        qtbot.waitUntil(lambda: w.undo_stack.index() == index, timeout=2000)
        assert w.undo_stack.count() == steps and w.undo_stack.canUndo()
        assert modals.errors and "cannot be reached" in modals.errors[-1]
        assert "undo again" in modals.errors[-1]
    finally:
        pg_server.start()
    with Store.open(pg_url) as fresh:  # nothing was undone meanwhile
        assert fresh.get_claim(made[0].id).deleted is False
    w.undo_stack.undo()
    assert w.undo_stack.index() == index - 1
    with Store.open(pg_url) as fresh:
        assert fresh.get_claim(made[0].id).deleted is True
    pg_server.stop()
    try:
        w.undo_stack.redo()
        qtbot.waitUntil(lambda: w.undo_stack.index() == index - 1, timeout=2000)
        assert w.undo_stack.canRedo() and "redo again" in modals.errors[-1]
    finally:
        pg_server.start()
    w.undo_stack.redo()
    assert w.undo_stack.index() == index
    with Store.open(pg_url) as fresh:
        assert fresh.get_claim(made[0].id).deleted is False


def test_counts_due_while_the_server_is_down_are_taken_when_it_is_back(team_window, qtbot, pg_server, pg_url,
                                                                      modals):
    """The library's and codebook's claim counts are read a moment after a
    change; a count due while the server is away waits for it instead of
    failing (no error, no dialog) and is taken once it answers."""
    w = team_window
    doc_id = w.panes[0].view.document_id
    with Store.open(pg_url, annotator="someone else") as other:  # counts the window has not read yet
        tag = other.list_tags()[0]
        other.add_claim(doc_id, 0, 10, [tag.id])
    w.live.stop()  # so that only the counts read the store here
    pg_server.stop()
    try:
        w.tags_model._count_later(doc_id)  # both count again the document touched
        w.documents_model._count_later(doc_id)
        timers = (w.tags_model._count_timer, w.documents_model._count_timer)
        # both counts ran and found the server away: each waits to count again
        qtbot.waitUntil(lambda: all(t.interval() == OFFLINE_RETRY_MS for t in timers), timeout=15000)
        assert all(t.isActive() for t in timers)
        assert not modals.errors
    finally:
        pg_server.start()
    docs, tags = w.documents_model, w.tags_model

    def counted() -> bool:
        return (docs.document(docs.row_of(doc_id)).claim_count == 1
                and tags.tags()[tags.row_of(tag.id)].claim_count == 1)

    qtbot.waitUntil(counted, timeout=BACK_MS)
    assert not modals.errors


@pytest.mark.qt_no_exception_capture
def test_an_unreachable_server_escaping_a_slot_is_a_status_line_not_a_dialog(team_window, qtbot, modals,
                                                                              monkeypatch):
    import sys

    from desktop_app.core.errors import DatabaseUnreachable
    from desktop_app.qt.errors import install_excepthook

    w = team_window
    previous = install_excepthook(lambda: w)
    try:
        def away(*_args, **_kwargs):
            raise DatabaseUnreachable("The team database x cannot be reached: Connection refused.")

        QTimer.singleShot(0, away)  # a slot that reads the store raises
        qtbot.waitUntil(lambda: "cannot be reached" in w.statusBar().currentMessage(), timeout=BACK_MS)
    finally:
        sys.excepthook = previous
    assert not modals.errors
    assert "cannot be reached" in w.statusBar().currentMessage()
    assert w.connection_label.isVisible() and not w.live.reachable


def test_two_annotators_editing_one_claim_the_second_chooses(team_window, qtbot, pg_url, modals):
    """Ana types a note while Bea saves another note on the same claim from
    her own machine, and Ana's window refreshes meanwhile: Ana's typing is not
    replaced, her save finds the conflict, and she sees both versions."""
    from desktop_app.qt import dialogs

    w = team_window
    pane = w.panes[0]
    _tag_by_key(w, qtbot, pane, 20, 60)
    cid = w.editor.claim.id
    w.editor.note.setPlainText("Ana: checked with the studio")  # typing, not saved yet
    w.editor._note_timer.stop()  # she is still typing: the pause that saves has not come
    assert w.editor.has_unsaved_note()
    with Store.open(pg_url, annotator="bea") as bea:
        theirs = bea.set_claim_note(cid, "Bea: the studio denies it")
    qtbot.waitUntil(lambda: w.claims_model.claim(w.claims_model.row_of(cid)).note == theirs.note, timeout=2000)
    assert w.editor.note.toPlainText() == "Ana: checked with the studio"  # her typing stays
    modals.conflict_answers.append(dialogs.KEEP_THEIRS)
    w.editor.flush_note()
    assert len(modals.conflicts) == 1
    saved_text, edit_text = modals.conflicts[0]
    assert "Bea: the studio denies it" in saved_text and "Ana: checked with the studio" in edit_text
    with Store.open(pg_url) as fresh:
        assert fresh.get_claim(cid).note == theirs.note and fresh.get_claim(cid).version == theirs.version
