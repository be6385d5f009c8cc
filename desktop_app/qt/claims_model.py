"""The claims table and the orphans' list as models over the database.

The store filters and sorts (see core/store/claims_query.py) and hands out
pages of ids in order; the model holds the ids fetched so far (``fetchMore``
asks for the next page as the view scrolls) and reads a row's cells only when
the view paints it, a window of rows at a time, keeping a bounded cache. So
sorting by a column or typing in the filter is one indexed read of a page,
whatever the number of claims.

Following StoreEvents, only the rows concerned change: a claim made (or
restored) appears at its place in the order among the rows fetched, or is
left for a later page when it sorts after them; a changed claim is updated in
place (it moves at the next sort or filter), or leaves when it no longer
matches the filter; a claim removed leaves. A change of the codebook or of
the documents reads the rows fetched again.
"""

from __future__ import annotations

import logging
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import replace
from typing import Iterable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont

from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError
from desktop_app.core.rows import STATUSES, ClaimRow, DocumentRow, TagRow
from desktop_app.core.store.claims_query import ClaimQuery, sort_key
from desktop_app.core.visible import show_controls
from desktop_app.qt.events import StoreEvents
from desktop_app.qt.item_models import _swatch, _utc, local_time, one_line
from desktop_app.qt.roles import ColorRole, IdRole, SortRole
from desktop_app.qt.swatches import orphan_icon
from desktop_app.qt.table_shape import FixedColumns

log = logging.getLogger(__name__)

PAGE_ROWS = 200  # ids fetched per page (a few screens)
WINDOW_ROWS = 64  # rows whose cells are read at once when one is painted (a screenful or two)
CACHE_ROWS = 3000  # claim rows kept (the screen, a few windows around it, recent events)
SCAN_ROWS = 2_500  # claims a filter by words looks at per step, at most
REFETCH_MAX = 10 * PAGE_ROWS  # a refresh reads again at most this many of the rows fetched

ORPHAN_TIP = (
    "Not found in the current text of its document (orphaned). Select the passage "
    "in a pane and use Edit > Attach to selection (Ctrl+Shift+A)."
)

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FONT = Qt.ItemDataRole.FontRole


class _Descending:
    """A key that sorts the other way round (for bisect in a descending order)."""

    __slots__ = ("key",)

    def __init__(self, key) -> None:
        self.key = key

    def __lt__(self, other) -> bool:
        return other.key < self.key


