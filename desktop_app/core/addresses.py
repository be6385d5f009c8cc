"""What names a database: a file path or a team database's address.

Every message about an address goes through ``redacted`` or
``display_address``, so that a password typed into an address (even a
malformed one) never reaches the terminal, the window or the log.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
EXPECTED = "postgresql://user@host:port/name"

# "word://" at the start: an address of some kind, never a file path
_ANY_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)://", re.ASCII)


def has_scheme(value) -> bool:
    """True for anything written as ``scheme://…``."""
    return isinstance(value, str) and _ANY_SCHEME.match(value) is not None


def is_server_address(target) -> bool:
    """True for ``postgresql://user@host:port/name`` (and its spellings)."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def redacted(address: str) -> str:
    """An address as it may be shown: whatever stands between ``user`` and the
    last ``@`` (the password) becomes ``***``, and the query (which may carry
    ``password=``) and fragment are dropped. Works on malformed addresses too."""
    text = address.strip()
    match = _ANY_SCHEME.match(text)
    if match is None:
        return text
    scheme, rest = text[: match.end()].strip(), text[match.end():]
    rest = re.split(r"[?#]", rest, maxsplit=1)[0]
    if "@" in rest:
        userinfo, _, hostpart = rest.rpartition("@")
        user = re.split(r"[:@/]", userinfo, maxsplit=1)[0]
        hidden = ":***" if userinfo != user else ""
        rest = f"{user}{hidden}@{hostpart}"
    return scheme + rest


def parse_address(address: str):
    """The SQLAlchemy URL of a team database address (driver psycopg).
    Raises InvalidInput, naming the address without its password."""
    from sqlalchemy.engine import make_url

    from desktop_app.core.errors import InvalidInput

    shown = redacted(address)
    if not is_server_address(address):
        raise InvalidInput(_unsupported(address))
    try:
        url = make_url(address.strip())
    except Exception as exc:  # sqlalchemy.exc.ArgumentError and ValueError (a port that is no number)
        raise InvalidInput(f"'{shown}' is not a valid database address (expected {EXPECTED}).") from None
    if url.host and "@" in url.host:
        raise InvalidInput(
            f"'{shown}' is not a valid database address: write an @ inside a user name or password as %40."
        )
    if url.port is not None and not 0 < url.port < 65536:
        raise InvalidInput(f"'{shown}' names port {url.port}, which does not exist (ports go from 1 to 65535).")
    if not url.database:
        raise InvalidInput(f"'{shown}' names no database (expected {EXPECTED}).")
    return url.set(drivername="postgresql+psycopg")


def display_address(url) -> str:
    """What the user is shown: the address without its password."""
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"postgresql://{user}{host}{port}/{url.database}"


def shown(target) -> str:
    """What a message or a log line may say about any target: never a password."""
    if isinstance(target, str) and has_scheme(target):
        return redacted(target)
    return str(target)


def _unsupported(address: str) -> str:
    match = _ANY_SCHEME.match(address)
    scheme = match.group(1) if match else "?"
    return (
        f"'{redacted(address)}' is not a database Marginalia can open: '{scheme}://' is not supported; "
        f"a team database is written {EXPECTED}, a database file by its path."
    )


def database_target(value: str | os.PathLike | None) -> str | Path | None:
    """What a database argument names: a team database's address as it is
    (stripped), else a file path; None when nothing was given.

    Any other ``scheme://`` address (``pg://``, ``postgresql+foo://``,
    ``sqlite:///``) is refused with InvalidInput rather than taken for a file
    path, which would create a folder named after the password."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        if is_server_address(value):
            return value.strip()
        if has_scheme(value):
            from desktop_app.core.errors import InvalidInput

            raise InvalidInput(_unsupported(value))
    return Path(value)
