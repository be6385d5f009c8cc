"""A removed link stays as it was until it is purged: linking the same pair
again makes a new row instead of reusing (and overwriting) the removed one,
so that undoing the removal brings back its relation, direction and note.
The pair is unique only among live links.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("claim_links") as batch:
        batch.drop_constraint("uq_claim_links_pair", type_="unique")
    op.create_index(
        "uq_claim_links_live_pair", "claim_links", ["source_id", "target_id"], unique=True,
        sqlite_where=LIVE, postgresql_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_claim_links_live_pair", "claim_links")
    # only the newest row of each pair can stay under the old constraint
    op.execute(
        "DELETE FROM claim_links WHERE id NOT IN "
        "(SELECT MAX(id) FROM claim_links GROUP BY source_id, target_id)"
    )
    with op.batch_alter_table("claim_links") as batch:
        batch.create_unique_constraint("uq_claim_links_pair", ["source_id", "target_id"])
