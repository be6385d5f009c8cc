"""The library: every document with title, outlet, date and number of claims.
Right-click a document to open it, replace it with a new version or delete it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget

from desktop_app.qt.library_model import LibraryFilter

TITLE_LINES = 2  # lines of a title shown in a row
TITLE_SHARE = 0.5  # the titles' least share of the table's width: outlet and date give way to them


class LibraryPanel(QWidget):
    openRequested = Signal(int)  # document id (double-click or Enter)
    deleteRequested = Signal(int)
    replaceRequested = Signal(int)  # choose a new version of the document

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
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Titles are long: they wrap onto up to three lines instead of being cut short.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().lineSpacing() * TITLE_LINES + 8)
        # filtered and sorted over plain lists: each character typed is one
        # pass over the titles, not a call into Python per row (library_model.py)
        self.proxy = LibraryFilter(self)
        self.table.setModel(self.proxy)
        # columns sized to the rows in view, not to every document
        self.table.horizontalHeader().setResizeContentsPrecision(0)
        self._current: int | None = None  # the document selected, kept across a filter or sort
        self.proxy.modelAboutToBeReset.connect(self._remember_current)
        self.proxy.modelReset.connect(self._restore_current)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.doubleClicked.connect(self._open_index)
        # Enter opens the document, Delete moves it to the bin (keys of the table itself).
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)  # its width decides which columns fit
        self._empty_columns: set[int] = set()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)

    def set_model(self, model) -> None:
        if self.proxy.sourceModel() is not None:
            self.proxy.sourceModel().modelReset.disconnect(self._hide_empty_columns)
        self.proxy.setSourceModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        model.modelReset.connect(self._hide_empty_columns)
        self._hide_empty_columns()

    def show_preview(self, rows) -> None:
        """List documents read straight from the file (database.peek_library:
        id, title, outlet, date) while the store is still opening; set_model
        replaces them."""
        from desktop_app.qt.library_model import PreviewModel

        self.set_model(PreviewModel(rows, self))

    def _hide_empty_columns(self) -> None:
        """Outlet and date are often unknown: a column empty for every
        document is hidden, leaving its room to the titles."""
        model = self.proxy.sourceModel()
        if model is None:
            return
        filled = getattr(model, "filled_columns", None)  # the documents model knows without asking each cell
        if filled is not None:
            shown = filled()
            self._empty_columns = {col for col in range(1, model.columnCount() - 1)
                                   if model.rowCount() > 0 and col not in shown}
        else:
            self._empty_columns = {
                col for col in range(1, model.columnCount() - 1)
                if model.rowCount() > 0 and all(not model.index(row, col).data() for row in range(model.rowCount()))}
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The titles keep at least TITLE_SHARE of the width: in a narrow
        library (a 1024-pixel screen) the outlet, then the date, are hidden
        rather than squeezing the titles to a letter. The claims count stays."""
        model = self.proxy.sourceModel()
        if model is None:
            return
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        last = model.columnCount() - 1

        def wanted(col: int) -> int:
            return max(header.sectionSizeHint(col), self.table.sizeHintForColumn(col))

        left = room - wanted(last)
        for col in range(last - 1, 0, -1):  # the date is kept longer than the outlet
            shown = col not in self._empty_columns and left - wanted(col) >= TITLE_SHARE * room
            self.table.setColumnHidden(col, not shown)
            if shown:
                left -= wanted(col)

    def _remember_current(self) -> None:
        current = self.current_document()
        if current is not None:
            self._current = current

    def _restore_current(self) -> None:
        doc_id, self._current = self._current, None
        source = self.proxy.sourceModel()
        row_of = getattr(source, "row_of", None)
        if doc_id is None or row_of is None or row_of(doc_id) is None:
            return
        index = self.proxy.mapFromSource(source.index(row_of(doc_id), 0))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def current_document(self) -> int | None:
        return self.document_at(self.table.currentIndex())

    def document_at(self, index) -> int | None:
        if not index.isValid():
            return None
        value = self.proxy.mapToSource(index).siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def build_context_menu(self, doc_id: int) -> QMenu:
        """The menu for a document's row; the caller executes and deletes it."""
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.openRequested.emit(doc_id))
        menu.addAction("Replace with new version…", lambda: self.replaceRequested.emit(doc_id))
        menu.addSeparator()
        menu.addAction("Move to the bin…", lambda: self.deleteRequested.emit(doc_id))
        return menu

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        doc_id = self.document_at(index)
        if doc_id is None:
            return
        self.table.setCurrentIndex(index)
        menu = self.build_context_menu(doc_id)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _open_index(self, index) -> None:
        value = self.proxy.mapToSource(index).siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if value is not None:
            self.openRequested.emit(int(value))

    def _open_current(self) -> None:
        doc = self.current_document()
        if doc is not None:
            self.openRequested.emit(doc)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.NoModifier:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._open_current()
                    return True
                if key == Qt.Key.Key_Delete:
                    self._delete_current()
                    return True
        return super().eventFilter(obj, event)

    def _delete_current(self) -> None:
        doc = self.current_document()
        if doc is not None:
            self.deleteRequested.emit(doc)
