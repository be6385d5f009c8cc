"""Importing files off the UI thread, with progress and cancel; and reading
one file (a new version of a document) off the UI thread."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop_app.core.errors import ImportCancelled, MarginaliaError, PasswordRequired
from desktop_app.qt.threads import stop_and_wait

log = logging.getLogger(__name__)


def _limits(max_bytes: int) -> dict:
    from desktop_app.core.settings import load_settings

    limits = load_settings().reader_limits
    limits["max_bytes"] = max_bytes
    return limits


class ImportWorker(QObject):
    progress = Signal(int, int, str)  # done, total, file name
    file_progress = Signal(int, int)  # within the current file (pages, parts): done, total
    imported = Signal(object)  # DocumentRow
    offered = Signal(int, object)  # document id, the OfferedClaims found in its file
    failed = Signal(str, str)  # file name, plain sentence
    summarised = Signal(str, str)  # file name, what the import kept (web pages: the article, how much left out)
    locked = Signal(str, str, bool)  # path of an encrypted file, sentence, was the password given wrong
    finished = Signal()

    def __init__(self, store, paths: list[Path], max_bytes: int, whole_page: bool = False,
                 passwords: dict[str, str] | None = None) -> None:
        super().__init__()
        self.store = store
        self.paths = list(paths)
        self.max_bytes = max_bytes
        self.whole_page = whole_page
        self.passwords = dict(passwords or {})  # path -> password, never logged
        self._cancel = False

    def cancel(self) -> None:
        """Stop: the file being read is abandoned (its reader process is killed)."""
        self._cancel = True

    def _cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:
        from desktop_app.core.importers import import_file, import_summary

        total = len(self.paths)
        limits = _limits(self.max_bytes)
        for i, path in enumerate(self.paths):
            if self._cancel:
                break
            self.progress.emit(i, total, path.name)
            try:
                doc = import_file(path, whole_page=self.whole_page, password=self.passwords.get(str(path)),
                                  progress=self.file_progress.emit, cancelled=self._cancelled, **limits)
                if self._cancel:
                    break
                row = self.store.add_document(doc, original_name=path.name)
            except ImportCancelled:
                break
            except PasswordRequired as exc:  # the window asks for the password and tries again
                self.locked.emit(str(path), str(exc), exc.wrong)
                continue
            except MarginaliaError as exc:
                self.failed.emit(path.name, str(exc))
                continue
            except Exception as exc:  # logged, reported as a sentence
                log.exception("import of %s failed", path)
                self.failed.emit(path.name, f"{path.name} could not be imported ({type(exc).__name__}).")
                continue
            said = import_summary(doc)
            if said:
                self.summarised.emit(path.name, said)
            self.imported.emit(row)
            if doc.offered:
                self.offered.emit(row.id, list(doc.offered))
        self.progress.emit(total, total, "")
        self.finished.emit()


def start_import(parent, store, paths: list[Path], max_bytes: int,
                 whole_page: bool = False, passwords: dict[str, str] | None = None) -> tuple[QThread, ImportWorker]:
    """Start a worker thread; the caller connects the worker's signals.

    The worker's signals are emitted in the worker thread: connect them to
    methods of a QObject living in the GUI thread (see ImportRun), never to a
    plain function or lambda, which would run in the worker thread."""
    worker = ImportWorker(store, paths, max_bytes, whole_page, passwords)
    return _start_worker(parent, worker), worker


def _start_worker(parent, worker) -> QThread:
    """A thread for ``worker`` (a QObject with ``run`` and ``finished``),
    cleaned up when it finishes; not started yet."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    return thread


