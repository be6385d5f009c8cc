"""The orphaned claims: claims that a new version of their document no longer
contains. Each can be attached again to a passage selected in a pane."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

EXPLANATION = (
    "These claims were not found in the current text of their document. Show the "
    "document, select the passage the claim is about, then attach the claim to it."
)


class OrphansPanel(QWidget):
    claimSelected = Signal(int)
    openRequested = Signal(int)  # show the claim's document (double-click, Enter, button)
    attachRequested = Signal(int)  # attach the claim to the selection in a pane

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = None
        self._syncing = False
        self.explanation = QLabel(EXPLANATION)
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("About orphaned claims")
        self.empty = QLabel("No orphaned claims: every claim has its place in its document.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableView()
        self.table.setAccessibleName("Orphaned claims")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda index: self._emit(self.openRequested, index))
        self.table.installEventFilter(self)
        self.open_button = QPushButton("Show document")
        self.open_button.setToolTip("Show the claim's document in a pane, to select the passage")
        self.open_button.clicked.connect(lambda: self._emit(self.openRequested, self.table.currentIndex()))
        self.attach_button = QPushButton("Attach to selection")
        self.attach_button.setToolTip("Attach the claim to the text selected in a pane (Ctrl+Shift+A)")
        self.attach_button.clicked.connect(lambda: self._emit(self.attachRequested, self.table.currentIndex()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self._update_state()

    def set_model(self, model) -> None:
        """Show an OrphansModel (a new one for each database)."""
        if self.model is not None:
            for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
                signal.disconnect(self._update_state)
        self.model = model
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        header.resizeSection(model.DOCUMENT, metrics.horizontalAdvance("Netflix hires AI experts") + 40)
        header.resizeSection(model.TAGS, metrics.horizontalAdvance("deepfakes, salaries") + 40)
        header.setSectionResizeMode(model.QUOTE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(model.NOTE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_state)
        self._update_state()

    def _update_state(self, *_args) -> None:
        rows = self.model.rowCount() if self.model is not None else 0
        self.table.setVisible(rows > 0)
        self.explanation.setVisible(rows > 0)
        self.empty.setVisible(rows == 0)
        has_current = rows > 0 and self.table.currentIndex().isValid()
        self.open_button.setEnabled(has_current)
        self.attach_button.setEnabled(has_current)

    def _current_changed(self, current, _previous) -> None:
        self._update_state()
        if not self._syncing:
            self._emit(self.claimSelected, current)

    def claim_at(self, index) -> int | None:
        if self.model is None or not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.claim(index.row()).id

    def current_claim(self) -> int | None:
        return self.claim_at(self.table.currentIndex())

    def select_claim(self, claim_id: int | None) -> None:
        """Make ``claim_id`` the current row if it is listed (without emitting
        claimSelected); another claim leaves the current row as it is."""
        if self.model is None or claim_id is None:
            return
        row = self.model.row_of(claim_id)
        if row is None:
            return
        self._syncing = True
        try:
            index = self.model.index(row, self.model.QUOTE)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        finally:
            self._syncing = False
        self._update_state()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.NoModifier and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._emit(self.openRequested, self.table.currentIndex())
                return True
        return super().eventFilter(obj, event)

    def _emit(self, signal, index) -> None:
        claim = self.claim_at(index)
        if claim is not None:
            signal.emit(claim)
