"""CSV export of the links between claims: one row per link."""

from __future__ import annotations

import csv
from typing import TextIO

from desktop_app.core.exchange.claims_csv import ExportOptions, guard_formula, iso_utc

LINKS_HEADER = (
    "link_id", "relation", "note", "source_claim_id", "source_document_id", "source_document_title",
    "source_quote", "target_claim_id", "target_document_id", "target_document_title", "target_quote",
    "annotator", "created_at",
)


def export_links_csv(store, out: TextIO, options: ExportOptions | None = None) -> int:
    """Links whose two claims pass the options' filters (documents: either end)."""
    options = options or ExportOptions()
    guard = guard_formula if options.formula_guard else (lambda v: v)
    with store.snapshot():
        titles = {d.id: d.title for d in store.list_documents()}
        claims = {c.id: c for c in store.iter_claims()}
        wanted = {c.id for c in store.iter_claims(tag_ids=options.tag_ids, statuses=options.statuses)}
        links = store.list_links()
    if options.excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LINKS_HEADER)
    count = 0
    for link in links:
        a, b = claims.get(link.source_id), claims.get(link.target_id)
        if a is None or b is None or not ({a.id, b.id} & wanted):
            continue
        if options.document_ids is not None and not ({a.document_id, b.document_id} & set(options.document_ids)):
            continue
        writer.writerow(
            (
                link.uuid, link.relation, guard(link.note),
                a.uuid, a.document_id, guard(titles.get(a.document_id, "")), guard(a.quote),
                b.uuid, b.document_id, guard(titles.get(b.document_id, "")), guard(b.quote),
                guard(link.annotator), iso_utc(link.created_at),
            )
        )
        count += 1
    return count
