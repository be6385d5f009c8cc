"""Pieces shared by the importers: text cleaning, link safety, refusals and
the block builder that turns a stream of text and formatting events into
blocks and spans with code point offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from desktop_app.core.document import Block, Span, canonicalize
from desktop_app.core.errors import ImportRefused

# Anything canonicalize() would change, apart from NFC composition: control
# characters other than tab and newline, newline-like separators, surrogates
# and Unicode non-characters.
_NONCHARACTERS = "".join(chr((plane << 16) | 0xFFFE) + chr((plane << 16) | 0xFFFF) for plane in range(17))
_NEEDS_CANON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]")


# The same check in two steps, an order of magnitude faster on ordinary text:
# a small pattern of ranges first, the astral non-characters only when the
# text has characters outside the Basic Multilingual Plane at all.
_BMP_NEEDS_CANON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# For ASCII text only the control characters matter; deleting them from the
# bytes and comparing lengths is several times faster than a pattern search.
_ASCII_CONTROLS = bytes(i for i in range(0x20) if i not in (0x09, 0x0A)) + b"\x7f"


def clean(text: str) -> str:
    """``canonicalize(text)``, skipping the work when the text is already canonical."""
    if text.isascii():
        if len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text):
            return text
        return canonicalize(text)
    if _BMP_NEEDS_CANON.search(text) is not None:
        return canonicalize(text)
    if _ASTRAL.search(text) is not None and _NEEDS_CANON.search(text) is not None:
        return canonicalize(text)
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else canonicalize(text)


def clean_inline(text: str) -> str:
    """Canonical text for use inside one block: no newlines."""
    text = clean(text)
    if "\n" in text:
        text = text.replace("\n", " ")
    return text


def clean_meta(value: str) -> str:
    """A metadata value: canonical, on one line, whitespace collapsed."""
    return " ".join(clean(value).split())


def display_name(name: str) -> str:
    """The file name shown in messages: the last path component."""
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return clean_meta(base) or "the file"


def refused(name: str, reason: str) -> ImportRefused:
    """An ImportRefused whose message names the file: ``"notes.bin: reason"``."""
    return ImportRefused(f"{display_name(name)}: {reason}")


def title_from_name(name: str) -> str:
    """A readable title from a file name: ``"my_article-notes.txt"`` → ``"my article notes"``."""
    base = display_name(name)
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    title = " ".join(re.sub(r"[_\-]+", " ", stem).split())
    return title or stem or base


# Links: what a browser would strip before reading the scheme, and the
# schemes that may be kept. Anything without a scheme is a relative link.
_ASCII_TAB_NEWLINE = re.compile("[\t\n\r]")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_href(raw: str | None) -> str:
    """The link target if it is safe to keep, else ``""``.

    Kept: http, https and mailto URLs, and relative or fragment links.
    Everything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``, …)
    is dropped.
    """
    if not raw:
        return ""
    href = _ASCII_TAB_NEWLINE.sub("", raw).strip(_C0_AND_SPACE)
    href = clean(href)
    if "\n" in href:
        return ""
    m = _SCHEME.match(href)
    if m and m.group(1).lower() not in SAFE_SCHEMES:
        return ""
    return href


@dataclass(slots=True)
class Draft:
    """A finished block before it is placed in the document: text and spans are local."""

    kind: str
    text: str
    spans: list[tuple[str, int, int, str]] = field(default_factory=list)
    level: int = 0
    quote_depth: int = 0
    ordered: bool = False
    number: int | None = None
    language: str = ""


_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
# Remapping span offsets after NFC composition across pieces costs
# (boundaries × block length); above this the block keeps its text but
# loses its inline formatting.
_REMAP_BUDGET = 20_000_000


class _OpenSpan:
    __slots__ = ("kind", "start", "href")

    def __init__(self, kind: str, start: int, href: str) -> None:
        self.kind = kind
        self.start = start
        self.href = href


class Builder:
    """Collects blocks from a stream of events.

    ``begin`` opens a block, ``add`` appends (already clean) text, ``open_span``
    and ``close_span`` mark inline formatting, ``end`` closes the block. Spans
    may stay open across blocks: each block gets its own piece of them.
    With ``collapse_spaces`` runs of spaces, tabs and newlines become one space
    and leading spaces in a block are dropped, as a browser does.
    """

    def __init__(self, *, collapse_spaces: bool = False) -> None:
        self.drafts: list[Draft] = []
        self._collapse = collapse_spaces
        self._attrs: dict | None = None
        self._parts: list[str] = []
        self._len = 0
        self._after_space = True
        self._closed: list[tuple[str, int, int, str]] = []
        self._open: list[_OpenSpan] = []

    @property
    def in_block(self) -> bool:
        return self._attrs is not None

    @property
    def block_length(self) -> int:
        return self._len

    @property
    def block_kind(self) -> str | None:
        return None if self._attrs is None else self._attrs["kind"]

    def set_attr(self, key: str, value) -> None:
        """Change an attribute (say, the language) of the open block."""
        if self._attrs is not None:
            self._attrs[key] = value

    def begin(self, kind: str = "paragraph", **attrs) -> None:
        self.end()
        attrs["kind"] = kind
        self._attrs = attrs
        self._parts = []
        self._len = 0
        self._after_space = True
        self._closed = []
        for span in self._open:
            span.start = 0

    def add(self, text: str, *, collapse: bool | None = None) -> None:
        if self._attrs is None:
            self.begin()
        if self._collapse if collapse is None else collapse:
            text = _COLLAPSIBLE.sub(" ", text)
            if self._after_space:
                text = text.lstrip(" ")
            if not text:
                return
            self._after_space = text.endswith(" ")
        elif not text:
            return
        else:
            self._after_space = False
        self._parts.append(text)
        self._len += len(text)

    def open_span(self, kind: str, href: str = "") -> _OpenSpan:
        span = _OpenSpan(kind, self._len, href)
        self._open.append(span)
        return span

    def close_span(self, span: _OpenSpan | None) -> None:
        if span is None:
            return
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i] is span:
                del self._open[i]
                break
        else:
            return
        if self._attrs is not None and self._len > span.start:
            self._closed.append((span.kind, span.start, self._len, span.href))

    def hard_break(self) -> None:
        """End the block and start another of the same kind and attributes."""
        attrs = dict(self._attrs) if self._attrs is not None else {"kind": "paragraph"}
        self.end()
        self.begin(**attrs)

    def end(self, *, keep_empty: bool | None = None) -> None:
        """Close the current block. Empty blocks are dropped unless they are code lines."""
        attrs = self._attrs
        if attrs is None:
            return
        self._attrs = None
        spans = self._closed
        for span in self._open:
            if self._len > span.start:
                spans.append((span.kind, span.start, self._len, span.href))
        text = "".join(self._parts)
        self._parts = []
        self._closed = []
        kind = attrs.pop("kind")
        if keep_empty is None:
            keep_empty = kind == "code"
        draft = Draft(kind, text, spans, **attrs)
        self.add_draft(draft, keep_empty=keep_empty)

    def add_draft(self, draft: Draft, *, keep_empty: bool | None = None) -> None:
        """Append a block built elsewhere (tidied here: trimmed, NFC, spans clipped)."""
        self.end()
        if keep_empty is None:
            keep_empty = draft.kind == "code"
        if _tidy(draft) or keep_empty:
            self.drafts.append(draft)

    def finish(self) -> tuple[str, list[Block], list[Span]]:
        self.end()
        return assemble(self.drafts)


def _tidy(draft: Draft) -> bool:
    """Trim, normalise and clip a draft in place; False if it has no text."""
    text = draft.text
    if not text:
        draft.spans = []
        return False
    if "\n" in text:
        text = text.replace("\n", " ")
    spans = draft.spans
    if draft.kind != "code" and (text[0].isspace() or text[-1].isspace()):
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if lead and spans:
            spans = [(k, s - lead, e - lead, h) for k, s, e, h in spans]
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text, spans = _renormalize(text, spans)
    draft.text = text
    if spans:
        draft.spans = _clip_spans(text, spans, draft.kind != "code")
    return bool(text)


def _clip_spans(text: str, spans: list, trim: bool) -> list[tuple[str, int, int, str]]:
    n = len(text)
    out: list[tuple[str, int, int, str]] = []
    seen: set[tuple[str, int, int, str]] = set()
    for kind, start, end, href in spans:
        start = max(0, start)
        end = min(n, end)
        if trim and kind != "code":
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
        if start >= end:
            continue
        key = (kind, start, end, href)
        if key not in seen:
            seen.add(key)
            out.append(key)
    if len(out) > 1:
        out.sort(key=lambda s: (s[1], -s[2]))
    return out


def _renormalize(text: str, spans: list[tuple[str, int, int, str]]) -> tuple[str, list]:
    """NFC-compose a block whose pieces combine across a boundary; move span ends along."""
    normal = unicodedata.normalize("NFC", text)
    points = {p for _, s, e, _ in spans for p in (s, e) if 0 < p < len(text)}
    if len(points) * len(text) > _REMAP_BUDGET:
        return normal, []
    where = {p: len(unicodedata.normalize("NFC", text[:p])) for p in points}
    where[0] = 0
    moved = []
    for kind, s, e, href in spans:
        s = 0 if s <= 0 else (len(normal) if s >= len(text) else where[s])
        e = 0 if e <= 0 else (len(normal) if e >= len(text) else where[e])
        moved.append((kind, min(s, len(normal)), min(e, len(normal)), href))
    return normal, moved


def assemble(drafts: list[Draft]) -> tuple[str, list[Block], list[Span]]:
    """Place drafts one per line: the canonical text, its blocks and its spans."""
    texts: list[str] = []
    blocks: list[Block] = []
    spans: list[Span] = []
    pos = 0
    for d in drafts:
        n = len(d.text)
        texts.append(d.text)
        blocks.append(
            Block(
                kind=d.kind,
                start=pos,
                end=pos + n,
                level=d.level,
                quote_depth=d.quote_depth,
                ordered=d.ordered,
                number=d.number,
                language=d.language,
            )
        )
        for kind, s, e, href in d.spans:
            spans.append(Span(kind=kind, start=pos + s, end=pos + e, href=href))
        pos += n + 1
    return "\n".join(texts), blocks, spans
