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
