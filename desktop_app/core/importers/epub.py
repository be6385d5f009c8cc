"""E-books (.epub): the chapters in reading order, each read by the HTML importer.

The package is a zip file: ``META-INF/container.xml`` names the package
document (OPF), whose spine lists the chapters in reading order and whose
Dublin Core metadata gives the title, authors, publisher and date. Both are
parsed with lxml after the archive is checked (sizes, zip bombs, encryption)
and refused if they declare XML entities. Chapters left out of the linear
reading order (``linear="no"``) are skipped.

Call only through the isolated reader (``desktop_app.core.importers.isolated``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

from desktop_app.core.document import Metadata, StructuredDocument
from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import html as html_importer
from desktop_app.core.importers._common import Draft, refused
from desktop_app.core.importers._packaged import build_document
from desktop_app.core.importers.archive import (
    DEFAULT_MAX_BYTES,
    open_archive,
    read_member,
    xml_entities_declared,
)
from desktop_app.core.importers.decoding import decode_bytes

MEDIA_TYPE = "application/epub+zip"
WHAT = "e-book"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CHAPTER_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml", "application/x-dtbook+xml"}
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]{1,40})["']""")


def parse_epub(
    data: bytes,
    *,
    name: str,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StructuredDocument:
    """The structured document of an .epub file; ImportRefused naming the file otherwise."""
    archive = open_archive(data, name, what=WHAT, max_bytes=max_bytes)
    with archive:
        container = _xml(read_member(archive, "META-INF/container.xml", name, what=WHAT), name, "META-INF/container.xml")
        rootfile = next(
            (
                el.get("full-path")
                for el in container.iter(_CONTAINER + "rootfile")
                if el.get("full-path") and (el.get("media-type") or "application/oebps-package+xml") == "application/oebps-package+xml"
            ),
            None,
        )
        if not rootfile:
            raise refused(name, f"the {WHAT} is incomplete: its container names no package document.")
        opf_path = _member_path("", rootfile)
        opf = _xml(read_member(archive, opf_path, name, what=WHAT), name, opf_path)
        base = posixpath.dirname(opf_path)
        manifest = {}
        for item in opf.iter(_OPF + "item"):
            if item.get("id") and item.get("href"):
                manifest[item.get("id")] = (_member_path(base, item.get("href")), (item.get("media-type") or "").lower())
        chapters = []
        for ref in opf.iter(_OPF + "itemref"):
            if (ref.get("linear") or "yes").lower() == "no":
                continue
            idref = ref.get("idref") or ""
            if idref not in manifest:
                raise refused(name, f"the {WHAT} is damaged: its reading order names “{idref[:60]}”, which it does not contain.")
            path, media_type = manifest[idref]
            if media_type and media_type not in _CHAPTER_TYPES:
                continue
            chapters.append(path)
        if not chapters:
            raise refused(name, f"the {WHAT} has no chapters in its reading order.")
        metadata = _metadata(opf)
        drafts: list[Draft] = []
        total = len(chapters)
        for i, path in enumerate(chapters):
            raw = read_member(archive, path, name, what=WHAT)
            if xml_entities_declared(raw):
                raise refused(name, f"the {WHAT} was refused: {path} declares XML entities, which could make it expand without end.")
            m = _XML_ENCODING.match(raw[:200])
            try:
                text, _encoding = decode_bytes(raw, name, declared=m.group(1).decode("ascii") if m else "utf-8")
            except ImportRefused as exc:  # this chapter is binary
                raise refused(name, f"the {WHAT} is damaged: {path} is not text.") from exc
            try:
                found, _meta = html_importer.parse_html(text)
            except (AssertionError, RecursionError):
                raise refused(name, f"the {WHAT} is damaged: {path} could not be read.") from None
            drafts.extend(found)
            if progress is not None:
                progress(i + 1, total)
    return build_document(drafts, data=data, name=name, fmt="epub", media_type=MEDIA_TYPE, metadata=metadata)


def _member_path(base: str, href: str) -> str:
    href = unquote(href.split("#", 1)[0])
    return posixpath.normpath(posixpath.join(base, href)).lstrip("/") if base else posixpath.normpath(href).lstrip("/")


def _xml(raw: bytes, name: str, member: str):
    from lxml import etree

    if xml_entities_declared(raw):
        raise refused(name, f"the {WHAT} was refused: {member} declares XML entities, which could make it expand without end.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        return etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise refused(name, f"the {WHAT} is damaged: {member} is not well-formed XML.") from None


def _metadata(opf) -> Metadata:
    def texts(tag: str) -> list[str]:
        return [" ".join("".join(el.itertext()).split()) for el in opf.iter(_DC + tag)]

    titles = [t for t in texts("title") if t]
    creators = [t for t in texts("creator") if t]
    dates = [t for t in texts("date") if t]
    publishers = [t for t in texts("publisher") if t]
    return Metadata(
        title=titles[0] if titles else "",
        author=", ".join(dict.fromkeys(creators)),
        outlet=publishers[0] if publishers else "",
        published=dates[0] if dates else "",
    )
