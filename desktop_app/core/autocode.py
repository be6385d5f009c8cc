"""Auto-coding: find every occurrence of a word, phrase or pattern in the
documents and tag each as a claim.

Python's regular expressions cannot be interrupted, so patterns are guarded
before and while they run: a pattern longer than ``MAX_PATTERN`` characters,
or with a quantified group that itself holds a quantifier (``(a+)+``, the
shape behind catastrophic backtracking), is refused; a search stops with an
error past ``MAX_MATCHES`` matches; a match longer than ``MAX_MATCH_CHARS``
is refused (a pattern that swallows paragraphs is not a claim finder); and
empty matches are skipped.

The pattern is composed (NFC) as documents are when imported, so a pattern
typed or pasted decomposed ("cafe" + U+0301) finds the composed text. By
default accents are ignored, as the corpus search ignores them: "cafe" finds
"Café" and "café" finds "cafe" (``accent_sensitive=True`` matches them as
typed). Letters are compared by their base letter, one character for one,
so offsets stay the document's; a letter Unicode has no composed form for
(a base letter followed by a separate combining mark) is matched as written.

``plan_autocode`` is the one place that says what a run would do: every
match, and those a run adds (matches inside a claim that already has the
tag are skipped). The dry run, the run and the window's preview all ask it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from desktop_app.core.errors import InvalidInput

MAX_PATTERN = 300
MAX_MATCHES = 20_000
MAX_MATCH_CHARS = 2_000

# A group holding a quantifier, itself quantified: "(a+)+", "(\w*x)*", "(?:a|b+){2,}".
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*(?<!\\)[+*}](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})")
_BASE: dict[int, str] = {}  # character -> its letter without accents, one character for one


def strip_accents(text: str) -> str:
    """``text`` with each accented letter replaced by its base letter ("Café"
    → "Cafe"), character for character, so that offsets are kept."""
    if text.isascii():
        return text
    for c in set(text):
        if ord(c) not in _BASE:
            parts = unicodedata.normalize("NFD", c)
            base = parts[0]
            _BASE[ord(c)] = base if len(parts) > 1 and all(unicodedata.combining(p) for p in parts[1:]) else c
    return text.translate(_BASE)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern and whether the text must lose its accents before it is searched."""

    compiled: re.Pattern
    fold_accents: bool

    def finditer(self, text: str):
        return self.compiled.finditer(strip_accents(text) if self.fold_accents else text)


def compile_pattern(pattern: str, *, regex: bool = False, whole_words: bool = True,
                    case_sensitive: bool = False, accent_sensitive: bool = False) -> Pattern:
    """The pattern as searched: composed as documents are and, unless
    ``accent_sensitive``, without its accents."""
    pattern = unicodedata.normalize("NFC", pattern)
    if not pattern or not pattern.strip():
        raise InvalidInput("The pattern is empty.")
    if len(pattern) > MAX_PATTERN:
        raise InvalidInput(f"The pattern is too long (at most {MAX_PATTERN} characters).")
    searched = pattern if accent_sensitive else "".join(
        c for c in strip_accents(unicodedata.normalize("NFD", pattern)) if not unicodedata.combining(c))
    body = searched if regex else re.escape(searched)
    if regex and _NESTED.search(pattern):
        raise InvalidInput(
            f"The pattern '{pattern}' repeats a group that itself repeats, which can take forever to search; "
            "write it without the nested repetition."
        )
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        re.compile(body, flags)  # checked alone, so that positions in errors are the user's
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise InvalidInput(f"'{pattern}' is not a valid regular expression: {exc.msg}{where}.") from None
    if whole_words:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return Pattern(re.compile(body, flags), not accent_sensitive)


