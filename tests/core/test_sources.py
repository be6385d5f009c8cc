"""The source as read (bytes, type, name or address, retrieval time), page
starts, and highlights found in a file, kept by the store on both backends and
carried by the exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from conftest import make_doc
from desktop_app.core.document import OfferedClaim, SourceFile, StructuredDocument, page_label, page_of
from desktop_app.core.errors import InvalidInput
from desktop_app.core.exchange.claims_csv import HEADER, ExportOptions, export_csv
from desktop_app.core.exchange.report import export_report
from desktop_app.core.exchange.w3c import export_w3c
from desktop_app.core.exchange.xlsx import export_xlsx
from desktop_app.core.store.claims import IMPORTED_COLOR

# three pages; page 2 starts inside the second line, page 3 at the third line
PAGED_TEXT = "Page one says 🦜 hello.\nThe report 𝔘 continues here and\nturns to page three at last."
PAGE_TWO = PAGED_TEXT.index("continues")
PAGE_THREE = PAGED_TEXT.index("turns")
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00\x01 binary \xff\xfe body\n%%EOF\n"


def paged_doc(text: str = PAGED_TEXT, *, data: bytes = PDF_BYTES, **source) -> StructuredDocument:
    doc = make_doc(text, "Annual report 🦜")
    doc.source_format = "pdf"
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.pages = [0, PAGE_TWO, PAGE_THREE] if text == PAGED_TEXT else [0]
    fields = {"media_type": "application/pdf", "file_name": "report 🦜.pdf", "retrieved_at": "2026-12-06T14:02:11Z"}
    fields.update(source)
    doc.original = SourceFile(data, **fields)
    return doc


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


# ------------------------------------------------------------------ pages
def test_page_of_and_page_label():
    pages = [0, 10, 20]
    assert [page_of(pages, o) for o in (0, 9, 10, 19, 20, 99)] == [1, 1, 2, 2, 3, 3]
    assert page_label(pages, 2, 8) == "1"
    assert page_label(pages, 2, 10) == "1"  # ends right before page 2 starts
    assert page_label(pages, 2, 11) == "1\u20132"
    assert page_label(pages, 5, 25) == "1\u20133"
    assert page_label([], 2, 11) == "" and page_of([], 5) == 0


def test_pages_are_kept_in_the_structure_and_old_structures_still_load():
    doc = paged_doc()
    data = doc.structure_json()
    assert data.startswith('{"v":1,"pages":[0,')
    assert StructuredDocument.pages_from_json(data) == doc.pages
    assert StructuredDocument.structure_from_json(data) == (doc.blocks, doc.spans)
    plain = make_doc("no pages here")
    assert '"pages"' not in plain.structure_json()
    assert StructuredDocument.pages_from_json(plain.structure_json()) == []
    # written in another key order: still read
    other = json.dumps({"blocks": [], "spans": [], "pages": [0, 4], "v": 1})
    assert StructuredDocument.pages_from_json(other) == [0, 4]
    bad = paged_doc()
    bad.pages = [0, PAGE_THREE, PAGE_TWO]
    with pytest.raises(ValueError):
        bad.check()
    bad.pages = [3]
    with pytest.raises(ValueError):
        bad.check()


def test_a_paged_document_keeps_its_source_and_claims_know_their_page(empty_store):
    s = empty_store
    row = s.add_document(paged_doc(), original_name="report 🦜.pdf")
    source = s.document_source(row.id)
    assert source.data == PDF_BYTES and source.size == len(PDF_BYTES)
    assert (source.media_type, source.file_name, source.address) == ("application/pdf", "report 🦜.pdf", "")
    assert source.retrieved_at == datetime(2026, 12, 6, 14, 2, 11, tzinfo=timezone.utc)
    assert source.version == 1 and source.document_id == row.id
    assert s.document_source(row.id, with_data=False).data is None
    assert s.document_sources() == {row.id: s.document_source(row.id, with_data=False)}
    loaded = s.load_document(row.id)
    assert loaded.pages == [0, PAGE_TWO, PAGE_THREE] and s.document_pages(row.id) == loaded.pages
    loaded.check()

    first = s.add_claim(row.id, *span(PAGED_TEXT, "says 🦜 hello"))
    across = s.add_claim(row.id, *span(PAGED_TEXT, "report 𝔘 continues"))
    last = s.add_claim(row.id, *span(PAGED_TEXT, "page three"))
    assert (first.page, across.page, last.page) == ("1", "1\u20132", "3")
    assert s.get_claim(across.id).page == "1\u20132"
    assert {c.id: c.page for c in s.claims_for_document(row.id)} == {first.id: "1", across.id: "1\u20132", last.id: "3"}
    assert {c.page for c in s.list_claims()} == {"1", "1\u20132", "3"}

    plain = s.add_document(make_doc("A text without pages."))
    assert s.document_source(plain.id) is None and s.document_pages(plain.id) == []
    assert s.add_claim(plain.id, 2, 6).page == ""


def test_a_web_page_keeps_its_address_and_a_source_without_a_time_gets_the_import_time(empty_store):
    s = empty_store
    html = "<html><body><p>Said 🎬 today</p></body></html>".encode()
    doc = make_doc("Said 🎬 today")
    doc.original = SourceFile(html, media_type="text/html", address="https://example.org/a?b=1")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    row = s.add_document(doc)
    source = s.document_source(row.id)
    assert source.data == html and source.address == "https://example.org/a?b=1" and source.file_name == ""
    assert before <= source.retrieved_at <= datetime.now(timezone.utc)


def test_a_source_that_is_not_bytes_is_refused_and_nothing_is_added(empty_store):
    s = empty_store
    doc = paged_doc()
    doc.original = SourceFile("text, not bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        s.add_document(doc)
    assert s.list_documents() == []


def test_replacing_keeps_each_version_with_its_own_source_and_undo_puts_it_back(empty_store, raw_sql):
    s = empty_store
    row = s.add_document(paged_doc())
    claim = s.add_claim(row.id, *span(PAGED_TEXT, "page three"))
    v2_bytes = b"%PDF-1.7\nsecond version\n"
    new_text = "A new first page.\n" + PAGED_TEXT
    new = paged_doc(new_text, data=v2_bytes, file_name="report v2.pdf", retrieved_at="2026-12-07T09:00:00+01:00")
    new.pages = [0, len("A new first page.\n")]
    result = s.replace_document(row.id, new)
    source = s.document_source(row.id)
    assert source.data == v2_bytes and source.version == 2 and source.file_name == "report v2.pdf"
    assert source.retrieved_at == datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    assert s.get_claim(claim.id).page == "2"  # pages of the new version
    assert raw_sql("SELECT version FROM document_sources WHERE document_id = ? ORDER BY version", row.id) == [(1,), (2,)]
    s.undo_replace(result)
    assert s.document_source(row.id).data == PDF_BYTES
    assert s.get_claim(claim.id).page == "3"
    assert raw_sql("SELECT version FROM document_sources WHERE document_id = ?", row.id) == [(1,)]

    # a new version without a source of its own: there is none for the current text
    result = s.replace_document(row.id, make_doc(new_text))
    assert s.document_source(row.id) is None and s.document_pages(row.id) == []
    assert s.get_claim(claim.id).page == ""
    s.undo_replace(result)
    assert s.document_source(row.id).data == PDF_BYTES


# -------------------------------------------------------------- highlights
def test_offered_highlights_become_tagged_claims_in_one_transaction(empty_store):
    s = empty_store
    row = s.add_document(paged_doc())
    assert "imported" not in {t.name for t in s.list_tags()}
    hello = span(PAGED_TEXT, "says 🦜 hello")
    cont = span(PAGED_TEXT, "continues here")
    offered = [
        OfferedClaim(*hello, quote="says 🦜 hello", note="check 🔎", author="Ana", page=1),
        # offsets off by a few: placed by its quote at the nearest occurrence
        OfferedClaim(cont[0] + 3, cont[1] + 3, quote="continues here", kind="underline"),
        OfferedClaim(0, 5, quote="not in the text at all"),
        OfferedClaim(10, 5000, quote=""),  # out of range, no quote: skipped
    ]
    before = s.count_claims()
    result = s.add_offered_claims(row.id, offered)
    assert result.skipped == 2 and len(result.claim_ids) == 2 and result.tag_created
    tag = s.get_tag(result.tag_id)
    assert tag.name == "imported" and tag.color == IMPORTED_COLOR
    made = [s.get_claim(i) for i in result.claim_ids]
    assert [(c.start, c.end, c.quote) for c in made] == [(*hello, "says 🦜 hello"), (*cont, "continues here")]
    assert made[0].note == "check 🔎" and made[0].annotator == "Ana" and made[1].annotator == "tester"
    assert all(c.tag_ids == (tag.id,) for c in made)
    assert made[0].prefix == PAGED_TEXT[: hello[0]] and made[0].suffix.startswith(".\nThe report")
    assert (made[0].page, made[1].page) == ("1", "2")
    assert s.count_claims() == before + 2

    # a named tag that exists is used as it is
    again = s.add_offered_claims(row.id, offered[:1], tag_name="Salaries")
    assert not again.tag_created and again.tag_id == s.resolve_tag("salaries")


def test_offered_highlights_are_all_or_nothing(empty_store, monkeypatch):
    s = empty_store
    row = s.add_document(paged_doc())
    tags_before = s.list_tags()
    with pytest.raises(InvalidInput):
        s.add_offered_claims(row.id, [OfferedClaim(0, 4, quote="Page")], tag_name="bad;name")
    real = s.add_claim
    calls = []

    def failing_second(*args, **kwargs):  # the database refusing one claim half-way
        calls.append(args)
        if len(calls) == 2:
            raise InvalidInput("refused")
        return real(*args, **kwargs)

    monkeypatch.setattr(s, "add_claim", failing_second)
    with pytest.raises(InvalidInput):
        s.add_offered_claims(row.id, [OfferedClaim(0, 4, quote="Page"), OfferedClaim(5, 8, quote="one")],
                             tag_name="fresh")
    assert len(calls) == 2
    assert s.list_claims() == []
    assert s.list_tags() == tags_before  # the new tag went with the claims


# ----------------------------------------------------------------- exports
@pytest.fixture
def exported(empty_store):
    s = empty_store
    row = s.add_document(paged_doc())
    s.add_claim(row.id, *span(PAGED_TEXT, "report 𝔘 continues"), [s.resolve_tag("strikes")], note="=1+1")
    s.add_claim(row.id, *span(PAGED_TEXT, "page three"))
    plain = s.add_document(make_doc("Plain text, no pages."))
    s.add_claim(plain.id, 0, 5)
    return s, row.id, plain.id


def test_csv_appends_page_and_retrieval_time(exported, tmp_path):
    s, paged, plain = exported
    assert HEADER[-2:] == ("page", "retrieved_at") and HEADER[16] == "linked_claims"
    out = io.StringIO(newline="")
    export_csv(s, out, ExportOptions())
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == list(HEADER)
    got = [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]
    assert [(r["document_id"], r["quote"], r["page"], r["retrieved_at"]) for r in got] == [
        (str(paged), "report 𝔘 continues", "1\u20132", "2026-12-06T14:02:11+00:00"),
        (str(paged), "page three", "3", "2026-12-06T14:02:11+00:00"),
        (str(plain), "Plain", "", ""),
    ]
    assert got[0]["note"] == "'=1+1"  # the columns before keep their values


def test_xlsx_and_report_show_the_page(exported, tmp_path):
    s, _paged, _plain = exported
    path = tmp_path / "claims.xlsx"
    export_xlsx(s, path, ExportOptions())
    sheet = load_workbook(path, read_only=True)["Claims"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = rows[0]
    rows = [r + [None] * (len(head) - len(r)) for r in rows]  # empty cells at a row's end are not stored
    assert head[: len(HEADER)] == list(HEADER)
    page, when = head.index("page"), head.index("retrieved_at")
    assert [(r[6], r[page], r[when]) for r in rows[1:]] == [
        ("report 𝔘 continues", "1\u20132", "2026-12-06T14:02:11+00:00"),
        ("page three", "3", "2026-12-06T14:02:11+00:00"),
        ("Plain", None, None),
    ]
    out = io.StringIO()
    export_report(s, out, ExportOptions())
    report = out.getvalue()
    assert "p\\. 1\u20132 · status: unverified" in report and "p\\. 3 · status" in report
    assert report.count("p\\. ") == 2  # the claim without pages has none


def test_w3c_carries_the_page_and_the_retrieval_time(exported):
    from test_exchange_w3c import failures, must_validators

    s, paged, _plain = exported
    out = io.StringIO()
    export_w3c(s, out, ExportOptions())
    items = json.loads(out.getvalue())["first"]["items"]
    by_quote = {a["target"]["selector"][0]["exact"]: a for a in items}
    across = by_quote["report 𝔘 continues"]["target"]
    assert across["selector"][1]["type"] == "TextPositionSelector"
    assert across["selector"][2] == {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                                     "value": "page=1"}
    assert across["state"] == {"type": "TimeState", "sourceDate": "2026-12-06T14:02:11+00:00"}
    assert by_quote["page three"]["target"]["selector"][2]["value"] == "page=3"
    plain = by_quote["Plain"]["target"]
    assert "state" not in plain and [x["type"] for x in plain["selector"]] == ["TextQuoteSelector", "TextPositionSelector"]
    validators = must_validators()
    for annotation in items:
        assert failures(annotation, validators) == [], annotation["id"]


# --------------------------------------------------------------- migration
def _database_at_0005(url: str, sqlite: bool) -> None:
    """A database at schema 0005 with a document, a tag and a claim in it, as
    the version before sources were kept wrote it."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from conftest import ROOT
    from desktop_app.core.store import database

    engine = sa.create_engine(url)
    try:
        if sqlite:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {database.APPLICATION_ID}")
                conn.commit()
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(ROOT / "desktop_app" / "core" / "store" / "migrations"))
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
            old_structure = '{"v":1,"blocks":[["paragraph",0,24,0,0,false,null,""]],"spans":[]}'
            conn.execute(sa.text(
                "INSERT INTO documents (id, uuid, title, author, outlet, source_url, published, source_format, "
                "encoding, original_name, sha256, text, structure, char_count, imported_at, version) VALUES "
                "(1, 'u1', 'Crème brûlée', '', '', '', '', 'text', 'utf-8', 'old.txt', '', "
                "'Grève des scénaristes 🎬', :structure, 24, :now, 1)"
            ), {"structure": old_structure, "now": datetime(2026, 1, 2, tzinfo=timezone.utc).replace(tzinfo=None)})
            conn.execute(sa.text(
                "INSERT INTO tags (id, uuid, name, name_key, color, description, created_at, keywords) VALUES "
                "(1, 't1', 'strikes', 'strikes', '#112233', '', :now, '')"
            ), {"now": datetime(2026, 1, 2)})
            conn.execute(sa.text(
                "INSERT INTO claims (id, uuid, document_id, start_offset, end_offset, quote, prefix, suffix, note, "
                "status, annotator, version, created_at, updated_at, orphaned) VALUES "
                "(1, 'c1', 1, 0, 5, 'Grève', '', ' des scénaristes 🎬', 'piquets', 'unverified', 'ana', 1, "
                ":now, :now, false)"
            ), {"now": datetime(2026, 1, 2)})
            conn.execute(sa.text("INSERT INTO claim_tags (claim_id, tag_id) VALUES (1, 1)"))
            if not sqlite:
                for table in ("documents", "tags", "claims"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1)")
    finally:
        engine.dispose()


