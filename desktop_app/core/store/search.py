"""Full-text search over document text and claim quotes and notes.

On SQLite this is an FTS5 table whose rowid encodes what a row indexes:
``2 * id`` for a document, ``2 * id + 1`` for a claim, so that updating or
removing one entry is a lookup by rowid, never a scan. On PostgreSQL it is a
table with the same keys and a ``tsvector`` column under a GIN index, searched
with the server's own text search (the configuration 'marginalia' made by
migration 0005: no stemming, any language, accents folded, as FTS5's
unicode61 tokenizer does here).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.core.errors import InvalidInput
from desktop_app.core.figures import extract_figures, query_figures

_TOKEN = re.compile(r"\w+\*?|\"[^\"]*\"", re.UNICODE)
MAX_TERMS = 16  # distinct words and phrases in one search; each one costs a pass over the index
SNIPPET_SCAN_CHARS = 20_000  # a snippet is looked for in this much of a row's text, never more
SNIPPET_TOKENS = 12
RANK_MAX_TOKENS = 100_000  # longer rows are listed unranked (see SqliteSearchIndex.query)
MAX_SPELLINGS = 48  # spellings of all the figures of one search together (see figures.query_figures)
MIN_PREFIX = 3  # letters before a *: "s*" or "st*" would merge the entries of thousands of words
UNRANKED = -1e308  # the rank given in SQL to rows too long to rank: before any bm25 score


def _varint(data: bytes) -> int:
    """SQLite's variable-length integer, as FTS5 stores row sizes."""
    value = 0
    for byte in data[:9]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return value


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # as typed (folded when matched)
    prefix: bool  # the last word matches as a prefix
    # a figure: every way of writing its amount ("900k", "900 000", …), any one matches
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def spellings(self) -> tuple[tuple[str, ...], ...]:
        return self.alternatives or (self.words,)


def parse_terms(user_query: str) -> list[Term]:
    """See ``_parse_terms``; a search parses its query once (ranking and
    snippets both ask)."""
    return list(_parse_terms(user_query))


@functools.lru_cache(maxsize=16)
def _parse_terms(user_query: str) -> tuple[Term, ...]:
    """The words and "quoted phrases" of a search, each once, in the order
    typed. Only word characters reach a query, so no input can break it.
    More than MAX_TERMS different terms raise InvalidInput: every term costs a
    pass over the index, and a query of thousands of words would not end."""
    terms: list[Term] = []
    seen: set = set()
    seen_tokens: set[str] = set()
    rest = user_query
    budget = MAX_SPELLINGS
    for start, end, alternatives in query_figures(user_query):
        alternatives = alternatives[: max(1, budget)]  # past the budget a figure matches as written
        budget -= len(alternatives)
        # a figure matches however it is written: "900,000" finds "$900K"
        key = ("figure", tuple(alternatives))
        rest = rest[:start] + " " * (end - start) + rest[end:]
        if key not in seen and alternatives:
            seen.add(key)
            terms.append(Term(alternatives[0], False, tuple(alternatives)))
    for token in _TOKEN.findall(rest):
        star = token.endswith("*") and not token.startswith('"')
        if token in seen_tokens:  # a word typed again costs nothing more
            continue
        seen_tokens.add(token)
        words = tuple(re.findall(r"\w+", token.strip('"').rstrip("*")))
        if not words:
            continue
        key = (tuple(fold(w) for w in words), star)
        if key in seen:
            continue
        seen.add(key)
        if star and len(words[-1]) < MIN_PREFIX:
            raise InvalidInput(
                f"'{words[-1]}*' is too short a prefix: write at least {MIN_PREFIX} letters before the *."
            )
        terms.append(Term(words, star))
    if len(terms) > MAX_TERMS:
        raise InvalidInput(
            f"The search has {len(terms)} different words or phrases; at most {MAX_TERMS} can be searched "
            "at once. Leave out some of them."
        )
    return tuple(terms)


def fts_query(user_query: str) -> str:
    """Turn what a user types into a safe FTS5 query: every word must match,
    a trailing * matches a prefix, "quoted words" match as a phrase, a
    figure matches any of its spellings."""
    parts = []
    for t in parse_terms(user_query):
        if t.alternatives:  # as FTS5 splits them ("0.9" is two words here), each once
            phrases = dict.fromkeys(" ".join(re.findall(r"\w+", " ".join(a))) for a in t.alternatives)
            parts.append("(" + " OR ".join(f'"{p}"' for p in phrases) + ")")
        else:
            parts.append('"' + " ".join(t.words) + '"' + ("*" if t.prefix else ""))
    return (" AND " if "(" in "".join(p[:1] for p in parts) else " ").join(parts)  # FTS5 wants AND after a group


