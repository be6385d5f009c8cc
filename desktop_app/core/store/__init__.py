"""The store: every read and write of a project's database, and nothing else
touches SQL. ``Store`` is the one entry; its parts live beside it (claims,
documents, links, tags), with the database files, the team server, search,
copying and the migrations."""

from desktop_app.core.store.store import Store

__all__ = ["Store"]
