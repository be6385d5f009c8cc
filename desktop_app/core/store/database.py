"""Opening database files safely: inspect without writing, back up, migrate.

A file that is damaged, foreign or from a newer Marginalia is refused before
anything writes to it. A new database is built in a temporary file beside the
target and moved into place only when complete, so a crash while creating one
leaves nothing half-made.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from desktop_app.core.errors import DatabaseUnusable
from desktop_app.core.store.migrations import HEAD, REVISIONS

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4D52474E  # "MRGN" in the SQLite header
SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect_file(path: Path) -> str | None:
    """Return the schema revision of an existing database, None if there is no file.

    Raises DatabaseUnusable, naming the file and the problem, for anything that
    is not a healthy Marginalia database this version can open. Never writes.
    """
    if not path.exists():
        return None
    name = str(path)
    if path.is_dir():
        raise DatabaseUnusable(f"{name} is a folder, not a database file.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise DatabaseUnusable(f"{name} cannot be read: {exc.strerror or exc}.") from exc
    if size == 0:
        raise DatabaseUnusable(f"{name} is an empty file, not a Marginalia database.")
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseUnusable(f"{name} is not a Marginalia database (it is not an SQLite file at all).")
    if len(header) < 100:
        raise DatabaseUnusable(f"{name} is damaged: the file is cut short.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    if counter_valid and page_count and size < page_size * page_count:
        raise DatabaseUnusable(f"{name} is damaged: the file is shorter than its header says (truncated).")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(f"{name} cannot be opened: {exc}.") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise DatabaseUnusable(f"{name} is damaged: SQLite's integrity check reports '{check}'.")
        if app_id != APPLICATION_ID:
            raise DatabaseUnusable(
                f"{name} is an SQLite database of another program, not a Marginalia database; it was left as it is."
            )
        if "alembic_version" not in tables:
            raise DatabaseUnusable(f"{name} is damaged: its schema version is missing.")
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnusable(f"{name} is damaged and cannot be read ({exc}).") from exc
    finally:
        conn.close()
    return known_revision(rows, name, "The file was left as it is.")


def known_revision(rows: list, name: str, left_as_is: str) -> str:
    """The one revision in ``alembic_version``'s rows, if this Marginalia knows it."""
    if len(rows) != 1:
        raise DatabaseUnusable(f"{name} is damaged: its schema version is missing.")
    revision = rows[0][0]
    if revision not in REVISIONS:
        raise DatabaseUnusable(
            f"{name} was written by a newer version of Marginalia (schema {revision}); "
            f"update Marginalia to open it. {left_as_is}"
        )
    return revision


def peek_library(path: Path) -> list[tuple[int, str, str, str, int]]:
    """(id, title, outlet, published, number of claims) of the documents of a
    database that inspect_file found healthy and current, read with sqlite3
    alone and without writing: the window lists them while the store, which
    loads SQLAlchemy, is still opening."""
    conn = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        return conn.execute(
            "SELECT d.id, d.title, d.outlet, d.published, "
            "(SELECT count(*) FROM claims c WHERE c.document_id = d.id AND c.deleted_at IS NULL) "
            "FROM documents d WHERE d.deleted_at IS NULL ORDER BY d.id"
        ).fetchall()
    except sqlite3.Error as exc:
        raise DatabaseUnusable(f"{path} cannot be read ({exc}).") from exc
    finally:
        conn.close()


def _read_only_uri(path: Path) -> str:
    """A URI that reads the file without creating anything beside it.

    Reading a WAL database with ``mode=ro`` creates its -wal and -shm files, so
    unless a -wal file is already there (a program has it open, or one crashed)
    the file is opened as immutable: no locks, no side files, no writes.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    if not Path(str(path) + "-wal").exists():
        uri += "&immutable=1"
    return uri


def backup_copy(path: Path, revision: str) -> Path:
    """Copy the database (consistently, through SQLite) before migrating it."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{revision}-{stamp}")
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backed up %s to %s before migrating", path, target)
    return target


def run_migrations(connection) -> None:
    """Upgrade the schema on an open SQLAlchemy connection (inside its transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    command.upgrade(config, HEAD)


def temporary_sibling(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".creating", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # SQLite must create the file itself
    return Path(tmp)


def move_into_place(tmp: Path, path: Path) -> bool:
    """Give the finished file ``tmp`` the name ``path`` unless a file took that
    name meanwhile (two programs creating the same database at once): then
    ``tmp`` is dropped and False returned, so that no one's data is replaced."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        log.info("%s was created by another program meanwhile; using that one", path)
        tmp.unlink()
        return False
    except OSError:  # no hard links on this file system
        if path.exists():
            tmp.unlink()
            return False
        os.replace(tmp, path)
        return True
    tmp.unlink()
    return True


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(path)
