"""The command line and sources as read: `marginalia original`, highlights
found in a file on `marginalia import`, and pages in `marginalia claims`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import fails, ok, run_cli

PAGE = "<!doctype html><html><head><title>Grève 🎬</title></head><body><p>Les scénaristes 🎬 font grève.</p></body></html>"


def test_original_writes_the_bytes_back_exactly(db_path, tmp_path):
    data = PAGE.encode("utf-8") + b"\n\r\n<!-- trailing \xc3\xa9 bytes -->"
    src = tmp_path / "grève 🎬.html"
    src.write_bytes(data)
    doc_id = ok(run_cli("import", str(src), db=db_path)).split("\t")[0]
    out = tmp_path / "back.html"
    result = run_cli("original", doc_id, "-o", str(out), db=db_path)
    ok(result)
    assert out.read_bytes() == data
    assert f"({len(data):,} bytes) to {out}".encode() in result.stderr
    # standard output, byte for byte
    assert run_cli("original", doc_id, "-o", "-", db=db_path).stdout == data
    # the default name is the file's own, in the current folder; never over another file
    here = tmp_path / "here"
    here.mkdir()
    ok(run_cli("original", doc_id, db=db_path, cwd=here))
    assert (here / "grève 🎬.html").read_bytes() == data
    fails(run_cli("original", doc_id, db=db_path, cwd=here), "already exists", "-o")
    assert sorted(p.name for p in here.iterdir()) == ["grève 🎬.html"]  # no temporary file left


def test_original_of_a_document_without_one_is_one_sentence(db_path, tmp_path):
    from conftest import make_doc
    from desktop_app.core.store import Store

    with Store.open(db_path, seed=False) as store:  # a document made without a file
        doc = store.add_document(make_doc("Typed in, not read from a file.", "Typed"))
    fails(run_cli("original", str(doc.id), "-o", str(tmp_path / "x"), db=db_path), "'Typed' has no original kept")
    fails(run_cli("original", "999", db=db_path), "no document 999")
    assert not (tmp_path / "x").exists()


_WITH_HIGHLIGHTS = textwrap.dedent(
    """
    import sys
    from desktop_app.core import importers
    from desktop_app.core.document import OfferedClaim

    real = importers.import_source

    def with_highlights(path, **kwargs):  # a file that carries readers' highlights
        doc = real(path, **kwargs)
        if not str(path).endswith("page.html"):  # the sample articles of a new database
            return doc
        start = doc.text.index("scénaristes")
        doc.offered = [
            OfferedClaim(start, start + len("scénaristes 🎬"), "scénaristes 🎬", note="who? 🔎", author="Zoé"),
            OfferedClaim(0, 3, "a quote that is not there"),
        ]
        doc.pages = [0, start]
        return doc

    importers.import_source = with_highlights
    from desktop_app.cli.main import run
    sys.exit(run(sys.argv[1:]))
    """
)


def run_with_highlights(*args, db):
    return subprocess.run([sys.executable, "-c", _WITH_HIGHLIGHTS, "--db", str(db), *args],
                          capture_output=True, timeout=120)


def test_import_makes_claims_of_the_highlights_in_a_file(db_path, tmp_path):
    src = tmp_path / "page.html"
    src.write_text(PAGE, encoding="utf-8")
    result = run_with_highlights("import", str(src), db=db_path)
    ok(result)
    assert result.stderr.decode().splitlines()[-1] == (
        "1 highlight from the file became a claim tagged imported; 1 could not be found in the text."
    )
    claims = json.loads(ok(run_cli("claims", "--tag", "imported", "--json", db=db_path)))
    assert [(c["quote"], c["note"], c["annotator"], c["tags"], c["page"]) for c in claims] == [
        ("scénaristes 🎬", "who? 🔎", "Zoé", ["imported"], "2")]
    listed = ok(run_cli("claims", "--tag", "imported", db=db_path))
    assert "\tp. 2\t" in listed or " p. 2\t" in listed

    # another tag, named by the user
    result = run_with_highlights("import", str(src), "--highlights", "from readers", "--json", db=db_path)
    data = json.loads(ok(result))
    assert data[0]["highlights_found"] == 2 and data[0]["highlight_claims"] == 1
    assert b"became a claim tagged from readers" in result.stderr
    assert len(json.loads(ok(run_cli("claims", "--tag", "from readers", "--json", db=db_path)))) == 1

    # or none at all
    before = len(json.loads(ok(run_cli("claims", "--json", db=db_path))))
    result = run_with_highlights("import", str(src), "--no-highlights", db=db_path)
    ok(result)
    assert result.stderr.decode().splitlines()[-1] == "2 highlights in the file left out (--no-highlights)."
    assert len(json.loads(ok(run_cli("claims", "--json", db=db_path)))) == before


def test_a_highlight_tag_that_cannot_be_is_refused_before_anything_is_imported(db_path, tmp_path):
    src = tmp_path / "page.html"
    src.write_text(PAGE, encoding="utf-8")
    ok(run_cli("docs", db=db_path))
    before = ok(run_cli("docs", db=db_path))
    fails(run_with_highlights("import", str(src), "--highlights", "a;b", db=db_path), "cannot contain ';'")
    assert ok(run_cli("docs", db=db_path)) == before
