"""The "Claims across sources" matrix: one row per group of linked claims
(a connected component of the link graph), one column per document, and in
each cell how that document treats the group.

A cell reads, from the links of the document's claims in the group:
"contradicts", "qualifies", "corroborates" or "cites" when one of its claims
is the source of such a link (the strongest first, in that order); "said"
when its claims are only the targets of links, or joined by "same"; and
"absent" when the document has no claim in the group.

As in the claim editor, a "same" or "corroborates" link whose two quotes
carry figures that differ once normalised ($900K vs $650,000, see
core/figures/) flags its group: the row's header starts with ⚠ and names
the differing figures in its tooltip, and the cells of the documents whose
figures differ get an amber background (``FiguresDifferRole`` gives both to
tests and tools)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from desktop_app.core.matrix import ABSENT, FIGURE_WARNING, SAID, Group, build_groups
from desktop_app.qt.commands import short_quote
from desktop_app.qt.link_gutter import RELATION_COLORS
from desktop_app.qt.roles import FiguresDifferRole

TREATMENT_COLORS = {**RELATION_COLORS, SAID: RELATION_COLORS["same"]}
CLAIM_ROLE = Qt.ItemDataRole.UserRole
FIGURES_DIFFER_BACKGROUND = "#FBE3B8"  # amber, light enough for every treatment's colour


class MatrixModel(QAbstractTableModel):
    """Groups of linked claims × documents."""

    def __init__(self, store, events, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.groups: list[Group] = []
        self.documents: list[tuple[int, str]] = []  # (id, title) of the columns
        for signal in (events.linksChanged, events.documentsChanged):
            signal.connect(self.reload)
        events.claimAdded.connect(lambda _row: self.reload())
        events.claimChanged.connect(lambda _row: self.reload())  # a reattached claim's quote, its figures
        events.claimRemoved.connect(lambda *_: self.reload())
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        try:
            links = self.store.list_links()
            ids = {i for link in links for i in (link.source_id, link.target_id)}
            claims = {c.id: c for c in self.store.list_claims() if c.id in ids}
            self.groups = build_groups(links, claims)
            used = {d for g in self.groups for d in g.cells}
            self.documents = [(d.id, d.title) for d in self.store.list_documents() if d.id in used]
        finally:
            self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.documents)

    def cell(self, row: int, column: int) -> tuple[str, int | None, list[str]]:
        found = self.groups[row].cells.get(self.documents[column][0])
        return found if found is not None else (ABSENT, None, [])

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.groups) or index.column() >= len(self.documents):
            return None
        treatment, claim_id, quotes = self.cell(index.row(), index.column())
        differing = self.groups[index.row()].differing.get(self.documents[index.column()][0], ())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{FIGURE_WARNING} {treatment}" if differing else treatment
        if role == Qt.ItemDataRole.ToolTipRole:
            text = "\n".join(f"“{q}”" for q in quotes) if quotes else "No claim of this document in the group"
            if differing:
                text += (f"\n\n{FIGURE_WARNING} Its figures differ from a linked claim's: "
                         f"{', '.join(differing)} (see the row's header).")
            return text
        if role == Qt.ItemDataRole.ForegroundRole and treatment != ABSENT:
            return QColor(TREATMENT_COLORS[treatment])
        if role == Qt.ItemDataRole.BackgroundRole and differing:
            return QColor(FIGURES_DIFFER_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and differing:
            font = QFont()
            font.setBold(True)  # the treatment's colour stays legible on amber
            return font
        if role == FiguresDifferRole:
            return list(differing)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == CLAIM_ROLE:
            return claim_id
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.documents):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.documents[section][1]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.groups):
            group = self.groups[section]
            if role == Qt.ItemDataRole.DisplayRole:
                label = short_quote(group.label, 50)
                return f"{FIGURE_WARNING} {label}" if group.differences else label
            if role == Qt.ItemDataRole.ToolTipRole:
                if not group.differences:
                    return group.label
                return f"{group.label}\n\n{FIGURE_WARNING} The figures differ: {'; '.join(group.differences)}."
            if role == FiguresDifferRole:
                return list(group.differences)
        return None


class MatrixWindow(QDialog):
    """View > Claims across sources: the matrix in a window of its own."""

    claimActivated = Signal(int)

    def __init__(self, parent, store, events) -> None:
        super().__init__(parent)
        self.setWindowTitle("Claims across sources")
        self.setModal(False)
        self.model = MatrixModel(store, events, self)
        self.table = QTableView()
        self.table.setAccessibleName("Claims across sources")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # A long title ends in "…" (the full title is the header's tooltip), never cut on both sides.
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.doubleClicked.connect(self._activated)
        hint = QLabel("Each row is a group of linked claims; double-click a cell to go to the passage. "
                      f"{FIGURE_WARNING} marks linked claims whose figures differ.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        self.resize(760, 360)

    def _activated(self, index: QModelIndex) -> None:
        claim_id = index.data(CLAIM_ROLE)
        if claim_id is not None:
            self.claimActivated.emit(int(claim_id))
