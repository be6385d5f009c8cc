"""The shape every table model here shares: a fixed tuple of column
headers, rows of one level (no children). A model says how many rows it
has by ``_length``; the rest is the same for all."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

_DISPLAY = Qt.ItemDataRole.DisplayRole


class FixedColumns(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def _length(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else self._length()

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role=_DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return super().headerData(section, orientation, role)
