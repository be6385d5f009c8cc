"""Auto-coding: finding matches safely and tagging them once."""

from __future__ import annotations

import time

import pytest

from desktop_app.core.autocode import autocode, find_matches
from desktop_app.core.errors import InvalidInput, NotFound


def texts(store, matches):
    return [store.document_text(d)[s:e] for d, s, e in matches]


def test_find_words_and_patterns(store):
    assert texts(store, find_matches(store, "deep ?fakes?", regex=True)) == [
        "deepfake", "Deep Fake", "deepfakes", "deepfake"]
    assert texts(store, find_matches(store, "Deepfake", case_sensitive=True)) == []
    # whole words by default; a literal pattern is not a regular expression
    assert texts(store, find_matches(store, "fake")) == ["Fake"]
    assert len(find_matches(store, "fake", whole_words=False)) == 4
    assert find_matches(store, "$900K") and find_matches(store, "a.i") == []


def test_restricted_to_documents(store):
    first = min(d.id for d in store.list_documents())
    assert {d for d, _, _ in find_matches(store, "Netflix")} == {d.id for d in store.list_documents()}
    assert {d for d, _, _ in find_matches(store, "Netflix", document_ids=[first])} == {first}


@pytest.mark.parametrize("pattern, words", [
    ("[abc", "not a valid regular expression"),
    ("a**", "not a valid regular expression"),
    ("(a+)+$", "repeats a group"),
    ("(\\w*\\s?)*x", "repeats a group"),
    ("   ", "empty"),
    ("x" * 1000, "too long"),
])
def test_bad_patterns_are_refused_with_a_sentence(store, pattern, words):
    with pytest.raises(InvalidInput) as exc:
        find_matches(store, pattern, regex=True)
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_caps_on_matches_and_match_size(store, monkeypatch):
    from desktop_app.core import autocode as module

    monkeypatch.setattr(module, "MAX_MATCHES", 100)
    with pytest.raises(InvalidInput, match="more than 100"):
        find_matches(store, "\\w", regex=True, whole_words=False)
    with pytest.raises(InvalidInput, match="limited"):
        find_matches(store, "(?s).+", regex=True, whole_words=False)


def test_autocode_tags_every_occurrence_once(store):
    tag = store.resolve_tag("deepfakes")
    before = store.count_claims()
    assert autocode(store, "deep ?fakes?", tag, regex=True) == 4
    assert store.count_claims() == before + 4
    claims = store.list_claims(tag_ids=[tag])
    assert sorted(c.quote.lower() for c in claims) == ["deep fake", "deepfake", "deepfake", "deepfakes"]
    assert autocode(store, "deep ?fakes?", tag, regex=True) == 0
    assert autocode(store, "deepfake", tag) == 0  # already inside claims with the tag
    other = store.resolve_tag("strikes")
    assert autocode(store, "deepfake", other) == 2  # another tag is another coding


def test_autocode_skips_matches_inside_a_tagged_claim(store):
    tag = store.resolve_tag("deepfakes")
    doc = min(d.id for d in store.list_documents())
    text = store.document_text(doc)
    start = text.index("the use of the deepfake")
    store.add_claim(doc, start, start + len("the use of the deepfake"), [tag])
    assert autocode(store, "deep ?fakes?", tag, regex=True) == 3


def test_autocode_unknown_tag_and_no_match(store):
    with pytest.raises(NotFound):
        autocode(store, "deepfake", 9999)
    assert autocode(store, "zzzzqqq", store.resolve_tag("strikes")) == 0


def test_autocode_is_one_transaction(store, monkeypatch):
    tag = store.resolve_tag("deepfakes")
    calls = []
    real = store.add_claims_returning_ids

    def failing(doc_id, spans, tag_ids=()):
        calls.append(doc_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(doc_id, spans, tag_ids)

    monkeypatch.setattr(store, "add_claims_returning_ids", failing)
    before = store.count_claims()
    with pytest.raises(RuntimeError):
        autocode(store, "Netflix", tag)
    assert len(calls) == 2 and store.count_claims() == before


def test_many_documents_and_matches_stay_quick(empty_store):
    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines

    text = "\n".join(f"Paragraph {i}: the strike went on and the deepfake spread." for i in range(3000))
    doc = empty_store.add_document(StructuredDocument(text=text, blocks=blocks_for_lines(text),
                                                      metadata=Metadata(title="Long")))
    tag = empty_store.resolve_tag("deepfakes")
    t = time.perf_counter()
    assert autocode(empty_store, "deepfake", tag) == 3000
    assert autocode(empty_store, "deepfake", tag, document_ids=[doc.id]) == 0
    assert time.perf_counter() - t < 10


def test_autocode_returns_the_ids_of_the_claims_it_made(store):
    from desktop_app.core.autocode import autocode_claims

    tag = store.resolve_tag("deepfakes")
    before = {c.id for c in store.list_claims(include_deleted=True)}
    made = autocode_claims(store, "deep ?fakes?", tag, regex=True)
    after = {c.id for c in store.list_claims(include_deleted=True)}
    assert len(made) == 4 and set(made) == after - before
    rows = [store.get_claim(c) for c in made]
    assert all(tag in r.tag_ids and "deep" in r.quote.lower() for r in rows)
    assert [(r.document_id, r.start) for r in rows] == sorted((r.document_id, r.start) for r in rows)
    assert autocode_claims(store, "deep ?fakes?", tag, regex=True) == []  # nothing new the second time
