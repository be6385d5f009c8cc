"""Team databases: the change log on both backends, and what only a server
does (several programs creating one database, a server that goes away, a
lock held by another annotator, addresses that are wrong)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import psycopg
import pytest

from desktop_app.core.errors import DatabaseBusy, DatabaseUnreachable, DatabaseUnusable, InvalidInput
from desktop_app.core.store import Store

from conftest import ROOT, fails, make_doc, run_cli


# ------------------------------------------------------------- change log
def test_changes_since_names_what_others_wrote(empty_store, store_target):
    s = empty_store
    doc = s.add_document(make_doc("alpha beta gamma delta epsilon"))
    mark = s.change_mark()
    s.list_claims(), s.list_tags(), s.search("alpha")  # reading writes nothing
    assert s.change_mark() == mark
    s.add_tag("mine")  # this store's own writes are not reported back to it
    assert s.changes_since(mark)[1] == set()
    with Store.open(store_target, annotator="other") as other:
        other.add_tag("theirs")
        mark, scopes = s.changes_since(mark)
        assert scopes == {"tags"}
        claim = other.add_claim(doc.id, 0, 5)
        other.set_claim_note(claim.id, "a note")
        mark, scopes = s.changes_since(mark)
        assert scopes == {f"claims:{doc.id}"}
        doc2 = other.add_document(make_doc("another text"))
        third = other.add_claim(doc2.id, 0, 7)
        other.add_link(claim.id, third.id, "same")
        mark, scopes = s.changes_since(mark)
        assert scopes == {"documents", f"claims:{doc2.id}", "links"}
        other.delete_document(doc2.id, with_claims=True)  # touches much: reported as everything
        mark, scopes = s.changes_since(mark)
        assert scopes == {"*"}
        assert s.changes_since(mark) == (mark, set())


def test_a_mark_older_than_the_log_means_reload_everything(empty_store, store_target, raw_sql):
    s = empty_store
    mark = s.change_mark()
    with Store.open(store_target, annotator="other") as other:
        for n in range(3):
            other.add_tag(f"tag {n}")
    newest = s.change_mark()
    raw_sql("DELETE FROM change_log WHERE seq <= ?", newest - 1)  # as pruning would
    assert s.changes_since(mark) == (newest, {"*"})


def test_a_failed_write_logs_no_change(empty_store, store_target):
    s = empty_store
    mark = s.change_mark()
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.add_tag("vanishing")
            raise RuntimeError("boom")
    with Store.open(store_target, annotator="other") as other:
        assert other.changes_since(mark) == (mark, set())


# ------------------------------------------------------- PostgreSQL only
def test_two_programs_creating_one_team_database_make_it_once(pg_url):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from desktop_app.core.store import Store
        with Store.open({pg_url!r}) as s:
            print(len(s.list_documents()), len(s.list_tags()))
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1] for o in outs]
    assert {o[0].strip() for o in outs} == {b"2 3"}
    with Store.open(pg_url) as s:
        assert len(s.list_documents()) == 2 and [t.name for t in s.list_tags()] == ["deepfakes", "salaries", "strikes"]


def test_a_lost_server_is_one_sentence_and_the_store_carries_on_after(pg_server, pg_url):
    s = Store.open(pg_url, annotator="ana")
    try:
        doc = s.list_documents()[0]
        pg_server.stop()
        with pytest.raises(DatabaseUnreachable) as caught:
            s.add_claim(doc.id, 0, 7)
        message = str(caught.value)
        assert message.startswith("The team database postgresql://marginalia@127.0.0.1:")
        assert "cannot be reached" in message and "\n" not in message
        with pytest.raises(DatabaseUnreachable):
            s.list_claims()
        pg_server.start()
        claim = s.add_claim(doc.id, 0, 7)  # the same store works again: nothing to reopen
        assert [c.id for c in s.list_claims()] == [claim.id]
    finally:
        pg_server.start()
        s.close()


def test_a_write_lock_held_too_long_is_busy_and_changes_nothing(pg_url, monkeypatch):
    from desktop_app.core.store import server

    monkeypatch.setenv("MARGINALIA_BUSY_TIMEOUT", "0.5")
    with Store.open(pg_url, annotator="ana") as s:
        before = [t.name for t in s.list_tags()]
        with psycopg.connect(pg_url) as holder:  # another annotator, in the middle of a long write
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (server.WRITE_LOCK_KEY,))
            with pytest.raises(DatabaseBusy) as caught:
                s.add_tag("while locked")
            assert "busy" in str(caught.value) and "Nothing was changed" in str(caught.value)
            holder.rollback()
        assert [t.name for t in s.list_tags()] == before
        s.add_tag("after the lock")  # and the next write goes through


def test_foreign_and_newer_team_databases_are_refused_untouched(pg_server, pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id int, owner text)")
        conn.execute("INSERT INTO accounts VALUES (1, 'someone')")
    with pytest.raises(DatabaseUnusable, match="another program"):
        Store.open(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert tables == {"accounts"}
    name = "newer_" + pg_url.rsplit("_", 1)[1]
    pg_server.create_database(name)
    try:
        newer = pg_server.url(name)
        Store.open(newer).close()
        with psycopg.connect(newer, autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        with pytest.raises(DatabaseUnusable, match="newer version of Marginalia"):
            Store.open(newer)
        with psycopg.connect(newer, autocommit=True) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]
    finally:
        pg_server.drop_database(name)


def test_a_team_database_at_an_older_schema_is_migrated_and_searchable(pg_url):
    """Schema 0004 (before team databases) on a server, with a document and a
    claim written there: opening it adds the change log and fills the search
    index from what is there."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from desktop_app.core.store import database

    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(ROOT / "desktop_app" / "core" / "store" / "migrations"))
            config.attributes["connection"] = conn
            command.upgrade(config, "0004")
            conn.exec_driver_sql(
                "INSERT INTO documents (id, uuid, title, author, outlet, source_url, published, source_format, "
                "encoding, original_name, sha256, text, structure, char_count, imported_at, version) VALUES "
                "(1, 'u1', 'Crème brûlée', '', '', '', '', 'text', 'utf-8', '', '', 'Grève des scénaristes 🎬', "
                "'{}', 24, now(), 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO claims (id, uuid, document_id, start_offset, end_offset, quote, prefix, suffix, note, "
                "status, annotator, version, created_at, updated_at, orphaned) VALUES "
                "(1, 'c1', 1, 0, 5, 'Grève', '', '', 'piquets de grève', 'unverified', 'ana', 1, now(), now(), false)"
            )
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('documents', 'id'), 1)")
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('claims', 'id'), 1)")
    finally:
        engine.dispose()
    with Store.open(pg_url) as s:
        assert s.change_mark() == 1  # the migration, logged as changing everything
        hits = {(h.kind, h.id) for h in s.search("scenaristes")}
        assert hits == {("document", 1)}
        assert {(h.kind, h.id) for h in s.search("piquets")} == {("claim", 1)}
        assert s.list_documents()[0].title == "Crème brûlée"
        assert s.add_claim(1, 6, 9).id == 2
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(database.HEAD,)]


