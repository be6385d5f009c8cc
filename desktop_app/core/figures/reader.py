"""Finding the figures of a text: each number with what is written around
it (a currency before or after, a scale word, a percent sign, the words that
make it a year), minus the numbers that are not figures (dates, times, phone
numbers, ratios, version numbers, references).

Only ASCII digits are read: a number written in other digits (Arabic-Indic
"٣٥", full-width "３５") is not a figure here, since its grouping and decimal
signs follow other rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from desktop_app.core.figures import numbers
from desktop_app.core.figures.model import COUNT, PERCENT, YEAR, Figure
from desktop_app.core.figures.vocabulary import (
    CONNECTORS,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    ISO_CODES,
    ALIASES,
    MONTH,
    PERCENT_WORDS,
    REFERENCE_BEFORE,
    SCALE_LETTERS,
    SCALE_WORDS,
    YEAR_BEFORE,
    currency_of,
    scale_of,
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SP = "[ \u00a0\u202f]"  # the space a writer may put between a number and its unit
_SIGNS = _alternation(CURRENCY_SIGNS)
_CODES = _alternation(ISO_CODES | set(ALIASES))
_NAMES = _alternation(CURRENCY_WORDS).replace(r"\ ", r"\s+")
_CURRENCY_AFTER = rf"(?:{_SIGNS}|(?<![\w])(?:{_CODES})(?![\w])|(?i:(?:{_NAMES}))(?![\w]))"
_PERCENT = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in PERCENT_WORDS if w != "%")

# The number itself. A plain space groups only groups of three after one to
# three digits ("1 500 000 €", "25 000 personnes"), so that "in 2023 500
# people" stays two numbers.
_NUMBER = re.compile(
    r"(?<![\w.,'’\u00a0\u202f\u2009])(?:"
    r"[0-9]{1,3}(?:[\u00a0\u202f\u2009'’][0-9]{3})+(?:[.,][0-9]+)?"
    r"|[0-9]{1,3}(?: [0-9]{3})+(?:[.,][0-9]+)?(?![0-9]|[.,][0-9])"
    r"|[0-9]+(?:[.,][0-9]+)*)"
)
_PREFIX = re.compile(rf"(?:(?<![\w$])(?:{_SIGNS})|(?<![\w])(?:{_CODES}))\s?$")
_SCALE_GLUED = re.compile(r"(?:bn|mn|Mio\.|Mio|Mrd\.|Mrd|Md|tn|k|K|m|M|b|B)(?![^\W\d_])")
_SCALE_WORD = re.compile(
    _SP + "?(?i:(" + _alternation(w for w in SCALE_WORDS if not w.endswith(".")).replace(r"\ ", r"\s+")
    + r"))(?!\w)(\.)?"
)
_SCALE_LETTER_SPACED = re.compile(_SP + r"(k|K|m|M|b|B)(?![\w])")
_CURRENCY = re.compile(rf"{_SP}?(?P<conn>(?i:{CONNECTORS}))?(?P<cur>{_CURRENCY_AFTER})")
_PERCENT_AFTER = re.compile(rf"{_SP}?(?:%|(?i:{_PERCENT})(?!\w))")
_TIME_AFTER = re.compile(r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|(?i:uhr\b|heures?\b|o['’]clock))")
_MONTH_AFTER = re.compile(rf"\.?\s+(?:de\s+)?{MONTH}")
_MONTH_BEFORE = re.compile(rf"{MONTH}\s+(?:[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s+|de\s+)?$")
_DAY_BEFORE = re.compile(rf"{MONTH}\s+$")
_DAY_MONTH_BEFORE = re.compile(rf"[0-9]{{1,2}}\.?\s+(?:de\s+)?{MONTH}\s+(?:de\s+)?$")
_RANGE = re.compile(r"\s*[-–—‒]\s*|\s+(?i:to|and|or|bis|und|oder|à|a|et|ou|e|o|y|al)\s+")
_FORWARD = re.compile(r"\s*[-–—‒]\s*|\s+(?i:to|bis|à|a|al)\s+")

# Spans that hold digits but no figure.
_NOT_FIGURES = [re.compile(p) for p in (
    r"\+[0-9][0-9 ()./\-\u00a0]{6,}[0-9]",  # international phone numbers
    r"(?<![0-9.,])\(?[0-9]{3}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}(?![0-9])",  # (555) 123-4567
    r"(?<![0-9.,\-])[0-9]{3}-[0-9]{4}(?![0-9])",  # 555-1234
    r"\([0-9]{2,5}\)\s?[0-9][0-9 \-]{4,}[0-9]",  # (030) 123 456
    r"(?<![0-9.,])[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?![0-9])",  # 2023-05-01
    r"(?<![0-9.,])[0-9]{1,2}[./\-][0-9]{1,2}[./\-](?:[0-9]{4}|[0-9]{2})(?![0-9]|[.,][0-9])",  # 5.3.2023
    r"(?<![\w.,])[0-9]+(?:[.,][0-9]+)?(?:[:/][0-9]+(?:[.,][0-9]+)?)+",  # 9/11, 24/7, 3:1, 10:30
)]
_WORD_RUN = re.compile(
    r"\b" + "(?:" + _alternation(numbers.NUMBER_WORDS) + ")" + r"(?:(?:[\s-]+|\s+and\s+)(?:"
    + _alternation(numbers.NUMBER_WORDS) + r"))*\b",
    re.IGNORECASE,
)
_AFTER_WORDS = re.compile(rf"\s*(?:(?P<percent>%|(?i:per\s?cent\b|percent\b))|(?P<cur>{_CURRENCY_AFTER}))")


@dataclass(slots=True)
class _Reading:
    start: int  # the whole figure, currency and scale included
    end: int
    raw: str  # the digits as written
    currency: str | None = None
    scale: str | None = None
    percent: bool = False
    year: bool = False
    drop: bool = False


class _Marks:
    """The text's decimal mark, found only if an ambiguous number asks."""

    def __init__(self, text: str, given: str | None) -> None:
        self.text, self.value, self.known = text, given, given is not None

    def get(self) -> str | None:
        if not self.known:
            self.value, self.known = numbers.decimal_mark(self.text), True
        return self.value


