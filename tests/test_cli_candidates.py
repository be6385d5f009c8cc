"""`marginalia candidates` in subprocesses: the sentences of a document worth
a claim, their offsets in code points (as `marginalia text` prints the text),
accepting one, and errors that change nothing."""

from __future__ import annotations

import json

from conftest import fails, make_doc, ok, run_cli, sqlite_dump

from desktop_app.core.store import Store

# Emoji (one with a skin tone and a joiner: several code points, more UTF-16
# units, more bytes) before every candidate, so any other unit shows.
TEXT = ("🎬🍿 Premiere night 👩🏽‍💻 was quiet. Nothing happened at all.\n"
        "The studio spent $900,000 for the script. "
        "“We will never make that money back,” the producer told the board.\n"
        "Their salaries went up 🚀 by 35% last spring. The end.")


def setup_library(db_path) -> str:
    with Store.open(db_path, seed=False) as store:
        store.add_document(make_doc("An unrelated note with no figures at all.", "Other"))
        return str(store.add_document(make_doc(TEXT, "Emoji story")).id)


def test_candidates_list_offsets_in_code_points(db_path):
    doc = setup_library(db_path)
    text = run_cli("text", doc, db=db_path).stdout.decode("utf-8")
    listed = json.loads(ok(run_cli("candidates", doc, "--json", db=db_path)))
    assert [c["number"] for c in listed] == list(range(1, len(listed) + 1))
    for c in listed:
        assert text[c["start"]:c["end"]] == c["text"]
    by_text = {c["text"]: c for c in listed}
    paid = by_text["The studio spent $900,000 for the script."]
    assert paid["start"] == text.index("The studio") and paid["kinds"] == ["money"]
    assert paid["figures"] == [{"text": "$900,000", "unit": "USD", "value": "900000"}]
    assert paid["reasons"] == ["money $900,000"]
    quoted = next(c for c in listed if c["text"].startswith("“We will never"))
    assert "quotation" in quoted["reasons"]
    rise = next(c for c in listed if c["text"].startswith("Their salaries"))
    assert "percentage 35%" in rise["reasons"] and "keyword of tag salaries" in rise["reasons"]
    assert rise["tags"] == ["salaries"]
    assert not any("Nothing happened" in c["text"] or c["text"] == "The end." for c in listed)

    # The plain list: one numbered line each, offsets and reasons.
    lines = ok(run_cli("candidates", doc, db=db_path)).splitlines()
    assert len(lines) == len(listed)
    number, span, reasons, sentence = lines[listed.index(paid)].split("\t")
    assert (number, span, reasons) == (str(paid["number"]), f"{paid['start']}-{paid['end']}", "money $900,000")
    assert sentence == paid["text"]

    # --tag keeps the sentences with its keywords, --limit cuts the list; neither renumbers.
    tagged = json.loads(ok(run_cli("candidates", "Emoji story", "--tag", "salaries", "--json", db=db_path)))
    assert tagged == [rise] and rise["number"] > 1
    assert json.loads(ok(run_cli("candidates", doc, "--limit", "1", "--json", db=db_path))) == listed[:1]


def test_accepting_a_candidate_makes_one_claim(db_path):
    doc = setup_library(db_path)
    listed = json.loads(ok(run_cli("candidates", doc, "--json", db=db_path)))
    rise = next(c for c in listed if c["text"].startswith("Their salaries"))
    out = ok(run_cli("candidates", doc, "--accept", str(rise["number"]), db=db_path))
    assert out.startswith(f"Accepted {rise['number']}: claim ") and "tagged salaries" in out
    with Store.open(db_path) as store:
        (claim,) = store.list_claims()
        assert (claim.document_id, claim.start, claim.end) == (int(doc), rise["start"], rise["end"])
        assert claim.quote == rise["text"]
        assert claim.tag_ids == (store.resolve_tag("salaries"),)

    # An accepted candidate leaves the list; --tag gives accepted claims that tag.
    again = json.loads(ok(run_cli("candidates", doc, "--json", db=db_path)))
    assert [c["text"] for c in again] == [c["text"] for c in listed if c is not rise]
    paid = next(c for c in again if "$900,000" in c["text"])
    assert paid["tags"] == []
    done = json.loads(ok(run_cli("candidates", doc, "--accept", str(paid["number"]), "--tag", "strikes",
                                 "--json", db=db_path)))
    assert [(d["number"], d["quote"], d["start"], d["end"]) for d in done] == [
        (paid["number"], paid["text"], paid["start"], paid["end"])]
    with Store.open(db_path) as store:
        assert store.count_claims() == 2
        assert store.get_claim(done[0]["claim"]).tag_ids == (store.resolve_tag("strikes"),)


def test_errors_change_nothing(db_path):
    doc = setup_library(db_path)
    before = sqlite_dump(db_path)
    fails(run_cli("candidates", "99", db=db_path), "no document 99")
    fails(run_cli("candidates", doc, "--accept", "1", "--accept", "99", db=db_path), "no candidate 99", "has 3")
    fails(run_cli("candidates", doc, "--accept", "1", "--tag", "no such tag", db=db_path))
    fails(run_cli("candidates", doc, "--limit", "0", db=db_path), "--limit")
    fails(run_cli("candidates", doc, "--accept", "x", db=db_path))
    assert sqlite_dump(db_path) == before
    with Store.open(db_path) as store:
        assert store.count_claims() == 0
