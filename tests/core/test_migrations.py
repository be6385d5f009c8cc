"""A database made by schema revision 0001 (tests/fixtures/schema-0001.db) opens
in this version: it is backed up beside itself, migrated to the head revision,
and every document, tag, claim, note and status survives with its id.

The fixture is only ever read: every test works on a copy."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import run_cli
from desktop_app.core.store import database
from desktop_app.core.anchoring import CONTEXT
from desktop_app.core.store import Store
from test_database_files import _schema

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0001.db"
FIXTURE_SHA = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)


def content(path: Path) -> list[str]:
    """The SQL text of everything in a database (same content = same dump)."""
    conn = read_only(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def rows(path: Path) -> dict[str, list[tuple]]:
    """The user's data in a revision-0001 file, read without SQLAlchemy."""
    conn = read_only(path)
    try:
        return {
            "documents": conn.execute(
                "SELECT id, uuid, title, author, outlet, source_url, published, source_format, encoding, "
                "original_name, sha256, text, structure, char_count FROM documents ORDER BY id").fetchall(),
            "tags": conn.execute(
                "SELECT id, uuid, name, color, description, key, parent_id FROM tags ORDER BY id").fetchall(),
            "claims": conn.execute(
                "SELECT id, uuid, document_id, start_offset, end_offset, quote, prefix, suffix, note, status, "
                "annotator, version, deleted_at IS NOT NULL FROM claims ORDER BY id").fetchall(),
            "claim_tags": conn.execute("SELECT claim_id, tag_id FROM claim_tags ORDER BY 1, 2").fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, target)
    assert sha(target) == FIXTURE_SHA
    return target


@pytest.fixture(autouse=True)
def fixture_is_never_modified():
    yield
    assert sha(FIXTURE) == FIXTURE_SHA, "tests/fixtures/schema-0001.db was modified; restore it"
    assert not any(FIXTURE.parent.glob("schema-0001.db?*")), "a side file appeared beside the fixture"


def test_the_fixture_is_what_its_readme_says():
    assert database.inspect_file(FIXTURE) == "0001"
    old = rows(FIXTURE)
    assert [d[0] for d in old["documents"]] == [1, 2]
    assert [t[2] for t in old["tags"]] == ["deepfakes", "salaries", "strikes"]
    assert len(old["claims"]) == 5
    assert [c[12] for c in old["claims"]] == [0, 0, 0, 0, 1]  # claim 5 is in the bin
    assert {c[8] for c in old["claims"]} >= {"", "=SUM(1)"}  # notes, one formula-like
    assert {c[9] for c in old["claims"]} >= {"supported", "disputed", "unverified"}
    per_claim = {}
    for claim_id, tag_id in old["claim_tags"]:
        per_claim.setdefault(claim_id, []).append(tag_id)
    assert max(len(t) for t in per_claim.values()) >= 2  # a claim with several tags


