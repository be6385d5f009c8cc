"""What a user names as a database: a team database's address, or a file.

Kept free of the store's libraries: the window reads a ``--db`` argument
before its first paint, long before SQLAlchemy is needed."""

from __future__ import annotations

from pathlib import Path

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_address(target) -> bool:
    """True for ``postgresql://user@host:port/name`` (and its spellings)."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def database_target(value) -> Path | str | None:
    """What --db (or the window's Open) names: a team database's address as
    it is, else a file path; None for nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Path):
        return value
    return value.strip() if is_server_address(value) else Path(value)
