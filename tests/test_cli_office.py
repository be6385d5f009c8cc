"""Word, OpenDocument and EPUB files through the real command line: import,
claim by quote (astral characters included), list and export."""

from __future__ import annotations

import csv
import io
import json

from conftest import ok, run_cli
from office_files import docx_bytes, epub_bytes, odt_bytes


def test_office_files_import_claim_and_export(tmp_path, db_path, user_dirs):
    files = {"release.docx": docx_bytes(), "minutes.odt": odt_bytes(), "book.epub": epub_bytes()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    unnamed = tmp_path / "download"
    unnamed.write_bytes(files["release.docx"])

    # the comments in the files are left out here (they would become claims tagged "imported")
    out = ok(run_cli("import", *(str(tmp_path / n) for n in files), str(unnamed), "--json", "--no-highlights",
                     db=db_path))
    docs = {d["original_name"]: d for d in json.loads(out)}
    assert {n: (d["format"], d["title"]) for n, d in docs.items()} == {
        "release.docx": ("docx", "Press release 🚀 on wages"),
        "minutes.odt": ("odt", "Minutes 🚀"),
        "book.epub": ("epub", "A Book 📚 of Nights"),
        "download": ("docx", "Press release 🚀 on wages"),  # known by its content
    }
    assert docs["release.docx"]["author"] == "Ada Lovelace" and docs["release.docx"]["published"] == "2026-12-01"
    assert docs["book.epub"]["outlet"] == "Night Press"

    word = str(docs["release.docx"]["id"])
    text = ok(run_cli("text", word, db=db_path))
    assert "The CEO 🧑‍💼 earns 900 times the median 𝔐 wage in 2026.[1]" in text.split("\n")
    added = json.loads(ok(run_cli("claim", "add", word, "--quote", "median 𝔐 wage", "--note", "ratio?", "--json",
                                  db=db_path)))
    assert added["start"] == text.index("median 𝔐 wage") and added["end"] - added["start"] == len("median 𝔐 wage")
    book = str(docs["book.epub"]["id"])
    ok(run_cli("claim", "add", book, "--quote", "dark night 🌙", db=db_path))

    claims = json.loads(ok(run_cli("claims", "--json", db=db_path)))
    assert sorted(c["quote"] for c in claims) == ["dark night 🌙", "median 𝔐 wage"]
    exported = ok(run_cli("export", "--document", word, db=db_path))
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["quote"], r["document_title"], r["note"]) for r in rows] == [
        ("median 𝔐 wage", "Press release 🚀 on wages", "ratio?")]


def test_format_can_be_forced_and_a_bad_office_file_is_one_line(tmp_path, db_path, user_dirs):
    odt = tmp_path / "minutes.bin"
    odt.write_bytes(odt_bytes())
    broken = tmp_path / "broken.epub"
    broken.write_bytes(epub_bytes()[:500])
    result = run_cli("import", "--format", "odt", str(odt), str(broken), db=db_path)
    assert result.returncode == 1
    assert result.stdout.decode().split("\t")[1].strip() == "Minutes 🚀"
    assert result.stderr.decode().splitlines() == [
        "1 highlight from the file became a claim tagged imported.",  # the minutes' comment
        # --format applies to every file named
        "marginalia: broken.epub: the OpenDocument file is damaged or incomplete (it is not a readable zip package)."
    ]
