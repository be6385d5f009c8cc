"""Opening database files safely: inspect without writing, back up, migrate.

A file that is damaged, foreign or from a newer Marginalia is refused before
anything writes to it. A new database is built in a temporary file beside the
target and moved into place only when complete, so a crash while creating one
leaves nothing half-made.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from desktop_app.core.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnusable,
    DiskFull,
    MarginaliaError,
)
from desktop_app.core.store.migrations import HEAD, REVISIONS

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4D52474E  # "MRGN" in the SQLite header
SQLITE_MAGIC = b"SQLite format 3\x00"


# Above this size a file is not read whole by SQLite's integrity check when
# it is opened: the check reads every page (about 2.5 s for a project of a
# million claims, paid by every command), while damage in a page is still
# reported by SQLite itself, in one sentence, when that page is read. The
# window checks such a file in the background once it is open (check_file).
FULL_CHECK_BYTES = 256 << 20


def needs_background_check(path: Path) -> bool:
    """Whether opening ``path`` left out the integrity check for its size."""
    try:
        return path.stat().st_size > FULL_CHECK_BYTES
    except OSError:
        return False


def check_file(path: Path, timeout: float = 5.0) -> str | None:
    """SQLite's integrity check of the whole file, read-only: None when it is
    whole, else the sentence that says it is damaged (or cannot be read)."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        return str(_unreadable(exc, path, timeout))
    try:
        found = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        return str(_unreadable(exc, path, timeout))
    finally:
        conn.close()
    if found != "ok":
        return damaged_message(path, found)
    return None


def damaged_message(path: Path, found: str) -> str:
    """One sentence for what SQLite's integrity check found: its first
    problem, and how many more (its report can run to hundreds of lines)."""
    problems = [line.strip() for line in found.splitlines() if line.strip() and not line.startswith("***")]
    first = problems[0] if problems else found.strip()
    more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
    return f"{path} is damaged: SQLite's integrity check reports '{first}'{more}."


