"""Finding claims again in a new version of their document's text.

Each claim is placed by, in order: its exact position (the quote is still
there), the exact quote elsewhere (best context, then nearest), or the best
fuzzy match of the quote near where the text around it went, scored on the
quote first (a match below 90% must also have a prefix and suffix that agree),
then on nearness to the expected position. A claim that matches nowhere well enough is orphaned: kept with its
old quote, never dropped.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

from desktop_app.core.anchoring import CONTEXT, anchor_at

MIN_QUOTE_SCORE = 75.0  # out of 100; below this the claim is orphaned
SURE_QUOTE_SCORE = 90.0  # a weaker quote match also needs its context to agree
MIN_CONTEXT_SCORE = 60.0
MIN_FUZZY_LENGTH = 8  # shorter quotes are found exactly or not at all
UNCHANGED, MOVED, CHANGED, ORPHANED = "unchanged", "moved", "changed", "orphaned"


@dataclass(frozen=True, slots=True)
class OldAnchor:
    claim_id: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Placement:
    claim_id: int
    outcome: str  # unchanged, moved, changed or orphaned
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    score: float  # 100 for an exact quote


class PositionMap:
    """Maps offsets of the old text to the new one through the blocks (lines)
    that stayed the same; fast for long texts, where a character diff is not."""

    def __init__(self, old: str, new: str) -> None:
        old_lines = old.split("\n")
        new_lines = new.split("\n")
        self._old_starts = _line_starts(old_lines)
        self._new_starts = _line_starts(new_lines)
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        # (old line, new line) pairs for equal runs, sorted by old line
        self._pairs: list[tuple[int, int, int]] = [
            (a, b, size) for a, b, size in matcher.get_matching_blocks() if size
        ]
        self._keys = [a for a, _, _ in self._pairs]
        self._new_len = len(new)
        self._ratio = len(new) / len(old) if old else 1.0

    def map(self, offset: int) -> int:
        line = bisect_right(self._old_starts, offset) - 1
        i = bisect_right(self._keys, line) - 1
        if i >= 0:
            a, b, size = self._pairs[i]
            if line < a + size:  # inside an unchanged line
                return self._new_starts[b + (line - a)] + (offset - self._old_starts[line])
            # in changed lines after an unchanged run: count on from where the run ends
            old_anchor = self._old_starts[a + size]
            new_anchor = self._new_starts[b + size] if b + size < len(self._new_starts) else self._new_len
            return min(self._new_len, max(0, new_anchor + (offset - old_anchor)))
        return min(self._new_len, int(offset * self._ratio))


def _line_starts(lines: list[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    score = 0.0
    if prefix:
        score += fuzz.ratio(prefix, text[max(0, start - len(prefix)) : start])
    else:
        score += 100.0 if start == 0 else 50.0
    if suffix:
        score += fuzz.ratio(suffix, text[end : end + len(suffix)])
    else:
        score += 100.0 if end == len(text) else 50.0
    return score / 2


def _refine(quote: str, text: str, start: int, end: int) -> tuple[int, int, float]:
    """Adjust the ends of an approximate match to maximise its similarity to the quote."""
    slack = max(3, len(quote) // 5)
    best = (fuzz.ratio(quote, text[start:end]), start, end)
    for s in range(max(0, start - slack), min(len(text), start + slack) + 1):
        score = fuzz.ratio(quote, text[s:end]) if s < end else 0
        if score > best[0]:
            best = (score, s, end)
    score, start, _ = best
    for e in range(max(start + 1, end - slack), min(len(text), end + slack) + 1):
        value = fuzz.ratio(quote, text[start:e])
        if value > best[0]:
            best = (value, start, e)
    score, start, end = best
    # whole characters of whitespace at the ends are not part of a claim
    while start < end and text[start].isspace() and not quote[:1].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not quote[-1:].isspace():
        end -= 1
    return start, end, fuzz.ratio(quote, text[start:end])


def _fuzzy(quote: str, text: str, lo: int, hi: int) -> tuple[int, int, float] | None:
    window = text[lo:hi]
    if not window or not quote:
        return None
    found = fuzz.partial_ratio_alignment(quote, window)
    if found is None or found.score < MIN_QUOTE_SCORE:
        return None
    start, end, score = _refine(quote, text, lo + found.dest_start, lo + found.dest_end)
    if end <= start or score < MIN_QUOTE_SCORE:
        return None
    return start, end, score


def place(old: OldAnchor, new_text: str, mapping: PositionMap) -> Placement:
    quote = old.quote

    def placed(outcome: str, start: int, end: int, score: float) -> Placement:
        a = anchor_at(new_text, start, end, CONTEXT)
        return Placement(old.claim_id, outcome, a.start, a.end, a.quote, a.prefix, a.suffix, score)

    if quote and new_text[old.start : old.end] == quote:
        return placed(UNCHANGED, old.start, old.end, 100.0)
    expected = mapping.map(old.start)
    # the exact quote somewhere else: best context, then nearest
    candidates = []
    pos = new_text.find(quote) if quote else -1
    while pos != -1 and len(candidates) < 1000:
        candidates.append(pos)
        pos = new_text.find(quote, pos + 1)
    if candidates:
        best = max(
            candidates,
            key=lambda s: (
                round(_context_score(new_text, s, s + len(quote), old.prefix, old.suffix)),
                -abs(s - expected),
            ),
        )
        return placed(MOVED, best, best + len(quote), 100.0)
    # a fuzzy match, first near the expected place, then anywhere
    span = len(quote)
    if span < MIN_FUZZY_LENGTH:
        return Placement(old.claim_id, ORPHANED, old.start, old.end, old.quote, old.prefix, old.suffix, 0.0)
    near = (max(0, expected - 2 * span - 500), min(len(new_text), expected + 3 * span + 500))
    found = _fuzzy(quote, new_text, *near)
    if found is None and (near[0] > 0 or near[1] < len(new_text)):
        found = _fuzzy(quote, new_text, 0, len(new_text))
    if found is None:
        return Placement(old.claim_id, ORPHANED, old.start, old.end, old.quote, old.prefix, old.suffix, 0.0)
    start, end, score = found
    if score < SURE_QUOTE_SCORE and _context_score(new_text, start, end, old.prefix, old.suffix) < MIN_CONTEXT_SCORE:
        return Placement(old.claim_id, ORPHANED, old.start, old.end, old.quote, old.prefix, old.suffix, 0.0)
    return placed(CHANGED if new_text[start:end] != quote else MOVED, start, end, score)


def reanchor(old_text: str, new_text: str, anchors: list[OldAnchor]) -> list[Placement]:
    """Place every claim of the old text in the new text (orphaning none silently)."""
    mapping = PositionMap(old_text, new_text)
    return [place(a, new_text, mapping) for a in anchors]
