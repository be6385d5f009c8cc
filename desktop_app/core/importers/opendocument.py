"""OpenDocument text (.odt) through odfpy (used under its Apache 2.0 licence).

Kept: headings, paragraphs, lists (nesting, numbered or not, numbers),
quotes (the Quotations style), bold, italic and struck-through text,
hyperlinks with safe targets, tables as one block per row with the cells
separated by " | ", line breaks as new blocks, footnotes and endnotes as a
numbered list at the end (their marks as ``[n]``), and the comments
(annotations), offered as claims on the text they cover. Left out: frames,
images, tables of contents and other generated indexes, tracked deletions.

odfpy parses XML with defusedxml, which refuses entity declarations.
Call only through the isolated reader (``desktop_app.core.importers.isolated``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from desktop_app.core.document import Metadata, StructuredDocument
from desktop_app.core.importers._common import (
    Builder,
    clean,
    clean_inline,
    refused,
    safe_href,
)
from desktop_app.core.importers._packaged import (
    MARK,
    FoundComment,
    ListNumbers,
    add_notes,
    as_int,
    build_document,
    iso_date,
    list_item,
    read_blocks,
    short_reason,
)
from desktop_app.core.importers.archive import (
    DEFAULT_MAX_BYTES,
    open_archive,
    read_member,
    refuse_xml_entities,
)

MEDIA_TYPE = "application/vnd.oasis.opendocument.text"
WHAT = "OpenDocument file"

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_DC = "http://purl.org/dc/elements/1.1/"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_HEADING_NAME = re.compile(r"^heading[ _]*(?:_20_)?([1-9])$", re.IGNORECASE)
_SKIPPED = {
    (_TEXT, t)
    for t in (
        "tracked-changes", "table-of-content", "alphabetical-index", "illustration-index", "table-index",
        "object-index", "user-index", "bibliography", "sequence-decls", "variable-decls", "user-field-decls",
        "soft-page-break", "bookmark", "bookmark-start", "bookmark-end", "note-citation",
    )
} | {(_OFFICE, "forms")}


def parse_odt(
    data: bytes,
    *,
    name: str,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StructuredDocument:
    """The structured document of an .odt file; ImportRefused naming the file otherwise."""
    archive = open_archive(data, name, what=WHAT, max_bytes=max_bytes)
    refuse_xml_entities(archive, name, what=WHAT)
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = read_member(archive, "mimetype", name, what=WHAT).decode("ascii", "replace").strip()
        if not mimetype.startswith(MEDIA_TYPE):
            archive.close()
            raise refused(name, "this OpenDocument file is not a text document (.odt).")
    if "content.xml" not in names or "META-INF/manifest.xml" not in names:
        archive.close()
        raise refused(name, f"the {WHAT} is incomplete (content.xml or its manifest is missing).")
    archive.close()

    from defusedxml import DefusedXmlException
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except DefusedXmlException:
        raise refused(name, f"the {WHAT} was refused: it declares XML entities, which could make it expand without end.") from None
    except (KeyError, IndexError, AttributeError, TypeError, ValueError, LookupError, SyntaxError, AssertionError,
            OSError, EOFError) as exc:
        raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None
    except Exception as exc:  # the XML parser's errors (xml.sax), a damaged member (zlib)
        if type(exc).__module__.startswith(("xml.", "zipfile", "zlib")):
            raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None
        raise
    if getattr(document, "text", None) is None:
        raise refused(name, "this OpenDocument file is not a text document (.odt).")
    reader = _Reader(document)
    try:
        reader.read(progress)
        metadata = reader.metadata()
    except (KeyError, IndexError, AttributeError, TypeError, ValueError, LookupError, AssertionError) as exc:
        raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None
    return build_document(
        reader.out.drafts, data=data, name=name, fmt="odt", media_type=MEDIA_TYPE, metadata=metadata,
        comments=reader.found_comments,
    )


def _q(node) -> tuple[str, str] | None:
    return getattr(node, "qname", None)


def _attr(node, ns: str, local: str) -> str:
    try:
        value = node.attributes.get((ns, local))
    except AttributeError:
        return ""
    return value or ""


def _text_of(node) -> str:
    """All the text inside ``node`` (for comment bodies and metadata)."""
    parts = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.nodeType == n.TEXT_NODE:
            parts.append(n.data)
        else:
            q = _q(n)
            if q == (_TEXT, "s"):
                parts.append(" ")
            elif q in ((_TEXT, "tab"), (_TEXT, "line-break")):
                parts.append(" ")
            stack.extend(reversed(n.childNodes))
    return "".join(parts)


class _Reader:
    def __init__(self, document) -> None:
        self.doc = document
        self.out = Builder(collapse_spaces=True)
        self.styles: dict[str, object] = {}
        self.list_styles: dict[str, dict[int, tuple[bool, int]]] = {}
        for container in (document.styles, document.automaticstyles, getattr(document, "masterstyles", None)):
            if container is None:
                continue
            for node in container.childNodes:
                q = _q(node)
                if q == (_STYLE, "style"):
                    self.styles[_attr(node, _STYLE, "name")] = node
                elif q == (_TEXT, "list-style"):
                    self.list_styles[_attr(node, _STYLE, "name")] = self._list_levels(node)
        self.lists: list[dict] = []  # open lists, outermost first: their style, and the key they count under
        self.numbers = ListNumbers()  # per top-level list style
        self.notes: list[tuple[int, list]] = []
        self.found_comments: list[FoundComment] = []
        self.pending_comments: list[FoundComment] = []  # point comments of the block being read
        self.open_comments: dict[str, object] = {}

    @staticmethod
    def _list_levels(node) -> dict[int, tuple[bool, int]]:
        levels = {}
        for child in node.childNodes:
            q = _q(child)
            if q is None:
                continue
            level = as_int(_attr(child, _TEXT, "level"), 1)
            if q == (_TEXT, "list-level-style-number"):
                fmt = _attr(child, "urn:oasis:names:tc:opendocument:xmlns:style:1.0", "num-format")
                levels[level] = (fmt != "", as_int(_attr(child, _TEXT, "start-value"), 1))
            elif q in ((_TEXT, "list-level-style-bullet"), (_TEXT, "list-level-style-image")):
                levels[level] = (False, 1)
        return levels

    # -- styles --------------------------------------------------------
    def _chain(self, style_name: str):
        seen = 0
        while style_name and style_name in self.styles and seen < 20:
            style = self.styles[style_name]
            yield style
            style_name = _attr(style, _STYLE, "parent-style-name")
            seen += 1

    def _span_kinds(self, style_name: str) -> set[str]:
        found: dict[str, bool] = {}
        for style in self._chain(style_name):
            for child in style.childNodes:
                if _q(child) != (_STYLE, "text-properties"):
                    continue
                weight = _attr(child, _FO, "font-weight")
                if weight and "strong" not in found:
                    found["strong"] = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
                italic = _attr(child, _FO, "font-style")
                if italic and "em" not in found:
                    found["em"] = italic in ("italic", "oblique")
                strike = _attr(child, _STYLE, "text-line-through-style")
                if strike and "strike" not in found:
                    found["strike"] = strike != "none"
        return {k for k, v in found.items() if v}

    def _paragraph_kind(self, style_name: str) -> dict | None:
        for style in self._chain(style_name):
            for key in (_attr(style, _STYLE, "display-name"), _attr(style, _STYLE, "name")):
                key = key.strip()
                m = _HEADING_NAME.match(key)
                if m:
                    return {"kind": "heading", "level": min(int(m.group(1)), 6)}
                if key.lower() in ("quotations", "quote"):
                    return {"kind": "quote", "quote_depth": 1}
        return None

    # -- reading -------------------------------------------------------
    def read(self, progress) -> None:
        read_blocks(list(self.doc.text.childNodes), self._block, progress)
        self.out.end()
        add_notes(self.out, self.notes)

    def _block(self, node, context: dict | None = None) -> None:
        q = _q(node)
        if q is None or q in _SKIPPED:
            return
        if q == (_TEXT, "h"):
            level = as_int(_attr(node, _TEXT, "outline-level"), 1)
            self._paragraph(node, {"kind": "heading", "level": min(max(level, 1), 6)})
        elif q == (_TEXT, "p"):
            ctx = context or self._paragraph_kind(_attr(node, _TEXT, "style-name")) or {"kind": "paragraph"}
            self._paragraph(node, ctx)
        elif q == (_TEXT, "list"):
            self._list(node)
        elif q == (_TABLE, "table"):
            self._table(node)
        elif q in ((_TEXT, "section"), (_TEXT, "index-body")):
            for child in node.childNodes:
                self._block(child, context)
        elif q == (_OFFICE, "annotation") or q == (_OFFICE, "annotation-end"):
            self._annotation(node)

    def _paragraph(self, node, ctx: dict) -> None:
        self.out.begin(**ctx)
        self._inline(node, ctx)
        self._end_block()

    def _end_block(self) -> None:
        index = len(self.out.drafts)
        self.out.end()
        if self.pending_comments:
            placed = index if len(self.out.drafts) > index else None
            for c in self.pending_comments:
                c.block = placed
            self.pending_comments = []

    def _list(self, node) -> None:
        style = _attr(node, _TEXT, "style-name") or (self.lists[-1]["style"] if self.lists else "")
        level = len(self.lists) + 1
        ordered, start = self.list_styles.get(style, {}).get(level, (False, 1))
        key = style if level == 1 else self.lists[0]["key"]  # nested lists count within their top list
        continues = _attr(node, _TEXT, "continue-numbering") == "true" or _attr(node, _TEXT, "continue-list")
        if not (level == 1 and continues):  # a list interrupted by a paragraph goes on counting
            self.numbers.restart(key, level)
        self.lists.append({"style": style, "key": key})
        try:
            for item in node.childNodes:
                q = _q(item)
                if q not in ((_TEXT, "list-item"), (_TEXT, "list-header")):
                    continue
                number = None
                if q == (_TEXT, "list-item"):  # a header is not numbered
                    given = as_int(_attr(item, _TEXT, "start-value"), 0) or None  # the file restarts it here
                    number = self.numbers.next(key, level, start, given)
                first = True
                for child in item.childNodes:
                    cq = _q(child)
                    if cq in ((_TEXT, "p"), (_TEXT, "h")):
                        self._paragraph(child, list_item(level, ordered, number if first else None))
                        first = False
                    else:
                        self._block(child)
        finally:
            self.lists.pop()

    def _table(self, node) -> None:
        for row in _rows(node):
            self.out.begin("paragraph")
            self._row(row)
            self._end_block()

    def _row(self, row) -> None:
        first = True
        for cell in row.childNodes:
            if _q(cell) not in ((_TABLE, "table-cell"), (_TABLE, "covered-table-cell")):
                continue
            if not first:
                self.out.add(" | ", collapse=False)
            first = False
            inner_first = True
            for child in cell.childNodes:
                q = _q(child)
                if q in ((_TEXT, "p"), (_TEXT, "h")):
                    if not inner_first:
                        self.out.add(" ", collapse=False)
                    self._inline(child, {"kind": "paragraph"})
                    inner_first = False
                elif q == (_TEXT, "list"):
                    for p in _descendants(child, {(_TEXT, "p"), (_TEXT, "h")}):
                        self.out.add(" ", collapse=False)
                        self._inline(p, {"kind": "paragraph"})
                elif q == (_TABLE, "table"):
                    for inner in _rows(child):
                        self.out.add(" | ", collapse=False)
                        self._row(inner)

    def _inline(self, node, ctx: dict) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                self.out.add(clean_inline(child.data))
                continue
            q = _q(child)
            if q is None or q in _SKIPPED:
                continue
            if q == (_TEXT, "span"):
                spans = [self.out.open_span(k) for k in sorted(self._span_kinds(_attr(child, _TEXT, "style-name")))]
                self._inline(child, ctx)
                for s in reversed(spans):
                    self.out.close_span(s)
            elif q == (_TEXT, "a"):
                href = safe_href(_attr(child, _XLINK, "href"))
                span = self.out.open_span("link", clean_inline(href)) if href else None
                self._inline(child, ctx)
                self.out.close_span(span)
            elif q == (_TEXT, "s"):
                self.out.add(" " * min(max(as_int(_attr(child, _TEXT, "c"), 1), 1), 100), collapse=False)
            elif q == (_TEXT, "tab"):
                self.out.add("\t", collapse=False)
            elif q == (_TEXT, "line-break"):
                self._end_block()
                self.out.begin(**ctx)
            elif q == (_TEXT, "note"):
                number = len(self.notes) + 1
                self.out.add(f"[{number}]", collapse=False)
                body = next((c for c in child.childNodes if _q(c) == (_TEXT, "note-body")), None)
                self.notes.append((number, self._note(body)))
            elif q == (_OFFICE, "annotation") or q == (_OFFICE, "annotation-end"):
                self._annotation(child)
            elif q in ((_TEXT, "meta"), (_TEXT, "ruby"), (_TEXT, "ruby-base"), (_TEXT, "change-start"),
                       (_TEXT, "date"), (_TEXT, "time"), (_TEXT, "page-number"), (_TEXT, "author-name"),
                       (_TEXT, "title"), (_TEXT, "chapter"), (_TEXT, "sequence"), (_TEXT, "reference-ref"),
                       (_TEXT, "bookmark-ref"), (_TEXT, "note-ref"), (_TEXT, "sequence-ref")):
                self._inline(child, ctx)

    def _note(self, body) -> list:
        if body is None:
            return []
        sub = Builder(collapse_spaces=True)
        saved, self.out = self.out, sub
        try:
            for p in _descendants(body, {(_TEXT, "p"), (_TEXT, "h")}):
                sub.begin("paragraph")
                self._inline(p, {"kind": "paragraph"})
                sub.end()
        finally:
            self.out = saved
        return sub.drafts

    def _annotation(self, node) -> None:
        key = _attr(node, _OFFICE, "name") or _attr(node, _DRAW, "name")  # the standard's, and odfpy's
        if _q(node) == (_OFFICE, "annotation-end"):
            self.out.close_span(self.open_comments.pop(key, None))
            return
        author = created = ""
        paragraphs = []
        for child in node.childNodes:
            q = _q(child)
            if q == (_DC, "creator"):
                author = _text_of(child)
            elif q == (_DC, "date"):
                created = _text_of(child)
            elif q in ((_TEXT, "p"), (_TEXT, "h")):
                line = " ".join(clean(_text_of(child)).split())
                if line:
                    paragraphs.append(line)
        ident = key or f"point-{len(self.found_comments)}"
        comment = FoundComment(key=ident, note="\n".join(paragraphs), author=author, created=created.strip())
        if key:
            if key not in self.open_comments:
                self.open_comments[key] = self.out.open_span(MARK, key)
        else:
            self.pending_comments.append(comment)  # placed on its paragraph once that is finished
        self.found_comments.append(comment)

    def metadata(self) -> Metadata:
        found: dict[tuple[str, str], str] = {}
        meta = getattr(self.doc, "meta", None)
        if meta is not None:
            for child in meta.childNodes:
                q = _q(child)
                if q is not None and q not in found:
                    found[q] = " ".join(_text_of(child).split())
        return Metadata(
            title=found.get((_DC, "title"), ""),
            author=found.get((_DC, "creator"), "") or found.get((_META, "initial-creator"), ""),
            published=iso_date(found.get((_META, "creation-date")) or found.get((_DC, "date"))),
        )


def _rows(table):
    """The rows of a table, through header and row groups (not nested tables)."""
    for child in table.childNodes:
        q = _q(child)
        if q == (_TABLE, "table-row"):
            yield child
        elif q in ((_TABLE, "table-header-rows"), (_TABLE, "table-rows"), (_TABLE, "table-row-group")):
            yield from _rows(child)


def _descendants(node, wanted: set):
    for child in node.childNodes:
        q = _q(child)
        if q in wanted:
            yield child
        elif q is not None:
            yield from _descendants(child, wanted)


