"""Importing files off the UI thread, with progress and cancel; and reading
one file (a new version of a document) off the UI thread. Both run as
Operations (qt.operations)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal

from desktop_app.core.errors import ImportCancelled, MarginaliaError, PasswordRequired
from desktop_app.qt.operations import Operation, Run

log = logging.getLogger(__name__)


def _limits(max_bytes: int) -> dict:
    from desktop_app.core.settings import load_settings

    limits = load_settings().reader_limits
    limits["max_bytes"] = max_bytes
    return limits


def import_files(store, paths: list[Path], max_bytes: int, whole_page: bool, passwords: dict[str, str],
                 token) -> None:
    """The import's work: each file read and added to ``store``; what
    happens is reported to the token as ("progress", done, total, name),
    ("file", done, total) within a file, ("imported", row), ("offered",
    document id, highlights), ("failed", name, sentence), ("summary", name,
    what was kept), ("locked", path, sentence, wrong password?). Cancelling
    stops between files and abandons the file being read (its reader process
    is killed); a document already added is always reported."""
    from desktop_app.core.importers import import_file, import_summary

    total = len(paths)
    limits = _limits(max_bytes)
    for i, path in enumerate(paths):
        if token.cancelled():
            break
        token.report("progress", i, total, path.name)
        try:
            doc = import_file(path, whole_page=whole_page, password=passwords.get(str(path)),
                              progress=lambda done, of: token.report("file", done, of),
                              cancelled=token.cancelled, **limits)
            if token.cancelled():
                break
            row = store.add_document(doc, original_name=path.name)
        except ImportCancelled:
            break
        except PasswordRequired as exc:  # the window asks for the password and tries again
            token.report("locked", str(path), str(exc), exc.wrong)
            continue
        except MarginaliaError as exc:
            token.report("failed", path.name, str(exc))
            continue
        except Exception as exc:  # logged, reported as a sentence
            log.exception("import of %s failed", path)
            token.report("failed", path.name, f"{path.name} could not be imported ({type(exc).__name__}).")
            continue
        said = import_summary(doc)
        if said:
            token.report("summary", path.name, said)
        token.report("imported", row)
        if doc.offered:
            token.report("offered", row.id, list(doc.offered))
    token.report("progress", total, total, "")


class ImportRun(Run):
    """One import, seen from the GUI thread: what the work reports is passed
    on, with the results gathered."""

    progress = Signal(int, int, str)  # done, total, file name
    file_progress = Signal(int, int)  # within the current file: done, total
    finished = Signal(list, list)  # imported DocumentRows, (file name, sentence) of each failure

    def __init__(self, parent, store, paths: list[Path], max_bytes: int, whole_page: bool = False,
                 passwords: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        paths = list(paths)
        passwords = dict(passwords or {})  # path -> password, never logged
        self.total = len(paths)
        self.imported: list = []
        self.failures: list[tuple[str, str]] = []
        self.offered: list[tuple[int, list]] = []  # (document id, highlights found in its file)
        self.summaries: list[tuple[str, str]] = []  # (file name, what was kept)
        self.locked: list[tuple[Path, str, bool]] = []  # encrypted files: path, sentence, wrong password?
        self.op = Operation(self, lambda token: import_files(store, paths, max_bytes, whole_page, passwords, token),
                            what="importing files")
        self.op.progress.connect(self._on_report)
        self.op.failed.connect(lambda sentence: self.failures.append(("", sentence)))
        self.op.finished.connect(lambda: self.finished.emit(list(self.imported), list(self.failures)))


    def _on_report(self, values: tuple) -> None:
        kind, *rest = values
        if kind == "progress":
            self.progress.emit(*rest)
        elif kind == "file":
            self.file_progress.emit(*rest)
        elif kind == "imported":
            self.imported.append(rest[0])
        elif kind == "offered":
            self.offered.append((rest[0], list(rest[1])))
        elif kind == "failed":
            self.failures.append((rest[0], rest[1]))
        elif kind == "locked":
            self.locked.append((Path(rest[0]), rest[1], rest[2]))
        elif kind == "summary":
            self.summaries.append((rest[0], rest[1]))


def parse_file(path: Path, max_bytes: int, token):
    """Read one file into a StructuredDocument; writes nothing. Cancelling
    abandons the read (its reader process is killed)."""
    from desktop_app.core.importers import import_file

    doc = import_file(path, cancelled=token.cancelled, **_limits(max_bytes))
    token.check()
    if not doc.text.strip():
        raise MarginaliaError(f"{path.name} has no text to annotate.")
    return doc


class ParseRun(Run):
    """One file read on a worker thread, seen from the GUI thread:
    ``finished`` carries the StructuredDocument (None on failure) and the
    sentence saying why it failed ("" on success)."""

    finished = Signal(object, str)

    def __init__(self, parent, path: Path, max_bytes: int) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.op = Operation(self, lambda token: parse_file(self.path, max_bytes, token), what=f"reading {self.path}",
                            failure=f"{self.path.name} could not be read.")
        self.op.finished.connect(lambda: self.finished.emit(self.document, self.error))

    @property
    def document(self):
        return self.op.result

    @property
    def error(self) -> str:
        return self.op.error


