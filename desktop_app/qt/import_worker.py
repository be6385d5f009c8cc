"""Importing files off the UI thread, with progress and cancel."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from ..core.errors import MarginaliaError

log = logging.getLogger(__name__)


class ImportWorker(QObject):
    progress = Signal(int, int, str)  # done, total, file name
    imported = Signal(object)  # DocumentRow
    failed = Signal(str, str)  # file name, plain sentence
    finished = Signal()

    def __init__(self, store, paths: list[Path], max_bytes: int) -> None:
        super().__init__()
        self.store = store
        self.paths = list(paths)
        self.max_bytes = max_bytes
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        from ..core.importers import import_file

        total = len(self.paths)
        for i, path in enumerate(self.paths):
            if self._cancel:
                break
            self.progress.emit(i, total, path.name)
            try:
                doc = import_file(path, max_bytes=self.max_bytes)
                row = self.store.add_document(doc, original_name=path.name)
            except MarginaliaError as exc:
                self.failed.emit(path.name, str(exc))
                continue
            except Exception as exc:  # logged, reported as a sentence
                log.exception("import of %s failed", path)
                self.failed.emit(path.name, f"{path.name} could not be imported ({type(exc).__name__}).")
                continue
            self.imported.emit(row)
        self.progress.emit(total, total, "")
        self.finished.emit()


def start_import(parent, store, paths: list[Path], max_bytes: int) -> tuple[QThread, ImportWorker]:
    """Start a worker thread; the caller connects the worker's signals."""
    thread = QThread(parent)
    worker = ImportWorker(store, paths, max_bytes)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    return thread, worker
