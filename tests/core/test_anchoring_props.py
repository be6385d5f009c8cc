"""Properties of anchors over hostile Unicode: what the store keeps, what the CSV
export gives back, and how quotes are found again."""

from __future__ import annotations

import csv
import hashlib
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop_app.core.anchoring import CONTEXT, anchor_at, anchor_quote, occurrences
from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize
from desktop_app.core.errors import InvalidInput
from desktop_app.core.exchange.claims_csv import HEADER, ExportOptions, export_csv, guard_formula
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


# ------------------------------------------------- any quote, any replacement
def _variant(piece: str, how: str) -> str:
    """The same text as a user might type or paste it: decomposed, or with
    Windows line ends."""
    if how == "nfd":
        return unicodedata.normalize("NFD", piece)
    if how == "crlf":
        return piece.replace("\n", "\r\n")
    return piece


@SETTINGS
@given(raw=raw_text, data=st.data())
def test_any_quote_anchors_exactly_or_is_refused_plainly(raw, data):
    text = canonicalize(raw)
    assume(text)
    if data.draw(st.booleans(), label="piece of the text"):
        start = data.draw(st.integers(0, len(text) - 1))
        quote = text[start : data.draw(st.integers(start, min(len(text), start + 15)))]
    else:
        quote = data.draw(raw_text | st.just(""), label="any quote")
    occurrence = data.draw(st.none() | st.integers(-1, 4), label="occurrence")
    starts = occurrences(text, quote)
    try:
        a = anchor_quote(text, quote, occurrence)
    except InvalidInput as exc:
        assert str(exc) and "\n" not in str(exc).strip()
        assert not quote or not starts or (occurrence is None and len(starts) > 1) or not (
            occurrence is None or 1 <= occurrence <= len(starts))
        return
    assert quote and a.quote == quote == text[a.start : a.end]
    assert a.start == starts[(occurrence or 1) - 1]
    assert occurrence is not None or len(starts) == 1


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=raw_text, data=st.data())
def test_claim_add_on_the_command_line_anchors_any_quote_or_says_why(prop_store, capsys, monkeypatch, raw, data):
    """The command, in this process: the quote is read as the document's text
    is (NFC, newlines), found exactly, or refused in one line."""
    from desktop_app.cli import main as cli

    monkeypatch.setattr("desktop_app.core.logs.setup_logging", lambda *a, **k: None)  # leave pytest's logging be

    text = canonicalize(raw)
    assume(text.strip())
    doc = prop_store.add_document(make_doc(text))
    if data.draw(st.booleans(), label="piece of the text"):
        start = data.draw(st.integers(0, len(text) - 1))
        piece = text[start : data.draw(st.integers(start + 1, min(len(text), start + 15)))]
        quote = _variant(piece, data.draw(st.sampled_from(["same", "nfd", "crlf"])))
    else:
        quote = data.draw(raw_text, label="any quote")
    quote = quote.replace("\x00", "")  # a command line cannot hold NUL
    occurrence = data.draw(st.none() | st.integers(-1, 4), label="occurrence")
    argv = ["claim", "add", "--db", str(prop_store.path), str(doc.id), f"--quote={quote}", "--json"]
    if occurrence is not None:
        argv.append(f"--occurrence={occurrence}")
    capsys.readouterr()
    code = cli.run(argv)
    out, err = capsys.readouterr()

    wanted = canonicalize(quote)
    starts = occurrences(text, wanted)
    found = bool(wanted) and bool(starts) and (
        len(starts) == 1 if occurrence is None else 1 <= occurrence <= len(starts))
    if not found:
        assert code == 1 and out == "", out
        assert err.startswith("marginalia: ") and err.count("\n") == 1 and "unexpected" not in err, err
        return
    assert code == 0, err
    claim = json.loads(out)
    start = starts[(occurrence or 1) - 1]
    assert (claim["start"], claim["end"], claim["quote"]) == (start, start + len(wanted), wanted)
    assert claim["prefix"] == text[max(0, start - CONTEXT) : start]
    assert claim["suffix"] == text[start + len(wanted) : start + len(wanted) + CONTEXT]


@st.composite
def edits(draw, text: str) -> str:
    """A new version of ``text``: a few insertions, deletions and replacements,
    or now and then an entirely different text."""
    if draw(st.integers(0, 5)) == 0:
        return canonicalize(draw(raw_text))
    new = text
    for _ in range(draw(st.integers(0, 5))):
        pos = draw(st.integers(0, len(new)))
        cut = draw(st.integers(0, 12))
        piece = canonicalize(draw(st.sampled_from(SPECIAL) | st.text(max_size=8)))
        new = new[:pos] + piece + new[pos + cut :] if draw(st.booleans()) else new[:pos] + new[pos + cut :]
    return canonicalize(new)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=raw_text, data=st.data())
def test_replacing_a_text_never_loses_a_claim(prop_store, raw, data):
    s = prop_store
    text = canonicalize(raw)
    assume(text.strip())
    doc = s.add_document(make_doc(text))
    tags = [s.resolve_tag(n) for n in ("deepfakes", "salaries", "strikes")]
    for i in range(data.draw(st.integers(1, 5), label="claims")):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        claim = s.add_claim(doc.id, start, end, tags[: i % 4], note=f"note {i}")
        if data.draw(st.integers(0, 4)) == 0:
            s.delete_claim(claim.id)  # claims in the bin are placed again too

    versions = [text]
    for _round in range(2):  # a second replacement: orphans of the first stay orphans
        before = {c.id: c for c in s.list_claims(document_ids=[doc.id], include_deleted=True)}
        new = data.draw(edits(versions[-1]), label="new text")
        if not new.strip():
            with pytest.raises(InvalidInput):
                s.replace_document(doc.id, make_doc(new))
            continue
        result, replaced_from = s.replace_document(doc.id, make_doc(new)), before
        versions.append(new)
        assert s.document_text(doc.id) == new
        after = {c.id: c for c in s.list_claims(document_ids=[doc.id], include_deleted=True)}
        assert sorted(after) == sorted(before)
        assert result.unchanged + result.moved + result.changed + result.orphaned == len(before)
        assert sum(c.orphaned for c in after.values()) == result.orphaned
        for cid, c in after.items():
            old = before[cid]
            assert (c.note, c.tag_ids, c.deleted, c.status) == (old.note, old.tag_ids, old.deleted, old.status)
            if c.orphaned:
                assert (c.quote, c.start, c.end) == (old.quote, old.start, old.end)  # kept for re-attaching
            else:
                assert not old.orphaned
                assert 0 <= c.start < c.end <= len(new) and new[c.start : c.end] == c.quote
                assert c.prefix == new[max(0, c.start - CONTEXT) : c.start]
                assert c.suffix == new[c.end : c.end + CONTEXT]
    if len(versions) > 1:  # and the last replacement can be undone exactly
        s.undo_replace(result)
        assert s.document_text(doc.id) == versions[-2]
        undone = {c.id: c for c in s.list_claims(document_ids=[doc.id], include_deleted=True)}
        assert {i: (c.start, c.end, c.quote, c.prefix, c.suffix, c.orphaned) for i, c in undone.items()} == {
            i: (c.start, c.end, c.quote, c.prefix, c.suffix, c.orphaned) for i, c in replaced_from.items()}
