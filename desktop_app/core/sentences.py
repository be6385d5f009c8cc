"""Sentences of a document's canonical text, with code-point offsets.

A rule-based splitter, deterministic and good enough for news prose:

* a line break always ends a sentence (paragraphs and headings are lines in
  the canonical text);
* ``.``, ``!``, ``?`` and ``…`` end a sentence when followed by white space
  and then something that can begin one (a capital, a digit, an opening
  quote or bracket, a currency sign); closing quotes and brackets right
  after the mark stay with the sentence that ends;
* a full stop after a known abbreviation ("Mr.", "Bros."), an initial
  ("J.") or a dotted acronym ("U.S.") does not end a sentence, and a dot
  between digits ("$3.5") never does, since no space follows it.

Spans exclude surrounding white space; ``text[s.start:s.end] == s.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft vs etc inc ltd co corp bros no nos vol fig
    gen gov sen rep rev capt col lt sgt jan feb mar apr jun jul aug sep sept oct nov dec
    approx dept est univ e.g i.e cf al""".split()
)

_END = re.compile(r"[.!?…]+[\"'”’)\]»]*")
_STARTS = re.compile(r"\s+(?=[A-Z0-9\"'“‘(\[«$€£¿¡À-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation, not a sentence."""
    m = _WORD_BEFORE.search(text, max(0, dot - 20), dot)
    if not m:
        return False
    word = m.group(1)
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():  # an initial: "J. R. R. Tolkien"
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):  # "U.S" of "U.S.", "e.g"
        return True
    return False


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        begin = 0
        for m in _END.finditer(line):
            follow = _STARTS.match(line, m.end())
            if not follow:
                continue
            if line[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(line, m.start()):
                continue
            _add(out, text, line_start + begin, line_start + m.end())
            begin = follow.end()
        _add(out, text, line_start + begin, line_start + len(line))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end, text[start:end]))


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence holding the code point at ``offset``, if any."""
    for s in sentences:
        if s.start <= offset < s.end:
            return s
    return None
