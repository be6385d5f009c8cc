"""What a user names as a database: a team database's address, or a file."""

from __future__ import annotations

from pathlib import Path


def database_target(value) -> Path | str | None:
    """What --db (or the window's Open) names: a team database's address as
    it is, else a file path; None for nothing."""
    from desktop_app.core.store.server import is_server_address

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Path):
        return value
    return value.strip() if is_server_address(value) else Path(value)
