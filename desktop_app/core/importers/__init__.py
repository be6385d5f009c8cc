"""Importers: bytes of a Markdown, plain text, HTML, Word, OpenDocument, EPUB
(or PDF, when its reader is installed) file, or a web address → StructuredDocument.

An HTML page is imported as its article (main text, structure, metadata;
``source_format`` "web", ``left_out`` says how much of the page was left
out) unless the whole page is asked for (``whole_page=True``, format "html");
when no article is found the whole page is imported and ``notice`` says so.
A PDF's text layer is rebuilt into paragraphs (``importers.pdf``); an
encrypted one needs ``password``. Every document keeps the source as read in
``original``.

Markdown, text and HTML are read here, by the program's own code. Word,
OpenDocument, EPUB and PDF are read by large third-party parsers, so they
are read in a child process with a time and memory limit (``isolated``).

Each format's modules are loaded when a file of that format is read (and
the web client when an address is fetched): the reader child that reads a
PDF loads the PDF reader and nothing of Markdown, HTML or the web.

Every result carries the SHA-256 of the original bytes, the format, the
encoding used, metadata (the title falls back to the first heading, then to
the file name) and passes ``StructuredDocument.check()``. Every refusal is an
``ImportRefused`` whose message is one sentence naming the file; no other
exception escapes for any input bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable

from desktop_app.core.document import Metadata, SourceFile, StructuredDocument
from desktop_app.core.errors import ImportRefused
from desktop_app.core.fetch import is_web_address, utc_now  # light: the web client loads when it fetches
from desktop_app.core.importers._common import (
    assemble,
    display_name,
    refused,
    title_from_name,
)
from desktop_app.core.importers.isolated import (
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIME_LIMIT_S,
    PARSERS,
    available,
    parse_isolated,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ImportRefused",
    "detect_format",
    "import_bytes",
    "import_file",
    "import_source",
    "import_summary",
    "import_url",
    "is_web_address",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TEXT_FORMATS = frozenset({"markdown", "text", "html"})
# Read in a child process (see isolated.PARSERS); PDF only when its reader is installed.
FORMATS = set(TEXT_FORMATS) | {fmt for fmt in PARSERS if available(fmt)}
LABELS = {
    "markdown": "Markdown", "text": "plain text", "html": "HTML", "docx": "Word (.docx)",
    "odt": "OpenDocument text (.odt)", "epub": "EPUB", "pdf": "PDF",
}

log = logging.getLogger(__name__)

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
    ".docx": "docx",
    ".odt": "odt",
    ".epub": "epub",
    ".pdf": "pdf",
}
# Office formats that cannot be read, known by their first bytes: a sentence each.
_UNSUPPORTED = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "this is an old Office file (such as .doc), which cannot be imported; "
     "save it as .docx and import that."),
    (b"{\\rtf", "RTF files cannot be imported; save it as .docx or .odt and import that."),
)
_ZIP_MIMETYPES = {
    b"application/epub+zip": "epub",
    b"application/vnd.oasis.opendocument.text": "odt",
}
_HTML_START = re.compile(
    rb"(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE | re.DOTALL
)
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>\s*", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_NO_TEXT = "the file has no text to annotate."
MEDIA_TYPES = {"markdown": "text/markdown", "text": "text/plain", "html": "text/html", "pdf": "application/pdf"}
NO_ARTICLE = "No article was found on the page, so the whole page was imported."


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    dot = base.rfind(".")
    if dot > 0 or (dot == 0 and base.count(".") > 1):
        return base[dot:]
    return ""


def detect_format(name: str, data: bytes) -> str:
    """The format for a file: by extension, else by its first bytes (a PDF
    header, a zip package of a known kind, HTML), else text."""
    fmt = _EXTENSIONS.get(_extension(name))
    if fmt:
        return fmt
    return _sniff(data) or ("html" if _looks_like_html(data) else "text")


def _sniff(data: bytes) -> str | None:
    """``pdf``, ``docx``, ``odt`` or ``epub`` from the file's first bytes (and a zip's directory)."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    # The first member of an OpenDocument or EPUB package is "mimetype", stored.
    if data[26:28] == b"\x08\x00" and data[30:38] == b"mimetype":
        start = 30 + 8 + int.from_bytes(data[28:30], "little")
        size = int.from_bytes(data[18:22], "little")
        found = _ZIP_MIMETYPES.get(data[start : start + min(size, 100)].strip())
        if found:
            return found
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[:10_000])
    except Exception:  # a damaged package is not sniffed; the text importer refuses it as binary
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    return None


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
    whole_page: bool = False,
    charset: str | None = None,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
) -> StructuredDocument:
    """Import the bytes of a file called ``name`` (used for messages and the fallback title).

    HTML is imported as its article unless ``whole_page``; ``charset`` is the
    encoding declared outside the bytes (an HTTP header), which wins over one
    declared inside them. ``original`` is filled with the bytes, the media
    type, the file name and the time of import. ``password`` opens an
    encrypted PDF.

    Word, OpenDocument, EPUB and PDF files are read in a child process
    (``progress(done, total)`` is called as it works, ``cancelled()`` is
    polled and stops it); the limits apply to that child."""
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    if fmt is None:
        fmt = detect_format(name, data)
        if fmt == "text":
            for magic, sentence in _UNSUPPORTED:
                if data.startswith(magic):
                    raise refused(name, sentence)
    elif fmt not in FORMATS and fmt not in PARSERS:
        raise refused(name, f"“{fmt}” is not a format that can be imported ({_format_list()}).")
    if not data.strip():
        raise refused(name, _NO_TEXT)
    if fmt in PARSERS:
        if not available(fmt):
            raise refused(name, f"{LABELS.get(fmt, fmt)} files cannot be imported by this copy of Marginalia (its reader is not installed).")
        doc = parse_isolated(
            data, name=name, fmt=fmt, password=password, max_bytes=max_bytes, progress=progress,
            cancelled=cancelled, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb,
        )
        if doc.original is not None and not doc.original.retrieved_at:
            doc.original.retrieved_at = utc_now()
        return doc
    from desktop_app.core.importers.decoding import decode_bytes

    declared = charset
    if fmt == "html" and not declared:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
    decoded, encoding = decode_bytes(data, name, declared=declared)

    metadata = Metadata()
    first_heading = ""
    article = None
    notice = ""
    if fmt == "html" and not whole_page:
        article = _article(decoded, name)
        if article is None:
            notice = NO_ARTICLE
    if fmt == "text":
        from desktop_app.core.importers import text as text_importer

        text, blocks = text_importer.convert(decoded)
        spans = []
    else:
        if fmt == "markdown":
            from desktop_app.core.importers import markdown as markdown_importer

            drafts, metadata = markdown_importer.convert(decoded, name)
        elif article is not None:
            drafts, metadata = article.drafts, article.metadata
        else:
            from desktop_app.core.importers import html as html_importer

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
        source_format="web" if article is not None else fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        original=SourceFile(data, MEDIA_TYPES[fmt], display_name(name) if name else "", "", utc_now()),
        left_out=article.left_out if article is not None else 0.0,
        notice=notice,
    )
    return doc


