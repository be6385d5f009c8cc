"""Undoable edits of the links between claims (see commands.py for how a
command runs, is pushed, and reports a failed undo or redo)."""

from __future__ import annotations

from desktop_app.qt.commands.base import StoreCommand, short_quote
from desktop_app.qt.events import StoreEvents


def _quote(store, claim_id: int) -> str:
    return short_quote(store.get_claim(claim_id).quote, 24)


class AddLink(StoreCommand):
    """Link two claims of different documents; undo sends the link to the bin
    and redo restores the same link (same id)."""

    record_type = "AddLink"

    def __init__(self, store, events: StoreEvents, source_id: int, target_id: int, relation: str,
                 note: str = "") -> None:
        super().__init__(store, events, "Link claims")
        self.source_id = source_id
        self.target_id = target_id
        self.relation = relation
        self.note = note
        self.link_id: int | None = None

    def record_fields(self) -> dict:
        return {"source_id": self.source_id, "target_id": self.target_id, "relation": self.relation,
                "note": self.note}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "AddLink":
        return cls(store, events, int(rec["source_id"]), int(rec["target_id"]), str(rec["relation"]),
                   str(rec.get("note", "")))

    def _do(self) -> None:
        if self.link_id is None:
            with self._store.transaction():
                row = self._store.add_link(self.source_id, self.target_id, self.relation, note=self.note)
                self.setText(f"Link “{_quote(self._store, self.source_id)}” {row.relation} "
                             f"“{_quote(self._store, self.target_id)}”")
            self.link_id = row.id
        else:
            self._store.restore_link(self.link_id)
        self._events.linksChanged.emit()

    def _undo(self) -> None:
        self._store.delete_link(self.link_id)
        self._events.linksChanged.emit()


class DeleteLink(StoreCommand):
    """Send a link to the bin; undo restores it."""

    record_type = "DeleteLink"

    def __init__(self, store, events: StoreEvents, link_id: int) -> None:
        super().__init__(store, events, "Delete link")
        self.link_id = link_id

    def record_fields(self) -> dict:
        return {"link_id": self.link_id}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "DeleteLink":
        return cls(store, events, int(rec["link_id"]))

    def _do(self) -> None:
        row = self._store.delete_link(self.link_id)
        self.setText(f"Delete the link “{_quote(self._store, row.source_id)}” {row.relation} "
                     f"“{_quote(self._store, row.target_id)}”")
        self._events.linksChanged.emit()

    def _undo(self) -> None:
        self._store.restore_link(self.link_id)
        self._events.linksChanged.emit()


class UpdateLink(StoreCommand):
    """Change a link's relation and/or note; undo puts the old values back."""

    record_type = "UpdateLink"

    def __init__(self, store, events: StoreEvents, link_id: int, *, relation: str | None = None,
                 note: str | None = None) -> None:
        super().__init__(store, events, "Change link")
        self.link_id = link_id
        self.fields = {k: v for k, v in (("relation", relation), ("note", note)) if v is not None}
        self.old_fields: dict | None = None

    def record_fields(self) -> dict:
        return {"link_id": self.link_id, "fields": dict(self.fields)}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "UpdateLink":
        return cls(store, events, int(rec["link_id"]), **dict(rec["fields"]))

    def _do(self) -> None:
        if self.old_fields is None:
            with self._store.transaction():
                old = self._store.get_link(self.link_id)
                self.old_fields = {f: getattr(old, f) for f in self.fields}
                new = self._store.update_link(self.link_id, **self.fields)
            self.fields = {f: getattr(new, f) for f in self.fields}  # as stored
            self.setText(f"Change link to “{new.relation}”" if "relation" in self.fields else "Change link note")
        else:
            self._store.update_link(self.link_id, **self.fields)
        self._events.linksChanged.emit()

    def _undo(self) -> None:
        self._store.update_link(self.link_id, **self.old_fields)
        self._events.linksChanged.emit()
