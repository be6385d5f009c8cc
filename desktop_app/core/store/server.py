"""Team databases on a PostgreSQL server: addresses, connections, errors.

What differs from a database file is kept here; the store's queries are the
same on both. A writer takes one advisory lock for its transaction, so that
writes to a team database follow each other as they do in an SQLite file,
and every check the store makes before writing (a claim's version, a tag's
name) sees what was committed just before.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from desktop_app.core.addresses import SCHEMES, display_address, is_server_address, parse_address  # noqa: F401 (their home)
from desktop_app.core.errors import DatabaseBusy, DatabaseUnreachable, DatabaseUnusable, MarginaliaError
from desktop_app.core.store.database import known_revision

log = logging.getLogger(__name__)

WRITE_LOCK_KEY = 0x4D52474E  # "MRGN", the same number as the SQLite files' application id
CONNECT_TIMEOUT_S = 5
LOST_AFTER_S = 15  # unacknowledged data for this long: the connection is lost
OUR_TABLES = {"documents", "tags", "claims", "claim_tags", "alembic_version"}


def make_engine(url: sa.URL, busy_timeout_s: float) -> sa.Engine:
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,  # a connection the server dropped is replaced, not handed out
        pool_size=2,
        max_overflow=8,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "Marginalia",
            # a network that goes away without a word (a laptop leaving the
            # office's wifi) is noticed in seconds, not after the system's
            # TCP retries, which take many minutes
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 3,
            "keepalives_count": 3,
            "tcp_user_timeout": LOST_AFTER_S * 1000,
        },
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every PostgreSQL test
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(busy_timeout_s * 1000)}")
            cur.execute("SET TIME ZONE 'UTC'")
        dbapi_conn.autocommit = autocommit

    return engine


def take_write_lock(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def schema_revision(conn: sa.Connection, where: str) -> str | None:
    """The schema revision of a team database, None if it is empty (new).

    Raises DatabaseUnusable for a database of another program or of a newer
    Marginalia; nothing is written."""
    names = set(sa.inspect(conn).get_table_names())
    if not names:
        return None
    if "alembic_version" not in names or not names & (OUR_TABLES - {"alembic_version"}):
        raise DatabaseUnusable(
            f"{where} holds tables of another program, not a Marginalia database; it was left as it is."
        )
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    return known_revision(rows, where, "It was left as it is.")


def allocate_ids(conn: sa.Connection, table: str, count: int) -> list[int]:
    """``count`` new ids for ``table`` from its sequence, so that rows inserted
    with explicit ids never collide with the ones the server numbers."""
    rows = conn.execute(
        sa.text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": table, "n": count},
    ).scalars()
    return sorted(rows)


def reset_sequences(conn: sa.Connection, tables: list[str]) -> None:
    """After rows were copied in with their ids, number new rows after them."""
    for table in tables:
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            ),
            {"t": table},
        )


def translate(exc: BaseException, where: str) -> MarginaliaError | None:
    """One sentence for an error the server or the connection raised; None
    for an error of the program itself (a wrong statement), which is raised as
    it is."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate in ("55P03", "57014") or "lock timeout" in text.lower():
        return DatabaseBusy(
            f"{where} is busy: another annotator is writing to it. Nothing was changed; try again in a moment."
        )
    if sqlstate in ("40001", "40P01"):
        return DatabaseBusy(f"{where} had a conflicting change at the same moment. Nothing was changed; try again.")
    if sqlstate == "3D000":
        return DatabaseUnreachable(f"{where} does not exist on that server: {text}.")
    if sqlstate.startswith("28"):
        return DatabaseUnreachable(f"{where} refused the login: {text}.")
    login = ("authentication failed", "no password supplied", "role \"")
    if not sqlstate and any(word in text for word in login):
        return DatabaseUnreachable(f"{where} refused the login: {text.rsplit('FATAL:', 1)[-1].strip()}.")
    lost = getattr(exc, "connection_invalidated", False) or sqlstate.startswith(("08", "57P"))
    if lost or (not sqlstate and type(orig).__name__ in ("OperationalError", "InterfaceError")):
        text = text.removeprefix("connection failed: ")
        return DatabaseUnreachable(f"{where} cannot be reached: {text}.")
    if sqlstate.startswith(("53", "54", "58", "XX")):  # out of resources, system or internal error
        log.error("database error on %s", where, exc_info=exc)
        return DatabaseUnusable(f"{where} could not be used: {text}.")
    return None
