"""Opening a database off the UI thread, with what the first screen lists."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QThread, Signal

log = logging.getLogger(__name__)


class StoreLoader(QThread):
    """Opens a Store off the UI thread (see MainWindow.open_database_in_background)."""

    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, path: Path | str, parent=None) -> None:
        super().__init__(parent)
        self.path = path  # a file, or a team database's address (with its password: never log it)
        self._lock = threading.Lock()
        self.abandoned = False
        self.preloaded: dict = {}  # what the first screen lists, read here too (see attach_store)

    def abandon(self) -> None:
        """The window no longer wants this database (another was chosen, or
        it is closing): the store, once open, is closed again, never attached."""
        with self._lock:
            self.abandoned = True

    def run(self) -> None:
        from desktop_app.core.errors import MarginaliaError

        try:
            from desktop_app.core.store import Store

            store = Store.open(self.path)
            self.preloaded = first_rows(store)
        except MarginaliaError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # logged; open_database then explains it in the window
            log.exception("opening a database in the background failed")
            self.failed.emit(str(exc))
        else:
            with self._lock:
                if not self.abandoned:
                    self.opened.emit(store)  # queued: the window checks again when it arrives
                    return
            store.close()


def first_rows(store) -> dict:
    """What the first screen lists, read in one snapshot (in the thread that
    opened the store): the library and the codebook, without claim counts
    (those are read while the window is used). Keyed as StoreEvents.rows
    hands them out."""
    with store.snapshot():
        return {"documents": store.list_documents(counts=False), "tags": store.list_tags(counts=False)}
