"""Copying a project between database files and team databases, ids and all."""

from __future__ import annotations

from datetime import timezone

import pytest
import sqlalchemy as sa
from conftest import make_doc, sqlite_dump

from desktop_app.core.store import copying
from desktop_app.core.store.copying import copy_database
from desktop_app.core.errors import Conflict, MarginaliaError, NotFound
from desktop_app.core.document import SourceFile
from desktop_app.core.store.models import (
    claim_links, claim_tags, claims, document_sources, document_versions, documents, tags,
)
from desktop_app.core.store import Store

TABLES = (documents, document_versions, document_sources, tags, claims, claim_tags, claim_links)
ORIGINAL = b"%PDF-1.7\n\x00\xff bytes as read \xf0\x9f\xa6\x9c"
NOTE_WORD = "zebrafinch"  # in a live claim's note
DELETED_WORD = "quokka"  # only in a deleted claim's note


def rows_of(store: Store) -> dict[str, list[tuple]]:
    """Every row of every copied table, sorted by key, timestamps as UTC datetimes."""
    out = {}
    with store.snapshot(), store._tx(write=False) as conn:
        for t in TABLES:
            key = [t.c.id] if "id" in t.c else [t.c.claim_id, t.c.tag_id]
            rows = conn.execute(sa.select(t).order_by(*key)).all()
            for row in rows:
                for value in row:
                    if hasattr(value, "tzinfo"):
                        assert value.tzinfo is not None and value.utcoffset().total_seconds() == 0
            out[t.name] = [tuple(r) for r in rows]
    return out


def fill(store: Store) -> dict:
    """A project with everything a copy must keep: a tag with a parent (one whose
    parent has a higher id, too), claims with emoji, a deleted claim, an orphaned
    claim, a document with an earlier version, a binned document, links."""
    docs = sorted(store.list_documents(), key=lambda d: d.id)
    a, b = docs[0].id, docs[1].id
    parent = store.add_tag("Money 💰", color="#112233", description="pay 🦄")
    child = store.add_tag("Wages", parent_id=parent.id, keywords="pay, wage")
    late = store.add_tag("Late parent")
    store.update_tag(child.id, parent_id=late.id)  # parent numbered after its child
    store.update_tag(late.id, parent_id=parent.id)
    store.update_tag(parent.id, key=7)

    text_a = store.document_text(a)
    text_b = store.document_text(b)
    c1 = store.add_claim(a, 0, 20, [parent.id, child.id], note=f"first 🦜 {NOTE_WORD} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", status="disputed")
    c2 = store.add_claim(b, 0, 15, [child.id], note="second 👩‍🔬 note")
    c3 = store.add_claim(a, 30, 60, note=f"bin me {DELETED_WORD}")
    store.delete_claim(c3.id)
    store.add_link(c1.id, c2.id, "same", note="the same 🔗 figure")
    assert text_a and text_b

    emoji = store.add_document(make_doc("Emoji 🦜 text line one.\nA line that goes away.\n", "Emoji 🐙 doc"))
    keep = store.add_claim(emoji.id, 0, 10, note="kept 🐙")
    text = store.document_text(emoji.id)
    start = text.index("A line that goes away")
    gone = store.add_claim(emoji.id, start, start + len("A line that goes away"), note="orphan-to-be")
    new = make_doc("Emoji 🦜 text line one.\nSomething new 🌱.\n", "")
    new.pages = [0, 10]
    new.original = SourceFile(ORIGINAL, "application/pdf", "emoji 🦜.pdf", "", "2026-12-06T14:02:11Z")
    result = store.replace_document(emoji.id, new)
    assert result.orphaned == 1
    assert store.get_claim(gone.id).orphaned and not store.get_claim(keep.id).orphaned

    binned = store.add_document(make_doc("A binned document about walruses.\n", "Binned"))
    store.add_claim(binned.id, 2, 8, note="binned claim walrus")
    store.delete_document(binned.id, with_claims=True)
    return {"claim": c1.id, "deleted": c3.id, "orphan": gone.id, "emoji_doc": emoji.id}


def search_rows(store: Store) -> list[tuple[int, str]]:
    with store._tx(write=False) as conn:
        if store.is_team:
            return [tuple(r) for r in conn.execute(sa.text("SELECT key, body FROM search_index ORDER BY key"))]
        return [tuple(r) for r in conn.exec_driver_sql("SELECT rowid, body FROM search_index ORDER BY rowid")]


