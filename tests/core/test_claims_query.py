"""The claims table's queries: the database filters and sorts by keys the
store keeps up to date, pages follow each other without a gap or a repeat,
and both backends give the same order (this file runs on SQLite and on
PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.core.store import Store
from desktop_app.core.store.claims_query import SORTS, ClaimQuery, sort_key, status_rank, tags_key, text_key
from desktop_app.core.store.models import claims

from conftest import make_doc

TEXT_A = (
    "Netflix advertised an AI product manager job paying up to $900,000 a year. "
    "Actors on strike say deepfakes of their faces threaten their work. "
    "Émile Zola's café 😀 in Zürich: ÉCLAIR éclair Éclair. "
) * 4
TEXT_B = "Union leaders demand limits on synthetic likeness. Writers' salaries lag far behind. " * 4


def _project(store):
    """Claims of every shape: two documents (one with an emoji title), tags with
    accents and capitals, notes and statuses, a binned claim, claims of a
    binned document, quotes that differ only in case and beyond the key."""
    a = store.add_document(make_doc(TEXT_A, title="Netflix ✨ job"))
    b = store.add_document(make_doc(TEXT_B, title="union demands"))
    gone = store.add_document(make_doc(TEXT_B, title="A binned document"))
    strikes = store.add_tag("Walk-Outs").id
    ecl = store.add_tag("éclairs").id
    pay = store.add_tag("pay").id
    spans = [(i * 7 % (len(TEXT_A) - 60), i * 7 % (len(TEXT_A) - 60) + 5 + i % 50) for i in range(60)]
    ids = store.add_claims_returning_ids(a.id, spans, [strikes])
    ids += store.add_claims_returning_ids(b.id, [(i * 11, i * 11 + 9 + i % 7) for i in range(30)], [pay, ecl])
    ids += store.add_claims_returning_ids(b.id, [(i * 13, i * 13 + 12) for i in range(10)])
    store.add_claims_bulk(gone.id, [(0, 10), (5, 20)], [pay])
    for n, cid in enumerate(ids[::4]):
        store.set_claim_note(cid, ("Check the JOB ad", "café owner said so", "  spaced\n\nnote ", "")[n % 4])
    for n, cid in enumerate(ids[1::5]):
        store.set_claim_status(cid, ("supported", "disputed", "refuted")[n % 3])
    for cid in ids[2::9]:
        store.set_claim_tags(cid, [ecl, strikes])
    e1 = TEXT_A.index("ÉCLAIR")
    for word in ("ÉCLAIR", "éclair", "Éclair"):  # the same key whatever the case: ties go by id
        at = TEXT_A.index(word, e1)
        ids.append(store.add_claim(a.id, at, at + len(word) + 20, [pay]).id)
    store.delete_claim(ids[3])
    store.delete_document(gone.id, with_claims=True)
    return dict(a=a, b=b, gone=gone, strikes=strikes, ecl=ecl, pay=pay, ids=ids)


def _expected(store, query: ClaimQuery) -> list[int]:
    names = {t.id: t.name for t in store.list_tags()}
    titles = {d.id: d.title for d in store.list_documents()}
    rows = [c for c in store.list_claims() if c.document_id in titles]
    shown = [c for c in rows
             if query.matches(c, [names[t] for t in c.tag_ids], titles[c.document_id])]
    keyed = sorted(shown, key=lambda c: sort_key(query.sort, c, [names[t] for t in c.tag_ids], titles[c.document_id]),
                   reverse=query.descending)
    return [c.id for c in keyed]


def _paged(store, query: ClaimQuery, limit: int) -> list[int]:
    out, after = [], None
    while True:
        page = store.claim_page(query, after, limit)
        out += [k[-1] for k in page]
        if len(page) < limit:
            return out
        after = page[-1]


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_in_pages_is_the_order_python_gives(empty_store, sort):
    _project(empty_store)
    for descending in (False, True):
        query = ClaimQuery(sort=sort, descending=descending)
        want = _expected(empty_store, query)
        assert len(want) == 102  # binned claims and the binned document's claims left out
        assert _paged(empty_store, query, 7) == want
        assert _paged(empty_store, query, 1000) == want
        assert empty_store.count_matching(query) == len(want)


def test_filters_in_the_database_are_the_filters_in_memory(empty_store):
    p = _project(empty_store)
    queries = [
        ClaimQuery(tag_ids=frozenset({p["ecl"]})),
        ClaimQuery(tag_ids=frozenset({p["ecl"], p["strikes"]}), sort="quote"),
        ClaimQuery(document_id=p["b"].id, sort="note", descending=False),
        ClaimQuery(status="disputed", sort="document"),
        ClaimQuery(words=("job",)),  # the note, any case ("JOB")
        ClaimQuery(words=("netflix",), sort="tags"),  # the title, any case
        ClaimQuery(words=("walk-outs", "actors")),  # a tag name and the quote: every word
        ClaimQuery(words=("union", "pay"), sort="status", descending=False),
        ClaimQuery(words=("100%_",)),  # LIKE's wildcards are plain characters
        ClaimQuery(words=("✨",), sort="page"),
        ClaimQuery(orphaned=True, sort="id", descending=False),
    ]
    for query in queries:
        want = _expected(empty_store, query)
        assert _paged(empty_store, query, 5) == want, query
    assert _expected(empty_store, ClaimQuery(words=("job",)))
    assert not _paged(empty_store, ClaimQuery(words=("100%_",)), 5)
    # Letters beyond ASCII: the case typed does not matter on either backend
    # (SQLite's own LIKE knows only A-Z), as in the window's own matching.
    upper = {c.id for c in empty_store.list_claims() if "Émile" in c.quote}
    assert upper
    for word in ("émile", "ÉMILE".casefold(), "Émile".casefold()):
        query = ClaimQuery(words=(word,))
        assert set(_paged(empty_store, query, 1000)) == upper == set(_expected(empty_store, query))
    assert empty_store.count_matching(ClaimQuery(), cap=10) == 10


def _stored_keys(store) -> dict[int, tuple]:
    with store._tx(write=False) as conn:
        rows = conn.execute(sa.select(claims.c.id, claims.c.sort_document, claims.c.sort_tags, claims.c.sort_quote,
                                      claims.c.sort_note, claims.c.sort_status)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _keys_agree(store) -> bool:
    fresh = _fresh_keys(store)  # the claims of a binned document are not listed: not shown either
    return {k: v for k, v in _stored_keys(store).items() if k in fresh} == fresh


def _fresh_keys(store) -> dict[int, tuple]:
    names = {t.id: t.name for t in store.list_tags()}
    titles = {d.id: d.title for d in store.list_documents(include_deleted=True)}
    return {c.id: (text_key(titles[c.document_id]), tags_key(names[t] for t in c.tag_ids), text_key(c.quote),
                   text_key(c.note), status_rank(c.status))
            for c in store.list_claims(include_deleted=True)}


def test_the_store_keeps_the_sort_keys_up_to_date(empty_store):
    p = _project(empty_store)
    assert _keys_agree(empty_store)
    store = empty_store
    cid = p["ids"][0]
    store.update_document_metadata(p["a"].id, title="  A NEW Title\tfor the job ")
    store.rename_tag(p["strikes"], "Strike Pay")
    merge = store.merge_tags(p["pay"], p["ecl"])
    store.set_claim_note(cid, "ÜBER note")
    store.set_claim_status(cid, "refuted")
    store.set_claim_tags(cid, [p["strikes"], p["ecl"]])
    assert _keys_agree(store)
    store.unmerge_tags(merge)
    removed = store.remove_tag(p["strikes"], untag=True)
    assert _keys_agree(store)
    store.restore_tag(removed)
    before = store.get_claim(cid)
    text = store.document_text(p["a"].id)
    at = text.index("Zürich")
    store.reattach_claim(cid, at, at + 6)
    assert _stored_keys(store)[cid][2] == "zürich"
    store.restore_claim_anchor(before)
    new = make_doc("Netflix advertised a job. Nothing else is the same.", title="x")
    store.replace_document(p["a"].id, new)  # orphans most of its claims, moves a few
    assert _keys_agree(store)
    assert _paged(store, ClaimQuery(sort="quote"), 9) == _expected(store, ClaimQuery(sort="quote"))


def test_a_migrated_database_has_its_sort_keys(tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the fixture is an SQLite file")
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0001.db"
    copy = tmp_path / "old.db"
    shutil.copyfile(fixture, copy)
    with Store.open(copy, annotator="tester") as store:
        keys = _stored_keys(store)
        assert keys and _keys_agree(store)
        for sort in SORTS:
            query = ClaimQuery(sort=sort)
            assert _paged(store, query, 2) == _expected(store, query)


def test_a_window_at_a_time_finds_what_the_whole_scan_finds(empty_store):
    """A filter by words looks at a bounded number of claims per call; going on
    from each call's key finds every match, in order, once."""
    _project(empty_store)
    for query in (ClaimQuery(words=("job",)), ClaimQuery(words=("walk-outs", "actors"), sort="tags"),
                  ClaimQuery(words=("éclair",), sort="quote", descending=False, tag_ids=None),
                  ClaimQuery(words=("zzz",))):
        found, after, calls = [], None, 0
        while True:
            page, after = empty_store.claim_window(query, after, limit=3, scan=7)
            found += [k[-1] for k in page]
            calls += 1
            if after is None:
                break
        assert found == _paged(empty_store, query, 1000), query
        assert calls >= 102 // 7  # every claim looked at, seven at a time
