"""Sentences, link suggestions between the two sample articles, claim candidates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.errors import InvalidInput
from desktop_app.core.sentences import split_sentences
from desktop_app.core.suggest import (
    accept_match, claim_candidates, matching_passages, stem, suggest_links, suggest_tags, tag_keywords,
)


def docs(store):
    """(first article, second article): the one with $900,000 and the one with $900K."""
    first, second = sorted(store.list_documents(), key=lambda d: d.id)
    assert "$900,000" in first.title and "$900K" in second.title
    return first.id, second.id


# ------------------------------------------------------------------ sentences
def test_sentences_keep_abbreviations_decimals_and_quotes_together():
    text = ("The U.S. economy grew 3.5% in Q1. Mr. Smith said “It is fine.” Then he left… "
            "And J. Doe paid $3.5 million.\nA heading\n\nWarner Bros. cut a deal? Yes.")
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. economy grew 3.5% in Q1.",
        "Mr. Smith said “It is fine.”",
        "Then he left…",
        "And J. Doe paid $3.5 million.",
        "A heading",
        "Warner Bros. cut a deal?",
        "Yes.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab .!?\n“”\"$3,U…") + ["Mr. ", "Ab", "U.S. "]), max_size=40).map("".join))
def test_sentences_are_ordered_trimmed_slices(text):
    last = 0
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text and s.text == s.text.strip() and s.text
        assert s.start >= last
        last = s.end


# ------------------------------------------------------------------- matching
def test_stemming_meets_plurals_and_forms():
    assert stem("salaries") == stem("salary")
    assert stem("earnings") == stem("earn") == stem("earned")
    assert stem("striking") == stem("strikes") == stem("strike")
    assert stem("wages") == stem("wage")
    assert stem("paid") == stem("pays") == stem("pay")


def test_paraphrases_with_the_same_figure_match():
    a = "Salaries for this profile range from $300,000 to $900,000 a year."
    b = "Netflix has posted a new role for their AI program and it pays a whopping $900K."
    c = "The weather in Rome was mild for the season, said the city officials."
    (m,) = matching_passages(a + "\n" + c, b, min_score=0.4)
    assert (m.start_a, m.end_a) == (0, len(a)) and m.quote_b == b
    assert m.shared == ("USD 900000",) and 0 < m.score <= 1


def test_matching_validates_and_handles_empty_text():
    assert matching_passages("", "Anything at all here.") == []
    with pytest.raises(InvalidInput):
        matching_passages("a", "b", min_score=2)


def test_seed_articles_match_on_their_shared_figures(store):
    a, b = docs(store)
    text_a, text_b = store.document_text(a), store.document_text(b)
    matches = suggest_links(store, a, b, 0.5)
    assert matches and matches == sorted(matches, key=lambda m: -m.score)
    top = matches[:5]
    assert any("$900,000" in m.quote_a and "$900K" in m.quote_b and "USD 900000" in m.shared for m in top)
    assert any("$650,000" in m.quote_a and "$650K" in m.quote_b for m in top)
    for m in matches:
        assert text_a[m.start_a:m.end_a] == m.quote_a and text_b[m.start_b:m.end_b] == m.quote_b


def test_accept_creates_two_claims_and_a_same_link_and_hides_the_pair(store):
    a, b = docs(store)
    salaries = store.resolve_tag("salaries")
    match = next(m for m in suggest_links(store, a, b) if "$900K" in m.quote_b and "$900,000" in m.quote_a)
    before = store.count_claims()
    ca, cb, link_id, made = accept_match(store, match, a, b)
    assert store.count_claims() == before + 2 and made == (ca, cb)
    claim_a, claim_b = store.get_claim(ca), store.get_claim(cb)
    assert (claim_a.document_id, claim_a.quote) == (a, match.quote_a)
    assert (claim_b.document_id, claim_b.quote) == (b, match.quote_b)
    assert salaries in claim_a.tag_ids  # suggested from the codebook: "Salaries ..." / "pays"
    (link,) = store.list_links()
    assert (link.id, link.source_id, link.target_id, link.relation) == (link_id, ca, cb, "same")
    assert all(not (m.quote_a == match.quote_a and m.quote_b == match.quote_b) for m in suggest_links(store, a, b))


def test_accept_is_all_or_nothing(store):
    a, b = docs(store)
    match = suggest_links(store, a, b)[0]
    before = store.count_claims()
    with pytest.raises(Exception):
        accept_match(store, match, a, b, tag_ids=[9999])
    assert store.count_claims() == before and store.list_links() == []
    ca, cb, _, _ = accept_match(store, match, a, b, tag_ids=[])
    assert store.get_claim(ca).tag_ids == () and store.get_claim(cb).tag_ids == ()


def test_suggest_links_needs_two_documents(store):
    a, _ = docs(store)
    with pytest.raises(InvalidInput):
        suggest_links(store, a, a)


# ------------------------------------------------------------------ candidates
def test_keywords_come_from_the_codebook(store):
    keywords = tag_keywords(store.list_tags())
    salaries, deepfakes, strikes = (store.resolve_tag(n) for n in ("salaries", "deepfakes", "strikes"))
    assert suggest_tags("The problem of wages is more concrete.", keywords) == (salaries,)
    assert suggest_tags("a series called Deep Fake Love", keywords) == (deepfakes,)
    assert suggest_tags("the striking guilds", keywords) == (strikes,)
    assert suggest_tags("the figures sought", keywords) == ()  # general words of descriptions are left out
    extra = tag_keywords(store.list_tags(), {strikes: ["walkout"]})
    assert suggest_tags("a walkouts began", extra) == (strikes,)


def test_claim_candidates_of_the_seed_articles(store):
    a, b = docs(store)
    salaries, deepfakes = store.resolve_tag("salaries"), store.resolve_tag("deepfakes")
    cands = claim_candidates(store, a)
    text = store.document_text(a)
    by_text = {c.text: c for c in cands}
    pay = by_text["Salaries for this profile range from $300,000 to $900,000 a year."]
    assert "money" in pay.kinds and "keyword" in pay.kinds and salaries in pay.tag_ids
    assert any("percent" in c.kinds for c in cands)
    assert any(deepfakes in c.tag_ids for c in cands)
    assert all(text[c.start:c.end] == c.text for c in cands)
    quoted = [c for c in claim_candidates(store, b) if "quote" in c.kinds]
    assert any(c.text.startswith("“Historically") for c in quoted)
    assert any("thirty-five" in c.text and "count" in c.kinds for c in claim_candidates(store, b))
    assert [c.start for c in cands] == sorted(c.start for c in cands)


def test_accept_says_which_claims_it_made(store):
    """A claim already on one passage is reused: only the other one is new."""
    a, b = docs(store)
    match = suggest_links(store, a, b)[0]
    there = store.add_claim(a, match.start_a, match.end_a, [])
    accepted = accept_match(store, match, a, b, tag_ids=[])
    assert accepted.claim_a == there.id and accepted.made == (accepted.claim_b,)
    assert store.get_claim(accepted.claim_b).quote == match.quote_b
