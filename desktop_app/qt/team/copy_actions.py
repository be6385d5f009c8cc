"""File > Copy to team database… and File > Save a copy as file…: a whole
project copied, ids and all, by ``core.copying.copy_database`` in a worker
thread, with a progress dialog; the open database stays open (the copy opens
the source itself and reads it in one snapshot).

Copy to team database shares work started alone: the open file goes into an
empty team database, which the window then offers to open. Save a copy as
file takes a snapshot of any database (a team database, typically) home.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QProgressDialog

from desktop_app.core.errors import MarginaliaError
from desktop_app.qt.lazy import LazyModule
from desktop_app.qt.operations import Operation, Run
from desktop_app.qt.threads import keep_until_finished

log = logging.getLogger(__name__)

dialogs = LazyModule("desktop_app.qt.dialogs")

SHOW_PROGRESS_AFTER_MS = 300  # a small copy is done before a dialog would flash up
TITLE = "Marginalia"
_TABLE_WORDS = {
    "documents": "documents",
    "document_versions": "earlier versions of documents",
    "tags": "tags",
    "claims": "claims",
    "claim_tags": "the tags of claims",
    "claim_links": "links",
}


# ------------------------------------------------------------------ the work
def copy_work(source, destination, token):
    """One copy_database (the operation's work); the progress of each table
    is reported as (table, rows copied, rows in the table). Cancelling stops
    at the next batch of rows: the copy's transaction is rolled back (a new
    file is removed), nothing is left half-copied."""
    from desktop_app.core.store import copying

    def progress(table: str, done: int, total: int) -> None:
        token.check("The copy was stopped; nothing was copied.")
        token.report(table, done, total)

    return copying.copy_database(source, destination, progress=progress)


class CopyRun(Run):
    """One copy seen from the GUI thread: the progress dialog follows the
    operation, and ``finished`` says how it ended: (CopyResult or None,
    sentence of the failure or "")."""

    finished = Signal(object, str)

    def __init__(self, window, source, destination, label: str) -> None:
        super().__init__(window)
        self.window = window
        self.closing = False  # the window closed meanwhile: no questions afterwards
        self.dialog = QProgressDialog(label, "", 0, 0, window)
        self.dialog.setObjectName("CopyProgress")
        self.dialog.setWindowTitle("Copying")
        self.dialog.setAccessibleName("Copy progress")
        self.dialog.setCancelButton(None)  # a copy is one transaction: complete or not there
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(1_000_000)  # shown by our timer, not by setValue
        self.dialog.setMinimumWidth(420)
        self.dialog.hide()
        # source: a file path or an address (perhaps with a password: never logged)
        self.op = Operation(self, lambda token: copy_work(source, destination, token), what="copying a database",
                            failure="The copy failed and nothing was changed; the log file has details.")
        self.op.progress.connect(lambda values: self._on_progress(*values))
        self.op.finished.connect(self._on_finished)

    @property
    def result(self):
        return self.op.result

    @property
    def error(self) -> str:
        if self.op.cancelled and not self.op.error:
            return "The copy was stopped; nothing was copied."
        return self.op.error

    def start(self) -> None:
        self.op.start()
        QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self._show_dialog)

    def _show_dialog(self) -> None:
        if not self.done:
            self.dialog.show()

    def wait(self, timeout_ms: int) -> bool:
        """Wait ``timeout_ms`` at most for the copy to end; True if it ended.
        (The window's leave_store cancels it first, on closing.) A copy that
        has not ended is kept alive until it does, and still says how it ended."""
        if self.op.wait(timeout_ms):
            return True
        keep_until_finished(self.op.thread)
        return False

    def _on_progress(self, table: str, done: int, total: int) -> None:
        what = _TABLE_WORDS.get(table, table.replace("_", " "))
        if total:
            self.dialog.setRange(0, total)
            self.dialog.setValue(done)
            self.dialog.setLabelText(f"Copying {what}: {done:,} of {total:,}…")
        else:
            self.dialog.setRange(0, 0)
            self.dialog.setLabelText(f"Copying {what}…")

    def _on_finished(self) -> None:
        self.dialog.hide()
        self.dialog.deleteLater()
        self.finished.emit(self.result, self.error)


def start_copy(window, source, destination, label: str, on_done) -> CopyRun | None:
    """Start copying ``source`` into ``destination`` off the UI thread;
    ``on_done(result, error)`` runs in the GUI thread when it ends. None if a
    copy is already running (one at a time)."""
    running = getattr(window, "copy_run", None)
    if running is not None and not running.done:
        window.statusBar().showMessage("A copy is already running; wait for it.", 4000)
        return None
    run = CopyRun(window, source, destination, label)

    def ended(result, error):
        if window.copy_run is run:
            window.copy_run = None
        run.deleteLater()
        if run.closing:  # the window is going: no dialog, the status bar says how it ended
            window.statusBar().showMessage(f"{result.summary()}." if result is not None else error)
            return
        on_done(result, error)

    run.finished.connect(ended)
    window.copy_run = run
    window.statusBar().showMessage(label)
    run.start()
    return run


# ------------------------------------------------------------------ the flows
def can_copy_to_team(window) -> bool:
    return window.store is not None and window.store.path is not None


def can_save_copy(window) -> bool:
    return window.store is not None


def update_actions(window, actions: dict) -> None:
    """Enable the two actions for the open database."""
    if "copy_to_team" in actions:
        actions["copy_to_team"].setEnabled(can_copy_to_team(window))
    if "save_copy" in actions:
        actions["save_copy"].setEnabled(can_save_copy(window))


def source_of(store):
    """What copy_database opens for the window's database: its file, or the
    team database's address with the password the window connected with."""
    if store.path is not None:
        return Path(store.path)
    url = store._engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _prepare(window) -> None:
    """The note being typed belongs in the copy."""
    try:
        window.editor.flush_note()
    except Exception:  # noqa: BLE001 - a note that cannot be saved now does not stop the copy
        log.exception("could not save the note before copying")


def ask_copy_to_team(window):
    """File > Copy to team database…: the team database dialog (window-modal,
    not blocking), then the copy; the dialog, or None when no file is open."""
    from desktop_app.core.settings import load_settings
    from desktop_app.qt.team.dialog import TeamDatabaseDialog

    if not can_copy_to_team(window):
        window.statusBar().showMessage("Open a database file to copy it to a team database.", 5000)
        return None
    recent = load_settings().recent_team_databases
    dialog = TeamDatabaseDialog(window, recent[0] if recent and isinstance(recent[0], str) else "")
    dialog.setWindowTitle("Copy to team database")
    dialog.setObjectName("CopyToTeamDialog")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Open).setText("&Copy")
    hint = QLabel(f"Every document, tag, claim and link of {window.store.path.name} is copied, ids and all, "
                  "into the team database, which must be new or empty. This file stays as it is.")
    hint.setWordWrap(True)
    hint.setObjectName("hint")
    dialog.layout().insertWidget(1, hint)
    dialog.accepted.connect(lambda: copy_to_team(window, dialog.address()))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