def raw_rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


@pytest.fixture
def source(store, store_target):
    """The seeded store, filled, on each backend in turn; and where it is."""
    made = fill(store)
    made["target"] = store_target
    return store, made


def test_file_to_file_copy_is_equal_row_for_row(source, tmp_path):
    src, made = source
    dest_path = tmp_path / "sub" / "copy.db"
    result = copy_database(made["target"], dest_path)
    before = rows_of(src)
    with Store.open(dest_path) as dest:
        after = rows_of(dest)
        assert after == before
        assert search_rows(dest) == search_rows(src)  # live documents and claims only
        assert [h.id for h in dest.search(NOTE_WORD)] == [made["claim"]]
        assert dest.search(DELETED_WORD) == [] and dest.search("walrus") == []
        assert dest.get_claim(made["orphan"]).orphaned
        assert dest.get_claim(made["deleted"]).deleted
        assert len(dest.document_versions(made["emoji_doc"])) == 1
        kept = dest.document_source(made["emoji_doc"])
        assert kept.data == ORIGINAL and kept.file_name == "emoji 🦜.pdf" and kept.version == 2
        assert dest.document_pages(made["emoji_doc"]) == [0, 10]
        assert dest.integrity_check() == "ok"
    assert result.counts == {t.name: len(before[t.name]) for t in TABLES}
    assert result.summary() == (
        f"Copied {len(before['documents'])} documents (1 earlier version, 1 source as read), {len(before['tags'])} tags, "
        f"{len(before['claims'])} claims, 1 link to {dest_path}"
    )
    assert sorted(p.name for p in dest_path.parent.iterdir()) == ["copy.db"]  # no temporary files left


def test_copy_keeps_unicode_outside_the_bmp(source, tmp_path):
    src, made = source
    copy_database(made["target"], tmp_path / "copy.db")
    with Store.open(tmp_path / "copy.db") as dest:
        assert dest.get_claim(made["claim"]).note == f"first 🦜 {NOTE_WORD} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
        assert "🌱" in dest.document_text(made["emoji_doc"])
        assert dest.get_tag(dest.resolve_tag("Money 💰")).description == "pay 🦄"


def test_file_to_team_database_and_back(source, pg_url, tmp_path):
    src, made = source
    before = rows_of(src)
    to_team = copy_database(made["target"], pg_url)
    assert to_team.counts["claims"] == len(before["claims"])
    assert to_team.destination.startswith("postgresql://") and ":" not in to_team.destination.split("@")[0][13:]
    with Store.open(pg_url) as team:
        assert rows_of(team) == before
        assert search_rows(team) == search_rows(src)
        assert [h.id for h in team.search(NOTE_WORD)] == [made["claim"]]
        assert team.search(DELETED_WORD) == []

    back = tmp_path / "back.db"
    copy_database(pg_url, back)
    with Store.open(back) as home:
        assert rows_of(home) == before
        assert search_rows(home) == search_rows(src)
        assert [h.id for h in home.search(NOTE_WORD)] == [made["claim"]]

    # the team database numbers new rows after the copied ones
    with Store.open(pg_url, annotator="teammate") as team:
        doc = team.add_document(make_doc("A new article from a teammate.\n", "New"))
        claim = team.add_claim(doc.id, 0, 5, note="new")
        tag = team.add_tag("Fresh")
        other = team.add_claim(made["emoji_doc"], 0, 5)
        link = team.add_link(claim.id, other.id, "cites")
        assert doc.id > max(r[0] for r in before["documents"])
        assert claim.id > max(r[0] for r in before["claims"])
        assert tag.id > max(r[0] for r in before["tags"])
        assert link.id > max(r[0] for r in before["claim_links"])
        team.replace_document(doc.id, make_doc("A newer article from a teammate.\n", ""))
        (version,) = rows_of(team)["document_versions"][-1:]
        assert version[0] > max(r[0] for r in before["document_versions"])


def test_copy_into_a_file_that_exists_is_refused(source, tmp_path):
    src, made = source
    other = tmp_path / "other.db"
    with Store.open(other) as s:
        s.add_tag("Mine")
    dump = sqlite_dump(other)
    with pytest.raises(Conflict, match="already holds a Marginalia project; copy only into a new file"):
        copy_database(made["target"], other)
    assert sqlite_dump(other) == dump

    stranger = tmp_path / "notes.txt"
    stranger.write_text("my notes")
    with pytest.raises(Conflict, match="already exists"):
        copy_database(made["target"], stranger)
    assert stranger.read_text() == "my notes"


