"""Showing a document in a reading pane: at once from a database file, off
the UI thread from a team database.

On a team database the document's text, where it came from and its claims'
highlights are read by an Operation (qt.operations) that the window waits
for TEAM_READ_WAIT_MS at most: the pane shows the document when it comes; if
the server does not answer, the pane stays as it was and the status bar says
so in one sentence. Choosing another document for the pane, or leaving the
database, gives the read up; its answer, if it comes, is dropped."""

from __future__ import annotations

import logging

from desktop_app.core.gc_pause import collector_paused
from desktop_app.qt import operations

log = logging.getLogger(__name__)


class DocumentOpener:
    """Part of the window's controller (see Annotator): its caches of
    documents and sources are the annotator's."""

    def __init__(self, annotator) -> None:
        self.a = annotator
        self.w = annotator.w
        self._opening: dict = {}  # pane -> the Operation reading its document

    @property
    def opening(self) -> bool:
        return bool(self._opening)

    def show(self, pane, doc_id: int, then=None) -> None:
        """Show ``doc_id`` in ``pane``, then call ``then()`` (to scroll to a passage)."""
        previous = self._opening.pop(pane, None)
        if previous is not None:
            previous.abandon()  # the latest choice for this pane wins
        store = self.a.store
        if getattr(store, "is_team", False):
            self._read_then_show(pane, doc_id, then)
            return
        with collector_paused():  # the claims' rows too: thousands of small objects
            self._show_now(pane, doc_id, self.w.events.rows(("paint", doc_id), lambda: store.paint_rows(doc_id)))
        if then is not None:
            then()

    def repaint(self, pane) -> None:
        """Paint the claims of the document ``pane`` shows again: with rows
        a refresh holds, else read (off the UI thread on a team database;
        the highlights shown stay until the rows come)."""
        a, store, events, doc_id = self.a, self.a.store, self.w.events, pane.view.document_id
        if events.has_rows(("paint", doc_id)) or not getattr(store, "is_team", False):
            rows = events.rows(("paint", doc_id), lambda: store.paint_rows(doc_id))
            pane.view.set_highlights([a.span(c) for c in rows])
            return

        def paint(rows) -> None:
            if a.store is store and pane.view.document_id == doc_id and pane not in self._opening:
                pane.view.set_highlights([a.span(c) for c in rows])

        operations.read(self.w, store, lambda: store.paint_rows(doc_id), what=f"reading the claims of {doc_id}",
                        late=operations.team_late("the highlights keep their old colours"), succeeded=paint,
                        failed=lambda sentence: a.store is store and self.w.statusBar().showMessage(sentence, 8000))

    def stop(self) -> None:
        """Give up every document still being read (leaving the database)."""
        opening, self._opening = self._opening, {}
        for op in opening.values():
            op.abandon()

    def _read_then_show(self, pane, doc_id: int, then) -> None:
        a, store, events = self.a, self.a.store, self.w.events
        doc = a._docs_cache.get(doc_id)
        if doc is None and events.has_rows(("document", doc_id)):
            doc = events.rows(("document", doc_id), lambda: None)
        held_source = doc_id in a._sources_cache
        source = a._sources_cache.get(doc_id)
        paint = events.rows(("paint", doc_id), lambda: None) if events.has_rows(("paint", doc_id)) else None

        def read(_token):
            return (doc if doc is not None else store.load_document(doc_id),
                    source if held_source else store.document_source(doc_id, with_data=False),
                    paint if paint is not None else store.paint_rows(doc_id))

        title = a.library_title(doc_id)
        op = None

        def opened(result) -> None:
            if self._opening.get(pane) is not op or a.store is not store:
                return  # another document was chosen for the pane, or another database opened
            del self._opening[pane]
            doc_read, source_read, paint_read = result
            a._docs_cache[doc_id] = doc_read
            a._sources_cache[doc_id] = source_read
            self._show_now(pane, doc_id, paint_read)
            if then is not None:
                then()

        def failed(sentence: str) -> None:
            if self._opening.get(pane) is op:
                del self._opening[pane]
            if a.store is store:
                log.warning("document %s not opened: %s", doc_id, sentence)
                self.w.statusBar().showMessage(sentence, 15000)

        op = operations.run(self.w, read, what=f"reading document {doc_id}", timeout_ms=operations.TEAM_READ_WAIT_MS,
                            late=operations.team_late(f"{title} was not opened"), succeeded=opened, failed=failed,
                            store=store)
        self._opening[pane] = op
        self.w.statusBar().showMessage(f"Opening {title}…", 3000)

    def _show_now(self, pane, doc_id: int, paint) -> None:
        a = self.a
        with collector_paused():  # a long document makes objects by the hundred thousand
            pane.show_document(doc_id, a.document(doc_id))
            line = a.provenance(doc_id)
            pane.set_provenance(line)
            action = getattr(self.w, "menu_actions", {}).get("save_original")
            if action is not None and pane is (self.w.active_pane or self.w.panes[0]):
                action.setEnabled(bool(line))  # File > Save original… for the document being read
            pane.view.set_highlights([a.span(c) for c in paint])
        pane.view.set_selected_claim(a.selected_claim)
        self.w.splitter.update_gutters()
        page_view = getattr(self.w, "page_view", None)
        if page_view is not None:
            page_view.document_shown(pane, doc_id)
        a.panes_changed()
