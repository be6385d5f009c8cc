"""A removed tag's id is never given to another tag in a project file.

SQLite gave a new row the highest id plus one, so removing the newest tag
freed its id for the next tag made, by this window, another one or the
command line. Undoing the removal then brought the tag back under a new id,
and the steps of the undo stack that named the old id (a claim's tags, a
merge) named the other tag instead. ``AUTOINCREMENT`` keeps ids from coming
back. PostgreSQL's sequences never reuse an id: nothing changes there.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # the table is copied, dropped and renamed: the migrations run with
    # foreign keys off, so the claims keep their tags (see Store._migrate)
    with op.batch_alter_table("tags", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
