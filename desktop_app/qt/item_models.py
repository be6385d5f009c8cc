"""Qt item models over the store: documents and the codebook (the claims
table and the orphans' list are in claims_model.py).

Each model reads plain rows from the store and then follows the StoreEvents
hub, so that whichever widget or undo command changed the data, every view
showing it is brought up to date. Claims follow events row by row (inserted,
changed, removed); documents and tags are small and are re-read when they
change, except that claim counts are updated in place.

Roles common to the models:

* ``Qt.UserRole`` (``IdRole``): the id of the row's document, tag or claim.
* ``SortRole`` (``Qt.UserRole + 1``): a raw value to sort the column by
  (strings folded for case, numbers as numbers, times as ISO strings).
* ``ColorRole`` (``Qt.UserRole + 2``): the colour of a swatch shown as the
  decoration (a tag's colour), as "#RRGGBB".

Swatches are icons with the same picture for the selected state, so that a
selected row does not tint them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon

from desktop_app.core.visible import show_controls

from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError
from desktop_app.core.rows import ClaimRow, DocumentRow, TagRow

from desktop_app.qt.events import StoreEvents
from desktop_app.qt.icons import swatch
from desktop_app.qt.roles import ColorRole, IdRole, SortRole  # re-exported for the views and tests

log = logging.getLogger(__name__)

# Claim counts in the library and the codebook are read from the store once
# the user pauses, not on every claim made: a count reads every claim.
COUNT_DELAY_MS = 250
OFFLINE_RETRY_MS = 2000  # counting again while the team database is away


def _count_timer(parent: QObject, slot) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(COUNT_DELAY_MS)

    def count() -> None:
        timer.setInterval(COUNT_DELAY_MS)
        try:
            slot()
        except DatabaseUnreachable:  # the window's connection label says so; count once it is back
            timer.start(OFFLINE_RETRY_MS)

    timer.timeout.connect(count)
    return timer


QUOTE_CHARS = 120  # a quote or note longer than this is cut with an ellipsis in its cell

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FONT = Qt.ItemDataRole.FontRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    """Text on one line (runs of white space become one space), cut to ``limit``
    characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def local_time(dt: datetime) -> str:
    """A stored (UTC) time shown in the local time zone, to the minute."""
    return _utc(dt).astimezone().strftime("%Y-%m-%d %H:%M")


def _color(value: str) -> QColor | None:
    color = QColor(value)
    return color if color.isValid() else None


def _swatch(value: str) -> QIcon | None:
    return swatch(value) if _color(value) is not None else None


