"""``marginalia export --format w3c`` and ``marginalia import-annotations``, run for real."""

from __future__ import annotations

import json

from conftest import run_cli


def _ok(result):
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_export_then_import_into_another_database(tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    out = json.loads(_ok(run_cli("docs", "--json", db=first)))
    doc = str(out[0]["id"])
    text = _ok(run_cli("text", doc, db=first))
    quote = text.split("\n")[0][:30].strip()
    _ok(run_cli("tags", "add", "Nouveau 🎉", db=first))
    _ok(run_cli("claim", "add", doc, "--quote", quote, "--tag", "strikes", "--tag", "Nouveau 🎉",
                "--note", "a note", db=first))
    target = tmp_path / "claims.jsonld"
    result = run_cli("export", "--format", "w3c", "-o", str(target), db=first)
    _ok(result)
    assert "Exported 1 claim " in result.stderr.decode()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 1

    _ok(run_cli("docs", db=second))  # a new database with the same sample articles
    counts = json.loads(_ok(run_cli("import-annotations", str(target), "--json", db=second)))
    assert counts == {"total": 1, "imported": 1, "already_present": 0, "unplaced": 0, "unknown_documents": 0,
                      "ambiguous": 0, "id_clashes": 0, "skipped": 0, "problems": [],
                      "matched_by": {"address": 0, "uuid": 1, "hash": 0, "title": 0, "quote": 0}}
    claims = json.loads(_ok(run_cli("claims", "--json", db=second)))
    assert [(c["quote"], sorted(c["tags"]), c["note"]) for c in claims] == [(quote, ["Nouveau 🎉", "strikes"], "a note")]
    # the claim keeps its identity, dates and annotator
    (original,) = json.loads(_ok(run_cli("claims", "--json", db=first)))
    (copy,) = claims
    assert copy["uuid"] == original["uuid"] and copy["annotator"] == original["annotator"]
    for key in ("created_at", "updated_at"):
        assert copy[key][:19] == original[key][:19] and copy[key].endswith("+00:00")

    line = _ok(run_cli("import-annotations", str(target), db=second))
    assert line.startswith("Imported 0 of 1 annotations; 1 were already here (skipped)")
    again = json.loads(_ok(run_cli("import-annotations", str(target), "--json", db=second)))
    assert (again["imported"], again["already_present"], again["skipped"]) == (0, 1, 1)
    assert json.loads(_ok(run_cli("claims", "--json", db=second))) == claims


def test_nothing_importable_is_an_error(tmp_path):
    db = tmp_path / "lib.db"
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
        "target": {"source": "https://nowhere.example/x",
                   "selector": {"type": "TextQuoteSelector", "exact": "words found in no document here"}},
    }), encoding="utf-8")
    result = run_cli("import-annotations", str(path), db=db)
    assert result.returncode != 0
    assert "no document here has its address, id, text or title" in result.stderr.decode()


def test_a_hostile_file_is_one_line_on_stderr(tmp_path):
    db = tmp_path / "lib.db"
    path = tmp_path / "bad.json"
    path.write_bytes(b"{not json")
    result = run_cli("import-annotations", str(path), db=db)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("marginalia: ") and err.count("\n") == 1 and "not valid JSON" in err
    assert "Traceback" not in err


def test_an_id_clash_is_reported_and_skipped(tmp_path):
    db = tmp_path / "lib.db"
    docs = json.loads(_ok(run_cli("docs", "--json", db=db)))
    first, second = str(docs[0]["id"]), docs[1]
    quote = _ok(run_cli("text", first, db=db)).split("\n")[0][:20].strip()
    _ok(run_cli("claim", "add", first, "--quote", quote, db=db))
    (claim,) = json.loads(_ok(run_cli("claims", "--json", db=db)))
    other_quote = _ok(run_cli("text", str(second["id"]), db=db)).split("\n")[0][:20].strip()
    path = tmp_path / "clash.json"
    path.write_text(json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "id": f"urn:uuid:{claim['uuid']}",
        "target": {"source": f"urn:uuid:{second['uuid']}",
                   "selector": {"type": "TextQuoteSelector", "exact": other_quote}},
    }), encoding="utf-8")
    result = run_cli("import-annotations", str(path), db=db)
    assert result.returncode == 1  # nothing could be imported
    out = result.stdout.decode()
    assert out.startswith("Imported 0 of 1 annotations; 0 were already here (skipped)")
    assert "1 have the id of a different claim here" in out
    assert "already a different claim's here" in result.stderr.decode()
    assert json.loads(_ok(run_cli("claims", "--json", db=db))) == [claim]


def test_seed_claims_land_on_their_article_and_quotes_place_only_when_asked(tmp_path):
    """A claim on the second sample article, on a word the first has too, goes to the second article of another
    new database (the samples have the same ids there). An annotation of a page this database does not have is
    skipped and listed, and placed by its quote only with --match-by-quote, and only where that is certain."""
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    docs = json.loads(_ok(run_cli("docs", "--json", db=first)))
    article = str(docs[1]["id"])
    _ok(run_cli("claim", "add", article, "--quote", "Netflix", "--occurrence", "2", db=first))
    target = tmp_path / "seeds.jsonld"
    _ok(run_cli("export", "--format", "w3c", "-o", str(target), db=first))
    out = _ok(run_cli("import-annotations", str(target), db=second))
    assert out.startswith("Imported 1 of 1 annotations (1 by document id);")
    (claim,) = json.loads(_ok(run_cli("claims", "--json", db=second)))
    assert claim["document_id"] == docs[1]["id"]
    assert json.loads(_ok(run_cli("docs", "--json", db=second)))[1]["uuid"] == docs[1]["uuid"]

    text = _ok(run_cli("text", article, db=second))
    at = text.index("Netflix", text.index("Netflix", text.index("Netflix") + 1) + 1)  # the third one
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps([
        {"type": "Annotation", "target": {"source": "https://other-site.example/article-123",
                                          "selector": {"type": "TextQuoteSelector", "exact": "the"}}},
        {"type": "Annotation", "target": {"source": "https://other-site.example/article-456", "selector": [
            {"type": "TextQuoteSelector", "exact": "Netflix", "prefix": text[at - 20 : at],
             "suffix": text[at + 7 : at + 27]},
            {"type": "TextPositionSelector", "start": at, "end": at + 7}]}},
    ]), encoding="utf-8")
    result = run_cli("import-annotations", str(elsewhere), db=second)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("Imported 0 of 2 annotations;")
    err = result.stderr.decode().splitlines()
    assert len(err) == 2 and "article-123" in err[0] and "article-456" in err[1]
    result = run_cli("import-annotations", str(elsewhere), "--match-by-quote", db=second)
    _ok(result)
    assert result.stdout.decode().startswith("Imported 1 of 2 annotations (1 by quote);")
    assert "article-123" in result.stderr.decode() and "article-456" not in result.stderr.decode()
    claims = json.loads(_ok(run_cli("claims", "--json", db=second)))
    assert sorted((c["document_id"], c["quote"]) for c in claims) == [(docs[1]["id"], "Netflix")] * 2
