"""Claims follow their text into a new version, or are kept as orphans."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.anchoring import anchor_at, anchor_quote
from desktop_app.core.reanchor import CHANGED, MOVED, ORPHANED, UNCHANGED, OldAnchor, reanchor

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = (ROOT / "seeds" / "01-netflix-hires-ai-experts-amid-strikes.md").read_text(encoding="utf-8")

QUOTES = {
    "salary": "Salaries for this profile range from $300,000 to $900,000 a year",
    "strike": "the trigger for the strike of Hollywood screenwriters and actors",
    "series": "Deep Fake Love, a Spanish series of meetings",
    "smile": "reproduce Robert De Niro’s sardonic smile",
}


def anchors(text: str) -> list[OldAnchor]:
    result = []
    for i, quote in enumerate(QUOTES.values()):
        a = anchor_quote(text, quote)
        result.append(OldAnchor(i, a.start, a.end, a.quote, a.prefix, a.suffix))
    return result


def outcome(placements, key):
    return placements[list(QUOTES).index(key)]


def check_invariant(new_text, placements):
    for p in placements:
        if p.outcome != ORPHANED:
            assert new_text[p.start : p.end] == p.quote
            assert p.prefix == new_text[max(0, p.start - 32) : p.start]
            assert p.suffix == new_text[p.end : p.end + 32]


def test_same_text_leaves_every_claim_where_it_was():
    placements = reanchor(ARTICLE, ARTICLE, anchors(ARTICLE))
    assert {p.outcome for p in placements} == {UNCHANGED}


def test_typo_fixed_inside_a_quote():
    new = ARTICLE.replace("range from $300,000", "range from $ 300,000")
    placements = reanchor(ARTICLE, new, anchors(ARTICLE))
    check_invariant(new, placements)
    salary = outcome(placements, "salary")
    assert salary.outcome == CHANGED
    assert salary.quote == "Salaries for this profile range from $ 300,000 to $900,000 a year"
    assert outcome(placements, "smile").outcome == MOVED  # shifted by one character


def test_paragraph_inserted_before():
    new = "An editor's note added at the top.\n\n" + ARTICLE
    placements = reanchor(ARTICLE, new, anchors(ARTICLE))
    check_invariant(new, placements)
    assert {p.outcome for p in placements} == {MOVED}
    shift = len("An editor's note added at the top.\n\n")
    for old, p in zip(anchors(ARTICLE), placements):
        assert p.start == old.start + shift


def test_paragraph_removed_before():
    paragraph = next(p for p in ARTICLE.split("\n\n") if p.startswith("In short"))
    new = ARTICLE.replace(paragraph + "\n\n", "")
    placements = reanchor(ARTICLE, new, anchors(ARTICLE))
    check_invariant(new, placements)
    assert {p.outcome for p in placements} == {MOVED}


def test_text_moved_elsewhere():
    paragraph = next(p for p in ARTICLE.split("\n\n") if "sardonic smile" in p)
    new = paragraph + "\n\n" + ARTICLE.replace(paragraph, "")
    placements = reanchor(ARTICLE, new, anchors(ARTICLE))
    check_invariant(new, placements)
    smile = outcome(placements, "smile")
    assert smile.outcome == MOVED and smile.start < len(paragraph)


def test_quote_deleted_is_orphaned_not_dropped():
    new = ARTICLE.replace(QUOTES["series"], "a reality show")
    placements = reanchor(ARTICLE, new, anchors(ARTICLE))
    check_invariant(new, placements)
    series = outcome(placements, "series")
    assert series.outcome == ORPHANED
    assert series.quote == QUOTES["series"]  # kept as it was
    assert len(placements) == len(QUOTES)


def test_repeated_quote_goes_where_its_context_is():
    text = "alpha one beta. The figure is $900K here. gamma two delta. The figure is $900K there. end"
    second = text.rfind("The figure is $900K")
    a = anchor_at(text, second, second + len("The figure is $900K"))
    old = OldAnchor(1, a.start, a.end, a.quote, a.prefix, a.suffix)
    new = "Intro. " + text
    (p,) = reanchor(text, new, [old])
    assert p.outcome == MOVED and p.start == second + len("Intro. ")


def test_astral_characters_around_the_quote():
    text = "👩‍👩‍👧 Family 𝐀 first line\nThe claim 😀 sits here 𠀀 and ends.\nLast line 🇫🇷"
    start = text.index("The claim")
    end = text.index(" and ends") + len(" and ends")
    a = anchor_at(text, start, end)
    old = OldAnchor(7, a.start, a.end, a.quote, a.prefix, a.suffix)
    new = "New 🤷🏽 opening\n" + text.replace("sits here", "sits right here")
    (p,) = reanchor(text, new, [old])
    assert p.outcome == CHANGED
    assert new[p.start : p.end] == p.quote and "😀" in p.quote and "𠀀" in p.quote


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=12)


@st.composite
def edited_texts(draw):
    paragraphs = draw(st.lists(st.text(min_size=1, max_size=80).map(lambda s: s.replace("\n", " ")), min_size=1, max_size=8))
    text = "\n".join(paragraphs)
    spans = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append((start, end))
    new = text
    for _ in range(draw(st.integers(0, 5))):
        pos = draw(st.integers(0, len(new)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        cut = draw(st.integers(0, 20))
        piece = draw(words)
        if kind == "insert":
            new = new[:pos] + piece + new[pos:]
        elif kind == "delete":
            new = new[:pos] + new[pos + cut :]
        else:
            new = new[:pos] + piece + new[pos + cut :]
    return text, new, spans


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_texts())
def test_no_claim_ever_disappears(case):
    old_text, new_text, spans = case
    olds = []
    for i, (s, e) in enumerate(spans):
        a = anchor_at(old_text, s, e)
        olds.append(OldAnchor(i, a.start, a.end, a.quote, a.prefix, a.suffix))
    placements = reanchor(old_text, new_text, olds)
    assert [p.claim_id for p in placements] == [o.claim_id for o in olds]
    for old, p in zip(olds, placements):
        if p.outcome == ORPHANED:
            assert (p.start, p.end, p.quote) == (old.start, old.end, old.quote)
        else:
            assert 0 <= p.start < p.end <= len(new_text)
            assert new_text[p.start : p.end] == p.quote
            if p.outcome in (UNCHANGED, MOVED):
                assert p.quote == old.quote
