"""The store: every read and write of Marginalia's data goes through here.

Ids in, plain rows out (see ``rows.py``). Each public method that changes
anything is one transaction, committed before it returns. SQL is written
with SQLAlchemy Core on the tables of ``models.py`` so that another backend
can serve the same API; what only SQLite does (the file checks, FTS5, the
locking mode of a write) is kept in ``database.py`` and ``search.py``.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from . import database
from .codebook import clean_text
from .errors import DatabaseBusy, DatabaseUnusable, MarginaliaError
from .search import SearchIndex
from .store_claims import ClaimsMixin
from .store_documents import DocumentsMixin
from .store_links import LinksMixin
from .store_tags import TagsMixin

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # the default; see busy_timeout()
BUSY_TIMEOUT_ENV = "MARGINALIA_BUSY_TIMEOUT"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store(DocumentsMixin, TagsMixin, ClaimsMixin, LinksMixin):
    """A Marginalia database. Open with ``Store.open(path)``."""

    def __init__(self, engine: sa.Engine, path: Path | None, annotator: str = "") -> None:
        self._engine = engine
        self.path = path
        self.annotator = clean_text(annotator or default_annotator())
        self.search_index = SearchIndex(engine.dialect.name)
        self._local = threading.local()
        self._text_cache: dict[int, tuple[tuple, str]] = {}  # document id -> (row key, text)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike, *, seed: bool = True, annotator: str = "") -> "Store":
        """Open a database file, creating it if it does not exist (with the default
        codebook, and with the sample articles unless ``seed`` is false).

        A damaged, foreign or newer file raises DatabaseUnusable and is not touched.
        An older schema is backed up beside the file, then migrated.
        """
        path = Path(path).expanduser()
        revision = database.inspect_file(path)
        if revision is None:
            if cls._create(path, seed=seed, annotator=annotator):
                revision = database.HEAD
            else:  # another process created it first: open theirs
                revision = database.inspect_file(path)
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
    def _create(cls, path: Path, *, seed: bool, annotator: str) -> bool:
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
            from .seeding import seed_new_database

            seed_new_database(store, documents=seed)
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

    # ------------------------------------------------------------ transactions
    @contextmanager
    def _tx(self, write: bool = True, share: bool = True) -> Iterator[sa.Connection]:
        """One transaction. On SQLite a write takes the lock at BEGIN, so two
        writers wait for each other (up to the busy timeout) instead of failing
        half-way; nested calls join the outer transaction.

        ``share=False`` is for a read kept open while its caller runs (a stream
        of rows): store calls made meanwhile get their own transactions, so they
        are committed when they return, not whenever the stream ends."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        try:
            with self._engine.connect() as conn:
                if self._engine.dialect.name == "sqlite":
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
                    if share:
                        self._local.conn = conn
                    try:
                        yield conn
                    except BaseException:
                        conn.exec_driver_sql("ROLLBACK")
                        raise
                    else:
                        conn.exec_driver_sql("COMMIT")
                    finally:
                        if share:
                            self._local.conn = None
                else:
                    with conn.begin():
                        if share:
                            self._local.conn = conn
                        try:
                            yield conn
                        finally:
                            if share:
                                self._local.conn = None
        except OperationalError as exc:
            raise _translate(exc, self.path) from exc

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
        with self._engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def default_annotator() -> str:
    from .settings import load_settings

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
    from .settings import load_settings

    return min(float(load_settings().busy_timeout_s), 3600.0)


def _make_engine(path: Path) -> sa.Engine:
    timeout = busy_timeout()
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

    return engine


def _translate(exc: OperationalError, path: Path | None) -> MarginaliaError:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            "The database is busy: another Marginalia window or command is writing to it. "
            "Nothing was changed; try again in a moment."
        )
    log.error("database error on %s", path, exc_info=exc)
    return DatabaseUnusable(f"The database {path} could not be used: {exc.orig or exc}.")
