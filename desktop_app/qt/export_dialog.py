"""File > Export claims: the CSV options of the core, written to a chosen file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.rows import STATUSES
from desktop_app.qt.icons import swatch


def _checklist(name: str, items) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setMaximumHeight(120)
    for label, data, icon in items:
        item = QListWidgetItem(label)
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


class ExportDialog(QDialog):
    """Choose which claims to export and where; nothing checked means all."""

    def __init__(self, parent, *, tags, documents, default_path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export claims")
        self.tags = _checklist("Tags to export", [(t.name, t.id, swatch(t.color)) for t in tags])
        self.documents = _checklist("Documents to export", [(d.title, d.id, None) for d in documents])
        self.statuses = _checklist("Statuses to export", [(s.capitalize(), s, None) for s in STATUSES])
        self.excel = QCheckBox("Add a byte-order mark so that Excel reads the accents right")
        self.guard = QCheckBox("Neutralise cells that a spreadsheet would run as formulas")
        self.guard.setChecked(True)
        self.path = QLineEdit(str(default_path))
        self.path.setAccessibleName("File to write")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.path)
        line.addWidget(browse)
        form = QFormLayout(self)
        hint = QLabel("Claims are exported to CSV, one row per claim. Check items to export only "
                      "those; a list left unchecked exports everything.")
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow("Tags (any of):", self.tags)
        form.addRow("Documents:", self.documents)
        form.addRow("Status:", self.statuses)
        form.addRow("", self.excel)
        form.addRow("", self.guard)
        form.addRow("&File:", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export claims to", self.path.text(), "CSV files (*.csv)")
        if name:
            self.path.setText(name)

    def options(self) -> ExportOptions:
        return ExportOptions(
            tag_ids=_checked(self.tags),
            document_ids=_checked(self.documents),
            statuses=_checked(self.statuses),
            excel=self.excel.isChecked(),
            formula_guard=self.guard.isChecked(),
        )

    def target(self) -> Path:
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix else path.with_suffix(".csv")
