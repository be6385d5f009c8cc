"""Undoable auto-coding: every match of a pattern becomes a claim, one step."""

from __future__ import annotations

from desktop_app.qt.commands.base import StoreCommand


class AutoCode(StoreCommand):
    """Tag every match as a claim (core autocode_claims, which says which
    claims it made); redo restores those claims, undo sends them to the bin."""

    record_type = None  # a search over the corpus as it is now: run again, not replayed

    def __init__(self, store, events, pattern: str, tag_id: int, *, regex: bool, document_ids,
                 whole_words: bool, case_sensitive: bool, accent_sensitive: bool = False) -> None:
        super().__init__(store, events, f"Auto-code “{pattern}”")
        self.pattern = pattern
        self.tag_id = tag_id
        self.options = dict(regex=regex, whole_words=whole_words, case_sensitive=case_sensitive,
                            accent_sensitive=accent_sensitive, document_ids=None if document_ids is None else list(document_ids))
        self.claim_ids: tuple[int, ...] | None = None

    def _do(self) -> None:
        from desktop_app.core.autocode import autocode_claims

        if self.claim_ids is None:
            with self._store.transaction():
                self.claim_ids = tuple(autocode_claims(self._store, self.pattern, self.tag_id, **self.options))
                rows = [self._store.get_claim(c) for c in self.claim_ids]
            n = len(self.claim_ids)
            self.setText(f"Auto-code {n} passage{'s' if n != 1 else ''} as {self._tag_names([self.tag_id])}")
        else:
            with self._store.transaction():
                rows = [self._store.restore_claim(c) for c in self.claim_ids]
        for row in rows:
            self._events.claimAdded.emit(row)

    def _undo(self) -> None:
        with self._store.transaction():
            rows = [self._store.delete_claim(c) for c in self.claim_ids]
        for row in rows:
            self._events.claimRemoved.emit(row.id, row.document_id)
