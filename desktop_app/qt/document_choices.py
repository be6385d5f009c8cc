"""Documents to choose from in a combo box (a pane's chooser, the claims
table's document filter): one light list model over (id, title) pairs.

A combo filled item by item makes a Qt item per document and per role, on
the UI thread, each time the library changes; at ten thousand documents
that is most of a second. This model holds the pairs and answers for the
rows the popup shows. With ``first`` it starts with a row of its own (id
None), such as "All documents"."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from desktop_app.core.visible import show_controls

_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_USER = Qt.ItemDataRole.UserRole


class DocumentChoices(QAbstractListModel):
    def __init__(self, parent=None, first: str | None = None) -> None:
        super().__init__(parent)
        self._first = first
        self._ids: list[int | None] = []
        self._titles: list[str] = []
        self._rows: dict[int, int] = {}
        self.set_documents([])

    def set_documents(self, documents) -> None:
        """``documents``: (id, title) pairs, in the order shown."""
        self.beginResetModel()
        ids: list[int | None] = [None] if self._first is not None else []
        titles = [self._first] if self._first is not None else []
        for doc_id, title in documents:
            ids.append(doc_id)
            titles.append(show_controls(title) or f"Document {doc_id}")  # controls shown, not obeyed
        self._ids, self._titles = ids, titles
        self._rows = {doc_id: row for row, doc_id in enumerate(ids) if doc_id is not None}
        self.endResetModel()

    def row_of(self, doc_id: int | None) -> int:
        """The row of a document (of the first row for None), -1 if not listed."""
        if doc_id is None:
            return 0 if self._first is not None else -1
        return self._rows.get(doc_id, -1)

    def document_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._ids):
            return None
        row = index.row()
        if role in (_DISPLAY, _EDIT, _TOOLTIP):
            return self._titles[row]
        if role == _USER:
            return self._ids[row]
        return None


class DocumentFilterBox(QComboBox):
    """A document to filter by, or all of them: type a part of a title and
    choose from the titles that contain it (a completer over the same
    model), or open the list. ``currentData()`` is the chosen id (None for
    all), as with a plain combo box."""

    def __init__(self, parent=None, all_label: str = "All documents") -> None:
        super().__init__(parent)
        self.choices = DocumentChoices(self, first=all_label)
        self.setModel(self.choices)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText("Type to find a document…")
        self.lineEdit().setAccessibleName("Find a document to filter by")
        # titles in one list: the popup shows the rows in view, not all of them at once
        self.view().setUniformItemSizes(True)
        self.setMaxVisibleItems(20)
        completer = QCompleter(self)
        completer.setModel(self.choices)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)
        self.lineEdit().editingFinished.connect(self._typed)

    def set_documents(self, documents) -> None:
        """List these (id, title) pairs, keeping the chosen document if it is
        still listed (else all); no signal is emitted."""
        current = self.currentData()
        self.blockSignals(True)
        self.choices.set_documents(documents)
        row = self.choices.row_of(current)
        self.setCurrentIndex(max(row, 0))
        self.blockSignals(False)

    def choose(self, doc_id: int | None) -> None:
        """Filter by this document (None: all)."""
        self.setCurrentIndex(max(self.choices.row_of(doc_id), 0))

    def _typed(self) -> None:
        """Text typed and confirmed that names no title: back to the chosen
        row's title (an empty text means all documents)."""
        text = self.lineEdit().text()
        if not text.strip():
            self.setCurrentIndex(0)
        elif self.itemText(self.currentIndex()) != text:
            row = self.findText(text, Qt.MatchFlag.MatchFixedString)
            if row >= 0:
                self.setCurrentIndex(row)
            else:
                self.lineEdit().setText(self.itemText(self.currentIndex()))
