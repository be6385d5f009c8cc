"""The claims table: every claim, sortable and filterable by tag, document,
status and text (the store sorts and filters: see claims_model.py). Selecting a row selects the claim; double-clicking (or Enter)
goes to its passage. An orphaned claim (not found in the current text of its
document) is marked in the Document column and its quote is in italics; its
context menu attaches it to the selection."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.rows import STATUSES
from desktop_app.qt.document_choices import DocumentFilterBox
from desktop_app.qt.swatches import swatch

NARROW_TABLE = 1200  # below this width (a 1024-pixel screen) the columns beside the quote are narrower


class ClaimsPanel(QWidget):
    claimSelected = Signal(int)
    claimActivated = Signal(int)  # go to the passage
    deleteRequested = Signal(int)
    attachRequested = Signal(int)  # attach an orphaned claim to the selection in a pane
    tagKeyPressed = Signal(list, int)  # the selected claims' ids, the digit 1–9 pressed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = None  # a ClaimsModel
        self._syncing = False
        self.claim_menu_provider = None  # adds a claim's entries (tags, status, note…) to a menu
        self.reveal = None  # claim id -> its row (ClaimRow), to show a claim not fetched yet
        self.text_filter = QLineEdit(placeholderText="Filter claims by text…")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName("Filter claims by text")
        self.tag_filter = QComboBox()
        self.tag_filter.setAccessibleName("Filter claims by tag")
        self.document_filter = DocumentFilterBox()  # a search over the titles, not a list of them all
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
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda index: self._emit(self.claimActivated, index))
        # Enter goes to the passage, Delete deletes the claim (keys of the table itself).
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)  # its width decides the columns' widths
        self._narrow: bool | None = None  # the width class the columns were sized for
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.text_filter.textChanged.connect(lambda text: self.model is not None and self.model.set_text_filter(text))
        self.tag_filter.currentIndexChanged.connect(self._tag_changed)
        self.document_filter.currentIndexChanged.connect(self._document_changed)
        self.status_filter.currentIndexChanged.connect(self._status_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 3)
        filters.addWidget(self.tag_filter, 1)
        filters.addWidget(self.document_filter, 2)
        filters.addWidget(self.status_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def set_model(self, model) -> None:
        """Show a ClaimsModel (a new one for each database); the filters
        chosen in the panel carry over, and it is sorted by Updated, newest first."""
        from desktop_app.qt.claims_model import ClaimsModel

        self.model = model
        model.set_text_filter(self.text_filter.text())
        model.set_status_filter(self.status_filter.currentData())
        tag = self.tag_filter.currentData()
        model.set_tag_filter(None if tag is None else {tag})
        model.set_document_filter(self.document_filter.currentData())
        model.sort(ClaimsModel.UPDATED, Qt.SortOrder.DescendingOrder)
        self.table.setModel(model)
        self._size_columns()
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the model is sorted so already: no second read
        header.setSortIndicator(ClaimsModel.UPDATED, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _size_columns(self) -> None:
        """Quote takes the room left; the short columns fit their usual content,
        shorter content in a narrow table (the quote keeps a quarter of it or more).
        Sized again only when the table changes between narrow and wide, so a
        column the user widened stays so."""
        narrow = self.table.viewport().width() < NARROW_TABLE
        self._narrow = narrow
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = self.table.fontMetrics()
        pad = 24

        def fit(*samples: str) -> int:
            return max(metrics.horizontalAdvance(t) for t in samples) + pad

        from desktop_app.qt.claims_model import ClaimsModel as m

        header.resizeSection(m.DOCUMENT, fit("Netflix posts a $900K" if narrow else "Netflix posts a $900K AI product"))
        header.resizeSection(m.TAGS, fit("deepfakes" if narrow else "deepfakes, salaries") + 16)  # with a swatch
        header.resizeSection(m.PAGE, fit("88\u201388", "Page"))
        header.resizeSection(m.NOTE, fit("A short note" if narrow else "A short note about the claim"))
        header.resizeSection(m.STATUS, fit("unverified", "Status"))
        header.resizeSection(m.ANNOTATOR, fit("annotator", "Annotator"))
        header.resizeSection(m.UPDATED, fit("2000-12-31 23:59", "Updated"))
        header.setSectionResizeMode(m.QUOTE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

    def _current_changed(self, current, _previous) -> None:
        if not self._syncing:
            self._emit(self.claimSelected, current)

    def _tag_changed(self, _index: int = 0) -> None:
        if self.model is None:
            return
        tag = self.tag_filter.currentData()
        self.model.set_tag_filter(None if tag is None else {tag})

    def _document_changed(self, _index: int = 0) -> None:
        if self.model is not None:
            self.model.set_document_filter(self.document_filter.currentData())

    def _status_changed(self, _index: int = 0) -> None:
        if self.model is not None:
            self.model.set_status_filter(self.status_filter.currentData())

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
            self._tag_changed()

    def set_documents(self, docs) -> None:
        current = self.document_filter.currentData()
        self.document_filter.set_documents([(d.id, d.title) for d in docs])
        if current is not None and self.document_filter.currentData() is None and self.model is not None:
            self.model.set_document_filter(None)

    def filter_by_tag(self, tag_id: int | None) -> None:
        index = self.tag_filter.findData(tag_id)
        self.tag_filter.setCurrentIndex(max(index, 0))

    def build_context_menu(self, index) -> QMenu | None:
        """The menu for a claim's row (None off the rows); the caller executes
        and deletes it."""
        claim = self._claim_row(index)
        if claim is None:
            return None
        claim_id, orphaned = claim.id, claim.orphaned
        menu = QMenu(self)
        menu.addAction("Go to passage" if not orphaned else "Show document",
                       lambda: self.claimActivated.emit(claim_id))
        attach = menu.addAction("Attach to selection\tCtrl+Shift+A", lambda: self.attachRequested.emit(claim_id))
        attach.setEnabled(orphaned)
        menu.addSeparator()
        if self.claim_menu_provider is not None:
            self.claim_menu_provider(menu, claim_id)  # tags, status, note, link, copy, delete
        else:
            menu.addAction("Delete claim", lambda: self.deleteRequested.emit(claim_id))
        return menu

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        menu = self.build_context_menu(index)
        if menu is None:
            return
        self.table.setCurrentIndex(index)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _claim_row(self, index):
        if self.model is None or not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.claim(index.row())

    def claim_at(self, index) -> int | None:
        if self.model is None or not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.claim_id(index.row())  # no store read

    def selected_claim(self) -> int | None:
        return self.claim_at(self.table.currentIndex())

    def selected_claims(self) -> list[int]:
        """Every claim whose row is selected (several with Shift or Ctrl)."""
        rows = self.table.selectionModel().selectedRows() if self.model is not None else []
        return [cid for cid in (self.claim_at(i) for i in sorted(rows, key=lambda i: i.row())) if cid is not None]

    def select_claim(self, claim_id: int | None) -> None:
        """Show ``claim_id`` as the current row (without emitting claimSelected),
        fetching the pages before it if it is among the first rows
        (ClaimsModel.reveal); None, a claim the filters hide, or one further
        down than that clears the selection."""
        if self.model is None:
            return
        row = self.model.row_of(claim_id) if claim_id is not None else None
        if row is None and claim_id is not None and self.reveal is not None:
            claim = self.reveal(claim_id)  # the claim's row (the window's), to fetch down to it
            row = self.model.reveal(claim) if claim is not None else None
        index = self.model.index(row, 0) if row is not None else None
        self._syncing = True
        try:
            if index is None or not index.isValid():
                self.table.selectionModel().clear()
            elif index.row() != self.table.currentIndex().row() or not self.table.selectionModel().hasSelection():
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
        finally:
            self._syncing = False

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.table.viewport() and event.type() == QEvent.Type.Resize and self.model is not None
                and (self.table.viewport().width() < NARROW_TABLE) != self._narrow):
            self._size_columns()
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.NoModifier:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._emit(self.claimActivated, self.table.currentIndex())
                    return True
                if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                    self._emit(self.deleteRequested, self.table.currentIndex())
                    return True
                if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                    self.tagKeyPressed.emit(self.selected_claims(), key - Qt.Key.Key_0)
                    return True
        return super().eventFilter(obj, event)

    def _emit(self, signal, index) -> None:
        claim = self.claim_at(index)
        if claim is not None:
            signal.emit(claim)