class ClaimsModel(FixedColumns):
    """Live claims matching the filters, in the order of one column, read page
    by page from the store."""

    DOCUMENT, TAGS, QUOTE, PAGE, NOTE, STATUS, ANNOTATOR, UPDATED = range(8)
    HEADERS = ("Document", "Tags", "Quote", "Page", "Note", "Status", "Annotator", "Updated")
    SORTS = ("document", "tags", "quote", "page", "note", "status", "annotator", "updated")
    BASE = ClaimQuery(sort="id", descending=False)  # in creation order until sorted by a column

    def __init__(self, store, events: StoreEvents, parent: QObject | None = None,
                 library=None) -> None:
        super().__init__(parent)
        self._store = store
        self._events = events
        self._failed: ClaimQuery | None = None  # the last query the store could not answer
        self._library = library  # the library's rows give the documents' titles
        self._query = self.BASE
        self._ids = array("q")
        self._keys: list[tuple] = []  # the sort key of each row fetched (the last one is where the next page starts)
        self._more = False
        self._cache: OrderedDict[int, ClaimRow] = OrderedDict()
        self._tags: dict[int, TagRow] = {}
        self._titles: dict[int, str] = {}
        self._asking_titles: set[int] = set()  # documents whose titles are being read
        self._cursor: tuple | None = None  # the key the next page starts after
        self._step = QTimer(self, singleShot=True, interval=0)  # the next window of a filter by words
        self._step.timeout.connect(self._next_window)
        self._changing = False
        self._fetch_later = QTimer(self, singleShot=True, interval=0)
        self._fetch_later.timeout.connect(lambda: self._more and self._fetch(PAGE_ROWS))
        self._gone_timer = QTimer(self, singleShot=True, interval=0)
        self._gone_timer.timeout.connect(self._drop_gone)
        self._gone: set[int] = set()  # rows found binned when read, to leave once painting is done
        self.reads = 0  # rows whose cells were read from the store (tests bound it)
        self.pages = 0  # pages of ids read
        self._read_small()
        self._fetch(PAGE_ROWS)
        events.claimAdded.connect(self._on_added)
        events.claimChanged.connect(self._on_changed)
        events.claimRemoved.connect(self._on_removed)
        events.tagsChanged.connect(self.refresh)
        events.documentsChanged.connect(self.refresh)

    # -------------------------------------------------------------- shape
    def _length(self) -> int:
        return len(self._ids)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        if self._changing:  # asked from a slot of a change being told: rows go in once it is over
            self._fetch_later.start()
            return
        self._fetch(PAGE_ROWS)

    def _valid(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return index.isValid() and 0 <= index.row() < len(self._ids)  # a table: no children

    # ------------------------------------------------------------ reading
    def _read_small(self) -> None:
        """The codebook and the titles: small, read whole."""
        self._tags = {t.id: t for t in self._events.rows("tags", self._store.list_tags)}
        self._titles = {d.id: d.title for d in self._documents()}

    def _documents(self) -> list[DocumentRow]:
        if self._library is not None:
            return self._library.documents()  # refreshed before this model (it was made first)
        return self._events.rows("documents", self._store.list_documents)

    def _read_page(self, limit: int, after: tuple | None) -> list[tuple]:
        """The next rows from ``after``, setting where the next page starts. A
        filter by words looks at SCAN_ROWS claims at most per page (the rest
        follows from the event loop), so that a word few claims contain
        never holds the window for a scan of every claim."""
        self.pages += 1
        if self._query.words:
            page, self._cursor = self._store.claim_window(self._query, after, limit, SCAN_ROWS)
            self._more = self._cursor is not None
        else:
            page = self._store.claim_page(self._query, after, limit)
            self._more = len(page) == limit
            self._cursor = page[-1] if page else after
        return page

    def _fetch(self, limit: int) -> int:
        """Read the next page of ids (inserting its rows); returns how many."""
        try:
            page = self._read_page(limit, self._cursor)
        except MarginaliaError as exc:  # the rows shown stay; a refresh reads again
            self._more = False
            self._read_failed(exc)
            return 0
        known = set(self._ids) if len(self._ids) <= REFETCH_MAX else None
        page = [k for k in page if known is None or k[-1] not in known]
        if page:
            first = len(self._ids)
            self._changing = True
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._ids.extend(k[-1] for k in page)
            self._keys.extend(page)
            try:
                self.endInsertRows()
            finally:
                self._changing = False
        self._go_on()
        return len(page)

    def _read_failed(self, exc: MarginaliaError) -> None:
        """An unreachable team database is said by the window's connection
        label; anything else (a damaged page of the file) in one sentence."""
        log.info("claims table not read: %s", exc)
        if not isinstance(exc, DatabaseUnreachable):
            self._events.commandFailed.emit(str(exc))

    def _go_on(self) -> None:
        """Less than a screenful found so far and more to look at: the next
        window, once the event loop has run (typing goes on meanwhile). A
        timer of the model's own, which the window stops with the store."""
        if self._more and len(self._ids) < PAGE_ROWS:
            self._step.start()

    def _next_window(self) -> None:
        if self._more and len(self._ids) < PAGE_ROWS:
            self._fetch(PAGE_ROWS)

    def _reload(self, rows: int, page: list[tuple] | None = None) -> None:
        """Show the first ``rows`` of the query (``page``: read ahead by a worker)."""
        self._gone.clear()
        self._step.stop()
        self._fetch_later.stop()
        if page is None:
            try:
                page = self._read_page(rows, None)  # before the reset: a failure leaves the rows shown
            except DatabaseUnreachable as exc:
                self._read_failed(exc)
                page, self._more, self._cursor = [], False, None
            except MarginaliaError as exc:  # said in one sentence; the rows shown stay
                self._read_failed(exc)
                return False
        else:
            self._more = len(page) == rows
            self._cursor = page[-1] if page else None
        self._changing = True
        self.beginResetModel()
        self._ids = array("q", (k[-1] for k in page))
        self._keys = list(page)
        try:
            self.endResetModel()
        finally:
            self._changing = False
        self._go_on()

    def page_request(self) -> tuple[ClaimQuery, int]:
        """What a refresh reads: the query and how many rows (a worker reads
        them ahead for a refresh after changes elsewhere, see StoreEvents.rows)."""
        return self._query, min(max(PAGE_ROWS, len(self._ids)), REFETCH_MAX)

    def refresh(self) -> None:
        """Read the codebook, the titles and the rows fetched again."""
        self._read_small()
        self._cache.clear()
        query, rows = self.page_request()
        for claim in self._events.rows(("claim_cells", query), dict).values():
            self._remember(claim)  # read ahead by a worker: painting asks the store nothing
        self._reload(rows, self._events.rows(("claim_page", query, rows), lambda: None))

    def claim(self, row: int) -> ClaimRow | None:
        """The claim at a row (its cells read from the store if not held)."""
        if not 0 <= row < len(self._ids):
            raise IndexError(row)
        claim_id = self._ids[row]
        held = self._cache.get(claim_id)
        if held is not None:
            self._cache.move_to_end(claim_id)
            return held
        self._read_window(row)
        return self._cache.get(claim_id)

    def claim_id(self, row: int) -> int:
        return self._ids[row]

    def _read_window(self, row: int) -> None:
        lo = max(0, row - WINDOW_ROWS // 4)
        wanted = [i for i in self._ids[lo : lo + WINDOW_ROWS] if i not in self._cache]
        try:
            rows = self._store.claims_by_id(wanted)
        except MarginaliaError as exc:  # the team database away: shown blank, read again when painted
            log.info("claims not read: %s", exc)
            return
        self.reads += len(rows)
        gone = []
        for cid in wanted:
            row = rows.get(cid)
            if row is None or row.deleted:  # binned elsewhere meanwhile (a teammate): the row leaves
                gone.append(cid)
            else:
                self._remember(row)
        if gone:
            self._gone.update(gone)
            self._gone_timer.start()

    def _drop_gone(self) -> None:
        gone, self._gone = self._gone, set()
        for cid in gone:  # unless an event or a new read brought it back meanwhile
            self._on_removed(cid)

    def _remember(self, claim: ClaimRow) -> None:
        self._cache[claim.id] = claim
        self._cache.move_to_end(claim.id)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    def held(self, claim_id: int) -> ClaimRow | None:
        """The claim's row if the model holds it now (no store read)."""
        return self._cache.get(claim_id)

    def held_claims(self, document_ids: Iterable[int]) -> dict[int, ClaimRow]:
        """The rows held of claims of these documents, by id."""
        docs = set(document_ids)
        return {c.id: c for c in self._cache.values() if c.document_id in docs}

    def reveal(self, claim: ClaimRow) -> int | None:
        """The row of a claim the filters let through, fetching the pages
        before it if it sorts within REFETCH_MAX rows (a claim selected in a
        pane, further down than the table has read); None otherwise."""
        row = self.row_of(claim.id)
        if row is not None or claim.deleted or not self._matches(claim):
            return row
        key = self._key(claim)
        while self._more and not self._before_cursor(key) and len(self._ids) < REFETCH_MAX:
            if not self._fetch(PAGE_ROWS) and not self._more:
                break
        return self.row_of(claim.id)

    def row_of(self, claim_id: int) -> int | None:
        """The row of a claim among those fetched, or None."""
        try:
            return self._ids.index(claim_id)
        except ValueError:
            return None

    def document_title(self, doc_id: int) -> str:
        """The title of a claim's document, from the library's rows. A
        document not heard of yet (a teammate's, listed a moment later) is
        asked for: at once from a file, off the UI thread from a team
        database, whose answer then repaints the column. A failure (not
        found, the server away) shows no title and is not remembered, so
        that the next paint asks again."""
        title = self._titles.get(doc_id)
        if title is not None:
            return show_controls(title)
        if self._library is not None:
            row = self._library.row_of(doc_id)
            if row is not None:
                title = self._titles[doc_id] = self._library.document(row).title
                return show_controls(title)
        if doc_id not in self._asking_titles:
            self._ask_title(doc_id)
        title = self._titles.get(doc_id)
        return show_controls(title) if title is not None else ""

    def _ask_title(self, doc_id: int) -> None:
        from desktop_app.qt import operations

        store = self._store
        self._asking_titles.add(doc_id)
        later = getattr(store, "is_team", False)  # else the answer is here before read() returns

        def got(document: DocumentRow) -> None:
            self._asking_titles.discard(doc_id)
            if self._store is not store:
                return
            self._titles[doc_id] = document.title
            if later and self.rowCount():
                self.dataChanged.emit(self.index(0, self.DOCUMENT), self.index(self.rowCount() - 1, self.DOCUMENT))

        def failed(message: str) -> None:  # NotFound, DatabaseUnreachable: shown blank, asked again later
            self._asking_titles.discard(doc_id)
            log.info("no title for document %s: %s", doc_id, message)

        operations.read(self, store, lambda: store.get_document(doc_id), what="reading a document's title",
                        succeeded=got, failed=failed)

    def _raw_title(self, doc_id: int) -> str:
        self.document_title(doc_id)
        return self._titles.get(doc_id, "")

    def tag_names(self, claim: ClaimRow) -> list[str]:
        names = [self._tags[t].name for t in claim.tag_ids if t in self._tags]
        return sorted(names, key=str.casefold)

    def _first_tag(self, claim: ClaimRow) -> TagRow | None:
        tags = sorted((self._tags[t] for t in claim.tag_ids if t in self._tags), key=lambda t: t.name.casefold())
        return tags[0] if tags else None

    # ------------------------------------------------------ sort and filter
    def query(self) -> ClaimQuery:
        return self._query

    def _set_query(self, query: ClaimQuery) -> None:
        if query != self._query and query != self._failed:  # a query that just failed is not asked twice
            before, self._query = self._query, query
            if self._reload(PAGE_ROWS) is False:
                self._query, self._failed = before, query  # not read: the rows shown are the previous query's
            else:
                self._failed = None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.SORTS):
            return
        self._set_query(replace(self._query, sort=self.SORTS[column],
                                descending=order == Qt.SortOrder.DescendingOrder))

    def set_tag_filter(self, tag_ids: Iterable[int] | None) -> None:
        """Keep claims with any of these tags; None (or nothing) keeps all."""
        self._set_query(replace(self._query, tag_ids=frozenset(tag_ids) if tag_ids else None))

    def set_document_filter(self, document_id: int | None) -> None:
        self._set_query(replace(self._query, document_id=document_id))

    def set_status_filter(self, status: str | None) -> None:
        self._set_query(replace(self._query, status=status or None))

    def set_text_filter(self, text: str) -> None:
        self._set_query(replace(self._query, words=tuple(text.casefold().split())))

    def tag_filter(self) -> frozenset[int] | None:
        return self._query.tag_ids

    def document_filter(self) -> int | None:
        return self._query.document_id

    def status_filter(self) -> str | None:
        return self._query.status

    def text_filter(self) -> str:
        return " ".join(self._query.words)

    def _matches(self, claim: ClaimRow) -> bool:
        return self._query.matches(claim, self.tag_names(claim), self._raw_title(claim.document_id))

    def _key(self, claim: ClaimRow) -> tuple:
        return sort_key(self._query.sort, claim, self.tag_names(claim), self._raw_title(claim.document_id))

    def _before_cursor(self, key: tuple) -> bool:
        if self._cursor is None:
            return True
        if self._query.descending:
            return key > self._cursor
        return key < self._cursor

    def _place(self, key: tuple) -> int:
        if self._query.descending:
            return bisect_left(self._keys, _Descending(key), key=_Descending)
        return bisect_left(self._keys, key)

    # -------------------------------------------------------------- events
    def _on_added(self, claim: ClaimRow) -> None:
        self._gone.discard(claim.id)
        if self.row_of(claim.id) is not None:
            self._on_changed(claim)
            return
        if claim.deleted or not self._matches(claim):
            return
        key = self._key(claim)
        row = self._place(key)
        if row == len(self._ids) and self._more and not self._before_cursor(key):
            return  # after the rows looked at: a later page brings it
        self._changing = True
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(row, claim.id)
        self._keys.insert(row, key)
        self._remember(claim)
        try:
            self.endInsertRows()
        finally:
            self._changing = False

    def _on_changed(self, claim: ClaimRow) -> None:
        self._gone.discard(claim.id)
        row = self.row_of(claim.id)
        if row is None:
            self._on_added(claim)
            return
        if claim.deleted or not self._matches(claim):
            self._on_removed(claim.id, claim.document_id)
            return
        self._remember(claim)
        self._keys[row] = self._key(claim)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _on_removed(self, claim_id: int, _doc_id: int = 0) -> None:
        self._cache.pop(claim_id, None)
        row = self.row_of(claim_id)
        if row is None:
            return
        self._changing = True
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        del self._keys[row]
        try:
            self.endRemoveRows()
        finally:
            self._changing = False

    # ---------------------------------------------------------------- data
    def data(self, index, role=_DISPLAY):
        if role not in _ROLES or not self._valid(index):
            return None
        c = self.claim(index.row())
        if c is None:
            return None
        return self._cell(c, index.column(), role)

    def _cell(self, c: ClaimRow, col: int, role):
        if role == _DISPLAY:
            if col == self.DOCUMENT:
                return self.document_title(c.document_id)
            if col == self.TAGS:
                return ", ".join(self.tag_names(c))
            if col == self.QUOTE:
                return one_line(c.quote)
            if col == self.PAGE:
                return c.page
            if col == self.NOTE:
                return one_line(c.note)
            if col == self.STATUS:
                return c.status
            if col == self.ANNOTATOR:
                return c.annotator
            return local_time(c.updated_at)
        if role == IdRole:
            return c.id
        if role == SortRole:
            return self._sort_value(c, col)
        if role == _TOOLTIP:
            tip = None
            if col == self.QUOTE:
                tip = c.quote
            elif col == self.NOTE:
                tip = c.note or None
            elif col == self.TAGS:
                tip = "\n".join(self.tag_names(c)) or None
            elif col == self.DOCUMENT:
                tip = self.document_title(c.document_id)
            if c.orphaned:
                return f"{tip}\n\n{ORPHAN_TIP}" if tip else ORPHAN_TIP
            return tip
        if role == _DECORATION:
            if col == self.TAGS:
                first = self._first_tag(c)
                return _swatch(first.color) if first is not None else None
            if col == self.DOCUMENT and c.orphaned:
                return orphan_icon()
            return None
        if role == ColorRole and col == self.TAGS:
            first = self._first_tag(c)
            return first.color if first is not None else None
        if role == _FONT and col == self.QUOTE and c.orphaned:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _sort_value(self, c: ClaimRow, col: int):
        """The value of a cell as the order goes (the database sorts; this says
        what by, for a view or a test)."""
        if col == self.DOCUMENT:
            return self.document_title(c.document_id).casefold()
        if col == self.TAGS:
            return ", ".join(self.tag_names(c)).casefold()
        if col == self.QUOTE:
            return " ".join(c.quote.split()).casefold()
        if col == self.NOTE:
            return " ".join(c.note.split()).casefold()
        if col == self.PAGE:  # by document, then by place
            return (self.document_title(c.document_id).casefold(), c.document_id, c.start)
        if col == self.STATUS:
            return STATUSES.index(c.status) if c.status in STATUSES else len(STATUSES)
        if col == self.ANNOTATOR:
            return c.annotator
        return _utc(c.updated_at).isoformat()


_ROLES = {_DISPLAY, IdRole, SortRole, _TOOLTIP, _DECORATION, ColorRole, _FONT}


class OrphansModel(ClaimsModel):
    """The orphaned claims: live claims that a new version of their document
    no longer contains, by id. Follows StoreEvents: a claim re-attached leaves
    it, a replace that orphans claims refreshes it."""

    DOCUMENT, TAGS, QUOTE, NOTE = range(4)
    PAGE = STATUS = ANNOTATOR = UPDATED = None  # not shown here
    HEADERS = ("Document", "Tags", "Quote", "Note")
    SORTS = ()
    BASE = ClaimQuery(sort="id", descending=False, orphaned=True)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        return  # by id only

