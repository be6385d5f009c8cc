"""The store on real SQLite files: seeds, round trips, tags, claims, bin, versions,
search, transactions and the connection settings."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from desktop_app.core import paths
from desktop_app.core.document import canonicalize
from desktop_app.core.errors import Conflict, InvalidInput, NotFound
from desktop_app.core.store import Store
from conftest import make_doc


def span(text: str, quote: str, nth: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(nth):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def parents_are_acyclic(store: Store) -> bool:
    by_id = {t.id: t.parent_id for t in store.list_tags()}
    for start in by_id:
        seen, current = set(), start
        while current is not None:
            if current in seen:
                return False
            seen.add(current)
            current = by_id.get(current)
    return True


# ----------------------------------------------------------------- new files
def test_new_database_has_the_sample_articles_and_the_default_codebook(store, db_path):
    seeds = sorted(paths.seeds_dir().glob("*.md"))
    assert len(seeds) == 2
    expected = {}
    for path in seeds:
        front = path.read_text(encoding="utf-8").split("---")[1]
        meta = yaml.safe_load(front)
        expected[str(meta["title"])] = str(meta.get("published", ""))

    docs = store.list_documents()
    assert {d.title: d.published for d in docs} == expected
    assert "2023-08-01" in expected.values()
    for d in docs:
        text = store.document_text(d.id)
        assert not text.startswith("---") and "title:" not in text[:200]
        assert d.char_count == len(text) and d.claim_count == 0
        assert d.imported_at.tzinfo is not None
        assert d.original_name.endswith(".md")

    tags = store.list_tags()
    assert [(t.name, t.key) for t in tags] == [("deepfakes", 1), ("salaries", 2), ("strikes", 3)]
    assert len({t.color.upper() for t in tags}) == 3
    assert all(t.description and t.parent_id is None for t in tags)
    assert store.count_claims() == 0
    assert store.integrity_check() == "ok"


def test_empty_store_has_the_codebook_but_no_documents(empty_store):
    assert empty_store.list_documents() == []
    assert [t.name for t in empty_store.list_tags()] == ["deepfakes", "salaries", "strikes"]


def test_everything_survives_close_and_reopen(store_target):
    text = "Première ligne 👩🏽‍💻 with e\u0301 combining.\n\tשלום עולם\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 at the end"
    with Store.open(store_target, seed=False, annotator="ana") as s:
        doc = s.add_document(
            make_doc(text, "Título ✓", author="A. Writer", outlet="Outlet", source_url="https://x.example/a",
                     published="2024-02-29"),
            original_name="src.md",
        )
        parent = s.add_tag("Labour", color="teal", key=7, description="about work")
        child = s.add_tag("Pay 💶", color="#abcdef", parent_id=parent.id)
        start, end = span(s.document_text(doc.id), "👩🏽‍💻 with")
        claim = s.add_claim(doc.id, start, end, [child.id, parent.id], note="note ✎\nline 2", status="Disputed")
        other = s.add_claim(doc.id, 0, 3, [], annotator="bob")
        stored_text = s.document_text(doc.id)
    if isinstance(store_target, Path):  # a file closes clean, without its write-ahead log
        assert not Path(str(store_target) + "-wal").exists()

    with Store.open(store_target, annotator="someone else") as s:
        assert s.document_text(doc.id) == stored_text == canonicalize(text)
        d = s.get_document(doc.id)
        assert (d.title, d.author, d.outlet, d.source_url, d.published, d.original_name) == (
            "Título ✓", "A. Writer", "Outlet", "https://x.example/a", "2024-02-29", "src.md")
        assert d.claim_count == 2
        c = s.get_claim(claim.id)
        assert c == claim
        assert c.status == "disputed" and c.annotator == "ana" and c.note == "note ✎\nline 2"
        assert c.tag_ids == tuple(sorted((child.id, parent.id)))
        assert c.created_at.tzinfo is not None and c.created_at.utcoffset().total_seconds() == 0
        assert c.created_at == c.updated_at
        assert stored_text[c.start : c.end] == c.quote == "👩🏽‍💻 with"
        assert s.get_claim(other.id).annotator == "bob"
        assert s.get_tag(child.id).parent_id == parent.id
        assert s.get_tag(parent.id).color == "#2BA7A0" and s.get_tag(parent.id).key == 7
        assert s.resolve_claim(claim.uuid) == claim.id
        assert s.resolve_claim(claim.uuid[-8:]) == claim.id
        restructured = s.load_document(doc.id)
        restructured.check()
        assert restructured.text == stored_text


def test_overlapping_and_multi_tag_claims(empty_store):
    s = empty_store
    text = "Studios offered AI protections that the guild called inadequate."
    doc = s.add_document(make_doc(text))
    deep, pay, strike = (s.resolve_tag(n) for n in ("deepfakes", "salaries", "strikes"))
    a = s.add_claim(doc.id, *span(text, "Studios offered AI protections"), [deep, strike])
    b = s.add_claim(doc.id, *span(text, "AI protections that the guild"), [pay])
    c = s.add_claim(doc.id, *span(text, "AI protections that the guild"), [deep])  # same span twice
    d = s.add_claim(doc.id, *span(text, "protections"), [deep, deep, strike])  # inside both, duplicate tag id
    assert d.tag_ids == tuple(sorted((deep, strike)))
    for claim in (a, b, c, d):
        assert text[claim.start : claim.end] == claim.quote
    assert len({a.uuid, b.uuid, c.uuid, d.uuid}) == 4

    ordered = s.claims_for_document(doc.id)
    assert [x.id for x in ordered] == [a.id, b.id, c.id, d.id]
    assert [x.start for x in ordered] == sorted(x.start for x in ordered)
    any_of = s.list_claims(tag_ids=[pay, strike])
    assert [x.id for x in any_of] == [a.id, b.id, d.id]  # each claim once, even with both tags
    assert [x.id for x in s.list_claims(tag_ids=[deep], statuses=["unverified"])] == [a.id, c.id, d.id]
    counts = {t.name: t.claim_count for t in s.list_tags()}
    assert counts == {"deepfakes": 3, "salaries": 1, "strikes": 2}


def test_bad_claims_are_refused_and_leave_nothing(empty_store, raw_sql):
    s = empty_store
    doc = s.add_document(make_doc("short text"))
    before = s.count_claims()
    for args, error in (
        ((doc.id, 3, 3, []), InvalidInput),  # empty
        ((doc.id, 5, 2, []), InvalidInput),  # reversed
        ((doc.id, 0, 11, []), InvalidInput),  # past the end
        ((doc.id, -1, 2, []), InvalidInput),
        ((doc.id, 0, 2, [999]), NotFound),  # unknown tag
        ((999, 0, 2, []), NotFound),  # unknown document
    ):
        with pytest.raises(error):
            s.add_claim(*args)
    with pytest.raises(InvalidInput):
        s.add_claim(doc.id, 0, 2, [], status="maybe")
    assert s.count_claims() == before == 0
    assert raw_sql("SELECT count(*) FROM claims") == [(0,)]
    assert raw_sql("SELECT count(*) FROM claim_tags") == [(0,)]


# --------------------------------------------------------------------- tags
def test_tag_names_are_unique_regardless_of_case_and_spacing(empty_store):
    s = empty_store
    for name in ("Deepfakes", "DEEPFAKES", "  deepfakes ", "deepfakes\t"):
        with pytest.raises(Conflict, match="deepfakes"):
            s.add_tag(name)
    s.add_tag("Straße")
    with pytest.raises(Conflict):
        s.add_tag("STRASSE")  # casefold, not lower
    s.add_tag("two  words")
    with pytest.raises(Conflict):
        s.add_tag("Two Words")
    assert s.resolve_tag("TWO    WORDS") == s.resolve_tag("two words")
    for bad in ("", "   ", "a;b", "x" * 201):
        with pytest.raises(InvalidInput):
            s.add_tag(bad)
    # Renaming a tag to another case of its own name is fine; to another tag's name is not.
    deep = s.resolve_tag("deepfakes")
    assert s.rename_tag(deep, "DeepFakes").name == "DeepFakes"
    with pytest.raises(Conflict):
        s.rename_tag(deep, "salaries")
    with pytest.raises(Conflict):
        s.rename_tag(s.resolve_tag("strikes"), "DEEPFAKES")
    assert s.get_tag(deep).name == "DeepFakes"
    assert [t.name for t in s.list_tags()].count("DeepFakes") == 1


def test_tag_keys_are_unique_and_one_to_nine(empty_store):
    s = empty_store
    with pytest.raises(Conflict, match="deepfakes"):
        s.add_tag("new", key=1)
    with pytest.raises(Conflict):
        s.add_tag("new", key="2")
    for bad in (0, 10, "x", "1.5", -3):
        with pytest.raises(InvalidInput):
            s.add_tag("new", key=bad)
    t = s.add_tag("new", key=" 9 ")
    assert t.key == 9
    with pytest.raises(Conflict):
        s.update_tag(s.resolve_tag("salaries"), key=9)
    s.update_tag(t.id, key=None)  # free the key
    assert s.update_tag(s.resolve_tag("salaries"), key=9).key == 9
    assert s.update_tag(s.resolve_tag("salaries"), key=9).key == 9  # its own key again is fine
    assert "new" in {x.name for x in s.list_tags()}


def test_add_recolour_and_parent_rules(empty_store):
    s = empty_store
    used = {t.color for t in s.list_tags()}
    t = s.add_tag("auto")
    assert t.color not in used  # a colour not taken yet
    assert s.recolor_tag(t.id, "abcdef").color == "#ABCDEF"
    assert s.recolor_tag(t.id, "Blue").color.startswith("#")
    for bad in ("#12345", "#GGGGGG", "rgb(1,2,3)", "", "#1234567"):
        with pytest.raises(InvalidInput):
            s.recolor_tag(t.id, bad)
    with pytest.raises(InvalidInput):
        s.add_tag("bad colour", color="not-a-colour")
    assert "bad colour" not in {x.name for x in s.list_tags()}
    child = s.add_tag("child", parent_id=t.id)
    grandchild = s.add_tag("grandchild", parent_id=child.id)
    with pytest.raises(InvalidInput):
        s.update_tag(t.id, parent_id=grandchild.id)
    with pytest.raises(InvalidInput):
        s.update_tag(t.id, parent_id=t.id)
    with pytest.raises(NotFound):
        s.add_tag("orphan", parent_id=999)
    with pytest.raises(InvalidInput):
        s.update_tag(t.id, colour="#000000")
    with pytest.raises(NotFound):
        s.rename_tag(999, "ghost")
    assert parents_are_acyclic(s)


@pytest.fixture
def tagged(empty_store):
    """Tags A (with sub-tag A1), B; claims c1 (A), c2 (A, B), c3 (B), c4 (A1, in the bin)."""
    s = empty_store
    text = "one two three four five six"
    doc = s.add_document(make_doc(text))
    a = s.add_tag("A", key=5, color="#111111", description="tag a")
    a1 = s.add_tag("A1", parent_id=a.id)
    b = s.add_tag("B")
    c1 = s.add_claim(doc.id, 0, 3, [a.id])
    c2 = s.add_claim(doc.id, 4, 7, [a.id, b.id])
    c3 = s.add_claim(doc.id, 8, 13, [b.id])
    c4 = s.add_claim(doc.id, 14, 18, [a1.id, a.id])
    s.delete_claim(c4.id)
    return s, a, a1, b, (c1, c2, c3, c4)


def test_merge_and_unmerge(tagged):
    s, a, a1, b, (c1, c2, c3, c4) = tagged
    record = s.merge_tags(a.id, b.id)
    assert a.id not in {t.id for t in s.list_tags()}
    assert s.get_claim(c1.id).tag_ids == (b.id,)
    assert s.get_claim(c2.id).tag_ids == (b.id,)
    assert s.get_claim(c4.id).tag_ids == tuple(sorted((a1.id, b.id)))  # binned claims move too
    assert s.get_tag(a1.id).parent_id == b.id
    assert s.get_claim(c1.id).version == c1.version + 1
    assert s.get_claim(c3.id).version == c3.version  # untouched
    assert s.get_tag(b.id).claim_count == 3
    s.add_tag("reuses the key", key=6)  # key 5 is free again
    with pytest.raises(NotFound):
        s.resolve_tag("A")

    restored = s.unmerge_tags(record)
    assert (restored.id, restored.uuid, restored.name, restored.color, restored.key, restored.description) == (
        a.id, a.uuid, "A", "#111111", 5, "tag a")
    assert s.get_claim(c1.id).tag_ids == (a.id,)
    assert s.get_claim(c2.id).tag_ids == tuple(sorted((a.id, b.id)))
    assert s.get_claim(c3.id).tag_ids == (b.id,)
    assert s.get_claim(c4.id).tag_ids == tuple(sorted((a1.id, a.id)))
    assert s.get_tag(a1.id).parent_id == a.id
    assert s.get_tag(b.id).claim_count == 2

    with pytest.raises(InvalidInput):
        s.merge_tags(a.id, a.id)
    with pytest.raises(NotFound):
        s.merge_tags(a.id, 999)
    assert s.get_tag(a.id).claim_count == 2


def test_merge_into_own_sub_tag_leaves_no_cycle_and_undoes(empty_store):
    s = empty_store
    top = s.add_tag("top")
    a = s.add_tag("A", parent_id=top.id)
    b = s.add_tag("B", parent_id=a.id)
    c = s.add_tag("C", parent_id=b.id)
    side = s.add_tag("side", parent_id=a.id)
    doc = s.add_document(make_doc("some words here"))
    claim = s.add_claim(doc.id, 0, 4, [a.id])

    record = s.merge_tags(a.id, c.id)  # into a grandchild
    assert parents_are_acyclic(s)
    assert s.get_claim(claim.id).tag_ids == (c.id,)
    assert s.get_tag(side.id).parent_id == c.id
    s.unmerge_tags(record)
    assert {t.name: t.parent_id for t in s.list_tags() if t.name in "A B C side top"} == {
        "top": None, "A": top.id, "B": a.id, "C": b.id, "side": a.id}

    record = s.merge_tags(a.id, b.id)  # into a direct child
    assert parents_are_acyclic(s)
    assert s.get_tag(b.id).parent_id == top.id
    s.unmerge_tags(record)
    assert s.get_tag(b.id).parent_id == a.id
    assert parents_are_acyclic(s)


def test_remove_needs_a_choice_and_restores(tagged):
    s, a, a1, b, (c1, c2, c3, c4) = tagged
    with pytest.raises(Conflict, match="merge"):
        s.remove_tag(a.id)
    assert s.get_claim(c1.id).tag_ids == (a.id,)  # nothing changed

    removed = s.remove_tag(a.id, untag=True)
    assert set(removed.claim_ids) == {c1.id, c2.id, c4.id}
    assert s.get_claim(c1.id).tag_ids == ()
    assert s.get_claim(c2.id).tag_ids == (b.id,)
    assert s.get_tag(a1.id).parent_id is None  # sub-tag moves up to A's parent
    with pytest.raises(NotFound):
        s.get_tag(a.id)

    restored = s.restore_tag(removed)
    assert (restored.id, restored.uuid, restored.key) == (a.id, a.uuid, 5)
    assert s.get_claim(c1.id).tag_ids == (a.id,)
    assert s.get_claim(c2.id).tag_ids == tuple(sorted((a.id, b.id)))
    assert s.get_claim(c4.id).tag_ids == tuple(sorted((a.id, a1.id)))
    assert s.get_tag(a1.id).parent_id == a.id

    unused = s.add_tag("unused")
    removed = s.remove_tag(unused.id)  # no claims: no choice needed
    assert removed.claim_ids == ()


def test_restore_after_name_or_id_was_taken(tagged):
    s, a, a1, b, claims = tagged
    removed = s.remove_tag(b.id, untag=True)  # B has the highest id
    newcomer = s.add_tag("newcomer")  # SQLite may hand B's id to it
    restored = s.restore_tag(removed)
    assert restored.name == "B" and restored.uuid == b.uuid
    assert s.get_tag(newcomer.id).name == "newcomer"
    assert {c.id for c in s.list_claims(tag_ids=[restored.id])} == {claims[1].id, claims[2].id}

    removed = s.remove_tag(restored.id, untag=True)
    s.add_tag("b")  # the name, in another case
    with pytest.raises(Conflict):
        s.restore_tag(removed)
    assert s.list_claims(tag_ids=[removed.tag.id]) == []


# ------------------------------------------------------------ claims, the bin
def test_claim_delete_and_restore(empty_store):
    s = empty_store
    text = "Actors fear digital replicas of themselves."
    doc = s.add_document(make_doc(text))
    deep = s.resolve_tag("deepfakes")
    claim = s.add_claim(doc.id, *span(text, "digital replicas"), [deep], note="check the contract")
    assert {(h.kind, h.id) for h in s.search("replicas")} == {("claim", claim.id), ("document", doc.id)}

    gone = s.delete_claim(claim.id)
    assert gone.id == claim.id
    assert s.list_claims() == [] and s.count_claims() == 0
    assert s.get_claim(claim.id).deleted
    assert s.get_tag(deep).claim_count == 0
    assert s.get_document(doc.id).claim_count == 0
    assert {h.kind for h in s.search("contract")} == set()
    assert [c.id for c in s.list_claims(include_deleted=True)] == [claim.id]

    back = s.restore_claim(claim.id)
    assert not back.deleted
    assert (back.uuid, back.tag_ids, back.note, back.quote) == (claim.uuid, claim.tag_ids, claim.note, claim.quote)
    assert [h.id for h in s.search("contract")] == [claim.id]
    with pytest.raises(NotFound):
        s.restore_claim(999)
    with pytest.raises(NotFound):
        s.delete_claim(999)


def test_document_delete_never_cascades_silently(empty_store):
    s = empty_store
    text = "Studios and unions disagree about AI."
    doc = s.add_document(make_doc(text, "With claims"))
    plain = s.add_document(make_doc("nothing marked here", "No claims"))
    claim = s.add_claim(doc.id, *span(text, "unions"), [s.resolve_tag("strikes")])

    with pytest.raises(Conflict, match="claims"):
        s.delete_document(doc.id)
    assert [d.id for d in s.list_documents()] == [doc.id, plain.id]
    assert s.count_claims() == 1

    s.delete_document(plain.id)
    s.delete_document(doc.id, with_claims=True)
    assert s.list_documents() == []
    assert s.list_claims() == [] and s.count_claims() == 0
    assert s.get_tag(s.resolve_tag("strikes")).claim_count == 0
    assert s.search("unions") == [] and s.search("nothing") == []
    with pytest.raises(NotFound):
        s.resolve_document("With claims")
    with pytest.raises(NotFound):
        s.add_claim(doc.id, 0, 3)
    with pytest.raises(NotFound):
        s.delete_document(doc.id)  # already in the bin
    assert {d.id for d in s.list_documents(include_deleted=True)} == {doc.id, plain.id}

    s.restore_document(doc.id)
    assert [c.id for c in s.list_claims()] == [claim.id]
    assert s.get_document(doc.id).claim_count == 1
    assert {h.kind for h in s.search("unions")} == {"document", "claim"}
    with pytest.raises(NotFound):
        s.restore_document(999)


def test_replace_document_re_anchors_claims_keeps_orphans_and_can_be_undone(empty_store):
    s = empty_store
    text = "First line stays.\nSecond line changes."
    doc = s.add_document(make_doc(text, "Versions"))
    kept = s.add_claim(doc.id, *span(text, "First line"))
    binned = s.add_claim(doc.id, *span(text, "Second line changes"))
    s.delete_claim(binned.id)

    new_text = "First line stays.\nA different line, longer."
    result = s.replace_document(doc.id, make_doc(new_text, ""))
    assert result.document.title == "Versions"  # the title the user knows stays
    assert (result.unchanged, result.orphaned) == (1, 1)
    assert s.document_text(doc.id) == new_text
    assert s.get_claim(kept.id).suffix == new_text[kept.end : kept.end + 32]
    # The binned claim's quote is gone: it is orphaned, kept, and can come back as an orphan.
    restored = s.restore_claim(binned.id)
    assert restored.orphaned and restored.quote == "Second line changes"
    assert [c.id for c in s.list_orphans()] == [binned.id]
    assert binned.id not in [c.id for c in s.claims_for_document(doc.id)]
    for c in s.list_claims():
        if not c.orphaned:
            assert new_text[c.start : c.end] == c.quote
    # The old text is kept as version 1.
    assert [(v, t) for v, _, t in s.document_versions(doc.id)] == [(1, text)]
    assert s.get_document(doc.id).version == 2

    # Re-attaching the orphan by selecting new text.
    start, end = span(new_text, "A different line")
    again = s.reattach_claim(binned.id, start, end)
    assert not again.orphaned and again.quote == "A different line" and again.version > restored.version
    s.restore_claim_anchor(restored)
    assert s.get_claim(binned.id).orphaned

    # A text with none of the quotes orphans everything and drops nothing; undo puts it all back.
    before = {c.id: (c.start, c.end, c.quote, c.orphaned) for c in s.list_claims(include_deleted=True)}
    result = s.replace_document(doc.id, make_doc("Totally new text.", "x"))
    assert result.orphaned == 2 and len(s.list_claims()) == 2
    s.undo_replace(result)
    assert s.document_text(doc.id) == new_text
    assert {c.id: (c.start, c.end, c.quote, c.orphaned) for c in s.list_claims(include_deleted=True)} == before
    assert s.get_document(doc.id).version == 2


def test_a_replacement_redone_puts_claims_back_exactly_even_those_made_on_the_new_text(empty_store):
    """Replace, make a claim on the new text, undo both, redo both: the
    claim is where it was made, not placed again as if it were on the old
    text (the emoji it quotes is in the text more than once)."""
    s = empty_store
    text = "Faces 😀 here.\nMore faces 😀😀 there."
    doc = s.add_document(make_doc(text, "Emoji"))
    first = s.add_claim(doc.id, *span(text, "😀", 2))
    new_text = "Added 😀 on top.\n" + text
    result = s.replace_document(doc.id, make_doc(new_text, ""))
    placed = {c.id: (c.start, c.end, c.orphaned) for c in s.list_claims(include_deleted=True)}
    made = s.add_claim(doc.id, *span(new_text, "😀", 3))
    assert new_text[made.start:made.end] == "😀"
    s.delete_claim(made.id)  # undo the claim ...
    s.undo_replace(result)  # ... and the replacement
    assert s.document_text(doc.id) == text
    again = s.replace_document(doc.id, make_doc(new_text, ""), again=result)  # redo both
    restored = s.restore_claim(made.id)
    assert (restored.start, restored.end, restored.quote) == (made.start, made.end, "😀")
    assert {c.id: (c.start, c.end, c.orphaned) for c in s.list_claims() if c.id != made.id} == placed
    assert (again.unchanged, again.moved, again.changed, again.orphaned) == (
        result.unchanged, result.moved, result.changed, result.orphaned)
    # and undoing the redone replacement is exact too
    s.delete_claim(made.id)
    s.undo_replace(again)
    assert s.document_text(doc.id) == text and s.get_claim(first.id).start == first.start


# ----------------------------------------------------------------- versions
def test_every_change_bumps_the_version_and_stale_versions_conflict(empty_store):
    s = empty_store
    doc = s.add_document(make_doc("a claim to edit"))
    claim = s.add_claim(doc.id, 2, 7)
    assert claim.version == 1

    v2 = s.set_claim_note(claim.id, "first", expected_version=1)
    assert v2.version == 2 and v2.note == "first" and v2.updated_at >= claim.updated_at
    assert v2.created_at == claim.created_at
    with pytest.raises(Conflict):
        s.set_claim_note(claim.id, "stale", expected_version=1)
    with pytest.raises(Conflict):
        s.set_claim_status(claim.id, "refuted", expected_version=1)
    with pytest.raises(Conflict):
        s.set_claim_tags(claim.id, [s.resolve_tag("salaries")], expected_version=1)
    now = s.get_claim(claim.id)
    assert (now.version, now.note, now.status, now.tag_ids) == (2, "first", "unverified", ())

    v3 = s.set_claim_status(claim.id, "SUPPORTED", expected_version=2)
    v4 = s.set_claim_tags(claim.id, [s.resolve_tag("salaries")], expected_version=3)
    v5 = s.set_claim_note(claim.id, "no check")
    assert (v3.version, v4.version, v5.version) == (3, 4, 5)
    assert v5.status == "supported" and v5.tag_ids == (s.resolve_tag("salaries"),)
    with pytest.raises(InvalidInput):
        s.set_claim_status(claim.id, "true")
    with pytest.raises(NotFound):
        s.set_claim_tags(claim.id, [999])
    with pytest.raises(NotFound):
        s.set_claim_note(999, "x")
    assert s.get_claim(claim.id).version == 5


# ------------------------------------------------------------------- search
HOSTILE = ['"', '""', "AND OR NOT", "AND", "NOT x", "*", "(", ")", "a)", "NEAR(a b)", "x:y", "body:x", "^", "-",
           "'", "\\", "a AND", "OR OR", "{a}", "[", "😀", "\x00", "%", "_", "", "   ", "* *", '"unclosed', "a*b*"]


def test_search_documents_claims_notes_diacritics_and_prefixes(empty_store):
    s = empty_store
    d1 = s.add_document(make_doc("Le café de Zürich était fermé.\nStreaming services grow.", "Crème brûlée"))
    d2 = s.add_document(make_doc("Nothing about coffee here. Netflix posted a job.", "Jobs"))
    claim = s.add_claim(d2.id, *span(s.document_text(d2.id), "Netflix posted"), note="salary of $900K quoted")

    assert {(h.kind, h.id) for h in s.search("cafe")} == {("document", d1.id)}
    assert {(h.kind, h.id) for h in s.search("ZURICH etait")} == {("document", d1.id)}
    assert {(h.kind, h.id) for h in s.search("creme")} == {("document", d1.id)}  # titles too
    assert {(h.kind, h.id) for h in s.search("stream*")} == {("document", d1.id)}
    assert {(h.kind, h.id) for h in s.search("Netfl*")} == {("document", d2.id), ("claim", claim.id)}
    assert {(h.kind, h.id) for h in s.search("salary")} == {("claim", claim.id)}
    assert s.search("salary Zürich") == []  # every word must match
    assert {h.kind for h in s.search('"posted a job"')} == {"document"}
    assert s.search('"job a posted"') == []
    hit = s.search("salary")[0]
    assert hit.document_id == d2.id and hit.title == "Jobs" and "[" in hit.snippet

    s.set_claim_note(claim.id, "pay figure")
    assert s.search("salary") == []
    assert [h.id for h in s.search("figure")] == [claim.id]

    for q in HOSTILE:
        if q == "a*b*":  # one-letter prefixes would merge the entries of every word: refused in one sentence
            with pytest.raises(InvalidInput, match="too short a prefix"):
                s.search(q)
            continue
        assert isinstance(s.search(q), list), q
    assert {h.id for h in s.search("AND OR NOT")} == set()


def test_search_limit(empty_store):
    s = empty_store
    doc = s.add_document(make_doc("\n".join(f"strike line {i}" for i in range(30))))
    s.add_claims_bulk(doc.id, [(0, 6)] * 30)
    assert len(s.search("strike", limit=5)) == 5
    assert len(s.search("strike", limit=100)) == 31


def test_binned_documents_do_not_crowd_out_search_results(empty_store):
    s = empty_store
    binned = s.add_document(make_doc("strike " * 80, "Binned"))
    s.add_claims_bulk(binned.id, [(i * 7, i * 7 + 6) for i in range(80)])
    live = s.add_document(make_doc("A long article that mentions one strike among many other words.", "Live"))
    s.delete_document(binned.id, with_claims=True)
    assert [(h.kind, h.id) for h in s.search("strike", limit=5)] == [("document", live.id)]
    s.restore_document(binned.id)
    hits = s.search("strike", limit=200)
    assert len([h for h in hits if h.kind == "claim"]) == 80 and len(hits) == 82
    s.restore_document(binned.id)  # restoring twice indexes nothing twice
    assert len(s.search("strike", limit=200)) == 82


def test_search_work_is_bounded_by_the_rows_shown_and_the_terms(empty_store, backend, monkeypatch):
    """What made a search on a long document last minutes: a snippet taken
    from every matching row (the whole text of each), every repeated word
    searched again, any number of words. Snippets are now read for the rows
    shown only, from a bounded head of each; a word counts once; more than
    MAX_TERMS different ones are refused in one sentence."""
    from desktop_app.core.store import search

    s = empty_store
    long_doc = s.add_document(make_doc("prologue " + "strike " * (search.RANK_MAX_TOKENS + 10), "Long"))
    for i in range(12):
        s.add_document(make_doc(f"Short article {i} about a strike and nothing else.", f"Short {i}"))
    read: list[int] = []
    original = type(s.search_index)._head

    def counting_head(self, conn, rowid):
        text, truncated = original(self, conn, rowid)
        read.append(len(text))
        return text, truncated

    monkeypatch.setattr(type(s.search_index), "_head", counting_head)
    hits = s.search("strike strike STRIKE", limit=4)
    assert len(hits) == 4 and len(read) == 4, read  # one bounded read per row shown, not per row matched
    assert max(read) <= search.SNIPPET_SCAN_CHARS
    assert all("[strike]" in h.snippet.lower() for h in hits), [h.snippet for h in hits]
    if backend == "sqlite":  # too long to rank: listed first, never crowded out
        assert hits[0].id == long_doc.id and hits[0].snippet.endswith("…")

    assert search.parse_terms("the " * 18_000) == [search.Term(("the",), False)]
    assert search.fts_query('Café café CAFE "a b" "A B" xyz* xyz*') == '"Café" "a b" "xyz"*'
    words = [f"word{i}" for i in range(search.MAX_TERMS + 1)]
    assert len(search.parse_terms(" ".join(words[:-1]))) == search.MAX_TERMS
    with pytest.raises(InvalidInput, match=f"at most {search.MAX_TERMS}"):
        s.search(" ".join(words))
    with pytest.raises(InvalidInput, match="too short a prefix"):
        s.search("s*")


def test_search_evaluates_its_match_once_and_finds_long_rows_again_only_after_a_write(tmp_path, monkeypatch):
    """A search runs one MATCH (a second one for the rows too long to rank
    made FTS5 merge every word a prefix stands for twice). Which rows are too
    long is read from FTS5's row sizes once, then again only after a write:
    this store's (even inside its own transaction) or another's."""
    from desktop_app.core.store import search

    monkeypatch.setattr(search, "RANK_MAX_TOKENS", 20_000)
    db = tmp_path / "search.db"
    s = Store.open(db, seed=False)
    long_doc = s.add_document(make_doc("prologue " + "strike " * 20_010, "Long 🦜"))
    for i in range(4):
        s.add_document(make_doc(f"Short article {i} about a strike 🦜 and a striker.", f"Short {i}"))
    statements: list[str] = []
    sa.event.listen(s._engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql))

    def counts():
        found = (sum("MATCH" in q for q in statements), sum("search_index_docsize" in q for q in statements))
        statements.clear()
        return found

    hits = s.search("str* 🦜", limit=3)
    assert counts() == (1, 1)
    assert (hits[0].id, hits[0].rank) == (long_doc.id, float("-inf"))  # unranked, listed first
    assert all(h.rank > float("-inf") for h in hits[1:]) and len(hits) == 3
    s.search("strike")
    assert counts() == (1, 0)  # nothing written since: the long rows are known

    other = Store.open(db, seed=False)  # another window or program on the same file
    second = other.add_document(make_doc("epilogue " + "strike " * 20_010, "Long 2"))
    other.close()
    hits = s.search("strike", limit=4)
    assert counts() == (1, 1)
    assert [(h.id, h.rank) for h in hits[:2]] == [(long_doc.id, float("-inf")), (second.id, float("-inf"))]

    with s.transaction():  # this store's own write, before its log entry is committed
        s.delete_document(second.id)
        inside = s.search("strike", limit=4)
    assert counts()[1] == 1
    assert [h.id for h in inside if h.rank == float("-inf")] == [long_doc.id]
    s.close()


def test_snippet_marks_folded_words_and_prefixes():
    from desktop_app.core.store.search import parse_terms, snippet

    text = "Le café de Zürich était fermé. 😀 Streaming services grow in ZURICH."
    assert snippet(text, parse_terms("cafe")) == "Le [café] de Zürich était fermé. 😀 Streaming services grow in ZURICH."
    assert "[Streaming]" in snippet(text, parse_terms("stream*"))
    out = snippet(text, parse_terms("zurich"))
    assert "[Zürich]" in out and "[ZURICH]" in out
    assert snippet(text, parse_terms("absent")).startswith("Le café")
    assert snippet("", parse_terms("x")) == ""


# ------------------------------------------------------------- transactions
def test_a_failed_transaction_block_leaves_nothing_behind(empty_store, raw_sql):
    s = empty_store
    before = raw_sql("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM tags), "
                          "(SELECT count(*) FROM claims), (SELECT count(*) FROM search_index)")
    with pytest.raises(RuntimeError):
        with s.transaction():
            doc = s.add_document(make_doc("will vanish"))
            tag = s.add_tag("vanishing")
            s.add_claim(doc.id, 0, 4, [tag.id])
            s.rename_tag(s.resolve_tag("strikes"), "walkouts")
            assert s.count_claims() == 1  # visible inside the block
            raise RuntimeError("boom")
    after = raw_sql("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM tags), "
                         "(SELECT count(*) FROM claims), (SELECT count(*) FROM search_index)")
    assert after == before
    assert s.list_documents() == [] and s.search("vanish") == []
    assert "strikes" in {t.name for t in s.list_tags()}
    # The store is usable afterwards, and a block that succeeds commits.
    with s.transaction():
        s.add_tag("kept")
        s.add_tag("kept too")
    assert {"kept", "kept too"} <= {r[0] for r in raw_sql("SELECT name FROM tags")}


def test_each_action_is_committed_before_it_returns(empty_store, raw_sql):
    s = empty_store
    doc = s.add_document(make_doc("alpha beta gamma delta"))
    for start in (0, 6, 11):
        s.add_claim(doc.id, start, start + 4)
    # A change made while reading a stream of claims is committed at once, and
    # stays committed when the reader stops early.
    for claim in s.iter_claims():
        s.set_claim_note(claim.id, "edited while streaming")
        assert raw_sql("SELECT note FROM claims WHERE id = ?", claim.id) == [("edited while streaming",)]
        break
    assert raw_sql("SELECT count(*) FROM claims WHERE note = 'edited while streaming'") == [(1,)]
    s.add_tag("after the stream")
    assert raw_sql("SELECT count(*) FROM tags WHERE name = 'after the stream'") == [(1,)]


@pytest.mark.sqlite_only
def test_connection_settings(empty_store, db_path, raw_sql):
    s = empty_store
    with s._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert raw_sql("PRAGMA journal_mode") == [("wal",)]  # kept in the file
    from desktop_app.core.store.models import claims

    with pytest.raises(sa.exc.IntegrityError):
        with s._tx() as conn:  # a claim on a document that does not exist
            conn.execute(claims.insert().values(
                uuid="x", document_id=12345, start_offset=0, end_offset=1, quote="x", prefix="", suffix="",
                note="", status="unverified", annotator="", version=1,
                created_at=sa.func.now(), updated_at=sa.func.now()))
    assert raw_sql("SELECT count(*) FROM claims") == [(0,)]


def test_two_stores_on_one_file_see_each_others_commits(store_target, empty_store):
    with Store.open(store_target, annotator="other") as other:
        other.add_tag("from the other window")
        assert "from the other window" in {t.name for t in empty_store.list_tags()}
        empty_store.add_tag("from this one")
        assert "from this one" in {t.name for t in other.list_tags()}


def test_timestamps_are_aware_utc(empty_store):
    s = empty_store
    doc = s.add_document(make_doc("timestamps"))
    claim = s.add_claim(doc.id, 0, 4)
    for value in (claim.created_at, claim.updated_at, s.get_document(doc.id).imported_at):
        assert value.tzinfo is not None and value.utcoffset() == timezone.utc.utcoffset(None)


def test_text_that_cannot_be_stored_is_made_storable(empty_store, store_target):
    """An undecodable byte on a command line arrives as a lone surrogate, which
    UTF-8 cannot hold: it is stored as U+FFFD instead of failing the action."""
    s = empty_store
    bad = "bad \udcff byte"
    tag = s.add_tag(bad, description=bad)
    assert tag.name == tag.description == "bad \ufffd byte"
    doc = s.add_document(make_doc("some text"))
    claim = s.add_claim(doc.id, 0, 4, [tag.id], note=bad, annotator=bad)
    assert claim.note == claim.annotator == "bad \ufffd byte"
    assert s.set_claim_note(claim.id, "\ud800").note == "\ufffd"
    assert s.update_document_metadata(doc.id, title=bad).title == "bad \ufffd byte"
    assert s.rename_tag(tag.id, "x\udc80").name == "x\ufffd"
    with Store.open(store_target, annotator="\udcff") as other:
        other.add_claims_bulk(doc.id, [(0, 2)])
    assert s.list_claims()[-1].annotator == "\ufffd"


def test_metadata_and_file_names_that_cannot_be_stored_are_made_storable(empty_store):
    """A file name with bytes that are not UTF-8 arrives as lone surrogates
    (os.fsdecode); documents and lookups by name must not fail on them."""
    s = empty_store
    bad = "caf\udce9"
    doc = s.add_document(make_doc("some text", title=bad, author=bad, outlet=bad, source_url=bad, published=bad),
                         original_name=bad + ".txt")
    row = s.get_document(doc.id)
    assert (row.title, row.author, row.outlet, row.source_url, row.published) == ("caf\ufffd",) * 5
    assert row.original_name == "caf\ufffd.txt"
    untitled = s.add_document(make_doc("other text", title=""), original_name="\udcff.md")
    assert untitled.title == untitled.original_name == "\ufffd.md"
    result = s.replace_document(untitled.id, make_doc("new text", title="", author="\ud800"), original_name="x\udcff")
    assert result.document.original_name == "x\ufffd" and result.document.author == "\ufffd"
    # Looking things up by what a user typed (with the same undecodable byte) finds them.
    assert s.resolve_document(bad) == doc.id
    tag = s.add_tag("tag \udcff")
    assert s.resolve_tag("TAG \udcff") == tag.id
    with pytest.raises(NotFound):
        s.resolve_tag("\udcff")
    with pytest.raises(NotFound):
        s.resolve_claim("\udcff" * 9)


def test_a_uuid_ending_in_digits_is_found_by_its_end_not_taken_for_an_id(empty_store):
    """The last 8 characters of a UUID are all digits about once in 40 claims:
    such an end names the claim, it is not read as a claim id."""
    from datetime import datetime, timezone

    s = empty_store
    doc = s.add_document(make_doc("A sentence to claim."), original_name="a.md")
    claim = s.add_claim(doc.id, 0, 10, [])
    uuid = "0196f3a2-7c1e-7abc-8def-000051840185"
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    s.keep_claim_identity(claim.id, uuid, when, when)
    assert s.resolve_claim("51840185") == claim.id
    assert s.resolve_claim(str(claim.id)) == claim.id  # a real id still wins
    with pytest.raises(NotFound):
        s.resolve_claim("99999999")


def test_many_claims_at_once_are_the_claims_added_one_by_one(empty_store, backend):
    """The bulk path writes its rows straight through the driver: each row
    (quote, context, tags, search entry, identity) is what add_claim makes,
    the ids come back in the order of the spans, and on SQLite the larger
    page cache it takes for the inserts is given back."""
    s = empty_store
    text = "".join(f"Line {i} 🦜 paid $900,000 to the café.\n" for i in range(1600))
    doc = s.add_document(make_doc(text))
    tag = s.resolve_tag("strikes")
    spans = [(i * 37, i * 37 + 25) for i in range(1500)]
    if backend == "sqlite":
        with s._engine.connect() as conn:
            cache_before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    ids = s.add_claims_returning_ids(doc.id, spans, [tag])
    assert len(ids) == len(set(ids)) == 1500 and ids == sorted(ids)
    one = s.add_claim(doc.id, *spans[700], [tag])
    bulk = s.get_claim(ids[700])
    for field in ("quote", "prefix", "suffix", "note", "status", "annotator", "version", "tag_ids"):
        assert getattr(bulk, field) == getattr(one, field), field
    assert bulk.start == spans[700][0] and bulk.quote == text[slice(*spans[700])]
    uuids = [c.uuid for c in s.list_claims(document_ids=[doc.id])]
    assert len(set(uuids)) == len(uuids)
    assert all(len(u) == 36 and u[14] == "7" and u[19] in "89ab" for u in uuids)
    word = max(bulk.quote.replace(".", " ").replace(",", " ").split(), key=len)
    assert ids[700] in {h.id for h in s.search(word, limit=5000) if h.kind == "claim"}, word
    if backend == "sqlite":
        with s._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == cache_before