def ts_query(user_query: str) -> str:
    """The same rules as ``fts_query`` in PostgreSQL's tsquery syntax: words
    joined by &, a phrase by <->, a prefix as word:*. Only word characters
    reach the query, each quoted as a lexeme, so no input can break it."""
    parts = []
    for term in parse_terms(user_query):
        spelled = []
        for words in term.spellings:
            lexemes = [f"'{w.lower()}'" for w in words]
            if term.prefix:
                lexemes[-1] += ":*"
            spelled.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
        parts.append("(" + " | ".join(spelled) + ")" if len(spelled) > 1 else spelled[0])
    return " & ".join(parts)


# ------------------------------------------------------------------ snippets
def fold(text: str) -> str:
    """Lower case without accents, as the index compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FOLDED: dict[int, str] = {}  # character -> its folded form, one character for one


def _fold_same_length(text: str) -> str:
    """``fold`` character by character, so that the folded text keeps the
    offsets of the original."""
    for c in set(text):
        if ord(c) not in _FOLDED:
            base = unicodedata.normalize("NFKD", c)[:1] or c
            _FOLDED[ord(c)] = base.lower()[:1] or c
    return text.translate(_FOLDED)


@dataclass(frozen=True, slots=True)
class Patterns:
    folded: re.Pattern  # any word of the search, in folded text
    loose: re.Pattern  # the same, as typed or folded, in the text as it is (any case)


def patterns(terms: list[Term]) -> Patterns | None:
    folded, loose = set(), set()
    for term in terms:
        for words in term.spellings:
            for i, word in enumerate(words):
                tail = r"\w*" if term.prefix and i == len(words) - 1 else ""
                folded.add(re.escape(fold(word)) + tail)
                loose.update({re.escape(fold(word)) + tail, re.escape(word) + tail})
    if not folded:
        return None

    def build(alternatives: set[str], flags: int = 0) -> re.Pattern:
        ordered = "|".join(sorted(alternatives, key=len, reverse=True))
        return re.compile(r"(?<!\w)(?:" + ordered + r")(?!\w)", flags)

    return Patterns(build(folded), build(loose, re.IGNORECASE))


def snippet(text: str, terms: list[Term] | Patterns | None, *, truncated: bool = False) -> str:
    """A few words around the first place where a word of the search occurs,
    each such word in [ ]; the opening words when none occurs in ``text``.
    Work is bounded by len(text), which the caller bounds."""
    found = patterns(terms) if isinstance(terms, list) else terms
    centre = 0
    if found is not None:
        first = found.loose.search(text)  # most words are found as typed, without folding
        upto = first.start() if first else len(text)
        # an accented spelling before it is found in the folded text (only as far as needed)
        folded = found.folded.search(_fold_same_length(text[: upto + 100]))
        centre = folded.start() if folded and folded.start() < upto else upto if first else 0
    offset = max(0, centre - 300)
    words = [(m.start() + offset, m.end() + offset) for m in re.finditer(r"\w+", text[offset: centre + 600])]
    at = next((i for i, (s, _e) in enumerate(words) if s >= centre), 0)
    lo = max(0, at - SNIPPET_TOKENS // 3)
    chosen = words[lo: lo + SNIPPET_TOKENS]
    if not chosen:
        return ""
    start, end = chosen[0][0], chosen[-1][1]
    if lo == 0 and offset == 0:
        start = 0
    piece = []
    cursor = start
    for s, e in chosen:
        piece.append(text[cursor:s])
        word = text[s:e]
        piece.append(f"[{word}]" if found is not None and found.folded.fullmatch(fold(word)) else word)
        cursor = e
    if not re.search(r"\w", text[end:]):  # nothing but punctuation after the last word: show it
        piece.append(text[end:])
        end = len(text)
    out = "".join(piece)
    if start > 0:
        out = "…" + out
    if end < len(text) or truncated:
        out += "…"
    return out


def first_hit(text: str, user_query: str) -> tuple[int, int] | None:
    """Where a search first matches ``text``: code-point (start, end) of the
    first word of the search found in it (accents and case aside), or of the
    first figure written in one of the ways the search's figures stand for,
    widened to the whole figure ("$900,000"); None when nothing of the search
    occurs. Invalid queries have no hit."""
    try:
        terms = parse_terms(user_query)
    except InvalidInput:
        return None
    hits = []
    words = patterns([t for t in terms if not t.alternatives])
    if words is not None:
        first = words.loose.search(text)
        upto = first.start() if first else len(text)
        folded = words.folded.search(_fold_same_length(text[: upto + 100]))
        hit = folded if folded is not None and folded.start() < upto else first
        if hit is not None:
            hits.append((hit.start(), hit.end()))
    figures = [t for t in terms if t.alternatives]
    if figures:
        # a figure's words in order, with what a writer puts between them: "900,000", "0.9 million"
        spelled = {r"\W{1,3}".join(re.escape(w) for w in words) for t in figures for words in t.alternatives}
        found = re.compile(r"(?<!\w)(?:" + "|".join(sorted(spelled, key=len, reverse=True)) + r")(?!\w)",
                           re.IGNORECASE).search(text)
        if found is not None:
            start, end = found.span()
            lo = max(0, start - 40)
            for figure in extract_figures(text[lo: end + 40]):
                if figure.start + lo <= start < figure.end + lo:
                    start, end = figure.start + lo, max(end, figure.end + lo)
                    break
            hits.append((start, end))
    return min(hits) if hits else None


def SearchIndex(dialect: str) -> "SqliteSearchIndex | PostgresSearchIndex":
    if dialect == "sqlite":
        return SqliteSearchIndex()
    if dialect == "postgresql":
        return PostgresSearchIndex()
    raise NotImplementedError(f"full-text search on {dialect} is not available")


class SqliteSearchIndex:

    def __init__(self) -> None:
        # (newest change_log entry, rowids of the rows too long to rank); see _long_rows
        self._long_cache: tuple[int | None, list[int]] | None = None

    @staticmethod
    def _doc_rowid(document_id: int) -> int:
        return 2 * document_id

    @staticmethod
    def _claim_rowid(claim_id: int) -> int:
        return 2 * claim_id + 1

    def index_document(self, conn: sa.Connection, document_id: int, title: str, text: str) -> None:
        self._put(conn, self._doc_rowid(document_id), f"{title}\n{text}")

    def unindex_document(self, conn: sa.Connection, document_id: int) -> None:
        self._drop(conn, self._doc_rowid(document_id))

    def index_claim(self, conn: sa.Connection, claim_id: int, quote: str, note: str) -> None:
        self._put(conn, self._claim_rowid(claim_id), f"{quote}\n{note}")

    def index_claims(self, conn: sa.Connection, rows: list[tuple[int, str, str]]) -> None:
        if rows:
            self._long_cache = None
            conn.exec_driver_sql(
                "INSERT INTO search_index(rowid, body) VALUES (?, ?)",
                [(self._claim_rowid(cid), f"{quote}\n{note}") for cid, quote, note in rows],
            )

    def unindex_claim(self, conn: sa.Connection, claim_id: int) -> None:
        self._drop(conn, self._claim_rowid(claim_id))

    def _put(self, conn: sa.Connection, rowid: int, body: str) -> None:
        self._drop(conn, rowid)
        conn.exec_driver_sql("INSERT INTO search_index(rowid, body) VALUES (?, ?)", (rowid, body))

    def _drop(self, conn: sa.Connection, rowid: int) -> None:
        self._long_cache = None  # a row's size changes: in this transaction, before change_log shows it
        conn.exec_driver_sql("DELETE FROM search_index WHERE rowid = ?", (rowid,))

    def query(self, conn: sa.Connection, user_query: str, limit: int) -> list[tuple[str, int, float]]:
        """(kind, id, rank) best first. No snippet here: a snippet costs a
        read of the row's text, so it is made only for the rows shown.

        Ranking a row reads every occurrence of every searched word in it, so
        rows longer than RANK_MAX_TOKENS (a novel and more) are not ranked:
        they are listed first, by key, so that a hit in them is never pushed
        out of the list by many short ones.

        The match is evaluated once, in one statement: a second statement for
        the long rows would make FTS5 find every searched word again, and for
        a prefix that means merging the entries of every word it stands for
        (``str*``: hundreds) a second time."""
        match = fts_query(user_query)
        if not match:
            return []
        long_rows = self._long_rows(conn)
        if long_rows:
            marks = ", ".join("?" * len(long_rows))
            rank = f"CASE WHEN rowid IN ({marks}) THEN {UNRANKED!r} ELSE bm25(search_index) END"
        else:
            rank = "bm25(search_index)"
        rows = conn.exec_driver_sql(
            f"SELECT rowid, {rank} AS rank FROM search_index WHERE search_index MATCH ? ORDER BY rank, rowid LIMIT ?",
            (*long_rows, match, limit),
        ).fetchall()
        unranked = set(long_rows)
        out = []
        for r, value in rows:
            value = float("-inf") if r in unranked else float(value)
            out.append(("claim" if r % 2 else "document", r // 2, value))
        return out

    def _long_rows(self, conn: sa.Connection) -> list[int]:
        """Rowids of rows over RANK_MAX_TOKENS (see ``_scan_long_rows``).

        Finding them reads the size of every row, which costs as much as a
        search of a common word, so the answer is kept and asked again only
        after a write: the index's own (this store's) or any store's that
        committed since, which the newest entry of ``change_log`` tells."""
        mark = conn.exec_driver_sql("SELECT max(seq) FROM change_log").scalar()
        if self._long_cache is None or self._long_cache[0] != mark:
            self._long_cache = (mark, self._scan_long_rows(conn))
        return self._long_cache[1]

    @staticmethod
    def _scan_long_rows(conn: sa.Connection) -> list[int]:
        """Rowids of rows over RANK_MAX_TOKENS, from FTS5's own table of row
        sizes (a varint count of tokens per row: three bytes or more is 16,384
        tokens or more), without reading any text."""
        long_rows = []
        for rowid, size in conn.exec_driver_sql(
            "SELECT id, sz FROM search_index_docsize WHERE length(sz) >= 3"
        ).fetchall():
            if _varint(size) > RANK_MAX_TOKENS:
                long_rows.append(rowid)
        return long_rows

    def snippets(self, conn: sa.Connection, user_query: str, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """A snippet for each (kind, id) given, from at most SNIPPET_SCAN_CHARS
        of its text: the work is bounded by the number of rows asked for,
        whatever the size of a document."""
        found = patterns(parse_terms(user_query))
        out = {}
        for kind, i in keys:
            text, truncated = self._head(conn, self._doc_rowid(i) if kind == "document" else self._claim_rowid(i))
            out[(kind, i)] = snippet(text, found, truncated=truncated)
        return out

    def _head(self, conn: sa.Connection, rowid: int) -> tuple[str, bool]:
        """The first SNIPPET_SCAN_CHARS of a row's text, read incrementally
        (a plain SELECT would read all 45 MB of a long document)."""
        raw = conn.connection.driver_connection
        limit = SNIPPET_SCAN_CHARS * 4  # bytes: at most 4 per character in UTF-8
        try:
            with raw.blobopen("search_index_content", "c0", rowid, readonly=True) as blob:
                data = blob.read(limit)
                more = len(blob) > len(data)
        except Exception:  # noqa: BLE001 - no such row (removed meanwhile): no snippet
            return "", False
        text = data.decode("utf-8", errors="ignore")
        return text[:SNIPPET_SCAN_CHARS], more or len(text) > SNIPPET_SCAN_CHARS


class PostgresSearchIndex(SqliteSearchIndex):
    """The same keys in a plain table (``key``, ``body``, ``tsv``)."""

    def index_claims(self, conn: sa.Connection, rows: list[tuple[int, str, str]]) -> None:
        if rows:
            conn.execute(
                sa.text("INSERT INTO search_index (key, body) VALUES (:k, :b)"),
                [{"k": self._claim_rowid(cid), "b": f"{quote}\n{note}"} for cid, quote, note in rows],
            )

    def _put(self, conn: sa.Connection, rowid: int, body: str) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO search_index (key, body) VALUES (:k, :b) "
                "ON CONFLICT (key) DO UPDATE SET body = excluded.body"
            ),
            {"k": rowid, "b": body},
        )

    def _drop(self, conn: sa.Connection, rowid: int) -> None:
        conn.execute(sa.text("DELETE FROM search_index WHERE key = :k"), {"k": rowid})

    def query(self, conn: sa.Connection, user_query: str, limit: int) -> list[tuple[str, int, float]]:
        match = ts_query(user_query)
        if not match:
            return []
        rows = conn.execute(
            sa.text(
                "SELECT key, -ts_rank(tsv, q) AS rank "
                "FROM search_index, to_tsquery('marginalia', :q) AS q WHERE tsv @@ q ORDER BY rank, key LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).fetchall()
        return [("claim" if r % 2 else "document", r // 2, float(rank)) for r, rank in rows]

    def _head(self, conn: sa.Connection, rowid: int) -> tuple[str, bool]:
        # substr of a prefix decompresses only that prefix of a long value
        row = conn.execute(
            sa.text("SELECT substr(body, 1, :n) FROM search_index WHERE key = :k"),
            {"k": rowid, "n": SNIPPET_SCAN_CHARS + 1},
        ).first()
        if row is None:
            return "", False
        text = row[0]
        return text[:SNIPPET_SCAN_CHARS], len(text) > SNIPPET_SCAN_CHARS
