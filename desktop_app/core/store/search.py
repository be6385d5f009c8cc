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

import re

import sqlalchemy as sa

_TOKEN = re.compile(r"\w+\*?|\"[^\"]*\"", re.UNICODE)


def fts_query(user_query: str) -> str:
    """Turn what a user types into a safe FTS5 query: every word must match,
    a trailing * matches a prefix, "quoted words" match as a phrase."""
    parts = []
    for token in _TOKEN.findall(user_query):
        star = token.endswith("*") and not token.startswith('"')
        word = token.strip('"').rstrip("*")
        words = re.findall(r"\w+", word)
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        parts.append(phrase + ("*" if star else ""))
    return " ".join(parts)


def ts_query(user_query: str) -> str:
    """The same rules as ``fts_query`` in PostgreSQL's tsquery syntax: words
    joined by &, a phrase by <->, a prefix as word:*. Only word characters
    reach the query, each quoted as a lexeme, so no input can break it."""
    parts = []
    for token in _TOKEN.findall(user_query):
        star = token.endswith("*") and not token.startswith('"')
        words = re.findall(r"\w+", token.strip('"').rstrip("*"))
        if not words:
            continue
        lexemes = [f"'{w.lower()}'" for w in words]
        if star:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
    return " & ".join(parts)


def SearchIndex(dialect: str) -> "SqliteSearchIndex | PostgresSearchIndex":
    if dialect == "sqlite":
        return SqliteSearchIndex()
    if dialect == "postgresql":
        return PostgresSearchIndex()
    raise NotImplementedError(f"full-text search on {dialect} is not available")


class SqliteSearchIndex:

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
        conn.exec_driver_sql("DELETE FROM search_index WHERE rowid = ?", (rowid,))

    def query(self, conn: sa.Connection, user_query: str, limit: int) -> list[tuple[str, int, str, float]]:
        """(kind, id, snippet, rank) best first; the snippet marks matches with [ ]."""
        match = fts_query(user_query)
        if not match:
            return []
        rows = conn.exec_driver_sql(
            "SELECT rowid, snippet(search_index, 0, '[', ']', '…', 12), bm25(search_index) AS rank "
            "FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [("claim" if r % 2 else "document", r // 2, snip, float(rank)) for r, snip, rank in rows]


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

    def query(self, conn: sa.Connection, user_query: str, limit: int) -> list[tuple[str, int, str, float]]:
        match = ts_query(user_query)
        if not match:
            return []
        rows = conn.execute(
            sa.text(
                "SELECT key, ts_headline('marginalia', body, q, "
                "'StartSel=[, StopSel=], MaxWords=24, MinWords=6, ShortWord=0, MaxFragments=1, "
                "FragmentDelimiter=…'), -ts_rank(tsv, q) AS rank "
                "FROM search_index, to_tsquery('marginalia', :q) AS q WHERE tsv @@ q ORDER BY rank, key LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).fetchall()
        return [("claim" if r % 2 else "document", r // 2, snip, float(rank)) for r, snip, rank in rows]
