"""Live updates: what other windows, programs and annotators write to the open
database shows in this window within about a second.

Every ``POLL_MS`` a worker thread (an Operation, qt/operations.py) asks the
store what others changed since the last look (``Store.changes_since``: a
single indexed query, but on a team database it crosses the network, so it
never runs on the UI thread). The same worker then reads the rows of what changed ("claims:<document>",
"tags", "links", "documents", or "*" for everything; see ``read_rows``) in
one snapshot. The answer comes back as a signal with those plain rows; the
window tells the views through the usual StoreEvents hub, which hands them
the rows instead of letting them ask the store again, keeping each reading
pane's scroll position and text selection and the claims table's current
claim.

A poll that finds the team database unreachable shows it in the status bar
and keeps polling; so does a read of the window's that finds the server away
or waits for it in vain (``operations.connection().lost``); the first poll
that works again clears it and lets the waiting edits (pending_edits.py) go
through.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError
from desktop_app.qt.operations import Operation, connection

log = logging.getLogger(__name__)

POLL_MS = 1000
STOP_WAIT_MS = 3000  # how long stopping waits for a poll under way


def _claim_documents(scopes) -> set[int]:
    out = set()
    for scope in scopes:
        kind, _, value = scope.partition(":")
        if kind == "claims" and value.isdigit():
            out.add(int(value))
    return out


def read_rows(store, scopes, shown: set[int], doc_keys: dict[int, tuple], tables=()) -> dict:
    """Everything a refresh for ``scopes`` shows, read in one snapshot on the
    worker thread, as plain rows keyed as StoreEvents.rows hands them out:
    the UI thread then re-reads nothing. ``shown`` are the documents in the
    panes, ``doc_keys`` their (version, sha256) as last shown, ``tables``
    the claims tables' page requests (ClaimsModel.page_request)."""
    everything = "*" in scopes
    claim_docs = _claim_documents(scopes)
    reload = everything or "tags" in scopes or "documents" in scopes  # the claims table reloads
    rows: dict = {}
    with store.snapshot():
        rows["documents"] = store.list_documents(counts=False)  # titles and versions
        if everything or "documents" in scopes:  # documents gone or back: every count
            rows["claim_counts"] = store.document_claim_counts()
        elif claim_docs:  # only the documents whose claims changed are counted again
            rows["claim_counts_of"] = (claim_docs, store.document_claim_counts(claim_docs))
        if reload or claim_docs:
            rows["tags"] = store.list_tags(counts=False)
        if reload:
            rows["tag_counts"] = ({d.id for d in rows["documents"]}, store.tag_counts_by_document())
        elif claim_docs:
            rows["tag_counts_of"] = (claim_docs, store.tag_counts_by_document(claim_docs))
        if reload:
            for query, limit in tables:  # the pages the claims tables read again, with their cells
                page = rows[("claim_page", query, limit)] = store.claim_page(query, None, limit)
                rows[("claim_cells", query)] = store.claims_by_id([k[-1] for k in page])
        if claim_docs and not everything:
            rows["claims_of"] = store.list_claims(document_ids=sorted(claim_docs))
        if reload or claim_docs or "links" in scopes:
            rows["links"] = store.list_links()
        keys = {d.id: (d.version, d.sha256) for d in rows["documents"]}
        for doc_id in shown:
            new_text = doc_id in doc_keys and doc_id in keys and doc_keys[doc_id] != keys[doc_id]
            if new_text and (everything or "documents" in scopes):
                rows[("document", doc_id)] = store.load_document(doc_id)
            if doc_id in keys and (reload or doc_id in claim_docs or new_text):
                rows[("paint", doc_id)] = store.paint_rows(doc_id)
    return rows