class _TableModel(QAbstractTableModel):
    """Shared plumbing: fixed columns, no children."""

    HEADERS: tuple[str, ...] = ()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role=_DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return super().headerData(section, orientation, role)

    def _valid(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return index.isValid() and not index.parent().isValid() and 0 <= index.row() < len(self._rows)

    def _row_changed(self, row: int, first_col: int = 0, last_col: int | None = None) -> None:
        last = len(self.HEADERS) - 1 if last_col is None else last_col
        self.dataChanged.emit(self.index(row, first_col), self.index(row, last))


# ---------------------------------------------------------------- documents
class DocumentsModel(_TableModel):
    """The library: one row per live document, in import order."""

    TITLE, OUTLET, DATE, CLAIMS = range(4)
    HEADERS = ("Title", "Outlet", "Date", "Claims")

    def __init__(self, store, events: StoreEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._events = events
        self._rows: list[DocumentRow] = []
        self._by_id: dict[int, int] = {}
        self._stale_counts: set[int] = set()
        self._count_timer = _count_timer(self, self._update_counts)
        self._load()
        events.documentsChanged.connect(self.refresh)
        events.claimAdded.connect(self._on_claim_added)
        events.claimRemoved.connect(self._on_claim_removed)

    def _load(self) -> None:
        self._rows = self._events.rows("documents", self._store.list_documents)
        self._by_id = {d.id: i for i, d in enumerate(self._rows)}

    def documents(self) -> list[DocumentRow]:
        """The library's rows, as shown (no store read)."""
        return list(self._rows)

    def take_counts(self, rows: list[DocumentRow]) -> None:
        """Claim counts read elsewhere (off the UI thread): shown at once,
        without the count that a claim event would schedule."""
        for fresh in rows:
            row = self._by_id.get(fresh.id)
            if row is not None and self._rows[row].claim_count != fresh.claim_count:
                self._rows[row] = fresh
                self._row_changed(row, self.CLAIMS, self.CLAIMS)
            self._stale_counts.discard(fresh.id)
        if not self._stale_counts:
            self._count_timer.stop()

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def document_id(self, row: int) -> int:
        return self._rows[row].id

    def document(self, row: int) -> DocumentRow:
        return self._rows[row]

    def row_of(self, doc_id: int) -> int | None:
        return self._by_id.get(doc_id)

    def _on_claim_added(self, claim: ClaimRow) -> None:
        self._count_later(claim.document_id)

    def _on_claim_removed(self, _claim_id: int, doc_id: int) -> None:
        self._count_later(doc_id)

    def _count_later(self, doc_id: int) -> None:
        """Counting a document's claims reads all of them: do it once the user
        pauses, not on every claim made (see COUNT_DELAY_MS)."""
        self._stale_counts.add(doc_id)
        self._count_timer.start()

    def _update_counts(self) -> None:
        stale, self._stale_counts = list(self._stale_counts), set()
        for i, doc_id in enumerate(stale):
            try:
                self._update_count(doc_id)
            except DatabaseUnreachable:
                self._stale_counts.update(stale[i:])  # counted again later
                raise

    def _update_count(self, doc_id: int) -> None:
        row = self._by_id.get(doc_id)
        if row is None:
            return
        try:
            fresh = self._store.get_document(doc_id)
        except DatabaseUnreachable:
            raise
        except MarginaliaError:  # removed meanwhile: documentsChanged refreshes
            return
        if fresh.claim_count != self._rows[row].claim_count:
            self._rows[row] = fresh
            self._row_changed(row, self.CLAIMS, self.CLAIMS)

    def data(self, index, role=_DISPLAY):
        if not self._valid(index):
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return (show_controls(d.title), show_controls(d.outlet), d.published, str(d.claim_count))[col]
        if role == IdRole:
            return d.id
        if role == SortRole:
            return (d.title.casefold(), d.outlet.casefold(), d.published, d.claim_count)[col]
        if role == _TOOLTIP:
            source = d.source_url or d.original_name
            return show_controls(f"{d.title}\n{source}" if source else d.title)
        if role == _ALIGN and col == self.CLAIMS:
            return _RIGHT
        return None


# --------------------------------------------------------------------- tags
class TagsModel(_TableModel):
    """The codebook as a flat list sorted by name."""

    NAME, KEY, CLAIMS = range(3)
    HEADERS = ("Name", "Key", "Claims")

    def __init__(self, store, events: StoreEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._events = events
        self._rows: list[TagRow] = []
        self._by_id: dict[int, int] = {}
        self._count_timer = _count_timer(self, self._refresh_counts)
        self._load()
        events.tagsChanged.connect(self.refresh)
        events.claimAdded.connect(self._on_claim)
        events.claimChanged.connect(self._on_claim)
        events.claimRemoved.connect(self._on_claim_removed)
        events.documentsChanged.connect(self._refresh_counts)

    def _load(self, rows: list[TagRow] | None = None) -> None:
        self._rows = self._events.rows("tags", self._store.list_tags) if rows is None else rows
        self._by_id = {t.id: i for i, t in enumerate(self._rows)}

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _on_claim(self, _claim: ClaimRow) -> None:
        self._count_timer.start()  # counting reads every claim: once the user pauses

    def _on_claim_removed(self, _claim_id: int, _doc_id: int) -> None:
        self._count_timer.start()

    def _refresh_counts(self, rows: list[TagRow] | None = None) -> None:
        if rows is None:
            rows = self._events.rows("tags", self._store.list_tags)
        else:
            self._count_timer.stop()  # counted elsewhere (off the UI thread)
        if [t.id for t in rows] != [t.id for t in self._rows]:
            self.beginResetModel()
            self._load(rows)
            self.endResetModel()
            return
        old, self._rows = self._rows, rows
        for i, (before, after) in enumerate(zip(old, rows)):
            if before != after:
                self._row_changed(i)

    def tags(self) -> list[TagRow]:
        return list(self._rows)

    def tag_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, tag_id: int) -> int | None:
        return self._by_id.get(tag_id)

    def tag(self, tag_id: int) -> TagRow:
        """The tag with this id; KeyError if the codebook has none."""
        return self._rows[self._by_id[tag_id]]

    def tag_for_key(self, key: int) -> TagRow | None:
        for t in self._rows:
            if t.key is not None and t.key == key:
                return t
        return None

    def data(self, index, role=_DISPLAY):
        if not self._valid(index):
            return None
        t = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return (t.name, "" if t.key is None else str(t.key), str(t.claim_count))[col]
        if role == IdRole:
            return t.id
        if role == SortRole:
            return (t.name.casefold(), -1 if t.key is None else t.key, t.claim_count)[col]
        if role == _DECORATION and col == self.NAME:
            return _swatch(t.color)
        if role == ColorRole and col == self.NAME:
            return t.color
        if role == _TOOLTIP:
            lines = [t.name] + ([t.description] if t.description else [])
            if t.keywords:
                lines.append("Keywords: " + ", ".join(t.keywords))
            return "\n".join(lines)
        if role == _ALIGN and col in (self.KEY, self.CLAIMS):
            return _RIGHT
        return None
