"""The first schema: documents, tags, claims, claim tags and the search index.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("published", sa.String(40), nullable=False),
        sa.Column("source_format", sa.String(20), nullable=False),
        sa.Column("encoding", sa.String(40), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("structure", sa.Text, nullable=False),
        sa.Column("char_count", sa.Integer, nullable=False),
        sa.Column("imported_at", ts, nullable=False),
        sa.Column("deleted_at", ts, nullable=True),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, unique=True),
        sa.Column("color", sa.String(9), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("key", sa.Integer, nullable=True, unique=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", ts, nullable=False),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("annotator", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.Column("deleted_at", ts, nullable=True),
    )
    op.create_index("ix_claims_document_id", "claims", ["document_id"])
    op.create_table(
        "claim_tags",
        sa.Column(
            "claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="RESTRICT"), primary_key=True),
    )
    op.create_index("ix_claim_tags_tag_id", "claim_tags", ["tag_id"])
    if op.get_bind().dialect.name == "sqlite":
        # rowid = 2 * document id for a document, 2 * claim id + 1 for a claim.
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index")
    op.drop_table("claim_tags")
    op.drop_table("claims")
    op.drop_table("tags")
    op.drop_table("documents")
