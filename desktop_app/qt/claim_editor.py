"""The claim editor: the selected claim's quote, tags, status and note.

The note saves itself while the user types (after a short pause, and when the
editor loses focus or another claim is selected); the undo commands merge
one burst of typing into one undo step.

Each edit is sent with the version of the claim the editor shows, so that a
change made elsewhere meanwhile (another window, the command line) is caught
instead of overwritten."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.rows import STATUSES
from desktop_app.qt.swatches import swatch

NOTE_SAVE_DELAY_MS = 600
LINK_ROWS = 5  # links shown without scrolling the list


def _is_undo(event) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo)


def _is_redo(event) -> bool:
    return event.matches(QKeySequence.StandardKey.Redo) or event.keyCombination() in (
        QKeyCombination(Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Z),
        QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Y),
    )


class _NoteEdit(QPlainTextEdit):
    """The note field. Ctrl+Z and Ctrl+Shift+Z undo and redo the typing not
    saved yet, as in any text field; once a burst of typing is saved it is a
    step of Edit > Undo (the field forgets its own history then), so the
    same keys reach the window's undo: the note comes back as it was, and no
    new edit is recorded."""

    focusLost = Signal()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and not self.isReadOnly():
            doc = self.document()
            if (_is_undo(event) and not doc.isUndoAvailable()) or (_is_redo(event) and not doc.isRedoAvailable()):
                event.ignore()  # nothing of the field's own: the window's Undo/Redo takes the key
                return False
        return super().event(event)

    def focusOutEvent(self, event) -> None:
        self.focusLost.emit()
        super().focusOutEvent(event)


class ClaimEditor(QWidget):
    tagsEdited = Signal(int, list, int)  # claim id, tag ids, version shown
    statusEdited = Signal(int, str, int)  # claim id, status, version shown
    noteEdited = Signal(int, str, int)  # claim id, note, version shown
    pendingNoteChanged = Signal()  # typing began, or was saved or dropped
    linkRemoveRequested = Signal(int)  # link id
    linkEditRequested = Signal(int)  # link id: change its relation or note
    linkActivated = Signal(int)  # the other claim of a link, double-clicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.claim = None
        self._tags = []
        self._updating = False
        self._note_dirty = False  # typed and not saved yet
        self._note_base = ""  # the saved note the typing started from
        self._note_version: int | None = None  # the version a note edit is checked against
        self.placeholder = QLabel("Select a claim to see and edit it here.\nSelect text and press a tag's key to make one.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quote = QLabel()
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setAccessibleName("Quote of the claim")
        self.source = QLabel()  # the document's title, and the page in a paged source
        self._document_title = ""
        self.source.setWordWrap(True)
        self.source.setAccessibleName("Source of the claim")
        self.orphan_note = QLabel(
            "⚠ Not found in the current text of its document. Select the passage in a pane "
            "and use Edit > Attach to selection (Ctrl+Shift+A)."
        )
        self.orphan_note.setWordWrap(True)
        self.orphan_note.setAccessibleName("The claim is orphaned")
        self.tag_box = QWidget()
        self.tag_layout = QVBoxLayout(self.tag_box)
        self.tag_layout.setContentsMargins(0, 0, 0, 0)
        self.tag_checks: dict[int, QCheckBox] = {}
        self.status = QComboBox()
        self.status.setAccessibleName("Status of the claim")
        for s in STATUSES:
            self.status.addItem(s.capitalize(), s)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.note = _NoteEdit()
        self.note.setPlaceholderText("Note (saved as you type)")
        self.note.setAccessibleName("Note of the claim")
        self.note.setTabChangesFocus(True)
        self.note.textChanged.connect(self._note_typed)
        self.note.focusLost.connect(self.flush_note)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self.links_list = QListWidget()
        self.links_list.setAccessibleName("Links of the claim")
        self.links_list.setToolTip("Double-click a link to go to the other claim")
        # Each link on as many lines as it needs (never cut at the side); the list grows with
        # its links up to LINK_ROWS of them, then scrolls; the editor itself scrolls past that.
        self.links_list.setWordWrap(True)
        self.links_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.links_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.links_list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.links_list.itemDoubleClicked.connect(
            lambda item: self.linkActivated.emit(int(item.data(Qt.ItemDataRole.UserRole + 1))))
        self.links_list.currentItemChanged.connect(lambda *_: self._update_unlink())
        self.links_list.itemClicked.connect(lambda _item: self._show_link_buttons())
        self.links_list.installEventFilter(self)
        # Tool buttons: compact, so that both fit beside "Links:" in the narrow dock at 1024 px.
        self.unlink_button = QToolButton(text="Remove")
        self.unlink_button.setAccessibleName("Remove the selected link")
        self.unlink_button.setToolTip("Remove the selected link (Ctrl+Z brings it back)")
        self.unlink_button.clicked.connect(self._remove_link)
        self.edit_link_button = QToolButton(text="Change…")
        self.edit_link_button.setAccessibleName("Change the relation or note of the selected link")
        self.edit_link_button.setToolTip("Change the relation or note of the selected link")
        self.edit_link_button.clicked.connect(self._edit_link)
        self.links_hint = QLabel("No links. Edit > Link claims… (Ctrl+L) links it with a claim of another pane.")
        self.links_hint.setWordWrap(True)
        links_box = QWidget()
        links_layout = QVBoxLayout(links_box)
        links_layout.setContentsMargins(0, 0, 0, 0)
        links_layout.addWidget(self.links_hint)
        row = QHBoxLayout()  # above the list, so that a long list never pushes them out of sight
        row.addWidget(self.edit_link_button)
        row.addWidget(self.unlink_button)
        row.addStretch(1)
        links_layout.addLayout(row)
        links_layout.addWidget(self.links_list)
        self.form_widget = QWidget()
        form = QFormLayout(self.form_widget)
        form.setContentsMargins(4, 4, 4, 4)  # the dock is narrow at 1024 px: no room lost to sideways scrolling
        form.addRow("Quote:", self.quote)
        form.addRow("Source:", self.source)
        form.addRow(self.orphan_note)
        form.addRow("Tags:", self.tag_box)
        form.addRow("&Status:", self.status)
        form.addRow("&Note:", self.note)
        form.addRow("Links:", links_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        # The form does not always lay wrapped labels out again at a new width (a dock made
        # narrower, a scroll bar appearing): the quote's lines then ran under the source. Each
        # label asks for the height its text needs at its width.
        self._wrapped = (self.quote, self.source, self.orphan_note, self.links_hint)
        for label in self._wrapped:
            label.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.placeholder)
        layout.addWidget(scroll)
        self._scroll = scroll
        self.set_links([])
        self.show_claim(None)

    def set_links(self, rows) -> None:
        """The links of the claim shown: (link id, other claim id, text, colour)."""
        current = self.links_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.links_list.clear()
        for link_id, other_id, text, color in rows:
            item = QListWidgetItem(swatch(color), text)
            item.setData(Qt.ItemDataRole.UserRole, link_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, other_id)
            item.setToolTip(text)
            self.links_list.addItem(item)
            if link_id == keep:
                self.links_list.setCurrentItem(item)
        if self.links_list.currentItem() is None and self.links_list.count():
            self.links_list.setCurrentRow(0)
        self.links_list.setVisible(bool(rows))
        self._fit_links()
        self.links_hint.setVisible(not rows)
        self._update_unlink()

    def _fit_links(self) -> None:
        """As tall as its links (wrapped to the list's width), up to LINK_ROWS of them."""
        lst = self.links_list
        lst.doItemsLayout()
        shown = min(lst.count(), LINK_ROWS)
        rows = [lst.visualItemRect(lst.item(r)).height() + 2 * lst.spacing() for r in range(shown)]
        height = sum(rows) + 2 * lst.frameWidth() + 4
        lst.setFixedHeight(max(height, lst.fontMetrics().lineSpacing() + 8))

    def _fit_label(self, label: QLabel) -> None:
        label.setMinimumHeight(0)  # a label's height for a width is never below its minimum
        label.setMinimumHeight(max(0, label.heightForWidth(label.width())))

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize and obj in getattr(self, "_wrapped", ()) and \
                event.size().width() != event.oldSize().width():
            self._fit_label(obj)
        if obj is self.links_list and event.type() == QEvent.Type.Resize and \
                event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self._fit_links)  # the lines wrap again at the new width
        return super().eventFilter(obj, event)

    def _show_link_buttons(self) -> None:
        """Scroll the editor (up and down only) so that the link buttons are in sight."""
        button = self.unlink_button
        top = button.mapTo(self.form_widget, button.rect().topLeft()).y()
        bar = self._scroll.verticalScrollBar()
        seen = self._scroll.viewport().height()
        if top < bar.value() or top + button.height() > bar.value() + seen:
            bar.setValue(max(0, top - 8))

    def link_ids(self) -> list[int]:
        return [self.links_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.links_list.count())]

    def _update_unlink(self) -> None:
        for button in (self.unlink_button, self.edit_link_button):
            button.setVisible(self.links_list.count() > 0)
            button.setEnabled(self.links_list.currentItem() is not None)

    def _edit_link(self) -> None:
        item = self.links_list.currentItem()
        if item is not None:
            self.linkEditRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _remove_link(self) -> None:
        item = self.links_list.currentItem()
        if item is not None:
            self.linkRemoveRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def set_tags(self, tags) -> None:
        self._tags = list(tags)
        for check in self.tag_checks.values():
            check.deleteLater()
        self.tag_checks = {}
        for t in self._tags:
            label = f"{t.name}   key {t.key}" if t.key else t.name
            check = QCheckBox(label)
            check.setIcon(swatch(t.color))
            check.setAccessibleName(f"Tag {t.name}")
            check.toggled.connect(self._tags_changed)
            self.tag_layout.addWidget(check)
            self.tag_checks[t.id] = check
        self.show_claim(self.claim, document_title=self._document_title)

    def show_claim(self, claim, *, document_title: str = "") -> None:
        """Show a ClaimRow (or None). Saves a pending note of the previous claim first."""
        if self.claim is not None and (claim is None or claim.id != self.claim.id):
            self.flush_note()
        same = claim is not None and self.claim is not None and claim.id == self.claim.id
        if claim is not None:
            if not (same and self._note_dirty):
                self._note_base, self._note_version = claim.note, claim.version
            elif claim.note == self._note_base:
                self._note_version = claim.version  # another field changed; the note is as typing began
            # else: the note changed elsewhere under the typing: saving it must be a conflict
        self.claim = claim
        self._updating = True
        try:
            self.placeholder.setVisible(claim is None)
            self._scroll.setVisible(claim is not None)
            if claim is None:
                return
            self.quote.setText(f"“{claim.quote}”")
            self._document_title = document_title
            page = getattr(claim, "page", "")
            if page:
                where = f"pages {page}" if "\u2013" in page else f"page {page}"
                self.source.setText(f"{document_title} · {where}" if document_title else where.capitalize())
            else:
                self.source.setText(document_title)
            self._fit_label(self.quote)
            self._fit_label(self.source)
            self.orphan_note.setVisible(bool(claim.orphaned))
            for tag_id, check in self.tag_checks.items():
                check.setChecked(tag_id in claim.tag_ids)
            self.status.setCurrentIndex(max(self.status.findData(claim.status), 0))
            if self.note.toPlainText() != claim.note and not self._note_dirty:
                self.note.setPlainText(claim.note)
        finally:
            self._updating = False

    @property
    def version(self) -> int | None:
        """The version of the claim shown (what edits are checked against)."""
        return None if self.claim is None else self.claim.version

    def _tags_changed(self) -> None:
        if self._updating or self.claim is None:
            return
        ids = [tid for tid, check in self.tag_checks.items() if check.isChecked()]
        self.tagsEdited.emit(self.claim.id, ids, self.claim.version)

    def _status_changed(self) -> None:
        if self._updating or self.claim is None:
            return
        status = self.status.currentData()
        if status != self.claim.status:
            self.statusEdited.emit(self.claim.id, status, self.claim.version)

    def _note_typed(self) -> None:
        if not self._updating and self.claim is not None:
            self._note_dirty = True
            self._note_timer.start()
            self.pendingNoteChanged.emit()

    def has_unsaved_note(self) -> bool:
        return self._note_dirty

    def flush_note(self) -> None:
        """Save the note now if it has unsaved typing (called by the timer
        after a pause, on focus out, and before another claim is shown)."""
        self._note_timer.stop()
        if not self._note_dirty or self.claim is None:
            self._note_dirty = False
            return
        self._note_dirty = False
        self.pendingNoteChanged.emit()
        text = self.note.toPlainText()
        # Saved typing is undone with Edit > Undo (one step per burst), not in the field.
        self.note.document().clearUndoRedoStacks()
        if text != self.claim.note:
            version = self._note_version if self._note_version is not None else self.claim.version
            self.noteEdited.emit(self.claim.id, text, version)
