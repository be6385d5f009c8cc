"""Sort keys and indexes for the claims table, so that the database sorts and
pages it whatever the number of claims: casefolded prefixes of the document's
title, the tag names, the quote and the note, and the rank of the status,
kept in each claim's row, with an index per column of the table over the
live claims. On PostgreSQL the text keys compare by code point ("C"), as on
SQLite.

Revision ID: 0007
Revises: 0006
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LENGTH = 64
INDEXES = (
    ("ix_claims_sort_document", ("sort_document",)),
    ("ix_claims_sort_tags", ("sort_tags",)),
    ("ix_claims_sort_quote", ("sort_quote",)),
    ("ix_claims_sort_page", ("sort_document", "document_id", "start_offset")),
    ("ix_claims_sort_note", ("sort_note",)),
    ("ix_claims_sort_status", ("sort_status",)),
    ("ix_claims_sort_annotator", ("annotator",)),
    ("ix_claims_sort_updated", ("updated_at",)),
)
TEXT_KEYS = ("sort_document", "sort_tags", "sort_quote", "sort_note")
STATUSES = ("unverified", "supported", "disputed", "refuted")  # as they were at this revision
CHARS = 32


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()[:CHARS]


def _fill(conn) -> None:
    """The keys of the claims already there, as the store writes them."""
    titles = dict(conn.execute(sa.text("SELECT id, title FROM documents")).all())
    names: dict[int, list[str]] = defaultdict(list)
    for cid, name in conn.execute(sa.text(
            "SELECT claim_tags.claim_id, tags.name FROM claim_tags JOIN tags ON tags.id = claim_tags.tag_id")):
        names[cid].append(name)
    rows = conn.execute(sa.text("SELECT id, document_id, quote, note, status FROM claims")).all()
    update = sa.text("UPDATE claims SET sort_document = :d, sort_tags = :t, sort_quote = :q, sort_note = :n, "
                     "sort_status = :s WHERE id = :id")
    values = [dict(id=r.id, d=_key(titles.get(r.document_id, "")),
                   t=_key(", ".join(sorted(names.get(r.id, ()), key=str.casefold))),
                   q=_key(r.quote), n=_key(r.note),
                   s=STATUSES.index(r.status) if r.status in STATUSES else len(STATUSES)) for r in rows]
    for i in range(0, len(values), 1000):
        conn.execute(update, values[i : i + 1000])


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    text = sa.String(LENGTH, collation="C") if postgres else sa.String(LENGTH)
    with op.batch_alter_table("claims") as batch:
        for name in TEXT_KEYS:
            batch.add_column(sa.Column(name, text, nullable=False, server_default=""))
        batch.add_column(sa.Column("sort_status", sa.Integer, nullable=False, server_default="0"))
    _fill(conn)
    for name, columns in INDEXES:
        op.create_index(name, "claims", [*columns, "id"], sqlite_where=sa.text("deleted_at IS NULL"),
                        postgresql_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, "claims")
    with op.batch_alter_table("claims") as batch:
        for name in (*TEXT_KEYS, "sort_status"):
            batch.drop_column(name)
