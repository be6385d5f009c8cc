"""The claims table: every claim, sortable and filterable by tag, document,
status and text. Selecting a row selects the claim; double-clicking (or Enter)
goes to its passage."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.rows import STATUSES
from .icons import swatch


class ClaimsPanel(QWidget):
    claimSelected = Signal(int)
    claimActivated = Signal(int)  # go to the passage
    deleteRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.proxy = None
        self.text_filter = QLineEdit(placeholderText="Filter claims by text…")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName("Filter claims by text")
        self.tag_filter = QComboBox()
        self.tag_filter.setAccessibleName("Filter claims by tag")
        self.document_filter = QComboBox()
        self.document_filter.setAccessibleName("Filter claims by document")
        self.document_filter.setMaximumWidth(320)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Filter claims by status")
        self.status_filter.addItem("All statuses", None)
        for status in STATUSES:
            self.status_filter.addItem(status.capitalize(), status)
        self.table = QTableView()
        self.table.setAccessibleName("Claims")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda index: self._emit(self.claimActivated, index))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, lambda: self._emit(self.claimActivated, self.table.currentIndex()),
                      context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.table,
                  lambda: self._emit(self.deleteRequested, self.table.currentIndex()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 3)
        filters.addWidget(self.tag_filter, 1)
        filters.addWidget(self.document_filter, 2)
        filters.addWidget(self.status_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def set_proxy(self, proxy) -> None:
        self.proxy = proxy
        self.table.setModel(proxy)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col in range(proxy.columnCount()):
            header.resizeSection(col, 110)
        header.resizeSection(2, 360)
        header.resizeSection(3, 200)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.text_filter.textChanged.connect(proxy.set_text_filter)
        self.tag_filter.currentIndexChanged.connect(self._tag_changed)
        self.document_filter.currentIndexChanged.connect(
            lambda _i: proxy.set_document_filter(self.document_filter.currentData())
        )
        self.status_filter.currentIndexChanged.connect(
            lambda _i: proxy.set_status_filter(self.status_filter.currentData())
        )
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._emit(self.claimSelected, cur))

    def _tag_changed(self, _index: int) -> None:
        tag = self.tag_filter.currentData()
        self.proxy.set_tag_filter(None if tag is None else {tag})

    def set_tags(self, tags) -> None:
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for t in tags:
            self.tag_filter.addItem(swatch(t.color), t.name, t.id)
        found = self.tag_filter.findData(current)
        self.tag_filter.setCurrentIndex(max(found, 0))
        self.tag_filter.blockSignals(False)
        if found < 0 and current is not None:
            self._tag_changed(0)

    def set_documents(self, docs) -> None:
        current = self.document_filter.currentData()
        self.document_filter.blockSignals(True)
        self.document_filter.clear()
        self.document_filter.addItem("All documents", None)
        for d in docs:
            self.document_filter.addItem(d.title, d.id)
        found = self.document_filter.findData(current)
        self.document_filter.setCurrentIndex(max(found, 0))
        self.document_filter.blockSignals(False)
        if found < 0 and current is not None and self.proxy is not None:
            self.proxy.set_document_filter(None)

    def filter_by_tag(self, tag_id: int | None) -> None:
        index = self.tag_filter.findData(tag_id)
        self.tag_filter.setCurrentIndex(max(index, 0))

    def claim_at(self, proxy_index) -> int | None:
        if not proxy_index.isValid() or self.proxy is None:
            return None
        source = self.proxy.mapToSource(proxy_index)
        return self.proxy.sourceModel().claim(source.row()).id

    def select_claim(self, claim_id: int | None) -> None:
        if self.proxy is None or claim_id is None:
            return
        model = self.proxy.sourceModel()
        row = model.row_of(claim_id)
        if row is None or row < 0:
            return
        index = self.proxy.mapFromSource(model.index(row, 0))
        if index.isValid() and index.row() != self.table.currentIndex().row():
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(index)
            self.table.selectionModel().blockSignals(False)
            self.table.scrollTo(index)

    def _emit(self, signal, proxy_index) -> None:
        claim = self.claim_at(proxy_index)
        if claim is not None:
            signal.emit(claim)
