"""Links between claims of different sources: add, change, delete, restore, list."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterable

import sqlalchemy as sa

from desktop_app.core.codebook import clean_text
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.ids import new_uuid
from desktop_app.core.rows import INVERSE, RELATIONS, LinkRow
from desktop_app.core.store.models import claim_links, claims, documents

_LINK_COLUMNS = (
    claim_links.c.id,
    claim_links.c.uuid,
    claim_links.c.source_id,
    claim_links.c.target_id,
    claim_links.c.relation,
    claim_links.c.note,
    claim_links.c.annotator,
    claim_links.c.created_at,
    claim_links.c.deleted_at,
)




def check_relation(relation: str) -> str:
    value = str(relation).strip().lower()
    if value not in RELATIONS:
        raise InvalidInput(f"'{relation}' is not a relation; use one of: {', '.join(RELATIONS)}.")
    return value


def _link_row(r) -> LinkRow:
    return LinkRow(
        id=r.id, uuid=r.uuid, source_id=r.source_id, target_id=r.target_id, relation=r.relation,
        note=r.note, annotator=r.annotator, created_at=r.created_at, deleted=r.deleted_at is not None,
    )


class LinksMixin:
    """Part of Store; uses its ``_tx`` and ``annotator``."""

    def _get_link(self, conn: sa.Connection, link_id: int) -> LinkRow:
        r = conn.execute(sa.select(*_LINK_COLUMNS).where(claim_links.c.id == link_id)).first()
        if r is None:
            raise NotFound(f"There is no link {link_id}.")
        return _link_row(r)

    def get_link(self, link_id: int) -> LinkRow:
        with self._tx(write=False) as conn:
            return self._get_link(conn, link_id)

    def _live_link_of_pair(self, conn: sa.Connection, a: int, b: int, *, other_than: int | None = None) -> int | None:
        """The id of the live link between claims ``a`` and ``b``, whichever way round."""
        q = sa.select(claim_links.c.id).where(
            sa.or_(
                sa.and_(claim_links.c.source_id == a, claim_links.c.target_id == b),
                sa.and_(claim_links.c.source_id == b, claim_links.c.target_id == a),
            ),
            claim_links.c.deleted_at.is_(None),
        )
        if other_than is not None:
            q = q.where(claim_links.c.id != other_than)
        return conn.execute(q.limit(1)).scalar()

    def add_link(self, source_id: int, target_id: int, relation: str, *, note: str = "") -> LinkRow:
        """Link two live claims of different documents. A pair has one live
        link, whichever way round: linking it again is refused (change the
        link). Links removed earlier stay as they were, each restorable."""
        relation = check_relation(relation)
        note = clean_text(note)
        if source_id == target_id:
            raise InvalidInput("A claim cannot be linked to itself.")
        with self._tx() as conn:
            found = dict(
                conn.execute(
                    sa.select(claims.c.id, claims.c.document_id)
                    .join(documents, documents.c.id == claims.c.document_id)
                    .where(
                        claims.c.id.in_([source_id, target_id]),
                        claims.c.deleted_at.is_(None),
                        documents.c.deleted_at.is_(None),
                    )
                ).all()
            )
            for claim_id in (source_id, target_id):
                if claim_id not in found:
                    raise NotFound(f"There is no claim {claim_id}.")
            if found[source_id] == found[target_id]:
                raise InvalidInput("Links join claims of different documents; these two are in the same one.")
            live = self._live_link_of_pair(conn, source_id, target_id)
            if live is not None:
                raise Conflict(f"These two claims are already linked (link {live}).")
            # A removed link of the pair stays as it was (its removal may still be undone): this is a new row.
            link_id = conn.execute(
                claim_links.insert().values(
                    uuid=new_uuid(), source_id=source_id, target_id=target_id, relation=relation, note=note,
                    annotator=self.annotator, created_at=datetime.now(timezone.utc),
                )
            ).inserted_primary_key[0]
            self._changed("links")
            return self._get_link(conn, link_id)

    def update_link(self, link_id: int, *, relation: str | None = None, note: str | None = None) -> LinkRow:
        values = {}
        if relation is not None:
            values["relation"] = check_relation(relation)
        if note is not None:
            values["note"] = clean_text(note)
        with self._tx() as conn:
            self._get_link(conn, link_id)
            if values:
                conn.execute(claim_links.update().where(claim_links.c.id == link_id).values(**values))
            self._changed("links")
            return self._get_link(conn, link_id)

    def delete_link(self, link_id: int) -> LinkRow:
        """Move a link to the bin; restore_link brings it back."""
        with self._tx() as conn:
            row = self._get_link(conn, link_id)
            conn.execute(
                claim_links.update().where(claim_links.c.id == link_id).values(deleted_at=datetime.now(timezone.utc))
            )
            self._changed("links")
            return row

    def restore_link(self, link_id: int) -> LinkRow:
        """Bring a removed link back as it was; refused while its pair has
        another live link (made since, here or elsewhere)."""
        with self._tx() as conn:
            row = self._get_link(conn, link_id)
            if row.deleted:
                live = self._live_link_of_pair(conn, row.source_id, row.target_id, other_than=link_id)
                if live is not None:
                    raise Conflict(f"These two claims are linked again meanwhile (link {live}); "
                                   f"remove that link to bring this one back.")
            conn.execute(claim_links.update().where(claim_links.c.id == link_id).values(deleted_at=None))
            self._changed("links")
            return self._get_link(conn, link_id)

    def list_links(self, *, claim_ids: Iterable[int] | None = None) -> list[LinkRow]:
        """Live links between live claims of live documents (touching any of
        ``claim_ids`` if given), oldest first."""
        source, target = claims.alias("source"), claims.alias("target")
        sdoc, tdoc = documents.alias("sdoc"), documents.alias("tdoc")
        q = (
            sa.select(*_LINK_COLUMNS)
            .join(source, source.c.id == claim_links.c.source_id)
            .join(target, target.c.id == claim_links.c.target_id)
            .join(sdoc, sdoc.c.id == source.c.document_id)
            .join(tdoc, tdoc.c.id == target.c.document_id)
            .where(
                claim_links.c.deleted_at.is_(None),
                source.c.deleted_at.is_(None),
                target.c.deleted_at.is_(None),
                sdoc.c.deleted_at.is_(None),
                tdoc.c.deleted_at.is_(None),
            )
            .order_by(claim_links.c.id)
        )
        if claim_ids is not None:
            ids = list(claim_ids)
            q = q.where(sa.or_(claim_links.c.source_id.in_(ids), claim_links.c.target_id.in_(ids)))
        with self._tx(write=False) as conn:
            return [_link_row(r) for r in conn.execute(q)]

    def links_by_claim(self) -> dict[int, list[LinkRow]]:
        """Every live link, under both of its claims."""
        out: dict[int, list[LinkRow]] = defaultdict(list)
        for link in self.list_links():
            out[link.source_id].append(link)
            out[link.target_id].append(link)
        return out

    def linked_claims(self) -> dict[int, list[tuple[str, str]]]:
        """For every claim with live links: (UUID of the linked claim, the
        relation as read from this claim), in link order."""
        links = self.list_links()
        if not links:
            return {}
        ids = {i for link in links for i in (link.source_id, link.target_id)}
        with self._tx(write=False) as conn:
            uuids = dict(conn.execute(sa.select(claims.c.id, claims.c.uuid).where(claims.c.id.in_(ids))).all())
        out: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for link in links:
            out[link.source_id].append((uuids[link.target_id], link.relation))
            out[link.target_id].append((uuids[link.source_id], INVERSE[link.relation]))
        return out
