"""One reading pane: a header to choose the document, the reader itself and a
find bar. A long title is shown elided in the header, in full as its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (

    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.visible import show_controls
from desktop_app.core.document import StructuredDocument

from desktop_app.qt.reader import ReaderView


CHOOSER_HINT = "Choose the document shown in this pane"
MIN_PANE_WIDTH = 220  # a pane narrower than this cannot show a line of text


class TitleChooser(QComboBox):
    """A combo box of document titles that elides the current title (…)
    instead of cutting it off mid-word; the tooltip has it in full."""

    def _option(self) -> QStyleOptionComboBox:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return option

    def elided_text(self) -> str:
        """The current title as it is painted."""
        option = self._option()
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight, max(field.width() - 4, 0))

    def paintEvent(self, event) -> None:
        painter = QStylePainter(self)
        option = self._option()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.elided_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class ElidedLabel(QLabel):
    """One line of text, elided at the end when the pane is narrow; the full
    text is its tooltip and what screen readers read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        margins = self.contentsMargins()
        width = max(self.width() - margins.left() - margins.right(), 0)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width))


class ReaderPane(QWidget):
    documentChosen = Signal(int)  # the user picked a document in the header
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ReaderView(self)

        # Header: document chooser and close button.
        self.setMinimumWidth(MIN_PANE_WIDTH)
        self.chooser = TitleChooser(self)
        self._choices = None  # the chooser's model, made with the first list of documents
        self.chooser.setAccessibleName("Document")
        self.chooser.setToolTip(CHOOSER_HINT)
        self.chooser.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(14)
        self.chooser.activated.connect(self._on_chosen)
        self.close_button = QToolButton(self)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close this pane")
        self.close_button.setAccessibleName("Close pane")
        self.close_button.clicked.connect(self.closeRequested)
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 2, 2)
        header.addWidget(self.chooser, 1)
        header.addWidget(self.close_button)

        # Where and when the source was read, for a document whose original is kept.
        self.provenance = ElidedLabel(self)
        self.provenance.setAccessibleName("Where the source was read")
        self.provenance.setContentsMargins(8, 0, 4, 2)
        font = self.provenance.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        self.provenance.setFont(font)
        palette = self.provenance.palette()
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
        self.provenance.setPalette(palette)
        self.provenance.hide()

        # Find bar, hidden until asked for.
        self.find_bar = QWidget(self)
        self.find_edit = QLineEdit(self.find_bar)
        self.find_edit.setPlaceholderText("Find in document")
        self.find_edit.setAccessibleName("Find in document")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(self)
        self.find_edit.textEdited.connect(self._on_edited)
        self.find_status = QLabel(self.find_bar)
        self.find_status.setMinimumWidth(90)
        self.prev_button = self._tool_button("Previous match (Shift+F3)", QStyle.StandardPixmap.SP_ArrowUp)
        self.next_button = self._tool_button("Next match (F3)", QStyle.StandardPixmap.SP_ArrowDown)
        self.find_close_button = self._tool_button("Close find bar (Esc)", QStyle.StandardPixmap.SP_DialogCloseButton)
        self.prev_button.clicked.connect(lambda: self.find_previous())
        self.next_button.clicked.connect(lambda: self.find_next())
        self.find_close_button.clicked.connect(self.hide_find)
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(4, 2, 2, 2)
        bar.addWidget(self.find_edit, 1)
        bar.addWidget(self.find_status)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.find_close_button)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.provenance)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)

    def _tool_button(self, tip: str, icon: QStyle.StandardPixmap) -> QToolButton:
        button = QToolButton(self.find_bar)
        button.setIcon(self.style().standardIcon(icon))
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        return button

    # -- documents --------------------------------------------------------
    def set_documents(self, documents: list[tuple[int, str]]) -> None:
        """Fill the chooser, keeping the current document selected if listed."""
        if self._choices is None:
            from desktop_app.qt.document_choices import DocumentChoices

            self._choices = DocumentChoices(self)
            self.chooser.setModel(self._choices)
            self.chooser.view().setUniformItemSizes(True)  # thousands of titles: rows in view only
        current = self.view.document_id
        self.chooser.blockSignals(True)
        self._choices.set_documents(documents)
        self.chooser.setCurrentIndex(self._choices.row_of(current) if current is not None else -1)
        self.chooser.blockSignals(False)
        self._update_tooltip()

    def set_current_document(self, doc_id: int | None) -> None:
        """Select ``doc_id`` in the chooser without emitting documentChosen."""
        self.chooser.blockSignals(True)
        if self._choices is not None and doc_id is not None:
            self.chooser.setCurrentIndex(self._choices.row_of(doc_id))
        else:
            self.chooser.setCurrentIndex(self.chooser.findData(doc_id) if doc_id is not None else -1)
        self.chooser.blockSignals(False)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        title = self.chooser.currentText()
        self.chooser.setToolTip(f"{title}\n\n{CHOOSER_HINT}" if title else CHOOSER_HINT)
        self.chooser.update()

    def show_document(self, doc_id: int, doc: StructuredDocument) -> None:
        self.view.show_document(doc_id, doc)
        self.set_current_document(doc_id)
        if self.find_bar.isVisible() and self.find_edit.text():
            self._on_edited(self.find_edit.text())

    def set_provenance(self, text: str) -> None:
        """"Retrieved 6 Dec 2026 14:02 from …" under the title; "" hides it."""
        self.provenance.set_full_text(text)
        self.provenance.setVisible(bool(text))

    def clear(self) -> None:
        """Show no document."""
        self.view.clear_document()
        self.set_current_document(None)
        self.set_provenance("")

    def _on_chosen(self, index: int) -> None:
        doc_id = self.chooser.itemData(index)
        if doc_id is not None:
            self.documentChosen.emit(int(doc_id))

    # -- find -------------------------------------------------------------
    def show_find(self) -> None:
        selected = self.view.textCursor().selectedText()
        if selected and len(selected) <= 80 and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.find_bar.show()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()
        if self.find_edit.text():
            self._run_find(backwards=False, incremental=True)

    def hide_find(self) -> None:
        self.find_bar.hide()
        self.view.clear_find()
        self.find_status.clear()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_next(self, backwards: bool = False) -> bool:
        """Select the next (or previous) match of the find bar's text; shows
        the find bar first if it has no text yet."""
        if not self.find_edit.text():
            self.show_find()
            return False
        return self._run_find(backwards=backwards)

    def find_previous(self) -> bool:
        return self.find_next(backwards=True)

    def _on_edited(self, text: str) -> None:
        if text:
            self._run_find(backwards=False, incremental=True)
        else:
            self.view.clear_find()
            self.find_status.clear()

    def _run_find(self, *, backwards: bool, incremental: bool = False) -> bool:
        text = self.find_edit.text()
        if not text:
            return False
        if not self.find_bar.isVisible():
            self.find_bar.show()
        found = self.view.find(text, backwards, incremental=incremental)
        current, total = self.view.find_status()
        if not found or total == 0:
            self.find_status.setText("No matches")
        else:
            shown = f"{total}+" if total >= self.view.FIND_CAP else str(total)
            self.find_status.setText(f"{current} of {shown}" if current else f"{shown} matches")
        return found

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.find_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F3):
                self._run_find(backwards=shift)
                return True
            if key == Qt.Key.Key_Escape:
                self.hide_find()
                return True
        return super().eventFilter(obj, event)
