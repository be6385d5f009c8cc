"""Figures: extraction, normalisation and disagreement."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.figures import disagreeing_links, extract_figures, figures_disagree, words_to_int


def keys(text):
    return [(f.unit, f.value) for f in extract_figures(text)]


def test_money_styles_read_the_same():
    for text in ("$900K", "$900,000", "900 thousand dollars", "$0.9 million", "$900k/yr", "US$ 900,000"):
        assert keys(text) == [("USD", Decimal(900000))], text
    assert keys("$3.5bn") == [("USD", Decimal("3500000000"))]


def test_percentages_counts_years_and_words():
    assert keys("35%") == [("percent", Decimal(35))]
    assert keys("five per cent") == [("percent", Decimal(5))]
    assert keys("thirty-five actors") == [("count", Decimal(35))]
    assert keys("In 2020 there were 1,200 of them") == [("year", Decimal(2020)), ("count", Decimal(1200))]
    assert keys("70 to 75% of actors") == [("percent", Decimal(70)), ("percent", Decimal(75))]
    assert keys("one of the biggest issues") == []  # a lone "one" is not a figure
    assert words_to_int("two hundred and five thousand") == 205000
    assert words_to_int("twenty thirty") is None


def test_spans_point_at_the_text():
    text = "It pays $900K, up 35% on the $650,000 of 2022."
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.text


def test_figures_disagree():
    assert figures_disagree("salaries up to $900,000", "it pays a whopping $900K") == []
    pairs = figures_disagree("up to $650,000 annually", "a $900K job")
    assert [(a.value, b.value) for a, b in pairs] == [(Decimal(650000), Decimal(900000))]
    assert figures_disagree("35% of actors", "$35") == []  # different units never disagree


_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words(n: int) -> str:
    if n < 10:
        return _ONES[n]
    if n < 20:
        return _TEENS[n - 10]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        return _ONES[n // 100] + " hundred" + (" and " + _words(n % 100) if n % 100 else "")
    return _words(n // 1000) + " thousand" + (" " + _words(n % 1000) if n % 1000 else "")


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=999_999))
def test_any_amount_reads_the_same_in_every_style(n):
    """Written with digits, with commas, with a K or an M suffix, in words:
    the same number of dollars."""
    value = Decimal(n)
    styles = [f"${n}", f"${n:,}", f"{n:,} dollars", f"{_words(n)} dollars"]
    if n % 1000 == 0:
        styles += [f"${n // 1000}K", f"${n // 1000} thousand"]
    if n % 100_000 == 0:
        styles.append(f"${Decimal(n) / 1_000_000} million")
    for style in styles:
        found = extract_figures(f"It pays {style} a year.")
        assert [(f.unit, f.value) for f in found] == [("USD", value)], style


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_disagreement_is_a_difference_of_values(a, b):
    pairs = figures_disagree(f"It costs ${a:,}.", f"It costs ${b:,}.")
    assert bool(pairs) == (a != b)


def test_disagreeing_links(store):
    doc_a, doc_b = (d.id for d in sorted(store.list_documents(), key=lambda d: d.id))
    text_a, text_b = store.document_text(doc_a), store.document_text(doc_b)
    a = store.add_claim(doc_a, *_span(text_a, "This role brings in up to $650,000 annually."))
    b = store.add_claim(doc_b, *_span(text_b, "The Intercept has reported that Netflix"))  # no figure: agrees
    c = store.add_claim(doc_b, *_span(text_b, "it pays a whopping $900K"))
    store.add_link(a.id, b.id, "same")
    bad = store.add_link(a.id, c.id, "same")
    found = disagreeing_links(store)
    assert [link.id for link, _ in found] == [bad.id]
    (fa, fb), = found[0][1]
    assert (fa.value, fb.value) == (Decimal(650000), Decimal(900000))
    store.update_link(bad.id, relation="contradicts")
    assert disagreeing_links(store) == []


def _span(text, quote):
    start = text.index(quote)
    return start, start + len(quote)
