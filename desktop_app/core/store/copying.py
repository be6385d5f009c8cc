"""Copy a whole Marginalia database to a new one, ids and all.

``copy_database(source, destination)`` takes a database file or a team
database address on either side, so work started alone in a file can be
shared on a server, and a team database can be taken home as a file. Every
row keeps its id, uuid, timestamps, version, bin and orphan state and
annotator, so exports, links and anything that names a claim by id or uuid
mean the same thing in the copy. The change log is not copied (it only tells
open windows what changed since they last looked), and the search index is
rebuilt in the copy from its live documents and claims.

The destination must be new: a file that does not exist yet, or a team
database with no tables (or the tables of a Marginalia database and no rows,
as a copy that failed leaves it). The source is read in one snapshot and the
rows are written in one transaction, so a copy is complete or not there: a
new file is built under a temporary name and moved into place only when
complete; on a server a failed copy rolls back and leaves the database empty.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlalchemy as sa

from desktop_app.core.addresses import database_target
from desktop_app.core.store import database

from desktop_app.core.store import server
from desktop_app.core.errors import Conflict, DatabaseUnusable, InvalidInput, NotFound
from desktop_app.core.store.models import (
    claim_links, claim_tags, claims, document_sources, document_versions, documents, tags,
)

log = logging.getLogger(__name__)

# parents before children; tags' parent_id is set after every tag is in
TABLES = (documents, document_versions, document_sources, tags, claims, claim_tags, claim_links)
WITH_IDS = ("documents", "document_versions", "document_sources", "tags", "claims", "claim_links")
BATCH_ROWS = 1000
BATCH_CHARS = 8_000_000  # documents carry whole texts and sources their bytes: keep a batch within a few megabytes

Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the table)

_NOUNS = (
    ("documents", "document", "documents"),
    ("tags", "tag", "tags"),
    ("claims", "claim", "claims"),
    ("claim_links", "link", "links"),
)


@dataclass
class CopyResult:
    source: str
    destination: str
    counts: dict[str, int] = field(default_factory=dict)  # table name -> rows copied

    def summary(self) -> str:
        parts = []
        for table, one, many in _NOUNS:
            n = self.counts.get(table, 0)
            parts.append(f"{n} {one if n == 1 else many}")
        extras = []
        versions = self.counts.get("document_versions", 0)
        if versions:
            extras.append(f"{versions} earlier version{'' if versions == 1 else 's'}")
        sources = self.counts.get("document_sources", 0)
        if sources:
            extras.append(f"{sources} source{'' if sources == 1 else 's'} as read")
        if extras:
            parts[0] += f" ({', '.join(extras)})"
        return f"Copied {', '.join(parts)} to {self.destination}"


def copy_database(source_target, dest_target, progress: Progress | None = None) -> CopyResult:
    """Copy every row of the database ``source_target`` into the new database
    ``dest_target`` (file paths or ``postgresql://`` addresses). Raises a
    MarginaliaError with one sentence, having changed nothing, when the source
    is missing or the destination is not new or empty."""
    from desktop_app.core.store import Store

    source_target = database_target(source_target) if isinstance(source_target, str) else source_target
    dest_target = database_target(dest_target) if isinstance(dest_target, str) else dest_target
    dest_is_team = server.is_server_address(dest_target)
    _check_source(source_target)
    if dest_is_team:
        dest_name = _check_team_destination(str(dest_target))
    else:
        dest_path = _check_file_destination(dest_target)
        dest_name = str(dest_path)

    source = Store.open(source_target, seed=False, codebook=False)
    try:
        result = CopyResult(source=source.location, destination=dest_name)
        if dest_is_team:
            dest = Store.open(str(dest_target), seed=False, codebook=False)
            result.destination = dest.location
            try:
                _copy_rows(source, dest, result, progress)
            finally:
                dest.close()
        else:
            _copy_to_new_file(source, dest_path, result, progress)
    finally:
        source.close()
    log.info("copied %s to %s: %s", result.source, result.destination, result.counts)
    return result


# ------------------------------------------------------------------ checks
def _check_source(target) -> None:
    if server.is_server_address(target):
        names, _has_rows, where = _team_contents(str(target))
        if not names:
            raise NotFound(f"{where} holds no Marginalia project; there is nothing to copy.")
        return
    path = Path(target).expanduser()
    if not path.exists():
        raise NotFound(f"{path} does not exist; there is nothing to copy.")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a database file.")


def _check_file_destination(target) -> Path:
    path = Path(target).expanduser()
    if os.path.lexists(path):
        try:
            is_ours = database.inspect_file(path) is not None
        except DatabaseUnusable:
            is_ours = False
        if is_ours:
            raise Conflict(
                f"{path} already holds a Marginalia project; "
                "copy only into a new file or an empty team database."
            )
        raise Conflict(f"{path} already exists; copy only into a new file or an empty team database.")
    return path


def _check_team_destination(address: str) -> str:
    names, has_rows, where = _team_contents(address)
    if has_rows:
        raise Conflict(
            f"{where} already holds a Marginalia project; "
            "copy only into a new file or an empty team database."
        )
    # tables of another program: Store.open refuses them with its own sentence
    return where.removeprefix("The team database ")


def _team_contents(address: str) -> tuple[set[str], bool, str]:
    """(table names, whether any Marginalia table has rows, how to name it) of a
    team database, read without writing anything."""
    from desktop_app.core.store.store import busy_timeout

    url = server.parse_address(address)
    where = f"The team database {server.display_address(url)}"
    engine = server.make_engine(url, busy_timeout())
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            has_rows = "alembic_version" in names and any(
                conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {t.name})")).scalar()
                for t in TABLES
                if t.name in names
            )
            conn.rollback()
    except sa.exc.DBAPIError as exc:
        error = server.translate(exc, where)
        if error is None:  # not the server's or the network's doing: a bug, raised as it is
            raise
        raise error from exc
    finally:
        engine.dispose()
    return names, has_rows, where


# ------------------------------------------------------------------ copying
def _copy_to_new_file(source, dest_path: Path, result: CopyResult, progress: Progress | None) -> None:
    """Build the copy under a temporary name beside ``dest_path`` and give it
    that name only when it is complete."""
    from desktop_app.core.store import Store

    try:
        tmp = database.temporary_sibling(dest_path)
    except OSError as exc:
        raise DatabaseUnusable(f"{dest_path} cannot be created: {exc.strerror or exc}.") from exc
    try:
        dest = Store.open(tmp, seed=False, codebook=False)
        try:
            _copy_rows(source, dest, result, progress)
            with dest._engine.connect() as conn:  # everything into the main file before it moves
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dest.close()
        if not database.move_into_place(tmp, dest_path):
            raise Conflict(
                f"{dest_path} was created by another program during the copy; it was left as it is."
            )
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def _copy_rows(source, dest, result: CopyResult, progress: Progress | None) -> None:
    with source._tx(write=False) as src, dest._tx() as conn:
        for table in TABLES:
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
                raise Conflict(
                    f"{result.destination} already holds a Marginalia project; "
                    "copy only into a new file or an empty team database."
                )
        totals = {t.name: src.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in TABLES}
        live_documents: set[int] = set()
        parents: list[dict] = []  # tags' parent_id, set once every tag is in
        for table in TABLES:
            done = 0
            total = totals[table.name]
            if progress:
                progress(table.name, 0, total)
            for batch in _read(src, table):
                if table is tags:
                    conn.execute(tags.insert(), [{**row, "parent_id": None} for row in batch])
                    parents += [{"tid": r["id"], "pid": r["parent_id"]} for r in batch if r["parent_id"] is not None]
                else:
                    conn.execute(table.insert(), batch)
                _index(dest, conn, table, batch, live_documents)
                done += len(batch)
                if progress:
                    progress(table.name, done, total)
            if table is tags and parents:
                conn.execute(
                    tags.update().where(tags.c.id == sa.bindparam("tid")).values(parent_id=sa.bindparam("pid")),
                    parents,
                )
            result.counts[table.name] = done
        if dest.is_team:
            server.reset_sequences(conn, list(WITH_IDS))


def _read(conn: sa.Connection, table: sa.Table) -> Iterator[list[dict]]:
    """The table's rows in id order (claim_tags by claim), as dicts, in batches
    of at most BATCH_ROWS rows and about BATCH_CHARS characters of text,
    streamed rather than read whole."""
    order = [table.c.id] if "id" in table.c else [table.c.claim_id, table.c.tag_id]
    rows = conn.execution_options(yield_per=BATCH_ROWS).execute(sa.select(table).order_by(*order))
    batch: list[dict] = []
    chars = 0
    for row in rows:
        record = dict(row._mapping)
        batch.append(record)
        chars += sum(len(v) for v in record.values() if isinstance(v, (str, bytes)))
        if len(batch) >= BATCH_ROWS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _index(dest, conn: sa.Connection, table: sa.Table, batch: Iterable[dict], live_documents: set[int]) -> None:
    """Put live documents and the live claims of live documents into the
    copy's search index, as the store does when they are written."""
    if table is documents:
        for r in batch:
            if r["deleted_at"] is None:
                live_documents.add(r["id"])
                dest.search_index.index_document(conn, r["id"], r["title"], r["text"])
    elif table is claims:
        dest.search_index.index_claims(
            conn,
            [
                (r["id"], r["quote"], r["note"])
                for r in batch
                if r["deleted_at"] is None and r["document_id"] in live_documents
            ],
        )
