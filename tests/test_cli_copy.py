"""``marginalia copy --from DB --to DB`` in subprocesses: a file to a team
database and back, and the refusals."""

from __future__ import annotations

import sqlalchemy as sa
from conftest import fails, ok, run_cli, sqlite_dump

from desktop_app.core.store.models import claim_links, claim_tags, claims, document_versions, documents, tags
from desktop_app.core.store import Store

TABLES = (documents, document_versions, tags, claims, claim_tags, claim_links)


def rows_of(target) -> dict[str, list[tuple]]:
    with Store.open(target) as store, store._tx(write=False) as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(
                sa.select(t).order_by(*([t.c.id] if "id" in t.c else [t.c.claim_id, t.c.tag_id]))
            )]
            for t in TABLES
        }


def project(db_path):
    """The sample articles with two linked claims, one with an emoji note, and a deleted one."""
    with Store.open(db_path, annotator="alone") as store:
        a, b = sorted(d.id for d in store.list_documents())
        tag = store.resolve_tag("salaries")
        c1 = store.add_claim(a, 0, 20, [tag], note="pay 🦜 kingfisher")
        c2 = store.add_claim(b, 0, 15, [tag])
        store.add_link(c1.id, c2.id, "same")
        gone = store.add_claim(b, 20, 30, note="pelican")
        store.delete_claim(gone.id)
    return c1.id


def test_copy_to_a_team_database_and_back(db_path, pg_url, tmp_path):
    claim_id = project(db_path)
    before = rows_of(db_path)

    out = ok(run_cli("copy", "--from", str(db_path), "--to", pg_url))
    assert out == f"Copied 2 documents, 3 tags, 3 claims, 1 link to {pg_url}\n"
    assert rows_of(pg_url) == before

    back = tmp_path / "home" / "back.db"
    out = ok(run_cli("copy", "--from", pg_url, "--to", str(back)))
    assert out == f"Copied 2 documents, 3 tags, 3 claims, 1 link to {back}\n"
    assert rows_of(back) == before

    found = ok(run_cli("search", "kingfisher", db=back))
    assert found.startswith(f"claim\t{claim_id}\t")
    assert ok(run_cli("--db", pg_url, "search", "pelican")) == ""  # the deleted claim is not searchable


def test_copy_refuses_a_destination_with_a_project(db_path, tmp_path):
    project(db_path)
    other = tmp_path / "other.db"
    ok(run_cli("docs", db=other))  # creates it with the sample articles
    dump = sqlite_dump(other)
    fails(run_cli("copy", "--from", str(db_path), "--to", str(other)), "already holds a Marginalia project")
    assert sqlite_dump(other) == dump


def test_copy_refuses_a_missing_source(tmp_path):
    fails(run_cli("copy", "--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "copy.db")), "does not exist")
    assert not (tmp_path / "copy.db").exists()


def test_copy_wrong_arguments_are_one_sentence(db_path, tmp_path):
    fails(run_cli("copy", "--from", str(db_path)), "--to")
    fails(run_cli("copy", "--to", str(tmp_path / "x.db")), "--from")
    fails(run_cli("copy", "--from", "", "--to", str(tmp_path / "x.db")), "--from and --to")
    fails(run_cli("copy", "--from", "postgresql://", "--to", str(tmp_path / "x.db")), "names no database")
    assert not (tmp_path / "x.db").exists()
