"""Document versions and orphaned claims.

When a document's text is replaced, the old text is kept as a version, and
claims that cannot be found in the new text are marked orphaned (kept, not
placed) instead of being dropped. An index covers what a pane reads to paint
a document's claims.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("orphaned", sa.Boolean, nullable=False, server_default=sa.false()))
    # covers what a pane reads to paint a document's claims; it starts with
    # the document, so the index on the document alone is no longer needed
    op.create_index(
        "ix_claims_position", "claims", ["document_id", "start_offset", "end_offset", "deleted_at", "orphaned"]
    )
    op.drop_index("ix_claims_document_id", "claims")
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("structure", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(20), nullable=False),
        sa.Column("encoding", sa.String(40), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("imported_at", ts, nullable=False),
        sa.Column("replaced_at", ts, nullable=False),
        sa.UniqueConstraint("document_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("document_versions")
    op.create_index("ix_claims_document_id", "claims", ["document_id"])
    op.drop_index("ix_claims_position", "claims")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("orphaned")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("version")
