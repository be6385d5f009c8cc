"""What a new database starts with: the default codebook and the sample articles.

A sample article has the same UUID in every new database: a name-based UUID
(version 5) of the SHA-256 of its file, so that an annotation of it exported
from one database finds it in another by its id. Databases made before keep
the random UUIDs their samples got; their annotations are found by the hash
of the text or the title instead (see desktop_app.core.exchange.w3c).
"""

from __future__ import annotations

import logging
import uuid

from desktop_app.core import paths
from desktop_app.core.codebook import DEFAULT_CODEBOOK

log = logging.getLogger(__name__)

_SEED_NAMESPACE = uuid.UUID("2d0c7b8e-5f0a-5e43-9a61-7c3e1b9f4d25")


def seed_uuid(file_sha256: str) -> str:
    """The UUID of the sample article whose file has this SHA-256."""
    return str(uuid.uuid5(_SEED_NAMESPACE, file_sha256.lower()))


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
            doc.original = None  # a sample, not a source anyone read: no "Imported from … on …"
            store.add_document(doc, original_name=path.name, uuid=seed_uuid(doc.sha256))