def extract_figures(text: str, decimal_mark: str | None = None) -> list[Figure]:
    """Every figure in ``text``, in order of position; spans do not overlap.
    ``decimal_mark`` ("." or ","), when the caller knows it (from the whole
    document), settles numbers whose shape does not; otherwise the text read
    is asked (``numbers.decimal_mark``)."""
    taken = _Spans()
    for pattern in _NOT_FIGURES:
        for m in pattern.finditer(text):
            taken.add(*m.span())
    readings = _readings(text, taken)
    _link_ranges(text, readings)
    marks = _Marks(text, decimal_mark)
    found: list[Figure] = []
    for r in readings:
        if r.drop:
            continue
        money = r.currency is not None
        # only a number whose shape does not settle it asks for the text's decimal mark
        mark = marks.get() if _needs_mark(r.raw) and not (money and not r.scale) else None
        value = numbers.read_number(r.raw, decimal_mark=mark, money=money, scaled=bool(r.scale))
        if value is None:
            continue
        if r.scale:
            value *= Decimal(scale_of(r.scale) or 1)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))  # 3.5bn is 3500000000, not 3500000000.0
        unit = r.currency or (PERCENT if r.percent else YEAR if r.year else COUNT)
        found.append(Figure(value, unit, r.start, r.end, text[r.start:r.end]))
    for f in found:
        taken.add(f.start, f.end)
    found += _word_figures(text, taken)
    found.sort(key=lambda f: (f.start, f.end))
    return found


def _needs_mark(raw: str) -> bool:
    return bool(re.fullmatch(r"[1-9][0-9]{0,2}[.,][0-9]{3}", raw))


class _Spans:
    """Spans that do not overlap, kept sorted: is a new one free of them?"""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False
        return i == len(self.starts) or self.starts[i] >= end

    def add(self, start: int, end: int) -> bool:
        """Add the span if it is free; whether it was."""
        if not self.free(start, end):
            return False
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


def _readings(text: str, taken: _Spans) -> list[_Reading]:
    out: list[_Reading] = []
    pos = 0
    while True:
        m = _NUMBER.search(text, pos)
        if m is None:
            return out
        start, end = m.span()
        pos = end
        if not taken.free(start, end):
            continue
        reading = _read_one(text, start, end)
        if reading is not None:
            out.append(reading)
            pos = reading.end