class ImportRun(QObject):
    """One import, seen from the GUI thread: the worker's signals arrive here
    (queued, in the GUI thread) and are passed on, with the results gathered."""

    progress = Signal(int, int, str)  # done, total, file name
    file_progress = Signal(int, int)  # within the current file: done, total
    finished = Signal(list, list)  # imported DocumentRows, (file name, sentence) of each failure

    def __init__(self, parent, store, paths: list[Path], max_bytes: int, whole_page: bool = False,
                 passwords: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.total = len(paths)
        self.imported: list = []
        self.failures: list[tuple[str, str]] = []
        self.offered: list[tuple[int, list]] = []  # (document id, highlights found in its file)
        self.summaries: list[tuple[str, str]] = []  # (file name, what was kept)
        self.locked: list[tuple[Path, str, bool]] = []  # encrypted files: path, sentence, wrong password?
        self.done = False
        self.thread, self.worker = start_import(parent, store, paths, max_bytes, whole_page, passwords)
        self.worker.summarised.connect(self._on_summarised)
        self.worker.locked.connect(self._on_locked)
        self.worker.progress.connect(self._on_progress)
        self.worker.file_progress.connect(self._on_file_progress)
        self.worker.imported.connect(self._on_imported)
        self.worker.offered.connect(self._on_offered)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()  # a flag the worker reads between files

    def stop(self, timeout_ms: int = 10000) -> None:
        """Cancel and wait for the thread (the current file is finished)."""
        if self.done:
            return
        self.cancel()
        try:
            if not stop_and_wait(self.thread, timeout_ms):
                log.warning("the import thread did not stop in time")
        except RuntimeError:  # the thread object is already gone: nothing to wait for
            pass

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, name: str) -> None:
        self.progress.emit(done, total, name)

    @Slot(int, int)
    def _on_file_progress(self, done: int, total: int) -> None:
        self.file_progress.emit(done, total)

    @Slot(object)
    def _on_imported(self, row) -> None:
        self.imported.append(row)

    @Slot(int, object)
    def _on_offered(self, doc_id: int, items) -> None:
        self.offered.append((doc_id, list(items)))

    @Slot(str, str)
    def _on_failed(self, name: str, message: str) -> None:
        self.failures.append((name, message))

    @Slot(str, str, bool)
    def _on_locked(self, path: str, message: str, wrong: bool) -> None:
        self.locked.append((Path(path), message, wrong))

    @Slot(str, str)
    def _on_summarised(self, name: str, summary: str) -> None:
        self.summaries.append((name, summary))

    @Slot()
    def _on_finished(self) -> None:
        self.done = True
        self.finished.emit(list(self.imported), list(self.failures))


class ParseWorker(QObject):
    """Reads one file into a StructuredDocument; writes nothing."""

    parsed = Signal(object)  # StructuredDocument
    failed = Signal(str)  # plain sentence
    finished = Signal()

    def __init__(self, path: Path, max_bytes: int) -> None:
        super().__init__()
        self.path = Path(path)
        self.max_bytes = max_bytes

    def run(self) -> None:
        from desktop_app.core.importers import import_file

        name = self.path.name
        try:
            doc = import_file(self.path, **_limits(self.max_bytes))
            if not doc.text.strip():
                raise MarginaliaError(f"{name} has no text to annotate.")
        except MarginaliaError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # logged, reported as a sentence
            log.exception("reading %s failed", self.path)
            self.failed.emit(f"{name} could not be read ({type(exc).__name__}).")
        else:
            self.parsed.emit(doc)
        self.finished.emit()


class ParseRun(QObject):
    """One file read on a worker thread, seen from the GUI thread:
    ``finished`` carries the StructuredDocument (None on failure) and the
    sentence saying why it failed ("" on success)."""

    finished = Signal(object, str)

    def __init__(self, parent, path: Path, max_bytes: int) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.document = None
        self.error = ""
        self.done = False
        self.worker = ParseWorker(self.path, max_bytes)
        self.thread = _start_worker(parent, self.worker)
        self.worker.parsed.connect(self._on_parsed)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Wait for the thread (reading one file cannot be interrupted)."""
        if self.done:
            return
        try:
            if not stop_and_wait(self.thread, timeout_ms):
                log.warning("the reading thread did not stop in time")
        except RuntimeError:  # the thread object is already gone
            pass

    @Slot(object)
    def _on_parsed(self, doc) -> None:
        self.document = doc

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message

    @Slot()
    def _on_finished(self) -> None:
        self.done = True
        self.finished.emit(self.document, self.error)
