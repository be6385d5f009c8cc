"""Undoable acceptance of a matching pair: two claims linked as "same", one step."""

from __future__ import annotations

from desktop_app.qt.commands.base import StoreCommand, short_quote
from desktop_app.qt.events import StoreEvents


class AcceptMatch(StoreCommand):
    """Both passages of a suggested pair become claims, linked as "same".
    Redo restores the same claims and link (same ids); undo deletes the link
    and the claims this step made (a claim that was there already stays)."""

    record_type = None  # holds a suggestion of this session's search

    def __init__(self, store, events: StoreEvents, match, doc_a: int, doc_b: int, tag_ids=None) -> None:
        super().__init__(store, events, "Accept matching passages")
        self.match = match
        self.doc_a = doc_a
        self.doc_b = doc_b
        self.tag_ids = None if tag_ids is None else tuple(tag_ids)
        self.claim_a: int | None = None
        self.claim_b: int | None = None
        self.link_id: int | None = None
        self.new_claims: tuple[int, ...] = ()

    def _do(self) -> None:
        from desktop_app.core.suggest import accept_match

        if self.link_id is None:
            accepted = accept_match(self._store, self.match, self.doc_a, self.doc_b, self.tag_ids)
            self.claim_a, self.claim_b, self.link_id, self.new_claims = accepted
            self.setText(f"Link “{short_quote(self.match.quote_a, 24)}” same “{short_quote(self.match.quote_b, 24)}”")
            rows = [self._store.get_claim(c) for c in self.new_claims]
        else:
            with self._store.transaction():
                rows = [self._store.restore_claim(c) for c in self.new_claims]
                self._store.restore_link(self.link_id)
        for row in rows:
            self._events.claimAdded.emit(row)
        self._events.linksChanged.emit()

    def _undo(self) -> None:
        with self._store.transaction():
            self._store.delete_link(self.link_id)
            rows = [self._store.delete_claim(c) for c in self.new_claims]
        for row in rows:
            self._events.claimRemoved.emit(row.id, row.document_id)
        self._events.linksChanged.emit()
