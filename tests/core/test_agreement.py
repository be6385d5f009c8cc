"""Agreement statistics: hand-computed cases, edge cases, properties."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_doc

from desktop_app.core.agreement import (
    NOT_TWO,
    Stretch,
    agreement_table,
    character_agreement,
    cohen_kappa,
    coverage_histogram,
    differences,
    export_agreement_csv,
    krippendorff_alpha_nominal,
    stretches,
)


# --------------------------------------------------------------- Cohen's kappa
def test_kappa_of_the_textbook_two_by_two_table():
    # 50 items; both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = 35/50 = 0.7; A says yes 25/50 = 0.5, B 30/50 = 0.6;
    # p_e = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_kappa_perfect_and_undefined():
    assert cohen_kappa([[7, 0], [0, 3]]) == pytest.approx(1.0)
    assert cohen_kappa([[10, 0], [0, 0]]) is None  # one category throughout: p_e = 1
    assert cohen_kappa([[0, 0], [0, 0]]) is None


# ---------------------------------------------------------- Krippendorff's alpha
def test_alpha_on_a_small_binary_matrix_by_hand():
    # Two coders, five units: A = 1 1 0 0 0, B = 1 0 0 0 0.
    # n = 10 values, n1 = 3, n0 = 7. Coincidences: unit 2 gives o10 = o01 = 1/(2-1) = 1.
    # alpha = 1 - (n - 1)·Σo_c≠k / Σn_c·n_k(c≠k) = 1 - 9·2 / (2·3·7) = 1 - 18/42 = 4/7
    assert krippendorff_alpha_nominal([[1, 1], [1, 0], [0, 0], [0, 0], [0, 0]]) == pytest.approx(4 / 7)


def test_alpha_on_the_textbook_matrix_with_missing_values():
    # Krippendorff's nominal example: 4 coders, 12 units, values missing (None).
    # Unit 12 has one value and is not pairable. Value totals n_1..n_5 = 9, 13, 10, 5, 3
    # (n = 40); Σ_c n_c(n_c - 1) = 72 + 156 + 90 + 20 + 6 = 344; the matching
    # coincidences Σ o_cc = 32. alpha = ((n-1)·Σo_cc - Σn_c(n_c-1)) / (n(n-1) - Σn_c(n_c-1))
    # = (39·32 - 344) / (1560 - 344) = 904/1216 = 0.7434
    N = None
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3]
    c = [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]
    assert krippendorff_alpha_nominal(zip(a, b, c, d)) == pytest.approx(904 / 1216)


def test_alpha_perfect_and_undefined():
    assert krippendorff_alpha_nominal([[1, 1, 1], [0, 0, 0], [1, 1, 1]]) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal([[0, 0], [0, 0]]) is None  # one value throughout: D_e = 0
    assert krippendorff_alpha_nominal([[1], [0, None]]) is None  # nothing pairable


# ------------------------------------------------------------ per character
def test_character_agreement_matches_the_hand_computed_cases():
    # A covers characters 0-1, B character 0, of five: the matrices above.
    result = character_agreement(5, [[(0, 2)], [(0, 1)]])
    assert result.observed == pytest.approx(0.8)
    # p_e = 0.4·0.2 + 0.6·0.8 = 0.56; kappa = (0.8 - 0.56) / 0.44 = 6/11
    assert result.kappa == pytest.approx(6 / 11)
    assert result.alpha == pytest.approx(4 / 7)


def test_perfect_agreement_is_one():
    result = character_agreement(10, [[(2, 5), (7, 9)], [(2, 4), (4, 5), (7, 9)]])
    assert result.observed == 1.0 and result.kappa == pytest.approx(1.0) and result.alpha == pytest.approx(1.0)


def test_no_variation_is_undefined_and_says_why():
    result = character_agreement(6, [[], []])
    assert result.kappa is None and result.alpha is None
    assert "no variation" in result.note and "uncovered" in result.note
    full = character_agreement(6, [[(0, 6)], [(0, 3), (3, 6)]])
    assert full.alpha is None and "covered every character" in full.note


def test_three_annotators_have_alpha_but_no_kappa():
    result = character_agreement(4, [[(0, 2)], [(0, 2)], [(0, 1)]])
    assert result.kappa is None and result.note == NOT_TWO
    # Units: (1,1,1) (1,1,0) (0,0,0) (0,0,0); n = 12, n1 = 5, n0 = 7.
    # Unit 2 has 2·1·2 = 4 disagreeing ordered pairs, /(m-1) = 2 -> Σo_c≠k = 2.
    # alpha = 1 - 11·2 / (2·5·7) = 1 - 22/70 = 24/35
    assert result.alpha == pytest.approx(24 / 35)
    # Pairs agreeing: unit 2 has 1 of 3 pairs agreeing; (3 + 1 + 3 + 3) / 12 = 10/12
    assert result.observed == pytest.approx(10 / 12)


def test_histogram_merges_each_annotators_overlapping_spans():
    assert coverage_histogram(10, [[(0, 4), (2, 6)], [(5, 8)]]) == [2, 7, 1]


# -------------------------------------------------------------- properties
def spans_in(length):
    return st.lists(st.tuples(st.integers(0, length), st.integers(0, length)).map(sorted).map(tuple), max_size=4)


@st.composite
def coverages(draw, min_annotators=2, max_annotators=4):
    length = draw(st.integers(1, 40))
    m = draw(st.integers(min_annotators, max_annotators))
    return length, [draw(spans_in(length)) for _ in range(m)]


def units(length, covs):
    sets = [{i for s, e in spans for i in range(s, e)} for spans in covs]
    return [[int(i in cov) for cov in sets] for i in range(length)]


@settings(max_examples=150, deadline=None)
@given(coverages(), st.randoms())
def test_statistics_are_symmetric_in_the_annotators(case, rnd):
    length, covs = case
    shuffled = list(covs)
    rnd.shuffle(shuffled)
    a, b = character_agreement(length, covs), character_agreement(length, shuffled)
    for x, y in ((a.alpha, b.alpha), (a.kappa, b.kappa), (a.observed, b.observed)):
        assert (x is None) == (y is None)
        if x is not None:
            assert x == pytest.approx(y)


@settings(max_examples=150, deadline=None)
@given(coverages())
def test_character_alpha_equals_the_general_alpha_on_the_explicit_matrix(case):
    length, covs = case
    result = character_agreement(length, covs)
    general = krippendorff_alpha_nominal(units(length, covs))
    assert (result.alpha is None) == (general is None)
    if general is not None:
        assert result.alpha == pytest.approx(general)
        assert result.alpha <= 1.0 + 1e-9


@settings(max_examples=150, deadline=None)
@given(coverages(2, 2))
def test_character_kappa_equals_kappa_of_the_explicit_confusion_table(case):
    length, covs = case
    table = [[0, 0], [0, 0]]
    for a, b in units(length, covs):
        table[1 - a][1 - b] += 1
    result = character_agreement(length, covs)
    expected = cohen_kappa(table)
    assert (result.kappa is None) == (expected is None)
    if expected is not None:
        assert result.kappa == pytest.approx(expected)
        assert result.observed == pytest.approx((table[0][0] + table[1][1]) / length)


# ------------------------------------------------------------- the store
def test_table_from_the_store_and_csv(store):
    doc = store.add_document(make_doc("abcdefghij", "Ten letters"))
    tags = {t.name: t.id for t in store.list_tags()}
    first, second = list(tags.values())[:2]
    store.add_claim(doc.id, 0, 4, [first], annotator="ann")
    store.add_claim(doc.id, 0, 2, [first], annotator="bob")
    store.add_claim(doc.id, 6, 8, [second], annotator="bob")
    lone = store.add_document(make_doc("only one annotator here", "Lone"))
    store.add_claim(lone.id, 0, 4, [first], annotator="ann")

    rows = agreement_table(store)
    assert [(r.document, r.tag_id) for r in rows] == [("Ten letters", first), ("Ten letters", second)]
    row = rows[0]
    assert row.annotators == ("ann", "bob") and row.characters == 10
    # table: both 2, ann only 2, bob only 0, neither 6: p_o = 0.8;
    # p_e = 0.4·0.2 + 0.6·0.8 = 0.56; kappa = 0.24/0.44 = 6/11
    assert row.observed == pytest.approx(0.8) and row.kappa == pytest.approx(6 / 11)
    # ann never used the second tag in this document: she covers nothing with it
    assert rows[1].kappa == pytest.approx(0.0) and rows[1].observed == pytest.approx(0.8)

    out = io.StringIO(newline="")
    assert export_agreement_csv(rows, out) == 2
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["annotators"] == "ann; bob" and parsed[0]["kappa"] == "0.5455"
    assert parsed[0]["observed_agreement"] == "0.8000"


# ------------------------------------------------- where they agree and differ
def runs(found):
    return [(s.start, s.end, s.covered_by, s.missing) for s in found]


def test_stretches_of_two_overlapping_annotators():
    # ann 2-8, bob 5-12: ann alone 2-5, both 5-8, bob alone 8-12.
    found = stretches(20, {"ann": [(2, 8)], "bob": [(5, 12)]}, "abcdefghijklmnopqrst")
    assert runs(found) == [(2, 5, ("ann",), ("bob",)), (5, 8, ("ann", "bob"), ()), (8, 12, ("bob",), ("ann",))]
    assert [s.quote for s in found] == ["cde", "fgh", "ijkl"]
    assert [s.agreed for s in found] == [False, True, False]


def test_stretches_of_disjoint_claims_and_an_annotators_own_overlaps():
    # ann's two claims overlap and touch: one run 0-6; bob's 8-10 is apart.
    found = stretches(12, {"ann": [(0, 4), (2, 5), (5, 6)], "bob": [(8, 10)]})
    assert runs(found) == [(0, 6, ("ann",), ("bob",)), (8, 10, ("bob",), ("ann",))]
    # identical coverage cut differently: one agreed run
    assert runs(stretches(10, {"ann": [(1, 3), (3, 7)], "bob": [(1, 7)]})) == [(1, 7, ("ann", "bob"), ())]
    assert stretches(10, {"ann": [], "bob": []}) == []
    # spans past the text are clipped, empty ones ignored
    assert runs(stretches(5, {"ann": [(3, 9), (4, 4)], "bob": []})) == [(3, 5, ("ann",), ("bob",))]


def test_stretches_of_three_annotators():
    # ann 0-6, bob 2-6, cy 4-8
    found = stretches(10, {"ann": [(0, 6)], "bob": [(2, 6)], "cy": [(4, 8)]})
    assert runs(found) == [
        (0, 2, ("ann",), ("bob", "cy")),
        (2, 4, ("ann", "bob"), ("cy",)),
        (4, 6, ("ann", "bob", "cy"), ()),
        (6, 8, ("cy",), ("ann", "bob")),
    ]


@settings(max_examples=150, deadline=None)
@given(coverages())
def test_stretches_partition_the_covered_characters(case):
    length, covs = case
    names = [f"a{i}" for i in range(len(covs))]
    found = stretches(length, dict(zip(names, covs)))
    per_char = {}
    for s in found:
        assert s.start < s.end and s.covered_by and set(s.covered_by) | set(s.missing) == set(names)
        for i in range(s.start, s.end):
            per_char[i] = set(s.covered_by)
    for a, b in zip(found, found[1:]):  # maximal: neighbours differ or are apart
        assert a.end <= b.start and (a.end < b.start or a.covered_by != b.covered_by)
    expected = {}
    for i, unit in enumerate(units(length, covs)):
        who = {n for n, v in zip(names, unit) if v}
        if who:
            expected[i] = who
    assert per_char == expected


def test_differences_from_the_store_count_code_points(store):
    # astral characters before and inside the claims: offsets are code points
    text = "\U0001F600ab \U0001D11Ecd efgh"
    doc = store.add_document(make_doc(text, "Astral"))
    assert doc.char_count == len(text) == 12
    first, second = [t.id for t in store.list_tags()[:2]]
    store.add_claim(doc.id, 1, 5, [first], annotator="bob")   # "ab 𝄞"
    store.add_claim(doc.id, 4, 7, [first, second], annotator="ann")  # "𝄞cd"
    store.add_claim(doc.id, 8, 12, [second], annotator="bob")

    found = differences(store, doc.id, first)
    assert found == [
        Stretch(1, 4, ("bob",), ("ann",), "ab "),
        Stretch(4, 5, ("ann", "bob"), (), "\U0001D11E"),
        Stretch(5, 7, ("ann",), ("bob",), "cd"),
    ]
    assert runs(differences(store, doc.id, second)) == [(4, 7, ("ann",), ("bob",)), (8, 12, ("bob",), ("ann",))]
    # a chosen set of annotators, one of whom never worked here
    assert runs(differences(store, doc.id, first, ["ann", "cy"])) == [(4, 7, ("ann",), ("cy",))]

    # a deleted claim no longer counts
    third = store.add_claim(doc.id, 0, 1, [first], annotator="cy")
    assert differences(store, doc.id, first)[0] == Stretch(0, 1, ("cy",), ("ann", "bob"), "\U0001F600")
    store.delete_claim(third.id)
    assert runs(differences(store, doc.id, first))[0] == (1, 4, ("bob",), ("ann",))
