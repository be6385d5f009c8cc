"""Links between claims of different sources: the store, the CSV exports and
the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ok, run_cli

from desktop_app.core.anchoring import anchor_quote
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.exchange.claims_csv import ExportOptions, export_csv
from desktop_app.core.exchange.links_csv import LINKS_HEADER, export_links_csv


def claim_on(store, doc_id: int, quote: str, tag: str = "salaries") -> int:
    a = anchor_quote(store.document_text(doc_id), quote)
    return store.add_claim(doc_id, a.start, a.end, [store.resolve_tag(tag)]).id


@pytest.fixture
def pair(store):
    first, second = (d.id for d in store.list_documents())
    a = claim_on(store, first, "Salaries for this profile range from $300,000 to $900,000 a year")
    b = claim_on(store, second, "it pays a whopping $900K")
    return store, a, b


def test_links_join_claims_of_different_documents(pair):
    store, a, b = pair
    link = store.add_link(a, b, "corroborates", note="same job ad")
    assert (link.source_id, link.target_id, link.relation, link.note) == (a, b, "corroborates", "same job ad")
    assert link.annotator == "tester" and link.created_at.tzinfo is not None
    assert store.list_links() == [link]
    assert store.list_links(claim_ids=[b]) == [link]
    uuid_a, uuid_b = store.get_claim(a).uuid, store.get_claim(b).uuid
    assert store.linked_claims() == {a: [(uuid_b, "corroborates")], b: [(uuid_a, "corroborated by")]}


def test_bad_links_are_refused_with_a_sentence(pair):
    store, a, b = pair
    first = store.get_claim(a).document_id
    same_doc = claim_on(store, first, "Netflix hires AI experts", "strikes")
    with pytest.raises(InvalidInput, match="different documents"):
        store.add_link(a, same_doc, "same")
    with pytest.raises(InvalidInput, match="itself"):
        store.add_link(a, a, "same")
    with pytest.raises(InvalidInput, match="not a relation"):
        store.add_link(a, b, "agrees")
    with pytest.raises(NotFound):
        store.add_link(a, 9999, "same")
    store.add_link(a, b, "same")
    with pytest.raises(Conflict, match="already linked"):
        store.add_link(b, a, "contradicts")  # either way round
    assert len(store.list_links()) == 1


def test_change_delete_and_restore(pair):
    store, a, b = pair
    link = store.add_link(a, b, "same")
    changed = store.update_link(link.id, relation="qualifies", note="partly")
    assert (changed.relation, changed.note) == ("qualifies", "partly")
    store.delete_link(link.id)
    assert store.list_links() == [] and store.get_link(link.id).deleted
    store.restore_link(link.id)
    assert [k.id for k in store.list_links()] == [link.id]
    # a link of a binned claim is not listed, and comes back with the claim
    store.delete_claim(b)
    assert store.list_links() == []
    store.restore_claim(b)
    assert len(store.list_links()) == 1
    # linking a pair whose link was deleted makes a fresh link
    store.delete_link(link.id)
    again = store.add_link(b, a, "contradicts")
    assert (again.source_id, again.relation) == (b, "contradicts") and len(store.list_links()) == 1


def test_links_survive_reopening(pair, store_target):
    from desktop_app.core.store import Store

    store, a, b = pair
    link = store.add_link(a, b, "cites", note="quoted")
    store.close()
    with Store.open(store_target) as again:
        assert again.list_links() == [link]


def test_csv_lists_the_linked_claims_and_links_export_on_their_own(pair):
    store, a, b = pair
    store.add_link(a, b, "corroborates", note="=1+1")
    out = io.StringIO()
    export_csv(store, out)
    rows = {r["claim_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    ua, ub = store.get_claim(a).uuid, store.get_claim(b).uuid
    assert rows[ua]["linked_claims"] == f"{ub} (corroborates)"
    assert rows[ub]["linked_claims"] == f"{ua} (corroborated by)"

    out = io.StringIO()
    assert export_links_csv(store, out) == 1
    reader = csv.reader(io.StringIO(out.getvalue()))
    assert next(reader) == list(LINKS_HEADER)
    row = dict(zip(LINKS_HEADER, next(reader), strict=True))
    assert (row["source_claim_id"], row["target_claim_id"], row["relation"]) == (ua, ub, "corroborates")
    assert row["note"] == "'=1+1"  # the formula guard applies here too
    assert row["target_quote"] == "it pays a whopping $900K"
    out = io.StringIO()
    export_links_csv(store, out, ExportOptions(formula_guard=False))
    assert "=1+1" in out.getvalue() and "'=1+1" not in out.getvalue()
    # filtered by a tag neither claim has: no link
    out = io.StringIO()
    assert export_links_csv(store, out, ExportOptions(tag_ids=[store.resolve_tag("deepfakes")])) == 0


def test_command_line_links(store_target, tmp_path):
    first = ok(run_cli("claim", "add", "1", "--quote", "Salaries for this profile range", "--tag", "salaries",
                       "--json", db=store_target))
    second = ok(run_cli("claim", "add", "2", "--quote", "it pays a whopping $900K", "--tag", "salaries",
                        "--json", db=store_target))
    a, b = json.loads(first)["id"], json.loads(second)["id"]
    link_line = ok(run_cli("link", str(a), str(b), "--relation", "corroborates", "--note", "same ad", db=store_target))
    link_id = int(link_line.split("\t")[0])
    listed = json.loads(ok(run_cli("links", "--json", db=store_target)))
    assert [(k["source_claim_id"], k["target_claim_id"], k["relation"], k["note"]) for k in listed] == [
        (a, b, "corroborates", "same ad")
    ]
    again = run_cli("link", str(b), str(a), db=store_target)
    assert again.returncode != 0 and "already linked" in again.stderr.decode()
    assert len(again.stderr.decode().strip().splitlines()) == 1
    target = tmp_path / "links.csv"
    ok(run_cli("export", "--format", "links-csv", "-o", str(target), db=store_target))
    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert rows[0] == list(LINKS_HEADER) and len(rows) == 2
    ok(run_cli("unlink", str(link_id), db=store_target))
    assert json.loads(ok(run_cli("links", "--json", db=store_target))) == []


def test_links_whose_figures_differ_are_flagged_on_the_command_line(store_target):
    def claim(doc: str, quote: str) -> int:
        return json.loads(ok(run_cli("claim", "add", doc, "--quote", quote, "--tag", "salaries", "--json",
                                     db=store_target)))["id"]

    a = claim("1", "Salaries for this profile range from $300,000 to $900,000 a year")
    b = claim("2", "It’s also hiring a $650K AI technical director role")
    c = claim("2", "it pays a whopping $900K")
    ok(run_cli("link", str(a), str(b), "--relation", "corroborates", db=store_target))
    other_doc = claim("1", "This role brings in up to $650,000 annually")
    ok(run_cli("link", str(other_doc), str(b), "--relation", "same", db=store_target))
    listed = {(k["source_claim_id"], k["target_claim_id"]): k for k in json.loads(ok(run_cli("links", "--json", db=store_target)))}
    assert "$650K" in " ".join(listed[(a, b)]["figures_differ"])  # $300,000 / $900,000 vs $650K
    assert listed[(other_doc, b)]["figures_differ"] == []  # $650,000 and $650K are the same figure
    plain = ok(run_cli("links", db=store_target))
    assert plain.count("figures differ") == 1
    assert c  # a third claim on the page changes nothing


def test_a_removed_link_stays_restorable_after_the_pair_is_linked_again(pair):
    """Linking a pair again makes a new link; the removed one keeps its
    relation, direction and note, and comes back once the new one is gone."""
    store, a, b = pair
    old = store.add_link(a, b, "contradicts", note="same job ad")
    store.delete_link(old.id)
    new = store.add_link(b, a, "qualifies")
    assert new.id != old.id
    kept = store.get_link(old.id)
    assert (kept.source_id, kept.target_id, kept.relation, kept.note, kept.uuid, kept.deleted) == (
        a, b, "contradicts", "same job ad", old.uuid, True)
    # while the new link is live, the old one cannot come back beside it
    with pytest.raises(Conflict, match="linked again"):
        store.restore_link(old.id)
    assert [k.id for k in store.list_links()] == [new.id]
    store.delete_link(new.id)
    back = store.restore_link(old.id)
    assert (back.id, back.source_id, back.target_id, back.relation, back.note) == (
        old.id, a, b, "contradicts", "same job ad")
    assert store.list_links() == [back]
    # and the same direction again, after another removal: a third row, both old ones kept
    store.delete_link(old.id)
    third = store.add_link(a, b, "same", note="again")
    assert len({old.id, new.id, third.id}) == 3
    assert [k.id for k in store.list_links()] == [third.id]
    assert store.get_link(new.id).relation == "qualifies" and store.get_link(old.id).relation == "contradicts"


def test_a_removed_link_keeps_its_id_while_other_links_are_made(pair):
    """The id a removal step holds still names that link after other links
    were made and the pair was linked again (no "There is no link")."""
    store, a, b = pair
    doc_b = store.get_claim(b).document_id
    c = claim_on(store, doc_b, "The Intercept has reported", "deepfakes")
    old = store.add_link(a, b, "contradicts", note="same job ad")
    store.delete_link(old.id)
    other = store.add_link(a, c, "cites")
    again = store.add_link(a, b, "corroborates")
    store.delete_link(again.id)
    back = store.restore_link(old.id)
    assert (back.relation, back.note, back.source_id) == ("contradicts", "same job ad", a)
    assert {k.id for k in store.list_links()} == {old.id, other.id}
