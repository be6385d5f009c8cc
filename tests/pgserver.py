"""A throwaway PostgreSQL server on loopback, for the tests.

    server = PostgresServer()
    server.start()                      # initdb in a fresh folder under /tmp, then postgres
    server.create_database("t_1")
    url = server.url("t_1")             # postgresql://marginalia@127.0.0.1:PORT/t_1
    server.stop(); server.start()       # same port, same data: a lost connection, then back
    server.cleanup()                    # stops it if needed and removes the folder

PostgreSQL refuses to run as root, so when the tests run as root (a CI
container) the server programs run as the `nobody` user. Only the postmaster
this object started is ever signalled, by its pid.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "marginalia"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
NOT_FOUND = (
    "PostgreSQL server programs (initdb, postgres) were not found; "
    "run `bash packaging/setup.sh --test`"
)

# Speed over durability: the data is thrown away after the run.
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "max_wal_size": "1GB",
    "checkpoint_timeout": "30min",
    "max_parallel_workers_per_gather": "0",  # no parallel query: nothing to do with /dev/shm size
    "log_min_messages": "warning",
    "log_connections": "off",
    "timezone": "UTC",
}


def _has_server_programs(folder: str | os.PathLike) -> bool:
    return all(os.access(os.path.join(folder, p), os.X_OK) for p in ("initdb", "postgres"))


def _version_key(path: str) -> tuple:
    version = Path(path).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(n) for n in re.findall(r"\d+", version))


def find_bindir() -> Path:
    """The folder with initdb and postgres, or RuntimeError saying how to install them."""
    env = os.environ.get("MARGINALIA_PG_BINDIR")
    if env:
        if _has_server_programs(env):
            return Path(env)
        raise RuntimeError(f"MARGINALIA_PG_BINDIR={env} has no initdb and postgres in it. {NOT_FOUND}.")
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            bindir = out.stdout.strip()
            if out.returncode == 0 and bindir and _has_server_programs(bindir):
                return Path(bindir)
        except (OSError, subprocess.SubprocessError):
            pass
    candidates = [d for d in glob.glob("/usr/lib/postgresql/*/bin") if _has_server_programs(d)]
    if candidates:
        return Path(max(candidates, key=_version_key))
    initdb = shutil.which("initdb")
    if initdb:
        for folder in (os.path.dirname(initdb), os.path.dirname(os.path.realpath(initdb))):
            if _has_server_programs(folder):
                return Path(folder)
    raise RuntimeError(NOT_FOUND)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL server in its own temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, base_dir: Path | None = None):
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.bindir: Path | None = None
        self.root: Path | None = None  # the temporary folder: data/, sock/, server.log
        self.port: int | None = None
        self._proc: subprocess.Popen | None = None
        self._atexit = False
        self._server_version: int | None = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self._uid, self._gid = nobody.pw_uid, nobody.pw_gid
        else:
            self._uid = self._gid = None

    # -- paths ---------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def url(self, dbname: str = "postgres") -> str:
        if self.port is None:
            raise RuntimeError("the PostgreSQL server was never started")
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    # -- life cycle ----------------------------------------------------------

    def start(self) -> None:
        """Create the cluster (first time) and start postgres; returns once it accepts connections.

        Does nothing if it is already running. After stop(), starts again on the
        same port with the same data.
        """
        if self.running:
            return
        if self.root is None:
            self.bindir = find_bindir()
            self._make_folder()
            self._initdb()
        if not self._atexit:
            atexit.register(self._cleanup_quietly)
            self._atexit = True
        if self.port is not None:
            self._launch(self.port)
            return
        for attempt in range(5):  # another process may take the free port before postgres binds it
            port = _free_port()
            try:
                self._launch(port)
            except RuntimeError:
                if attempt == 4 or "already in use" not in self._log_tail():
                    raise
                continue
            self.port = port
            return

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        """Fast shutdown (clients are disconnected) and wait for the postmaster to exit."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, timeout in ((signal.SIGINT, STOP_TIMEOUT), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout)
                break
            except subprocess.TimeoutExpired:
                continue

    def cleanup(self) -> None:
        """Stop the server and remove its folder."""
        self.stop()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
            self.port = None

    # -- databases -----------------------------------------------------------

    def create_database(self, name: str, template: str | None = None) -> None:
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if self._copies_files():
            # Copying the template's files is several times faster than writing
            # every page through the log (the default since PostgreSQL 15), and
            # with fsync off its checkpoint costs nothing: a test's database is
            # ready in a tenth of a second instead of about one.
            query += sql.SQL(" STRATEGY = FILE_COPY")
        self._admin(query)

    def _copies_files(self) -> bool:
        """Whether CREATE DATABASE takes a STRATEGY (PostgreSQL 15 and later)."""
        if self._server_version is None:
            import psycopg

            with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as conn:
                self._server_version = conn.info.server_version
        return self._server_version >= 150000

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, query) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as conn:
            conn.execute(query)

    # -- internals -----------------------------------------------------------

    def _make_folder(self) -> None:
        parent = self.base_dir if self.base_dir is not None else Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir())
        _sweep_leftovers(parent)
        self.root = Path(tempfile.mkdtemp(prefix="marginalia-pg-", dir=parent))
        # The test run that owns the folder: while it lives, no other run's sweep
        # removes the folder, even when a test has stopped the server for a while.
        (self.root / "owner").write_text(str(os.getpid()))
        self.socket_dir.mkdir()
        if self._uid is not None:
            for p in (self.root, self.socket_dir):
                os.chown(p, self._uid, self._gid)
            # The server user must be able to reach the folder.
            for p in self.root.parents:
                if not os.stat(p).st_mode & 0o001:
                    raise RuntimeError(
                        f"PostgreSQL runs as 'nobody' here and cannot enter {p}; "
                        f"give PostgresServer a base_dir everyone can enter (such as /tmp)"
                    )

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(HOME=str(self.root), LC_ALL="C", LANG="C", TZ="UTC")
        env.pop("LANGUAGE", None)
        return env

    def _run_as(self) -> dict:
        if self._uid is None:
            return {}
        return {"user": self._uid, "group": self._gid, "extra_groups": []}

    def _initdb(self) -> None:
        cmd = [
            str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", USER,
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ]
        out = subprocess.run(
            cmd, cwd=self.root, env=self._env(), capture_output=True, text=True,
            timeout=120, **self._run_as(),
        )
        if out.returncode != 0:
            if "--no-instructions" in out.stderr:  # an old initdb
                cmd.remove("--no-instructions")
                out = subprocess.run(
                    cmd, cwd=self.root, env=self._env(), capture_output=True, text=True,
                    timeout=120, **self._run_as(),
                )
            if out.returncode != 0:
                raise RuntimeError(f"initdb failed (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")

    def _launch(self, port: int) -> None:
        import psycopg

        cmd = [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-p", str(port),
               "-c", f"unix_socket_directories={self.socket_dir}"]
        for key, value in SETTINGS.items():
            cmd += ["-c", f"{key}={value}"]
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(
                cmd, cwd=self.root, env=self._env(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_stop_with_parent, **self._run_as(),
            )
        url = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + START_TIMEOUT
        delay = 0.02
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise RuntimeError(
                    f"PostgreSQL exited while starting (exit {code}) on port {port}; "
                    f"end of {self.log_path}:\n{self._log_tail()}"
                )
            try:
                with psycopg.connect(url, connect_timeout=2):
                    return
            except psycopg.OperationalError as e:
                last = e
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"PostgreSQL did not accept connections on port {port} within {START_TIMEOUT:.0f} s "
                    f"({last}); end of {self.log_path}:\n{self._log_tail()}"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(getattr(self, "_log_offset", 0))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _cleanup_quietly(self) -> None:  # at interpreter exit: no server or folder left behind
        try:
            self.cleanup()
        except Exception:
            pass


def _stop_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Ask Linux to send the server SIGINT (PostgreSQL's fast shutdown) when
    the test process that started it dies, even if it is killed and cannot
    run its clean-up."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGINT))  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _sweep_leftovers(parent: Path) -> None:
    """Remove the folders of servers whose test run was killed: the run that
    made them is gone, no server runs from them (no postmaster.pid, or its
    process is gone) and they are older than ten minutes, so that a run
    starting right now is never touched."""
    now = time.time()
    for folder in parent.glob("marginalia-pg-*"):
        try:
            if now - folder.stat().st_mtime < 600:
                continue
            owner = folder / "owner"
            if owner.exists() and Path(f"/proc/{int(owner.read_text())}").exists():
                continue
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split("\n", 1)[0])
                if Path(f"/proc/{pid}").exists():
                    continue
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            continue
