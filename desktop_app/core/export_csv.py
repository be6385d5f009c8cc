"""CSV export of tagged claims: one row per claim, streamed from the store.

An orphaned claim (one that a new version of its document no longer contains)
is exported with its quote and empty ``start`` and ``end``: it has no place in
the current text until it is re-attached.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TextIO

HEADER = (
    "claim_id", "document_id", "document_title", "document_source", "document_published", "tags",
    "quote", "prefix", "suffix", "start", "end", "note", "status", "annotator", "created_at", "updated_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TAG_SEPARATOR = "; "


def guard_formula(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP's advice)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@dataclass
class ExportOptions:
    tag_ids: list[int] | None = None  # claims with any of these tags
    document_ids: list[int] | None = None
    statuses: list[str] | None = None
    excel: bool = False  # a byte-order mark, so that Excel reads UTF-8
    formula_guard: bool = True


def export_csv(store, out: TextIO, options: ExportOptions | None = None) -> int:
    """Write the claims chosen by ``options`` to ``out`` (opened with newline="");
    return how many rows were written. Rows are streamed: memory stays flat."""
    options = options or ExportOptions()
    with store.snapshot():  # documents, tags and claims as of one moment
        return _write(store, out, options)


def _write(store, out: TextIO, options: ExportOptions) -> int:
    docs = {d.id: d for d in store.list_documents()}
    tag_names = {t.id: t.name for t in store.list_tags()}
    if options.excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(HEADER)
    guard = guard_formula if options.formula_guard else (lambda v: v)
    count = 0
    for claim in store.iter_claims(
        document_ids=options.document_ids, tag_ids=options.tag_ids, statuses=options.statuses
    ):
        doc = docs[claim.document_id]
        names = sorted((tag_names[t] for t in claim.tag_ids if t in tag_names), key=str.casefold)
        writer.writerow(
            (
                claim.uuid,
                doc.id,
                guard(doc.title),
                guard(doc.source_url or doc.original_name),
                guard(doc.published),
                guard(TAG_SEPARATOR.join(names)),
                guard(claim.quote),
                guard(claim.prefix),
                guard(claim.suffix),
                "" if claim.orphaned else claim.start,  # an orphan has no place in the current text
                "" if claim.orphaned else claim.end,
                guard(claim.note),
                claim.status,
                guard(claim.annotator),
                claim.created_at.isoformat(timespec="seconds"),
                claim.updated_at.isoformat(timespec="seconds"),
            )
        )
        count += 1
    return count
