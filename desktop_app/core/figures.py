"""Figures in text: numbers with their units, normalised so that two sources
reporting the same amount in different styles can be compared.

"$900K", "$900,000", "900 thousand dollars" and "$0.9 million" all read as
``Figure(value=Decimal(900000), unit="USD")``; "35%" and "35 percent" as
``(35, "percent")``; "thirty-five actors" as ``(35, "count")``; a four-digit
number between 1800 and 2099 standing alone as ``(2023, "year")``.

Number words are read up to the billions ("two hundred thousand"); a lone
"one" with no unit after it is left out (it is far more often a pronoun
than a figure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable

UNITS = ("USD", "percent", "count", "year")


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    unit: str  # one of UNITS
    start: int  # code-point offsets in the text read
    end: int
    text: str

    @property
    def key(self) -> tuple[str, Decimal]:
        """What two figures must share to say the same thing."""
        return (self.unit, self.value)

    def label(self) -> str:
        return f"{self.unit} {format_value(self.value)}"


def format_value(value: Decimal) -> str:
    """A value written plainly: 900000, 3.5 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ------------------------------------------------------------------ number words
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUMBER_WORDS = set(_SMALL) | set(_TENS) | {"hundred"} | set(_SCALES)

_WORD = "(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_WORD_RUN = re.compile(rf"\b{_WORD}(?:(?:[\s-]+|\s+and\s+){_WORD})*\b", re.IGNORECASE)


