"""CSV export: the exact columns, quoting, the formula guard, filters, and memory."""

from __future__ import annotations

import csv
import gc
import io
import tracemalloc
from datetime import datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop_app.core.document import canonicalize
from desktop_app.core.errors import Conflict, InvalidInput
from desktop_app.core.exchange.claims_csv import HEADER, ExportOptions, export_csv, guard_formula
from desktop_app.core.store import Store
from conftest import make_doc

EXPECTED_HEADER = (
    "claim_id,document_id,document_title,document_source,document_published,tags,quote,prefix,suffix,"
    "start,end,note,status,annotator,created_at,updated_at,linked_claims,page,retrieved_at"
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def export_to_file(store, path, **options) -> tuple[bytes, list[list[str]]]:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        export_csv(store, fh, ExportOptions(**options))
    data = path.read_bytes()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return data, rows


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    assert rows[0] == list(HEADER)
    return [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]


def test_header_is_exact(empty_store, tmp_path):
    assert ",".join(HEADER) == EXPECTED_HEADER
    data, rows = export_to_file(empty_store, tmp_path / "out.csv")
    assert data == (EXPECTED_HEADER + "\r\n").encode()
    assert rows == [list(HEADER)]


def test_every_field_of_every_row(empty_store, tmp_path):
    s = empty_store
    text = 'He said "no", twice, then left.\nSecond line, with a comma and “curly” quotes 🎬.'
    d1 = s.add_document(make_doc(text, "Title, with \"quotes\"", source_url="https://example.org/a?b=1,2",
                                 published="2023-08-01"))
    d2 = s.add_document(make_doc("Only a file name here.", "Second"), original_name="notes.md")
    beta, alpha, gamma = s.add_tag("beta"), s.add_tag("Alpha"), s.add_tag("gamma")
    q1 = text.index('"no"')
    c1 = s.add_claim(d1.id, q1, q1 + 4, [gamma.id, beta.id, alpha.id], note='line 1\nline "2", end', status="disputed")
    q2 = text.index("curly")
    c2 = s.add_claim(d1.id, q2 - 1, q2 + 8, [], annotator="Zoë")
    c3 = s.add_claim(d2.id, 0, 4, [beta.id], note="\r\nCRLF inside")

    _, rows = export_to_file(s, tmp_path / "out.csv")
    got = as_dicts(rows)
    assert [r["claim_id"] for r in got] == [c1.uuid, c2.uuid, c3.uuid]
    docs = {d1.id: s.get_document(d1.id), d2.id: s.get_document(d2.id)}
    names = {t.id: t.name for t in s.list_tags()}
    for row, claim in zip(got, (s.get_claim(c1.id), s.get_claim(c2.id), s.get_claim(c3.id))):
        doc = docs[claim.document_id]
        expected = {
            "claim_id": claim.uuid,
            "document_id": str(doc.id),
            "document_title": doc.title,
            "document_source": doc.source_url or doc.original_name,
            "document_published": doc.published,
            "tags": "; ".join(sorted((names[t] for t in claim.tag_ids), key=str.casefold)),
            "quote": claim.quote,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
            "start": str(claim.start),
            "end": str(claim.end),
            "note": guard_formula(claim.note),
            "status": claim.status,
            "annotator": claim.annotator,
            "created_at": claim.created_at.isoformat(timespec="seconds"),
            "updated_at": claim.updated_at.isoformat(timespec="seconds"),
            "linked_claims": "",
            "page": "",  # not a paged source
            "retrieved_at": "",  # no original kept
        }
        assert row == expected
        stamp = datetime.fromisoformat(row["created_at"])
        assert stamp.tzinfo is not None
        assert abs((stamp - claim.created_at).total_seconds()) < 1
    assert got[0]["tags"] == "Alpha; beta; gamma"
    assert got[0]["quote"] == '"no"' and got[0]["note"] == 'line 1\nline "2", end'
    assert got[0]["document_title"] == 'Title, with "quotes"'
    assert got[1]["tags"] == "" and got[1]["annotator"] == "Zoë"
    assert got[2]["document_source"] == "notes.md" and got[2]["document_published"] == ""
    assert got[2]["note"] == "'\r\nCRLF inside"  # starts with CR: guarded, and kept whole


def test_rfc4180_line_ends_and_quoting(empty_store, tmp_path):
    s = empty_store
    doc = s.add_document(make_doc("plain words here"))
    s.add_claim(doc.id, 0, 5, note='a "quoted" note\nsecond line')
    s.add_claim(doc.id, 6, 11, note="simple")
    data, rows = export_to_file(s, tmp_path / "out.csv")
    text = data.decode("utf-8")
    records = text.split("\r\n")
    assert records[-1] == ""  # ends with CRLF
    assert len(records) == 1 + 2 + 1  # the newline inside the note is not a record end
    assert '"a ""quoted"" note\nsecond line"' in text  # doubled quotes, newline kept inside the quotes
    assert text.count("\n") == text.count("\r\n") + 1  # the only bare LF is the one inside the note
    assert as_dicts(rows)[0]["note"] == 'a "quoted" note\nsecond line'


def test_excel_adds_a_byte_order_mark_only_when_asked(empty_store, tmp_path):
    s = empty_store
    doc = s.add_document(make_doc("Zürich café ☕"))
    s.add_claim(doc.id, 0, 6)
    plain, _ = export_to_file(s, tmp_path / "a.csv")
    excel, rows = export_to_file(s, tmp_path / "b.csv", excel=True)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel.startswith(b"\xef\xbb\xbf") and excel.count(b"\xef\xbb\xbf") == 1
    assert excel[3:] == plain
    assert plain.split(b"\r\n")[0] == EXPECTED_HEADER.encode()
    assert as_dicts(rows)[0]["quote"] == "Zürich"
    assert "Zürich".encode() in plain  # UTF-8, not another encoding


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_formula_guard_for_every_trigger_and_text_column(empty_store, tmp_path, trigger):
    s = empty_store
    # Titles and tag names are trimmed of spaces, tabs and newlines, so only the
    # visible triggers can start them; notes, annotators and quotes take any.
    visible = trigger not in "\t\r"
    title = f"{trigger}HYPERLINK(\"http://x\")" if visible else "Plain title"
    text = canonicalize(f"{trigger}SUM(A1:A9) in a quote\nmore")
    doc = s.add_document(make_doc(text, title, published=f"{trigger}2023" if visible else "2023",
                                  source_url=f"{trigger}cmd" if visible else ""))
    tag = s.add_tag(f"{trigger}tag" if visible else "tag")
    quote_start = 0 if text[0] == trigger else 1  # "\r" is not in canonical text; quote then starts after it
    s.add_claim(doc.id, quote_start, text.index(" in"), [tag.id], note=f"{trigger}note", annotator=f"{trigger}me")
    claim = s.list_claims()[0]

    _, guarded = export_to_file(s, tmp_path / "guarded.csv")
    _, raw = export_to_file(s, tmp_path / "raw.csv", formula_guard=False)
    g, r = as_dicts(guarded)[0], as_dicts(raw)[0]

    assert r["note"] == f"{trigger}note" and g["note"] == f"'{trigger}note"
    assert r["annotator"] == f"{trigger}me" and g["annotator"] == f"'{trigger}me"
    assert r["quote"] == claim.quote
    assert g["quote"] == ("'" + claim.quote if claim.quote[0] in TRIGGERS else claim.quote)
    if visible:
        assert g["quote"] == "'" + claim.quote
        for column, value in (("document_title", title), ("tags", f"{trigger}tag"),
                              ("document_published", f"{trigger}2023"), ("document_source", f"{trigger}cmd")):
            assert r[column] == value, column
            assert g[column] == "'" + value, column
    # Numbers, ids, statuses and timestamps are never changed.
    for column in ("claim_id", "document_id", "start", "end", "status", "created_at", "updated_at"):
        assert g[column] == r[column]


def test_formula_guard_leaves_harmless_cells_alone():
    for value in ("a=b", "1+1", "'=x", "", "e-mail", "hello@x", "   ", "\u00a0", " a =b", "\u3000text",
                  "x\u00a0=1", "😀=1"):
        assert guard_formula(value) == value
    for t in TRIGGERS:
        assert guard_formula(t) == "'" + t
        assert guard_formula(t + t) == "'" + t + t


LEADING = [" ", "   ", "\t ", "\u00a0", "\u2007", "\u202f", "\u3000", "\u200b", "\ufeff", "\n", " \u00a0\t",
           "\u2028", "\u200e"]


def _hidden_trigger(value: str) -> bool:
    """A formula sign after characters a spreadsheet skips (spaces of any
    kind, line breaks, invisible format characters)."""
    import unicodedata

    rest = value.lstrip("".join(c for c in set(value) if c.isspace() or unicodedata.category(c) in ("Cf", "Cc")))
    return rest != value and rest.startswith(TRIGGERS + FULL_WIDTH)


FULL_WIDTH = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠


@pytest.mark.parametrize("lead", LEADING)
def test_formula_guard_sees_through_leading_spaces(empty_store, tmp_path, lead):
    """A note "   =HYPERLINK(…)" was written as it is: a spreadsheet skips the
    spaces and runs the formula."""
    for sign in ("=", "+", "-", "@"):
        assert guard_formula(f"{lead}{sign}HYPERLINK(\"http://x\")") == f"'{lead}{sign}HYPERLINK(\"http://x\")"
    s = empty_store
    doc = s.add_document(make_doc("Some quoted text here.", "Title"))
    note = f'{lead}=HYPERLINK("http://evil.example","click")'
    s.add_claim(doc.id, 0, 4, note=note, annotator=f"{lead}@me")
    _, guarded = export_to_file(s, tmp_path / "guarded.csv")
    _, raw = export_to_file(s, tmp_path / "raw.csv", formula_guard=False)
    g, r = as_dicts(guarded)[0], as_dicts(raw)[0]
    assert g["note"] == "'" + note and r["note"] == note
    assert g["annotator"] == f"'{lead}@me"


def test_formula_guard_full_width_signs():
    for sign in FULL_WIDTH:
        assert guard_formula(f"{sign}SUM(A1:A9)") == f"'{sign}SUM(A1:A9)"
        assert guard_formula(f"\u3000{sign}1") == f"'\u3000{sign}1"
    assert guard_formula("\uff21\uff22") == "\uff21\uff22"  # full-width letters are text


def test_links_csv_guards_leading_spaces_too(empty_store, tmp_path):
    from desktop_app.core.exchange.links_csv import export_links_csv

    s = empty_store
    one = s.add_document(make_doc("First claim.", "One"))
    two = s.add_document(make_doc("Second claim.", "Two"))
    a = s.add_claim(one.id, 0, 5)
    b = s.add_claim(two.id, 0, 6)
    s.add_link(a.id, b.id, "corroborates", note="  =cmd|' /C calc'!A0")
    out = io.StringIO()
    export_links_csv(s, out, ExportOptions())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["note"] == "'  =cmd|' /C calc'!A0"


def test_filters(empty_store, tmp_path):
    s = empty_store
    d1 = s.add_document(make_doc("alpha beta gamma delta", "One"))
    d2 = s.add_document(make_doc("epsilon zeta eta theta", "Two"))
    deep, pay, strike = (s.resolve_tag(n) for n in ("deepfakes", "salaries", "strikes"))
    c = [
        s.add_claim(d1.id, 0, 5, [deep]),
        s.add_claim(d1.id, 6, 10, [pay, strike], status="supported"),
        s.add_claim(d2.id, 0, 7, [strike], status="refuted"),
        s.add_claim(d2.id, 8, 12, []),
        s.add_claim(d2.id, 13, 16, [deep, pay], status="supported"),
    ]
    deleted = s.add_claim(d1.id, 11, 16, [deep])
    s.delete_claim(deleted.id)

    def ids(**options):
        _, rows = export_to_file(s, tmp_path / "f.csv", **options)
        return [r["claim_id"] for r in as_dicts(rows)]

    uuid = [x.uuid for x in c]
    assert ids() == uuid
    assert ids(tag_ids=[deep]) == [uuid[0], uuid[4]]
    assert ids(tag_ids=[pay, strike]) == [uuid[1], uuid[2], uuid[4]]  # any of; each claim once
    assert ids(document_ids=[d2.id]) == uuid[2:]
    assert ids(statuses=["supported"]) == [uuid[1], uuid[4]]
    assert ids(statuses=["supported", "refuted"]) == [uuid[1], uuid[2], uuid[4]]
    assert ids(tag_ids=[pay], document_ids=[d2.id], statuses=["supported"]) == [uuid[4]]
    assert ids(tag_ids=[strike], statuses=["unverified"]) == []
    assert ids(document_ids=[d1.id, d2.id]) == uuid
    with pytest.raises(InvalidInput):
        ids(statuses=["bogus"])

    s.delete_document(d2.id, with_claims=True)
    assert ids() == uuid[:2]


def test_export_returns_the_row_count(empty_store):
    s = empty_store
    doc = s.add_document(make_doc("x y z"))
    s.add_claims_bulk(doc.id, [(0, 1), (2, 3), (4, 5)])
    out = io.StringIO(newline="")
    assert export_csv(s, out, ExportOptions()) == 3
    assert out.getvalue().count("\r\n") == 4


def _store_with_claims(path, n: int) -> Store:
    store = Store.open(path, seed=False, annotator="bulk")
    text = "\n".join(f"Line {i:05d}: =a formula-looking claim, \"quoted\", with ümlauts 🎬" for i in range(n))
    doc = store.add_document(make_doc(text, "Bulk"))
    line = len(text.split("\n")[0]) + 1
    spans = [(i * line, i * line + line - 1) for i in range(n)]
    tags = [store.resolve_tag("deepfakes"), store.resolve_tag("strikes")]
    assert store.add_claims_bulk(doc.id, spans, tags) == n
    return store


def _export_peak(store, path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            count = export_csv(store, fh, ExportOptions())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


@pytest.mark.slow
def test_memory_stays_flat_while_exporting(tmp_path):
    small = _store_with_claims(tmp_path / "small.db", 2_000)
    large = _store_with_claims(tmp_path / "large.db", 20_000)
    try:
        n_small, peak_small = _export_peak(small, tmp_path / "small.csv")
        n_large, peak_large = _export_peak(large, tmp_path / "large.csv")
    finally:
        small.close()
        large.close()
    assert (n_small, n_large) == (2_000, 20_000)
    size = (tmp_path / "large.csv").stat().st_size
    assert size > 4_000_000  # the export itself is large...
    assert peak_large < 15 * 1024 * 1024  # ...but memory is not
    assert peak_large < 2 * peak_small + 2 * 1024 * 1024, (peak_small, peak_large)
    with open(tmp_path / "large.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 20_001 and rows[-1][5] == "deepfakes; strikes"


def test_export_sees_one_moment_while_another_window_writes(empty_store, store_target, tmp_path):
    """A document, tag and claim committed by another window while the export
    runs are either wholly in it or wholly out of it, never half."""
    s = empty_store
    doc = s.add_document(make_doc("first document text", "First"))
    s.add_claims_bulk(doc.id, [(0, 5), (6, 14)], [s.resolve_tag("deepfakes")])
    real_iter = s.iter_export_rows
    calls = []

    def iter_claims_after_another_window_wrote(*args, **kwargs):
        with Store.open(store_target, annotator="other window") as other:
            new_doc = other.add_document(make_doc("written meanwhile", "Meanwhile"))
            new_tag = other.add_tag("new tag")
            other.add_claim(new_doc.id, 0, 7, [new_tag.id])
            other.set_claim_note(1, "changed meanwhile")
        calls.append(1)
        yield from real_iter(*args, **kwargs)

    s.iter_export_rows = iter_claims_after_another_window_wrote
    try:
        _, rows = export_to_file(s, tmp_path / "out.csv")
    finally:
        del s.iter_export_rows
    assert calls
    got = as_dicts(rows)
    assert [r["document_title"] for r in got] == ["First", "First"]
    assert got[0]["note"] == ""  # as it was when the export began
    _, rows = export_to_file(s, tmp_path / "after.csv")
    got = as_dicts(rows)
    assert [r["document_title"] for r in got] == ["First", "First", "Meanwhile"]
    assert got[2]["tags"] == "new tag" and got[0]["note"] == "changed meanwhile"


# ------------------------------------------------------------ round trip fuzz
_CELL_PIECES = ['"', '""', ",", "\n", "\r", "\r\n", "\t", "=", "+", "-", "@", "'", ";", " ", "\u00a0", "\ufeff",
                "\u2028", "\x85", "\x1b", "é", "e\u0301", "😀", "שלום", "=SUM(A1)", "+cmd|' /C calc'!A0"]
# Any text without NUL (which no CSV reader takes) or lone surrogates (which no file can hold).
cells = st.lists(
    st.one_of(st.sampled_from(_CELL_PIECES),
              st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=6)),
    max_size=10,
).map("".join)


@pytest.fixture
def fuzz_store(tmp_path):
    """One database for all the examples of the test."""
    s = Store.open(tmp_path / "fuzz.db", seed=False, annotator="fuzz")
    yield s
    s.close()


def _read_back(store, doc_id: int, guard: bool) -> dict[str, str]:
    out = io.StringIO(newline="")
    assert export_csv(store, out, ExportOptions(document_ids=[doc_id], formula_guard=guard)) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 2 and rows[0] == list(HEADER)
    return dict(zip(HEADER, rows[1], strict=True))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=cells, text=cells, note=cells, annotator=cells, tag_names=st.lists(cells, max_size=3), data=st.data())
def test_any_text_survives_the_csv_round_trip(fuzz_store, title, text, note, annotator, tag_names, data):
    s = fuzz_store
    text = canonicalize(text)
    assume(text.strip())
    tag_ids = []
    for name in tag_names:
        try:
            tag_ids.append(s.add_tag(name).id)
        except InvalidInput:  # blank, too long or with ';' (the separator of the tags column)
            assert not " ".join(name.split()) or ";" in name or len(" ".join(name.split())) > 200
        except Conflict:  # the same name as a tag of an earlier example
            tag_ids.append(s.resolve_tag(name))
    doc = s.add_document(make_doc(text, title))
    assert doc.title == (title.strip() or "Untitled")
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(text)), label="end")
    claim = s.add_claim(doc.id, start, end, tag_ids, note=note, annotator=annotator)
    assert (claim.note, claim.annotator, claim.quote) == (note, annotator, text[start:end])
    names = sorted((t.name for t in s.list_tags() if t.id in set(tag_ids)), key=str.casefold)
    expected = {
        "document_title": doc.title, "tags": "; ".join(names), "quote": claim.quote, "prefix": claim.prefix,
        "suffix": claim.suffix, "note": note, "annotator": annotator,
    }

    raw = _read_back(s, doc.id, guard=False)
    guarded = _read_back(s, doc.id, guard=True)
    for column, value in expected.items():
        assert raw[column] == value, column
        if value.startswith(TRIGGERS + FULL_WIDTH) or _hidden_trigger(value):
            assert guarded[column] == "'" + value, column
        else:
            assert guarded[column] == value, column
    assert raw["tags"].split("; ") == (names or [""])
    for column in ("claim_id", "document_id", "start", "end", "status", "created_at", "updated_at"):
        assert guarded[column] == raw[column]
    assert (int(raw["start"]), int(raw["end"])) == (start, end)
