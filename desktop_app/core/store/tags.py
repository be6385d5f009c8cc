"""The codebook in the store: tags added, renamed, recoloured, merged, removed."""

from __future__ import annotations

from typing import Iterable
from datetime import datetime, timezone

import sqlalchemy as sa

from desktop_app.core import codebook
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.ids import new_uuid
from desktop_app.core.store.models import claim_tags, claims, documents, tags
from desktop_app.core.rows import MergeRecord, RemovedTag, TagRow
from desktop_app.core.wording import plural


def _tag_count():
    return (
        sa.select(sa.func.count())
        .select_from(claim_tags.join(claims, claims.c.id == claim_tags.c.claim_id))
        .join(documents, documents.c.id == claims.c.document_id)
        .where(
            claim_tags.c.tag_id == tags.c.id,
            claims.c.deleted_at.is_(None),
            documents.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )


def _tag_row(r) -> TagRow:
    return TagRow(
        id=r.id,
        uuid=r.uuid,
        name=r.name,
        color=r.color,
        description=r.description,
        key=r.key,
        parent_id=r.parent_id,
        claim_count=r.claim_count,
        keywords=tuple(w for w in r.keywords.split("\n") if w),
    )


_TAG_COLUMNS = (
    tags.c.id, tags.c.uuid, tags.c.name, tags.c.color, tags.c.description, tags.c.key, tags.c.parent_id,
    tags.c.keywords,
)


class TagsMixin:
    """Part of Store; uses its ``_tx``."""

    def list_tags(self, *, counts: bool = True) -> list[TagRow]:
        """The codebook sorted by name. ``counts=False`` leaves ``claim_count``
        at 0 (not counted): see ``tag_counts_by_document``."""
        count = _tag_count() if counts else sa.literal(0)
        q = sa.select(*_TAG_COLUMNS, count.label("claim_count")).order_by(tags.c.name_key)
        with self._tx(write=False) as conn:
            return [_tag_row(r) for r in conn.execute(q)]

    def tag_counts_by_document(self, doc_ids: Iterable[int] | None = None) -> dict[int, dict[int, int]]:
        """How many live claims of each live document carry each tag:
        ``{document id: {tag id: count}}``, in one grouped query (the claims'
        document index, then the claim_tags key). Summed over the documents it
        gives each tag's count (``list_tags``); kept per document, a window
        counts again only the documents an edit touched. ``doc_ids`` limits
        it to those documents."""
        q = (
            sa.select(claims.c.document_id, claim_tags.c.tag_id, sa.func.count())
            .select_from(claims.join(claim_tags, claim_tags.c.claim_id == claims.c.id))
            .join(documents, documents.c.id == claims.c.document_id)
            .where(claims.c.deleted_at.is_(None), documents.c.deleted_at.is_(None))
            .group_by(claims.c.document_id, claim_tags.c.tag_id)
        )
        out: dict[int, dict[int, int]] = {}
        with self._tx(write=False) as conn:
            if doc_ids is None:
                parts = [q]
            else:
                ids = sorted(set(doc_ids))
                parts = [q.where(claims.c.document_id.in_(ids[i : i + 500])) for i in range(0, len(ids), 500)]
            for part in parts:
                for doc_id, tag_id, n in conn.execute(part):
                    out.setdefault(doc_id, {})[tag_id] = n
        return out

    def _get_tag(self, conn: sa.Connection, tag_id: int) -> TagRow:
        r = conn.execute(
            sa.select(*_TAG_COLUMNS, _tag_count().label("claim_count")).where(tags.c.id == tag_id)
        ).first()
        if r is None:
            raise NotFound(f"There is no tag {tag_id}.")
        return _tag_row(r)

    def tag_names(self, tag_ids: Iterable[int]) -> dict[int, str]:
        """Names of tags by id, without counting their claims (cheap)."""
        ids = list(tag_ids)
        if not ids:
            return {}
        with self._tx(write=False) as conn:
            return dict(conn.execute(sa.select(tags.c.id, tags.c.name).where(tags.c.id.in_(ids))).all())

    def get_tag(self, tag_id: int) -> TagRow:
        with self._tx(write=False) as conn:
            return self._get_tag(conn, tag_id)

    def resolve_tag(self, ref: str | int) -> int:
        """A tag id from its name (any case) or its id."""
        text = codebook.clean_text(ref).strip()  # as names were stored: no lone surrogates
        with self._tx(write=False) as conn:
            found = None
            if text:
                found = conn.execute(sa.select(tags.c.id).where(tags.c.name_key == " ".join(text.split()).casefold())).scalar()
            if found is None and text.isdigit():
                found = conn.execute(sa.select(tags.c.id).where(tags.c.id == int(text))).scalar()
        if found is None:
            raise NotFound(f"There is no tag '{text}' in the codebook (see 'marginalia tags').")
        return found

    def _check_unique(self, conn, *, name_key: str | None = None, key: int | None = None, exclude: int | None = None):
        if name_key is not None:
            q = sa.select(tags.c.name).where(tags.c.name_key == name_key)
            if exclude is not None:
                q = q.where(tags.c.id != exclude)
            other = conn.execute(q).scalar()
            if other is not None:
                raise Conflict(f"There is already a tag named '{other}'.")
        if key is not None:
            q = sa.select(tags.c.name).where(tags.c.key == key)
            if exclude is not None:
                q = q.where(tags.c.id != exclude)
            other = conn.execute(q).scalar()
            if other is not None:
                raise Conflict(f"Key {key} already belongs to the tag '{other}'.")

    def _check_parent(self, conn, tag_id: int | None, parent_id: int | None) -> None:
        if parent_id is None:
            return
        seen = set()
        current = parent_id
        while current is not None:
            if current == tag_id:
                raise InvalidInput("A tag cannot be placed under itself or one of its own sub-tags.")
            if current in seen:
                break
            seen.add(current)
            row = conn.execute(sa.select(tags.c.id, tags.c.parent_id).where(tags.c.id == current)).first()
            if row is None:
                raise NotFound(f"There is no tag {current}.")
            current = row.parent_id

    def _ancestors(self, conn, tag_id: int) -> list[int]:
        found: list[int] = []
        current = conn.execute(sa.select(tags.c.parent_id).where(tags.c.id == tag_id)).scalar()
        while current is not None and current not in found:
            found.append(current)
            current = conn.execute(sa.select(tags.c.parent_id).where(tags.c.id == current)).scalar()
        return found

    def add_tag(
        self,
        name: str,
        *,
        color: str | None = None,
        description: str = "",
        key: int | str | None = None,
        parent_id: int | None = None,
        keywords: Iterable[str] | str = (),
        tag_id: int | None = None,
        tag_uuid: str | None = None,
    ) -> TagRow:
        """Add a tag. ``tag_id``/``tag_uuid`` recreate a removed tag as it was (undo)."""
        name = codebook.clean_name(name)
        key = codebook.clean_key(key)
        with self._tx() as conn:
            self._check_unique(conn, name_key=name.casefold(), key=key)
            self._check_parent(conn, None, parent_id)
            if color is None:
                used = set(conn.execute(sa.select(tags.c.color)).scalars())
                color = codebook.next_color(used)
            values = dict(
                uuid=tag_uuid or new_uuid(),
                name=name,
                name_key=name.casefold(),
                color=codebook.clean_color(color),
                description=codebook.clean_text(description),
                key=key,
                parent_id=parent_id,
                keywords=codebook.clean_keywords(keywords),
                created_at=datetime.now(timezone.utc),
            )
            if tag_id is not None:
                values["id"] = tag_id
            new_id = conn.execute(tags.insert().values(**values)).inserted_primary_key[0]
            self._changed("tags")
            return self._get_tag(conn, new_id)

    def update_tag(self, tag_id: int, **fields) -> TagRow:
        """Change any of name, color, description, key, parent_id, keywords."""
        allowed = {"name", "color", "description", "key", "parent_id", "keywords"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInput(f"Tags have no field {sorted(unknown)[0]!r}.")
        values = {}
        if "name" in fields:
            values["name"] = codebook.clean_name(fields["name"])
            values["name_key"] = values["name"].casefold()
        if "color" in fields:
            values["color"] = codebook.clean_color(fields["color"])
        if "description" in fields:
            values["description"] = codebook.clean_text(fields["description"])
        if "key" in fields:
            values["key"] = codebook.clean_key(fields["key"])
        if "parent_id" in fields:
            values["parent_id"] = fields["parent_id"]
        if "keywords" in fields:
            values["keywords"] = codebook.clean_keywords(fields["keywords"])
        with self._tx() as conn:
            self._get_tag(conn, tag_id)
            self._check_unique(conn, name_key=values.get("name_key"), key=values.get("key"), exclude=tag_id)
            if "parent_id" in values:
                self._check_parent(conn, tag_id, values["parent_id"])
            if values:
                conn.execute(tags.update().where(tags.c.id == tag_id).values(**values))
            if "name" in values:
                self._refresh_tag_keys(conn, tag_id)
            self._changed("tags")
            return self._get_tag(conn, tag_id)

    def rename_tag(self, tag_id: int, name: str) -> TagRow:
        return self.update_tag(tag_id, name=name)

    def recolor_tag(self, tag_id: int, color: str) -> TagRow:
        return self.update_tag(tag_id, color=color)

    def _claims_with(self, conn, tag_id: int) -> list[int]:
        return list(conn.execute(sa.select(claim_tags.c.claim_id).where(claim_tags.c.tag_id == tag_id)).scalars())

    def merge_tags(self, source_id: int, target_id: int) -> MergeRecord:
        """Every claim of the source tag gets the target tag; the source is removed."""
        if source_id == target_id:
            raise InvalidInput("A tag cannot be merged into itself.")
        with self._tx() as conn:
            source = self._get_tag(conn, source_id)
            self._get_tag(conn, target_id)
            with_source = set(self._claims_with(conn, source_id))
            with_target = set(self._claims_with(conn, target_id))
            moved = sorted(with_source - with_target)
            both = sorted(with_source & with_target)
            children = list(conn.execute(sa.select(tags.c.id).where(tags.c.parent_id == source_id)).scalars())
            # Sub-tags go under the target, except the one that leads down to the
            # target (or is it): it takes the source's place, so no tag ends up under itself.
            on_path = set(self._ancestors(conn, target_id)) | {target_id}
            if moved:
                conn.execute(claim_tags.insert(), [{"claim_id": c, "tag_id": target_id} for c in moved])
            conn.execute(claim_tags.delete().where(claim_tags.c.tag_id == source_id))
            for child in children:
                parent = source.parent_id if child in on_path else target_id
                conn.execute(tags.update().where(tags.c.id == child).values(parent_id=parent))
            conn.execute(tags.delete().where(tags.c.id == source_id))
            self._bump(conn, moved + both)
            return MergeRecord(
                source=source, target_id=target_id, moved_claim_ids=tuple(moved),
                both_claim_ids=tuple(both), child_tag_ids=tuple(children),
            )

    def unmerge_tags(self, record: MergeRecord) -> TagRow:
        """Undo merge_tags: the source tag comes back with its claims and sub-tags."""
        with self._tx() as conn:
            restored = self._recreate(conn, record.source)
            claim_ids = list(record.moved_claim_ids) + list(record.both_claim_ids)
            if claim_ids:
                conn.execute(claim_tags.insert(), [{"claim_id": c, "tag_id": restored} for c in claim_ids])
            if record.moved_claim_ids:
                conn.execute(
                    claim_tags.delete().where(
                        claim_tags.c.tag_id == record.target_id, claim_tags.c.claim_id.in_(record.moved_claim_ids)
                    )
                )
            if record.child_tag_ids:
                conn.execute(tags.update().where(tags.c.id.in_(record.child_tag_ids)).values(parent_id=restored))
            self._bump(conn, claim_ids)
            return self._get_tag(conn, restored)

    def remove_tag(self, tag_id: int, *, untag: bool = False) -> RemovedTag:
        """Remove a tag. If claims use it, ``untag=True`` must say to take it off
        them (or merge it into another tag instead)."""
        with self._tx() as conn:
            tag = self._get_tag(conn, tag_id)
            claim_ids = self._claims_with(conn, tag_id)
            if claim_ids and not untag:
                raise Conflict(
                    f"The tag '{tag.name}' is used by {plural(len(claim_ids), 'claim')}: merge it into another tag, "
                    "or remove it from those claims explicitly (untag)."
                )
            children = list(conn.execute(sa.select(tags.c.id).where(tags.c.parent_id == tag_id)).scalars())
            conn.execute(claim_tags.delete().where(claim_tags.c.tag_id == tag_id))
            if children:
                conn.execute(tags.update().where(tags.c.id.in_(children)).values(parent_id=tag.parent_id))
            conn.execute(tags.delete().where(tags.c.id == tag_id))
            self._bump(conn, claim_ids)
            return RemovedTag(tag=tag, claim_ids=tuple(claim_ids), child_tag_ids=tuple(children))

    def restore_tag(self, removed: RemovedTag) -> TagRow:
        """Undo remove_tag."""
        with self._tx() as conn:
            tag_id = self._recreate(conn, removed.tag)
            if removed.claim_ids:
                conn.execute(claim_tags.insert(), [{"claim_id": c, "tag_id": tag_id} for c in removed.claim_ids])
            if removed.child_tag_ids:
                conn.execute(tags.update().where(tags.c.id.in_(removed.child_tag_ids)).values(parent_id=tag_id))
            self._bump(conn, list(removed.claim_ids))
            return self._get_tag(conn, tag_id)

    def _recreate(self, conn, tag: TagRow) -> int:
        self._check_unique(conn, name_key=tag.name.casefold(), key=tag.key)
        parent = tag.parent_id
        if parent is not None and conn.execute(sa.select(tags.c.id).where(tags.c.id == parent)).scalar() is None:
            parent = None
        # SQLite hands the highest free id to the next new tag: if that took
        # this tag's id, the tag comes back under a new one.
        taken = conn.execute(sa.select(tags.c.id).where(tags.c.id == tag.id)).scalar() is not None
        values = dict(
            uuid=tag.uuid, name=tag.name, name_key=tag.name.casefold(), color=tag.color,
            description=tag.description, key=tag.key, parent_id=parent, created_at=datetime.now(timezone.utc),
            keywords="\n".join(tag.keywords),
        )
        if not taken:
            values["id"] = tag.id
        return conn.execute(tags.insert().values(**values)).inserted_primary_key[0]

    def _bump(self, conn, claim_ids) -> None:
        """Claims whose tags changed get a new version and update time."""
        ids = list(claim_ids)
        for i in range(0, len(ids), 500):
            conn.execute(
                claims.update()
                .where(claims.c.id.in_(ids[i : i + 500]))
                .values(version=claims.c.version + 1, updated_at=datetime.now(timezone.utc))
            )
        self._refresh_sort_keys(conn, ids)
