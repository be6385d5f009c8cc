"""File > Export claims: every export format of the command line
(``desktop_app.core.exchange``: FORMATS and run_export), with the same
filters, written to a chosen file off the UI thread.

The dialog stays open while the file is written (a busy bar; Cancel stops
the export and leaves any earlier file as it was) and after a failure, which
it explains in one sentence below the filters, so that the user can fix the
file name without choosing the filters again. It closes once the file is
written; ``count`` then holds how many claims (or links) were written."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop_app.core.errors import Cancelled, MarginaliaError
from desktop_app.core.exchange import FORMATS, available_formats, run_export
from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.rows import STATUSES
from desktop_app.qt.swatches import swatch
from desktop_app.qt.operations import Operation

log = logging.getLogger(__name__)

STOP_WAIT_MS = 3000  # how long cancelling waits for the export to stop

# Options that only some formats use; the others leave them greyed out.
EXCEL_FORMATS = {"csv", "links-csv"}  # a byte-order mark for Excel
GUARD_FORMATS = {"csv", "links-csv", "xlsx"}  # cells that a spreadsheet would run as formulas


def _checklist(name: str, items) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setMaximumHeight(120)
    # a long title is shortened in its middle (its start and its end both
    # tell documents apart) and shown whole on hover, not scrolled sideways
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    widget.setUniformItemSizes(True)
    for label, data, icon in items:
        item = QListWidgetItem(label)
        item.setToolTip(label)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        if icon is not None:
            item.setIcon(icon)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list | None:
    values = [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
    return values or None


class _CancellableStore:
    """The store as an export sees it, with a way to stop: every call, and
    every row of what a call yields, first checks the flag and raises
    Cancelled once it is set. The export then fails like any other, and the
    atomic write leaves no file behind."""

    def __init__(self, store) -> None:
        self._store = store
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _check(self) -> None:
        if self.cancelled:
            raise Cancelled("The export was cancelled; no file was written.")

    def __getattr__(self, name: str):
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            self._check()
            result = value(*args, **kwargs)
            if hasattr(result, "__next__"):  # rows streamed one by one
                return self._rows(result)
            return result

        return call

    def _rows(self, rows):
        for row in rows:
            self._check()
            yield row


def export_work(store, fmt: str, target: Path, options: ExportOptions, token) -> int:
    """One run_export off the UI thread (the store serves each thread its own
    connection): how many were written. Cancelling stops at the next store
    call or row, and the atomic write leaves no file behind."""
    checked = _CancellableStore(store)
    token.on_cancel(checked.cancel)
    try:
        return run_export(checked, fmt, target, options)
    except OSError as exc:
        raise MarginaliaError(f"{target} could not be written: {exc.strerror or exc}.") from exc


class ExportDialog(QDialog):
    """Choose a format, which claims to export and where; nothing checked
    means all. Export writes in the background; the dialog closes when done."""

    finished_export = Signal(int)  # count, once the file is written

    def __init__(self, parent, *, tags, documents, default_path: Path, store=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export claims")
        self.store = store
        self.run: Operation | None = None
        self.count: int | None = None
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for name in available_formats():
            _module, _function, _kind, suffix, what = FORMATS[name]
            self.format.addItem(f"{what[0].upper()}{what[1:]} ({suffix})", name)
        self.tags = _checklist("Tags to export", [(t.name, t.id, swatch(t.color)) for t in tags])
        self.documents = _checklist("Documents to export", [(d.title, d.id, None) for d in documents])
        self.statuses = _checklist("Statuses to export", [(s.capitalize(), s, None) for s in STATUSES])
        self.excel = QCheckBox("Add a byte-order mark so that Excel reads the accents right")
        self.guard = QCheckBox("Neutralise cells that a spreadsheet would run as formulas")
        self.guard.setChecked(True)
        self.path = QLineEdit(str(default_path))
        self.path.setAccessibleName("File to write")
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self._browse)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.path)
        line.addWidget(self.browse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the formats do not say how far they are
        self.progress.setAccessibleName("Export progress")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Export message")
        self.message.hide()
        form = QFormLayout(self)
        hint = QLabel("Check items to export only those; a list left unchecked exports everything.")
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow("F&ormat:", self.format)
        form.addRow("Tags (any of):", self.tags)
        form.addRow("Documents:", self.documents)
        form.addRow("Status:", self.statuses)
        form.addRow("", self.excel)
        form.addRow("", self.guard)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)  # Alt+F: the file name, not the row holding it and its button
        form.addRow(file_label, row)
        form.addRow(self.progress)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._suffix = self.suffix()
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(560, self.sizeHint().height())

    # --------------------------------------------------------------- choices
    def fmt(self) -> str:
        return self.format.currentData()

    def set_format(self, name: str) -> None:
        self.format.setCurrentIndex(self.format.findData(name))

    def suffix(self) -> str:
        return FORMATS[self.fmt()][3]

    def _format_changed(self) -> None:
        name = self.fmt()
        self.excel.setEnabled(name in EXCEL_FORMATS)
        self.guard.setEnabled(name in GUARD_FORMATS)
        # a file name that ends in the previous format's suffix follows the format
        path = Path(self.path.text().strip())
        if self.path.text().strip() and path.suffix == self._suffix:
            self.path.setText(str(path.with_suffix(self.suffix())))
        self._suffix = self.suffix()

    def _browse(self) -> None:
        suffix = self.suffix()
        name, _ = QFileDialog.getSaveFileName(self, "Export claims to", self.path.text(),
                                              f"{self.format.currentText()} (*{suffix})")
        if name:
            self.path.setText(name)

    def options(self) -> ExportOptions:
        name = self.fmt()
        return ExportOptions(
            tag_ids=_checked(self.tags),
            document_ids=_checked(self.documents),
            statuses=_checked(self.statuses),
            excel=self.excel.isChecked() and name in EXCEL_FORMATS,
            formula_guard=self.guard.isChecked() or name not in GUARD_FORMATS,
        )

    def target(self) -> Path:
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix else path.with_suffix(self.suffix())

    # --------------------------------------------------------------- running
    def start(self) -> None:
        """Export: write in the background; the dialog closes when done, and
        stays (with what was chosen) on a failure."""
        if self.run is not None:
            return
        if self.store is None:  # shown without a store: only choosing
            self.accept()
            return
        if not self.path.text().strip():
            self._say("Give a file name to write to.", error=True)
            return
        target = self.target()
        store, fmt, options = self.store, self.fmt(), self.options()
        self.run = run = Operation(self, lambda token: export_work(store, fmt, target, options, token),
                                   what=f"exporting {fmt}", failure="The export failed; the log file has details.")
        run.succeeded.connect(self._done)
        run.failed.connect(self._failed)
        run.finished.connect(lambda: self._finished(run))
        self._busy(True)
        self._say(f"Exporting to {target}…")
        run.start()

    def _busy(self, busy: bool) -> None:
        for widget in (self.format, self.tags, self.documents, self.statuses, self.path, self.browse,
                       self.export_button):
            widget.setEnabled(not busy)
        if not busy:
            self._format_changed()
        self.progress.setVisible(busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.show()

    def _finished(self, run) -> None:
        if self.run is run:
            self.run = None
            self._busy(False)
        run.deleteLater()

    def _done(self, count: int) -> None:
        self.run = None
        self._busy(False)
        self.count = count
        self.finished_export.emit(count)
        self.accept()

    def _failed(self, message: str) -> None:
        self.run = None
        self._busy(False)
        log.warning("export failed: %s", message)
        self._say(f"The claims could not be exported: {message}", error=True)

    def reject(self) -> None:
        """Cancel: stop a running export first (nothing is written), then close."""
        run, self.run = self.run, None
        if run is not None and not run.stop(STOP_WAIT_MS):
            log.warning("the export did not stop in time")
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.reject()
        event.accept()
