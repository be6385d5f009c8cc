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
    assert "Exported 1 claims" in result.stderr.decode()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 1

    _ok(run_cli("docs", db=second))  # a new database with the same sample articles
    counts = json.loads(_ok(run_cli("import-annotations", str(target), "--json", db=second)))
    assert counts == {"total": 1, "imported": 1, "already_present": 0, "unplaced": 0, "unknown_documents": 0,
                      "id_clashes": 0, "skipped": 0}
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
    assert "no document here matches" in result.stderr.decode()


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
