"""Suggestions: passages of two sources that report the same thing, and
passages of one source worth making claims of.

Scoring of a pair of sentences (one of each document), all in 0-1:

* ``cosine``: TF-IDF cosine of their content words (lower-cased, stop words
  dropped, lightly stemmed, see ``stem``); the IDF is computed over the
  sentences of both documents, so words every sentence uses weigh little;
* ``fuzzy``: rapidfuzz's token-set ratio of the same stemmed words, which
  forgives word order and extra words in the longer sentence;
* ``figures``: a boost when both carry the same normalised figure (see
  core/figures/; a figure is read with the decimal mark of its whole
  document): +0.45 for the first shared amount of money (in one currency)
  or percentage (a precise figure reported twice is strong evidence), +0.1 for each
  further shared figure and for each shared count or year, at most +0.55;
* ``topic``: +0.1 when the keywords of one codebook tag occur in both
  (see ``tag_keywords``; only when keywords are given).

``score = min(1, 0.6 * cosine + 0.4 * fuzzy * overlap + figures + topic)``,
where ``overlap`` (the share of the shorter sentence's words found in the
other) keeps a three-word sentence from scoring high on fuzziness alone.
Pairs of sentences with no rare-enough content word in common and no figure
in common are never scored, so long documents stay quick (an inverted index
finds candidates).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

from rapidfuzz import fuzz

from desktop_app.core.errors import InvalidInput
from desktop_app.core.figures import PERCENT, Figure, decimal_mark, extract_figures, format_value, is_currency
from desktop_app.core.sentences import Sentence, split_sentences

STOP_WORDS = frozenset(
    """a about above after again against all also although am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either even ever every few for
    from further had has have having he her here hers herself him himself his how however i if in into is it its
    itself just let like many may me might more most much must my myself neither no nor not now of off on once
    only or other our ours ourselves out over own per quite rather said same say says she should since so some
    still such than that the their theirs them themselves then there these they this those though through thus
    to too under until up upon us very was we were what when where whether which while who whom whose why will
    with within without would yet you your yours yourself yourselves s t re ve ll d m""".split()
)
# Words of tag descriptions too general to point at a tag.
GENERIC_WORDS = frozenset("figure figures people real thing things number numbers other data about".split())
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_IRREGULAR = {"paid": "pay", "earnt": "earn", "struck": "strik", "men": "man", "women": "woman"}

STRONG_FIGURE_BOOST = 0.45  # the first shared amount of money or percentage
FIGURE_BOOST = 0.1  # each further shared figure, and shared counts and years
MAX_FIGURE_BOOST = 0.55
TOPIC_BOOST = 0.1
MIN_WORDS = 3  # sentences with fewer content words (headings, captions) are not matched


def stem(word: str) -> str:
    """A small, predictable stemmer, enough to meet plural and -ing forms:
    casefold; drop a possessive; "-ies" → "-y"; "-sses" → "-ss"; drop a final
    "s" (not "-ss", "-us", "-is"); drop "-ing" / "-ed" when three letters
    stay; drop a final "e". So salaries → salary, earnings → earn, wages and
    wage → wag, striking and strikes → strik, deepfakes → deepfak."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def content_words(text: str) -> list[str]:
    """Stems of the words of ``text`` that carry meaning, in order."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        low = word.casefold().replace("’", "'")
        if low in STOP_WORDS or low.split("'")[0] in STOP_WORDS or len(low) < 2:
            continue
        out.append(stem(word))
    return out


# --------------------------------------------------------------------- matching
@dataclass(frozen=True, slots=True)
class Match:
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    score: float
    shared: tuple[str, ...] = ()  # normalised figures both carry, as "USD 900000"
    quote_a: str = ""
    quote_b: str = ""


@dataclass(slots=True)
class _Unit:
    sentence: Sentence
    words: list[str]
    figures: list[Figure]
    vector: dict[str, float] = field(default_factory=dict)
    keys: set = field(default_factory=set)
    topics: frozenset = frozenset()


def _units(text: str, keywords: Mapping[int, set[str]] | None) -> list[_Unit]:
    units = []
    mark = decimal_mark(text)  # the whole document says how it writes decimals better than a sentence
    for s in split_sentences(text):
        words = content_words(s.text)
        if len(words) < MIN_WORDS:
            continue
        figures = extract_figures(s.text, mark)
        topics = frozenset(suggest_tags(s.text, keywords)) if keywords else frozenset()
        units.append(_Unit(s, words, figures, keys={f.key for f in figures}, topics=topics))
    return units


def _weigh(units: Sequence[_Unit], idf: Mapping[str, float]) -> None:
    for u in units:
        counts = Counter(u.words)
        vec = {w: (1 + math.log(c)) * idf[w] for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        u.vector = {w: v / norm for w, v in vec.items()}


def pair_score(a: _Unit, b: _Unit) -> tuple[float, tuple[str, ...]]:
    cosine = sum(v * b.vector.get(w, 0.0) for w, v in a.vector.items())
    set_a, set_b = set(a.words), set(b.words)
    overlap = len(set_a & set_b) / max(1, min(len(set_a), len(set_b)))
    fuzzy = fuzz.token_set_ratio(" ".join(sorted(set_a)), " ".join(sorted(set_b))) / 100.0
    shared_keys = sorted(a.keys & b.keys, key=lambda k: (k[0], k[1]))
    strong = sum(1 for unit, _ in shared_keys if is_currency(unit) or unit == PERCENT)
    boost = (STRONG_FIGURE_BOOST if strong else 0.0) + FIGURE_BOOST * (len(shared_keys) - (1 if strong else 0))
    boost = min(MAX_FIGURE_BOOST, boost)
    topic = TOPIC_BOOST if a.topics & b.topics else 0.0
    score = min(1.0, 0.6 * cosine + 0.4 * fuzzy * overlap + boost + topic)
    labels = tuple(f"{unit} {_plain(value)}" for unit, value in shared_keys)
    return round(score, 4), labels


def _plain(value: Decimal) -> str:
    return format_value(value)


def matching_passages(
    text_a: str,
    text_b: str,
    *,
    min_score: float = 0.5,
    limit: int = 50,
    per_sentence: int = 3,
    keywords: Mapping[int, set[str]] | None = None,
) -> list[Match]:
    """Pairs of sentences (one of each text) that seem to report the same
    thing, best first; a sentence takes part in at most ``per_sentence``
    pairs. Offsets are code points of the texts given. ``keywords`` (tag id
    → stems, see ``tag_keywords``) adds the topic boost."""
    if not 0 <= min_score <= 1:
        raise InvalidInput("The minimum score must be between 0 and 1.")
    units_a, units_b = _units(text_a, keywords), _units(text_b, keywords)
    if not units_a or not units_b:
        return []
    df: Counter[str] = Counter()
    for u in (*units_a, *units_b):
        df.update(set(u.words))
    n = len(units_a) + len(units_b)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    _weigh(units_a, idf)
    _weigh(units_b, idf)

    by_word: dict[str, list[int]] = defaultdict(list)
    by_figure: dict[tuple, list[int]] = defaultdict(list)
    for j, u in enumerate(units_b):
        for w in set(u.words):
            by_word[w].append(j)
        for k in u.keys:
            by_figure[k].append(j)
    common = max(2, len(units_b) // 2)  # words in half the sentences do not make a candidate alone

    scored: list[tuple[float, int, int, tuple[str, ...]]] = []
    for i, a in enumerate(units_a):
        candidates: set[int] = set()
        for w in set(a.words):
            if len(by_word.get(w, ())) <= common:
                candidates.update(by_word.get(w, ()))
        for k in a.keys:
            candidates.update(by_figure.get(k, ()))
        for j in candidates:
            score, shared = pair_score(a, units_b[j])
            if score >= min_score:
                scored.append((score, i, j, shared))
    scored.sort(key=lambda t: (-t[0], units_a[t[1]].sentence.start, units_b[t[2]].sentence.start))

    used_a: Counter[int] = Counter()
    used_b: Counter[int] = Counter()
    out: list[Match] = []
    for score, i, j, shared in scored:
        if used_a[i] >= per_sentence or used_b[j] >= per_sentence:
            continue
        used_a[i] += 1
        used_b[j] += 1
        sa, sb = units_a[i].sentence, units_b[j].sentence
        out.append(Match(sa.start, sa.end, sb.start, sb.end, score, shared, sa.text, sb.text))
        if len(out) >= limit:
            break
    return out


def _overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    return s1 < e2 and s2 < e1


def suggest_links(store, doc_a: int, doc_b: int, min_score: float = 0.5, *, limit: int = 50) -> list[Match]:
    """matching_passages of two documents of the store, leaving out pairs
    already covered: a pair whose passages overlap two claims (one in each
    document) that are linked to each other."""
    if doc_a == doc_b:
        raise InvalidInput("Suggesting links needs two different documents.")
    with store.snapshot():
        text_a, text_b = store.document_text(doc_a), store.document_text(doc_b)
        claims = {c.id: c for c in store.iter_claims(document_ids=[doc_a, doc_b], orphaned=False)}
        links = store.list_links(claim_ids=list(claims)) if claims else []
        keywords = tag_keywords(store.list_tags())
    covered = []
    for link in links:
        ends = [claims.get(link.source_id), claims.get(link.target_id)]
        if None in ends:
            continue
        ca = next((c for c in ends if c.document_id == doc_a), None)
        cb = next((c for c in ends if c.document_id == doc_b), None)
        if ca is not None and cb is not None:
            covered.append((ca, cb))
    out = []
    for m in matching_passages(text_a, text_b, min_score=min_score, limit=limit + len(covered),
                                   keywords=keywords):
        if any(_overlaps(m.start_a, m.end_a, ca.start, ca.end) and _overlaps(m.start_b, m.end_b, cb.start, cb.end)
               for ca, cb in covered):
            continue
        out.append(m)
        if len(out) >= limit:
            break
    return out


class Accepted(NamedTuple):
    """What accepting a pair made: its two claims (perhaps existing ones),
    the link, and which of the claims are new (an undo removes only those)."""

    claim_a: int
    claim_b: int
    link_id: int
    made: tuple[int, ...]


def accept_match(
    store, match: Match, doc_a: int, doc_b: int, tag_ids: Iterable[int] | None = None
) -> Accepted:
    """Make claims of both passages and link them as "same", all in one
    transaction; returns the ids (see Accepted). A live claim on exactly the
    same passage is reused rather than doubled. With ``tag_ids`` None, tags
    are suggested from the codebook by keywords."""
    with store.transaction():
        text_a, text_b = store.document_text(doc_a), store.document_text(doc_b)
        for text, s, e, quote in ((text_a, match.start_a, match.end_a, match.quote_a),
                                  (text_b, match.start_b, match.end_b, match.quote_b)):
            if not (0 <= s < e <= len(text)) or (quote and text[s:e] != quote):
                raise InvalidInput("The suggested passage is no longer in the document; suggest again.")
        if tag_ids is None:
            keywords = tag_keywords(store.list_tags())
            tags_a = list(suggest_tags(text_a[match.start_a:match.end_a], keywords))
            tags_b = list(suggest_tags(text_b[match.start_b:match.end_b], keywords))
            both = list(dict.fromkeys(tags_a + tags_b))
            tags_a = tags_b = both
        else:
            tags_a = tags_b = list(dict.fromkeys(tag_ids))
        existing = {(c.document_id, c.start, c.end): c.id
                    for c in store.iter_claims(document_ids=[doc_a, doc_b], orphaned=False)}
        ids, made = [], []
        for doc, s, e, tags in ((doc_a, match.start_a, match.end_a, tags_a), (doc_b, match.start_b, match.end_b, tags_b)):
            found = existing.get((doc, s, e))
            if found is None:
                found = store.add_claim(doc, s, e, tags).id
                made.append(found)
            ids.append(found)
        link = store.add_link(ids[0], ids[1], "same")
    return Accepted(ids[0], ids[1], link.id, tuple(made))


# ---------------------------------------------------------------- tag keywords
def tag_keywords(tags, extra: Mapping[int, Iterable[str]] | None = None) -> dict[int, set[str]]:
    """Keyword stems for each tag: its keywords (set in the codebook), the
    content words of its name and description (general words like "figures"
    left out), plus any words given for it in ``extra`` (tag id → words)."""
    out: dict[int, set[str]] = {}
    for tag in tags:
        words = {w for w in content_words(f"{tag.name} {tag.description}")
                 if w not in {stem(g) for g in GENERIC_WORDS} and len(w) >= 3}
        for keyword in getattr(tag, "keywords", ()):
            words.update(_stems_with_joins(keyword))
        out[tag.id] = words
    for tag_id, words in (extra or {}).items():
        out.setdefault(tag_id, set()).update(stem(w) for w in words if w.strip())
    return out


def _stems_with_joins(text: str) -> set[str]:
    """Stems of the words, and of each two adjacent words written together
    ("Deep Fake" → "deepfak")."""
    words = [m.group(0) for m in _TOKEN.finditer(text)]
    stems = {stem(w) for w in words}
    stems.update(stem(a + b) for a, b in zip(words, words[1:]))
    return stems


def suggest_tags(text: str, keywords: Mapping[int, set[str]]) -> tuple[int, ...]:
    stems = _stems_with_joins(text)
    return tuple(tag_id for tag_id, words in keywords.items() if words & stems)


# ------------------------------------------------------------ claim candidates
@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    text: str
    kinds: tuple[str, ...]  # of "money", "percent", "count", "date", "quote", "keyword"
    figures: tuple[Figure, ...]
    tag_ids: tuple[int, ...]


_KIND_NAMES = {"year": "date"}  # a figure's kind as a candidate's kinds name it
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}\b)"
)
_QUOTATION = re.compile(r"“[^”\n]+”|\"[^\"\n]+\"")
MIN_QUOTE_WORDS = 4  # shorter quoted strings are mostly titles or scare quotes


def claim_candidates(store, doc_id: int, *, keywords: Mapping[int, Iterable[str]] | None = None) -> list[Candidate]:
    """Sentences of a document worth a claim: those carrying figures, dates,
    direct quotations or codebook keywords, in text order, with the tags their
    keywords suggest. ``keywords`` adds words to tags (tag id → words)."""
    with store.snapshot():
        text = store.document_text(doc_id)
        tags = store.list_tags()
    kw = tag_keywords(tags, keywords)
    quotes = [(m.start(), m.end()) for m in _QUOTATION.finditer(text)
              if len(m.group(0)[1:-1].split()) >= MIN_QUOTE_WORDS]
    out = []
    mark = decimal_mark(text)  # the whole document says how it writes decimals better than a sentence
    for s in split_sentences(text):
        kinds: list[str] = []
        figures = tuple(extract_figures(s.text, mark))
        for f in figures:
            kinds.append(_KIND_NAMES.get(f.kind, f.kind))
        if _DATE.search(s.text):
            kinds.append("date")
        if any(_overlaps(s.start, s.end, qs, qe) for qs, qe in quotes):
            kinds.append("quote")
        tag_ids = suggest_tags(s.text, kw)
        if tag_ids:
            kinds.append("keyword")
        if kinds:
            out.append(Candidate(s.start, s.end, s.text, tuple(dict.fromkeys(kinds)), figures, tag_ids))
    return out
