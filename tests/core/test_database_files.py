"""Database files: what is refused untouched, how the schema is made and migrated,
and that creating a database is all or nothing."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.core.store import database
from desktop_app.core.errors import DatabaseUnusable
from desktop_app.core.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_healthy(path: Path) -> bytes:
    """A real Marginalia database with a claim in it; returns its bytes."""
    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines

    with Store.open(path, seed=False, annotator="tester") as store:
        text = "A healthy database.\nWith two lines."
        doc = store.add_document(
            StructuredDocument(text=text, blocks=blocks_for_lines(text), metadata=Metadata(title="Healthy"),
                               source_format="text", sha256="0" * 64)
        )
        store.add_claim(doc.id, 2, 9, [store.resolve_tag("deepfakes")])
    assert not Path(str(path) + "-wal").exists()
    return path.read_bytes()


def _empty(path: Path, tmp: Path) -> None:
    path.write_bytes(b"")


def _random(path: Path, tmp: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def _text(path: Path, tmp: Path) -> None:
    path.write_text("title,quote\nnot,a database\n", encoding="utf-8")


def _header_only(path: Path, tmp: Path) -> None:
    path.write_bytes(make_healthy(tmp / "src.db")[:60])


def _truncated_half(path: Path, tmp: Path) -> None:
    data = make_healthy(tmp / "src.db")
    path.write_bytes(data[: len(data) // 2])


def _truncated_one_page(path: Path, tmp: Path) -> None:
    data = make_healthy(tmp / "src.db")
    page = int.from_bytes(data[16:18], "big")
    path.write_bytes(data[:page])


def _garbage_pages(path: Path, tmp: Path) -> None:
    """Every page after the first overwritten: the header and schema page are intact."""
    data = bytearray(make_healthy(tmp / "src.db"))
    page = int.from_bytes(data[16:18], "big")
    rnd = random.Random(3)
    for offset in range(page, len(data), page):
        data[offset : offset + page] = rnd.randbytes(page)
    path.write_bytes(bytes(data))


def _garbage_schema(path: Path, tmp: Path) -> None:
    """The schema table (page 1 after its 100-byte header) overwritten."""
    data = bytearray(make_healthy(tmp / "src.db"))
    page = int.from_bytes(data[16:18], "big")
    data[100:page] = random.Random(5).randbytes(page - 100)
    path.write_bytes(bytes(data))


def _foreign(path: Path, tmp: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada', '123')")
    conn.commit()
    conn.close()


def _foreign_wal(path: Path, tmp: Path) -> None:
    """Another program's database in WAL mode, closed cleanly."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.execute("INSERT INTO alembic_version VALUES ('abc123')")
    conn.commit()
    conn.close()


