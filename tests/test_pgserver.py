"""The throwaway PostgreSQL server the tests use (tests/pgserver.py)."""

from __future__ import annotations

import pytest

psycopg = pytest.importorskip("psycopg")


def test_connects_and_round_trips_text(pg_url):
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT %s", ("😀 é",)).fetchone() == ("😀 é",)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)


def test_each_test_gets_its_own_database(pg_server, pg_url):
    assert pg_url.startswith(f"postgresql://marginalia@127.0.0.1:{pg_server.port}/t_")
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)


def test_template_database(pg_server):
    pg_server.create_database("tpl_pgserver")
    try:
        with psycopg.connect(pg_server.url("tpl_pgserver")) as conn:
            conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
            conn.execute("INSERT INTO notes VALUES (1, 'kept')")
        pg_server.create_database("copy_pgserver", template="tpl_pgserver")
        with psycopg.connect(pg_server.url("copy_pgserver")) as conn:
            assert conn.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    finally:
        pg_server.drop_database("copy_pgserver")
        pg_server.drop_database("tpl_pgserver")


def test_stop_loses_the_connection_and_start_brings_the_data_back(pg_server, pg_url):
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE kept (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO kept VALUES (1, '😀 é')")
        conn.commit()
        port = pg_server.port
        pg_server.stop()
        try:
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")  # the open connection is gone
            with pytest.raises(psycopg.OperationalError):
                psycopg.connect(pg_url, connect_timeout=3)  # and no new one is accepted
        finally:
            pg_server.start()
    assert pg_server.port == port
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT body FROM kept").fetchall() == [("😀 é",)]


def test_missing_programs_say_how_to_install_them(tmp_path, monkeypatch):
    from pgserver import PostgresServer

    monkeypatch.setenv("MARGINALIA_PG_BINDIR", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"setup\.sh --test"):
        PostgresServer().start()


def test_the_sweep_spares_a_stopped_server_whose_run_lives(tmp_path):
    """A test may stop the session's server for a while; another test run
    starting meanwhile must not take that folder for a killed run's leftover."""
    import os
    import subprocess
    import sys
    import time

    from pgserver import _sweep_leftovers

    old = time.time() - 3600

    def folder(name: str, owner: int | None) -> object:
        path = tmp_path / f"marginalia-pg-{name}"
        (path / "data").mkdir(parents=True)
        if owner is not None:
            (path / "owner").write_text(str(owner))
        os.utime(path, (old, old))
        return path

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    living = folder("living", os.getpid())  # stopped server (no postmaster.pid), its run alive
    killed = folder("killed", int(gone.stdout))  # its run has ended
    unowned = folder("unowned", None)  # from before runs wrote their pid
    fresh = tmp_path / "marginalia-pg-fresh"
    fresh.mkdir()
    _sweep_leftovers(tmp_path)
    assert living.exists() and fresh.exists()
    assert not killed.exists() and not unowned.exists()
