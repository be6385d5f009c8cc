"""Edits waiting for the team database to answer again.

When a user action's store call finds the server unreachable, the command
(which holds ids and values only, see commands.py) is kept here, in order,
and tried again every ``RETRY_MS`` (at once when the poller sees the server
back). Each one that goes through is pushed on the undo stack as if it had
worked the first time. One that can no longer be made (the claim was changed
or deleted elsewhere meanwhile) is dropped, with one sentence saying so.

The queue is also written to a JSON file in the user data folder, so that the
edits of a window closed while offline are tried again the next time that
database is opened.

While a claim-making edit (a tag key on a selection, an accepted suggestion:
a CreateClaim) waits, the panes showing its document paint its span as a
pending highlight (highlights.py), replaced by the claim's own highlight once
it is saved and gone if the edit is dropped or the database closed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError
from desktop_app.core.files import write_atomically
from desktop_app.qt.lazy import LazyModule

commands = LazyModule("desktop_app.qt.commands")

log = logging.getLogger(__name__)

RETRY_MS = 2000


def pending_file(location: str) -> Path:
    from desktop_app.core import paths

    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:20]
    return paths.data_dir() / "pending" / f"{digest}.json"


# ------------------------------------------------------------ (de)serialising
def to_record(cmd) -> dict | None:
    """What is needed to make ``cmd`` again in another session (None for a
    command that cannot be kept, such as an import's): each command writes
    its own record (see qt/commands/base.py)."""
    return cmd.to_record()


def from_record(store, events, rec: dict):
    """The command a record describes (raises KeyError/TypeError/ValueError if damaged)."""
    return commands.command_from_record(store, events, rec)


def _plural(n: int) -> str:
    return f"{n} edit{'s' if n != 1 else ''}"


class PendingEdits(QObject):
    """The window's queue of edits waiting for the database."""

    changed = Signal(int)  # how many edits are waiting

    def __init__(self, window, interval_ms: int = RETRY_MS) -> None:
        super().__init__(window)
        self.w = window
        self.store = None
        self.queue: list = []
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.retry())
        self.timer.timeout.connect(lambda: self.paint())  # panes opened since the queue changed
        self._retrying = False
        self.changed.connect(lambda _n: self.paint())

    def __len__(self) -> int:
        return len(self.queue)

    def waiting(self) -> bool:
        return bool(self.queue)

    # ------------------------------------------------------------ lifecycle
    def attach(self, store) -> None:
        """Work on ``store``; edits left waiting for it last time are queued again."""
        self.detach()
        self.store = store
        restored = self._load()
        if restored:
            self.queue = restored
            self.w.statusBar().showMessage(
                f"{_plural(len(restored))} left waiting last time will be saved now.", 8000)
            self.changed.emit(len(self.queue))
            self.timer.start()
            QTimer.singleShot(0, lambda s=store: self.store is s and self.retry())

    def detach(self) -> None:
        """Forget the queue of the database being closed (it stays on disk)."""
        self.timer.stop()
        had = bool(self.queue)
        self.queue = []
        self.store = None
        if had:
            self.changed.emit(0)

    # --------------------------------------------------------------- queue
    def add(self, command, problem: str = "") -> None:
        self.queue.append(command)
        self._save()
        live = getattr(self.w, "live", None)
        if live is not None and problem:
            live.note_unreachable(problem)
        n = len(self.queue)
        message = (f"The team database cannot be reached, so your edit is kept and will be saved when the "
                   f"connection is back ({_plural(n)} waiting).")
        self.w.statusBar().showMessage(message, 10000)
        log.warning("edit %r kept until the database answers (%d waiting): %s", command.text(), n, problem)
        self.changed.emit(n)
        if not self.timer.isActive():
            self.timer.start()

    def retry(self, force: bool = False) -> bool:
        """Try the waiting edits in order; True when none is left. Skipped
        while the poller knows the database is unreachable (it checks in the
        background and calls this when it answers again), unless ``force``."""
        if not self.queue:
            self.timer.stop()
            return True
        live = getattr(self.w, "live", None)
        if self._retrying or self.store is None or self.w.store is not self.store:
            return False
        if not force and live is not None and live.running and not live.reachable:
            return False
        self._retrying = True
        saved = dropped = 0
        try:
            while self.queue:
                cmd = self.queue[0]
                try:
                    commands.push_command(self.w.undo_stack, cmd)
                except DatabaseUnreachable as exc:
                    if live is not None:
                        live.note_unreachable(str(exc))
                    break
                except MarginaliaError as exc:
                    self.queue.pop(0)
                    dropped += 1
                    sentence = f"An edit that was waiting for the team database could not be made: {exc}"
                    log.warning("%s", sentence)
                    self.w.statusBar().showMessage(sentence, 12000)
                    self._notice(sentence)
                except Exception:  # noqa: BLE001 - one broken edit must not block the others
                    log.exception("a waiting edit failed")
                    self.queue.pop(0)
                    dropped += 1
                else:
                    self.queue.pop(0)
                    saved += 1
                    self._chain_versions(cmd)
        finally:
            self._retrying = False
        if saved or dropped:
            self._save()
            self.changed.emit(len(self.queue))
        if not self.queue:
            self.timer.stop()
            if saved and not dropped:
                self.w.statusBar().showMessage(
                    f"The connection is back: {_plural(saved)} saved.", 6000)
            return True
        return False

    # ---------------------------------------------------------- highlights
    def pending_spans(self) -> dict[int, list]:
        """The spans of the claims waiting to be made, by document id."""
        from desktop_app.qt.highlights import PENDING_TOOLTIP, HighlightSpan

        annotator = getattr(self.w, "annotator", None)
        out: dict[int, list] = {}
        for i, cmd in enumerate(self.queue):
            if not isinstance(cmd, commands.CreateClaim) or cmd.end <= cmd.start:
                continue
            colors: tuple[str, ...] = ()
            if annotator is not None:
                look = SimpleNamespace(id=-1 - i, start=cmd.start, end=cmd.end, tag_ids=tuple(cmd.tag_ids))
                colors = annotator.span(look).colors
            out.setdefault(cmd.document_id, []).append(
                HighlightSpan(-1 - i, cmd.start, cmd.end, colors, PENDING_TOOLTIP))
        return out

    def paint(self) -> None:
        """Show the waiting claims in every pane (none once the queue is empty)."""
        spans = self.pending_spans() if self.queue else {}
        for pane in getattr(self.w, "panes", ()):
            pane.view.set_pending_highlights(spans)

    def _chain_versions(self, done) -> None:
        """Edits of the same claim queued after ``done`` were made on the
        version it started from: they now follow the version it left."""
        if not isinstance(done, commands.ClaimEdit) or done.expected_version is None:
            return
        for cmd in self.queue:
            if (isinstance(cmd, commands.ClaimEdit) and cmd.claim_id == done.claim_id
                    and cmd.expected_version == done.expected_version):
                cmd.expected_version = done.version_after

    def _notice(self, sentence: str) -> None:
        from desktop_app.qt.errors import show_error

        show_error(self.w, sentence)  # rare, and the user must know: one message

    # ----------------------------------------------------------- the file
    def _save(self) -> None:
        if self.store is None:
            return
        target = pending_file(self.store.location)
        records = [r for r in (to_record(c) for c in self.queue) if r is not None]
        try:
            if not records:
                target.unlink(missing_ok=True)
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            data = {"location": self.store.location, "edits": records}
            write_atomically(target, lambda fh: json.dump(data, fh, indent=1), private=True)
        except (OSError, MarginaliaError) as exc:
            log.error("could not keep the waiting edits in %s: %s", target, exc)

    def _load(self) -> list:
        path = pending_file(self.store.location)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("waiting edits in %s unreadable: %s", path, exc)
            return []
        out = []
        if not isinstance(data, dict) or data.get("location") != self.store.location:
            return []
        for rec in data.get("edits", []):
            try:
                out.append(from_record(self.store, self.w.events, rec))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                log.warning("dropping a damaged waiting edit %r: %s", rec, exc)
        return out
