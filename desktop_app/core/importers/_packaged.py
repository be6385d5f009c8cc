"""What the Word, OpenDocument and EPUB readers share: reading the body's
blocks with progress, numbering list items; and once their blocks are
built: comments found in the file placed on the canonical text, notes at the
end, metadata and the document itself.

A comment's range is marked while the blocks are built with a span of kind
``MARK`` whose ``href`` is the comment's id; the builder moves those spans
with the text (trimming, NFC), so after assembly they give the comment's
code-point range in the canonical text. They are taken out again here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.document import (
    Metadata,
    OfferedClaim,
    SourceFile,
    StructuredDocument,
)
from desktop_app.core.importers._common import (
    Builder,
    Draft,
    assemble,
    clean_meta,
    refused,
    title_from_name,
)

MARK = "comment-range"
NO_TEXT = "the file has no text to annotate."
PROGRESS_EVERY = 200  # blocks between two progress reports


def read_blocks(children: list, block: Callable[[object], None],
                progress: Callable[[int, int], None] | None) -> None:
    """Read the body's top-level elements one by one with ``block``, saying
    how far it got every PROGRESS_EVERY elements and at the end."""
    total = len(children)
    for i, child in enumerate(children):
        block(child)
        if progress is not None and (i % PROGRESS_EVERY == 0 or i == total - 1):
            progress(i + 1, total)


class ListNumbers:
    """The numbers of list items as word processors count them: each list
    (any key: a Word numbering, an OpenDocument list style) counts at each
    level from that level's start; an item sets the levels below it back,
    so that a nested list starts again; ``restart`` begins a level anew."""

    def __init__(self) -> None:
        self._counts: dict[object, dict[int, int]] = {}

    def restart(self, key, level: int) -> None:
        counts = self._counts.setdefault(key, {})
        for deeper in [lv for lv in counts if lv >= level]:
            del counts[deeper]

    def next(self, key, level: int, start: int, given: int | None = None) -> int:
        """The number of the next item at ``level`` (``given``: the file
        sets it)."""
        counts = self._counts.setdefault(key, {})
        number = given if given is not None else (counts[level] + 1 if level in counts else start)
        counts[level] = number
        for deeper in [lv for lv in counts if lv > level]:
            del counts[deeper]
        return number


def list_item(level: int, ordered: bool, number: int | None) -> dict:
    """A list item's block context (numbers only on ordered lists)."""
    return {"kind": "list_item", "level": level, "ordered": ordered, "number": number if ordered else None}


def short_reason(exc: BaseException) -> str:
    """A reader's complaint, on one line, short enough for a sentence."""
    text = " ".join(str(exc).split())[:120]
    return text or type(exc).__name__


def as_int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@dataclass(slots=True)
class FoundComment:
    """A comment as read from the file; ``block`` is the draft index of the
    paragraph holding its anchor, used when it covers no text."""

    key: str
    note: str
    author: str = ""
    created: str = ""
    block: int | None = None


def add_notes(out: Builder, notes: list[tuple[int, list[Draft]]], title: str = "Notes") -> None:
    """Footnotes and endnotes after the text: a heading, then one numbered item per note."""
    if not notes:
        return
    out.end()
    out.add_draft(Draft("heading", title, level=2))
    for number, drafts in notes:
        text_parts: list[str] = []
        spans: list[tuple[str, int, int, str]] = []
        pos = 0
        for d in drafts:
            if not d.text:
                continue
            if text_parts:
                text_parts.append(" ")
                pos += 1
            text_parts.append(d.text)
            spans.extend((k, s + pos, e + pos, h) for k, s, e, h in d.spans)
            pos += len(d.text)
        out.add_draft(Draft("list_item", "".join(text_parts), spans, level=1, ordered=True, number=number))


def build_document(
    drafts: list[Draft],
    *,
    data: bytes,
    name: str,
    fmt: str,
    media_type: str,
    metadata: Metadata,
    comments: list[FoundComment] = (),
) -> StructuredDocument:
    text, blocks, spans = assemble(drafts)
    if not text.strip():
        raise refused(name, NO_TEXT)
    ranges: dict[str, list[int]] = {}
    kept = []
    for s in spans:
        if s.kind == MARK:
            r = ranges.setdefault(s.href, [s.start, s.end])
            r[0] = min(r[0], s.start)
            r[1] = max(r[1], s.end)
        else:
            kept.append(s)
    offered = []
    for c in comments:
        where = ranges.get(c.key)
        if where is None and c.block is not None and c.block < len(blocks):
            b = blocks[c.block]
            where = [b.start, b.end]
        if where is None or where[0] >= where[1]:
            continue
        start, end = where
        offered.append(
            OfferedClaim(
                start=start, end=end, quote=text[start:end], note=c.note, author=clean_meta(c.author),
                kind="comment", created=clean_meta(c.created),
            )
        )
    offered.sort(key=lambda o: (o.start, o.end))
    for field in ("title", "author", "outlet", "source_url", "published"):
        setattr(metadata, field, clean_meta(getattr(metadata, field) or ""))
    if not metadata.title:
        first_heading = next((d.text for d in drafts if d.kind == "heading" and d.text), "")
        metadata.title = first_heading or title_from_name(name)
    doc = StructuredDocument(
        text=text,
        blocks=blocks,
        spans=kept,
        metadata=metadata,
        source_format=fmt,
        encoding="utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
        original=SourceFile(data=data, media_type=media_type, file_name=name.replace("\\", "/").rsplit("/", 1)[-1]),
        offered=offered,
    )
    doc.check()
    return doc


def iso_date(value) -> str:
    """A date from document properties as ``YYYY-MM-DD`` ("" if missing)."""
    if value is None:
        return ""
    if hasattr(value, "date"):
        try:
            return value.date().isoformat()
        except (ValueError, OverflowError):
            return ""
    text = str(value).strip()
    return text[:10] if len(text) >= 10 and text[4] == "-" else text


def iso_time(value) -> str:
    """A time stamp as found, in ISO 8601 ("" if missing)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        try:
            text = value.isoformat()
        except (ValueError, OverflowError):
            return ""
        return text.replace("+00:00", "Z")
    return str(value).strip()
