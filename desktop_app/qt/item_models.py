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
from dataclasses import replace
from datetime import datetime, timezone

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon

from desktop_app.core.visible import show_controls

from desktop_app.core.errors import DatabaseUnreachable
from desktop_app.core.rows import ClaimRow, DocumentRow, TagRow

from desktop_app.qt.counting import CountsInBackground
from desktop_app.qt.events import StoreEvents
from desktop_app.qt.swatches import swatch
from desktop_app.qt.table_shape import FixedColumns
from desktop_app.qt.roles import ColorRole, IdRole, SortRole  # re-exported for the views and tests

log = logging.getLogger(__name__)

# Claim counts in the library and the codebook are read again once the user
# pauses, not on every claim made (only the documents touched are counted).
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


class _TableModel(FixedColumns):
    """Shared plumbing: fixed columns, no children, rows in ``_rows``."""

    def _length(self) -> int:
        return len(self._rows)

    def _valid(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return index.isValid() and not index.parent().isValid() and 0 <= index.row() < len(self._rows)

    def _row_changed(self, row: int, first_col: int = 0, last_col: int | None = None) -> None:
        last = len(self.HEADERS) - 1 if last_col is None else last_col
        self.dataChanged.emit(self.index(row, first_col), self.index(row, last))


# ---------------------------------------------------------------- documents
class DocumentsModel(CountsInBackground, _TableModel):
    """The library: one row per live document, in import order.

    The rows are listed without their claim counts (no claim is read); the
    counts come from one grouped query, at once (``counts=True``) or in a
    worker thread (``counts=False``, then ``load_counts_in_background``),
    the Claims column being empty until they arrive. After an edit only the
    documents it touched are counted again."""

    TITLE, OUTLET, DATE, CLAIMS = range(4)
    HEADERS = ("Title", "Outlet", "Date", "Claims")

    def __init__(self, store, events: StoreEvents, parent: QObject | None = None, *, counts: bool = True) -> None:
        super().__init__(parent)
        self._store = store
        self._events = events
        self._rows: list[DocumentRow] = []
        self._by_id: dict[int, int] = {}
        self._counts: dict[int, int] | None = None  # by document id; None until counted
        self._stale_counts: set[int] = set()
        self._count_timer = _count_timer(self, self._update_counts)
        self._init_background()
        self._load()
        if counts:
            self._take_all_counts(store.document_claim_counts())
        events.documentsChanged.connect(self.refresh)
        events.claimAdded.connect(self._on_claim_added)
        events.claimRemoved.connect(self._on_claim_removed)

    def _load(self) -> None:
        before = set(self._by_id)
        self._rows = self._events.rows("documents", lambda: self._store.list_documents(counts=False))
        self._by_id = {d.id: i for i, d in enumerate(self._rows)}
        if self._counts is not None:
            # a document new to the list (imported, restored from the bin) is counted
            new = [doc_id for doc_id in self._by_id if doc_id not in before]
            if new:
                self._count_later(*new)

    def documents(self) -> list[DocumentRow]:
        """The library's rows, as shown (no store read; their ``claim_count``
        may be 0 when listed without counts: see ``claim_count``)."""
        return list(self._rows)

    def ids(self) -> set[int]:
        return set(self._by_id)

    def claim_count(self, doc_id: int) -> int | None:
        """A document's claims as counted (None: not counted yet)."""
        return None if self._counts is None else self._counts.get(doc_id, 0)

    def counted(self) -> bool:
        return self._counts is not None

    def filled_columns(self) -> set[int]:
        """The columns that some document fills (the panel hides the others)."""
        filled = {self.TITLE, self.CLAIMS}
        if any(d.outlet for d in self._rows):
            filled.add(self.OUTLET)
        if any(d.published for d in self._rows):
            filled.add(self.DATE)
        return filled

    def filter_texts(self) -> list[str]:
        """Per row, the text the library filter looks in (title, outlet,
        date, as shown, case folded), for all rows at once."""
        return [f"{show_controls(d.title)}\n{show_controls(d.outlet)}\n{d.published}".casefold() for d in self._rows]

    def filter_text(self, row: int) -> str:
        d = self._rows[row]
        return f"{show_controls(d.title)}\n{show_controls(d.outlet)}\n{d.published}".casefold()

    def sort_keys(self, col: int) -> list:
        """Per row, the key of column ``col`` (its SortRole), for all rows at once."""
        if col == self.TITLE:
            return [d.title.casefold() for d in self._rows]
        if col == self.OUTLET:
            return [d.outlet.casefold() for d in self._rows]
        if col == self.DATE:
            return [d.published for d in self._rows]
        counts = self._counts
        return [-1] * len(self._rows) if counts is None else [counts.get(d.id, 0) for d in self._rows]

    # -------------------------------------------------------------- counts
    def load_counts_in_background(self) -> None:
        """Count every document's claims in a worker thread; the Claims
        column fills in when it is done."""
        store = self._store
        self._start_reader(store.document_claim_counts, self._take_all_counts)

    def _take_all_counts(self, counts: dict[int, int]) -> None:
        first = self._counts is None
        old, self._counts = self._counts or {}, dict(counts)
        if first:
            if self._rows:
                self.dataChanged.emit(self.index(0, self.CLAIMS), self.index(len(self._rows) - 1, self.CLAIMS))
            return
        for doc_id in set(old) | set(counts):
            if old.get(doc_id, 0) != counts.get(doc_id, 0):
                self._count_changed(doc_id)

    def _count_changed(self, doc_id: int) -> None:
        row = self._by_id.get(doc_id)
        if row is not None:
            self._row_changed(row, self.CLAIMS, self.CLAIMS)

    def take_claim_counts(self, doc_ids, counts: dict[int, int]) -> None:
        """Claim counts read elsewhere (off the UI thread): of ``doc_ids``, or
        of every document (None). Shown at once, without the count that a
        claim event would schedule."""
        if doc_ids is None:
            self._stale_counts.clear()
            self._take_all_counts(counts)
        else:
            if self._counts is None:
                return  # the full count under way takes them in
            for doc_id in doc_ids:
                n = counts.get(doc_id, 0)
                self._stale_counts.discard(doc_id)
                if self._counts.get(doc_id, 0) != n:
                    self._counts[doc_id] = n
                    self._count_changed(doc_id)
        if not self._stale_counts:
            self._count_timer.stop()

    def take_counts(self, rows: list[DocumentRow]) -> None:
        """Claim counts read elsewhere (off the UI thread, with the rows):
        shown at once, without the count that a claim event would schedule."""
        if self._counts is None:
            self._counts = {}
        for fresh in rows:
            if self._counts.get(fresh.id, 0) != fresh.claim_count:
                self._counts[fresh.id] = fresh.claim_count
                self._count_changed(fresh.id)
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
        d = self._rows[row]
        count = self.claim_count(d.id)
        return d if count is None or count == d.claim_count else replace(d, claim_count=count)

    def row_of(self, doc_id: int) -> int | None:
        return self._by_id.get(doc_id)

    def _on_claim_added(self, claim: ClaimRow) -> None:
        self._count_later(claim.document_id)

    def _on_claim_removed(self, _claim_id: int, doc_id: int) -> None:
        self._count_later(doc_id)

    def _count_later(self, *doc_ids: int) -> None:
        """Count these documents' claims again once the user pauses, not on
        every claim made (see COUNT_DELAY_MS)."""
        self._stale_counts.update(doc_ids)
        if self.counting():
            self._touched_while_reading.update(doc_ids)
        self._count_timer.start()

    def _update_counts(self) -> None:
        if self._full_count_owed:
            self._full_count_owed = False
            self.load_counts_in_background()
        if self._counts is None:  # not counted yet: the full count takes them in
            return
        self._stale_counts.intersection_update(self._by_id)
        stale = sorted(self._stale_counts)
        if not stale:
            return
        fresh = self._store.document_claim_counts(stale)  # DatabaseUnreachable: counted again later
        self._stale_counts.difference_update(stale)
        for doc_id in stale:
            n = fresh.get(doc_id, 0)
            if self._counts.get(doc_id, 0) != n:
                self._counts[doc_id] = n
                self._count_changed(doc_id)

    def data(self, index, role=_DISPLAY):
        if not self._valid(index):
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == self.CLAIMS:
                count = self.claim_count(d.id)
                return "" if count is None else str(count)
            return (show_controls(d.title), show_controls(d.outlet), d.published)[col]
        if role == IdRole:
            return d.id
        if role == SortRole:
            if col == self.CLAIMS:
                count = self.claim_count(d.id)
                return -1 if count is None else count
            return (d.title.casefold(), d.outlet.casefold(), d.published)[col]
        if role == _TOOLTIP:
            source = d.source_url or d.original_name
            return show_controls(f"{d.title}\n{source}" if source else d.title)
        if role == _ALIGN and col == self.CLAIMS:
            return _RIGHT
        return None


# --------------------------------------------------------------------- tags
class TagsModel(CountsInBackground, _TableModel):
    """The codebook as a flat list sorted by name.

    Claim counts are kept per document and tag (one grouped query, at once
    or in a worker thread as for DocumentsModel): after an edit only the
    documents it touched are counted again, and only the tags whose totals
    moved are changed. With the library's model at hand (``library``), a
    document leaving or coming back is known from its rows."""

    NAME, KEY, CLAIMS = range(3)
    HEADERS = ("Name", "Key", "Claims")

    def __init__(self, store, events: StoreEvents, parent: QObject | None = None, *, counts: bool = True,
                 library: DocumentsModel | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._events = events
        self._library = library
        self._rows: list[TagRow] = []
        self._by_id: dict[int, int] = {}
        self._by_doc: dict[int, dict[int, int]] | None = None  # document -> tag -> live claims
        self._totals: dict[int, int] = {}
        self._known_docs: set[int] = set()  # the live documents the counts were taken over
        self._stale_counts: set[int] = set()  # documents to count again
        self._count_timer = _count_timer(self, self._update_counts)
        self._init_background()
        self._load()
        if counts:
            self._take_all_counts((self._live_documents(), store.tag_counts_by_document()))
        events.tagsChanged.connect(self.refresh)
        events.claimAdded.connect(self._on_claim)
        events.claimChanged.connect(self._on_claim)
        events.claimRemoved.connect(self._on_claim_removed)
        events.documentsChanged.connect(self._documents_changed)

    def _live_documents(self) -> set[int]:
        if self._library is not None:
            return self._library.ids()
        return {d.id for d in self._store.list_documents(counts=False)}

    def _load(self, rows: list[TagRow] | None = None) -> None:
        if rows is None:
            rows = self._events.rows("tags", lambda: self._store.list_tags(counts=False))
        if self._by_doc is not None:
            rows = [t if t.claim_count == self._totals.get(t.id, 0) else replace(t, claim_count=self._totals.get(t.id, 0))
                    for t in rows]
        self._rows = rows
        self._by_id = {t.id: i for i, t in enumerate(self._rows)}

    def refresh(self) -> None:
        """The codebook changed (a tag added, renamed, merged, removed): list
        it again; a merge or a removal moves claims between tags, so the
        counts are read again in the background when they were."""
        before = set(self._by_id)
        self.beginResetModel()
        self._load()
        self.endResetModel()
        if self._by_doc is not None and set(self._by_id) != before and not self._events.has_rows("tag_counts"):
            # a tag gone (merged, removed) or back (undone) moved claims: count again
            self.load_counts_in_background()

    # -------------------------------------------------------------- counts
    def counted(self) -> bool:
        return self._by_doc is not None

    def load_counts_in_background(self) -> None:
        store, library = self._store, self._library

        def read():
            with store.snapshot():
                docs = library_ids if library_ids is not None else {d.id for d in store.list_documents(counts=False)}
                return docs, store.tag_counts_by_document()

        library_ids = library.ids() if library is not None else None
        self._start_reader(read, self._take_all_counts)

    def take_all_counts(self, result) -> None:
        """Every count, read elsewhere (off the UI thread) as of the changes
        just shown: nothing is left to count again."""
        self.stop_counting()
        self._stale_counts.clear()
        self._count_timer.stop()
        self._take_all_counts(result)

    def _take_all_counts(self, result) -> None:
        docs, by_doc = result
        self._by_doc = {d: dict(tags) for d, tags in by_doc.items()}
        self._known_docs = set(docs)
        totals: dict[int, int] = {}
        for tags in self._by_doc.values():
            for tag_id, n in tags.items():
                totals[tag_id] = totals.get(tag_id, 0) + n
        self._set_totals(totals)

    def _set_totals(self, totals: dict[int, int]) -> None:
        self._totals = totals
        for i, t in enumerate(self._rows):
            n = totals.get(t.id, 0)
            if t.claim_count != n:
                self._rows[i] = replace(t, claim_count=n)
                self._row_changed(i, self.CLAIMS, self.CLAIMS)

    def _on_claim(self, claim: ClaimRow) -> None:
        self._count_later(claim.document_id)

    def _on_claim_removed(self, _claim_id: int, doc_id: int) -> None:
        self._count_later(doc_id)

    def _documents_changed(self) -> None:
        """A document moved to the bin, or back: its claims leave the counts,
        or come back (from the library's rows when at hand)."""
        if self._by_doc is None:
            return
        live = self._live_documents()
        gone = self._known_docs - live
        came = live - self._known_docs
        self._known_docs = live
        if gone:
            totals = dict(self._totals)
            for doc_id in gone:
                for tag_id, n in self._by_doc.pop(doc_id, {}).items():
                    totals[tag_id] = totals.get(tag_id, 0) - n
            self._set_totals(totals)
        if came:
            self._count_later(*came)

    def _count_later(self, *doc_ids: int) -> None:
        self._stale_counts.update(doc_ids)
        if self.counting():
            self._touched_while_reading.update(doc_ids)
        self._count_timer.start()  # counted once the user pauses

    def _update_counts(self) -> None:
        if self._full_count_owed:
            self._full_count_owed = False
            self.load_counts_in_background()
        if self._by_doc is None:
            return
        stale = sorted(self._stale_counts)
        if not stale:
            return
        fresh = self._store.tag_counts_by_document(stale)  # DatabaseUnreachable: counted again later
        self.take_document_counts(stale, fresh)

    def take_document_counts(self, doc_ids, fresh: dict[int, dict[int, int]]) -> None:
        """The tag counts of these documents, read now (here or off the UI
        thread): each tag's total moves by the difference."""
        if self._by_doc is None:
            return  # the full count under way takes them in
        stale = list(doc_ids)
        self._stale_counts.difference_update(stale)
        if not self._stale_counts:
            self._count_timer.stop()
        totals = dict(self._totals)
        for doc_id in stale:
            for tag_id, n in self._by_doc.pop(doc_id, {}).items():
                totals[tag_id] = totals.get(tag_id, 0) - n
            now = fresh.get(doc_id)
            if now:
                self._by_doc[doc_id] = dict(now)
                for tag_id, n in now.items():
                    totals[tag_id] = totals.get(tag_id, 0) + n
        self._set_totals(totals)

    def _refresh_counts(self, rows: list[TagRow] | None = None) -> None:
        """Tags read elsewhere (off the UI thread, with their counts): the
        names, colours and keys are taken; the counts too while this model
        has none of its own (it follows the claim events otherwise)."""
        if rows is None:
            return
        if self._by_doc is not None:
            rows = [replace(t, claim_count=self._totals.get(t.id, 0)) for t in rows]
        if [t.id for t in rows] != [t.id for t in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self._by_id = {t.id: i for i, t in enumerate(rows)}
            self.endResetModel()
            return
        old, self._rows = self._rows, rows
        for i, (before, after) in enumerate(zip(old, rows)):
            if before != after:
                self._row_changed(i)

    def tags(self) -> list[TagRow]:
        return list(self._rows)

    def claim_count(self, tag_id: int) -> int:
        """A tag's claims as of now: the count shown when it is up to date,
        else asked of the store (a remove asks before it refuses)."""
        if self._by_doc is not None and not self._stale_counts and not self.counting():
            return self._totals.get(tag_id, 0)
        return self._store.get_tag(tag_id).claim_count

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
        counted = self._by_doc is not None
        if role == _DISPLAY:
            return (t.name, "" if t.key is None else str(t.key), str(t.claim_count) if counted else "")[col]
        if role == IdRole:
            return t.id
        if role == SortRole:
            return (t.name.casefold(), -1 if t.key is None else t.key, t.claim_count if counted else -1)[col]
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