def words_to_int(words: str) -> int | None:
    """'thirty-five' → 35, 'two hundred and five thousand' → 205000; None if
    the words are not a well-formed number."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if not tokens:
        return None
    total, current, seen = 0, 0, False
    last = None  # kind of the previous token, to refuse "five five" or "twenty thirty"
    for tok in tokens:
        if tok in _SMALL:
            if last in ("small", "tens") and not (last == "tens" and _SMALL[tok] < 10 and _SMALL[tok] > 0):
                return None
            current += _SMALL[tok]
            last = "small"
        elif tok in _TENS:
            if last in ("small", "tens"):
                return None
            current += _TENS[tok]
            last = "tens"
        elif tok == "hundred":
            if last == "hundred" or current >= 100:
                return None
            current = (current or 1) * 100
            last = "hundred"
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if last == "scale" and current == 0:
                return None
            total += (current or 1) * scale
            current = 0
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


# --------------------------------------------------------------------- patterns
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE_SUFFIX = r"(?:k|K|thousand|m|M|mn|mln|million|b|B|bn|billion|tn|trillion)"
_SUFFIX_VALUE = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "million": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9, "tn": 10**12, "trillion": 10**12,
}

_MONEY_SYMBOL = re.compile(
    rf"(?<![\w$])(?:US\s?|U\.S\.\s?)?\$\s?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE_SUFFIX})\b)?",
)
_MONEY_WORDS = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE_SUFFIX}))?\s*(?:US\s)?(?:dollars?|USD)\b",
    re.IGNORECASE,
)
_PERCENT_RANGE = re.compile(
    rf"(?<![\w.,])(?P<a>{_NUM})\s*(?:to|-|–|—)\s*(?P<b>{_NUM})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE
)
_PERCENT = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_PLAIN = re.compile(rf"(?<![\w.,$])(?P<num>{_NUM})(?:\s?(?P<scale>thousand|million|billion|trillion)\b)?(?![\w%])")
_AFTER_WORDS = re.compile(r"\s*(?P<unit>%|per\s?cent\b|percent\b|(?:US\s)?dollars?\b|USD\b)", re.IGNORECASE)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _scaled(num: str, scale: str | None) -> Decimal | None:
    value = _decimal(num)
    if value is None:
        return None
    if scale:
        value *= _SUFFIX_VALUE[scale.lower()]
    return value


def extract_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order of position; spans do not overlap."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(value: Decimal | None, unit: str, start: int, end: int) -> None:
        if value is None or not free(start, end):
            return
        taken.append((start, end))
        found.append(Figure(value, unit, start, end, text[start:end]))

    for m in _MONEY_SYMBOL.finditer(text):
        add(_scaled(m["num"], m["scale"]), "USD", m.start(), m.end())
    for m in _MONEY_WORDS.finditer(text):
        add(_scaled(m["num"], m["scale"]), "USD", m.start(), m.end())
    for m in _PERCENT_RANGE.finditer(text):
        if free(m.start(), m.end()):
            add(_decimal(m["a"]), "percent", m.start("a"), m.end("a"))
            add(_decimal(m["b"]), "percent", m.start("b"), m.end())
    for m in _PERCENT.finditer(text):
        add(_decimal(m["num"]), "percent", m.start(), m.end())
    for m in _WORD_RUN.finditer(text):
        words = m.group(0)
        end = m.end()
        after = _AFTER_WORDS.match(text, end)
        bare = words.lower()
        if not after and (bare == "one" or bare in _SCALES or bare == "hundred"):
            continue  # "one of them", "thousands": not figures
        value = words_to_int(words)
        if value is None:
            continue
        unit = "count"
        if after:
            end = after.end()
            unit = "percent" if "%" in after["unit"] or "cent" in after["unit"].lower() else "USD"
        add(Decimal(value), unit, m.start(), end)
    for m in _PLAIN.finditer(text):
        num = m["num"]
        value = _scaled(num, m["scale"])
        unit = "count"
        if not m["scale"] and re.fullmatch(r"\d{4}", num) and 1800 <= int(num) <= 2099:
            unit = "year"
        add(value, unit, m.start(), m.end())
    found.sort(key=lambda f: (f.start, f.end))
    return found


def figure_keys(figures: Iterable[Figure]) -> set[tuple[str, Decimal]]:
    return {f.key for f in figures}


def figures_disagree(quote_a: str, quote_b: str) -> list[tuple[Figure, Figure]]:
    """Figures of the same unit whose values differ between two quotes: each
    value of one quote found nowhere in the other is paired with the closest
    such value of the other (so "$900,000" against "$900K" agrees, "$900,000"
    against "$650K" does not)."""
    fa, fb = extract_figures(quote_a), extract_figures(quote_b)
    keys_a, keys_b = figure_keys(fa), figure_keys(fb)
    pairs: list[tuple[Figure, Figure]] = []
    for unit in UNITS:
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


# ------------------------------------------------------------------ searching
_SEARCH_SCALES = (
    (10**3, ("k", "thousand")),
    (10**6, ("m", "mn", "million")),
    (10**9, ("b", "bn", "billion")),
    (10**12, ("tn", "trillion")),
)
_SHORT_SCALE = re.compile(rf"(?<![\w.,$])(?P<num>{_NUM})(?P<scale>k|K|m|M|mn|bn|b|B)\b")
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
    if value == value.to_integral_value() and value >= 1000:
        add(tuple(f"{int(value):,}".split(",")))
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
        value = _scaled(m["num"], m["scale"])
        if value is not None:
            figures.append(Figure(value, "count", m.start(), m.end(), m.group(0)))
    taken = [(f.start, f.end) for f in figures]
    figures += [f for f in extract_figures(query) if all(f.end <= s or f.start >= e for s, e in taken)]
    for figure in sorted(figures, key=lambda f: f.start):
        if not re.search(r"\d", figure.text) or query.count('"', 0, figure.start) % 2:
            continue
        if figure.unit == "year":
            alternatives = [(figure.text,)]
        else:
            alternatives = spellings(figure.value)
            bare = figure.unit == "count" and figure.value < 1000 and re.fullmatch(r"\d+(?:\.\d+)?", figure.text.strip())
            if bare:
                for scale, _suffixes in _SEARCH_SCALES[:2]:
                    alternatives += [s for s in spellings(figure.value * scale) if s not in alternatives]
        # a single word makes every sequence containing it redundant
        single = {a[0] for a in alternatives if len(a) == 1}
        alternatives = [a for a in alternatives if len(a) == 1 or not single.intersection(a)]
        found.append((figure.start, figure.end, alternatives[:MAX_SPELLINGS]))
    return found
