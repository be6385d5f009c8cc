"""The store: every read and write of Marginalia's data goes through here.

Ids in, plain rows out (see ``rows.py``). Each public method that changes
anything is one transaction, committed before it returns. SQL is written
with SQLAlchemy Core on the tables of ``models.py``, so that SQLite and
PostgreSQL serve the same API; what only one of them does (the
file checks, the write lock, full-text search) is kept in ``database.py``,
``server.py`` and ``search.py``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from desktop_app.core.addresses import database_target
from desktop_app.core.codebook import clean_text
from desktop_app.core.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnusable,
    DiskFull,
    MarginaliaError,
)
from desktop_app.core.ids import new_uuid
from desktop_app.core.store import database, server
from desktop_app.core.store.claims import ClaimsMixin
from desktop_app.core.store.claims_query import ClaimsQueryMixin
from desktop_app.core.store.documents import DocumentsMixin
from desktop_app.core.store.links import LinksMixin
from desktop_app.core.store.models import change_log
from desktop_app.core.store.search import SearchIndex
from desktop_app.core.store.tags import TagsMixin

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # the default; see busy_timeout()
BUSY_TIMEOUT_ENV = "MARGINALIA_BUSY_TIMEOUT"
KEEP_CHANGES = 5000  # change_log rows kept behind the newest


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store(DocumentsMixin, TagsMixin, ClaimsMixin, ClaimsQueryMixin, LinksMixin):
    """A Marginalia database. Open with ``Store.open(path or address)``."""

    def __init__(self, engine: sa.Engine, path: Path | None, annotator: str = "", *, location: str = "") -> None:
        self._engine = engine
        self.path = path  # the file; None for a team database on a server
        self.location = location or str(path)  # what the user is shown (no password)
        self.is_team = engine.dialect.name != "sqlite"
        self.annotator = clean_text(annotator or default_annotator())
        self.search_index = SearchIndex(engine.dialect.name)
        self.origin = new_uuid()  # names this store's writes in change_log
        self._local = threading.local()
        self._text_cache: dict[int, tuple[tuple, str]] = {}  # document id -> (row key, text)
        self._pages_cache: dict[int, tuple[tuple, list[int]]] = {}  # document id -> (row key, page starts)
        self._writes = 0

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls, path: str | os.PathLike, *, seed: bool = True, annotator: str = "", codebook: bool = True
    ) -> "Store":
        """Open a database file, creating it if it does not exist (with the default
        codebook unless ``codebook`` is false, and with the sample articles
        unless ``seed`` is false). A ``postgresql://user@host:port/name``
        address opens a team database on that server instead (see server.py).

        A damaged, foreign or newer file raises DatabaseUnusable and is not touched.
        An older schema is backed up beside the file, then migrated.
        """
        if isinstance(path, str):  # another scheme:// is refused, never taken for a folder to create
            path = database_target(path) or path
        if server.is_server_address(path):
            return cls._open_server(str(path), seed=seed, annotator=annotator, codebook=codebook)
        path = Path(path).expanduser()
        timeout = busy_timeout()
        revision = database.inspect_file(path, timeout)
        if revision is None:
            if cls._create(path, seed=seed, annotator=annotator, codebook=codebook):
                revision = database.HEAD
            else:  # another process created it first: open theirs
                revision = database.inspect_file(path, timeout)
        if not database.writable(path):
            return cls._open_read_only(path, revision, annotator)
        store = cls(_make_engine(path), path, annotator)
        try:
            with store._engine.connect() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode = WAL").scalar()
                if str(mode).lower() != "wal":
                    log.warning("journal mode of %s stays %s", path, mode)
            if revision != database.HEAD:
                store.backup_path = database.backup_copy(path, revision)
                store._migrate()
        except OperationalError as exc:
            store.close()
            raise _translate(exc, path) from exc
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, path: Path, revision: str, annotator: str) -> "Store":
        """A file this process cannot change (a read-only file or folder, a
        read-only disk): opened for reading; every change is refused with
        one sentence (see _tx)."""
        if revision != database.HEAD:
            raise DatabaseReadOnly(
                f"{path} must be updated for this version of Marginalia, which cannot be done because "
                "changes cannot be saved there; it was left as it is."
            )
        store = cls(_make_engine(path, read_only=True), path, annotator)
        store.read_only = True
        log.info("opened %s read-only: changes cannot be saved there", path)
        return store

    @classmethod
    def _create(cls, path: Path, *, seed: bool, annotator: str, codebook: bool = True) -> bool:
        """Build a new database beside ``path`` and move it into place; False if
        a file appeared at ``path`` meanwhile (it is left as it is)."""
        tmp = database.temporary_sibling(path)
        engine = _make_engine(tmp)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {database.APPLICATION_ID}")
            store = cls(engine, tmp, annotator)
            with store._tx() as conn:
                database.run_migrations(conn)
            from desktop_app.core.store.seeding import seed_new_database

            seed_new_database(store, documents=seed, codebook=codebook)
            engine.dispose()
            created = database.move_into_place(tmp, path)
            if created:
                log.info("created database %s", path)
            return created
        except BaseException:
            engine.dispose()
            for leftover in (tmp, Path(str(tmp) + "-journal")):
                leftover.unlink(missing_ok=True)
            raise

    @classmethod
    def _open_server(cls, address: str, *, seed: bool, annotator: str, codebook: bool) -> "Store":
        """Open a team database: create its schema if the database is empty
        (in one transaction, under the write lock, so two people opening a new
        team database at once make it once), migrate it if it is older.
        PostgreSQL changes schemas inside transactions, so a failed migration
        leaves the database as it was."""
        url = server.parse_address(address)
        where = f"The team database {server.display_address(url)}"
        store = cls(server.make_engine(url, busy_timeout()), None, annotator, location=server.display_address(url))
        try:
            with store._tx(write=False) as conn:  # opening a current database writes nothing
                revision = server.schema_revision(conn, where)
            if revision == database.HEAD:
                return store
            with store._tx() as conn:
                revision = server.schema_revision(conn, where)  # again, now under the write lock
                if revision != database.HEAD:
                    database.run_migrations(conn)
                    if revision is None:
                        from desktop_app.core.store.seeding import seed_new_database

                        seed_new_database(store, documents=seed, codebook=codebook)
                        log.info("created the team database %s", store.location)
                    else:
                        log.info("migrated the team database %s from schema %s", store.location, revision)
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self) -> None:
        """Run the migrations in one transaction with foreign keys off: on SQLite
        a migration rebuilds a table by copying, dropping and renaming it, and
        dropping ``claims`` with foreign keys on would delete every claim's tags.
        The keys are checked before the transaction commits."""
        with self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    database.run_migrations(conn)
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseUnusable(
                            f"Updating {self.path} to this version of Marginalia failed "
                            f"({len(broken)} broken references); the file was left as it was."
                        )
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
            finally:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    backup_path: Path | None = None
    read_only = False  # a file that can be read but not changed here: every write is refused

    # ------------------------------------------------------------ transactions
    @contextmanager
    def _tx(self, write: bool = True, share: bool = True) -> Iterator[sa.Connection]:
        """One transaction. On SQLite a write takes the lock at BEGIN, so two
        writers wait for each other (up to the busy timeout) instead of failing
        half-way; nested calls join the outer transaction.

        ``share=False`` is for a read kept open while its caller runs (a stream
        of rows): store calls made meanwhile get their own transactions, so they
        are committed when they return, not whenever the stream ends."""
        if write and self.read_only:
            raise DatabaseReadOnly(database.read_only_message(str(self.path)))
        current = getattr(self._local, "conn", None)
        if current is not None:
            if write and self.is_team and not self._local.locked:
                server.take_write_lock(current)  # a write inside a read: lock from here on
                self._local.locked = True
            if write:
                self._local.wrote = True
            yield current
            return
        try:
            with self._engine.connect() as conn:
                if self._engine.dialect.name == "sqlite":
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
                    self._enter(conn, write, share)
                    try:
                        yield conn
                        self._log_change(conn)
                    except BaseException:
                        conn.exec_driver_sql("ROLLBACK")
                        raise
                    else:
                        conn.exec_driver_sql("COMMIT")
                    finally:
                        self._leave(share)
                else:
                    if not write:  # one consistent view for a group of reads
                        conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        if write:
                            server.take_write_lock(conn)
                        self._enter(conn, write, share)
                        try:
                            yield conn
                            self._log_change(conn)
                        finally:
                            self._leave(share)
        except sa.exc.DBAPIError as exc:
            if self.is_team:
                error = server.translate(exc, f"The team database {self.location}")
                if error is None:
                    raise
                raise error from exc
            if isinstance(exc, OperationalError) or _says_damaged(exc):
                raise _translate(exc, self.path) from exc
            raise

    def _enter(self, conn: sa.Connection, write: bool, share: bool) -> None:
        self._local.wrote = write
        self._local.locked = write
        self._local.scope = set()
        if share:
            self._local.conn = conn

    def _leave(self, share: bool) -> None:
        self._local.wrote = False
        if share:
            self._local.conn = None

    def _changed(self, *scope) -> None:
        """Note what the current write touches ("claims", document id), for
        change_log; a write that notes nothing is logged as touching all."""
        noted = getattr(self._local, "scope", None)
        if noted is not None:
            if len(scope) == 2:
                noted.add(f"{scope[0]}:{scope[1]}")
            else:
                noted.update(scope)

    def _log_change(self, conn: sa.Connection) -> None:
        """Append this transaction's row to change_log (the last thing before
        COMMIT), and now and then drop rows old enough that no open window can
        still need them."""
        if not getattr(self._local, "wrote", False):
            return
        scope = " ".join(sorted(self._local.scope)) or "*"
        seq = conn.execute(
            change_log.insert().values(origin=self.origin, at=utcnow(), scope=scope)
        ).inserted_primary_key[0]
        self._writes += 1
        if self._writes % 200 == 0:
            conn.execute(change_log.delete().where(change_log.c.seq < seq - KEEP_CHANGES))

    # ----------------------------------------------------------------- changes
    def change_mark(self) -> int:
        """The newest change so far: pass it to changes_since later."""
        with self._tx(write=False) as conn:
            return int(conn.execute(sa.select(sa.func.max(change_log.c.seq))).scalar() or 0)

    def changes_since(self, mark: int) -> tuple[int, set[str]]:
        """(new mark, what others touched) since ``mark``: the scopes of every
        change committed by another store (another window, program or
        annotator). "*" means anything may have changed: reload it all, as when
        the log no longer reaches back to ``mark``."""
        with self._tx(write=False) as conn:
            rows = conn.execute(
                sa.select(change_log.c.seq, change_log.c.origin, change_log.c.scope)
                .where(change_log.c.seq > mark)
                .order_by(change_log.c.seq)
            ).fetchall()
            if rows and mark:  # rows after the mark may have been dropped
                oldest = conn.execute(sa.select(sa.func.min(change_log.c.seq))).scalar()
                if oldest is not None and oldest > mark:
                    return rows[-1].seq, {"*"}
        scopes: set[str] = set()
        for r in rows:
            if r.origin != self.origin:
                scopes.update(r.scope.split())
        return (rows[-1].seq if rows else mark), scopes

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several store calls into one transaction (all or nothing)."""
        with self._tx():
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Group several reads so that they all see one state of the database
        (what other windows commit meanwhile shows after the block)."""
        with self._tx(write=False):
            yield

    def integrity_check(self) -> str:
        if self.is_team:  # the server checks its own pages; answer whether it is there
            with self._tx(write=False) as conn:
                conn.execute(sa.select(sa.func.count()).select_from(change_log)).scalar()
            return "ok"
        with self._engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def default_annotator() -> str:
    from desktop_app.core.settings import load_settings

    return load_settings().annotator


def busy_timeout() -> float:
    """Seconds a write waits for another program's lock before "database is busy":
    the environment variable MARGINALIA_BUSY_TIMEOUT, else the setting
    ``busy_timeout_s``, else 5 seconds."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if 0 <= value < 3600:
            return value
        log.warning("ignoring %s=%r (not a number of seconds)", BUSY_TIMEOUT_ENV, raw)
    from desktop_app.core.settings import load_settings

    return min(float(load_settings().busy_timeout_s), 3600.0)


