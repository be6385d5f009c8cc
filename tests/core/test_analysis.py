"""Counts behind the analysis charts."""

from __future__ import annotations

from datetime import date

from conftest import make_doc

from desktop_app.core.analysis import (
    UNDATED,
    claims_over_dates,
    claims_per_tag_per_document,
    published_date,
    tag_cooccurrence,
)


def setup(store):
    tags = store.list_tags()
    a, b, c = tags[0].id, tags[1].id, tags[2].id
    d1 = store.add_document(make_doc("first document text here", "One", published="2024-03-01"))
    d2 = store.add_document(make_doc("second document text here", "Two", published="2024-02-10T08:00:00Z"))
    d3 = store.add_document(make_doc("third document with no date", "Three"))
    store.add_claim(d1.id, 0, 5, [a, b])          # "first", both tags
    store.add_claim(d1.id, 3, 10, [b])            # overlaps the first claim
    store.add_claim(d1.id, 15, 19, [a])           # apart
    store.add_claim(d2.id, 0, 6, [a], annotator="other")
    store.add_claim(d3.id, 0, 5, [c])
    store.add_claim(d3.id, 6, 10, [])             # no tag: not counted per tag
    gone = store.add_claim(d2.id, 7, 15, [c])
    store.delete_claim(gone.id)
    return tags, (a, b, c), (d1, d2, d3)


def test_claims_per_tag_per_document(store):
    tags, (a, b, c), (d1, d2, d3) = setup(store)
    got_tags, docs, counts = claims_per_tag_per_document(store)
    assert [t.id for t in got_tags] == [t.id for t in tags]
    col = {d.id: j for j, d in enumerate(docs)}
    row = {t.id: i for i, t in enumerate(got_tags)}
    assert counts[row[a]][col[d1.id]] == 2 and counts[row[b]][col[d1.id]] == 2
    assert counts[row[a]][col[d2.id]] == 1 and counts[row[c]][col[d2.id]] == 0  # the deleted claim
    assert counts[row[c]][col[d3.id]] == 1
    assert sum(map(sum, counts)) == 6


def test_cooccurrence_on_one_claim_and_by_overlap(store):
    _tags, (a, b, c), _docs = setup(store)
    co = tag_cooccurrence(store)
    i = {t.id: n for n, t in enumerate(co.tags)}
    assert co.same_claim[i[a]][i[b]] == co.same_claim[i[b]][i[a]] == 1
    assert co.same_claim[i[a]][i[a]] == 3 and co.same_claim[i[b]][i[b]] == 2
    assert co.same_claim[i[a]][i[c]] == 0
    # one overlapping pair: (a, b) x (b) -> tag pairs {a,b} and {b,b}
    assert co.overlapping[i[a]][i[b]] == co.overlapping[i[b]][i[a]] == 1
    assert co.overlapping[i[b]][i[b]] == 1 and co.overlapping[i[a]][i[a]] == 0
    assert sum(map(sum, co.overlapping)) == 3


def test_claims_over_dates(store):
    tags, (a, b, c), _docs = setup(store)
    name = {t.id: t.name for t in tags}
    assert claims_over_dates(store) == [
        (date(2024, 2, 10), name[a], 1),
        (date(2024, 3, 1), name[a], 2),
        (date(2024, 3, 1), name[b], 2),
        (UNDATED, name[c], 1),
    ]


def test_published_date_reading():
    assert published_date("2023-12-31") == date(2023, 12, 31)
    assert published_date("2023-12-31T23:00:00+02:00") == date(2023, 12, 31)
    assert published_date("") is None and published_date("March 2023") is None and published_date("2023") is None


def test_empty_store(empty_store):
    tags, docs, counts = claims_per_tag_per_document(empty_store)
    assert docs == [] and all(row == [] for row in counts)
    assert claims_over_dates(empty_store) == []
