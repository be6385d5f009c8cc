"""The codebook: tags with colour swatch, key and claim count, and the tools to
add, rename, recolour, merge and remove them. The panel asks the user; the
main window carries the change out as an undoable command."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.codebook import PALETTE
from desktop_app.qt.icons import icon
from desktop_app.qt.swatches import swatch
from desktop_app.qt.lazy import LazyModule

# loaded on first use, after the window's first paint (see lazy.py)
dialogs = LazyModule("desktop_app.qt.dialogs")


class TagDialog(QDialog):
    """Name, colour, key and description of a new tag."""

    def __init__(self, parent=None, *, used_keys: set[int] = frozenset(), used_colors: set[str] = frozenset()):
        super().__init__(parent)
        self.setWindowTitle("New tag")
        self.name = QLineEdit()
        self.name.setAccessibleName("Tag name")
        self.color = next((c for c in PALETTE if c not in used_colors), PALETTE[0])
        self.color_button = QPushButton()
        self.color_button.setAccessibleName("Tag colour")
        self.color_button.clicked.connect(self._pick_color)
        self._show_color()
        self.key = QSpinBox()
        self.key.setRange(0, 9)
        self.key.setSpecialValueText("none")
        self.key.setAccessibleName("Tag key")
        free = [k for k in range(1, 10) if k not in used_keys]
        self.key.setValue(free[0] if free else 0)
        self.description = QLineEdit()
        self.description.setAccessibleName("Tag description")
        form = QFormLayout(self)
        form.addRow("&Name:", self.name)
        form.addRow("&Colour:", self.color_button)
        form.addRow("&Key:", self.key)
        form.addRow("&Description:", self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _show_color(self) -> None:
        self.color_button.setIcon(swatch(self.color, 16))
        self.color_button.setText(self.color)

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, "Tag colour")
        if chosen.isValid():
            self.color = chosen.name().upper()
            self._show_color()

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "color": self.color,
            "key": self.key.value() or None,
            "description": self.description.text(),
        }


class CodebookPanel(QWidget):
    tagClicked = Signal(int)
    addRequested = Signal(dict)  # name, color, key, description
    updateRequested = Signal(int, dict)  # tag id, fields to change
    mergeRequested = Signal(int, int)  # source, target
    removeRequested = Signal(int, bool)  # tag id, untag claims that use it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = None
        self.table = QTableView()
        self.table.setAccessibleName("Codebook")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        tools = QHBoxLayout()
        tools.setSpacing(2)
        self.buttons = {}
        for name, tip, slot in (
            ("add", "Add a tag", self.ask_add),
            ("rename", "Rename the selected tag", self.ask_rename),
            ("color", "Change the selected tag's colour", self.ask_recolor),
            ("merge", "Merge the selected tag into another", self.ask_merge),
            ("remove", "Remove the selected tag", self.ask_remove),
        ):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            tools.addWidget(button)
            self.buttons[name] = button
        self.key_button = QToolButton(text="Key…")
        self.key_button.setToolTip("Set the selected tag's key (1-9)")
        self.key_button.setAccessibleName("Set tag key")
        self.key_button.clicked.connect(self.ask_key)
        # a row of their own: beside the icons they kept the codebook (and the reading panes) from narrowing
        words = QHBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.key_button)
        self.keywords_button = QToolButton(text="Keywords…")
        self.keywords_button.setToolTip("Words that suggest the selected tag (claim candidates, matching passages)")
        self.keywords_button.setAccessibleName("Set tag keywords")
        self.keywords_button.clicked.connect(self.ask_keywords)
        words.addWidget(self.keywords_button)
        words.addStretch(1)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(tools)
        layout.addLayout(words)
        layout.addWidget(self.table)

    def set_read_only(self, read_only: bool) -> None:
        """Off while the open database cannot be changed here."""
        for button in (*self.buttons.values(), self.key_button, self.keywords_button):
            button.setEnabled(not read_only)

    def set_model(self, model) -> None:
        self.model = model
        self.table.setModel(model)
        # The model is re-read on every codebook change: keep the selected tag.
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        self._kept_tag = None
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    # ------------------------------------------------------------------ helpers
    def selected_tag(self):
        if self.model is None:
            return None
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.tag(self.model.tag_id(index.row()))

    def select_tag(self, tag_id: int | None) -> None:
        row = self.model.row_of(tag_id) if self.model is not None and tag_id is not None else None
        if row is None:
            self.table.clearSelection()
            return
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _remember_selection(self) -> None:
        tag = self.selected_tag()
        self._kept_tag = tag.id if tag is not None else None

    def _restore_selection(self) -> None:
        if self._kept_tag is not None:
            self.select_tag(self._kept_tag)

    def _tags(self):
        return [self.model.tag(self.model.tag_id(r)) for r in range(self.model.rowCount())] if self.model else []

    def _clicked(self, index) -> None:
        if index.isValid():
            self.tagClicked.emit(self.model.tag_id(index.row()))

    def _need_selection(self):
        tag = self.selected_tag()
        if tag is None:
            dialogs.inform(self, "Codebook", "Select a tag in the codebook first.")
        return tag

    # ------------------------------------------------------------------ asking
    def ask_add(self) -> None:
        tags = self._tags()
        dialog = TagDialog(self, used_keys={t.key for t in tags if t.key}, used_colors={t.color for t in tags})
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        values = dialog.values()
        dialog.deleteLater()
        if accepted:
            self.addRequested.emit(values)

    def ask_rename(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        name, ok = QInputDialog.getText(self, "Rename tag", f"New name for '{tag.name}':", text=tag.name)
        if ok and name.strip() and name.strip() != tag.name:
            self.updateRequested.emit(tag.id, {"name": name})

    def ask_recolor(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        chosen = QColorDialog.getColor(QColor(tag.color), self, f"Colour of '{tag.name}'")
        if chosen.isValid() and chosen.name().upper() != tag.color.upper():
            self.updateRequested.emit(tag.id, {"color": chosen.name().upper()})

    def ask_key(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        keys = ["none"] + [str(k) for k in range(1, 10)]
        current = keys.index(str(tag.key)) if tag.key else 0
        choice, ok = QInputDialog.getItem(self, "Tag key", f"Key for '{tag.name}':", keys, current, False)
        if ok:
            new = None if choice == "none" else int(choice)
            if new != tag.key:
                self.updateRequested.emit(tag.id, {"key": new})

    def ask_keywords(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        text, ok = QInputDialog.getText(
            self, "Tag keywords", f"Words that suggest '{tag.name}', separated by commas:",
            text=", ".join(tag.keywords),
        )
        if ok:
            words = tuple(w.strip() for w in text.split(",") if w.strip())
            if words != tag.keywords:
                self.updateRequested.emit(tag.id, {"keywords": words})

    def ask_merge(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        others = [t for t in self._tags() if t.id != tag.id]
        if not others:
            dialogs.inform(self, "Merge tags", "There is no other tag to merge into.")
            return
        target = self._choose_tag(f"Merge '{tag.name}' into:", others)
        if target is not None:
            self.mergeRequested.emit(tag.id, target)

    def _choose_tag(self, label: str, tags) -> int | None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Choose a tag")
        combo = QComboBox()
        combo.setAccessibleName("Target tag")
        for t in tags:
            combo.addItem(swatch(t.color), t.name, t.id)
        form = QFormLayout(dialog)
        form.addRow(label, combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        value = combo.currentData() if accepted else None
        dialog.deleteLater()
        return value

    def ask_remove(self) -> None:
        tag = self._need_selection()
        if tag is None:
            return
        count = self.model.claim_count(tag.id)  # counts may still be on their way
        if count != tag.claim_count:
            tag = replace(tag, claim_count=count)
        if not tag.claim_count:
            if dialogs.confirm(self, "Remove tag", f"Remove the tag '{tag.name}'?"):
                self.removeRequested.emit(tag.id, False)
            return
        choice = self._remove_choice(tag)
        if choice == "merge":
            self.ask_merge()
        elif choice == "untag":
            self.removeRequested.emit(tag.id, True)

    def _remove_choice(self, tag) -> str | None:
        """For a tag in use: "merge", "untag" or None (cancel)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove tag")
        box.setText(f"The tag '{tag.name}' is used by {tag.claim_count} claim(s).")
        box.setInformativeText("Merge it into another tag, or take it off those claims? (Both can be undone.)")
        merge = box.addButton("Merge into…", QMessageBox.ButtonRole.AcceptRole)
        untag = box.addButton("Take it off the claims", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is merge:
            return "merge"
        if clicked is untag:
            return "untag"
        return None
