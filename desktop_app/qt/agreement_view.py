"""View > Compare annotators: character-level agreement per document and tag
(see desktop_app/core/agreement.py for what is computed), with CSV export.
Selecting a row lists, below the table, the passages the annotators agree and
differ on; double-clicking one shows it in a pane."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import agreement

COLUMNS = ("Document", "Tag", "Annotators", "Characters", "Observed", "Kappa", "Alpha", "Note")
NUMBER_COLUMNS = {3, 4, 5, 6}
SORT_ROLE = Qt.ItemDataRole.UserRole
UNDEFINED = "—"

STRETCH_COLUMNS = ("", "Passage", "Coded by", "Not coded by", "Characters")
AGREE, DIFFER = "agree", "differ"
AGREE_COLOR, DIFFER_COLOR, CUE_TEXT = QColor("#cdebc9"), QColor("#f8d4b0"), QColor("#1b1b1b")
QUOTE_CHARS = 90
TOOLTIP_CHARS = 1000
NOBODY = "—"


def elide(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


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


class StretchModel(QAbstractTableModel):
    """The stretches of one document and tag (agreement.differences)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.document_id: int | None = None
        self.stretches: list[agreement.Stretch] = []

    def set_stretches(self, document_id: int | None, stretches) -> None:
        self.beginResetModel()
        self.document_id = document_id
        self.stretches = list(stretches)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.stretches)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(STRETCH_COLUMNS)

    def stretch(self, index: QModelIndex) -> agreement.Stretch | None:
        if not index.isValid() or not 0 <= index.row() < len(self.stretches):
            return None
        return self.stretches[index.row()]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        s = self.stretch(index)
        column = index.column()
        if s is None or not 0 <= column < len(STRETCH_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (AGREE if s.agreed else DIFFER, elide(s.quote, QUOTE_CHARS), ", ".join(s.covered_by),
                    ", ".join(s.missing) or NOBODY, str(s.end - s.start))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return "Coded by every annotator" if s.agreed else "Coded by some annotators only"
            if column == 1:
                return elide(s.quote, TOOLTIP_CHARS)
            return None
        if column == 0 and role == Qt.ItemDataRole.BackgroundRole:
            return AGREE_COLOR if s.agreed else DIFFER_COLOR
        if column == 0 and role == Qt.ItemDataRole.ForegroundRole:
            return CUE_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(STRETCH_COLUMNS):
            return STRETCH_COLUMNS[section]
        return super().headerData(section, orientation, role)


class AgreementWindow(QWidget):
    exported = Signal(str)

    def __init__(self, parent, store, events) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare annotators — Marginalia")
        self.setObjectName("AgreementWindow")
        self.store = store
        self.main = parent
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
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_differences())

        self.stretch_model = StretchModel(self)
        self.stretch_table = QTableView()
        self.stretch_table.setModel(self.stretch_model)
        self.stretch_table.setObjectName("AgreementStretches")
        self.stretch_table.setAccessibleName("Passages the annotators agree and differ on")
        self.stretch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stretch_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stretch_table.setWordWrap(False)
        self.stretch_table.horizontalHeader().setStretchLastSection(True)
        self.stretch_table.doubleClicked.connect(self.go_to_stretch)
        self.stretch_table.installEventFilter(self)  # Enter goes to the passage too
        self.stretch_label = QLabel()
        self.stretch_label.setWordWrap(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.stretch_label)
        lower_layout.addWidget(self.stretch_table, 1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.splitter, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        for signal in (events.claimAdded, events.claimChanged, events.claimRemoved, events.tagsChanged,
                       events.documentsChanged, events.documentTextChanged):
            signal.connect(lambda *_: self._timer.start())
        self.resize(900, 620)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        chosen = self.selected_row()
        self.model.set_rows(agreement.agreement_table(self.store))
        # the same document and tag stays selected (and its passages listed)
        for r, row in enumerate(self.model.rows):
            if chosen is not None and (row.document_id, row.tag_id) == (chosen.document_id, chosen.tag_id):
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(r, 0)).row())
                break
        self.show_differences()
        self.empty.setVisible(not self.model.rows)
        self.export_button.setEnabled(bool(self.model.rows))
        self.table.resizeColumnsToContents()
        for column, widest in ((0, 320), (2, 220)):
            if self.table.columnWidth(column) > widest:
                self.table.setColumnWidth(column, widest)

    def selected_row(self) -> agreement.AgreementRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        r = self.proxy.mapToSource(rows[0]).row()
        return self.model.rows[r] if 0 <= r < len(self.model.rows) else None

    def show_differences(self) -> None:
        """List where the annotators of the selected row agree and differ."""
        row = self.selected_row()
        if row is None:
            self.stretch_model.set_stretches(None, [])
            self.stretch_label.setText("Select a row to see where the annotators agree and differ.")
            return
        found = agreement.differences(self.store, row.document_id, row.tag_id, row.annotators)
        self.stretch_model.set_stretches(row.document_id, found)
        agreed = sum(1 for s in found if s.agreed)
        if found:
            self.stretch_label.setText(
                f"'{row.tag}' in '{elide(row.document, 60)}': {agreed} passage{'s' if agreed != 1 else ''} "
                f"coded by everyone, {len(found) - agreed} by some only. Double-click one to read it.")
        else:
            self.stretch_label.setText(f"Nobody coded '{row.tag}' in '{elide(row.document, 60)}'.")
        self.stretch_table.resizeColumnsToContents()
        if self.stretch_table.columnWidth(1) > 420:
            self.stretch_table.setColumnWidth(1, 420)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.stretch_table and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.stretch_table.currentIndex().isValid():
            self.go_to_stretch(self.stretch_table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def go_to_stretch(self, index: QModelIndex):
        """Show the passage in a pane of the main window and flash it."""
        s = self.stretch_model.stretch(index)
        doc_id = self.stretch_model.document_id
        if s is None or doc_id is None or self.main is None:
            return None
        pane = self.main.open_in_free_pane(doc_id)
        if pane.view.document_id != doc_id:
            return None  # the library is still opening
        pane.view.scroll_to_offset(s.start)
        pane.view.flash(s.start, s.end)
        self.main.raise_()
        self.main.activateWindow()
        return pane

    def ask_export(self) -> Path | None:
        name = choose_csv_path(self, str(Path.home() / "agreement.csv"))
        if not name:
            return None
        path = Path(name)
        try:
            agreement.export_agreement_csv(self.model.rows, path)
        except OSError as exc:
            from desktop_app.qt import dialogs

            dialogs.warn(self, "Marginalia", f"The table could not be saved to {path}: {exc.strerror or exc}.")
            return None
        self.exported.emit(str(path))
        return path