def test_copy_into_a_team_database_with_data_is_refused(source, pg_url):
    src, made = source
    with Store.open(pg_url) as team:  # the default codebook and the sample articles
        team.add_tag("Ours")
        before = rows_of(team)
    log_before = raw_rows(pg_url, "SELECT * FROM change_log ORDER BY seq")
    with pytest.raises(Conflict, match="already holds a Marginalia project"):
        copy_database(made["target"], pg_url)
    assert raw_rows(pg_url, "SELECT * FROM change_log ORDER BY seq") == log_before  # not even opened to write
    with Store.open(pg_url) as team:
        assert rows_of(team) == before


def test_copy_into_a_team_database_of_another_program_is_refused(source, pg_url):
    src, made = source
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE inventory (id integer)")
        conn.exec_driver_sql("INSERT INTO inventory VALUES (1)")
    try:
        with pytest.raises(MarginaliaError, match="another program"):
            copy_database(made["target"], pg_url)
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {"inventory"}
    finally:
        engine.dispose()


def test_a_missing_source_is_refused_and_nothing_is_created(tmp_path, pg_url):
    missing = tmp_path / "nowhere.db"
    with pytest.raises(NotFound, match="does not exist"):
        copy_database(missing, tmp_path / "copy.db")
    assert list(tmp_path.iterdir()) == []

    with pytest.raises(NotFound, match="holds no Marginalia project"):
        copy_database(pg_url, tmp_path / "copy.db")
    assert list(tmp_path.iterdir()) == []
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []  # the empty source was not made a database
    finally:
        engine.dispose()


def test_a_failed_copy_leaves_no_file(source, tmp_path, monkeypatch):
    src, made = source
    real = copying._index

    def failing(dest, conn, table, batch, live):
        real(dest, conn, table, batch, live)
        if table is claims:
            raise Conflict("The disk is full.")

    monkeypatch.setattr(copying, "_index", failing)
    dest_dir = tmp_path / "out"
    dest_dir.mkdir()
    with pytest.raises(Conflict, match="disk is full"):
        copy_database(made["target"], dest_dir / "copy.db")
    assert list(dest_dir.iterdir()) == []


def test_a_failed_copy_leaves_the_team_database_empty_and_can_be_retried(source, pg_url, monkeypatch):
    src, made = source
    real = copying._index

    def failing(dest, conn, table, batch, live):
        real(dest, conn, table, batch, live)
        if table is claims:
            raise Conflict("The connection broke.")

    monkeypatch.setattr(copying, "_index", failing)
    with pytest.raises(Conflict, match="connection broke"):
        copy_database(made["target"], pg_url)
    with Store.open(pg_url, seed=False, codebook=False) as team:
        assert all(rows == [] for rows in rows_of(team).values())
        assert search_rows(team) == []

    monkeypatch.setattr(copying, "_index", real)
    copy_database(made["target"], pg_url)  # a team database with our tables and no rows counts as empty
    with Store.open(pg_url) as team:
        assert rows_of(team) == rows_of(src)


def test_small_batches_and_progress(source, tmp_path, monkeypatch):
    src, made = source
    monkeypatch.setattr(copying, "BATCH_ROWS", 2)
    seen = []
    copy_database(made["target"], tmp_path / "copy.db", progress=lambda t, done, total: seen.append((t, done, total)))
    with Store.open(tmp_path / "copy.db") as dest:
        assert rows_of(dest) == rows_of(src)
        assert search_rows(dest) == search_rows(src)
    claims_seen = [(d, t) for name, d, t in seen if name == "claims"]
    total = len(rows_of(src)["claims"])
    assert claims_seen[0] == (0, total) and claims_seen[-1] == (total, total) and len(claims_seen) > 2


def test_timestamps_survive_as_utc(source, pg_url):
    src, made = source
    copy_database(made["target"], pg_url)
    with Store.open(pg_url) as team:
        mine, theirs = src.get_claim(made["claim"]), team.get_claim(made["claim"])
        assert theirs.created_at == mine.created_at and theirs.created_at.tzinfo == timezone.utc