def test_opening_migrates_to_head_after_a_faithful_backup(copy):
    original = content(copy)
    old = rows(copy)
    store = Store.open(copy, annotator="tester")
    try:
        backup = store.backup_path
        assert backup is not None and backup.parent == copy.parent
        assert backup.name.startswith("old.db.backup-0001-")
        assert sorted(p.name for p in copy.parent.glob("old.db.backup-*")) == [backup.name]

        # Every row kept its id and its values.
        docs = {d.id: d for d in store.list_documents(include_deleted=True)}
        assert sorted(docs) == [d[0] for d in old["documents"]]
        for d in old["documents"]:
            row = docs[d[0]]
            assert (row.uuid, row.title, row.author, row.outlet, row.source_url, row.published, row.source_format,
                    row.encoding, row.original_name, row.sha256) == d[1:11]
            assert store.document_text(row.id) == d[11] and row.char_count == d[13] == len(d[11])
            assert row.version == 1 and store.document_versions(row.id) == []
            loaded = store.load_document(row.id)
            loaded.check()
        tags = {t.id: t for t in store.list_tags()}
        assert [(t.id, t.uuid, t.name, t.color, t.description, t.key, t.parent_id) for t in tags.values()] == [
            tuple(t) for t in old["tags"]]
        claims = {c.id: c for c in store.list_claims(include_deleted=True)}
        assert sorted(claims) == [c[0] for c in old["claims"]]
        tag_pairs = sorted((c.id, t) for c in claims.values() for t in c.tag_ids)
        assert tag_pairs == old["claim_tags"]
        for c in old["claims"]:
            row = claims[c[0]]
            assert (row.uuid, row.document_id, row.start, row.end, row.quote, row.prefix, row.suffix, row.note,
                    row.status, row.annotator, row.version, row.deleted) == (*c[1:12], bool(c[12]))
            assert row.orphaned is False
            text = store.document_text(row.document_id)
            assert text[row.start : row.end] == row.quote
            assert row.prefix == text[max(0, row.start - CONTEXT) : row.start]
            assert row.suffix == text[row.end : row.end + CONTEXT]
        assert store.count_claims() == 4  # the binned one is not counted
        assert store.integrity_check() == "ok"

        # Search still finds live claims and documents, never the binned claim.
        hits = {(h.kind, h.id) for h in store.search("whopping")}
        assert ("claim", 3) in hits and ("document", 2) in hits
        binned = claims[5]
        assert ("claim", 5) not in {(h.kind, h.id) for h in store.search(binned.quote.split()[-2])}
    finally:
        store.close()
    assert database.inspect_file(copy) == database.HEAD

    # The backup holds exactly what the file held before it was opened.
    assert content(backup) == original
    assert database.inspect_file(backup) == "0001"
    assert rows(backup) == old

    # A copy of the backup opens (and migrates) like the original did.
    again = copy.parent / "restored.db"
    shutil.copyfile(backup, again)
    with Store.open(again, annotator="tester") as restored:
        assert [(c.id, c.quote, c.note, c.status, c.deleted) for c in restored.list_claims(include_deleted=True)] == [
            (c[0], c[5], c[8], c[9], bool(c[12])) for c in old["claims"]]


def test_the_migrated_schema_is_the_schema_of_a_new_database(copy, tmp_path):
    Store.open(copy, annotator="tester").close()
    with Store.open(tmp_path / "new.db", seed=False, annotator="tester"):
        pass
    migrated = sa.create_engine(database.sqlite_url(copy))
    fresh = sa.create_engine(database.sqlite_url(tmp_path / "new.db"))
    try:
        assert _schema(migrated) == _schema(fresh)
    finally:
        migrated.dispose()
        fresh.dispose()
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
    finally:
        conn.close()


def test_the_migrated_database_works_like_a_new_one(copy, tmp_path):
    """What revision 0002 added: document versions and orphaned claims, and the
    command line on a migrated file."""
    from desktop_app.core.importers import import_bytes

    with Store.open(copy, annotator="tester") as store:
        text = store.document_text(2)
        new = import_bytes(("A new first paragraph.\n\n" + text.replace("whopping", "")).encode(), name="v2.txt")
        result = store.replace_document(2, new)
        assert result.previous_version == 1 and store.get_document(2).version == 2
        assert [v[0] for v in store.document_versions(2)] == [1]
        for c in store.list_claims(document_ids=[2], include_deleted=True):
            current = store.document_text(2)
            assert c.orphaned or current[c.start : c.end] == c.quote
        claim = store.add_claim(1, 0, 7, [1, 3], note="after the migration")
        assert claim.id == 6  # ids continue after the old ones
        store.undo_replace(result)
        assert store.document_text(2) == text
    # The command line reads the migrated file.
    out = run_cli("claims", "--json", db=copy)
    assert out.returncode == 0, out.stderr
    assert b"after the migration" in out.stdout and b"=SUM(1)" in out.stdout


def test_the_command_line_migrates_an_old_file_too(copy):
    old = rows(copy)
    result = run_cli("export", "--no-formula-guard", db=copy)
    assert result.returncode == 0, result.stderr
    assert b"Exported 4 claims" in result.stderr
    for c in old["claims"][:4]:
        assert c[1].encode() in result.stdout
    assert database.inspect_file(copy) == database.HEAD
    backups = list(copy.parent.glob("old.db.backup-0001-*"))
    assert len(backups) == 1 and rows(backups[0]) == old
