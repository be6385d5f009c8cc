"""The claims table's queries: the database filters and sorts, the window
shows a page at a time.

Sorting a million claims by their quote cannot mean reading them: each
column the table sorts by has a key kept in the claims' own row (a casefolded
prefix of the quote, the note, the tag names and the document title, the rank
of the status), written by the store whenever what it is made of changes, and
an index on ``(key, id)`` over the live claims. A page is then an index range
read: the first rows in the order asked for, or the rows after the last one
shown (keyset paging: no OFFSET, so the millionth row costs what the first
does).

``sort_key`` gives the same key in Python, so that a window can put a claim
it hears of at its place among the rows it shows. Text keys compare by code
point on both backends (PostgreSQL stores them with the "C" collation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlalchemy as sa

from desktop_app.core.rows import STATUSES, ClaimRow
from desktop_app.core.store.database import FOLD_FUNCTION
from desktop_app.core.store.models import claim_tags, claims, documents, tags

SORT_CHARS = 32  # characters of a text kept as its sort key (ties beyond them go by id)
SORTS = ("document", "tags", "quote", "page", "note", "status", "annotator", "updated", "id")
_BATCH = 500


def text_key(text: str) -> str:
    """A text's sort key: on one line, casefolded, cut to SORT_CHARS."""
    return " ".join(text.split()).casefold()[:SORT_CHARS]


def tags_key(names: Iterable[str]) -> str:
    return text_key(", ".join(sorted(names, key=str.casefold)))


def status_rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def _key_columns(sort: str) -> list:
    c = claims.c
    return {
        "document": [c.sort_document],
        "tags": [c.sort_tags],
        "quote": [c.sort_quote],
        "page": [c.sort_document, c.document_id, c.start_offset],
        "note": [c.sort_note],
        "status": [c.sort_status],
        "annotator": [c.annotator],
        "updated": [c.updated_at],
        "id": [],
    }[sort]


def sort_key(sort: str, claim: ClaimRow, tag_names: Iterable[str], title: str) -> tuple:
    """The key the database orders ``claim`` by for ``sort``, ending with its id
    (as ``claim_page`` returns it)."""
    values = {
        "document": lambda: (text_key(title),),
        "tags": lambda: (tags_key(tag_names),),
        "quote": lambda: (text_key(claim.quote),),
        "page": lambda: (text_key(title), claim.document_id, claim.start),
        "note": lambda: (text_key(claim.note),),
        "status": lambda: (status_rank(claim.status),),
        "annotator": lambda: (claim.annotator,),
        "updated": lambda: (claim.updated_at,),
        "id": lambda: (),
    }[sort]()
    return (*values, claim.id)


@dataclass(frozen=True)
class ClaimQuery:
    """What the claims table shows: live claims of live documents, narrowed by
    tags (any of them), a document, a status, words (each must appear,
    whatever the case, in the quote, the note, a tag's name or the document's
    title) and orphaned or not, in the order of one column."""

    sort: str = "updated"
    descending: bool = True
    tag_ids: frozenset[int] | None = None
    document_id: int | None = None
    status: str | None = None
    words: tuple[str, ...] = ()
    orphaned: bool | None = None

    def matches(self, claim: ClaimRow, tag_names: Sequence[str], title: str) -> bool:
        """The same filter on one row held in memory (a claim just made)."""
        if claim.deleted or (self.orphaned is not None and claim.orphaned != self.orphaned):
            return False
        if self.document_id is not None and claim.document_id != self.document_id:
            return False
        if self.status is not None and claim.status != self.status:
            return False
        if self.tag_ids is not None and self.tag_ids.isdisjoint(claim.tag_ids):
            return False
        if self.words:
            hay = "\n".join((claim.quote, claim.note, "\n".join(tag_names), title)).casefold()
            return all(w in hay for w in self.words)
        return True


def _like(column, word: str, sqlite: bool):
    """``word`` (casefolded) inside the column's text, whatever the case.
    SQLite's LIKE ignores the case of A-Z only: for a word with other
    letters the column is casefolded by the function every SQLite connection
    of the store has (database.FOLD_FUNCTION), as the window folds a claim it
    holds. An ASCII word keeps the plain LIKE: the function, called on every
    row scanned, made a search for a word found nowhere 2.4 times slower at
    a million claims. PostgreSQL's ILIKE ignores the case of every letter."""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if sqlite and not word.isascii():
        return getattr(sa.func, FOLD_FUNCTION)(column).like(pattern, escape="\\")
    if sqlite:
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _conditions(query: ClaimQuery, sqlite: bool) -> list:
    """The query's filters beyond "live" (see _where), as SQL conditions."""
    out = []
    if query.orphaned is not None:
        out.append(claims.c.orphaned == query.orphaned)
    if query.document_id is not None:
        out.append(claims.c.document_id == query.document_id)
    if query.status is not None:
        out.append(claims.c.status == query.status)
    if query.tag_ids is not None:
        out.append(sa.exists().where(claim_tags.c.claim_id == claims.c.id,
                                     claim_tags.c.tag_id.in_(sorted(query.tag_ids))))
    for word in query.words:
        named = (
            sa.select(claim_tags.c.claim_id)
            .join(tags, tags.c.id == claim_tags.c.tag_id)
            .where(claim_tags.c.claim_id == claims.c.id, _like(tags.c.name, word, sqlite))
            .exists()
        )
        out.append(sa.or_(_like(claims.c.quote, word, sqlite), _like(claims.c.note, word, sqlite), named,
                          _like(documents.c.title, word, sqlite)))
    return out


def _live(q: sa.Select) -> sa.Select:
    return q.where(claims.c.deleted_at.is_(None), documents.c.deleted_at.is_(None))