def find_in_text(compiled: Pattern, text: str, budget: int = MAX_MATCHES) -> list[tuple[int, int]]:
    out = []
    for m in compiled.finditer(text):
        start, end = m.span()
        if start == end:
            continue
        if end - start > MAX_MATCH_CHARS:
            raise InvalidInput(
                f"The pattern matches a passage of {end - start} characters; matches are limited to "
                f"{MAX_MATCH_CHARS} characters."
            )
        out.append((start, end))
        if len(out) > budget:
            raise InvalidInput(
                f"The pattern matches more than {MAX_MATCHES} passages; make it more specific."
            )
    return out


def find_matches(
    store,
    pattern: str,
    *,
    regex: bool = False,
    document_ids: Iterable[int] | None = None,
    whole_words: bool = True,
    case_sensitive: bool = False,
    accent_sensitive: bool = False,
) -> list[tuple[int, int, int]]:
    """(document id, start, end) of every match, by document then position.
    Without ``document_ids``, every live document is searched."""
    compiled = compile_pattern(pattern, regex=regex, whole_words=whole_words, case_sensitive=case_sensitive,
                               accent_sensitive=accent_sensitive)
    with store.snapshot():
        ids = [d.id for d in store.list_documents()] if document_ids is None else list(dict.fromkeys(document_ids))
        out: list[tuple[int, int, int]] = []
        for doc_id in ids:
            text = store.document_text(doc_id)
            for start, end in find_in_text(compiled, text, MAX_MATCHES - len(out)):
                out.append((doc_id, start, end))
    return out


@dataclass(frozen=True, slots=True)
class AutoCodePlan:
    """What a run of auto-code would do now."""

    matches: tuple[tuple[int, int, int], ...]  # every match: (document id, start, end)
    new: tuple[tuple[int, int, int], ...]  # those a run tags: not inside a claim that has the tag already

    @property
    def already_tagged(self) -> int:
        return len(self.matches) - len(self.new)


def plan_autocode(store, pattern: str, tag_id: int | None, *, regex: bool = False,
                  document_ids: Iterable[int] | None = None, whole_words: bool = True,
                  case_sensitive: bool = False, accent_sensitive: bool = False) -> AutoCodePlan:
    """Every match of ``pattern`` and those a run with ``tag_id`` would add
    (None: no tag chosen yet, every match is new). Reads one snapshot."""
    with store.snapshot():
        matches = find_matches(store, pattern, regex=regex, document_ids=document_ids, whole_words=whole_words,
                               case_sensitive=case_sensitive, accent_sensitive=accent_sensitive)
        if tag_id is None or not matches:
            return AutoCodePlan(tuple(matches), tuple(matches))
        docs = sorted({d for d, _, _ in matches})
        tagged: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for c in store.iter_claims(document_ids=docs, tag_ids=[tag_id], orphaned=False):
            tagged[c.document_id].append((c.start, c.end))
    new = tuple((d, s, e) for d, s, e in matches if not any(a <= s and e <= b for a, b in tagged[d]))
    return AutoCodePlan(tuple(matches), new)


def autocode(store, pattern: str, tag_id: int, **options) -> int:
    """Tag every match as a claim with ``tag_id``, except matches lying inside
    a live claim that already has the tag; all in one transaction. Returns
    how many claims were added (running it again adds none). ``options`` are
    those of ``plan_autocode``."""
    return len(autocode_claims(store, pattern, tag_id, **options))


def autocode_claims(store, pattern: str, tag_id: int, **options) -> list[int]:
    """``autocode``, returning the ids of the claims it made (by document,
    then position): an undo step needs them, and listing every claim to find
    them would read the whole project. It adds exactly ``plan_autocode``'s
    ``new`` matches."""
    store.get_tag(tag_id)  # NotFound before any work
    with store.transaction():
        plan = plan_autocode(store, pattern, tag_id, **options)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, start, end in plan.new:
            spans[doc_id].append((start, end))
        made: list[int] = []
        for doc_id in sorted(spans):
            made += store.add_claims_returning_ids(doc_id, spans[doc_id], [tag_id])
    return made
