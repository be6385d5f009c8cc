"""Figures in a search: every way an amount can be written, as the words a
full-text index sees them, so that "900,000" finds "$900K"."""

from __future__ import annotations

import re
from decimal import Decimal

from desktop_app.core.figures.model import COUNT, YEAR, Figure, format_value
from desktop_app.core.figures.reader import extract_figures
from desktop_app.core.figures.vocabulary import scale_of

_SEARCH_SCALES = (
    (10**3, ("k", "thousand")),
    (10**6, ("m", "mn", "million", "mio")),
    (10**9, ("b", "bn", "billion", "mrd")),
    (10**12, ("tn", "trillion")),
)
_SHORT_SCALE = re.compile(r"(?<![\w.,$])(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
                          r"(?P<scale>k|K|m|M|mn|bn|b|B)\b")
_AMBIGUOUS = re.compile(r"(?<![\w.,])[1-9][0-9]{0,2}\.[0-9]{3}(?![\w]|[.,][0-9])")
MAX_SPELLINGS = 24  # word sequences one figure of a search stands for; each costs a pass over the index


def spellings(value: Decimal) -> list[tuple[str, ...]]:
    """The ways ``value`` can be written, as the words a full-text index sees
    them (lower case, split at anything not a letter or digit, and with
    "0.9" kept whole as PostgreSQL does): 900000 is
    ("900000",), ("900", "000") for "900,000", ("900k",), ("900", "thousand"),
    ("0", "9m") for "0.9M", ("0", "9", "million") and so on."""
    out: list[tuple[str, ...]] = []

    def add(words: tuple[str, ...]) -> None:
        if words not in out:
            out.append(words)

    plain = format_value(value)
    add(tuple(plain.split(".")))
    if "." in plain:
        add((plain,))  # "1.5" as one word, as PostgreSQL keeps it
    if value == value.to_integral_value() and value >= 1000:
        add(tuple(f"{int(value):,}".split(",")))
        add((f"{int(value):,}".replace(",", "."),))  # "650.000" as one word, as PostgreSQL keeps it
    for scale, suffixes in _SEARCH_SCALES:
        scaled = value / scale
        if scaled < Decimal("0.1") or scaled >= 1000 or scaled != round(scaled, 2) or (scale == 1000 and scaled < 1):
            continue
        written = format_value(scaled)
        parts = written.split(".")
        for suffix in suffixes:
            if len(suffix) > 2:  # a word: "900 thousand"
                add((*parts, suffix))
            else:  # a letter glued to the number: "900K", "1.5M"
                add((*parts[:-1], parts[-1] + suffix))
        if len(parts) > 1:  # an index that keeps "0.9" as one word (PostgreSQL's)
            for suffix in suffixes:
                add((written, suffix))
    return out


def query_figures(query: str) -> list[tuple[int, int, list[tuple[str, ...]]]]:
    """Figures written with digits in a search, outside "quoted phrases":
    (start, end, the word sequences that spell the same amount). A bare
    number ("900") also stands for its thousands and millions written with a
    suffix ("$900K", "900 million"), as reports shorten them; a year stands
    only for itself."""
    found = []
    figures = []
    for m in _SHORT_SCALE.finditer(query):  # "650K" with no currency sign is a figure in a search
        value = Decimal(m["num"].replace(",", "")) * scale_of(m["scale"])
        figures.append(Figure(value, COUNT, m.start(), m.end(), m.group(0)))
    taken = [(f.start, f.end) for f in figures]
    figures += [f for f in extract_figures(query) if all(f.end <= s or f.start >= e for s, e in taken)]
    taken = [(f.start, f.end) for f in figures]
    ambiguous = set()
    for m in _AMBIGUOUS.finditer(query):  # "1.500": 1500 in German, 1.5 in English; a search looks for both
        if all(m.end() <= s or m.start() >= e for s, e in taken):
            figures.append(Figure(Decimal(m.group(0).replace(".", "")), COUNT, m.start(), m.end(), m.group(0)))
            ambiguous.add(m.start())
    for figure in sorted(figures, key=lambda f: f.start):
        if not re.search(r"\d", figure.text) or query.count('"', 0, figure.start) % 2:
            continue
        if figure.start in ambiguous:
            alternatives = [(figure.text,)] + spellings(figure.value)
            alternatives += [a for a in spellings(Decimal(figure.text)) if a not in alternatives]
        elif figure.unit == YEAR:
            alternatives = [(figure.text,)]
        elif figure.unit == COUNT and re.fullmatch(r"[0-9]{4}", figure.text) and 1800 <= figure.value <= 2100:
            # a search gives no context: "2000" may be a year, or 2000 written as "2,000"
            alternatives = spellings(figure.value)[:3]
        else:
            alternatives = spellings(figure.value)
            bare = figure.unit == COUNT and figure.value < 1000 and re.fullmatch(r"\d+(?:\.\d+)?", figure.text.strip())
            if bare:
                for scale, _suffixes in _SEARCH_SCALES[:2]:
                    alternatives += [s for s in spellings(figure.value * scale) if s not in alternatives]
        # a single word makes every sequence containing it redundant
        single = {a[0] for a in alternatives if len(a) == 1}
        alternatives = [a for a in alternatives if len(a) == 1 or not single.intersection(a)]
        found.append((figure.start, figure.end, alternatives[:MAX_SPELLINGS]))
    return found
