"""suggest-links and autocode on the command line, in subprocesses (one
database, few calls: each costs about half a second)."""

from __future__ import annotations

import json

from conftest import fails, ok, run_cli

from desktop_app.core.store import Store


def seeded(db_path):
    with Store.open(db_path) as store:
        return [d.id for d in sorted(store.list_documents(), key=lambda d: d.id)]


def test_suggest_links_lists_and_accepts(db_path):
    a, b = (str(i) for i in seeded(db_path))
    listed = json.loads(ok(run_cli("suggest-links", a, b, "--json", db=db_path)))
    assert [m["number"] for m in listed] == list(range(1, len(listed) + 1))
    wanted = next(m for m in listed[:5] if "$900,000" in m["a"]["quote"] and "$900K" in m["b"]["quote"])
    assert "USD 900000" in wanted["shared_figures"]

    lines = ok(run_cli("suggest-links", a, b, db=db_path)).splitlines()
    assert len(lines) == len(listed)
    assert lines[wanted["number"] - 1].startswith(f"{wanted['number']}\t")

    out = ok(run_cli("suggest-links", a, b, "--accept", str(wanted["number"]), db=db_path))
    assert out.startswith(f"Accepted {wanted['number']}: claims ")
    with Store.open(db_path) as store:
        (link,) = store.list_links()
        claims = {c.id: c for c in store.iter_claims()}
        assert len(claims) == 2 and link.relation == "same"
        assert claims[link.source_id].quote == wanted["a"]["quote"]
        assert claims[link.target_id].quote == wanted["b"]["quote"]
        assert store.resolve_tag("salaries") in claims[link.source_id].tag_ids

    again = json.loads(ok(run_cli("suggest-links", a, b, "--json", db=db_path)))
    assert all((m["a"]["quote"], m["b"]["quote"]) != (wanted["a"]["quote"], wanted["b"]["quote"]) for m in again)
    fails(run_cli("suggest-links", a, b, "--accept", "99", db=db_path), "no suggestion 99")
    fails(run_cli("suggest-links", a, b, "--min-score", "7", db=db_path), "between 0 and 1")


def test_autocode_dry_run_then_once(db_path):
    seeded(db_path)
    args = ("autocode", "--pattern", "deep ?fakes?", "--regex", "--tag", "deepfakes")
    dry = json.loads(ok(run_cli(*args, "--dry-run", "--json", db=db_path)))
    assert sorted(m["text"].lower() for m in dry) == ["deep fake", "deepfake", "deepfake", "deepfakes"]
    assert ok(run_cli(*args, db=db_path)).strip() == "Added 4 claims tagged 'deepfakes'."
    assert json.loads(ok(run_cli(*args, "--json", db=db_path))) == {"added": 0, "tag": "deepfakes"}
    with Store.open(db_path) as store:
        assert store.count_claims() == 4
    fails(run_cli("autocode", "--pattern", "[abc", "--regex", "--tag", "deepfakes", db=db_path),
          "not a valid regular expression")
    fails(run_cli("autocode", "--pattern", "x", "--tag", "nosuchtag", db=db_path))


def test_autocode_dry_run_reports_what_the_run_adds(db_path):
    """After a run the dry run promises nothing more (the matches lie inside
    claims with the tag), and says how many it skips."""
    seeded(db_path)
    args = ("autocode", "--pattern", "deep ?fakes?", "--regex", "--tag", "deepfakes")
    first = run_cli(*args, "--dry-run", db=db_path)
    assert "4 matches would be tagged; nothing was added" in ok(first) + first.stderr.decode()
    assert ok(run_cli(*args, db=db_path)).strip() == "Added 4 claims tagged 'deepfakes'."
    again = run_cli(*args, "--dry-run", db=db_path)
    assert ok(again) == ""
    assert ("0 matches would be tagged (4 matches inside claims that have the tag already would be skipped); "
            "nothing was added (dry run).") in again.stderr.decode()
    assert json.loads(ok(run_cli(*args, "--dry-run", "--json", db=db_path))) == []
    assert json.loads(ok(run_cli(*args, "--json", db=db_path))) == {"added": 0, "tag": "deepfakes"}


def test_autocode_ignores_accents_unless_asked_and_composes_the_pattern(db_path):
    from conftest import make_doc

    with Store.open(db_path, seed=False) as store:
        store.add_tag("drinks")
        doc = store.add_document(make_doc("Un café 🦜 au Café de Flore, puis un CAFE.", "Café")).id
    decomposed = "cafe\u0301"
    dry = json.loads(ok(run_cli("autocode", "--pattern", "cafe", "--tag", "drinks", "--dry-run", "--json",
                                db=db_path)))
    assert [m["text"] for m in dry] == ["café", "Café", "CAFE"] and {m["document_id"] for m in dry} == {doc}
    text = "Un café 🦜 au Café de Flore, puis un CAFE."
    assert [(m["start"], m["end"]) for m in dry] == [(3, 7), (13, 17), (36, 40)]
    assert [text[m["start"]:m["end"]] for m in dry] == ["café", "Café", "CAFE"]  # code points
    exact = json.loads(ok(run_cli("autocode", "--pattern", decomposed, "--tag", "drinks", "--accent-sensitive",
                                  "--dry-run", "--json", db=db_path)))
    assert [m["text"] for m in exact] == ["café", "Café"]
    assert ok(run_cli("autocode", "--pattern", decomposed, "--tag", "drinks", db=db_path)).strip() == \
        "Added 3 claims tagged 'drinks'."
