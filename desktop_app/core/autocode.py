"""Auto-coding: find every occurrence of a word, phrase or pattern in the
documents and tag each as a claim.

Python's regular expressions cannot be interrupted, so patterns are guarded
before and while they run: a pattern longer than ``MAX_PATTERN`` characters,
or with a quantified group that itself holds a quantifier (``(a+)+``, the
shape behind catastrophic backtracking), is refused; a search stops with an
error past ``MAX_MATCHES`` matches; a match longer than ``MAX_MATCH_CHARS``
is refused (a pattern that swallows paragraphs is not a claim finder); and
empty matches are skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from desktop_app.core.errors import InvalidInput

MAX_PATTERN = 300
MAX_MATCHES = 20_000
MAX_MATCH_CHARS = 2_000

# A group holding a quantifier, itself quantified: "(a+)+", "(\w*x)*", "(?:a|b+){2,}".
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*(?<!\\)[+*}](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})")


def compile_pattern(pattern: str, *, regex: bool = False, whole_words: bool = True,
                    case_sensitive: bool = False) -> re.Pattern:
    if not pattern or not pattern.strip():
        raise InvalidInput("The pattern is empty.")
    if len(pattern) > MAX_PATTERN:
        raise InvalidInput(f"The pattern is too long (at most {MAX_PATTERN} characters).")
    body = pattern if regex else re.escape(pattern)
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
    return re.compile(body, flags)


def find_in_text(compiled: re.Pattern, text: str, budget: int = MAX_MATCHES) -> list[tuple[int, int]]:
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
) -> list[tuple[int, int, int]]:
    """(document id, start, end) of every match, by document then position.
    Without ``document_ids``, every live document is searched."""
    compiled = compile_pattern(pattern, regex=regex, whole_words=whole_words, case_sensitive=case_sensitive)
    with store.snapshot():
        ids = [d.id for d in store.list_documents()] if document_ids is None else list(dict.fromkeys(document_ids))
        out: list[tuple[int, int, int]] = []
        for doc_id in ids:
            text = store.document_text(doc_id)
            for start, end in find_in_text(compiled, text, MAX_MATCHES - len(out)):
                out.append((doc_id, start, end))
    return out


def autocode(
    store,
    pattern: str,
    tag_id: int,
    *,
    regex: bool = False,
    document_ids: Iterable[int] | None = None,
    whole_words: bool = True,
    case_sensitive: bool = False,
) -> int:
    """Tag every match as a claim with ``tag_id``, except matches lying inside
    a live claim that already has the tag; all in one transaction. Returns
    how many claims were added (running it again adds none)."""
    return len(autocode_claims(store, pattern, tag_id, regex=regex, document_ids=document_ids,
                               whole_words=whole_words, case_sensitive=case_sensitive))


def autocode_claims(
    store,
    pattern: str,
    tag_id: int,
    *,
    regex: bool = False,
    document_ids: Iterable[int] | None = None,
    whole_words: bool = True,
    case_sensitive: bool = False,
) -> list[int]:
    """``autocode``, returning the ids of the claims it made (by document,
    then position): an undo step needs them, and listing every claim to find
    them would read the whole project."""
    store.get_tag(tag_id)  # NotFound before any work
    with store.transaction():
        matches = find_matches(store, pattern, regex=regex, document_ids=document_ids,
                               whole_words=whole_words, case_sensitive=case_sensitive)
        if not matches:
            return []
        docs = sorted({d for d, _, _ in matches})
        tagged: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for c in store.iter_claims(document_ids=docs, tag_ids=[tag_id], orphaned=False):
            tagged[c.document_id].append((c.start, c.end))
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, start, end in matches:
            if any(s <= start and end <= e for s, e in tagged[doc_id]):
                continue
            spans[doc_id].append((start, end))
        made: list[int] = []
        for doc_id in docs:
            if spans[doc_id]:
                made += store.add_claims_returning_ids(doc_id, spans[doc_id], [tag_id])
    return made
