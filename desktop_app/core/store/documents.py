"""Documents in the store: add, list, read, replace, delete and restore."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

import sqlalchemy as sa

from desktop_app.core.codebook import clean_text
from desktop_app.core.document import Metadata, SourceFile, StructuredDocument
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.ids import new_uuid
from desktop_app.core.store.models import claims, document_sources, document_versions, documents
from desktop_app.core.rows import DocumentRow, ReplaceResult, SourceRow
from desktop_app.core.wording import plural

_LIST_COLUMNS = (
    documents.c.id,
    documents.c.uuid,
    documents.c.title,
    documents.c.author,
    documents.c.outlet,
    documents.c.source_url,
    documents.c.published,
    documents.c.source_format,
    documents.c.encoding,
    documents.c.original_name,
    documents.c.sha256,
    documents.c.char_count,
    documents.c.imported_at,
    documents.c.version,
)


_PAGES_FIRST = '{"v":1,"pages":'  # how a structure with pages begins (see StructuredDocument.structure_json)


def _retrieved_at(value: str, fallback: datetime) -> datetime:
    """An importer's ISO 8601 retrieval time as an aware UTC datetime; the
    time of the import when it gave none (or none that can be read)."""
    try:
        when = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return fallback
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _source_row(r, data: bytes | None = None) -> SourceRow:
    return SourceRow(
        document_id=r.document_id, version=r.version, media_type=r.media_type, file_name=r.file_name,
        address=r.address, retrieved_at=r.retrieved_at, size=int(r.size or 0), data=data,
    )


def _claim_count():
    return (
        sa.select(sa.func.count())
        .where(claims.c.document_id == documents.c.id, claims.c.deleted_at.is_(None))
        .scalar_subquery()
    )


def _doc_row(r) -> DocumentRow:
    return DocumentRow(
        id=r.id,
        uuid=r.uuid,
        title=r.title,
        author=r.author,
        outlet=r.outlet,
        source_url=r.source_url,
        published=r.published,
        source_format=r.source_format,
        encoding=r.encoding,
        original_name=r.original_name,
        sha256=r.sha256,
        char_count=r.char_count,
        imported_at=r.imported_at,
        claim_count=r.claim_count,
        deleted=r.deleted_at is not None,
        version=r.version,
    )


def _storable(meta: Metadata) -> Metadata:
    """Metadata that SQLite can store: lone surrogates become U+FFFD."""
    return Metadata(**{k: clean_text(v) for k, v in meta.as_dict().items()})


class DocumentsMixin:
    """Part of Store; uses its ``_tx`` and ``search_index``."""

    def add_document(self, doc: StructuredDocument, *, original_name: str = "", uuid: str | None = None) -> DocumentRow:
        """Add a document; ``uuid`` gives it a chosen identity (the sample
        articles have the same one in every database), else a new one."""
        doc.check()
        original_name = clean_text(original_name)  # a file name need not be valid UTF-8
        if not doc.text.strip():
            raise InvalidInput(f"{original_name or 'The document'} has no text to annotate.")
        meta = _storable(doc.metadata)
        title = meta.title.strip() or original_name or "Untitled"
        with self._tx() as conn:
            doc_id = conn.execute(
                documents.insert().values(
                    uuid=uuid or new_uuid(),
                    title=title,
                    author=meta.author,
                    outlet=meta.outlet,
                    source_url=meta.source_url,
                    published=meta.published,
                    source_format=doc.source_format,
                    encoding=doc.encoding,
                    original_name=original_name,
                    sha256=doc.sha256,
                    text=doc.text,
                    structure=doc.structure_json(),
                    char_count=len(doc.text),
                    imported_at=datetime.now(timezone.utc),
                )
            ).inserted_primary_key[0]
            if doc.original is not None:
                self._keep_source(conn, doc_id, 1, doc.original)
            self.search_index.index_document(conn, doc_id, title, doc.text)
            self._changed("documents")
            return self._get_document(conn, doc_id)

    def _keep_source(self, conn: sa.Connection, doc_id: int, version: int, original: SourceFile) -> None:
        """Keep the bytes a version of a document was read from."""
        if not isinstance(original.data, (bytes, bytearray, memoryview)):
            raise InvalidInput("The source of a document must be kept as bytes.")
        now = datetime.now(timezone.utc)
        conn.execute(
            document_sources.insert().values(
                document_id=doc_id,
                version=version,
                data=bytes(original.data),
                media_type=clean_text(original.media_type)[:200],
                file_name=clean_text(original.file_name),
                address=clean_text(original.address),
                retrieved_at=_retrieved_at(original.retrieved_at, now),
            )
        )

    _SOURCE_COLUMNS = (
        document_sources.c.document_id, document_sources.c.version, document_sources.c.media_type,
        document_sources.c.file_name, document_sources.c.address, document_sources.c.retrieved_at,
        sa.func.length(document_sources.c.data).label("size"),
    )

    def _current_sources(self) -> sa.Select:
        return sa.select(*self._SOURCE_COLUMNS).join(
            documents,
            sa.and_(documents.c.id == document_sources.c.document_id, documents.c.version == document_sources.c.version),
        )

    def document_source(self, doc_id: int, *, with_data: bool = True) -> SourceRow | None:
        """The source the document's current version was read from, bytes and
        all (``with_data=False``: without the bytes); None when none was kept
        (documents imported before sources were kept, or typed in)."""
        with self._tx(write=False) as conn:
            self._get_document(conn, doc_id)
            q = self._current_sources().where(document_sources.c.document_id == doc_id)
            if with_data:
                q = q.add_columns(document_sources.c.data)
            r = conn.execute(q).first()
        if r is None:
            return None
        return _source_row(r, bytes(r.data) if with_data else None)

    def document_sources(self) -> dict[int, SourceRow]:
        """Where and when the current version of each document was read
        (without the bytes), by document id, for documents that have one."""
        with self._tx(write=False) as conn:
            return {r.document_id: _source_row(r) for r in conn.execute(self._current_sources())}

    def document_pages(self, doc_id: int) -> list[int]:
        """The code-point offsets at which the pages of the document's current
        text start ([] for a source without pages)."""
        with self._tx(write=False) as conn:
            return list(self._pages(conn, [doc_id]).get(doc_id, []))

    def page_starts(self) -> dict[int, list[int]]:
        """Page starts of every paged document, by id (for exports)."""
        with self._tx(write=False) as conn:
            ids = conn.execute(
                sa.select(documents.c.id).where(sa.func.substr(documents.c.structure, 1, len(_PAGES_FIRST)) == _PAGES_FIRST)
            ).scalars().all()
            return self._pages(conn, ids) if ids else {}

    def _pages(self, conn: sa.Connection, doc_ids, known: dict | None = None) -> dict[int, list[int]]:
        """Page starts of these documents (only those with pages), kept in
        memory and checked against each row as the text is (see _text)."""
        cache = self._pages_cache
        ids = list(dict.fromkeys(doc_ids))
        out: dict[int, list[int]] = {}
        if not ids:
            return out
        # The keys follow the text in the row: reading them walks past the
        # whole text (a millisecond or more for a long document). A key this
        # transaction has just read (``known``, from _text_and_key) is not
        # read again.
        keys = {i: known[i] for i in ids if known and i in known}
        unknown = [i for i in ids if i not in keys]
        if unknown:
            keys.update(
                (r.id, (r.version, r.sha256, r.char_count))
                for r in conn.execute(
                    sa.select(documents.c.id, documents.c.version, documents.c.sha256, documents.c.char_count).where(
                        documents.c.id.in_(unknown)
                    )
                )
            )
        missing = [i for i in keys if cache.get(i, (None,))[0] != keys[i]]
        if missing:
            head = sa.func.substr(documents.c.structure, 1, len(_PAGES_FIRST))
            paged = dict(
                conn.execute(
                    sa.select(documents.c.id, documents.c.structure).where(
                        documents.c.id.in_(missing), head == _PAGES_FIRST
                    )
                ).all()
            )
            for i in missing:
                pages = StructuredDocument.pages_from_json(paged[i]) if i in paged else []
                cache[i] = (keys[i], pages)
        for i in keys:
            pages = cache[i][1]
            if pages:
                out[i] = pages
        return out

    def _get_document(self, conn: sa.Connection, doc_id: int, include_deleted: bool = True) -> DocumentRow:
        q = sa.select(*_LIST_COLUMNS, documents.c.deleted_at, _claim_count().label("claim_count")).where(
            documents.c.id == doc_id
        )
        r = conn.execute(q).first()
        if r is None or (r.deleted_at is not None and not include_deleted):
            raise NotFound(f"There is no document {doc_id}.")
        return _doc_row(r)

    def get_document(self, doc_id: int) -> DocumentRow:
        with self._tx(write=False) as conn:
            return self._get_document(conn, doc_id)

    def list_documents(self, *, include_deleted: bool = False, counts: bool = True) -> list[DocumentRow]:
        """The documents in import order. ``counts=False`` leaves their
        ``claim_count`` at 0 (not counted): the list is then read without
        touching the claims, and ``document_claim_counts`` counts them."""
        count = _claim_count() if counts else sa.literal(0)
        q = sa.select(*_LIST_COLUMNS, documents.c.deleted_at, count.label("claim_count")).order_by(documents.c.id)
        if not include_deleted:
            q = q.where(documents.c.deleted_at.is_(None))
        with self._tx(write=False) as conn:
            return [_doc_row(r) for r in conn.execute(q)]

    def document_claim_counts(self, doc_ids: Iterable[int] | None = None) -> dict[int, int]:
        """Live claims per document, by id, counted by the database in one
        query (on the claims' document index); documents without claims are
        left out. ``doc_ids`` limits it to those documents."""
        q = (
            sa.select(claims.c.document_id, sa.func.count())
            .where(claims.c.deleted_at.is_(None))
            .group_by(claims.c.document_id)
        )
        with self._tx(write=False) as conn:
            if doc_ids is None:
                return dict(conn.execute(q).all())
            ids = sorted(set(doc_ids))
            out: dict[int, int] = {}
            for i in range(0, len(ids), 500):
                out.update(conn.execute(q.where(claims.c.document_id.in_(ids[i : i + 500]))).all())
            return out

    def document_title(self, doc_id: int) -> str:
        """A document's title, without counting its claims (cheap)."""
        with self._tx(write=False) as conn:
            title = conn.execute(sa.select(documents.c.title).where(documents.c.id == doc_id)).scalar()
        if title is None:
            raise NotFound(f"There is no document {doc_id}.")
        return title

    def document_text(self, doc_id: int) -> str:
        with self._tx(write=False) as conn:
            return self._text(conn, doc_id, include_deleted=True)

    def _text(self, conn: sa.Connection, doc_id: int, *, include_deleted: bool = False) -> str:
        """A document's text, kept in memory between calls and checked against
        its row (version, hash, length) each time: the text is megabytes, the
        check a few bytes, and annotating reads it for every claim."""
        return self._text_and_key(conn, doc_id, include_deleted=include_deleted)[0]

    def _text_and_key(self, conn: sa.Connection, doc_id: int, *, include_deleted: bool = False) -> tuple[str, tuple]:
        """``_text``, and the key it was checked against (for _pages, in the same transaction)."""
        row = conn.execute(
            sa.select(documents.c.version, documents.c.sha256, documents.c.char_count, documents.c.deleted_at).where(
                documents.c.id == doc_id
            )
        ).first()
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFound(f"There is no document {doc_id}.")
        key = (row.version, row.sha256, row.char_count)
        cached = self._text_cache.get(doc_id)
        if cached is not None and cached[0] == key:
            return cached[1], key
        text = conn.execute(sa.select(documents.c.text).where(documents.c.id == doc_id)).scalar()
        self._text_cache[doc_id] = (key, text)
        return text, key

    def load_document(self, doc_id: int) -> StructuredDocument:
        """The structured document, as the view renders it."""
        with self._tx(write=False) as conn:
            r = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()
        if r is None:
            raise NotFound(f"There is no document {doc_id}.")
        blocks, spans = StructuredDocument.structure_from_json(r.structure)
        return StructuredDocument(
            text=r.text,
            blocks=blocks,
            spans=spans,
            pages=StructuredDocument.pages_from_json(r.structure),
            metadata=Metadata(
                title=r.title, author=r.author, outlet=r.outlet, source_url=r.source_url, published=r.published
            ),
            source_format=r.source_format,
            encoding=r.encoding,
            sha256=r.sha256,
        )

    def resolve_document(self, ref: str | int) -> int:
        """A document id from what a user typed: its id, its UUID, or its title
        (exact, ignoring case, or a part of it that only one title contains)."""
        text = clean_text(ref).strip()  # as names were stored: no lone surrogates
        docs = self.list_documents()
        if text.isdigit():
            for d in docs:
                if d.id == int(text):
                    return d.id
            raise NotFound(f"There is no document {text} (see 'marginalia docs').")
        key = text.casefold()
        for d in docs:
            if d.uuid == text or d.title.casefold() == key:
                return d.id
        partial = [d for d in docs if key and key in d.title.casefold()]
        if len(partial) == 1:
            return partial[0].id
        if len(partial) > 1:
            raise InvalidInput(
                f"'{text}' matches {len(partial)} documents; give the id (see 'marginalia docs')."
            )
        raise NotFound(f"There is no document '{text}' (see 'marginalia docs').")

    def update_document_metadata(self, doc_id: int, **fields: str) -> DocumentRow:
        allowed = {"title", "author", "outlet", "source_url", "published"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInput(f"Documents have no field {sorted(unknown)[0]!r}.")
        fields = {k: clean_text(v) for k, v in fields.items()}
        if "title" in fields and not fields["title"].strip():
            raise InvalidInput("A document needs a title.")
        with self._tx() as conn:
            self._get_document(conn, doc_id)
            conn.execute(documents.update().where(documents.c.id == doc_id).values(**fields))
            if "title" in fields:
                text = conn.execute(sa.select(documents.c.text).where(documents.c.id == doc_id)).scalar()
                self.search_index.index_document(conn, doc_id, fields["title"], text)
                self._refresh_title_keys(conn, doc_id, fields["title"])
            self._changed("documents")
            return self._get_document(conn, doc_id)

    def replace_document(self, doc_id: int, doc: StructuredDocument, *, original_name: str = "",
                         again: ReplaceResult | None = None) -> ReplaceResult:
        """Replace a document's text with a new version, in one transaction.

        The old text is kept as a numbered version. Every claim (binned ones
        too) is placed again on the new text: at its old position if the quote
        is still there, else at the best match (see reanchor.py), else it is
        marked orphaned and keeps its old quote. No claim is dropped.

        ``again`` is the result of the same replacement, undone since (redo):
        the claims it placed go back exactly where it left them, instead of
        being placed a second time; a binned claim it did not know was made on
        the new text (its making undone before the replacement was) and stays
        where it is; a live one it did not know was made on the old text
        meanwhile and is placed as on a first run."""
        from desktop_app.core.reanchor import ORPHANED, OldAnchor, reanchor

        doc.check()
        original_name = clean_text(original_name)
        if not doc.text.strip():  # as for a new document: nothing to annotate, nothing to anchor to
            raise InvalidInput(f"{original_name or 'The new version'} has no text to annotate.")
        now = datetime.now(timezone.utc)
        with self._tx() as conn:
            self._get_document(conn, doc_id, include_deleted=False)
            current = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).one()
            before = tuple(self._document_claims(conn, doc_id))
            placed = {c.id: c for c in again.after} if again is not None else {}
            live = [c for c in before if not c.orphaned and c.id not in placed
                    and not (again is not None and c.deleted)]
            placements = reanchor(
                current.text,
                doc.text,
                [OldAnchor(c.id, c.start, c.end, c.quote, c.prefix, c.suffix) for c in live],
            )
            conn.execute(
                document_versions.insert().values(
                    document_id=doc_id, version=current.version, text=current.text, structure=current.structure,
                    sha256=current.sha256, source_format=current.source_format, encoding=current.encoding,
                    original_name=current.original_name, imported_at=current.imported_at, replaced_at=now,
                )
            )
            meta = _storable(doc.metadata)
            values = dict(
                text=doc.text,
                structure=doc.structure_json(),
                char_count=len(doc.text),
                sha256=doc.sha256,
                source_format=doc.source_format,
                encoding=doc.encoding,
                imported_at=now,
                version=current.version + 1,
            )
            if original_name:
                values["original_name"] = original_name
            # the metadata the user knows the document by stays; a new version
            # only fills in what was missing
            for field in ("author", "outlet", "source_url", "published"):
                if getattr(meta, field) and not getattr(current, field):
                    values[field] = getattr(meta, field)
            conn.execute(documents.update().where(documents.c.id == doc_id).values(**values))
            # the new version's source, if it came with one; the old one stays with the old version
            conn.execute(
                document_sources.delete().where(
                    document_sources.c.document_id == doc_id, document_sources.c.version == current.version + 1
                )
            )
            if doc.original is not None:
                self._keep_source(conn, doc_id, current.version + 1, doc.original)
            counts = {"unchanged": 0, "moved": 0, "changed": 0, "orphaned": 0}
            deleted = {c.id for c in before if c.deleted}
            for p in placements:
                counts[p.outcome] += 1
                if p.outcome == ORPHANED:
                    self._write_anchor(conn, p.claim_id, orphaned=True)
                else:
                    self._write_anchor(
                        conn, p.claim_id, start=p.start, end=p.end, quote=p.quote,
                        prefix=p.prefix, suffix=p.suffix, orphaned=False,
                    )
                if p.claim_id not in deleted:
                    note = next(c.note for c in live if c.id == p.claim_id)
                    self.search_index.index_claim(conn, p.claim_id, p.quote, note)
            notes = {c.id: (c.note, c.deleted) for c in before}
            for c in placed.values():
                if c.id not in notes:
                    continue  # purged since
                self._write_anchor(conn, c.id, start=c.start, end=c.end, quote=c.quote, prefix=c.prefix,
                                   suffix=c.suffix, orphaned=c.orphaned)
                note, deleted = notes[c.id]
                if not deleted:
                    self.search_index.index_claim(conn, c.id, c.quote, note)
            if again is not None:  # the same replacement: the same report
                counts = {k: getattr(again, k) for k in counts}
            else:
                counts["orphaned"] += len(before) - len(live)  # orphaned before stay so
            row = self._get_document(conn, doc_id)
            self.search_index.index_document(conn, doc_id, row.title, doc.text)
            after = tuple(self._document_claims(conn, doc_id))
            return ReplaceResult(document=row, previous_version=current.version, before=before, after=after,
                                 **counts)

    def undo_replace(self, result: ReplaceResult) -> DocumentRow:
        """Put back the text and the claims' anchors as they were before replace_document."""
        with self._tx() as conn:
            old = conn.execute(
                sa.select(document_versions).where(
                    document_versions.c.document_id == result.document.id,
                    document_versions.c.version == result.previous_version,
                )
            ).one()
            conn.execute(
                documents.update().where(documents.c.id == result.document.id).values(
                    text=old.text, structure=old.structure, char_count=len(old.text), sha256=old.sha256,
                    source_format=old.source_format, encoding=old.encoding, original_name=old.original_name,
                    imported_at=old.imported_at, version=old.version,
                )
            )
            conn.execute(document_versions.delete().where(document_versions.c.id == old.id))
            conn.execute(
                document_sources.delete().where(
                    document_sources.c.document_id == result.document.id,
                    document_sources.c.version > old.version,
                )
            )
            for c in result.before:
                self._write_anchor(
                    conn, c.id, start=c.start, end=c.end, quote=c.quote, prefix=c.prefix,
                    suffix=c.suffix, orphaned=c.orphaned,
                )
                if not c.deleted:
                    self.search_index.index_claim(conn, c.id, c.quote, c.note)
            row = self._get_document(conn, result.document.id)
            self.search_index.index_document(conn, row.id, row.title, old.text)
            return row

    def document_versions(self, doc_id: int) -> list[tuple[int, datetime, str]]:
        """Earlier versions of a document: (version, replaced at, text), oldest first."""
        with self._tx(write=False) as conn:
            return [
                (r.version, r.replaced_at, r.text)
                for r in conn.execute(
                    sa.select(document_versions.c.version, document_versions.c.replaced_at, document_versions.c.text)
                    .where(document_versions.c.document_id == doc_id)
                    .order_by(document_versions.c.version)
                )
            ]

    def delete_document(self, doc_id: int, *, with_claims: bool = False) -> DocumentRow:
        """Move a document to the bin (recoverable with restore_document).

        A document with claims is deleted only when ``with_claims`` says so: its
        claims go to the bin with it and come back with it."""
        with self._tx() as conn:
            row = self._get_document(conn, doc_id, include_deleted=False)
            if row.claim_count and not with_claims:
                raise Conflict(
                    f"'{row.title}' has {plural(row.claim_count, 'claim')}; delete it with its claims "
                    "explicitly, or delete the claims first."
                )
            now = datetime.now(timezone.utc)
            conn.execute(documents.update().where(documents.c.id == doc_id).values(deleted_at=now))
            self.search_index.unindex_document(conn, doc_id)
            for claim_id, _quote, _note in self._live_claim_texts(conn, doc_id):
                self.search_index.unindex_claim(conn, claim_id)  # binned claims must not crowd out results
            return row

    def _live_claim_texts(self, conn: sa.Connection, doc_id: int) -> list:
        return conn.execute(
            sa.select(claims.c.id, claims.c.quote, claims.c.note).where(
                claims.c.document_id == doc_id, claims.c.deleted_at.is_(None)
            )
        ).all()

    def restore_document(self, doc_id: int) -> DocumentRow:
        with self._tx() as conn:
            conn.execute(documents.update().where(documents.c.id == doc_id).values(deleted_at=None))
            row = self._get_document(conn, doc_id)
            text = conn.execute(sa.select(documents.c.text).where(documents.c.id == doc_id)).scalar()
            self.search_index.index_document(conn, doc_id, row.title, text)
            for claim_id, quote, note in self._live_claim_texts(conn, doc_id):
                self.search_index.index_claim(conn, claim_id, quote, note)
            return row
