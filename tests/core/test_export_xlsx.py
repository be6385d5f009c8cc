"""Excel export, read back with openpyxl and as raw XML: values, tag columns, sheets, texts that look like
formulas kept exactly as string cells (never a formula, never an apostrophe added)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest

from desktop_app.core.exchange.claims_csv import HEADER, ExportOptions, export_csv
from desktop_app.core.exchange.links_csv import LINKS_HEADER, export_links_csv
from desktop_app.core.exchange.xlsx import CODEBOOK_HEADER, export_xlsx
from desktop_app.core.exchange import run_export
from conftest import make_doc

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def library(empty_store):
    s = empty_store
    d1 = s.add_document(make_doc("=SUM(A1:A9) is what the quote says 🎬, and #N/A too.", "=cmd|' /C calc'!A0",
                                 source_url="https://example.org/x", published="2023-08-01"))
    d2 = s.add_document(make_doc("Plain second text, nothing odd.", "@Second"), original_name="two.md")
    parent = s.add_tag("+plus", color="#010203", description="-starts with minus")
    child = s.add_tag("child", parent_id=parent.id, key=7)
    tags = {t.name: t for t in s.list_tags()}
    c1 = s.add_claim(d1.id, 0, 11, [parent.id, tags["strikes"].id], note="=1+1")
    na = s.document_text(d1.id).index("#N/A")
    c2 = s.add_claim(d1.id, na, na + 4, [], note="\r\nCRLF first")
    c3 = s.add_claim(d2.id, 0, 5, [child.id], note="-2")
    s.set_claim_status(c3.id, "supported")
    s.add_link(c1.id, c3.id, "cites", note="=HYPERLINK(\"x\")")
    return dict(store=s, claims=(c1, c2, c3), parent=parent, child=child)


def read_back(store, tmp_path, **options):
    target = tmp_path / "out.xlsx"
    count = run_export(store, "xlsx", target, ExportOptions(**options))
    return openpyxl.load_workbook(target), count


def csv_rows(store, function, **options) -> list[list[str]]:
    buf = io.StringIO(newline="")
    function(store, buf, ExportOptions(**options))
    return list(csv.reader(io.StringIO(buf.getvalue(), newline="")))


def values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def as_csv_text(value) -> str:
    return "" if value is None else str(value)


def no_formulas(wb) -> None:
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.data_type != "e", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"


@pytest.mark.parametrize("guard", [True, False])
def test_claims_sheet_equals_the_csv(library, tmp_path, guard):
    store = library["store"]
    wb, count = read_back(store, tmp_path, formula_guard=guard)
    assert wb.sheetnames == ["Claims", "Codebook", "Links"] and count == 3
    rows = values(wb["Claims"])
    tags = store.list_tags()
    assert rows[0] == [*HEADER, *(t.name for t in tags)]
    # the xlsx holds the texts as they are, whatever the CSV's guard option says
    expected = csv_rows(store, export_csv, formula_guard=False)
    assert len(rows) == len(expected)
    for got, want in zip(rows[1:], expected[1:]):
        assert [as_csv_text(v) for v in got[: len(HEADER)]] == want
    no_formulas(wb)


def test_numbers_stay_numbers_and_tag_columns(library, tmp_path):
    store = library["store"]
    c1, c2, c3 = library["claims"]
    wb, _ = read_back(store, tmp_path)
    rows = values(wb["Claims"])
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    first = by_id[c1.uuid]
    assert isinstance(first["document_id"], int) and first["start"] == 0 and first["end"] == 11
    assert first["quote"] == "=SUM(A1:A9)" and first["note"] == "=1+1"
    assert first["document_title"] == "=cmd|' /C calc'!A0"
    assert first["+plus"] == 1 and first["strikes"] == 1 and first["child"] is None
    assert by_id[c2.uuid]["quote"] == "#N/A"  # text, not an error value
    assert by_id[c2.uuid]["note"] == "\r\nCRLF first"
    assert all(by_id[c2.uuid][t.name] is None for t in store.list_tags())
    assert by_id[c3.uuid]["child"] == 1 and by_id[c3.uuid]["status"] == "supported"
    assert by_id[c3.uuid]["document_source"] == "two.md"


@pytest.mark.parametrize("guard", [True, False])
def test_formula_like_text_is_kept_as_text(library, tmp_path, guard):
    wb, _ = read_back(library["store"], tmp_path, formula_guard=guard)
    ws = wb["Claims"]
    header = [c.value for c in ws[1]]
    row = {header[i]: cell for i, cell in enumerate(ws[2])}
    assert row["quote"].value == "=SUM(A1:A9)" and row["quote"].data_type == "s"
    assert row["note"].value == "=1+1" and row["note"].data_type == "s"
    assert row["+plus"].value == 1
    no_formulas(wb)
    links = values(wb["Links"])
    assert links[1][2] == '=HYPERLINK("x")'


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_is_kept_exactly(empty_store, tmp_path, trigger):
    s = empty_store
    doc = s.add_document(make_doc("word here"))
    s.add_claim(doc.id, 0, 4, note=f"{trigger}x")
    for guard in (True, False):
        wb, _ = read_back(s, tmp_path, formula_guard=guard)
        assert values(wb["Claims"])[1][HEADER.index("note")] == f"{trigger}x"
        no_formulas(wb)


def test_codebook_sheet(library, tmp_path):
    store = library["store"]
    wb, _ = read_back(store, tmp_path)
    rows = values(wb["Codebook"])
    assert rows[0] == list(CODEBOOK_HEADER)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["+plus"] == ["+plus", "#010203", by_name["+plus"][2], "-starts with minus", None, 1]
    assert by_name["child"][2] == 7 and by_name["child"][4] == "+plus" and by_name["child"][5] == 1
    assert len(rows) - 1 == len(store.list_tags())


def test_links_sheet_equals_the_links_csv(library, tmp_path):
    store = library["store"]
    for guard in (True, False):
        wb, _ = read_back(store, tmp_path, formula_guard=guard)
        rows = values(wb["Links"])
        assert rows[0] == list(LINKS_HEADER)
        expected = csv_rows(store, export_links_csv, formula_guard=False)
        assert [[as_csv_text(v) for v in r] for r in rows[1:]] == expected[1:]
        assert len(rows) == 2


def test_filters_and_direct_call(library, tmp_path):
    store = library["store"]
    c3 = library["claims"][2]
    target = tmp_path / "direct.xlsx"
    assert export_xlsx(store, target, ExportOptions(statuses=["supported"])) == 1
    rows = values(openpyxl.load_workbook(target)["Claims"])
    assert [r[0] for r in rows[1:]] == [c3.uuid]
    wb, count = read_back(store, tmp_path, tag_ids=[library["child"].id])
    assert count == 1 and len(values(wb["Links"])) == 2  # the link touches a chosen claim


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def raw_cells(path) -> dict[str, list[ET.Element]]:
    """Every <c> element of every worksheet, read from the zip's XML as it is."""
    with zipfile.ZipFile(path) as zf:
        return {name: list(ET.fromstring(zf.read(name)).iter(SHEET_NS + "c"))
                for name in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)}


