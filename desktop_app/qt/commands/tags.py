"""Undoable edits of the codebook: add, update, merge and remove tags."""

from __future__ import annotations

from desktop_app.core.rows import MergeRecord, RemovedTag, TagRow
from desktop_app.qt.commands.base import StoreCommand
from desktop_app.qt.events import StoreEvents


class AddTag(StoreCommand):
    """A new tag; undo removes it (refused if claims use it by then), redo
    recreates it with the same id and UUID."""

    record_type = "AddTag"

    def __init__(
        self,
        store,
        events: StoreEvents,
        name: str,
        color: str | None = None,
        key: int | str | None = None,
        description: str = "",
    ) -> None:
        super().__init__(store, events, f"Add tag “{name}”")
        self.name = name
        self.color = color
        self.key = key
        self.description = description
        self.tag: TagRow | None = None

    def record_fields(self) -> dict:
        return {"name": self.name, "color": self.color, "key": self.key, "description": self.description}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "AddTag":
        return cls(store, events, str(rec["name"]), color=rec.get("color"), key=rec.get("key"),
                   description=str(rec.get("description", "")))

    @property
    def tag_id(self) -> int | None:
        return None if self.tag is None else self.tag.id

    def _do(self) -> None:
        if self.tag is None:
            self.tag = self._store.add_tag(self.name, color=self.color, key=self.key, description=self.description)
            self.setText(f"Add tag “{self.tag.name}”")
        else:
            t = self.tag
            self._store.add_tag(
                t.name, color=t.color, key=t.key, description=t.description,
                parent_id=t.parent_id, tag_id=t.id, tag_uuid=t.uuid,
            )
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.remove_tag(self.tag.id)
        self._events.tagsChanged.emit()


class UpdateTag(StoreCommand):
    """Rename, recolour, re-key or describe a tag (any of ``name``, ``color``,
    ``key``, ``description``, ``parent_id``, ``keywords``); undo puts the old
    values back."""

    record_type = "UpdateTag"

    def __init__(self, store, events: StoreEvents, tag_id: int, **fields) -> None:
        super().__init__(store, events, "Change tag")
        self.tag_id = tag_id
        self.fields = dict(fields)
        self.old_fields: dict | None = None

    def record_fields(self) -> dict:
        return {"tag_id": self.tag_id, "fields": dict(self.fields)}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "UpdateTag":
        return cls(store, events, int(rec["tag_id"]), **dict(rec["fields"]))

    def _do(self) -> None:
        if self.old_fields is None:
            with self._store.transaction():
                old = self._store.get_tag(self.tag_id)
                self.old_fields = {f: getattr(old, f) for f in self.fields if hasattr(old, f)}
                new = self._store.update_tag(self.tag_id, **self.fields)
            self.setText(self._describe(old, new))
        else:
            self._store.update_tag(self.tag_id, **self.fields)
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.update_tag(self.tag_id, **self.old_fields)
        self._events.tagsChanged.emit()

    def _describe(self, old: TagRow, new: TagRow) -> str:
        if set(self.fields) == {"name"}:
            return f"Rename tag “{old.name}” to “{new.name}”"
        if set(self.fields) == {"color"}:
            return f"Recolour tag “{new.name}”"
        if set(self.fields) == {"key"}:
            return f"Set the key of tag “{new.name}”" if new.key is not None else f"Clear the key of tag “{new.name}”"
        if set(self.fields) == {"keywords"}:
            return f"Set the keywords of tag “{new.name}”"
        return f"Change tag “{new.name}”"


class MergeTags(StoreCommand):
    """Every claim of the source tag gets the target tag, and the source goes;
    undo brings the source back with its claims."""

    record_type = "MergeTags"

    def __init__(self, store, events: StoreEvents, source_id: int, target_id: int) -> None:
        super().__init__(store, events, "Merge tags")
        self.source_id = source_id
        self.target_id = target_id
        self.record: MergeRecord | None = None

    def record_fields(self) -> dict:
        return {"source_id": self.source_id, "target_id": self.target_id}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "MergeTags":
        return cls(store, events, int(rec["source_id"]), int(rec["target_id"]))

    def _do(self) -> None:
        first = self.record is None
        self.record = self._store.merge_tags(self.source_id, self.target_id)
        if first:
            target = self._tag_names([self.target_id])
            self.setText(f"Merge tag “{self.record.source.name}” into “{target}”")
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.unmerge_tags(self.record)
        self._events.tagsChanged.emit()


class RemoveTag(StoreCommand):
    """Remove a tag (``untag`` says to take it off the claims that use it);
    undo restores it on those claims."""

    record_type = "RemoveTag"

    def __init__(self, store, events: StoreEvents, tag_id: int, untag: bool = False) -> None:
        super().__init__(store, events, "Remove tag")
        self.tag_id = tag_id
        self.untag = untag
        self.removed: RemovedTag | None = None

    def record_fields(self) -> dict:
        return {"tag_id": self.tag_id, "untag": self.untag}

    @classmethod
    def from_record(cls, store, events, rec: dict) -> "RemoveTag":
        return cls(store, events, int(rec["tag_id"]), bool(rec.get("untag", False)))

    def _do(self) -> None:
        self.removed = self._store.remove_tag(self.tag_id, untag=self.untag)
        self.setText(f"Remove tag “{self.removed.tag.name}”")
        self._events.tagsChanged.emit()

    def _undo(self) -> None:
        self._store.restore_tag(self.removed)
        self._events.tagsChanged.emit()


# ---------------------------------------------------------------- documents