def _make_engine(path: Path, *, read_only: bool = False) -> sa.Engine:
    timeout = busy_timeout()
    if read_only:  # through SQLite's read-only URI: nothing is created beside the file
        uri = database.read_only_uri(path)
        engine = sa.create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False),
            poolclass=sa.pool.QueuePool,
        )
    else:
        engine = sa.create_engine(
            database.sqlite_url(path),
            connect_args={"timeout": timeout, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()
        # SQLite's LIKE and lower() know only A-Z: the claims filter compares
        # casefolded text, as the window does with a claim it holds
        dbapi_conn.create_function(database.FOLD_FUNCTION, 1, database.casefold, deterministic=True)

    return engine


def _says_damaged(exc: sa.exc.DBAPIError) -> bool:
    """Whether SQLite itself reported the file corrupt (or not a database)
    while it was read: a page found damaged after the file opened."""
    code = (getattr(exc.orig, "sqlite_errorcode", None) or 0) & 0xFF
    return code in (database.SQLITE_CORRUPT, database.SQLITE_NOTADB)


def _translate(exc: OperationalError, path: Path | None) -> MarginaliaError:
    """One sentence for an SQLite error met while using the file: busy, disk
    full and read-only are said as such; anything else is logged."""
    orig = exc.orig if exc.orig is not None else exc
    error = database.explain(orig, path, busy_timeout())
    if not isinstance(error, (DatabaseBusy, DiskFull, DatabaseReadOnly)):
        log.error("database error on %s", path, exc_info=exc)
    return error