def shared_strings(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        if "xl/sharedStrings.xml" not in zf.namelist():
            return []
        root = ET.fromstring(zf.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(SHEET_NS + "t")) for si in root.iter(SHEET_NS + "si")]


def cell_text(cell: ET.Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(SHEET_NS + "t"))
    assert kind == "s", ET.tostring(cell)
    return shared[int(cell.find(SHEET_NS + "v").text)]


@pytest.mark.parametrize("guard", [True, False])
def test_raw_xml_has_no_formula_and_the_exact_texts(library, tmp_path, guard):
    """What any spreadsheet program reads: no <f> element anywhere, every text a string cell (inline or
    shared), and each formula-like text exactly as the store holds it, without an added apostrophe."""
    store = library["store"]
    target = tmp_path / "raw.xlsx"
    run_export(store, "xlsx", target, ExportOptions(formula_guard=guard))
    sheets, shared = raw_cells(target), shared_strings(target)
    assert len(sheets) == 3
    texts: list[str] = []
    for name, cells in sheets.items():
        for cell in cells:
            assert cell.find(SHEET_NS + "f") is None, (name, ET.tostring(cell))
            assert cell.get("t") not in ("e", "str"), (name, ET.tostring(cell))  # no error value, no formula result
            if cell.get("t") in ("inlineStr", "s"):
                texts.append(cell_text(cell, shared))
            else:
                assert cell.get("t") in (None, "n"), ET.tostring(cell)
                float(cell.find(SHEET_NS + "v").text)  # a number
    for expected in ("=SUM(A1:A9)", "=1+1", "=cmd|' /C calc'!A0", "#N/A", "@Second", "+plus",
                     "-starts with minus", "-2", '=HYPERLINK("x")'):
        assert expected in texts, expected
    assert not [t for t in texts if t.startswith("'")], "an apostrophe was added"
    quote = store.get_claim(library["claims"][0].id).quote
    assert quote == "=SUM(A1:A9)" and quote in texts
