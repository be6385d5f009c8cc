"""Claims in the store: create, read, retag, annotate, delete, restore, search."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterable, Iterator, Sequence

import sqlalchemy as sa

from desktop_app.core.anchoring import CONTEXT, anchor_at
from desktop_app.core import codebook
from desktop_app.core.codebook import clean_text
from desktop_app.core.document import OfferedClaim, page_label
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.ids import new_uuid, new_uuids
from desktop_app.core.store.claims_query import status_rank, tags_key, text_key
from desktop_app.core.store.models import claim_tags, claims, documents, tags
from desktop_app.core.rows import STATUSES, ClaimRow, OfferedResult, PaintRow, SearchHit
from desktop_app.core.store.server import allocate_ids


PAGED_FORMATS = ("pdf",)  # the sources whose documents have pages (see StructuredDocument.pages)

_BATCH = 1000

_CLAIM_COLUMNS = (
    claims.c.id,
    claims.c.uuid,
    claims.c.document_id,
    claims.c.start_offset,
    claims.c.end_offset,
    claims.c.quote,
    claims.c.prefix,
    claims.c.suffix,
    claims.c.note,
    claims.c.status,
    claims.c.annotator,
    claims.c.version,
    claims.c.created_at,
    claims.c.updated_at,
    claims.c.deleted_at,
    claims.c.orphaned,
)


def _claim_row(r, tag_ids: Sequence[int], pages: Sequence[int] = ()) -> ClaimRow:
    return ClaimRow(
        id=r.id,
        uuid=r.uuid,
        document_id=r.document_id,
        start=r.start_offset,
        end=r.end_offset,
        quote=r.quote,
        prefix=r.prefix,
        suffix=r.suffix,
        note=r.note,
        status=r.status,
        annotator=r.annotator,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        tag_ids=tuple(sorted(tag_ids)),
        deleted=r.deleted_at is not None,
        orphaned=bool(r.orphaned),
        page="" if r.orphaned or not pages else page_label(list(pages), r.start_offset, r.end_offset),
    )


IMPORTED_TAG = "imported"  # the tag highlights found in a file get unless the user names another
IMPORTED_COLOR = "#F2C94C"  # a highlighter's yellow


def _place_offered(text: str, o: OfferedClaim) -> tuple[int, int] | None:
    """Where an offered highlight goes on ``text`` (see add_offered_claims)."""
    start, end, quote = o.start, o.end, o.quote
    in_range = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
    if in_range and (not quote or text[start:end] == quote):
        return start, end
    if not quote:
        return None
    near = start if isinstance(start, int) else 0
    best = None
    at = text.find(quote)
    while at >= 0:
        if best is None or abs(at - near) < abs(best - near):
            best = at
        if at > near:
            break
        at = text.find(quote, at + 1)
    return None if best is None else (best, best + len(quote))


def check_status(status: str) -> str:
    value = str(status).strip().lower()
    if value not in STATUSES:
        raise InvalidInput(f"'{status}' is not a status; use one of: {', '.join(STATUSES)}.")
    return value


_UUID_BATCH = 500  # UUIDs looked up per statement (well under every backend's parameter limit)


class ClaimsMixin:
    """Part of Store; uses its ``_tx``, ``search_index`` and ``annotator``."""

    # ---------------------------------------------------------------- creating
    def add_claim(
        self,
        document_id: int,
        start: int,
        end: int,
        tag_ids: Iterable[int] = (),
        *,
        note: str = "",
        status: str = "unverified",
        annotator: str | None = None,
    ) -> ClaimRow:
        status = check_status(status)
        tag_ids = list(dict.fromkeys(tag_ids))
        note = clean_text(note)
        annotator = clean_text(self.annotator if annotator is None else annotator)
        now = datetime.now(timezone.utc)
        with self._tx() as conn:
            text, key = self._text_and_key(conn, document_id)
            anchor = anchor_at(text, start, end)
            self._check_tags(conn, tag_ids)
            title = conn.execute(sa.select(documents.c.title).where(documents.c.id == document_id)).scalar() or ""
            names = conn.execute(sa.select(tags.c.name).where(tags.c.id.in_(tag_ids))).scalars().all()
            claim_id = conn.execute(
                claims.insert().values(
                    sort_document=text_key(title),
                    sort_tags=tags_key(names),
                    sort_quote=text_key(anchor.quote),
                    sort_note=text_key(note),
                    sort_status=status_rank(status),
                    uuid=new_uuid(),
                    document_id=document_id,
                    start_offset=anchor.start,
                    end_offset=anchor.end,
                    quote=anchor.quote,
                    prefix=anchor.prefix,
                    suffix=anchor.suffix,
                    note=note,
                    status=status,
                    annotator=annotator,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            if tag_ids:
                conn.execute(claim_tags.insert(), [{"claim_id": claim_id, "tag_id": t} for t in tag_ids])
            self.search_index.index_claim(conn, claim_id, anchor.quote, note)
            self._changed("claims", document_id)
            # the document's key was read just above: its pages need no second walk past its text
            return self._get_claim(conn, claim_id, known={document_id: key})

    def add_claims_bulk(self, document_id: int, spans: Sequence[tuple[int, int]], tag_ids: Iterable[int] = ()) -> int:
        """Insert many claims on one document in one transaction (an import of
        annotations, auto-coding); returns how many."""
        return len(self.add_claims_returning_ids(document_id, spans, tag_ids))

    def add_claims_returning_ids(self, document_id: int, spans: Sequence[tuple[int, int]],
                                 tag_ids: Iterable[int] = ()) -> list[int]:
        """``add_claims_bulk``, returning the new claims' ids in the order of ``spans``."""
        tag_ids = list(dict.fromkeys(tag_ids))
        now = datetime.now(timezone.utc)
        annotator = self.annotator
        with self._tx() as conn:
            text = self._text(conn, document_id)
            self._check_tags(conn, tag_ids)
            if conn.dialect.name == "sqlite":  # one writer at a time: the next ids are free
                first = (conn.execute(sa.select(sa.func.max(claims.c.id))).scalar() or 0) + 1
                ids = range(first, first + len(spans))
            else:
                ids = allocate_ids(conn, "claims", len(spans)) if spans else []
            uuids = new_uuids(len(spans))
            length = len(text)
            for start, end in spans:
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
                    anchor_at(text, start, end)  # raises the user-facing error
            if not spans:
                return []
            title = conn.execute(sa.select(documents.c.title).where(documents.c.id == document_id)).scalar() or ""
            names = conn.execute(sa.select(tags.c.name).where(tags.c.id.in_(tag_ids))).scalars().all()
            keys = (text_key(title), tags_key(names), status_rank("unverified"))
            if conn.dialect.name == "sqlite":
                self._bulk_sqlite(conn, document_id, ids, uuids, spans, text, tag_ids, annotator, now, keys)
            else:
                rows = [(ids[i], uuids[i], s, e, text[s:e], text[max(0, s - CONTEXT) : s], text[e : e + CONTEXT])
                        for i, (s, e) in enumerate(spans)]
                conn.execute(claims.insert(), [
                    dict(id=cid, uuid=uuid, document_id=document_id, start_offset=s, end_offset=e, quote=q,
                         prefix=pre, suffix=suf, note="", status="unverified", annotator=annotator, version=1,
                         created_at=now, updated_at=now, orphaned=False, sort_document=keys[0],
                         sort_tags=keys[1], sort_quote=text_key(q), sort_note="", sort_status=keys[2])
                    for cid, uuid, s, e, q, pre, suf in rows
                ])
                if tag_ids:
                    conn.execute(claim_tags.insert(), [{"claim_id": r[0], "tag_id": t} for r in rows for t in tag_ids])
                self.search_index.index_claims(conn, [(r[0], r[4], "") for r in rows])
            self._changed("claims", document_id)
            return list(ids)

    def add_offered_claims(
        self, document_id: int, offered: Sequence[OfferedClaim], *, tag_name: str = IMPORTED_TAG
    ) -> OfferedResult:
        """Make claims of highlights and comments found in the document's file
        (``StructuredDocument.offered``), tagged ``tag_name`` (made, in the
        highlighter colour, when there is no such tag), in one transaction.

        Each is anchored like any claim (quote, prefix, suffix) on the current
        text: at its place when the text there is its quote, else at the
        occurrence of its quote nearest to that place; one whose quote is not
        in the text is skipped and counted. Its comment becomes the note, and
        the person who made it, when the file names one, its annotator."""
        with self._tx() as conn:
            text = self._text(conn, document_id)
            found = conn.execute(sa.select(tags.c.id).where(tags.c.name_key == codebook.name_key(tag_name))).scalar()
            created = found is None
            if created:
                used = set(conn.execute(sa.select(tags.c.color)).scalars())
                color = IMPORTED_COLOR if IMPORTED_COLOR not in used else None
                found = self.add_tag(tag_name, color=color).id
            ids: list[int] = []
            skipped = 0
            for o in offered:
                span = _place_offered(text, o)
                if span is None:
                    skipped += 1
                    continue
                row = self.add_claim(
                    document_id, span[0], span[1], [found], note=o.note,
                    annotator=o.author.strip()[:200] or None,
                )
                ids.append(row.id)
            return OfferedResult(document_id=document_id, tag_id=found, tag_created=created,
                                 claim_ids=tuple(ids), skipped=skipped)

    # SQLite's page cache while many claims are inserted: the rows, their two
    # indexes and the search index of 100,000 claims take some 60 MB; with the
    # default 2 MB cache, pages are written out to the journal and read back
    # several times before the commit.
    _BULK_CACHE_KIB = 131_072

    def _bulk_sqlite(self, conn, document_id, ids, uuids, spans, text, tag_ids, annotator, now, keys) -> None:
        """The same inserts straight through the driver, each row's values
        built once: for a hundred thousand rows, building SQLAlchemy
        parameters costs more than SQLite's work. Timestamps are written in
        the form SQLAlchemy keeps them in on SQLite. ``keys``: the sort keys
        every row shares (document, tags, status); the quote's is each row's."""
        stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        doc_key, tag_key, rank = keys
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        if len(spans) > 1000:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{self._BULK_CACHE_KIB}")
        try:
            conn.exec_driver_sql(
                "INSERT INTO claims (id, uuid, document_id, start_offset, end_offset, quote, prefix, suffix, note, "
                "status, annotator, version, created_at, updated_at, orphaned, sort_document, sort_tags, "
                "sort_quote, sort_note, sort_status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'unverified', ?, 1, ?, ?, 0, ?, ?, ?, '', ?)",
                [(cid, uuid, document_id, s, e, text[s:e], text[s - CONTEXT if s > CONTEXT else 0 : s],
                  text[e : e + CONTEXT], annotator, stamp, stamp, doc_key, tag_key, text_key(text[s:e]), rank)
                 for cid, uuid, (s, e) in zip(ids, uuids, spans)],
            )
            if tag_ids:
                conn.exec_driver_sql(
                    "INSERT INTO claim_tags (claim_id, tag_id) VALUES (?, ?)", [(cid, t) for cid in ids for t in tag_ids]
                )
            self.search_index.index_claims(conn, [(cid, text[s:e], "") for cid, (s, e) in zip(ids, spans)])
        finally:
            if len(spans) > 1000:
                conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")

    def _check_tags(self, conn: sa.Connection, tag_ids: Sequence[int]) -> None:
        if not tag_ids:
            return
        found = set(conn.execute(sa.select(tags.c.id).where(tags.c.id.in_(tag_ids))).scalars())
        missing = [t for t in tag_ids if t not in found]
        if missing:
            raise NotFound(f"There is no tag {missing[0]}.")

    # ----------------------------------------------------------------- reading
    def _get_claim(self, conn: sa.Connection, claim_id: int, known: dict | None = None) -> ClaimRow:
        """``known``: document keys this transaction has read (see _pages)."""
        r = conn.execute(sa.select(*_CLAIM_COLUMNS).where(claims.c.id == claim_id)).first()
        if r is None:
            raise NotFound(f"There is no claim {claim_id}.")
        tag_ids = conn.execute(sa.select(claim_tags.c.tag_id).where(claim_tags.c.claim_id == claim_id)).scalars()
        pages = self._pages(conn, [r.document_id], known).get(r.document_id, ())
        return _claim_row(r, list(tag_ids), pages)

    def claim_documents_by_uuid(self, uuids: Iterable[str]) -> dict[str, int]:
        """The document of each claim (deleted ones too) whose UUID is among
        ``uuids``: uuid -> document id."""
        found: dict[str, int] = {}
        unique = sorted(set(uuids))
        with self._tx(write=False) as conn:
            for i in range(0, len(unique), _UUID_BATCH):
                batch = unique[i : i + _UUID_BATCH]
                found.update(conn.execute(sa.select(claims.c.uuid, claims.c.document_id)
                                          .where(claims.c.uuid.in_(batch))).all())
        return found

    def keep_claim_identity(self, claim_id: int, uuid: str | None, created: datetime, updated: datetime) -> None:
        """Give a claim just added the identity it had elsewhere (an imported
        annotation's UUID and dates). Meant inside the import's transaction,
        whose change-log entry the add already made."""
        values: dict = {"created_at": created, "updated_at": updated}
        if uuid is not None:
            values["uuid"] = uuid
        with self._tx() as conn:
            conn.execute(claims.update().where(claims.c.id == claim_id).values(**values))

    def get_claim(self, claim_id: int) -> ClaimRow:
        with self._tx(write=False) as conn:
            return self._get_claim(conn, claim_id)

    def resolve_claim(self, ref: str | int) -> int:
        """A claim id from its id, its UUID, or the end of its UUID (8 or more
        characters; UUIDs begin with their creation time, so they end in the
        part that tells them apart) when only one claim's UUID ends so."""
        text = clean_text(ref).strip()  # as names were stored: no lone surrogates
        with self._tx(write=False) as conn:
            found = None
            if text.isdigit():
                found = conn.execute(sa.select(claims.c.id).where(claims.c.id == int(text))).scalar()
            # the end of a UUID can be all digits ("…51840185"): not an id, try it as a UUID
            if found is None and len(text) >= 8:
                ids = conn.execute(
                    sa.select(claims.c.id)
                    .where(sa.or_(claims.c.uuid == text.lower(), claims.c.uuid.endswith(text.lower(), autoescape=True)))
                    .limit(2)
                ).scalars().all()
                found = ids[0] if len(ids) == 1 else None
        if found is None:
            raise NotFound(f"There is no claim '{text}' (see 'marginalia claims').")
        return found

    def _claims_query(
        self,
        *,
        document_ids: Iterable[int] | None = None,
        tag_ids: Iterable[int] | None = None,
        statuses: Iterable[str] | None = None,
        include_deleted: bool = False,
        orphaned: bool | None = None,
    ) -> sa.Select:
        q = (
            sa.select(*_CLAIM_COLUMNS)
            .join(documents, documents.c.id == claims.c.document_id)
            .where(documents.c.deleted_at.is_(None))
        )
        if not include_deleted:
            q = q.where(claims.c.deleted_at.is_(None))
        if document_ids is not None:
            q = q.where(claims.c.document_id.in_(list(document_ids)))
        if orphaned is not None:
            q = q.where(claims.c.orphaned == orphaned)
        if statuses is not None:
            q = q.where(claims.c.status.in_([check_status(s) for s in statuses]))
        if tag_ids is not None:
            q = q.where(
                sa.exists().where(claim_tags.c.claim_id == claims.c.id, claim_tags.c.tag_id.in_(list(tag_ids)))
            )
        return q

    def list_claims(
        self,
        *,
        document_ids: Iterable[int] | None = None,
        tag_ids: Iterable[int] | None = None,
        statuses: Iterable[str] | None = None,
        include_deleted: bool = False,
        orphaned: bool | None = None,
    ) -> list[ClaimRow]:
        return list(
            self.iter_claims(
                document_ids=document_ids, tag_ids=tag_ids, statuses=statuses, include_deleted=include_deleted,
                orphaned=orphaned,
            )
        )

    def iter_claims(self, order_by_position: bool = False, **filters) -> Iterator[ClaimRow]:
        """Claims matching the filters (any of several tags), streamed in batches
        so that memory stays flat whatever their number."""
        q = self._claims_query(**filters)
        if order_by_position:
            q = q.order_by(claims.c.document_id, claims.c.start_offset, claims.c.id)
        else:
            q = q.order_by(claims.c.id)
        with self._tx(write=False, share=False) as conn:
            result = conn.execute(q.execution_options(stream_results=True, yield_per=_BATCH))
            for batch in result.partitions(_BATCH):
                yield from self._with_tags(conn, batch)

    def iter_export_rows(self, **filters) -> Iterator[tuple]:
        """Claims for an export, as plain tuples, streamed in batches: (id, uuid,
        document id, quote, prefix, suffix, start, end, note, status,
        annotator, created, updated, orphaned, tag ids). Timestamps come as the
        database gives them (see export_csv.iso_utc); no row objects are built,
        so that exporting a hundred thousand claims stays close to the cost of
        writing the file."""
        raw = sa.String
        q = (
            self._claims_query(**filters)
            .with_only_columns(
                claims.c.id, claims.c.uuid, claims.c.document_id, claims.c.quote, claims.c.prefix,
                claims.c.suffix, claims.c.start_offset, claims.c.end_offset, claims.c.note, claims.c.status,
                claims.c.annotator, sa.type_coerce(claims.c.created_at, raw),
                sa.type_coerce(claims.c.updated_at, raw), claims.c.orphaned,
            )
            .order_by(claims.c.id)
        )
        with self._tx(write=False, share=False) as conn:
            result = conn.execute(q.execution_options(stream_results=True, yield_per=_BATCH))
            for batch in result.partitions(_BATCH):
                by_claim: dict[int, list[int]] = defaultdict(list)
                # The batch is in id order: when its ids are close together
                # (a whole export), the tags of its id range, one statement of
                # two parameters, cheaper than a thousand (the few claims in
                # between that are not exported are read and left).
                first, last = batch[0][0], batch[-1][0]
                if last - first < 2 * len(batch):
                    which = claim_tags.c.claim_id.between(first, last)
                else:
                    which = claim_tags.c.claim_id.in_([r[0] for r in batch])
                for cid, tid in conn.execute(sa.select(claim_tags.c.claim_id, claim_tags.c.tag_id).where(which)).all():
                    by_claim[cid].append(tid)
                for r in batch:
                    yield (*r, tuple(by_claim.get(r[0], ())))

    def claims_by_id(self, ids: Sequence[int]) -> dict[int, ClaimRow]:
        """The rows of these claims (binned ones too), by id."""
        out: dict[int, ClaimRow] = {}
        ids = list(dict.fromkeys(ids))
        with self._tx(write=False) as conn:
            for i in range(0, len(ids), _UUID_BATCH):
                part = ids[i : i + _UUID_BATCH]
                rows = conn.execute(sa.select(*_CLAIM_COLUMNS).where(claims.c.id.in_(part))).all()
                out.update((c.id, c) for c in self._with_tags(conn, rows))
        return out

    def _with_tags(self, conn: sa.Connection, rows) -> list[ClaimRow]:
        """ClaimRows of a few hundred claim rows at most: their tags and their
        documents' pages read in one statement each."""
        by_claim: dict[int, list[int]] = defaultdict(list)
        for cid, tid in conn.execute(
            sa.select(claim_tags.c.claim_id, claim_tags.c.tag_id).where(claim_tags.c.claim_id.in_([r.id for r in rows]))
        ):
            by_claim[cid].append(tid)
        pages = self._pages(conn, {r.document_id for r in rows})
        return [_claim_row(r, by_claim.get(r.id, ()), pages.get(r.document_id, ())) for r in rows]

    def claims_for_document(self, document_id: int) -> list[ClaimRow]:
        """The claims placed in the document's current text (what a pane paints)."""
        return list(self.iter_claims(order_by_position=True, document_ids=[document_id], orphaned=False))

    def paint_rows(self, document_id: int) -> list[PaintRow]:
        """What a pane needs to paint the claims placed in a document, by
        position: one pass over an index that covers it, no quotes, notes or
        timestamps, so that opening a long document with thousands of claims
        stays quick."""
        q = (
            sa.select(claims.c.id, claims.c.start_offset, claims.c.end_offset, claim_tags.c.tag_id,
                      claims.c.status)
            .select_from(claims.outerjoin(claim_tags, claim_tags.c.claim_id == claims.c.id))
            .where(
                claims.c.document_id == document_id,
                claims.c.deleted_at.is_(None),
                claims.c.orphaned.is_(False),
            )
            .order_by(claims.c.start_offset, claims.c.id, claim_tags.c.tag_id)
        )
        out: list[PaintRow] = []
        with self._tx(write=False) as conn:
            last, tag_list = None, []
            for cid, start, end, tag_id, status in conn.execute(q).all():
                if last is None or cid != last[0]:
                    if last is not None:
                        out.append(PaintRow(last[0], last[1], last[2], tuple(tag_list), last[3]))
                    last, tag_list = (cid, start, end, status), []
                if tag_id is not None:
                    tag_list.append(tag_id)
            if last is not None:
                out.append(PaintRow(last[0], last[1], last[2], tuple(tag_list), last[3]))
        return out

    def list_orphans(self, document_ids: Iterable[int] | None = None) -> list[ClaimRow]:
        """Claims that a new version of their document no longer contains."""
        return list(self.iter_claims(document_ids=document_ids, orphaned=True))

    def count_claims(self) -> int:
        q = self._claims_query().with_only_columns(sa.func.count()).order_by(None)
        with self._tx(write=False) as conn:
            return int(conn.execute(q).scalar() or 0)

    # ---------------------------------------------------------------- changing
    def _touch(self, conn: sa.Connection, claim_id: int, expected_version: int | None, **values) -> None:
        q = claims.update().where(claims.c.id == claim_id)
        if "note" in values:
            values["sort_note"] = text_key(values["note"])
        if "status" in values:
            values["sort_status"] = status_rank(values["status"])
        if expected_version is not None:
            q = q.where(claims.c.version == expected_version)
        done = conn.execute(
            q.values(version=claims.c.version + 1, updated_at=datetime.now(timezone.utc), **values)
        ).rowcount
        if not done:
            exists = conn.execute(sa.select(claims.c.id).where(claims.c.id == claim_id)).scalar()
            if exists is None:
                raise NotFound(f"There is no claim {claim_id}.")
            raise Conflict("This claim was changed elsewhere in the meantime; reload it before saving.")
        document_id = conn.execute(sa.select(claims.c.document_id).where(claims.c.id == claim_id)).scalar()
        self._changed("claims", document_id)

    def set_claim_note(self, claim_id: int, note: str, *, expected_version: int | None = None) -> ClaimRow:
        note = clean_text(note)
        with self._tx() as conn:
            self._touch(conn, claim_id, expected_version, note=note)
            row = self._get_claim(conn, claim_id)
            if not row.deleted:
                self.search_index.index_claim(conn, claim_id, row.quote, note)
            return row

    def set_claim_status(self, claim_id: int, status: str, *, expected_version: int | None = None) -> ClaimRow:
        status = check_status(status)
        with self._tx() as conn:
            self._touch(conn, claim_id, expected_version, status=status)
            return self._get_claim(conn, claim_id)

    def set_claim_tags(self, claim_id: int, tag_ids: Iterable[int], *, expected_version: int | None = None) -> ClaimRow:
        tag_ids = list(dict.fromkeys(tag_ids))
        with self._tx() as conn:
            self._check_tags(conn, tag_ids)
            self._touch(conn, claim_id, expected_version)
            conn.execute(claim_tags.delete().where(claim_tags.c.claim_id == claim_id))
            if tag_ids:
                conn.execute(claim_tags.insert(), [{"claim_id": claim_id, "tag_id": t} for t in tag_ids])
            self._refresh_sort_keys(conn, [claim_id])
            return self._get_claim(conn, claim_id)

    def delete_claim(self, claim_id: int) -> ClaimRow:
        """Move a claim to the bin; restore_claim brings it back as it was."""
        with self._tx() as conn:
            row = self._get_claim(conn, claim_id)
            conn.execute(
                claims.update().where(claims.c.id == claim_id).values(deleted_at=datetime.now(timezone.utc))
            )
            self.search_index.unindex_claim(conn, claim_id)
            self._changed("claims", row.document_id)
            return row

    def restore_claim(self, claim_id: int) -> ClaimRow:
        """Bring a claim back from the bin; refused if its document was replaced
        meanwhile by a version in which the quote is no longer at its place."""
        with self._tx() as conn:
            conn.execute(claims.update().where(claims.c.id == claim_id).values(deleted_at=None))
            row = self._get_claim(conn, claim_id)
            text, doc_deleted = conn.execute(
                sa.select(documents.c.text, documents.c.deleted_at).where(documents.c.id == row.document_id)
            ).one()
            if not row.orphaned and text[row.start : row.end] != row.quote:
                raise Conflict(
                    f"The claim “{row.quote[:40]}” cannot be restored: its document was replaced "
                    "by a version in which the quote is no longer at its place."
                )
            if doc_deleted is None:  # else restore_document indexes it
                self.search_index.index_claim(conn, claim_id, row.quote, row.note)
            self._changed("claims", row.document_id)
            return row

    def _document_claims(self, conn: sa.Connection, document_id: int) -> list[ClaimRow]:
        """Every claim of a document, binned and orphaned ones too."""
        rows = conn.execute(
            sa.select(*_CLAIM_COLUMNS).where(claims.c.document_id == document_id).order_by(claims.c.id)
        ).all()
        by_claim: dict[int, list[int]] = defaultdict(list)
        for cid, tid in conn.execute(
            sa.select(claim_tags.c.claim_id, claim_tags.c.tag_id)
            .join(claims, claims.c.id == claim_tags.c.claim_id)
            .where(claims.c.document_id == document_id)
        ):
            by_claim[cid].append(tid)
        pages = self._pages(conn, [document_id]).get(document_id, ())
        return [_claim_row(r, by_claim.get(r.id, ()), pages) for r in rows]

    def _write_anchor(self, conn: sa.Connection, claim_id: int, *, orphaned: bool, **anchor) -> None:
        values = {"orphaned": orphaned}
        for key, column in (("start", "start_offset"), ("end", "end_offset"), ("quote", "quote"),
                            ("prefix", "prefix"), ("suffix", "suffix")):
            if key in anchor:
                values[column] = anchor[key]
        if "quote" in anchor:
            values["sort_quote"] = text_key(anchor["quote"])
        conn.execute(claims.update().where(claims.c.id == claim_id).values(**values))

    def reattach_claim(self, claim_id: int, start: int, end: int) -> ClaimRow:
        """Place a claim (typically an orphaned one) on ``text[start:end]`` of its
        document's current text; its quote becomes that text."""
        with self._tx() as conn:
            row = self._get_claim(conn, claim_id)
            text = self._text(conn, row.document_id, include_deleted=True)
            a = anchor_at(text, start, end)
            self._write_anchor(conn, claim_id, orphaned=False, start=a.start, end=a.end, quote=a.quote,
                               prefix=a.prefix, suffix=a.suffix)
            self._touch(conn, claim_id, None)
            if not row.deleted:
                self.search_index.index_claim(conn, claim_id, a.quote, row.note)
            return self._get_claim(conn, claim_id)

    def restore_claim_anchor(self, before: ClaimRow) -> ClaimRow:
        """Undo reattach_claim: the anchor (and orphaned state) of ``before``."""
        with self._tx() as conn:
            self._write_anchor(conn, before.id, orphaned=before.orphaned, start=before.start, end=before.end,
                               quote=before.quote, prefix=before.prefix, suffix=before.suffix)
            self._touch(conn, before.id, None)
            row = self._get_claim(conn, before.id)
            if not row.deleted:
                self.search_index.index_claim(conn, before.id, row.quote, row.note)
            return row

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Documents and claims whose text, quote or note contain every word of the query."""
        with self._tx(write=False) as conn:
            raw = self.search_index.query(conn, query, limit * 2)
            doc_ids = {i for kind, i, _ in raw if kind == "document"}
            claim_ids = {i for kind, i, _ in raw if kind == "claim"}
            claim_docs = self._claim_documents(conn, claim_ids)
            rows = {
                r.id: r
                for r in conn.execute(
                    sa.select(documents.c.id, documents.c.title, documents.c.source_format).where(
                        documents.c.deleted_at.is_(None),
                        documents.c.id.in_(doc_ids | set(claim_docs.values())),
                    )
                )
            } if raw else {}
            live_docs = {i: r.title for i, r in rows.items()}
            shown = []
            for kind, i, rank in raw:
                doc_id = i if kind == "document" else claim_docs.get(i)
                if doc_id is None or doc_id not in live_docs:
                    continue
                shown.append((kind, i, doc_id, rank))
                if len(shown) == limit:
                    break
            # snippets last, for the rows shown only: their cost grows with each row's text
            snippets = self.search_index.snippets(conn, query, [(kind, i) for kind, i, _, _ in shown])
            pages = self._search_pages(conn, query, shown, rows)
        return [
            SearchHit(kind=kind, id=i, document_id=doc_id, title=live_docs[doc_id], snippet=snippets[(kind, i)],
                      rank=rank, page=pages.get((kind, i), ""))
            for kind, i, doc_id, rank in shown
        ]

    def _search_pages(self, conn, query: str, shown: list, rows: dict) -> dict[tuple[str, int], str]:
        """The page of each hit shown that lies in a document with pages: a
        claim's own, a document's first match of the query (its text is read
        for paged documents only, from the cache that annotating keeps).
        Only PDFs have pages: the other documents' rows are not read again
        (the columns that say whether a row has pages follow its text, and
        reading them walks past a long document's whole text)."""
        from desktop_app.core.store.search import first_hit

        paged = {doc_id for _kind, _i, doc_id, _rank in shown if rows[doc_id].source_format in PAGED_FORMATS}
        pages = self._pages(conn, paged) if paged else {}
        if not pages:
            return {}
        out: dict[tuple[str, int], str] = {}
        claim_ids = [i for kind, i, doc_id, _rank in shown if kind == "claim" and doc_id in pages]
        if claim_ids:
            for r in conn.execute(
                sa.select(claims.c.id, claims.c.document_id, claims.c.start_offset, claims.c.end_offset,
                          claims.c.orphaned).where(claims.c.id.in_(claim_ids))
            ):
                if not r.orphaned:
                    out[("claim", r.id)] = page_label(pages[r.document_id], r.start_offset, r.end_offset)
        for kind, i, doc_id, _rank in shown:
            if kind == "document" and doc_id in pages:
                hit = first_hit(self._text(conn, doc_id), query)
                if hit is not None:
                    out[("document", i)] = page_label(pages[doc_id], *hit)
        return out

    @staticmethod
    def _claim_documents(conn, claim_ids: set[int]) -> dict[int, int]:
        """Live claims' documents, by claim id."""
        if not claim_ids:
            return {}
        return dict(
            conn.execute(
                sa.select(claims.c.id, claims.c.document_id).where(
                    claims.c.id.in_(claim_ids), claims.c.deleted_at.is_(None)
                )
            ).all()
        )
