"""Properties of anchors over hostile Unicode: what the store keeps, what the CSV
export gives back, and how quotes are found again."""

from __future__ import annotations

import csv
import hashlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop_app.core.anchoring import CONTEXT, anchor_at, anchor_quote, occurrences
from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize
from desktop_app.core.errors import InvalidInput
from desktop_app.core.export_csv import HEADER, ExportOptions, export_csv, guard_formula
from desktop_app.core.store import Store

SPECIAL = [
    "\U0001F600", "\U0001F469\U0001F3FD\u200D\U0001F4BB", "\U0001D518", "\U00020000",  # astral, ZWJ sequence
    "e\u0301", "\u0301", "a\u0308\u0323", "\u1100\u1161", "\uFE0F",  # combining marks, jamo, variation selector
    "\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627", "\u200F", "\u202E", "\u2066",  # RTL, controls
    "\n", "\r\n", "\r", "\t", "\u2028", "\x00", "\x85", "\ufeff", "\ufffe", "\ud800",  # line breaks, oddities
    " ", "\u00a0", '"', ",", "'", "=", "+", "-", "@", ";",  # CSV and formula characters
]

raw_text = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=8), st.characters()),
    min_size=1, max_size=60,
).map("".join)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                            HealthCheck.too_slow]
)


def make_doc(text: str) -> StructuredDocument:
    return StructuredDocument(
        text=text, blocks=blocks_for_lines(text), metadata=Metadata(title="Property"),
        source_format="text", encoding="utf-8", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


@pytest.fixture
def prop_store(tmp_path):
    """One database for all the examples of a test."""
    s = Store.open(tmp_path / "props.db", seed=False, annotator="hypothesis")
    yield s
    s.close()


@SETTINGS
@given(data=st.data(), raw=raw_text)
def test_stored_anchor_and_csv_round_trip(prop_store, tmp_path, data, raw):
    text = canonicalize(raw)
    assume(text.strip())  # the store refuses documents with no text
    store = prop_store
    doc = store.add_document(make_doc(text))
    assert store.document_text(doc.id) == text

    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(text)), label="end")
    note = data.draw(raw_text, label="note")
    stored_note = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in note)
    tag = store.resolve_tag(data.draw(st.sampled_from(["deepfakes", "salaries", "strikes"])))
    claim = store.add_claim(doc.id, start, end, [tag], note=note)

    for c in (claim, store.get_claim(claim.id)):
        assert (c.start, c.end) == (start, end)
        assert c.quote == text[start:end]
        assert c.prefix == text[max(0, start - CONTEXT) : start]
        assert c.suffix == text[end : end + CONTEXT]
        assert len(c.prefix) <= CONTEXT and len(c.suffix) <= CONTEXT
        assert c.note == stored_note  # a lone surrogate cannot be stored: it becomes U+FFFD
    assert c.prefix + c.quote + c.suffix in text

    for guard in (False, True):
        path = tmp_path / f"claim-{guard}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            assert export_csv(store, fh, ExportOptions(document_ids=[doc.id], formula_guard=guard)) == 1
        with open(path, encoding="utf-8", newline="") as fh:
            header, row = list(csv.reader(fh))
        assert header == list(HEADER)
        got = dict(zip(HEADER, row, strict=True))
        f = guard_formula if guard else (lambda v: v)
        assert got["quote"] == f(claim.quote)
        assert got["prefix"] == f(claim.prefix)
        assert got["suffix"] == f(claim.suffix)
        assert got["note"] == f(stored_note)
        assert (int(got["start"]), int(got["end"])) == (start, end)
        assert got["claim_id"] == claim.uuid


@SETTINGS
@given(data=st.data(), raw=raw_text)
def test_anchor_quote_finds_each_occurrence(data, raw):
    text = canonicalize(raw)
    assume(text)
    # Repeat a piece of the text so that quotes often occur more than once.
    times = data.draw(st.integers(1, 3), label="repeats")
    text = (text + data.draw(st.sampled_from(["", " ", "\n"]))) * times
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, min(len(text), start + 12)), label="end")
    quote = text[start:end]

    starts = occurrences(text, quote)
    assert starts == [i for i in range(len(text)) if text.startswith(quote, i)]  # overlapping ones too
    assert start in starts
    for n, pos in enumerate(starts, 1):
        a = anchor_quote(text, quote, n)
        assert (a.start, a.end, a.quote) == (pos, pos + len(quote), quote)
        assert a == anchor_at(text, pos, pos + len(quote))
    if len(starts) == 1:
        assert anchor_quote(text, quote).start == start
    else:
        with pytest.raises(InvalidInput, match="--occurrence"):
            anchor_quote(text, quote)
    for bad in (0, -1, len(starts) + 1):
        with pytest.raises(InvalidInput):
            anchor_quote(text, quote, bad)


@SETTINGS
@given(raw=raw_text, data=st.data())
def test_out_of_range_and_empty_spans_are_refused(raw, data):
    text = canonicalize(raw)
    n = len(text)
    start = data.draw(st.integers(-3, n + 3))
    end = data.draw(st.integers(-3, n + 3))
    if 0 <= start < end <= n:
        assert anchor_at(text, start, end).quote == text[start:end]
    else:
        with pytest.raises(InvalidInput):
            anchor_at(text, start, end)


def test_anchor_quote_edge_cases():
    with pytest.raises(InvalidInput, match="empty"):
        anchor_quote("abc", "")
    with pytest.raises(InvalidInput, match="not in the document"):
        anchor_quote("abc", "abd")
    assert occurrences("aaaa", "aa") == [0, 1, 2]
    assert anchor_quote("aaaa", "aa", 3).start == 2
    with pytest.raises(InvalidInput, match="3 times"):
        anchor_quote("aaaa", "aa")
    # Code points, not UTF-16 units or bytes.
    text = "\U0001F600x\U0001F600x"
    a = anchor_quote(text, "x", 2)
    assert (a.start, a.end, a.prefix) == (3, 4, "\U0001F600x\U0001F600")
    with pytest.raises(InvalidInput):
        anchor_at("abc", 1, 2.5)  # type: ignore[arg-type]