def inspect_file(path: Path, timeout: float = 5.0, *, check: bool = True) -> str | None:
    """Return the schema revision of an existing database, None if there is no file.

    ``check=False`` leaves out SQLite's integrity check, which reads the
    whole file (seconds for a project of a million claims): for a first look
    on the UI thread, when Store.open checks it right after. A file larger
    than FULL_CHECK_BYTES is never checked whole here (see check_file).

    Raises a MarginaliaError naming the file and the problem for anything that
    is not a healthy Marginalia database this version can open: damaged only
    when SQLite itself finds it so (a main file shorter than its header says
    is normal while its -wal holds the newest pages, after a full disk for
    one), busy when another program holds its lock for more than ``timeout``
    seconds, full when the disk is. Never writes.
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
    if header and not (header.startswith(SQLITE_MAGIC) or SQLITE_MAGIC.startswith(header)):
        raise DatabaseUnusable(f"{name} is not a Marginalia database (it is not an SQLite file at all).")
    if not _has_wal(path):  # with a -wal, even a short main file may be whole: SQLite decides
        if size == 0:
            raise DatabaseUnusable(f"{name} is an empty file, not a Marginalia database.")
        if not header.startswith(SQLITE_MAGIC):
            raise DatabaseUnusable(f"{name} is not a Marginalia database (it is not an SQLite file at all).")
        if len(header) < 100:
            raise DatabaseUnusable(f"{name} is damaged: the file is cut short.")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise _unreadable(exc, path, timeout) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        check = check and size <= FULL_CHECK_BYTES
        found = conn.execute("PRAGMA quick_check").fetchone()[0] if check else "ok"
        if found != "ok":
            raise DatabaseUnusable(damaged_message(path, found))
        if app_id != APPLICATION_ID:
            raise DatabaseUnusable(
                f"{name} is an SQLite database of another program, not a Marginalia database; it was left as it is."
            )
        if "alembic_version" not in tables:
            raise DatabaseUnusable(f"{name} is damaged: its schema version is missing.")
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as exc:
        raise _unreadable(exc, path, timeout) from exc
    finally:
        conn.close()
    return known_revision(rows, name, "The file was left as it is.")


def _unreadable(exc: sqlite3.Error, path: Path, timeout: float) -> MarginaliaError:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if (code in (SQLITE_CANTOPEN, SQLITE_READONLY) and _has_wal(path)
            and not Path(str(path) + "-shm").exists() and not writable(path)):
        return DatabaseReadOnly(
            f"{path} cannot be read here: its newest changes are still in {path.name}-wal, and reading them "
            "needs a file beside it that this folder does not allow; open it once where it can be changed."
        )
    return explain(exc, path, timeout, reading=True)


def _has_wal(path: Path) -> bool:
    try:
        return Path(str(path) + "-wal").stat().st_size > 0
    except OSError:
        return False


# SQLite's primary result codes that matter here (the low byte of an extended code)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
LOW_SPACE = 1 << 20  # bytes: below this, a write error means the disk is full


def explain(exc: BaseException, path: Path | None, timeout: float, *, reading: bool = False) -> MarginaliaError:
    """One sentence for an SQLite error on the file ``path``, by SQLite's own
    result code: only SQLite reporting corruption makes a file "damaged"."""
    name = str(path)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == 0 and any(word in str(exc).lower() for word in ("locked", "busy")):
        code = SQLITE_BUSY  # an error that came without SQLite's code
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy_error(name, timeout)
    if code == SQLITE_FULL or (code == SQLITE_IOERR and disk_is_full(path)):
        return DiskFull(disk_full_message(name))
    if code == SQLITE_READONLY and not reading:
        return DatabaseReadOnly(read_only_message(name))
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseUnusable(f"{name} is damaged and cannot be read ({exc}).")
    if code == SQLITE_IOERR:
        return DatabaseUnusable(
            f"{name} could not be {'read' if reading else 'used'}: the disk reported an error ({exc}); "
            "the file was left as it is."
        )
    if code in (SQLITE_CANTOPEN, SQLITE_READONLY):
        return DatabaseUnusable(f"{name} cannot be opened here ({exc}); the file was left as it is.")
    return DatabaseUnusable(f"{name} could not be {'read' if reading else 'used'} ({exc}).")


def busy_error(name: str, timeout: float) -> DatabaseBusy:
    return DatabaseBusy(
        f"The database is busy: {name} is in use by another program (or another Marginalia window) "
        f"that kept it locked for more than {timeout:g} s. Nothing was changed; try again when it is done."
    )


def disk_full_message(name: str) -> str:
    return f"The disk holding {name} is full: nothing was changed; free some space and try again."


def read_only_message(name: str) -> str:
    return f"Changes cannot be saved to {name}: the file or its folder is read-only here, so nothing was changed."


def disk_is_full(path: Path | None) -> bool:
    """Whether the file system holding ``path`` has (almost) no space left."""
    if path is None:
        return False
    folder = Path(path).parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    blocks = st.f_bfree if os.geteuid() == 0 else st.f_bavail  # root may use the reserved blocks
    return blocks * st.f_frsize < LOW_SPACE


def writable(path: Path) -> bool:
    """Whether this process can save changes to the database file ``path``:
    write the file and create its -wal and -shm files beside it. For the
    effective user (a program started with another user's rights), and true
    for root except on a read-only mount, as the system itself decides."""
    effective = os.geteuid() != os.getuid() and os.access in os.supports_effective_ids
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return os.access(path, os.W_OK, effective_ids=effective) and os.access(
            folder, os.W_OK | os.X_OK, effective_ids=effective
        )
    except OSError:
        return False


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


def peek_library(path: Path) -> list[tuple[int, str, str, str]]:
    """(id, title, outlet, published) of the documents of a database that
    inspect_file found healthy and current, read with sqlite3 alone and
    without writing: the window lists them while the store, which loads
    SQLAlchemy, is still opening. No claim is read (the counts follow)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return conn.execute(
            "SELECT d.id, d.title, d.outlet, d.published FROM documents d WHERE d.deleted_at IS NULL ORDER BY d.id"
        ).fetchall()
    except sqlite3.Error as exc:
        raise DatabaseUnusable(f"{path} cannot be read ({exc}).") from exc
    finally:
        conn.close()


def read_only_uri(path: Path) -> str:
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
    """Copy the database (consistently, through SQLite) before migrating it.

    One backup per schema revision: an earlier backup of the same revision
    (left by an update that failed) is replaced by this one, once this one is
    complete, so repeated failed updates do not fill the disk with copies."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{revision}-{stamp}")
    earlier = [p for p in backups_of(path, revision) if p != target]
    tmp = temporary_sibling(target)
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise explain(exc, path, 0) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(disk_full_message(str(path))) from exc
        raise
    finally:
        source.close()
        for leftover in (tmp, Path(str(tmp) + "-journal")):
            leftover.unlink(missing_ok=True)
    for old in earlier:
        old.unlink(missing_ok=True)
        log.info("removed the older backup %s (the new one holds the same schema revision)", old)
    log.info("backed up %s to %s before migrating", path, target)
    return target


def backups_of(path: Path, revision: str) -> list[Path]:
    """The backup copies of ``path`` made before updating it from ``revision``."""
    pattern = re.compile(re.escape(f"{path.name}.backup-{revision}-") + r"\d{8}T\d{6}Z")
    return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))


def run_migrations(connection) -> None:
    """Upgrade the schema on an open SQLAlchemy connection (inside its transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    command.upgrade(config, HEAD)


def temporary_sibling(path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".creating", dir=path.parent)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(disk_full_message(str(path))) from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise DatabaseReadOnly(f"{path} cannot be written: the folder {path.parent} is read-only here.") from exc
        raise
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


# The SQL function every SQLite connection of the store has: text casefolded
# as Python does it (SQLite's own LIKE and lower() know only A-Z). The claims
# filter compares through it, so that "état" finds "ÉTAT" on both backends.
FOLD_FUNCTION = "marginalia_casefold"


def casefold(value):
    return value.casefold() if isinstance(value, str) else value
