"""CSV export of tagged claims: one row per claim, streamed from the store.

An orphaned claim (one that a new version of its document no longer contains)
is exported with its quote and empty ``start`` and ``end``: it has no place in
the current text until it is re-attached. ``linked_claims`` lists the claims
linked to this one as ``UUID (relation)``, the relation read from this claim
("corroborated by" at the other end of "corroborates"), joined with "; ".
``page`` is the page (or pages, "3–4") of a paged source the claim is on,
empty for other sources and orphans; ``retrieved_at`` is when the source
was read (ISO 8601 UTC), empty when its original was not kept. Both come
last, so that the columns before them keep their places.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TextIO

from desktop_app.core.document import page_label

HEADER = (
    "claim_id", "document_id", "document_title", "document_source", "document_published", "tags",
    "quote", "prefix", "suffix", "start", "end", "note", "status", "annotator", "created_at", "updated_at",
    "linked_claims", "page", "retrieved_at",
)
# the full-width forms too: input methods for Chinese and Japanese type them,
# and some spreadsheets read them as the ASCII signs
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TAG_SEPARATOR = "; "


def guard_formula(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP's advice):
    one that starts with a formula sign, also after spaces, tabs, line breaks,
    non-breaking or other spaces and invisible format characters (a zero-width
    space, a byte-order mark), which spreadsheets skip before a formula."""
    if not value or value[0].isalnum():  # most cells: neither a formula sign nor skipped
        return value
    if value.startswith(_FORMULA_START):
        return "'" + value
    if _skippable(value[0]):
        i = 1
        while i < len(value) and not value[i].isalnum() and _skippable(value[i]):
            i += 1
        if value.startswith(_FORMULA_START, i):
            return "'" + value
    return value


def _skippable(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs")


@dataclass
class ExportOptions:
    tag_ids: list[int] | None = None  # claims with any of these tags
    document_ids: list[int] | None = None
    statuses: list[str] | None = None
    excel: bool = False  # a byte-order mark, so that Excel reads UTF-8
    formula_guard: bool = True
    # REFI-QDA: what startPosition/endPosition count ("utf16" code units, what
    # REFI-QDA programs use, or "codepoints", what Marginalia's offsets count)
    qdpx_positions: str = "utf16"
    # filled by the export: sentences on what the chosen format cannot carry,
    # for the command line to print and the window to show
    notices: list[str] = field(default_factory=list)


def export_csv(store, out: TextIO, options: ExportOptions | None = None) -> int:
    """Write the claims chosen by ``options`` to ``out`` (opened with newline="");
    return how many rows were written. Rows are streamed: memory stays flat."""
    options = options or ExportOptions()
    with store.snapshot():  # documents, tags and claims as of one moment
        return _write(store, out, options)


def iso_utc(value) -> str:
    """A stored UTC timestamp as ISO 8601 with its zone, to the second.

    SQLite hands back the text it keeps ("2026-11-22 01:28:04.566325"); other
    databases hand back datetimes."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return f"{value[:10]}T{value[11:19]}+00:00"


def _write(store, out: TextIO, options: ExportOptions) -> int:
    guard = guard_formula if options.formula_guard else (lambda v: v)
    # what repeats from row to row is computed once
    docs = {
        d.id: (d.id, guard(d.title), guard(d.source_url or d.original_name), guard(d.published))
        for d in store.list_documents(counts=False)  # no claim counted: they are written one by one
    }
    tag_names = {t.id: t.name for t in store.list_tags(counts=False)}
    pages = store.page_starts()
    retrieved = {doc_id: iso_utc(s.retrieved_at) for doc_id, s in store.document_sources().items()}
    tag_cells: dict[tuple[int, ...], str] = {}
    links = {
        claim_id: guard(TAG_SEPARATOR.join(f"{uuid} ({relation})" for uuid, relation in pairs))
        for claim_id, pairs in store.linked_claims().items()
    }
    if options.excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(HEADER)
    write = writer.writerow
    count = 0
    for (claim_id, uuid, doc_id, quote, prefix, suffix, start, end, note, status, annotator, created, updated,
         orphaned, tag_ids) in store.iter_export_rows(
        document_ids=options.document_ids, tag_ids=options.tag_ids, statuses=options.statuses
    ):
        tags = tag_cells.get(tag_ids)
        if tags is None:
            names = sorted((tag_names[t] for t in tag_ids if t in tag_names), key=str.casefold)
            tags = tag_cells[tag_ids] = guard(TAG_SEPARATOR.join(names))
        doc = docs[doc_id]
        write(
            (
                uuid, doc[0], doc[1], doc[2], doc[3], tags,
                guard(quote), guard(prefix), guard(suffix),
                "" if orphaned else start,  # an orphan has no place in the current text
                "" if orphaned else end,
                guard(note), status, guard(annotator), iso_utc(created), iso_utc(updated),
                links.get(claim_id, ""),
                "" if orphaned or doc_id not in pages else page_label(pages[doc_id], start, end),
                retrieved.get(doc_id, ""),
            )
        )
        count += 1
    return count