def _works_after_migration(s) -> None:
    assert s.document_source(1) is None and s.document_pages(1) == []
    old = s.get_claim(1)
    assert (old.quote, old.note, old.tag_ids, old.page) == ("Grève", "piquets", (1,), "")
    assert s.load_document(1).pages == []
    row = s.add_document(paged_doc())
    assert row.id == 2 and s.document_source(row.id).data == PDF_BYTES
    assert s.add_claim(row.id, *span(PAGED_TEXT, "page three")).page == "3"
    out = io.StringIO(newline="")
    export_csv(s, out, ExportOptions())
    lines = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert [(r[0], r[-2], r[-1]) for r in lines[1:]] == [("c1", "", ""), (lines[2][0], "3", "2026-12-06T14:02:11+00:00")]


def test_a_file_at_schema_0005_is_backed_up_and_migrated(tmp_path):
    from desktop_app.core.store import database
    from desktop_app.core.store import Store

    path = tmp_path / "old.db"
    _database_at_0005(database.sqlite_url(path), sqlite=True)
    assert database.inspect_file(path) == "0005"
    with Store.open(path, annotator="tester") as s:
        assert s.backup_path is not None and database.inspect_file(s.backup_path) == "0005"
        _works_after_migration(s)
    assert database.inspect_file(path) == database.HEAD == "0009"


