"""Reading the digits of one number, in either convention.

English groups thousands with commas and writes a decimal point
("1,234.5"); German, French, Italian and Spanish group with dots (or spaces)
and write a decimal comma ("1.234,5", "1 234,5"); Swiss and some others
group with an apostrophe ("1'234.5"); India groups lakhs ("1,50,000"). A
number's own shape settles most cases:

* both a dot and a comma: the last one is the decimal mark ("1.234,5");
* one mark repeated: grouping, and every group must have three digits
  ("1.500.000"); anything else ("1.2.3") is not a figure;
* one mark once, not followed by exactly three digits: a decimal ("6.5", "2,3");
* spaces and apostrophes only ever group.

What is left is one mark followed by exactly three digits, after one to
three digits that are not "0": "1,500" or "1.500". That is read as grouping
for an amount of money with no scale word (currencies are quoted to two
decimals, so "650.000 €" and "€650,000" are both 650000), else by the
decimal mark of the text (``decimal_mark``: given by the caller for a whole
document, or found in the text read). With no such evidence, a comma before
three digits groups ("1,500 workers" is 1500: English grouping, and a
three-digit decimal fraction is rare in prose written with a decimal comma)
while a dot before three digits is left unread ("1.500" is 1500 in German
and 1.5 in English, and neither is likely enough to guess).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from desktop_app.core.figures.vocabulary import FUNCTION_WORDS

MAX_DIGITS = 30  # a longer run of digits is a code or an identifier, not a figure
GROUP_SPACES = " \u00a0\u202f\u2009"
GROUP_MARKS = GROUP_SPACES + "'’"


def read_number(raw: str, *, decimal_mark: str | None = None, money: bool = False,
                scaled: bool = False) -> Decimal | None:
    """The value of digits as written, or None when the shape is not a
    number or is ambiguous with the evidence given (see the module)."""
    digits = sum(c.isdigit() for c in raw)
    if digits == 0 or digits > MAX_DIGITS:
        return None
    spaced = any(c in GROUP_MARKS for c in raw)
    if spaced:
        body, dec = raw, ""
        m = re.fullmatch(rf"([0-9{GROUP_MARKS}]+)(?:([.,])([0-9]+))?", raw)
        if m is None:
            return None
        body, mark, dec = m.group(1), m.group(2), m.group(3) or ""
        groups = re.split(f"[{GROUP_MARKS}]", body)
        if not _valid_groups(groups):
            return None
        return _decimal("".join(groups) + ("." + dec if mark else ""))
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        mark = "." if raw.rfind(".") > raw.rfind(",") else ","
        group = "," if mark == "." else "."
        if raw.count(mark) != 1:
            return None
        whole, frac = raw.split(mark)
        groups = whole.split(group)
        if not (_valid_groups(groups) or (group == "," and _indian_groups(groups))):
            return None
        return _decimal("".join(groups) + "." + frac)
    if not dots and not commas:
        if len(raw) > 1 and raw.startswith("0"):
            return None  # "030", "007": a code, an area prefix, not an amount
        return _decimal(raw)
    mark = "." if dots else ","
    parts = raw.split(mark)
    if len(parts) > 2:  # repeated: grouping only
        if _valid_groups(parts) or (mark == "," and _indian_groups(parts)):
            return _decimal("".join(parts))
        return None
    head, tail = parts
    if len(tail) != 3 or len(head) > 3 or head == "0" or not head:
        return _decimal(f"{head or '0'}.{tail}")
    # one mark, three digits after it: "1.500", "1,500"
    if money and not scaled:
        grouping = True
    elif decimal_mark is not None:
        grouping = mark != decimal_mark
    elif mark == ",":
        grouping = True
    else:
        return None
    return _decimal(head + tail) if grouping else _decimal(f"{head}.{tail}")


def _valid_groups(groups: list[str]) -> bool:
    return (1 <= len(groups[0]) <= 3 and not (groups[0] == "0" and len(groups) > 1)
            and all(len(g) == 3 for g in groups[1:]))


def _indian_groups(groups: list[str]) -> bool:
    """Lakh grouping: "1,50,000", "12,34,56,789"."""
    return (len(groups) >= 3 and 1 <= len(groups[0]) <= 2 and all(len(g) == 2 for g in groups[1:-1])
            and len(groups[-1]) == 3)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# ------------------------------------------------------------------ the text's decimal mark
_UNIT_AFTER = r"\s?(?:%|€|£|¥|\$|[A-Z]{3}\b|(?i:mio|mrd|md|mill|bill|milli|bn|mn|m\b|k\b|prozent|pour|per|por|euro|dollar|pfund))"
_BOTH = re.compile(r"(?<![\w.,])[0-9]{1,3}(?:([.,])[0-9]{3})+([.,])[0-9]+(?![\w.,])")
_REPEATED = re.compile(r"(?<![\w.,])[0-9]{1,3}([.,])[0-9]{3}(?:\1[0-9]{3})+(?![0-9.,])")
_SHORT_DECIMAL = re.compile(rf"(?<![\w.,])[0-9]{{1,3}}([.,])[0-9]{{1,2}}(?![\w.,]){_UNIT_AFTER}")
_WORD = re.compile(r"[^\W\d_]+")
INFER_CHARS = 20_000  # the evidence is looked for in this much of a text


def decimal_mark(text: str) -> str | None:
    """The decimal mark a text writes, "." or ",", or None when it does not
    say: first from its numbers ("1.234,5", "1.500.000", "3,5 %" say ","),
    then from its language (English writes ".", German, French, Italian
    and Spanish write ",")."""
    text = text[:INFER_CHARS]
    votes = {".": 0, ",": 0}
    for m in _BOTH.finditer(text):
        if m.group(1) != m.group(2):
            votes[m.group(2)] += 1
    for m in _REPEATED.finditer(text):
        votes["," if m.group(1) == "." else "."] += 1
    for m in _SHORT_DECIMAL.finditer(text):
        votes[m.group(1)] += 1
    if votes["."] != votes[","]:
        return "." if votes["."] > votes[","] else ","
    counts = {"point": 0, "comma": 0}
    for m in _WORD.finditer(text):
        word = m.group(0).lower()
        for language, words in FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    if counts["point"] >= 2 and counts["point"] >= 2 * counts["comma"]:
        return "."
    if counts["comma"] >= 2 and counts["comma"] >= 2 * counts["point"]:
        return ","
    return None


# ------------------------------------------------------------------ number words (English)
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
WORD_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
NUMBER_WORDS = set(_SMALL) | set(_TENS) | {"hundred"} | set(WORD_SCALES)


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
            if last in ("small", "tens") and not (last == "tens" and 0 < _SMALL[tok] < 10):
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
        elif tok in WORD_SCALES:
            if last == "scale" and current == 0:
                return None
            total += (current or 1) * WORD_SCALES[tok]
            current = 0
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None
