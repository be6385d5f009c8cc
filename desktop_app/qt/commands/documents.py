"""Undoable edits of documents: delete, import, replace with a new version."""

from __future__ import annotations

from typing import Iterable

from desktop_app.core.rows import ReplaceResult
from desktop_app.qt.commands.base import StoreCommand, short_quote
from desktop_app.qt.events import StoreEvents


class DeleteDocument(StoreCommand):
    """Move a document to the bin with its claims; undo brings both back."""

    record_type = "DeleteDocument"

    def __init__(self, store, events: StoreEvents, document_id: int) -> None:
        super().__init__(store, events, "Delete document")
        self.document_id = document_id

    def record_fields(self) -> dict:
        return {"document_id": self.document_id}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "DeleteDocument":
        return cls(store, events, int(rec["document_id"]))

    def _do(self) -> None:
        row = self._store.delete_document(self.document_id, with_claims=True)
        self.setText(f"Delete document “{short_quote(row.title)}”")
        self._events.documentsChanged.emit()

    def _undo(self) -> None:
        self._store.restore_document(self.document_id)
        self._events.documentsChanged.emit()


class ImportedDocuments(StoreCommand):
    """Documents an import has already added: the first run only announces
    them; undo sends them to the bin and redo restores them."""

    record_type = None  # the import itself is not repeated in another session

    def __init__(self, store, events: StoreEvents, document_ids: Iterable[int]) -> None:
        self.document_ids = tuple(document_ids)
        n = len(self.document_ids)
        super().__init__(store, events, f"Import {n} document{'s' if n != 1 else ''}")
        self._first = True

    def _do(self) -> None:
        if self._first:
            self._first = False
        else:
            with self._store.transaction():
                for doc_id in self.document_ids:
                    self._store.restore_document(doc_id)
        self._events.documentsChanged.emit()

    def _undo(self) -> None:
        with self._store.transaction():
            for doc_id in self.document_ids:
                self._store.delete_document(doc_id, with_claims=True)
        self._events.documentsChanged.emit()


class ReplaceDocument(StoreCommand):
    """Replace a document's text with a new version (already parsed); the
    claims are placed again on it, or orphaned. Undo puts back the old text
    and every claim's anchor; redo replaces again with the same version."""

    record_type = None  # holds a parsed document: the user replaces it again

    def __init__(self, store, events: StoreEvents, document_id: int, document, original_name: str = "") -> None:
        super().__init__(store, events, "Replace document")
        self.document_id = document_id
        self.document = document  # a StructuredDocument: a value, never changed
        self.original_name = original_name
        self.result: ReplaceResult | None = None

    def _do(self) -> None:
        # a redo puts the claims back where the first run placed them (never placed twice)
        self.result = self._store.replace_document(self.document_id, self.document, original_name=self.original_name,
                                                   again=self.result)
        self.setText(f"Replace the text of “{short_quote(self.result.document.title)}”")
        self._announce()

    def _undo(self) -> None:
        self._store.undo_replace(self.result)
        self._announce()

    def _announce(self) -> None:
        self._events.documentsChanged.emit()
        signal = getattr(self._events, "documentTextChanged", None)
        if signal is not None:
            signal.emit(self.document_id)
