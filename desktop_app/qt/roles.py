"""Item data roles shared by the models and the views that sort them."""

from PySide6.QtCore import Qt

IdRole = int(Qt.ItemDataRole.UserRole)  # the document, tag or claim id
SortRole = int(Qt.ItemDataRole.UserRole) + 1  # a raw value to sort by
ColorRole = int(Qt.ItemDataRole.UserRole) + 2  # a tag's colour, "#RRGGBB"
# Figures that disagree with those of a linked claim ("same" or "corroborates"):
# on a matrix cell, the texts of that document's figures ("$650,000"); on a
# matrix row header, one "$900,000 vs $650,000" per pair. An empty list: none.
FiguresDifferRole = int(Qt.ItemDataRole.UserRole) + 3
