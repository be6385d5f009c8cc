"""Counts behind the analysis charts: claims per tag and document, how tags
occur together, and claims over the documents' published dates.

Only live claims of live documents are counted. A claim with several tags
counts once under each of them; a claim with no tag is left out of the
per-tag counts. Orphaned claims (not placed in the current text of their
document) are counted per tag and document, but they have no position, so
they never overlap another claim.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

UNDATED = "undated"


@dataclass(frozen=True)
class Cooccurrence:
    """``same_claim[i][j]``: claims carrying both tag i and tag j (on the
    diagonal, the claims carrying tag i). ``overlapping[i][j]``: pairs of two
    different claims of one document whose spans share at least one
    character, one carrying tag i and the other tag j (each pair counted once
    per pair of tags)."""

    tags: list
    same_claim: list[list[int]]
    overlapping: list[list[int]]


def _live_claims(store):
    live_docs = {d.id for d in store.list_documents()}
    return [c for c in store.iter_claims() if not c.deleted and c.document_id in live_docs]


def claims_per_tag_per_document(store):
    """(tags, documents, counts): ``counts[i][j]`` is the number of claims of
    document ``documents[j]`` carrying tag ``tags[i]``."""
    tags = store.list_tags()
    documents = store.list_documents()
    row = {t.id: i for i, t in enumerate(tags)}
    col = {d.id: j for j, d in enumerate(documents)}
    counts = [[0] * len(documents) for _ in tags]
    for claim in _live_claims(store):
        j = col.get(claim.document_id)
        if j is None:
            continue
        for tag_id in set(claim.tag_ids):
            if tag_id in row:
                counts[row[tag_id]][j] += 1
    return tags, documents, counts


def tag_cooccurrence(store) -> Cooccurrence:
    tags = store.list_tags()
    index = {t.id: i for i, t in enumerate(tags)}
    n = len(tags)
    same = [[0] * n for _ in range(n)]
    overlap = [[0] * n for _ in range(n)]
    by_doc: dict[int, list] = defaultdict(list)
    for claim in _live_claims(store):
        ids = sorted({index[t] for t in claim.tag_ids if t in index})
        if not ids:
            continue
        for a in ids:
            for b in ids:
                same[a][b] += 1
        if not claim.orphaned and claim.end > claim.start:
            by_doc[claim.document_id].append((claim.start, claim.end, ids))
    for spans in by_doc.values():
        spans.sort()
        for k, (start, end, ids) in enumerate(spans):
            for other_start, _other_end, other_ids in spans[k + 1:]:
                if other_start >= end:
                    break  # sorted by start: no later span can reach back
                pairs = {(min(a, b), max(a, b)) for a in ids for b in other_ids}
                for a, b in pairs:
                    overlap[a][b] += 1
                    if a != b:
                        overlap[b][a] += 1
    return Cooccurrence(tags, same, overlap)


def published_date(published: str) -> date | None:
    """The date part of an ISO 8601 published value; None if there is none."""
    text = (published or "").strip()
    if len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def claims_over_dates(store) -> list[tuple]:
    """``(date, tag name, count)`` for each published date and tag that has
    claims, dates in order; documents without a readable date come last,
    under the date ``UNDATED`` ("undated")."""
    names = {t.id: t.name for t in store.list_tags()}
    day = {d.id: published_date(d.published) for d in store.list_documents()}
    counts: dict[tuple, int] = defaultdict(int)
    for claim in _live_claims(store):
        when = day.get(claim.document_id, None) or UNDATED
        for tag_id in set(claim.tag_ids):
            if tag_id in names:
                counts[(when, names[tag_id])] += 1
    order = list(names.values())

    def key(item):
        (when, name), _count = item
        return (when == UNDATED, when if when != UNDATED else date.min, order.index(name))

    return [(when, name, count) for (when, name), count in sorted(counts.items(), key=key)]