def _newer(path: Path, tmp: Path) -> None:
    make_healthy(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert not Path(str(path) + "-wal").exists()


def _no_version(path: Path, tmp: Path) -> None:
    make_healthy(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE alembic_version")
    conn.commit()
    conn.close()


CASES = {
    "empty": (_empty, "empty"),
    "random bytes": (_random, "not"),
    "text file": (_text, "not"),
    "header only": (_header_only, "cut short"),
    "truncated half": (_truncated_half, "damaged"),
    "truncated to one page": (_truncated_one_page, "damaged"),
    "garbage pages": (_garbage_pages, "damaged"),
    "garbage schema": (_garbage_schema, "damaged"),
    "another program's database": (_foreign, "another program"),
    "another program's WAL database": (_foreign_wal, "another program"),
    "newer version": (_newer, "newer version"),
    "schema version missing": (_no_version, "damaged"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unusable_file_is_refused_and_left_byte_for_byte(case, tmp_path):
    make, expected = CASES[case]
    folder = tmp_path / "library"
    folder.mkdir()
    path = folder / "my library.db"  # a space, to check the file URI
    make(path, tmp_path)
    before = sha(path)
    listing = sorted(os.listdir(folder))

    with pytest.raises(DatabaseUnusable) as info:
        Store.open(path, annotator="tester")
    message = str(info.value)
    assert str(path) in message
    assert expected in message.lower()
    assert "\n" not in message

    assert sha(path) == before
    assert sorted(os.listdir(folder)) == listing, "no -wal, -shm, -journal, backup or temp file may appear"

    # A second attempt says the same and still writes nothing.
    with pytest.raises(DatabaseUnusable):
        Store.open(path, annotator="tester")
    assert sha(path) == before
    assert sorted(os.listdir(folder)) == listing


def test_folder_in_place_of_database_is_refused(tmp_path):
    path = tmp_path / "library.db"
    path.mkdir()
    with pytest.raises(DatabaseUnusable, match="folder"):
        Store.open(path, annotator="tester")
    assert path.is_dir() and not list(path.iterdir())


def test_inspecting_a_healthy_database_writes_nothing(tmp_path):
    path = tmp_path / "ok.db"
    make_healthy(path)
    before = sha(path)
    assert database.inspect_file(path) == database.HEAD
    assert sha(path) == before
    assert sorted(os.listdir(tmp_path)) == ["ok.db"]


def test_healthy_database_still_opens_while_another_store_has_it_open(db_path):
    make_healthy(db_path)
    with Store.open(db_path, annotator="a") as first:
        first.add_tag("open elsewhere")  # leaves a live -wal file
        assert Path(str(db_path) + "-wal").exists()
        with Store.open(db_path, annotator="b") as second:
            assert "open elsewhere" in {t.name for t in second.list_tags()}


# ------------------------------------------------------------------ migrations
def _script_directory():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(database.__file__).with_name("migrations")))
    return ScriptDirectory.from_config(config)


def test_revisions_list_matches_the_alembic_scripts():
    from desktop_app.core.store import migrations

    script = _script_directory()
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")]
    chain.reverse()  # walk_revisions goes from head to base
    assert tuple(chain) == migrations.REVISIONS
    assert script.get_heads() == [migrations.HEAD]
    assert database.HEAD == migrations.HEAD
    for rev in script.walk_revisions("base", "heads"):
        expected_down = None if rev.revision == chain[0] else chain[chain.index(rev.revision) - 1]
        assert rev.down_revision == expected_down


def _schema(engine: sa.Engine) -> dict:
    insp = sa.inspect(engine)
    schema = {}
    for table in insp.get_table_names():
        if table == "alembic_version" or table.startswith("search_index"):
            continue
        schema[table] = {
            "columns": {
                c["name"]: (type(c["type"]).__name__, repr(c["type"]), c["nullable"], c.get("primary_key", 0))
                for c in insp.get_columns(table)
            },
            "foreign_keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]),
                 (fk.get("options") or {}).get("ondelete"))
                for fk in insp.get_foreign_keys(table)
            ),
            "indexes": sorted((tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)),
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            "pk": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
        }
    return schema


@pytest.mark.sqlite_only
def test_migrated_schema_equals_the_sqlmodel_tables(tmp_path, empty_store):
    from sqlmodel import SQLModel

    from desktop_app.core.store import models

    migrated = sa.create_engine(database.sqlite_url(empty_store.path))
    declared = sa.create_engine(database.sqlite_url(tmp_path / "declared.db"))
    tables = [models.documents, models.document_versions, models.document_sources, models.tags, models.claims,
              models.claim_tags, models.claim_links, models.change_log]
    SQLModel.metadata.create_all(declared, tables=tables)
    try:
        got, want = _schema(migrated), _schema(declared)
        assert set(got) == {t.name for t in tables}
        assert got == want
        with migrated.connect() as conn:
            names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
            assert "search_index" in names
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == database.HEAD
            assert conn.exec_driver_sql("PRAGMA application_id").scalar() == database.APPLICATION_ID
    finally:
        migrated.dispose()
        declared.dispose()


