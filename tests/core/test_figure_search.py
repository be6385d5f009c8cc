"""Searching for a figure finds it however it is written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop_app.core.figures import query_figures, spellings
from desktop_app.core.store import search
from tests.conftest import make_doc

TEXTS = {
    "K": "The budget was $900K, said Delaney.",
    "commas": "It cost $900,000 in 2023.",
    "words": "About 0.9 million dollars were spent.",
    "other": "Only $650,000 here, and 900 metres of road.",
}


@pytest.fixture
def store(empty_store):
    ids = {}
    for key, text in TEXTS.items():
        ids[key] = empty_store.add_document(make_doc(text, key)).id
    return empty_store, ids


@pytest.mark.parametrize("query", ["900,000", "$900K", "900k", "$900,000", "900 thousand"])
def test_a_written_amount_finds_every_spelling_of_it(store, query):
    s, ids = store
    found = {h.document_id for h in s.search(query)}
    assert found == {ids["K"], ids["commas"], ids["words"]}, query


def test_a_bare_number_also_finds_its_thousands(store):
    s, ids = store
    found = {h.document_id for h in s.search("900")}
    # "900 metres" is 900 as written; "$900K" and "$900,000" are 900 thousand
    assert {ids["K"], ids["commas"], ids["other"]} <= found
    assert {h.document_id for h in s.search("Delaney 900")} == {ids["K"]}
    assert {h.document_id for h in s.search("650K")} == {ids["other"]}
    assert s.search("901") == []


def test_a_quoted_number_and_a_year_match_as_written(store):
    s, ids = store
    assert {h.document_id for h in s.search('"900"')} == {ids["commas"], ids["other"]}
    assert {h.document_id for h in s.search("2023")} == {ids["commas"]}


def test_spellings_are_the_words_an_index_sees():
    assert spellings(Decimal(900000)) == [
        ("900000",), ("900", "000"), ("900.000",), ("900k",), ("900", "thousand"), ("0", "9m"), ("0", "9mn"),
        ("0", "9", "million"), ("0", "9", "mio"), ("0.9", "m"), ("0.9", "mn"), ("0.9", "million"), ("0.9", "mio"),
    ]
    # a bare four-digit number may be a year or a count: as written, or grouped ("2,023")
    assert query_figures('"900" 2023') == [(6, 10, [("2023",), ("2", "023"), ("2.023",)])]
    assert query_figures("in 2023") == [(3, 7, [("2023",)])]  # a year by its context: as written only
    start, end, words = query_figures("$1.5M")[0]
    assert (start, end) == (0, 5) and ("1", "5m") in words and ("1", "500", "000") in words


def test_figures_in_a_search_are_bounded():
    many = " ".join(f"{n}" for n in range(100, 116))  # 16 bare numbers, each with many spellings
    terms = search.parse_terms(many)
    assert sum(len(t.spellings) for t in terms) <= search.MAX_SPELLINGS + len(terms)


def test_first_hit_selects_the_whole_figure_in_code_points():
    text = "😀 emoji first, from $300,000 to $900,000 and Délaney, 0.9 million in all."
    start, end = search.first_hit(text, "900K")
    assert text[start:end] == "$900,000"  # not the "000" of $300,000
    start, end = search.first_hit(text, "Délaney $0.9M")
    assert text[start:end] == "$900,000"
    rest = text[end:]
    start, end = search.first_hit(rest, "$0.9M")
    assert rest[start:end] == "0.9 million"
    start, end = search.first_hit(text, "delaney")
    assert text[start:end] == "Délaney"
    assert search.first_hit(text, "absent") is None
    assert search.first_hit(text, "s*") is None  # refused query: no hit, no error


def test_a_hit_in_a_document_with_pages_gives_its_page(empty_store):
    from dataclasses import replace

    s = empty_store
    page_one = "First page: the studios met 😀 again.\n"
    text = page_one + "Second page: Delaney spoke of $900K.\n"
    doc = s.add_document(replace(make_doc(text, "Paged"), pages=[0, len(page_one)], source_format="pdf"))
    s.add_document(make_doc("Delaney without pages.", "Plain"))
    start = text.index("studios")
    claim = s.add_claim(doc.id, start, start + len("studios met"), note="meeting")
    by_title = {h.title: h for h in s.search("Delaney")}
    assert by_title["Paged"].page == "2" and by_title["Plain"].page == ""
    assert [h.page for h in s.search("900,000")] == ["2"]
    hits = s.search("meeting")
    assert [(h.kind, h.id, h.page) for h in hits] == [("claim", claim.id, "1")]


def test_pages_are_looked_for_in_pdfs_only(empty_store, monkeypatch):
    """Whether a row has pages is read after its text: a search must not
    read that for documents that cannot have pages (a long one would be read
    through for each search)."""
    s = empty_store
    s.add_document(make_doc("A long plain text about Delaney. " * 50, "Plain"))
    asked = []
    original = type(s)._pages
    monkeypatch.setattr(type(s), "_pages", lambda self, conn, ids: asked.append(set(ids)) or original(self, conn, ids))
    assert [h.title for h in s.search("Delaney")] == ["Plain"]
    assert asked == []


def test_an_ambiguous_number_in_a_search_looks_for_both_readings(empty_store):
    s = empty_store
    ids = {key: s.add_document(make_doc(text, key)).id for key, text in {
        "de": "Die Firma hat 1.500 Mitarbeiter.", "en": "It employs 1,500 people.",
        "small": "The index rose to 1.5 points.", "eu": "Es kostet 650.000 € im Jahr.",
        "other": "It employs 1,600 people.",
    }.items()}
    assert {h.document_id for h in s.search("1.500")} == {ids["de"], ids["en"], ids["small"]}
    assert {h.document_id for h in s.search("650.000 €")} == {ids["eu"]}
    assert {h.document_id for h in s.search("€650,000")} == {ids["eu"]}
    (start, end, words), = query_figures("1.500")
    assert (start, end) == (0, 5) and ("1.500",) in words and ("1500",) in words and ("1", "5") in words
