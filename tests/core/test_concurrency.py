"""Two programs writing one database: both succeed, or one is told plainly that
the database is busy; no write is lost and a stale edit is refused."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import run_cli
from conftest import sqlite_dump as dump
from desktop_app.core import settings as settings_module
from desktop_app.core.store import store as store_module
from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
from desktop_app.core.errors import Conflict, DatabaseBusy
from desktop_app.core.store import Store

N = 300

WRITER = r"""
import sys
from desktop_app.core.store import Store
db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store.open(db, annotator=who)
doc = store.list_documents()[0]
tags = [t.id for t in store.list_tags()]
print("ready", flush=True)
sys.stdin.readline()  # both writers start together
for i in range(n):
    store.add_claim(doc.id, i % 50, i % 50 + 5, [tags[i % len(tags)]], note=f"{who}-{i}")
store.close()
print("done", flush=True)
"""


def make_doc(text: str) -> StructuredDocument:
    return StructuredDocument(
        text=text, blocks=blocks_for_lines(text), metadata=Metadata(title="Shared"),
        source_format="text", encoding="utf-8", sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def test_two_processes_adding_claims_at_once_lose_nothing(db_path):
    with Store.open(db_path, seed=False, annotator="setup") as store:
        store.add_document(make_doc("A text that both writers annotate at the same time, over and over."))
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), who, str(N)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("first", "second")
    ]
    try:
        for w in writers:
            assert w.stdout.readline().strip() == "ready", w.stderr.read()
        for w in writers:
            w.stdin.write("go\n")
            w.stdin.flush()
        results = [w.communicate(timeout=120) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    for w, (out, err) in zip(writers, results):
        assert w.returncode == 0 and out.strip() == "done", err

    with Store.open(db_path, annotator="check") as store:
        claims = store.list_claims()
        assert store.integrity_check() == "ok"
    notes = [c.note for c in claims]
    assert len(notes) == 2 * N
    assert sorted(notes) == sorted(f"{who}-{i}" for who in ("first", "second") for i in range(N))
    assert len({c.id for c in claims}) == len({c.uuid for c in claims}) == 2 * N
    for c in claims:
        who, i = c.note.split("-")
        assert c.annotator == who and (c.start, c.end) == (int(i) % 50, int(i) % 50 + 5)
        assert len(c.tag_ids) == 1


def test_a_write_waiting_too_long_says_the_database_is_busy_and_changes_nothing(db_path):
    with Store.open(db_path, annotator="setup") as store:
        doc = next(d for d in store.list_documents() if "Bruce Willis" in store.document_text(d.id))
    before = dump(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program is in the middle of a write
        started = time.monotonic()
        result = run_cli("claim", "add", str(doc.id), "--quote", "Bruce Willis", db=db_path,
                         env={"MARGINALIA_BUSY_TIMEOUT": "0.5"})
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0 and result.stdout == b""
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("marginalia: "), err
    assert "database is busy" in err.lower()
    assert 0.5 <= waited < 4.5  # the configured wait, not the default five seconds
    assert dump(db_path) == before
    with Store.open(db_path, annotator="check") as store:
        assert store.count_claims() == 0
        assert store.integrity_check() == "ok"


def test_busy_timeout_comes_from_the_environment_then_the_settings(db_path, monkeypatch):
    monkeypatch.delenv("MARGINALIA_BUSY_TIMEOUT", raising=False)
    assert store_module.busy_timeout() == 5.0
    settings = settings_module.load_settings()
    settings.busy_timeout_s = 0.25
    settings_module.save_settings(settings)
    assert store_module.busy_timeout() == 0.25
    monkeypatch.setenv("MARGINALIA_BUSY_TIMEOUT", "1.5")
    assert store_module.busy_timeout() == 1.5
    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv("MARGINALIA_BUSY_TIMEOUT", bad)
        assert store_module.busy_timeout() == 0.25
    monkeypatch.setenv("MARGINALIA_BUSY_TIMEOUT", "0.2")
    with Store.open(db_path, annotator="x") as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200

    # In the store itself: a write that cannot get the lock is DatabaseBusy.
    with Store.open(db_path, annotator="x") as store:
        holder = sqlite3.connect(db_path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(DatabaseBusy, match="busy"):
                store.add_tag("blocked")
            assert "blocked" not in {t.name for t in store.list_tags()}  # reading still works
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        store.add_tag("afterwards")  # and writing again once the lock is gone


def test_a_stale_edit_from_another_window_is_refused(db_path):
    a = Store.open(db_path, seed=False, annotator="a")
    b = Store.open(db_path, seed=False, annotator="b")
    try:
        doc = a.add_document(make_doc("One claim, two windows."))
        seen_by_a = a.add_claim(doc.id, 0, 9, note="original")
        changed = b.set_claim_note(seen_by_a.id, "from window B", expected_version=seen_by_a.version)
        assert changed.version == seen_by_a.version + 1
        with pytest.raises(Conflict, match="changed elsewhere"):
            a.set_claim_note(seen_by_a.id, "from window A", expected_version=seen_by_a.version)
        with pytest.raises(Conflict):
            a.set_claim_status(seen_by_a.id, "refuted", expected_version=seen_by_a.version)
        for store in (a, b):
            now = store.get_claim(seen_by_a.id)
            assert (now.note, now.status, now.version) == ("from window B", "unverified", changed.version)
        # With the current version, A's edit goes through.
        assert a.set_claim_note(seen_by_a.id, "A again", expected_version=changed.version).note == "A again"
    finally:
        a.close()
        b.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT note FROM claims").fetchall() == [("A again",)]
    finally:
        conn.close()
