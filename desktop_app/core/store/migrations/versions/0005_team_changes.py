"""Team databases: a log of changes, and full-text search on PostgreSQL.

Every write transaction appends one row to ``change_log`` naming what it
touched, so that open windows (of this program or of other annotators on a
team database) can pick up what others committed. On PostgreSQL the search
index is a table with a ``tsvector`` column under a GIN index, filled here
from what the database already holds.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _search_configuration(op.get_bind())
        op.execute(
            "CREATE TABLE search_index ("
            "key BIGINT PRIMARY KEY, body TEXT NOT NULL, "
            "tsv tsvector GENERATED ALWAYS AS (to_tsvector('marginalia', body)) STORED)"
        )
        op.execute("CREATE INDEX ix_search_index_tsv ON search_index USING GIN (tsv)")
        op.execute(
            "INSERT INTO search_index (key, body) "
            "SELECT 2 * id, title || chr(10) || text FROM documents WHERE deleted_at IS NULL"
        )
        op.execute(
            "INSERT INTO search_index (key, body) "
            "SELECT 2 * id + 1, quote || chr(10) || note FROM claims WHERE deleted_at IS NULL"
        )


def _search_configuration(bind) -> None:
    """The text search configuration 'marginalia': words as they are, in any
    language, lower-cased, and with accents removed when the server has the
    unaccent extension (a trusted one: the database's owner may add it), so
    that "cafe" finds "café" as it does in a file."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        unaccent = True
    except Exception:  # not installed on that server, or not allowed: no accent folding
        unaccent = False
    op.execute("CREATE TEXT SEARCH CONFIGURATION marginalia (COPY = simple)")
    if unaccent:
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION marginalia "
            "ALTER MAPPING FOR word, hword, hword_part, asciiword, asciihword, hword_asciipart WITH unaccent, simple"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_index")
        op.execute("DROP TEXT SEARCH CONFIGURATION marginalia")
    op.drop_table("change_log")
