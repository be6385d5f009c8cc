"""Claim counts per document and per tag, by grouped queries (both backends):
what the library and the codebook show, read without a row per claim."""

from __future__ import annotations

import sqlalchemy as sa

from conftest import make_doc


def _project(store):
    """Three documents: claims with one tag, two tags, none; a binned claim;
    a binned document with claims."""
    tags = {t.name: t.id for t in store.list_tags()}
    text = "Zürich café 東京 😀 " * 40
    a = store.add_document(make_doc(text, "Ærø – første"))
    b = store.add_document(make_doc(text, "Second 😀"))
    c = store.add_document(make_doc(text, "Binned"))
    store.add_claims_bulk(a.id, [(0, 10), (20, 30), (40, 50)], [tags["salaries"]])
    store.add_claims_bulk(b.id, [(0, 10), (20, 30)], [tags["salaries"], tags["strikes"]])
    store.add_claims_bulk(b.id, [(60, 70)], [])  # untagged
    gone = store.add_claim(a.id, 80, 90, [tags["deepfakes"]])
    store.delete_claim(gone.id)
    store.add_claims_bulk(c.id, [(0, 10)], [tags["deepfakes"], tags["strikes"]])
    store.delete_document(c.id, with_claims=True)
    return tags, a.id, b.id, c.id


def test_counts_by_document_match_the_listed_counts(empty_store):
    store = empty_store
    _tags, a, b, c = _project(store)
    assert store.document_claim_counts() == {a: 3, b: 3, c: 1}  # a binned document's claims are still its own
    assert store.document_claim_counts([b]) == {b: 3}
    assert store.document_claim_counts([]) == {}
    listed = {d.id: d.claim_count for d in store.list_documents()}
    assert listed == {a: 3, b: 3}
    assert all(d.claim_count == 0 for d in store.list_documents(counts=False))
    assert [d.id for d in store.list_documents(counts=False)] == [a, b]


def test_tag_counts_by_document_sum_to_the_codebook_counts(empty_store):
    store = empty_store
    tags, a, b, c = _project(store)
    by_doc = store.tag_counts_by_document()
    assert by_doc == {a: {tags["salaries"]: 3}, b: {tags["salaries"]: 2, tags["strikes"]: 2}}  # no binned document
    totals: dict[int, int] = {}
    for per_tag in by_doc.values():
        for tag_id, n in per_tag.items():
            totals[tag_id] = totals.get(tag_id, 0) + n
    assert {t.id: t.claim_count for t in store.list_tags() if t.claim_count} == totals
    assert store.tag_counts_by_document([b, c]) == {b: {tags["salaries"]: 2, tags["strikes"]: 2}}
    assert all(t.claim_count == 0 for t in store.list_tags(counts=False))


def test_counts_of_many_documents_in_chunks(empty_store):
    """More documents than one IN list holds (500 a chunk): every one counted."""
    store = empty_store
    tag = store.list_tags()[0].id
    ids = []
    with store.transaction():
        for i in range(1203):
            doc = store.add_document(make_doc(f"Document number {i} with some text.", f"Doc {i}"))
            ids.append(doc.id)
            store.add_claims_bulk(doc.id, [(0, 8)] * (1 + i % 3), [tag])
    counts = store.document_claim_counts(ids)
    assert len(counts) == 1203 and counts[ids[5]] == 3 and counts[ids[1202]] == 1 + 1202 % 3
    assert sum(per[tag] for per in store.tag_counts_by_document(ids).values()) == sum(counts.values())


def test_the_counts_are_one_grouped_statement_each(empty_store):
    """No statement per document or per claim: one SELECT with GROUP BY."""
    store = empty_store
    _project(store)
    statements = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(store._engine, "before_cursor_execute", seen)
    try:
        store.document_claim_counts()
        store.tag_counts_by_document()
    finally:
        sa.event.remove(store._engine, "before_cursor_execute", seen)
    counting = [s for s in statements if "count(" in s.lower()]
    assert len(counting) == 2 and all("GROUP BY" in s.upper() for s in counting)
