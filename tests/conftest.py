"""Shared fixtures: every test gets its own user folders and a real database file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory, monkeypatch):
    """Point the platform's user folders (data, config, logs) at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "library.db"


def run_cli(*args: str, db: Path | None = None, input: bytes | None = None, env: dict | None = None, cwd=None):
    """Run the real command line in a subprocess; returns CompletedProcess (bytes)."""
    import subprocess

    cmd = [sys.executable, "-m", "desktop_app", *args]
    if db is not None:
        cmd[3:3] = ["--db", str(db)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, input=input, capture_output=True, env=full_env, cwd=cwd, timeout=120)


def sqlite_dump(db: Path) -> list[str]:
    """Every statement that would rebuild the database: equal dumps, equal data."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def make_doc(text: str, title: str = "A document", **meta):
    """A plain-text StructuredDocument, as the store receives one from an importer."""
    import hashlib

    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize

    text = canonicalize(text)
    return StructuredDocument(
        text=text, blocks=blocks_for_lines(text), metadata=Metadata(title=title, **meta),
        source_format="text", encoding="utf-8", sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def ok(result) -> str:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    return result.stdout.decode("utf-8")


def fails(result, *words: str) -> str:
    """A failure: non-zero exit, one line on stderr naming the problem, no traceback."""
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, (result.stdout, err)
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("marginalia: "), err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
    return err


# -- a small disk --------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system of its own (tmpfs) mounted in tmp_path, to fill for
    real; skipped, saying why, where this process may not mount one."""
    import shutil
    import subprocess

    where = tmp_path / "small-disk"
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a small file system cannot be mounted here ({done.stderr.strip() or done.returncode})")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, check=True)


def fill_disk(folder: Path) -> Path:
    """Write a file in ``folder`` until the disk is full; returns it (delete it to free the space)."""
    import errno

    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (1 << 16, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    return filler


# -- a user without root's rights -------------------------------------------------

@pytest.fixture
def as_normal_user(tmp_path):
    """A context manager: inside it, this process acts as a user to whom file
    permissions apply (root ignores them). Run as root, the tests act as
    'nobody' through the effective user and group ids, which root takes back
    afterwards, with their own user folders. 'nobody' keeps one right: to
    read and search any folder (CAP_DAC_READ_SEARCH), so that it can reach
    tmp_path inside pytest's private folder; it cannot write what it does not
    own. Run as any other user, it changes nothing."""
    import contextlib
    import ctypes  # noqa: F401 - loaded now: 'nobody' may not read this Python's own files
    import pwd

    if os.geteuid() != 0:
        yield contextlib.nullcontext
        return
    nobody = pwd.getpwnam("nobody")
    home = tmp_path / "home-of-nobody"  # their own user folders (settings, logs)
    for sub in ("", "data", "config", "state", "cache"):
        (home / sub).mkdir(exist_ok=True)
        os.chown(home / sub, nobody.pw_uid, nobody.pw_gid)

    @contextlib.contextmanager
    def acting_as_nobody():
        saved = {var: os.environ.get(var) for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                                       "XDG_STATE_HOME", "XDG_CACHE_HOME")}
        os.environ["HOME"] = str(home)
        for sub in ("data", "config", "state", "cache"):
            os.environ[f"XDG_{sub.upper()}_HOME"] = str(home / sub)
        os.setegid(nobody.pw_gid)
        os.seteuid(nobody.pw_uid)  # drops every effective capability
        try:
            try:
                _set_effective_capabilities(1 << 2)  # CAP_DAC_READ_SEARCH
            except OSError as exc:
                pytest.skip(f"cannot keep the right to search folders as 'nobody' ({exc})")
            yield nobody
        finally:
            os.seteuid(0)  # root's capabilities come back with its user id
            os.setegid(0)
            for var, value in saved.items():
                if value is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = value

    yield acting_as_nobody


def _set_effective_capabilities(bits: int) -> None:
    """capset(2) for this thread: these effective capabilities (of those permitted)."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    data[0].effective, data[1].effective = bits & 0xFFFFFFFF, bits >> 32
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


# -- PostgreSQL ---------------------------------------------------------------

_pg_db_counter = iter(range(1, 10**9))


@pytest.fixture(scope="session")
def pg_server(request):
    """One real PostgreSQL server on 127.0.0.1 for the whole session (see tests/pgserver.py).

    MARGINALIA_TEST_PG=0 skips the tests that use it; otherwise a server that
    cannot start is an error, so a CI machine cannot skip them silently.
    """
    if os.environ.get("MARGINALIA_TEST_PG") == "0":
        pytest.skip("PostgreSQL tests disabled by MARGINALIA_TEST_PG=0")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pgserver import PostgresServer

    server = PostgresServer()
    request.addfinalizer(server.cleanup)
    server.start()
    return server


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server; its URL. Dropped afterwards."""
    name = f"t_{next(_pg_db_counter)}_{os.getpid()}"
    pg_server.create_database(name)
    yield pg_server.url(name)
    pg_server.start()  # the test may have stopped the server; start() does nothing if it runs
    pg_server.drop_database(name)


