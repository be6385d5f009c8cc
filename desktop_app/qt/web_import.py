"""Importing a web page by its address: the dialog that asks for it, and the
fetch and import on a worker thread with progress and Cancel."""

from __future__ import annotations

import logging

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from desktop_app.qt.operations import Operation, Run

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


def import_address(store, address: str, whole_page: bool, max_bytes: int, token) -> tuple:
    """Fetch the page and add it to ``store`` (the operation's work): the
    DocumentRow and what the import kept. Cancelling cuts the download."""
    from desktop_app.core.fetch import CancelToken
    from desktop_app.core.importers import import_summary, import_url

    cut = CancelToken()
    token.on_cancel(cut.cancel)  # ends a read that waits at once
    doc = import_url(address, max_bytes=max_bytes, whole_page=whole_page, cancelled=cut,
                     progress=lambda received, total: token.report(received, total or 0))
    token.check("The download was cancelled.")
    row = store.add_document(doc, original_name=doc.original.address)
    return row, import_summary(doc)


class WebImportRun(Run):
    """One import by address, seen from the GUI thread. ``finished`` carries
    the DocumentRow (None if none), the summary and the failure sentence
    ("" for none; both "" and no row when cancelled)."""

    progress = Signal(int, int)  # bytes received, bytes expected (0: unknown)
    finished = Signal(object, str, str)

    def __init__(self, parent, store, address: str, whole_page: bool, max_bytes: int) -> None:
        super().__init__(parent)
        self.address = address
        self.row = None
        self.summary = ""
        self.error = ""
        self.op = Operation(self, lambda token: import_address(store, address, whole_page, max_bytes, token),
                            what=f"importing {address}", failure="The page could not be imported.")
        self.op.progress.connect(lambda values: self.progress.emit(*values))
        self.op.succeeded.connect(self._on_imported)
        self.op.finished.connect(lambda: self.finished.emit(self.row, self.summary, self.op.error))


    def _on_imported(self, result) -> None:
        self.row, self.summary = result