def _format_list() -> str:
    names = [LABELS[f] for f in ("markdown", "text", "html", "docx", "odt", "epub", "pdf") if f in FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _article(decoded: str, name: str):
    """The page's article, or None (no article, or the extractor failed: logged)."""
    from desktop_app.core.importers import web

    try:
        return web.extract_article(decoded)
    except RecursionError:
        log.warning("%s: the page is nested too deeply for the article extractor", name)
    except Exception:  # an extractor bug on odd markup must not lose the import: the whole page is read instead
        log.exception("%s: the article extractor failed", name)
    return None


def import_url(
    address: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    whole_page: bool = False,
    cancelled=None,
    progress=None,
    **fetch_options,
) -> StructuredDocument:
    """Fetch a web page and import it (its article unless ``whole_page``).

    ``original`` holds the bytes as received, the media type the server gave,
    the final address after redirects and the time of retrieval; the document's
    address falls back to that final address when the page names none."""
    from desktop_app.core.fetch import check_address, fetch

    address = check_address(address)
    got = fetch(address, max_bytes=max_bytes, cancelled=cancelled, progress=progress, **fetch_options)
    name = _name_for(got.address)
    doc = import_bytes(got.data, name=name, fmt="html", max_bytes=max_bytes, whole_page=whole_page,
                       charset=got.charset)
    doc.original = SourceFile(got.data, got.media_type, "", got.address, got.retrieved_at)
    if not doc.metadata.source_url:
        doc.metadata.source_url = got.address
    return doc


def import_source(
    source: str | os.PathLike, *, fmt: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    whole_page: bool = False, cancelled=None, progress=None, password: str | None = None, **options,
) -> StructuredDocument:
    """A web address is fetched, anything else is read as a file (an address
    of another kind, such as ftp://, is refused with a sentence). ``options``
    (the reader's limits, a password) apply to files."""
    if isinstance(source, str) and (is_web_address(source) or _ADDRESS.match(source.strip())):
        return import_url(source, max_bytes=max_bytes, whole_page=whole_page, cancelled=cancelled,
                          progress=progress)
    return import_file(source, fmt=fmt, max_bytes=max_bytes, whole_page=whole_page, cancelled=cancelled,
                       progress=progress, password=password, **options)


def _name_for(address: str) -> str:
    """A name for messages and the fallback title: the last part of the path, else the host."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(address)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return unquote(last) or parts.hostname or address


def import_summary(doc: StructuredDocument) -> str:
    """What the import kept, in one or two sentences ("" when there is nothing to say)."""
    if doc.source_format == "web":
        words = len(doc.text.split())
        kept = f"Kept the article: {words:,} word{'s' if words != 1 else ''}"
        if doc.left_out >= 0.005:
            return f"{kept}; left out {doc.left_out:.0%} of the page (navigation, footers…)."
        return kept + "."
    return doc.notice


def import_file(
    path: str | os.PathLike,
    *,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    whole_page: bool = False,
    **options,
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
    return import_bytes(data, name=name, fmt=fmt, max_bytes=max_bytes, whole_page=whole_page, **options)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]