# -- the store's tests on both backends ---------------------------------------
#
# A test in tests/core that uses ``store``, ``empty_store``, ``store_target``
# or ``raw_sql`` runs twice: on an SQLite file and on a PostgreSQL database of
# the session's server. ``@pytest.mark.sqlite_only`` keeps a test about the
# file itself (its header, WAL, PRAGMAs) on SQLite.

BACKENDS = ("sqlite", "postgresql")
_BOTH_BACKENDS_UNDER = Path(__file__).resolve().parent / "core"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a store test about the SQLite file itself")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    both = (
        Path(str(metafunc.definition.path)).resolve().parent == _BOTH_BACKENDS_UNDER
        and metafunc.definition.get_closest_marker("sqlite_only") is None
    )
    metafunc.parametrize("backend", BACKENDS if both else BACKENDS[:1], indirect=True)


@pytest.fixture
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def _pg_templates(request):
    """Seeded and codebook-only databases built once, copied for each test."""
    server = request.getfixturevalue("pg_server")
    from desktop_app.core.store import Store

    made = {}
    for name, seed in (("tmpl_seeded", True), ("tmpl_codebook", False)):
        server.create_database(name)
        Store.open(server.url(name), seed=seed, annotator="tester").close()
        made[seed] = name
    return made


# Fixtures that make the test's PostgreSQL database as a copy of a template.
_FROM_TEMPLATE = frozenset({"store", "empty_store"})


@pytest.fixture
def store_target(request, backend, db_path):
    """Where the test's database is: the file path, or the address of a fresh,
    empty PostgreSQL database (Store.open creates the schema on first open)."""
    if backend == "sqlite":
        return db_path
    server = request.getfixturevalue("pg_server")
    name = f"s_{next(_pg_db_counter)}_{os.getpid()}"
    if not _FROM_TEMPLATE.intersection(request.fixturenames):
        server.create_database(name)  # otherwise the fixture copies its template to this name

    def drop():
        server.start()  # the test may have stopped it
        server.drop_database(name)

    request.addfinalizer(drop)
    return server.url(name)


def _from_template(request, target, seed: bool) -> None:
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("_pg_templates")[seed]
    name = target.rsplit("/", 1)[1]
    server.drop_database(name)
    server.create_database(name, template=template)


@pytest.fixture
def store(request, backend, store_target):
    from desktop_app.core.store import Store

    if backend == "postgresql":
        _from_template(request, store_target, seed=True)
    s = Store.open(store_target, annotator="tester")
    yield s
    s.close()


@pytest.fixture
def empty_store(request, backend, store_target):
    """A database with the default codebook and no documents."""
    from desktop_app.core.store import Store

    if backend == "postgresql":
        _from_template(request, store_target, seed=False)
    s = Store.open(store_target, seed=False, annotator="tester")
    yield s
    s.close()


@pytest.fixture
def raw_sql(backend, store_target):
    """Run SQL on the test's database outside the store (its own connection);
    placeholders are written ``?`` for both backends. Returns rows as tuples."""

    def run(sql: str, *params):
        if backend == "sqlite":
            import sqlite3

            conn = sqlite3.connect(store_target)
            try:
                rows = [tuple(r) for r in conn.execute(sql, params).fetchall()]
                conn.commit()
                return rows
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(store_target, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    return run


@pytest.fixture
def another_target(request, backend, tmp_path):
    """Makes more databases of the test's backend: each call a new, empty one."""
    counter = iter(range(1, 1000))

    def make():
        if backend == "sqlite":
            return tmp_path / f"another-{next(counter)}.db"
        server = request.getfixturevalue("pg_server")
        name = f"a_{next(_pg_db_counter)}_{os.getpid()}"
        server.create_database(name)
        request.addfinalizer(lambda: (server.start(), server.drop_database(name)))
        return server.url(name)

    return make


def require_shared(path: Path, what: str) -> None:
    """Tests against files kept beside the checkout (``../shared/interop``):
    skipped on a machine without them, but a failure in CI (``CI=true``),
    where the folder must be there and a quiet skip would hide that the
    check never ran."""
    if path.exists():
        return
    message = f"{what} is not at {path} (CI keeps shared/ beside the checkout)"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
