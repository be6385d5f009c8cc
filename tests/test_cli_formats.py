"""The command line's qdpx, xlsx and report formats, end to end."""

from __future__ import annotations

import zipfile

import openpyxl
from conftest import ok, run_cli
from lxml import etree

from desktop_app.core.store import Store


def library(db_path):
    """Two claims on the first sample document, one tagged, with a hostile note."""
    with Store.open(db_path, annotator="reporter") as store:
        doc = store.list_documents()[0]
        text = store.document_text(doc.id)
        tag = store.list_tags()[0]
        first = store.add_claim(doc.id, 0, 20, [tag.id], note="=1+1")
        second = store.add_claim(doc.id, 30, 45, [])
        return doc, tag, text, first, second


def test_export_qdpx(tmp_path, db_path):
    doc, tag, text, first, second = library(db_path)
    target = tmp_path / "x.qdpx"
    r = run_cli("export", "--format", "qdpx", "-o", str(target), db=db_path)
    assert ok(r) == "" and b"Exported 2 claims" in r.stderr
    with zipfile.ZipFile(target) as zf:
        assert f"sources/{doc.uuid}.txt" in zf.namelist()
        assert zf.read(f"sources/{doc.uuid}.txt").decode("utf-8") == text
        root = etree.fromstring(zf.read("project.qde"))
    selections = {s.get("guid"): s for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")}
    assert set(selections) == {first.uuid, second.uuid}
    assert selections[first.uuid].get("endPosition") == "20"
    # a file format cannot go to standard output
    r = run_cli("export", "--format", "qdpx", db=db_path)
    assert r.returncode != 0 and b"-o" in r.stderr and b"Traceback" not in r.stderr


def test_export_xlsx(tmp_path, db_path):
    _, tag, _, first, second = library(db_path)
    target = tmp_path / "x.xlsx"
    r = run_cli("export", "--format", "xlsx", "-o", str(target), db=db_path)
    ok(r)
    assert b"Exported 2 claims" in r.stderr
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Claims", "Codebook", "Links"]
    rows = list(wb["Claims"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [first.uuid, second.uuid]
    header = rows[0]
    cell = wb["Claims"].cell(row=2, column=header.index("note") + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"  # a string cell, never a formula, no apostrophe
    assert rows[1][header.index(tag.name)] == 1


def test_export_report(tmp_path, db_path):
    doc, tag, text, first, second = library(db_path)
    target = tmp_path / "r.md"
    r = run_cli("export", "--format", "report", "-o", str(target), db=db_path)
    ok(r)
    assert b"Exported 2 claims" in r.stderr
    md = target.read_text(encoding="utf-8")
    assert md.startswith("# Claims by tag\n") and f"\n## {tag.name}\n" in md and "\n## Untagged\n" in md
    # the note reads as typed once rendered (no more escapes than Markdown needs)
    from markdown_it import MarkdownIt

    assert "+1" in md and "\\+" not in md
    assert "note: =1+1" in MarkdownIt("commonmark").render(md)
    stdout = ok(run_cli("export", "--format", "report", db=db_path))
    assert stdout == md


def test_export_qdpx_positions_and_what_the_file_cannot_carry(tmp_path, db_path):
    """UTF-16 positions by default, code points on request; orphaned claims and links are announced."""
    from conftest import make_doc

    text = "🎬 Emoji 😀 first, then the quoted passage 𝄞 here."
    with Store.open(db_path, annotator="reporter") as store:
        doc = store.add_document(make_doc(text, "Astral"))
        start = text.index("the quoted")
        claim = store.add_claim(doc.id, start, start + len("the quoted passage 𝄞"), [])
        gone = store.add_claim(doc.id, 0, len("🎬 Emoji"), [])
        second = store.add_document(make_doc("A second source says the same.", "Second"))
        store.add_link(claim.id, store.add_claim(second.id, 0, 8, []).id, "same")
        store.replace_document(doc.id, make_doc(text.replace("🎬 Emoji", "🎬 Video"), "Astral"))
        claim = store.get_claim(claim.id)
        assert store.get_claim(gone.id).orphaned and not claim.orphaned
    target = tmp_path / "p.qdpx"
    r = run_cli("export", "--format", "qdpx", "-o", str(target), db=db_path)
    ok(r)
    err = r.stderr.decode("utf-8")
    assert "1 orphaned claim is in the REFI-QDA file as a note" in err
    assert "1 link between claims is in the REFI-QDA file as Links" in err

    def position() -> tuple[int, int]:
        root = etree.fromstring(zipfile.ZipFile(target).read("project.qde"))
        sel = {s.get("guid"): s for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")}[claim.uuid]
        return int(sel.get("startPosition")), int(sel.get("endPosition"))

    assert position() == (claim.start + 2, claim.end + 3)  # 2 astral characters before, 1 inside
    ok(run_cli("export", "--format", "qdpx", "-o", str(target), "--qdpx-positions", "codepoints", db=db_path))
    assert position() == (claim.start, claim.end)
