"""The structured document: blocks and inline spans over one canonical text.

The canonical text is exactly what the reader sees in a pane: the text of each
block, blocks joined by a single ``"\\n"``. Every offset in Marginalia is a
Unicode code point index into that text. List markers, quote bars and heading
sizes are formatting, drawn by the view; they are not part of the text.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "code")
SPAN_KINDS = ("em", "strong", "code", "link", "strike")

# Characters that never reach the canonical text. Line and paragraph
# separators become newlines; other control characters (except tab and newline)
# are dropped, because a text view would either hide them or treat them as
# layout instructions, and offsets must match what is seen.
_NEWLINE_LIKE = {"\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"}


def canonicalize(text: str) -> str:
    """Normalise text the way every importer does before offsets are taken.

    NFC composition, newlines unified to ``"\\n"``, control characters other
    than tab and newline removed, and Unicode non-characters (which Qt uses
    internally as frame markers) removed.
    """
    text = text.replace("\r\n", "\n")
    for ch in _NEWLINE_LIKE:
        if ch != "\r\n":
            text = text.replace(ch, "\n")
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\t\n":
            out.append(ch)
        elif o < 0x20 or 0x7F <= o < 0xA0:
            continue
        elif 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE:
            continue
        elif 0xD800 <= o <= 0xDFFF:  # lone surrogates cannot be stored or shown
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


class Block(NamedTuple):
    """One block of the document, covering ``text[start:end]`` (no newline).

    A named tuple: a long document has tens of thousands of them, and tuples
    are the cheapest immutable records to make."""

    kind: str
    start: int
    end: int
    level: int = 0  # heading level 1-6; list nesting depth (1 = top) for list items
    quote_depth: int = 0  # how many block quotes enclose this block
    ordered: bool = False  # list items: numbered list
    number: int | None = None  # list items of numbered lists: the item's number
    language: str = ""  # code blocks: the info string


class Span(NamedTuple):
    """Inline formatting over ``text[start:end]``; spans may nest."""

    kind: str
    start: int
    end: int
    href: str = ""  # links only


@dataclass(slots=True)
class Metadata:
    title: str = ""
    author: str = ""
    outlet: str = ""
    source_url: str = ""
    published: str = ""  # ISO 8601 date (or date-time) as given, "" if unknown

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(slots=True)
class SourceFile:
    """The source exactly as it was read, kept with the document so that a
    fact-checker can show what it said when it was read."""

    data: bytes
    media_type: str = ""  # e.g. "application/pdf", "text/html"
    file_name: str = ""  # the name it was imported from ("" for an address)
    address: str = ""  # the final address after redirects, for a web page
    retrieved_at: str = ""  # ISO 8601 UTC time it was read, e.g. "2026-12-06T14:02:11Z"


@dataclass(slots=True)
class OfferedClaim:
    """A highlight, underline or comment a reader made in the file itself (PDF
    annotations, Word and OpenDocument comments), placed on the canonical text.
    The import offers these as claims; nothing is created without the user."""

    start: int
    end: int
    quote: str
    note: str = ""
    author: str = ""
    kind: str = "highlight"  # "highlight", "underline", "strikeout", "comment"
    created: str = ""  # ISO 8601 as found in the file, "" if unknown
    page: int = 0  # 1-based page for paged sources, 0 otherwise


@dataclass(slots=True)
class StructuredDocument:
    """What an importer produces and what the view renders."""

    text: str
    blocks: list[Block]
    spans: list[Span] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    source_format: str = ""  # "markdown", "text", "html", "web", "pdf", "docx", "odt", "epub"
    encoding: str = ""  # the encoding the bytes were decoded with
    sha256: str = ""  # of the original bytes
    # Paged sources (PDF): the code-point offset at which each page starts;
    # pages[0] == 0. Empty for sources without pages. Page of offset o is
    # bisect_right(pages, o) (1-based).
    pages: list[int] = field(default_factory=list)
    original: SourceFile | None = None  # the bytes as read, with where and when
    offered: list[OfferedClaim] = field(default_factory=list)
    # How much of the source the importer left out (web pages: navigation,
    # footers…), as a fraction of the source's text, for the import summary.
    left_out: float = 0.0
    # A sentence the import summary adds, e.g. why the whole page was
    # imported instead of its article ("" for none).
    notice: str = ""

    def check(self) -> None:
        """Raise ValueError if blocks and text disagree (used by tests and the store)."""
        expected = "\n".join(self.text[b.start : b.end] for b in self.blocks)
        if expected != self.text:
            raise ValueError("blocks do not tile the canonical text")
        pos = 0
        for b in self.blocks:
            if b.kind not in BLOCK_KINDS:
                raise ValueError(f"unknown block kind {b.kind!r}")
            if b.start != pos or "\n" in self.text[b.start : b.end]:
                raise ValueError("blocks must be consecutive lines of the text")
            pos = b.end + 1
        for s in self.spans:
            if s.kind not in SPAN_KINDS or not 0 <= s.start <= s.end <= len(self.text):
                raise ValueError(f"bad span {s!r}")
        if self.pages:
            if self.pages[0] != 0 or any(b < a for a, b in zip(self.pages, self.pages[1:])):
                raise ValueError("pages must start at 0 and never go back")
            if self.pages[-1] > len(self.text):
                raise ValueError("a page starts after the end of the text")

    # Structure is stored as compact JSON next to the text.
    def structure_json(self) -> str:
        blocks = [
            [b.kind, b.start, b.end, b.level, b.quote_depth, bool(b.ordered), b.number, b.language]
            for b in self.blocks
        ]
        spans = [[s.kind, s.start, s.end, s.href] for s in self.spans]
        data: dict[str, Any] = {"v": 1}
        if self.pages:  # first, so that pages_from_json reads them without the rest
            data["pages"] = [int(p) for p in self.pages]
        data["blocks"] = blocks
        data["spans"] = spans
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def structure_from_json(data: str) -> tuple[list[Block], list[Span]]:
        raw: dict[str, Any] = json.loads(data)
        # rows are stored in field order (``ordered`` as 0/1 or a JSON boolean)
        return list(map(Block._make, raw["blocks"])), list(map(Span._make, raw["spans"]))

    @staticmethod
    def pages_from_json(data: str) -> list[int]:
        """The page starts kept in a structure (``[]`` for rows written before
        pages were kept, and for sources without pages). Reads only the page
        list when it comes first, as structure_json writes it."""
        if '"pages"' not in data:
            return []
        if data.startswith(_PAGES_FIRST):
            pages, _end = _DECODER.raw_decode(data, len(_PAGES_FIRST))
        else:
            pages = json.loads(data).get("pages", [])
        return [int(p) for p in pages]


_PAGES_FIRST = '{"v":1,"pages":'
_DECODER = json.JSONDecoder()


def page_of(pages: list[int], offset: int) -> int:
    """The 1-based page holding the code point at ``offset`` (0 without pages)."""
    return bisect_right(pages, offset) if pages else 0


def page_label(pages: list[int], start: int, end: int) -> str:
    """The page of ``text[start:end]`` as a reader cites it: "3", or "3–4"
    when it runs over a page break; "" for a source without pages."""
    if not pages:
        return ""
    first = page_of(pages, start)
    last = page_of(pages, max(start, end - 1))
    return str(first) if last <= first else f"{first}\u2013{last}"


def blocks_for_lines(text: str, kind: str = "paragraph") -> list[Block]:
    """One block per line of ``text`` (how plain text is structured)."""
    blocks = []
    pos = 0
    for line in text.split("\n"):
        blocks.append(Block(kind=kind, start=pos, end=pos + len(line)))
        pos += len(line) + 1
    return blocks
