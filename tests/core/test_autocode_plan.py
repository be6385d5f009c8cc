"""Auto-code says before a run exactly what the run adds, and finds words
whatever their accents and however the pattern was composed."""

from __future__ import annotations

import unicodedata

from desktop_app.core.autocode import autocode_claims, find_matches, plan_autocode, strip_accents
from tests.conftest import make_doc

TEXT = "Le Café 🦜 de Zoë: café crème, CAFE noir, cafés et caféine. Cafe\u0301 décomposé."


def _texts(store, spans):
    return [store.document_text(d)[s:e] for d, s, e in spans]


def test_the_plan_is_what_the_run_adds(empty_store):
    s = empty_store
    doc = s.add_document(make_doc(TEXT, "Café")).id
    tag = s.list_tags()[0].id
    before = plan_autocode(s, "café", tag)
    assert len(before.new) == len(before.matches) == 4 and before.already_tagged == 0
    made = autocode_claims(s, "café", tag)
    assert [(c.document_id, c.start, c.end) for c in map(s.get_claim, made)] == list(before.new)
    after = plan_autocode(s, "café", tag)
    assert after.matches == before.matches and after.new == () and after.already_tagged == 4
    assert autocode_claims(s, "café", tag) == []
    # a claim of another tag does not hide a match; no tag chosen: every match is new
    other = s.list_tags()[1].id
    assert plan_autocode(s, "café", other).new == before.matches
    assert plan_autocode(s, "café", None).new == before.matches
    # a match only partly inside a tagged claim is still new
    start = TEXT.index("caféine")
    assert plan_autocode(s, "caféine", tag).new == ((doc, start, start + len("caféine")),)


def test_accents_are_ignored_unless_asked(empty_store):
    s = empty_store
    s.add_document(make_doc(TEXT, "Café"))
    found = _texts(s, find_matches(s, "cafe"))
    assert found == ["Café", "café", "CAFE", "Café"]  # the last one was typed decomposed, stored composed
    assert _texts(s, find_matches(s, "cafe", accent_sensitive=True)) == ["CAFE"]
    assert _texts(s, find_matches(s, "café", accent_sensitive=True)) == ["Café", "café", "Café"]
    assert _texts(s, find_matches(s, "Café", case_sensitive=True)) == ["Café", "Café"]
    assert _texts(s, find_matches(s, "zoe")) == ["Zoë"]
    assert _texts(s, find_matches(s, "caf.s?", regex=True)) == ["Café", "café", "CAFE", "cafés", "Café"]


def test_a_decomposed_pattern_finds_the_composed_text(empty_store):
    s = empty_store
    s.add_document(make_doc(TEXT, "Café"))
    decomposed = "cafe\u0301"
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    assert len(find_matches(s, decomposed, accent_sensitive=True)) == 3
    assert len(find_matches(s, decomposed)) == 4


def test_offsets_stay_the_documents_code_points(empty_store):
    s = empty_store
    text = "🦜🦜 Ærø and Ærø 🎭 ÉTÉ été"
    doc = s.add_document(make_doc(text, "Astral")).id
    assert strip_accents(text) == "🦜🦜 Ærø and Ærø 🎭 ETE ete" and len(strip_accents(text)) == len(text)
    spans = find_matches(s, "ete")
    assert [text[a:b] for _, a, b in spans] == ["ÉTÉ", "été"]
    assert [(d, a) for d, a, _ in spans] == [(doc, text.index("ÉTÉ")), (doc, text.index("été"))]
