"""The store: every read and write of a project's database, and nothing else
touches SQL. ``Store`` is the one entry; its parts live beside it (claims,
documents, links, tags), with the database files, the team server, search,
copying and the migrations.

``Store`` loads SQLAlchemy and SQLModel (a few tenths of a second), so it is
imported when first asked for: the window lists the library with
``desktop_app.core.store.database`` (sqlite3 alone) before the store opens,
and importing that module runs this one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.core.store.store import Store

__all__ = ["Store"]


def __getattr__(name: str):
    if name == "Store":
        from desktop_app.core.store.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