def copy_to_team(window, address: str) -> CopyRun | None:
    """Copy the open file into the (empty) team database at ``address``; then
    say what was copied and offer to open it."""
    from desktop_app.core.store import server
    from desktop_app.qt.errors import show_error

    if not can_copy_to_team(window):
        return None
    try:
        shown = server.display_address(server.parse_address(address))
    except MarginaliaError as exc:
        show_error(window, str(exc))
        return None
    _prepare(window)
    source = Path(window.store.path)

    def done(result, error):
        if result is None:
            window.statusBar().showMessage(f"Nothing was copied to {shown}.", 8000)
            show_error(window, error)
            return
        summary = f"{result.summary()}."
        window.statusBar().showMessage(summary, 10000)
        if dialogs.confirm(window, "Copied to the team database", f"{summary} Open the team database now?"):
            window.open_team_database(address)

    return start_copy(window, source, address, f"Copying {source.name} to {shown}…", done)


def ask_save_copy(window) -> CopyRun | None:
    """File > Save a copy as file…: a new file name, then the copy."""
    from desktop_app.core import paths

    if not can_save_copy(window):
        window.statusBar().showMessage("No database is open.", 3000)
        return None
    store = window.store
    folder = Path(store.path).parent if store.path is not None else paths.data_dir()
    stem = Path(store.path).stem if store.path is not None else (store.location.rsplit("/", 1)[-1] or "team")
    name, _ = QFileDialog.getSaveFileName(
        window, "Save a copy as file", str(folder / f"{stem} copy.db"), "Marginalia databases (*.db)",
        options=QFileDialog.Option.DontConfirmOverwrite,  # the copy needs a new file: we say so ourselves
    )
    if not name:
        return None
    return save_copy(window, Path(name))


def save_copy(window, path: Path) -> CopyRun | None:
    """Copy the open database into the new file ``path``; the open one stays open."""
    from desktop_app.qt.errors import show_error

    if not can_save_copy(window):
        return None
    path = Path(path).expanduser()
    if path.exists():
        dialogs.warn(window, TITLE, f"{path} already exists; choose a new file name for the copy.")
        return None
    if store_path := window.store.path:
        if Path(store_path).resolve() == path.resolve():
            dialogs.warn(window, TITLE, f"{path} is the open database; choose a new file name for the copy.")
            return None
    _prepare(window)
    waiting = len(window.pending) if window.store.is_team and window.pending.waiting() else 0

    def done(result, error):
        if result is None:
            window.statusBar().showMessage(f"{path} was not created.", 8000)
            show_error(window, error)
            return
        summary = f"{result.summary()}."
        if waiting:
            summary = (f"{result.summary()}, without the {waiting} edit{'s' if waiting != 1 else ''} "
                       "still waiting for the server.")
        window.statusBar().showMessage(summary, 10000)
        dialogs.inform(window, "Copy saved", summary)

    return start_copy(window, source_of(window.store), path, f"Copying {window.store.location} to {path.name}…", done)