@pytest.mark.parametrize(
    "address, words",
    [
        ("postgresql://", ["names no database"]),
        ("postgresql://someone@127.0.0.1:1/nothing", ["cannot be reached", "127.0.0.1:1/nothing"]),
    ],
)
def test_wrong_addresses_are_one_sentence(address, words):
    with pytest.raises((InvalidInput, DatabaseUnreachable)) as caught:
        Store.open(address)
    for word in words:
        assert word in str(caught.value)
    fails(run_cli("--db", address, "docs"), *words)


def test_a_missing_team_database_is_named(pg_server):
    address = pg_server.url("no_such_database")
    with pytest.raises(DatabaseUnreachable, match="no_such_database"):
        Store.open(address)
    fails(run_cli("--db", address, "docs"), "no_such_database", "does not exist")


def test_a_login_the_server_refuses_is_named(pg_server):
    address = pg_server.url("postgres").replace("marginalia@", "ghost@")
    with pytest.raises(DatabaseUnreachable) as caught:
        Store.open(address)
    assert "refused the login" in str(caught.value) and 'role "ghost" does not exist' in str(caught.value)
    fails(run_cli("--db", address, "docs"), "refused the login", "ghost")


def test_a_silently_lost_network_is_noticed_in_seconds(pg_url):
    """The store's connections ask the system to give up on a server that
    stops answering within seconds (keepalives, a TCP user timeout) instead of
    after the system's TCP retries, which take many minutes."""
    import socket

    from desktop_app.core.store import server

    with Store.open(pg_url) as s:
        with s._tx(write=False) as conn:
            raw = conn.connection.dbapi_connection
            params = raw.info.get_parameters()
            sock = socket.socket(fileno=os.dup(raw.fileno()))
            try:
                keepalive = sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
                user_timeout = sock.getsockopt(socket.IPPROTO_TCP, 18)  # TCP_USER_TIMEOUT, in ms
                idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
            finally:
                sock.close()
    assert params["application_name"] == "Marginalia"
    assert keepalive == 1 and idle == 10
    assert user_timeout == server.LOST_AFTER_S * 1000