def test_backup_copy_is_a_consistent_copy_including_unwritten_wal(db_path):
    """backup_copy goes through SQLite: data still only in the -wal file is in the copy."""
    make_healthy(db_path)
    with Store.open(db_path, annotator="tester") as store:
        store.add_tag("only in the wal")
        assert Path(str(db_path) + "-wal").stat().st_size > 0
        backup = database.backup_copy(db_path, database.HEAD)
        assert backup.parent == db_path.parent
        assert backup.name.startswith(f"{db_path.name}.backup-{database.HEAD}-")
    assert database.inspect_file(backup) == database.HEAD
    conn = sqlite3.connect(backup)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM tags")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
    finally:
        conn.close()
    assert "only in the wal" in names


REAL_REVISIONS = database.REVISIONS
REAL_HEAD = database.HEAD


def _pretend_a_newer_revision_exists(monkeypatch, migrate):
    """Make the code believe a revision 9999 follows the real head, so that
    opening a current database takes the backup-then-migrate path with
    ``migrate`` standing in for the Alembic upgrade (the real upgrade from
    0001 is tested on the fixture file in test_migrations.py)."""
    monkeypatch.setattr(database, "REVISIONS", (*REAL_REVISIONS, "9999"))
    monkeypatch.setattr(database, "HEAD", "9999")
    monkeypatch.setattr(database, "run_migrations", migrate)


def test_older_database_is_backed_up_before_it_is_migrated(db_path, monkeypatch):
    make_healthy(db_path)
    original = db_path.read_bytes()
    seen = {}

    def migrate(conn):
        backups = sorted(db_path.parent.glob(db_path.name + f".backup-{REAL_HEAD}-*"))
        seen["backups_at_migration"] = backups
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")

    _pretend_a_newer_revision_exists(monkeypatch, migrate)
    store = Store.open(db_path, annotator="tester")
    try:
        assert len(seen["backups_at_migration"]) == 1
        backup = seen["backups_at_migration"][0]
        assert store.backup_path == backup
        assert [t.name for t in store.list_tags()] == ["deepfakes", "salaries", "strikes"]
    finally:
        store.close()
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == REAL_HEAD
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
    finally:
        conn.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"
    finally:
        conn.close()
    assert hashlib.sha256(original).hexdigest() != sha(db_path)  # the migration did write


def test_a_migration_that_rebuilds_a_table_loses_no_rows_through_cascades(db_path, monkeypatch):
    """Alembic's batch mode on SQLite rebuilds a table (copy, drop, rename);
    dropping ``claims`` must not cascade to the claims' tags."""
    make_healthy(db_path)

    def migrate(conn):
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        op = Operations(MigrationContext.configure(conn))
        with op.batch_alter_table("claims", recreate="always") as batch:
            batch.add_column(sa.Column("extra", sa.Text, nullable=True))
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")

    _pretend_a_newer_revision_exists(monkeypatch, migrate)
    with Store.open(db_path, annotator="tester") as store:
        claim = store.list_claims()[0]
        assert claim.tag_ids == (store.resolve_tag("deepfakes"),)
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again afterwards
    assert raw_count(db_path, "claim_tags") == 1
    assert raw_count(db_path, "claims") == 1


def raw_count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_failed_migration_changes_nothing_and_keeps_the_backup(db_path, monkeypatch):
    make_healthy(db_path)

    def migrate(conn):
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        conn.exec_driver_sql("DROP TABLE claim_tags")
        raise RuntimeError("migration script failed")

    _pretend_a_newer_revision_exists(monkeypatch, migrate)
    with pytest.raises(RuntimeError):
        Store.open(db_path, annotator="tester")
    monkeypatch.undo()
    assert len(list(db_path.parent.glob(db_path.name + f".backup-{REAL_HEAD}-*"))) == 1
    with Store.open(db_path, annotator="tester") as store:  # still at the real head, still whole
        assert store.count_claims() == 1
        assert store.integrity_check() == "ok"
    assert database.inspect_file(db_path) == REAL_HEAD


