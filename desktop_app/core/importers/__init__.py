"""Importers: bytes of a Markdown, plain text, HTML or PDF file → StructuredDocument.

Every result carries the SHA-256 of the original bytes, the format, the
encoding used, metadata (the title falls back to the first heading, then to
the file name) and passes ``StructuredDocument.check()``. Every refusal is an
``ImportRefused`` whose message is one sentence naming the file; no other
exception escapes for any input bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat

from desktop_app.core.document import Metadata, StructuredDocument
from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import html as html_importer
from desktop_app.core.importers import markdown as markdown_importer
from desktop_app.core.importers import text as text_importer
from desktop_app.core.importers._common import assemble, display_name, refused, title_from_name
from desktop_app.core.importers.decoding import decode_bytes

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ImportRefused",
    "detect_format",
    "import_bytes",
    "import_file",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
FORMATS = {"markdown", "text", "html", "pdf"}

_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
_HTML_START = re.compile(
    rb"(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE | re.DOTALL
)
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>\s*", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_NO_TEXT = "the file has no text to annotate."


def detect_format(name: str, data: bytes) -> str:
    """The format for a file: by extension, else HTML if it starts like HTML, else text."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    dot = base.rfind(".")
    if dot > 0 or (dot == 0 and base.count(".") > 1):
        fmt = _EXTENSIONS.get(base[dot:])
        if fmt:
            return fmt
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return "html" if _looks_like_html(data) else "text"


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:  # pragma: no cover - "ignore" does not raise
            return False
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip()
    m = _XML_DECLARATION.match(head)
    if m:
        head = head[m.end() :]
    return _HTML_START.match(head) is not None


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes" if n != 1 else "1 byte"
    if n < 1024 * 1024:
        value, unit = n / 1024, "KB"
    else:
        value, unit = n / (1024 * 1024), "MB"
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text} {unit}"


def _too_big(name: str, size: int, max_bytes: int) -> ImportRefused:
    shown = _size(size)
    if shown == _size(max_bytes):  # just over the limit: show the exact sizes
        shown, limit = f"{size:,} bytes", f"{max_bytes:,}-byte"
    else:
        limit = _size(max_bytes)
    return refused(name, f"the file is {shown}, over the {limit} import limit.")


def import_bytes(
    data: bytes,
    *,
    name: str,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    password: str | None = None,
    progress=None,
) -> StructuredDocument:
    """Import the bytes of a file called ``name`` (used for messages and the fallback title).

    ``password`` opens an encrypted PDF; ``progress(pages_done, page_count)``
    is called as a PDF's pages are read."""
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    if fmt is None:
        fmt = detect_format(name, data)
    elif fmt not in FORMATS:
        raise refused(name, f"“{fmt}” is not a format that can be imported (Markdown, plain text, HTML or PDF).")
    if fmt == "pdf":
        from desktop_app.core.importers.pdf import parse_pdf

        return parse_pdf(data, name=name, password=password, progress=progress)
    if not data.strip():
        raise refused(name, _NO_TEXT)
    declared = None
    if fmt == "html":
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
    decoded, encoding = decode_bytes(data, name, declared=declared)

    metadata = Metadata()
    first_heading = ""
    if fmt == "text":
        text, blocks = text_importer.convert(decoded)
        spans = []
    else:
        if fmt == "markdown":
            drafts, metadata = markdown_importer.convert(decoded, name)
        else:
            try:
                drafts, found = html_importer.parse_html(decoded)
            except (AssertionError, RecursionError):  # the standard parser gave up on malformed markup
                raise refused(name, "the HTML could not be read.") from None
            metadata = Metadata(
                title=found.title,
                author=found.author,
                outlet=found.outlet,
                source_url=found.source_url,
                published=found.published,
            )
        text, blocks, spans = assemble(drafts)
        first_heading = next((d.text for d in drafts if d.kind == "heading" and d.text), "")
    if not text.strip():
        raise refused(name, _NO_TEXT)
    if not metadata.title:
        metadata.title = first_heading or title_from_name(name)
    doc = StructuredDocument(
        text=text,
        blocks=blocks,
        spans=spans,
        metadata=metadata,
        source_format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return doc


def import_file(
    path: str | os.PathLike,
    *,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    password: str | None = None,
    progress=None,
) -> StructuredDocument:
    """Import a file from disk. Its size is checked before anything is read."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = display_name(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise refused(name, "the file does not exist.") from None
    except PermissionError:
        raise refused(name, "the file cannot be read (permission denied).") from None
    except (OSError, ValueError) as exc:
        raise refused(name, f"the file cannot be read ({_reason(exc)}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise refused(name, "this is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise refused(name, "this is not a regular file.")
    if info.st_size > max_bytes:
        raise _too_big(name, info.st_size, max_bytes)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise refused(name, "the file cannot be read (permission denied).") from None
    except OSError as exc:
        raise refused(name, f"the file cannot be read ({_reason(exc)}).") from None
    if len(data) > max_bytes:  # grew after it was measured
        raise _too_big(name, len(data), max_bytes)
    return import_bytes(data, name=name, fmt=fmt, max_bytes=max_bytes, password=password, progress=progress)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]
