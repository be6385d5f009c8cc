"""Claims across sources, without a screen: groups of linked claims (the
connected components of the link graph), how each document treats a group,
and where linked claims' figures disagree. The window's matrix view and the
claim editor show what this computes."""

from __future__ import annotations

from dataclasses import dataclass, field

SAID, ABSENT = "said", "absent"
# When a document's claims of a group do several things, the cell shows the strongest.
STRENGTH = ("contradicts", "qualifies", "corroborates", "cites", SAID)

FIGURE_WARNING = "⚠"
CHECKED_RELATIONS = ("same", "corroborates")  # a "contradicts" link is expected to disagree


def figure_warning(quote_a: str, quote_b: str, relation: str) -> str | None:
    """A sentence naming the figures two linked quotes disagree on (None if they agree)."""
    from desktop_app.core.figures import figures_disagree

    if relation not in CHECKED_RELATIONS:
        return None
    pairs = figures_disagree(quote_a, quote_b)
    if not pairs:
        return None
    figures = "; ".join(f"{a.text} vs {b.text}" for a, b in pairs[:3])
    return f"{FIGURE_WARNING} The figures differ: {figures}."


@dataclass(frozen=True)
class Group:
    claim_ids: tuple[int, ...]
    label: str  # the quote of its first claim
    cells: dict  # document id -> (treatment, first claim id, quotes)
    # "$900,000 vs $650,000" for each pair of figures its checked links disagree on
    differences: tuple[str, ...] = ()
    differing: dict = field(default_factory=dict)  # document id -> its figures that differ, as written


def components(links) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        a, b = find(link.source_id), find(link.target_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for claim_id in parent:
        groups.setdefault(find(claim_id), []).append(claim_id)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def build_groups(links, claims: dict) -> list[Group]:
    """``claims``: claim id -> ClaimRow (every claim the links name)."""
    acts: dict[int, set[str]] = {}
    for link in links:
        acts.setdefault(link.source_id, set()).add(SAID if link.relation == "same" else link.relation)
        acts.setdefault(link.target_id, set()).add(SAID)
    groups = []
    for ids in components(links):
        ids = [i for i in ids if i in claims]
        if not ids:
            continue
        cells: dict[int, tuple[str, int, list[str]]] = {}
        for claim_id in sorted(ids, key=lambda i: (claims[i].document_id, claims[i].start)):
            claim = claims[claim_id]
            best = min(acts.get(claim_id, {SAID}), key=STRENGTH.index)
            if claim.document_id in cells:
                old, first, quotes = cells[claim.document_id]
                best = min((old, best), key=STRENGTH.index)
                cells[claim.document_id] = (best, first, quotes + [claim.quote])
            else:
                cells[claim.document_id] = (best, claim_id, [claim.quote])
        differences, differing = figure_differences(links, set(ids), claims)
        groups.append(Group(tuple(ids), claims[ids[0]].quote, cells, differences, differing))
    return groups


def figure_differences(links, ids: set[int], claims: dict) -> tuple[tuple[str, ...], dict]:
    """The figures the group's "same" and "corroborates" links disagree on:
    ("a vs b", ...) and document id -> (figure text, ...)."""
    from desktop_app.core.figures import figures_disagree

    differences: dict[str, None] = {}
    differing: dict[int, dict[str, None]] = {}
    for link in links:
        if link.relation not in CHECKED_RELATIONS or link.source_id not in ids or link.target_id not in ids:
            continue
        source, target = claims[link.source_id], claims[link.target_id]
        for a, b in figures_disagree(source.quote, target.quote):
            differences[f"{a.text} vs {b.text}"] = None
            differing.setdefault(source.document_id, {})[a.text] = None
            differing.setdefault(target.document_id, {})[b.text] = None
    return tuple(differences), {doc: tuple(texts) for doc, texts in differing.items()}