def _where(q: sa.Select, query: ClaimQuery, sqlite: bool) -> sa.Select:
    return _live(q).where(*_conditions(query, sqlite))


def _after(q: sa.Select, keys: list, after: tuple | None, descending: bool) -> sa.Select:
    if after is None:
        return q
    here, there = sa.tuple_(*keys), sa.tuple_(*[sa.literal(v, type_=k.type) for k, v in zip(keys, after)])
    return q.where(here < there if descending else here > there)


def _boundary_select(query: ClaimQuery, after: tuple | None, scan: int) -> sa.Select:
    """The key of the ``scan``-th claim not binned after ``after`` in the order
    (a walk of the order's index, nothing else looked at: claims of a binned
    document count too, which only makes the step shorter)."""
    keys = [*_key_columns(query.sort), claims.c.id]
    q = sa.select(*keys).where(claims.c.deleted_at.is_(None))
    q = _after(q, keys, after, query.descending)
    return q.order_by(*[k.desc() if query.descending else k.asc() for k in keys]).offset(scan - 1).limit(1)


def _up_to(q: sa.Select, query: ClaimQuery, boundary: tuple) -> sa.Select:
    keys = [*_key_columns(query.sort), claims.c.id]
    here, there = sa.tuple_(*keys), sa.tuple_(*[sa.literal(v, type_=k.type) for k, v in zip(keys, boundary)])
    return q.where(here >= there if query.descending else here <= there)


def _page_select(query: ClaimQuery, after: tuple | None, limit: int, sqlite: bool) -> sa.Select:
    keys = [*_key_columns(query.sort), claims.c.id]
    q = sa.select(*keys).select_from(claims.join(documents, documents.c.id == claims.c.document_id))
    q = _after(_where(q, query, sqlite), keys, after, query.descending)
    return q.order_by(*[k.desc() if query.descending else k.asc() for k in keys]).limit(limit)


class ClaimsQueryMixin:
    """Part of Store: the claims table's pages and the sort keys behind them."""

    def claim_page(self, query: ClaimQuery, after: tuple | None = None, limit: int = 200) -> list[tuple]:
        """Up to ``limit`` claims in the query's order after the one whose key is
        ``after`` (the first ones without it), each as its key: the sort
        values then the id (see ``sort_key``)."""
        with self._tx(write=False) as conn:
            sqlite = conn.dialect.name == "sqlite"
            return [tuple(r) for r in conn.execute(_page_select(query, after, limit, sqlite)).all()]

    def claim_window(self, query: ClaimQuery, after: tuple | None = None, limit: int = 200,
                     scan: int = 20_000) -> tuple[list[tuple], tuple | None]:
        """Like ``claim_page``, looking at no more than ``scan`` claims in the
        order (a filter by words that few claims match would otherwise read
        them all before answering): the matches found, and the key to go on
        from (None when the order is exhausted)."""
        with self._tx(write=False) as conn:
            sqlite = conn.dialect.name == "sqlite"
            end = conn.execute(_boundary_select(query, after, scan)).first()
            page = _page_select(query, after, limit, sqlite)
            if end is not None:
                page = _up_to(page, query, tuple(end))
            found = [tuple(r) for r in conn.execute(page).all()]
        if len(found) == limit:
            return found, found[-1]
        return found, (tuple(end) if end is not None else None)

    def count_matching(self, query: ClaimQuery, cap: int | None = None) -> int:
        """How many claims the query matches, counting no further than ``cap``."""
        with self._tx(write=False) as conn:
            sqlite = conn.dialect.name == "sqlite"
            inner = _where(sa.select(claims.c.id).select_from(
                claims.join(documents, documents.c.id == claims.c.document_id)), query, sqlite)
            if cap is not None:
                inner = inner.limit(cap)
            return int(conn.execute(sa.select(sa.func.count()).select_from(inner.subquery())).scalar() or 0)

    # ------------------------------------------------------------ the keys
    def _refresh_sort_keys(self, conn: sa.Connection, claim_ids: Iterable[int]) -> None:
        """Write the sort keys of these claims from what they are now made of."""
        ids = list(dict.fromkeys(claim_ids))
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            names: dict[int, list[str]] = defaultdict(list)
            for cid, name in conn.execute(
                sa.select(claim_tags.c.claim_id, tags.c.name)
                .join(tags, tags.c.id == claim_tags.c.tag_id)
                .where(claim_tags.c.claim_id.in_(part))
            ):
                names[cid].append(name)
            rows = conn.execute(
                sa.select(claims.c.id, claims.c.quote, claims.c.note, claims.c.status, documents.c.title)
                .join(documents, documents.c.id == claims.c.document_id)
                .where(claims.c.id.in_(part))
            ).all()
            if rows:
                conn.execute(
                    claims.update().where(claims.c.id == sa.bindparam("cid")).values(
                        sort_document=sa.bindparam("k_doc"), sort_tags=sa.bindparam("k_tags"),
                        sort_quote=sa.bindparam("k_quote"), sort_note=sa.bindparam("k_note"),
                        sort_status=sa.bindparam("k_status"),
                    ),
                    [dict(cid=r.id, k_doc=text_key(r.title), k_tags=tags_key(names.get(r.id, ())),
                          k_quote=text_key(r.quote), k_note=text_key(r.note), k_status=status_rank(r.status))
                     for r in rows],
                )

    def _refresh_title_keys(self, conn: sa.Connection, document_id: int, title: str) -> None:
        conn.execute(claims.update().where(claims.c.document_id == document_id)
                     .values(sort_document=text_key(title)))

    def _refresh_tag_keys(self, conn: sa.Connection, tag_id: int) -> None:
        ids = conn.execute(sa.select(claim_tags.c.claim_id).where(claim_tags.c.tag_id == tag_id)).scalars().all()
        self._refresh_sort_keys(conn, ids)