def test_a_team_database_at_schema_0005_is_migrated(pg_url):
    import psycopg

    from desktop_app.core.store import Store

    _database_at_0005(pg_url.replace("postgresql://", "postgresql+psycopg://"), sqlite=False)
    with Store.open(pg_url, annotator="tester") as s:
        _works_after_migration(s)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0009",)]


# ------------------------------------------------------- names and wording
def test_provenance_line_and_default_file_name():
    from desktop_app.core.originals import local_time, provenance, suggested_name
    from desktop_app.core.rows import SourceRow

    when = datetime(2026, 12, 6, 14, 2, 11, tzinfo=timezone.utc)

    def row(**fields):
        base = dict(document_id=1, version=1, media_type="", file_name="", address="", retrieved_at=when, size=3)
        return SourceRow(**{**base, **fields})

    local = when.astimezone()
    assert local_time(when) == f"{local.day} {local:%b %Y %H:%M}"
    page = row(media_type="text/html; charset=utf-8", address="https://example.org/news/strike%20pay/")
    assert provenance(page) == f"Retrieved {local_time(when)} from https://example.org/news/strike%20pay/"
    assert suggested_name(page) == "strike pay.html"
    assert suggested_name(row(media_type="text/html", address="https://example.org/")) == "example.org.html"
    assert suggested_name(row(media_type="application/pdf", address="https://x.org/a/report.pdf")) == "report.pdf"
    pdf = row(media_type="application/pdf", file_name="annual report 🦜.pdf")
    assert provenance(pdf) == f"Imported from annual report 🦜.pdf on {local_time(when)}"
    assert suggested_name(pdf) == "annual report 🦜.pdf"
    assert suggested_name(row(file_name="../../etc/passwd")) == "passwd"  # never a path
    assert suggested_name(row(media_type="application/pdf"), 'Q3: "results"?') == "Q3_ _results.pdf"
    assert provenance(row()) == f"Read on {local_time(when)}"
