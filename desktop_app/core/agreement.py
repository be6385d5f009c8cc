"""Agreement between annotators, character by character.

For one document and one tag, each annotator's coverage is the set of code
points inside their claims with that tag. Every character of the document is
then a unit that each annotator coded 1 (covered) or 0 (not covered), and:

* observed agreement is the share of pairs of annotators that agree on a
  character, averaged over the characters (for two annotators, the share of
  characters on which they agree);
* Cohen's kappa (two annotators): (p_o - p_e) / (1 - p_e), where p_o is the
  observed agreement and p_e = pA1·pB1 + pA0·pB0 the agreement expected from
  each annotator's own share of covered characters;
* Krippendorff's alpha (nominal, any number of annotators, no missing
  values here): 1 - D_o / D_e, where D_o is the observed disagreement (share
  of disagreeing ordered pairs of values within a character) and D_e the
  disagreement expected from all values pooled, 2·n1·n0 / (n·(n - 1)) with n
  the number of values.

A statistic is undefined (None, with an explanation) when its expected
disagreement is zero: every annotator left every character uncovered, or
covered every one.

Annotators of a document are those with at least one placed claim in it
(with any tag): an annotator who read the document and never used a tag
there covers no character with it. A (document, tag) pair is reported when
two or more annotators worked on the document and one of them used the tag.

Where they agree and differ (``differences``): the document cut into maximal
stretches over which the same annotators cover every character with the tag;
a stretch covered by all of them is agreement, one covered by only some is
disagreement, and characters nobody covered are left out.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Hashable, Iterable, Sequence, TextIO

from desktop_app.core.exchange.claims_csv import guard_formula

NO_VARIATION = "undefined: no variation (every annotator {})"
NOT_TWO = "kappa needs exactly two annotators"


# ------------------------------------------------------------ the statistics
def cohen_kappa(table: Sequence[Sequence[float]]) -> float | None:
    """Cohen's kappa from a square confusion table (rows: the first
    annotator's categories, columns: the second's). None when undefined
    (both annotators gave one and the same category throughout)."""
    total = sum(sum(row) for row in table)
    if total <= 0:
        return None
    k = len(table)
    observed = sum(table[i][i] for i in range(k)) / total
    rows = [sum(table[i]) / total for i in range(k)]
    cols = [sum(table[i][j] for i in range(k)) / total for j in range(k)]
    expected = sum(r * c for r, c in zip(rows, cols))
    if abs(1.0 - expected) < 1e-12:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data from a reliability matrix given
    unit by unit (each unit: the values of the coders, None where a coder
    gave none). Units with fewer than two values are not pairable and left
    out. None when undefined (fewer than two pairable values, or a single
    value used throughout)."""
    coincidence: dict[tuple, float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                coincidence[(c, k)] += pairs / (m - 1)
    totals: dict = defaultdict(float)
    for (c, _k), o in coincidence.items():
        totals[c] += o
    n = sum(totals.values())
    expected = n * (n - 1) - sum(nc * (nc - 1) for nc in totals.values())
    if n < 2 or expected <= 1e-12:
        return None
    observed_disagreement = sum(o for (c, k), o in coincidence.items() if c != k)
    return 1.0 - (n - 1) * observed_disagreement / expected


@dataclass(frozen=True)
class Agreement:
    characters: int
    annotators: int
    observed: float | None
    kappa: float | None
    alpha: float | None
    note: str = ""


def _merged(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def coverage_histogram(length: int, coverages: Sequence[Iterable[tuple[int, int]]]) -> list[int]:
    """``hist[k]``: characters of ``[0, length)`` covered by exactly k of the
    annotators (each annotator's spans may overlap one another)."""
    events: dict[int, int] = defaultdict(int)
    for spans in coverages:
        for start, end in _merged(spans, length):
            events[start] += 1
            events[end] -= 1
    hist = [0] * (len(coverages) + 1)
    level, pos = 0, 0
    for at in sorted(events):
        hist[level] += at - pos
        level += events[at]
        pos = at
    hist[level] += length - pos
    return hist


def character_agreement(length: int, coverages: Sequence[Iterable[tuple[int, int]]]) -> Agreement:
    """Agreement of the annotators on which of ``length`` characters they
    covered; ``coverages``: each annotator's ``(start, end)`` spans."""
    coverages = [_merged(spans, length) for spans in coverages]
    m = len(coverages)
    if m < 2 or length <= 0:
        return Agreement(max(length, 0), m, None, None, None, "needs two annotators and some text")
    hist = coverage_histogram(length, coverages)
    # Within a character covered by k of m annotators, k·(m - k) of the
    # m·(m - 1)/2 pairs of annotators disagree.
    pairs = m * (m - 1) / 2
    disagreeing = sum(h * k * (m - k) for k, h in enumerate(hist))
    observed = 1.0 - disagreeing / (length * pairs)
    n = length * m
    n1 = sum(h * k for k, h in enumerate(hist))
    n0 = n - n1
    note = ""
    if n1 == 0 or n0 == 0:
        alpha = None
        note = NO_VARIATION.format("covered every character" if n0 == 0 else "left every character uncovered")
    else:
        # D_o = Σ_u 2·k·(m-k)/(m-1) / n ; D_e = 2·n1·n0 / (n·(n-1))
        d_o = sum(h * 2 * k * (m - k) / (m - 1) for k, h in enumerate(hist)) / n
        d_e = 2 * n1 * n0 / (n * (n - 1))
        alpha = 1.0 - d_o / d_e
    kappa = None
    if m == 2:
        covered = [sum(e - s for s, e in spans) for spans in coverages]
        both = hist[2]
        table = [[both, covered[0] - both], [covered[1] - both, hist[0]]]
        kappa = cohen_kappa(table)
        if kappa is None and not note:
            note = NO_VARIATION.format("gave one value throughout")
    elif not note:
        note = NOT_TWO
    return Agreement(length, m, observed, kappa, alpha, note)


# ------------------------------------------------------------ from the store
@dataclass(frozen=True)
class AgreementRow:
    document_id: int
    document: str
    tag_id: int
    tag: str
    annotators: tuple[str, ...]
    characters: int
    observed: float | None
    kappa: float | None
    alpha: float | None
    note: str = ""


def agreement_table(store) -> list[AgreementRow]:
    """One row per (document, tag) that two or more annotators can be
    compared on (see the module's explanation), documents in the library's
    order, tags in the codebook's."""
    tags = store.list_tags()
    documents = store.list_documents()
    live = {d.id for d in documents}
    # document -> annotator -> tag -> spans
    spans: dict[int, dict[str, dict[int, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for claim in store.iter_claims():
        if claim.deleted or claim.orphaned or claim.document_id not in live:
            continue
        per_tag = spans[claim.document_id][claim.annotator]
        per_tag.setdefault(-1, [])  # the annotator worked on this document
        for tag_id in set(claim.tag_ids):
            per_tag[tag_id].append((claim.start, claim.end))
    rows = []
    for doc in documents:
        people = spans.get(doc.id)
        if not people or len(people) < 2:
            continue
        names = tuple(sorted(people, key=str.casefold))
        for tag in tags:
            if not any(people[a].get(tag.id) for a in names):
                continue
            result = character_agreement(doc.char_count, [people[a].get(tag.id, []) for a in names])
            rows.append(AgreementRow(doc.id, doc.title, tag.id, tag.name, names, result.characters,
                                     result.observed, result.kappa, result.alpha, result.note))
    return rows


@dataclass(frozen=True)
class Stretch:
    """A maximal run ``[start, end)`` (code points) covered by the same
    annotators; ``missing``: those of the compared annotators who did not."""

    start: int
    end: int
    covered_by: tuple[str, ...]
    missing: tuple[str, ...]
    quote: str = ""

    @property
    def agreed(self) -> bool:
        return not self.missing


def stretches(length: int, coverages: dict[str, Iterable[tuple[int, int]]],
              text: str = "") -> list[Stretch]:
    """The maximal runs of ``[0, length)`` over which the set of covering
    annotators is constant and not empty, in order; ``coverages``: each
    annotator's ``(start, end)`` spans (they may overlap one another)."""
    names = tuple(coverages)
    events: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for name in names:
        for start, end in _merged(coverages[name], length):
            events[start].append((1, name))
            events[end].append((-1, name))
    out: list[Stretch] = []
    inside: set[str] = set()
    pos = 0
    for at in sorted(events):
        if inside and at > pos:
            covered = tuple(n for n in names if n in inside)
            if out and out[-1].end == pos and out[-1].covered_by == covered:
                prev = out.pop()
                pos = prev.start
            missing = tuple(n for n in names if n not in inside)
            out.append(Stretch(pos, at, covered, missing, text[pos:at]))
        for step, name in events[at]:
            if step > 0:
                inside.add(name)
            else:
                inside.discard(name)
        pos = at
    return out


def differences(store, document_id: int, tag_id: int,
                annotators: Sequence[str] | None = None) -> list[Stretch]:
    """Where the annotators agree and differ on one tag in one document: the
    maximal stretches coded with the tag by the same annotators (all of them:
    agreement; only some: disagreement), with their text. ``annotators``:
    whom to compare (default: everyone with a placed claim in the document)."""
    claims = [c for c in store.claims_for_document(document_id) if not c.deleted and not c.orphaned]
    if annotators is None:
        annotators = sorted({c.annotator for c in claims}, key=str.casefold)
    coverages: dict[str, list[tuple[int, int]]] = {name: [] for name in annotators}
    for claim in claims:
        if claim.annotator in coverages and tag_id in claim.tag_ids:
            coverages[claim.annotator].append((claim.start, claim.end))
    text = store.document_text(document_id)
    return stretches(len(text), coverages, text)


HEADER = ("document_id", "document", "tag", "annotators", "characters", "observed_agreement", "kappa",
          "alpha", "note")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def export_agreement_csv(rows: Iterable[AgreementRow], out: TextIO | str | Path) -> int:
    """Write the rows as CSV to a path or a text stream opened with
    newline=""; how many rows were written."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return export_agreement_csv(rows, fh)
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    for r in rows:
        writer.writerow([
            r.document_id, guard_formula(r.document), guard_formula(r.tag),
            guard_formula("; ".join(r.annotators)), r.characters, _number(r.observed), _number(r.kappa),
            _number(r.alpha), r.note,
        ])
        count += 1
    return count
