"""Tags hold keywords: stored, changed, restored with the tag, used by suggestions."""

from __future__ import annotations

import json

import pytest
from conftest import ok, run_cli

from desktop_app.core.errors import InvalidInput
from desktop_app.core.suggest import claim_candidates, stem, tag_keywords


def test_keywords_are_stored_cleaned_and_restored(store):
    tag = store.add_tag("pay gap", keywords="wage gap; Pay gap, earnings\n wage gap ,")
    assert tag.keywords == ("wage gap", "Pay gap", "earnings")  # trimmed, repeats dropped ignoring case
    changed = store.update_tag(tag.id, keywords=["bonus", "  ", "Bonus", "stock options"])
    assert changed.keywords == ("bonus", "stock options")
    removed = store.remove_tag(tag.id)
    back = store.restore_tag(removed)
    assert back.keywords == ("bonus", "stock options")
    assert store.update_tag(tag.id, keywords="").keywords == ()
    with pytest.raises(InvalidInput):
        store.update_tag(tag.id, keywords=[f"w{i}" for i in range(500)])


def test_keywords_suggest_their_tag(store):
    strikes = store.resolve_tag("strikes")
    doc = store.list_documents()[1].id  # the article about the $900K job
    before = {c.start for c in claim_candidates(store, doc) if strikes in c.tag_ids}
    store.update_tag(strikes, keywords=["Black Mirror"])
    assert stem("mirror") in tag_keywords(store.list_tags())[strikes]
    after = [c for c in claim_candidates(store, doc) if strikes in c.tag_ids]
    text = store.document_text(doc)
    assert any("Black Mirror" in text[c.start:c.end] for c in after)
    assert {c.start for c in after} > before


def test_command_line_keywords(store_target):
    ok(run_cli("tags", "add", "pay gap", "--keywords", "wage gap, earnings", db=store_target))
    ok(run_cli("tags", "keywords", "strikes", "picket", "walkout", db=store_target))
    tags = {t["name"]: t for t in json.loads(ok(run_cli("tags", "--json", db=store_target)))}
    assert tags["pay gap"]["keywords"] == ["wage gap", "earnings"]
    assert tags["strikes"]["keywords"] == ["picket", "walkout"]
    ok(run_cli("tags", "keywords", "strikes", db=store_target))
    tags = {t["name"]: t for t in json.loads(ok(run_cli("tags", "--json", db=store_target)))}
    assert tags["strikes"]["keywords"] == []
