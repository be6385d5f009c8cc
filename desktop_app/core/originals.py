"""What is said about a source as it was read: the line that tells where and
when it was read, and the file name its bytes are saved under by default."""

from __future__ import annotations

import mimetypes
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from desktop_app.core.rows import SourceRow

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')  # what some file system refuses in a name
_EXTENSIONS = {"text/html": ".html", "application/pdf": ".pdf", "text/plain": ".txt", "text/markdown": ".md",
               "application/epub+zip": ".epub", "application/vnd.oasis.opendocument.text": ".odt",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


def local_time(when: datetime) -> str:
    """A UTC time as a reader says it, in this computer's zone: "6 Dec 2026 14:02"."""
    local = when.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


def provenance(source: SourceRow) -> str:
    """"Retrieved 6 Dec 2026 14:02 from <address>" for a page read from an
    address, "Imported from <file name> on 6 Dec 2026 14:02" for a file."""
    when = local_time(source.retrieved_at)
    if source.address:
        return f"Retrieved {when} from {source.address}"
    if source.file_name:
        return f"Imported from {source.file_name} on {when}"
    return f"Read on {when}"


def suggested_name(source: SourceRow, title: str = "") -> str:
    """A file name for the bytes: the name it was imported from, else the last
    part of its address, else the document's title; with an extension that
    fits its media type when the name has none."""
    name = source.file_name.replace("\\", "/").rsplit("/", 1)[-1]
    named = bool(name)  # the name it had: kept as it is
    if not name and source.address:
        parts = urlsplit(source.address)
        name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.hostname or ""
    if not name:
        name = title
    name = _UNSAFE.sub("_", name).strip(" ._")[:120] or "original"
    media = source.media_type.split(";", 1)[0].strip().lower()
    extension = _EXTENSIONS.get(media) or (mimetypes.guess_extension(media) if media else None) or ""
    if extension and not named and mimetypes.guess_type(name)[0] != media and not name.lower().endswith(extension):
        name += extension
    return name
