"""View > Compare annotators: character-level agreement per document and tag
(see desktop_app/core/agreement.py for what is computed), with CSV export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core import agreement

COLUMNS = ("Document", "Tag", "Annotators", "Characters", "Observed", "Kappa", "Alpha", "Note")
NUMBER_COLUMNS = {3, 4, 5, 6}
SORT_ROLE = Qt.ItemDataRole.UserRole
UNDEFINED = "—"


def choose_csv_path(parent, suggested: str) -> str | None:
    """The file chooser (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, "Export agreement", suggested, "CSV files (*.csv)")
    return name or None


class AgreementModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[agreement.AgreementRow] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def _values(self, r: agreement.AgreementRow) -> tuple:
        return (r.document, r.tag, ", ".join(r.annotators), r.characters, r.observed, r.kappa, r.alpha, r.note)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.rows[index.row()]
        value = self._values(row)[index.column()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return UNDEFINED
            if isinstance(value, float):
                return f"{value:.3f}"
            return str(value)
        if role == SORT_ROLE:
            if value is None:
                return float("-inf")
            return value if column in NUMBER_COLUMNS else str(value).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (5, 6) and value is None:
                return row.note or "undefined"
            if column == 7 and row.note:
                return row.note
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return super().headerData(section, orientation, role)


class AgreementWindow(QWidget):
    exported = Signal(str)

    def __init__(self, parent, store, events) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare annotators — Marginalia")
        self.setObjectName("AgreementWindow")
        self.store = store
        self.model = AgreementModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the library's order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Agreement between annotators")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.explanation = QLabel(
            "Per document and tag, each character counts as covered or not by each annotator's claims. "
            "Kappa (Cohen) compares two annotators; alpha (Krippendorff, nominal) any number. "
            "1 is perfect agreement, 0 what chance would give; — means undefined (hover for why)."
        )
        self.explanation.setWordWrap(True)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.ask_export)
        self.empty = QLabel("No document has claims by two or more annotators yet.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        for signal in (events.claimAdded, events.claimChanged, events.claimRemoved, events.tagsChanged,
                       events.documentsChanged, events.documentTextChanged):
            signal.connect(lambda *_: self._timer.start())
        self.resize(900, 420)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        self.model.set_rows(agreement.agreement_table(self.store))
        self.empty.setVisible(not self.model.rows)
        self.export_button.setEnabled(bool(self.model.rows))
        self.table.resizeColumnsToContents()
        for column, widest in ((0, 320), (2, 220)):
            if self.table.columnWidth(column) > widest:
                self.table.setColumnWidth(column, widest)

    def ask_export(self) -> Path | None:
        name = choose_csv_path(self, str(Path.home() / "agreement.csv"))
        if not name:
            return None
        path = Path(name)
        try:
            agreement.export_agreement_csv(self.model.rows, path)
        except OSError as exc:
            from . import dialogs

            dialogs.warn(self, "Marginalia", f"The table could not be saved to {path}: {exc.strerror or exc}.")
            return None
        self.exported.emit(str(path))
        return path
