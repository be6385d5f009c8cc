"""Importing a web page by its address: the dialog that asks for it, and the
fetch and import on a worker thread with progress and Cancel."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from desktop_app.core.errors import Cancelled, MarginaliaError
from desktop_app.qt.threads import stop_and_wait

log = logging.getLogger(__name__)


class AddressDialog(QDialog):
    """File > Import from web address…: the address, and whether to keep the whole page."""

    def __init__(self, parent=None, address: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from web address")
        self.setAccessibleName("Import from web address")
        layout = QVBoxLayout(self)
        label = QLabel("Address of the page (http:// or https://):")
        self.address = QLineEdit(address)
        self.address.setAccessibleName("Web address")
        self.address.setPlaceholderText("https://")
        self.address.setMinimumWidth(460)
        label.setBuddy(self.address)
        self.whole_page = QCheckBox("Import the &whole page (navigation, footers and all), not only the article")
        self.whole_page.setAccessibleName("Import the whole page")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.address.textChanged.connect(self._update)
        for widget in (label, self.address, self.whole_page, buttons):
            layout.addWidget(widget)
        self._update()

    def _update(self) -> None:
        from desktop_app.core.fetch import is_web_address

        self.ok.setEnabled(is_web_address(self.address.text()))

    def value(self) -> tuple[str, bool]:
        return self.address.text().strip(), self.whole_page.isChecked()


def clipboard_address() -> str:
    """The clipboard's text if it is a web address (offered in the dialog)."""
    from desktop_app.core.fetch import is_web_address

    clipboard = QGuiApplication.clipboard()
    text = clipboard.text().strip() if clipboard is not None else ""
    return text if is_web_address(text) and "\n" not in text and len(text) < 4000 else ""


def ask_address(parent) -> tuple[str, bool] | None:
    dialog = AddressDialog(parent, clipboard_address())
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()
    finally:
        dialog.deleteLater()


def web_addresses(urls: list[QUrl]) -> list[str]:
    """The http and https addresses among dropped URLs."""
    return [u.toString() for u in urls if u.scheme().lower() in ("http", "https")]


class WebImportWorker(QObject):
    progress = Signal(int, int)  # bytes received, bytes expected (0: unknown)
    imported = Signal(object, str)  # DocumentRow, what the import kept (a sentence, or "")
    failed = Signal(str)  # one sentence ("" when cancelled)
    finished = Signal()

    def __init__(self, store, address: str, whole_page: bool, max_bytes: int) -> None:
        super().__init__()
        from desktop_app.core.fetch import CancelToken

        self.store = store
        self.address = address
        self.whole_page = whole_page
        self.max_bytes = max_bytes
        self.token = CancelToken()

    def cancel(self) -> None:
        self.token.cancel()  # thread-safe: ends a read that waits at once

    def _progress(self, received: int, total: int | None) -> None:
        self.progress.emit(received, total or 0)

    def run(self) -> None:
        from desktop_app.core.importers import import_summary, import_url

        try:
            doc = import_url(self.address, max_bytes=self.max_bytes, whole_page=self.whole_page,
                             cancelled=self.token, progress=self._progress)
            if self.token():
                raise Cancelled("The download was cancelled.")
            row = self.store.add_document(doc, original_name=doc.original.address)
        except Cancelled:
            self.failed.emit("")
        except MarginaliaError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # logged, reported as a sentence
            log.exception("import of %s failed", self.address)
            self.failed.emit(f"The page could not be imported ({type(exc).__name__}).")
        else:
            self.imported.emit(row, import_summary(doc))
        self.finished.emit()


class WebImportRun(QObject):
    """One import by address, seen from the GUI thread. ``finished`` carries
    the DocumentRow (None if none), the summary and the failure sentence
    ("" for none; both "" and no row when cancelled)."""

    progress = Signal(int, int)
    finished = Signal(object, str, str)

    def __init__(self, parent, store, address: str, whole_page: bool, max_bytes: int) -> None:
        super().__init__(parent)
        self.address = address
        self.row = None
        self.summary = ""
        self.error = ""
        self.done = False
        self.worker = WebImportWorker(store, address, whole_page, max_bytes)
        self.thread = QThread(parent)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self.thread.quit)
        self.worker.finished.connect(self.worker.deleteLater)
        self.thread.finished.connect(self.thread.deleteLater)
        self.worker.progress.connect(self._on_progress)
        self.worker.imported.connect(self._on_imported)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Cancel and wait for the thread (on closing)."""
        if self.done:
            return
        self.cancel()
        try:
            if not stop_and_wait(self.thread, timeout_ms):
                log.warning("the web import thread did not stop in time")
        except RuntimeError:  # the thread object is already gone
            pass

    @Slot(int, int)
    def _on_progress(self, received: int, total: int) -> None:
        self.progress.emit(received, total)

    @Slot(object, str)
    def _on_imported(self, row, summary: str) -> None:
        self.row, self.summary = row, summary

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message

    @Slot()
    def _on_finished(self) -> None:
        self.done = True
        self.finished.emit(self.row, self.summary, self.error)
