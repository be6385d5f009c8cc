"""The library as the table shows it: the documents model narrowed by the
filter and sorted by a column, as a list of the source's rows.

A QSortFilterProxyModel asks Python for every row on every character typed
(and for two cells per comparison when sorted); at ten thousand documents
that is tens of milliseconds a key. Here the text each row is filtered by
and the key of each column it is sorted by are read once, kept in plain
lists, and filtering or sorting is one pass of Python over them; the view
is then told once (a reset, keeping the current document and selection).

It is a proxy in the ways the panel needs (``sourceModel``, ``mapToSource``,
``mapFromSource``) and follows its source's resets and changed cells; its
source is any table model (the library's DocumentsModel, or the preview
read from the file while the store opens)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from desktop_app.qt.roles import SortRole
from desktop_app.qt.table_shape import FixedColumns

_DISPLAY = Qt.ItemDataRole.DisplayRole


class LibraryFilter(QAbstractTableModel):
    filtered = Signal()  # the rows shown changed (filter, sort or source)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._source = None
        self._words: tuple[str, ...] = ()
        self._sort_column = -1
        self._order = Qt.SortOrder.AscendingOrder
        self._haystacks: list[str] | None = None  # per source row: what the filter looks in
        self._keys: dict[int, list] = {}  # per column: per source row, the sort key
        self._rows: list[int] = []  # source rows shown, in order
        self._at: dict[int, int] = {}  # source row -> row here

    # ------------------------------------------------------------- source
    def setSourceModel(self, model) -> None:
        if self._source is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self._source = model
        if model is not None:
            for signal, slot in self._connections():
                signal.connect(slot)
        self._source_reset()

    def sourceModel(self):
        return self._source

    def _connections(self):
        m = self._source
        return ((m.modelReset, self._source_reset), (m.dataChanged, self._source_changed),
                (m.rowsInserted, self._source_reset), (m.rowsRemoved, self._source_reset),
                (m.layoutChanged, self._source_reset))

    def _source_reset(self, *_args) -> None:
        self._haystacks = None
        self._keys.clear()
        self._apply()
        if self._source is not None and hasattr(self._source, "filter_texts"):
            # ready before the first character is typed (a pass over the titles, once idle)
            QTimer.singleShot(0, self, self._prepare)

    def _prepare(self) -> None:
        if self._haystacks is None and self._source is not None:
            self._haystacks = self._all_haystacks()

    def _source_changed(self, top_left, bottom_right, _roles=()) -> None:
        first, last = top_left.row(), bottom_right.row()
        columns = range(top_left.column(), bottom_right.column() + 1)
        for col in columns:
            self._keys.pop(col, None)
        counts_only = set(columns) == {getattr(self._source, "CLAIMS", -1)}  # not filtered by
        if self._haystacks is not None and not counts_only:
            for row in range(first, last + 1):
                if 0 <= row < len(self._haystacks):
                    self._haystacks[row] = self._haystack(row)
        if self._sort_column in columns or (self._words and not counts_only):
            self._apply()  # a changed row may move or leave
            return
        shown = [self._at[r] for r in range(first, last + 1) if r in self._at]
        if shown:
            self.dataChanged.emit(self.index(min(shown), columns[0]), self.index(max(shown), columns[-1]))

    def _all_haystacks(self) -> list[str]:
        texts = getattr(self._source, "filter_texts", None)  # the library's models give them at once
        if texts is not None:
            return texts()
        return [self._haystack(r) for r in range(self._source.rowCount())]

    def _haystack(self, row: int) -> str:
        m = self._source
        texts = getattr(m, "filter_text", None)
        if texts is not None:
            return texts(row)
        return "\n".join(str(m.index(row, col).data() or "") for col in range(m.columnCount())).casefold()

    def _column_keys(self, col: int) -> list:
        keys = self._keys.get(col)
        fast = getattr(self._source, "sort_keys", None)
        if keys is None and fast is not None:
            keys = self._keys[col] = fast(col)
        if keys is None:
            m = self._source
            keys = []
            for row in range(m.rowCount()):
                index = m.index(row, col)
                value = index.data(SortRole)
                if value is None:
                    value = str(index.data() or "").casefold()
                keys.append(value)
            self._keys[col] = keys
        return keys

    # ------------------------------------------------------ filter and sort
    def setFilterFixedString(self, text: str) -> None:
        """Keep the documents whose title, outlet, date or count contains
        every word of ``text`` (case and accents as typed, case ignored)."""
        words = tuple(text.casefold().split())
        if words != self._words:
            self._words = words
            self._apply()

    def filter_text(self) -> str:
        return " ".join(self._words)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if (column, order) != (self._sort_column, self._order):
            self._sort_column, self._order = column, order
            self._apply()

    def _apply(self) -> None:
        m = self._source
        count = m.rowCount() if m is not None else 0
        rows = range(count)
        if self._words and count:
            if self._haystacks is None:
                self._haystacks = self._all_haystacks()
            hay, words = self._haystacks, self._words
            if len(words) == 1:
                word = words[0]
                rows = [r for r in rows if word in hay[r]]
            else:
                rows = [r for r in rows if all(w in hay[r] for w in words)]
        rows = list(rows)
        if 0 <= self._sort_column < (m.columnCount() if m is not None else 0) and rows:
            keys = self._column_keys(self._sort_column)
            try:
                rows.sort(key=keys.__getitem__, reverse=self._order == Qt.SortOrder.DescendingOrder)
            except TypeError:  # keys of mixed kinds (a preview's text): sort them as text
                rows.sort(key=lambda r: str(keys[r]), reverse=self._order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self._rows = rows
        self._at = {r: i for i, r in enumerate(rows)}
        self.endResetModel()
        self.filtered.emit()

    # ------------------------------------------------------------- mapping
    def mapToSource(self, index) -> QModelIndex:
        if not index.isValid() or self._source is None or not 0 <= index.row() < len(self._rows):
            return QModelIndex()
        return self._source.index(self._rows[index.row()], index.column())

    def mapFromSource(self, index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        row = self._at.get(index.row())
        return QModelIndex() if row is None else self.index(row, index.column())

    # ---------------------------------------------------------- the model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._source is None else self._source.columnCount()

    def headerData(self, section: int, orientation, role=_DISPLAY):
        if self._source is not None and orientation == Qt.Orientation.Horizontal:
            return self._source.headerData(section, orientation, role)
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=_DISPLAY):
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._source.index(self._rows[index.row()], index.column()).data(role)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class PreviewModel(FixedColumns):
    """The library as read straight from the file while the store opens:
    (id, title, outlet, date) rows, shown as the documents model shows them
    (the claim counts follow with the store)."""

    HEADERS = ("Title", "Outlet", "Date", "Claims")

    def __init__(self, rows, parent=None) -> None:
        super().__init__(parent)
        from desktop_app.core.visible import show_controls

        self._ids = [r[0] for r in rows]
        # a spoofed title is seen as such
        self._cells = [(show_controls(r[1]), show_controls(r[2]), r[3], "") for r in rows]

    def _length(self) -> int:
        return len(self._ids)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role in (_DISPLAY, Qt.ItemDataRole.ToolTipRole) and (role == _DISPLAY or index.column() == 0):
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        return None

    def row_of(self, doc_id: int) -> int | None:
        try:
            return self._ids.index(doc_id)
        except ValueError:
            return None

    def filled_columns(self) -> set[int]:
        filled = {0, 3}
        for col in (1, 2):
            if any(c[col] for c in self._cells):
                filled.add(col)
        return filled

    def filter_texts(self) -> list[str]:
        return [f"{t}\n{o}\n{p}".casefold() for t, o, p, _ in self._cells]
