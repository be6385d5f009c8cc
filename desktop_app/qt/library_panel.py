"""The library: every document with title, outlet, date and number of claims."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget


class LibraryPanel(QWidget):
    openRequested = Signal(int)  # document id (double-click or Enter)
    deleteRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(placeholderText="Filter documents…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter documents")
        self.table = QTableView()
        self.table.setAccessibleName("Documents")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table.setModel(self.proxy)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.doubleClicked.connect(self._open_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self._open_current, context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self._delete_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)

    def set_model(self, model) -> None:
        self.proxy.setSourceModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    def current_document(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.proxy.mapToSource(index).siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def _open_index(self, index) -> None:
        value = self.proxy.mapToSource(index).siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if value is not None:
            self.openRequested.emit(int(value))

    def _open_current(self) -> None:
        doc = self.current_document()
        if doc is not None:
            self.openRequested.emit(doc)

    def _delete_current(self) -> None:
        doc = self.current_document()
        if doc is not None:
            self.deleteRequested.emit(doc)