def test_failed_updates_keep_one_backup_per_schema_revision(db_path, monkeypatch):
    make_healthy(db_path)

    def migrate(conn):
        raise RuntimeError("migration script failed")

    _pretend_a_newer_revision_exists(monkeypatch, migrate)
    with pytest.raises(RuntimeError):
        Store.open(db_path, annotator="tester")
    (first,) = db_path.parent.glob(db_path.name + ".backup-*")
    first.rename(db_path.with_name(f"{db_path.name}.backup-{REAL_HEAD}-20200101T000000Z"))  # as if made long ago
    for _attempt in range(2):
        with pytest.raises(RuntimeError):
            Store.open(db_path, annotator="tester")
    backups = list(db_path.parent.glob(db_path.name + ".backup-*"))
    assert len(backups) == 1 and backups[0].name.startswith(f"{db_path.name}.backup-{REAL_HEAD}-")
    assert "20200101T000000Z" not in backups[0].name, "the newest copy is kept"
    assert sorted(p.name for p in db_path.parent.iterdir()) == sorted([db_path.name, backups[0].name]), \
        "no temporary file is left either"
    monkeypatch.undo()
    assert database.inspect_file(backups[0]) == REAL_HEAD
    assert raw_count(backups[0], "claims") == 1

    # A backup of another revision is a different version's copy: it stays.
    other = db_path.with_name(f"{db_path.name}.backup-0001-20200101T000000Z")
    other.write_bytes(backups[0].read_bytes())
    _pretend_a_newer_revision_exists(monkeypatch, migrate)
    with pytest.raises(RuntimeError):
        Store.open(db_path, annotator="tester")
    assert len(list(db_path.parent.glob(db_path.name + ".backup-*"))) == 2
    assert other.exists()


# ------------------------------------------------------------- atomic creation
def test_creating_a_database_is_all_or_nothing(db_path, monkeypatch):
    from desktop_app.core.store import seeding

    calls = []

    def failing_seed(store, *, documents=True, codebook=True):
        store.add_tag("half made")
        calls.append(store.path)
        raise RuntimeError("seeding failed")

    monkeypatch.setattr(seeding, "seed_new_database", failing_seed)
    with pytest.raises(RuntimeError, match="seeding failed"):
        Store.open(db_path, annotator="tester")
    assert calls and calls[0] != db_path  # the work happened in a temporary file
    assert not db_path.exists()
    assert list(db_path.parent.iterdir()) == [], "no temporary or journal file may be left"

    monkeypatch.undo()
    with Store.open(db_path, seed=False, annotator="tester") as store:
        assert "half made" not in {t.name for t in store.list_tags()}


def test_creating_in_a_new_folder(tmp_path):
    path = tmp_path / "a" / "b" / "library.db"
    with Store.open(path, seed=False, annotator="tester") as store:
        assert store.list_documents() == []
    assert database.inspect_file(path) == database.HEAD
    assert sorted(p.name for p in path.parent.iterdir()) == ["library.db"]


def test_creating_never_replaces_a_database_another_program_just_created(db_path, monkeypatch):
    """Two programs creating the same new database at once: the second one to
    finish opens the first one's file instead of putting its own in its place."""
    from desktop_app.core.store import seeding

    real_seed = seeding.seed_new_database
    state = {"raced": False}

    def seed_while_another_program_creates_the_file(store, *, documents=True, codebook=True):
        real_seed(store, documents=documents, codebook=codebook)
        if not state["raced"]:
            state["raced"] = True
            with Store.open(db_path, seed=False, annotator="other program") as other:
                other.add_tag("made by the other program")

    monkeypatch.setattr(seeding, "seed_new_database", seed_while_another_program_creates_the_file)
    with Store.open(db_path, seed=False, annotator="tester") as store:
        assert "made by the other program" in {t.name for t in store.list_tags()}
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_damaged_sample_article_does_not_stop_a_new_database(db_path, tmp_path, monkeypatch):
    from desktop_app.core import paths

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a-good.md").write_text("---\ntitle: Good sample\n---\n\nSome text.\n", encoding="utf-8")
    (seeds / "b-broken.md").write_bytes(b"\x00\xff\x00binary\x00" * 50)
    monkeypatch.setattr(paths, "seeds_dir", lambda: seeds)
    with Store.open(db_path, annotator="tester") as store:
        assert [d.title for d in store.list_documents()] == ["Good sample"]
        assert len(store.list_tags()) == 3
