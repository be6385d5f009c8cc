"""What a new database starts with: the default codebook and the sample articles."""

from __future__ import annotations

import logging

from desktop_app.core import paths
from desktop_app.core.codebook import DEFAULT_CODEBOOK

log = logging.getLogger(__name__)


def seed_new_database(store, *, documents: bool = True, codebook: bool = True) -> None:
    with store.transaction():
        for name, color, key, description in DEFAULT_CODEBOOK if codebook else ():
            store.add_tag(name, color=color, key=key, description=description)
        seeds = sorted(paths.seeds_dir().glob("*.md")) if documents else []
        if documents and not seeds:
            log.warning("no sample articles found in %s", paths.seeds_dir())
        if seeds:
            from desktop_app.core.errors import ImportRefused
            from desktop_app.core.importers import import_file
        for path in seeds:
            try:
                doc = import_file(path)
            except ImportRefused as exc:  # a damaged sample must not stop every new database
                log.warning("sample article skipped: %s", exc)
                continue
            store.add_document(doc, original_name=path.name)
