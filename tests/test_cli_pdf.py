"""A PDF from the command line: import, claim, tag, export; passwords and
refusals as one sentence."""

from __future__ import annotations

import csv
import io

import pdfsamples
from conftest import fails, ok, run_cli, sqlite_dump

from desktop_app.core.store import Store


def test_import_claim_and_export_a_pdf(tmp_path, db_path):
    sample = pdfsamples.article(pages=2, columns=2, metadata={"author": "Jo Reporter"})
    pdf = tmp_path / "council report.pdf"
    pdf.write_bytes(sample.data)
    out = ok(run_cli("import", str(pdf), db=db_path))
    doc_id = int(out.split("\t")[0])
    assert out.rstrip("\n").split("\t")[1] == "Findings of the Inquiry"
    # the seeds' workflow: select a passage, tag it, export
    with Store.open(db_path, annotator="reporter") as store:
        text = store.document_text(doc_id)
        assert text.split("\n")[1] == sample.paragraphs[0]
        start = text.index(sample.paragraphs[1])
        end = start + len(sample.paragraphs[1].split(".")[0]) + 1
        tag = store.list_tags()[0]
        claim = store.add_claim(doc_id, start, end, [tag.id], note="check with the council")
        row = store.get_document(doc_id)
        assert row.source_format == "pdf" and row.author == "Jo Reporter"
    exported = ok(run_cli("export", "--format", "csv", "-o", "-", db=db_path))
    rows = list(csv.DictReader(io.StringIO(exported)))
    mine = [r for r in rows if r["id"] == claim.uuid] if "id" in rows[0] else rows
    assert len(mine) == 1
    assert sample.paragraphs[1].split(".")[0] + "." in mine[0].values()


def test_password_on_the_command_line(tmp_path, db_path):
    sample = pdfsamples.article(pages=1, password="kestrel-42")
    pdf = tmp_path / "locked.pdf"
    pdf.write_bytes(sample.data)
    ok(run_cli("docs", db=db_path))  # the database exists, with the seeds
    before = sqlite_dump(db_path)
    err = fails(run_cli("import", str(pdf), db=db_path))
    assert "locked.pdf: the PDF is protected by a password" in err
    err = fails(run_cli("import", str(pdf), "--password", "guess", db=db_path))
    assert "locked.pdf: the password is not the PDF's password." in err and "guess" not in err
    assert sqlite_dump(db_path) == before  # nothing imported
    out = ok(run_cli("import", str(pdf), "--password", "kestrel-42", db=db_path))
    assert "kestrel-42" not in out


def test_a_scan_and_a_broken_file_are_one_sentence(tmp_path, db_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdfsamples.image_only())
    err = fails(run_cli("import", str(scan), db=db_path))
    assert "scan.pdf: the PDF has no text layer" in err and "OCR" in err
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Pages 2 0 R")
    err = fails(run_cli("import", str(broken), db=db_path))
    assert "broken.pdf: the file is not a PDF, or it is damaged beyond reading." in err