def look(store, mark: int | None, owed: set[str], shown: set[int], doc_keys: dict, tables=()) -> tuple:
    """One poll (an Operation's work): ("done", new mark, scopes, rows), or
    ("failed", sentence, unreachable?) for a poll to be tried again."""
    try:
        if mark is None:  # no mark yet (the first one failed): start from here, reload all
            new_mark, scopes = store.change_mark(), {"*"}
        else:
            new_mark, scopes = store.changes_since(mark)
        scopes = set(scopes) | owed
        rows = read_rows(store, scopes, shown, doc_keys, tables) if scopes else {}
    except DatabaseUnreachable as exc:
        return ("failed", str(exc), True)
    except Exception as exc:  # noqa: BLE001 - a poll that fails is tried again next time
        log.warning("polling for changes failed: %s", exc)
        return ("failed", str(exc), False)
    return ("done", new_mark, scopes, rows)


class LiveUpdates(QObject):
    """The window's poller; ``start(store, mark)`` on each database, ``stop()``
    before the store closes."""

    # True when the database answers, False while it cannot be reached
    reachabilityChanged = Signal(bool)
    # The scopes a refresh has just applied (for tests and the analysis windows)
    refreshed = Signal(object)
    # A poll's answer was handled (changes or none; for tests)
    polled = Signal()

    def __init__(self, window, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.w = window
        self.store = None
        self.mark: int | None = None
        self.reachable = True
        self.last_problem = ""
        self._generation = 0
        self._busy = False
        self._owed: set[str] = set()  # scopes seen but not yet applied (the refresh failed)
        self._doc_keys: dict[int, tuple] = {}  # document id -> (version, sha256) as last shown
        self._poll: Operation | None = None  # the poll under way
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        connection().lost.connect(self._read_lost)

    # ------------------------------------------------------------ lifecycle
    @staticmethod
    def initial_mark(store) -> int | None:
        """The store's change mark, taken before the window reads anything
        (None if the database did not answer: the first poll reloads all)."""
        try:
            return store.change_mark()
        except MarginaliaError as exc:
            log.warning("no change mark: %s", exc)
            return None

    def start(self, store, mark: int | None) -> None:
        self.stop()
        self.store = store
        self.mark = mark
        self._owed = set()
        self._remember_documents()
        self.timer.start()

    def stop(self, timeout_ms: int = -1) -> None:
        """Stop polling and wait for a poll under way (the store may close
        next), ``timeout_ms`` at most (-1: STOP_WAIT_MS); a poll still
        waiting on the database then is kept until it ends, its answer dropped."""
        self.timer.stop()
        self._generation += 1  # answers still on their way are ignored
        poll, self._poll = self._poll, None
        if poll is not None:
            if not poll.stop(STOP_WAIT_MS if timeout_ms < 0 else timeout_ms):  # kept until it ends
                log.warning("a poll for changes was still waiting for the database")
            poll.deleteLater()
        self._busy = False
        self.store = None
        self._set_reachable(True, "")

    @property
    def running(self) -> bool:
        return self.store is not None and self.timer.isActive()

    # -------------------------------------------------------------- polling
    def poll(self) -> None:
        if self.store is None or self._busy:
            return
        self._busy = True
        shown = {p.view.document_id for p in self.w.panes if p.view.document_id is not None}
        store, mark, owed, keys, generation = self.store, self.mark, set(self._owed), dict(self._doc_keys), \
            self._generation
        tables = [m.page_request() for m in (self.w.claims_model, self.w.orphans_model) if m is not None]
        poll = Operation(self, lambda _token: look(store, mark, owed, shown, keys, tables), what="polling for changes")
        poll.succeeded.connect(lambda answer: self._answered(generation, answer))
        poll.finished.connect(lambda: self._poll_ended(poll))
        self._poll = poll
        poll.start()

    def _poll_ended(self, poll) -> None:
        if self._poll is poll:
            self._poll = None
            self._busy = False
        poll.deleteLater()

    def _answered(self, generation: int, answer: tuple) -> None:
        if answer[0] == "done":
            self._done(generation, *answer[1:])
        else:
            self._failed(generation, *answer[1:])
        if generation == self._generation:
            self.polled.emit()

    def _done(self, generation: int, mark: int, scopes, rows) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self.mark = mark
        self._owed = set(scopes)  # what was owed went into this poll's scopes and rows
        if self._owed:
            try:
                self.apply(self._owed, rows)
            except DatabaseUnreachable as exc:
                self._set_reachable(False, str(exc))
                return
            except MarginaliaError as exc:  # a refresh that fails is tried again next time
                log.warning("refreshing after changes elsewhere failed: %s", exc)
                return
            except Exception:  # noqa: BLE001 - logged; not retried every second
                log.exception("refreshing after changes elsewhere failed")
                self._owed = set()
                return
            self._owed = set()
        self._set_reachable(True, "")

    def _failed(self, generation: int, message: str, unreachable: bool) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if unreachable:
            self._set_reachable(False, message)

    def note_unreachable(self, message: str) -> None:
        """A user action found the database unreachable (before the next poll did)."""
        self._set_reachable(False, message)

    @Slot(object, str)
    def _read_lost(self, store, message: str) -> None:
        """A read off the UI thread found this database away, or had no
        answer in time: the same state as a poll that failed."""
        if store is not None and store is self.store:
            self._set_reachable(False, message)

    def _set_reachable(self, reachable: bool, message: str) -> None:
        self.last_problem = message
        if reachable != self.reachable:
            self.reachable = reachable
            if reachable:
                log.info("the database answers again")
            else:
                log.warning("the database cannot be reached: %s", message)
            self.reachabilityChanged.emit(reachable)

    # ------------------------------------------------------------ refreshing
    def apply(self, scopes, rows: dict | None = None) -> None:
        """Show what others changed and tell the views, keeping what the
        reader sees where it was. ``rows`` were read by the poll's worker
        (read_rows): the views take them from the event hub instead of asking
        the store again on the UI thread (without them, they ask)."""
        w = self.w
        store = self.store
        if store is None or w.store is not store or not scopes:
            return
        everything = "*" in scopes
        claim_docs = _claim_documents(scopes)
        rows = dict(rows or {})
        # the rows the claims table holds now, before a reload for another
        # scope (tags) brings in the new claims without telling the other views
        model = w.claims_model
        shown = model.held_claims(claim_docs) if model is not None else {}
        state = self._save_view(w)
        try:
            with w.events.holding(rows):
                if everything or "documents" in scopes:
                    self._documents_changed(w.events.rows("documents", store.list_documents))
                if everything or "tags" in scopes:
                    w.events.tagsChanged.emit()
                if not everything and claim_docs:
                    fresh = w.events.rows("claims_of", lambda: store.list_claims(document_ids=sorted(claim_docs)))
                    self._sync_claims(store, claim_docs, shown, fresh)
                if everything:
                    self._repaint_panes(store, None)
                if everything or "links" in scopes:
                    w.events.linksChanged.emit()
                self._take_counts(rows)
        finally:
            self._restore_view(w, state)
        log.info("refreshed after changes elsewhere: %s", " ".join(sorted(scopes)))
        self.refreshed.emit(set(scopes))

    def _take_counts(self, rows: dict) -> None:
        """The library's and codebook's claim counts, as the worker read them
        (all of them, or those of the documents whose claims changed)."""
        w = self.w
        docs, tags = w.documents_model, w.tags_model
        if docs is not None:
            if "claim_counts" in rows:
                docs.take_claim_counts(None, rows["claim_counts"])
            elif "claim_counts_of" in rows:
                docs.take_claim_counts(*rows["claim_counts_of"])
        if tags is not None:
            if "tags" in rows:
                tags._refresh_counts(rows["tags"])
            if "tag_counts" in rows:
                tags.take_all_counts(rows["tag_counts"])
            elif "tag_counts_of" in rows:
                tags.take_document_counts(*rows["tag_counts_of"])

    def _remember_documents(self) -> None:
        model = self.w.documents_model
        if model is not None and model._store is self.store:
            docs = model.documents()  # read when the store was attached, a moment ago
        else:
            try:
                docs = self.store.list_documents()
            except MarginaliaError:
                docs = []
        self._doc_keys = {d.id: (d.version, d.sha256) for d in docs}

    def _documents_changed(self, docs) -> None:
        before = self._doc_keys
        self._doc_keys = {d.id: (d.version, d.sha256) for d in docs}
        self.w.events.documentsChanged.emit()
        shown = {p.view.document_id for p in self.w.panes}
        for doc_id, key in self._doc_keys.items():
            if doc_id in shown and doc_id in before and before[doc_id] != key:
                self.w.events.documentTextChanged.emit(doc_id)  # a new version of its text

    def _sync_claims(self, store, doc_ids: set[int], old: dict, fresh) -> None:
        """Tell the views claim by claim what changed in these documents since
        ``old`` (the claims the table showed): the table keeps its rows and
        selection, the library its counts."""
        events = self.w.events
        seen = set()
        for row in fresh:
            seen.add(row.id)
            if row.id not in old:
                events.claimAdded.emit(row)
            elif old[row.id] != row:
                events.claimChanged.emit(row)
        for claim_id, row in old.items():
            if claim_id not in seen:
                events.claimRemoved.emit(claim_id, row.document_id)
        self._repaint_panes(store, doc_ids)

    def _repaint_panes(self, store, doc_ids: set[int] | None) -> None:
        annotator = self.w.annotator
        events = self.w.events
        for pane in self.w.panes:
            doc_id = pane.view.document_id
            if doc_id is not None and (doc_ids is None or doc_id in doc_ids):
                paint = events.rows(("paint", doc_id), lambda d=doc_id: store.paint_rows(d))
                pane.view.set_highlights([annotator.span(c) for c in paint])
                pane.view.set_selected_claim(annotator.selected_claim)
        self.w.splitter.update_gutters()

    # ---------------------------------------------------------- view state
    @staticmethod
    def _save_view(w) -> dict:
        panes = []
        for pane in w.panes:
            view = pane.view
            cursor = view.textCursor()
            panes.append((pane, view.document_id, view.verticalScrollBar().value(),
                          view.horizontalScrollBar().value(), cursor.anchor(), cursor.position()))
        table = w.claims_panel.table
        return {
            "panes": panes,
            "claim": w.claims_panel.selected_claim(),
            "table_scroll": table.verticalScrollBar().value(),
        }

    @staticmethod
    def _restore_view(w, state: dict) -> None:
        from PySide6.QtGui import QTextCursor

        for pane, doc_id, vscroll, hscroll, anchor, position in state["panes"]:
            view = pane.view
            if pane not in w.panes or view.document_id != doc_id or doc_id is None:
                continue
            cursor = view.textCursor()
            if (cursor.anchor(), cursor.position()) != (anchor, position):
                last = max(view.document().characterCount() - 1, 0)
                cursor.setPosition(min(anchor, last))
                cursor.setPosition(min(position, last), QTextCursor.MoveMode.KeepAnchor)
                view.setTextCursor(cursor)
            view.verticalScrollBar().setValue(min(vscroll, view.verticalScrollBar().maximum()))
            view.horizontalScrollBar().setValue(min(hscroll, view.horizontalScrollBar().maximum()))
        claim_id = state["claim"]
        panel = w.claims_panel
        if claim_id is not None and panel.selected_claim() != claim_id and w.claims_model is not None \
                and w.claims_model.row_of(claim_id) is not None:
            panel.select_claim(claim_id)
        bar = panel.table.verticalScrollBar()
        bar.setValue(min(state["table_scroll"], bar.maximum()))
