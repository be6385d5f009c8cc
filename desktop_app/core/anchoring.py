"""Anchors of claims, after the W3C Web Annotation selectors.

A claim is held by a TextPositionSelector (start, end in code points of the
canonical text) and a TextQuoteSelector (the exact quote with up to
``CONTEXT`` characters of prefix and suffix), so that it can be found again
when the text changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.errors import InvalidInput
from desktop_app.core.wording import plural

CONTEXT = 32


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def anchor_at(text: str, start: int, end: int, context: int = CONTEXT) -> Anchor:
    """The anchor of ``text[start:end]``; refuses empty or out-of-range spans."""
    if not isinstance(start, int) or not isinstance(end, int):
        raise InvalidInput("Claim positions must be whole numbers.")
    if not 0 <= start < end <= len(text):
        raise InvalidInput(
            f"The passage {start}-{end} is not inside the document (it has {len(text)} characters) "
            "or is empty."
        )
    return Anchor(
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` (overlapping ones too)."""
    found = []
    pos = text.find(quote)
    while pos != -1 and quote:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    return found


def anchor_quote(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Anchor a claim by its quote; ``occurrence`` (1-based) picks among repeats."""
    if not quote:
        raise InvalidInput("The quote is empty.")
    starts = occurrences(text, quote)
    if not starts:
        raise InvalidInput(f"The quote “{_short(quote)}” is not in the document.")
    if occurrence is None:
        if len(starts) > 1:
            raise InvalidInput(
                f"The quote “{_short(quote)}” occurs {len(starts)} times in the document; "
                f"say which with --occurrence 1 to {len(starts)}."
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise InvalidInput(
            f"The quote “{_short(quote)}” occurs {plural(len(starts), 'time')}; there is no occurrence {occurrence}."
        )
    start = starts[occurrence - 1]
    return anchor_at(text, start, start + len(quote))


def _short(quote: str, limit: int = 60) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
