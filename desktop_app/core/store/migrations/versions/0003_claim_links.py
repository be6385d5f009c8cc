"""Links between claims of different documents, with a relation and a note.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "claim_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("annotator", sa.String(200), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("deleted_at", ts, nullable=True),
        sa.UniqueConstraint("source_id", "target_id", name="uq_claim_links_pair"),
    )
    op.create_index("ix_claim_links_target", "claim_links", ["target_id"])


def downgrade() -> None:
    op.drop_index("ix_claim_links_target", "claim_links")
    op.drop_table("claim_links")
