"""Figures two quotes disagree on, and links whose quotes do."""

from __future__ import annotations

from typing import Iterable

from desktop_app.core.figures.model import Figure
from desktop_app.core.figures.reader import extract_figures


def figure_keys(figures: Iterable[Figure]) -> set:
    return {f.key for f in figures}


def figures_disagree(quote_a: str, quote_b: str) -> list[tuple[Figure, Figure]]:
    """Figures of the same unit whose values differ between two quotes: each
    value of one quote found nowhere in the other is paired with the closest
    such value of the other (so "$900,000" against "$900K" agrees, "$900,000"
    against "$650K" does not). Different units never disagree: "€900,000"
    and "$650,000" are not compared, nor a count with a year."""
    fa, fb = extract_figures(quote_a), extract_figures(quote_b)
    keys_a, keys_b = figure_keys(fa), figure_keys(fb)
    pairs: list[tuple[Figure, Figure]] = []
    for unit in dict.fromkeys(f.unit for f in fa):
        only_a = [f for f in fa if f.unit == unit and f.key not in keys_b]
        only_b = [f for f in fb if f.unit == unit and f.key not in keys_a]
        if not only_a or not only_b:
            continue
        for a in only_a:
            b = min(only_b, key=lambda f: (abs(f.value - a.value), f.start))
            pairs.append((a, b))
        paired_b = {id(b) for _, b in pairs}
        for b in only_b:
            if id(b) not in paired_b:
                a = min(only_a, key=lambda f: (abs(f.value - b.value), f.start))
                pairs.append((a, b))
    return pairs


def disagreeing_links(store, relations: Iterable[str] | None = ("same", "corroborates")) -> list:
    """Links whose two quotes carry different figures: [(LinkRow, pairs)].
    Only links of ``relations`` are checked (None: every link), since a
    "contradicts" link is expected to disagree."""
    wanted = None if relations is None else set(relations)
    out = []
    links = [k for k in store.list_links() if wanted is None or k.relation in wanted]
    if not links:
        return out
    ids = {i for k in links for i in (k.source_id, k.target_id)}
    quotes = {c.id: c.quote for c in store.iter_claims() if c.id in ids}
    for link in links:
        if link.source_id not in quotes or link.target_id not in quotes:
            continue
        pairs = figures_disagree(quotes[link.source_id], quotes[link.target_id])
        if pairs:
            out.append((link, pairs))
    return out
