"""Item data roles shared by the models and the views that sort them."""

from PySide6.QtCore import Qt

IdRole = int(Qt.ItemDataRole.UserRole)  # the document, tag or claim id
SortRole = int(Qt.ItemDataRole.UserRole) + 1  # a raw value to sort by
ColorRole = int(Qt.ItemDataRole.UserRole) + 2  # a tag's colour, "#RRGGBB"
