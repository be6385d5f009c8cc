"""File > Copy to team database… and File > Save a copy as file…: a whole
project copied in a worker thread, ids and all, while the window stays on
its database."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from sqlalchemy.engine import make_url
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    make_window,
    modals,
    window,
    settle,
)

from desktop_app.core.store import Store
from desktop_app.qt.team import copy_actions
from desktop_app.qt.team.dialog import TeamDatabaseDialog

DONE_MS = 60000


def _one_sentence(text: str) -> None:
    assert text and "\n" not in text and "Traceback" not in text, text
    assert text.count(". ") == 0, text


def _claims(target) -> list[tuple]:
    with Store.open(target, seed=False, codebook=False) as s:
        return sorted((c.id, c.uuid, c.document_id, c.start, c.end) for c in s.list_claims())


def _fill(dialog, pg_url: str) -> None:
    url = make_url(pg_url)
    dialog.host.setText(url.host)
    dialog.port.setValue(url.port)
    dialog.database.setText(url.database)
    dialog.user.setText(url.username or "")
    dialog.password.setText(url.password or "")


def _copy_done(window) -> bool:
    return getattr(window, "copy_run", None) is None


def test_copy_to_team_database_then_open_it(window, qtbot, pg_url, modals, db_file):
    pane = window.panes[0]
    claim_id = make_claim(window, qtbot, pane, 10, 40, "1")
    store = window.store
    assert window.menu_actions["copy_to_team"].isEnabled()
    assert window.menu_actions["save_copy"].isEnabled()
    mine = _claims(db_file)
    assert claim_id in [c[0] for c in mine]

    window.menu_actions["copy_to_team"].trigger()
    dialog = next(d for d in window.findChildren(TeamDatabaseDialog) if d.isVisible())
    assert dialog.windowTitle() == "Copy to team database"
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert button.text().replace("&", "") == "Copy"
    _fill(dialog, pg_url)
    modals.confirm_answers.append(True)  # "Open the team database now?"
    button.click()
    assert window.copy_run is not None  # off the UI thread: the window is not blocked
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert not modals.errors, modals.errors
    # The team database has the same claims, ids and uuids and all.
    assert _claims(pg_url) == mine
    # One sentence saying what was copied, then the offer to open it.
    kind, _title, text = modals.messages[-1]
    assert kind == "confirm"
    summary, question = text.split(". ", 1)
    assert summary.startswith("Copied ") and f"{len(mine)} claim" in summary
    assert make_url(pg_url).database in summary and "documents" in summary and "links" in summary
    assert question == "Open the team database now?"
    # The file was open all along and is as it was; Yes opens the team database.
    qtbot.waitUntil(lambda: window.store is not store and window.store is not None and window.store.is_team,
                    timeout=DONE_MS)
    assert window.store.path is None
    assert sorted((c.id, c.uuid) for c in window.store.list_claims()) == [(c[0], c[1]) for c in mine]
    assert _claims(db_file) == mine
    assert not window.menu_actions["copy_to_team"].isEnabled()  # a team database is not a file
    assert window.menu_actions["save_copy"].isEnabled()
    assert not modals.errors


def test_answering_no_keeps_the_file_open(window, qtbot, pg_url, modals, db_file):
    store = window.store
    modals.confirm_answers.append(False)
    assert copy_actions.copy_to_team(window, pg_url) is not None
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert modals.texts("confirm") and modals.texts("confirm")[0].startswith("Copied ")
    settle()  # anything the answer set off has run
    assert window.store is store and window.store.path == db_file


def test_copying_into_a_team_database_that_is_not_empty_changes_nothing(window, qtbot, pg_url, modals, db_file):
    with Store.open(pg_url) as team:  # a project of its own: the schema, the codebook, the samples
        doc_id = team.list_documents()[0].id
        team.add_claim(doc_id, 0, 5, [])
    before = _claims(pg_url)
    store = window.store
    copy_actions.copy_to_team(window, pg_url)
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert len(modals.errors) == 1
    _one_sentence(modals.errors[0])
    assert "already holds" in modals.errors[0]
    assert not modals.texts("confirm")  # nothing to open
    assert _claims(pg_url) == before
    assert window.store is store


def test_an_unreachable_team_database_is_one_sentence(window, qtbot, pg_server, modals):
    copy_actions.copy_to_team(window, pg_server.url("no_such_database"))
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert len(modals.errors) == 1 and "no_such_database" in modals.errors[0]
    assert "\n" not in modals.errors[0] and "Traceback" not in modals.errors[0]
    assert not modals.texts("confirm")


def test_save_a_copy_of_a_team_database_as_file(qtbot, pg_url, modals, isolated_qsettings, tmp_path, monkeypatch):
    w = make_window(qtbot, pg_url)
    try:
        pane = w.panes[0]
        make_claim(w, qtbot, pane, 20, 60, "2")
        team = w.store
        mine = _claims(pg_url)
        assert not w.menu_actions["copy_to_team"].isEnabled()
        assert w.menu_actions["save_copy"].isEnabled()
        target = tmp_path / "copy.db"
        asked = []

        def save_name(parent, caption, start, filters, *args, **kwargs):
            asked.append(caption)
            return str(target), filters

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
        w.menu_actions["save_copy"].trigger()
        assert asked == ["Save a copy as file"]
        qtbot.waitUntil(lambda: _copy_done(w), timeout=DONE_MS)
        assert not modals.errors, modals.errors
        assert target.exists()
        assert _claims(target) == mine
        text = modals.texts("inform")[-1]
        assert text.startswith("Copied ") and str(target) in text and text.count(". ") == 0
        assert w.store is team and w.store.is_team  # the team database stays open

        # An existing file is refused with one sentence, before anything is copied.
        modals.messages.clear()
        w.menu_actions["save_copy"].trigger()
        assert _copy_done(w)
        (kind, _title, text), = modals.messages
        assert kind == "warn" and "already exists" in text
        _one_sentence(text)
        assert _claims(target) == mine
    finally:
        w.close()


def test_save_a_copy_of_the_open_file(window, qtbot, modals, db_file, tmp_path):
    """Copying from the file the window has open (SQLite's WAL lets both read)."""
    pane = window.panes[0]
    make_claim(window, qtbot, pane, 30, 50, "1")
    mine = _claims(db_file)
    target = tmp_path / "snapshot.db"
    copy_actions.save_copy(window, target)
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert not modals.errors
    assert _claims(target) == mine
    # The window keeps working on its file.
    make_claim(window, qtbot, pane, 60, 80, "1")
    assert len(_claims(db_file)) == len(mine) + 1 and _claims(target) == mine
    # Its own name is refused.
    modals.messages.clear()
    copy_actions.save_copy(window, db_file)
    assert modals.texts("warn") and "already exists" in modals.texts("warn")[0]


def test_the_progress_dialog(window, qtbot, modals, tmp_path, monkeypatch):
    """A slow copy shows a determinate progress dialog; the window is not blocked."""
    from desktop_app.core.store import copying

    release = threading.Event()
    real = copying.copy_database

    def slow_copy(source, destination, progress=None):
        def held(table, done, total):
            progress(table, done, total)
            if table == "claims" and done == total:
                release.wait(30)
        return real(source, destination, progress=held)

    monkeypatch.setattr(copying, "copy_database", slow_copy)
    make_claim(window, qtbot, window.panes[0], 10, 40, "1")
    run = copy_actions.save_copy(window, tmp_path / "slow.db")
    try:
        qtbot.waitUntil(lambda: run.dialog.isVisible() and "claims" in run.dialog.labelText(), timeout=DONE_MS)
        assert run.dialog.maximum() > 0 and run.dialog.value() == run.dialog.maximum()
        assert run.dialog.labelText().startswith("Copying claims: ")
        run.dialog.grab().save(str(tmp_path / "copy_progress.png"))
        assert window.copy_run is run and not run.done
    finally:
        release.set()
    qtbot.waitUntil(lambda: _copy_done(window), timeout=DONE_MS)
    assert (tmp_path / "slow.db").exists() and modals.texts("inform")[-1].startswith("Copied ")


@pytest.mark.parametrize("name", ["copy_to_team", "save_copy"])
def test_the_actions_are_in_the_file_menu(window, name):
    file_menu = next(m.menu() for m in window.menuBar().actions() if m.text() == "&File")
    assert window.menu_actions[name] in file_menu.actions()


def test_closing_the_window_during_a_copy_stops_it_without_waiting_for_it(
    qtbot, db_file, modals, isolated_qsettings, tmp_path, monkeypatch
):
    """Closing cancels a copy under way (it is one transaction: nothing is
    left half-made) and waits a bounded time, not until the copy would end."""
    import time

    from desktop_app.core.store import copying
    from desktop_app.qt.main_window import STOP_WAIT_MS

    w = make_window(qtbot, db_file)
    started, release = threading.Event(), threading.Event()
    real = copying.copy_database

    def slow_copy(source, destination, progress=None):
        def batches(table, done, total):
            progress(table, done, total)
            started.set()
            end = time.monotonic() + 20
            while not release.wait(0.01) and time.monotonic() < end:  # a long table, batch after batch
                progress(table, done, total)
        return real(source, destination, progress=batches)

    monkeypatch.setattr(copying, "copy_database", slow_copy)
    run = copy_actions.save_copy(w, tmp_path / "closing.db")
    assert run is not None and not run.done
    assert started.wait(30)
    t = time.monotonic()
    try:
        w.close()
    finally:
        release.set()
    assert time.monotonic() - t < STOP_WAIT_MS / 1000
    qtbot.waitUntil(lambda: _copy_done(w), timeout=DONE_MS)
    assert not (tmp_path / "closing.db").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("closing")] == []  # no temporary file left
    assert "stopped" in w.statusBar().currentMessage()
    assert not modals.messages and not modals.errors  # no dialog for a window that is gone