def _read_one(text: str, start: int, end: int) -> _Reading | None:
    """The figure around the number ``text[start:end]``, or None if it is not one."""
    raw = text[start:end]
    before = text[max(0, start - 40):start]
    prefix = _PREFIX.search(text[max(0, start - 8):start])
    currency = currency_of(prefix.group(0).strip()) if prefix else None
    fig_start = start - len(prefix.group(0)) if prefix else start
    if currency is None:
        last = before.rstrip()[-1:]
        if last and (last.isalpha() or last in "§#.°º") and REFERENCE_BEFORE.search(before[-16:]):
            return None  # section 4.2, page 12, version 3
        if before[-1:] == "-" and before[-2:-1].isalpha() and not before.lower().endswith("mid-"):
            return None  # COVID-19, F-35
        if _TIME_AFTER.match(text, end):
            return None  # 10 am, 15 Uhr
        if len(raw) <= 2 and (_MONTH_AFTER.match(text, end) or _DAY_BEFORE.search(before)):
            return None  # the day of a date: 5 May, May 5, 5. Mai
    pos, scale = end, None
    word = _SCALE_WORD.match(text, pos)
    glued = _SCALE_GLUED.match(text, pos)
    spaced = _SCALE_LETTER_SPACED.match(text, pos)
    if word is not None:
        scale, pos = word.group(1), word.end(1)
        if word.group(2) and scale.lower() in ("mio", "mrd", "tsd"):
            pos = word.end()
    elif glued is not None:
        scale, pos = glued.group(0), glued.end()
    elif spaced is not None:
        scale, pos = spaced.group(1), spaced.end()
    if currency is None:
        after = _CURRENCY.match(text, pos)
        code = currency_of(after.group("cur")) if after is not None else None
        if code is not None and (scale or not after.group("conn")):
            currency, pos = code, after.end()
    if scale in SCALE_LETTERS and currency is None and (scale in "bB" or text[end] != scale):
        scale, pos = None, end  # "5 m" is five metres, "5b" a label: letters alone need a currency
    percent = False
    if currency is None:
        pct = _PERCENT_AFTER.match(text, pos)
        if pct is not None:
            percent, pos = True, pct.end()
    if pos < len(text) and (text[pos].isalnum() or text[pos] == "_") and text[pos - 1] != ".":
        return None  # 1990s, 1st, 3D, 10km
    year = (currency is None and not percent and scale is None and re.fullmatch(r"[0-9]{4}", raw) is not None
            and 1800 <= int(raw) <= 2100
            and (YEAR_BEFORE.search(before) is not None or _MONTH_BEFORE.search(before) is not None
                 or _DAY_MONTH_BEFORE.search(before) is not None))
    return _Reading(fig_start, pos, raw, currency, scale, percent, year)


def _link_ranges(text: str, readings: list[_Reading]) -> None:
    """Both ends of a range carry its unit: "35–40%", "€3-4bn", "between 3
    and 4 million euros", "$300,000 to 900,000", "from 2019 to 2023"."""
    for a, b in zip(readings, readings[1:]):
        between = text[a.end:b.start]
        if not _RANGE.fullmatch(between):
            continue
        season = (re.fullmatch(r"(18|19|20)[0-9]{2}", a.raw) and re.fullmatch(r"[0-9]{2}", b.raw)
                  and int(b.raw) == (int(a.raw) + 1) % 100)
        if season and between.strip() in "-–—‒":
            a.year = True
        if a.year and re.fullmatch(r"[0-9]{2}", b.raw) and between.strip() in "-–—‒":
            b.drop = True  # 2023-24: a season, not a figure
            continue
        if a.year and re.fullmatch(r"[0-9]{4}", b.raw) and 1800 <= int(b.raw) <= 2100 and not b.currency:
            b.year = True
        if b.year and re.fullmatch(r"[0-9]{4}", a.raw) and 1800 <= int(a.raw) <= 2100 and not a.currency:
            a.year = True
        if a.currency is None and b.currency is not None:
            a.currency = b.currency
        elif a.currency is not None and b.currency is None and _FORWARD.fullmatch(between) and not b.percent:
            b.currency = a.currency
        if a.scale is None and b.scale is not None and not a.percent:
            a.scale = b.scale
        if b.percent and a.currency is None and not a.year:
            a.percent = True


def _word_figures(text: str, taken: _Spans) -> list[Figure]:
    """Numbers written in (English) words: "thirty-five actors", "five per
    cent", "two million dollars". A lone "one", "hundred" or "thousand" with
    no unit after it is left out (a pronoun, "thousands of")."""
    out = []
    for m in _WORD_RUN.finditer(text):
        words, end = m.group(0), m.end()
        if not taken.free(m.start(), end):
            continue
        after = _AFTER_WORDS.match(text, end)
        bare = words.lower()
        if not after and (bare in ("one", "hundred") or bare in numbers.WORD_SCALES):
            continue
        value = numbers.words_to_int(words)
        if value is None:
            continue
        unit = COUNT
        if after is not None:
            code = currency_of(after.group("cur")) if after.group("cur") else None
            if after.group("percent"):
                unit, end = PERCENT, after.end()
            elif code is not None:
                unit, end = code, after.end()
        if taken.add(m.start(), end):
            out.append(Figure(Decimal(value), unit, m.start(), end, text[m.start():end]))
    return out

