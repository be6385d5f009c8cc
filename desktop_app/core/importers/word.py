"""Word documents (.docx) through python-docx.

Kept: headings (by style or outline level), paragraphs, list items with
their nesting and numbers, quotes (Quote styles), bold, italic and
struck-through text, hyperlinks with safe targets, tables as one block per
row with the cells separated by " | ", line breaks as new blocks, footnotes
and endnotes as a numbered list at the end (their marks as ``[n]`` in the
text), and the comments, offered as claims on the text they cover.
Left out: images, text boxes, field codes, deleted tracked changes, hidden text.

Call only through the isolated reader (``desktop_app.core.importers.isolated``):
python-docx and lxml read untrusted bytes here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from desktop_app.core.document import Metadata, StructuredDocument
from desktop_app.core.importers._common import Builder, clean_inline, refused, safe_href
from desktop_app.core.importers._packaged import (
    MARK,
    FoundComment,
    ListNumbers,
    add_notes,
    as_int,
    build_document,
    iso_date,
    iso_time,
    list_item,
    read_blocks,
    short_reason,
)
from desktop_app.core.importers.archive import (
    DEFAULT_MAX_BYTES,
    open_archive,
    refuse_xml_entities,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WHAT = "Word document"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_LIST_NAME = re.compile(r"^list\s*(?:bullet|number)\s*([2-9])$", re.IGNORECASE)  # Word's "List Bullet 2" …
_FALSE = {"0", "false", "off", "none"}
# Elements whose children are read as if they stood in their place.
_TRANSPARENT = {_W + t for t in ("ins", "moveTo", "smartTag", "customXml", "fldSimple", "bdo", "dir", "sdtContent")}
_SKIPPED = {_W + t for t in ("del", "moveFrom", "pPr", "rPr", "proofErr", "bookmarkStart", "bookmarkEnd")}


def parse_docx(
    data: bytes,
    *,
    name: str,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StructuredDocument:
    """The structured document of a .docx file; ImportRefused naming the file otherwise."""
    archive = open_archive(data, name, what=WHAT, max_bytes=max_bytes)
    refuse_xml_entities(archive, name, what=WHAT)
    archive.close()

    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise refused(name, "this is not a Word document (.docx): the package has no main document.") from None
    except ValueError as exc:  # python-docx: "file ... is not a Word file, content type is ..."
        if "content type" in str(exc):
            raise refused(name, "this is not a Word document (.docx), though it is packaged like one.") from None
        raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None
    except (KeyError, IndexError, AttributeError, TypeError, SyntaxError, LookupError) as exc:
        # lxml.etree.XMLSyntaxError is a SyntaxError
        raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None

    reader = _Reader(document, RT)
    try:
        reader.read(progress)
        props = document.core_properties
        metadata = Metadata(title=props.title or "", author=props.author or "", published=iso_date(props.created))
        comments = reader.comments()
    except (KeyError, IndexError, AttributeError, TypeError, ValueError, SyntaxError, LookupError) as exc:
        raise refused(name, f"the {WHAT} is damaged ({short_reason(exc)}).") from None
    return build_document(
        reader.out.drafts, data=data, name=name, fmt="docx", media_type=MEDIA_TYPE, metadata=metadata,
        comments=comments,
    )


def _on(el) -> bool:
    """A toggle property (w:b, w:i, …) that is present and not switched off."""
    return el is not None and (el.get(_W + "val") or "true").lower() not in _FALSE


class _Reader:
    def __init__(self, document, rt) -> None:
        self.doc = document
        self.rt = rt
        self.out = Builder()
        self.styles = {s.get(_W + "styleId"): s for s in document.styles.element.iter(_W + "style")}
        self.numbering = self._read_numbering()
        self.numbers = ListNumbers()  # per numbering (numId)
        self.notes: list[tuple[int, list]] = []
        self.note_parts = {}
        self.open_comments: dict[str, object] = {}
        self.comment_blocks: dict[str, int] = {}
        self.pending_comments: list[str] = []
        self.active: dict[str, object] = {}

    # -- package parts -------------------------------------------------
    def _related(self, reltype):
        for rel in self.doc.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return rel.target_part
        return None

    def _part_xml(self, reltype):
        from docx.oxml.parser import parse_xml

        part = self._related(reltype)
        if part is None:
            return None
        element = getattr(part, "element", None)
        return element if element is not None else parse_xml(part.blob)

    def _read_numbering(self) -> dict[str, dict[int, tuple[bool, int]]]:
        """numId → level → (ordered, start)."""
        root = self._part_xml(self.rt.NUMBERING)
        if root is None:
            return {}
        abstract: dict[str, dict[int, tuple[bool, int]]] = {}
        for a in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in a.iter(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                start = lvl.find(_W + "start")
                kind = (fmt.get(_W + "val") if fmt is not None else "decimal") or "decimal"
                levels[as_int(lvl.get(_W + "ilvl"))] = (kind not in ("bullet", "none"), as_int(start.get(_W + "val"), 1) if start is not None else 1)
            abstract[a.get(_W + "abstractNumId")] = levels
        out = {}
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                out[num.get(_W + "numId")] = abstract.get(ref.get(_W + "val"), {})
        return out

    # -- styles --------------------------------------------------------
    def _chain(self, style_id: str | None):
        seen = 0
        while style_id and style_id in self.styles and seen < 20:
            style = self.styles[style_id]
            yield style
            based = style.find(_W + "basedOn")
            style_id = based.get(_W + "val") if based is not None else None
            seen += 1

    def _paragraph_context(self, p) -> dict:
        ppr = p.find(_W + "pPr")
        style_id = None
        num = None
        outline = None
        if ppr is not None:
            ps = ppr.find(_W + "pStyle")
            style_id = ps.get(_W + "val") if ps is not None else None
            num = ppr.find(_W + "numPr")
            ol = ppr.find(_W + "outlineLvl")
            outline = as_int(ol.get(_W + "val"), 9) if ol is not None else None
        heading = 0
        quote = False
        style_depth = 0
        for style in self._chain(style_id):
            sname = style.find(_W + "name")
            sname = (sname.get(_W + "val") if sname is not None else "") or ""
            m = _LIST_NAME.match(sname.strip())
            if m and not style_depth:
                style_depth = int(m.group(1)) - 1
            m = _HEADING_NAME.match(sname.strip())
            if m and not heading:
                heading = int(m.group(1))
            elif sname.strip().lower() == "title" and not heading:
                heading = 1
            elif sname.strip().lower() in ("quote", "intense quote"):
                quote = True
            sppr = style.find(_W + "pPr")
            if sppr is not None:
                if num is None:
                    num = sppr.find(_W + "numPr")
                if outline is None:
                    ol = sppr.find(_W + "outlineLvl")
                    outline = as_int(ol.get(_W + "val"), 9) if ol is not None else None
        if not heading and outline is not None and 0 <= outline < 9:
            heading = outline + 1
        if heading:
            return {"kind": "heading", "level": min(heading, 6)}
        if num is not None:
            ilvl_el = num.find(_W + "ilvl")
            num_el = num.find(_W + "numId")
            num_id = num_el.get(_W + "val") if num_el is not None else None
            ilvl = min(max(as_int(ilvl_el.get(_W + "val")) if ilvl_el is not None else style_depth, 0), 8)
            if num_id and num_id != "0":
                ordered, start = self.numbering.get(num_id, {}).get(ilvl, (False, 1))
                return list_item(ilvl + 1, ordered, self.numbers.next(num_id, ilvl, start))
        if quote:
            return {"kind": "quote", "quote_depth": 1}
        return {"kind": "paragraph"}

    def _run_format(self, r) -> set[str]:
        found: dict[str, bool] = {}
        rpr = r.find(_W + "rPr")
        sources = []
        if rpr is not None:
            sources.append(rpr)
            rs = rpr.find(_W + "rStyle")
            if rs is not None:
                for style in self._chain(rs.get(_W + "val")):
                    srpr = style.find(_W + "rPr")
                    if srpr is not None:
                        sources.append(srpr)
        for source in sources:
            for tags, kind in (((_W + "b",), "strong"), ((_W + "i",), "em"), ((_W + "strike", _W + "dstrike"), "strike"),
                               ((_W + "vanish", _W + "specVanish"), "hidden")):
                if kind in found:
                    continue
                for tag in tags:
                    el = source.find(tag)
                    if el is not None:
                        found[kind] = _on(el)
                        break
        return {k for k, v in found.items() if v}

    def _set_format(self, wanted: set[str]) -> None:
        for kind in list(self.active):
            if kind not in wanted:
                self.out.close_span(self.active.pop(kind))
        for kind in ("strong", "em", "strike"):
            if kind in wanted and kind not in self.active:
                self.active[kind] = self.out.open_span(kind)

    # -- reading -------------------------------------------------------
    def read(self, progress) -> None:
        read_blocks(list(self.doc.element.body), self._block, progress)
        self.out.end()
        self._read_notes()

    def _block(self, el) -> None:
        tag = el.tag
        if tag == _W + "p":
            self._paragraph(el)
        elif tag == _W + "tbl":
            self._table(el)
        elif tag == _W + "sdt":
            content = el.find(_W + "sdtContent")
            if content is not None:
                for child in content:
                    self._block(child)
        elif tag == _W + "customXml":
            for child in el:
                self._block(child)
        elif tag == _W + "commentRangeStart" or tag == _W + "commentRangeEnd":
            self._comment_mark(el)

    def _paragraph(self, p) -> None:
        self.out.begin(**self._paragraph_context(p))
        self._inline(p)
        self._set_format(set())
        self._end_block()

    def _end_block(self) -> None:
        index = len(self.out.drafts)
        self.out.end()
        if self.pending_comments:
            # comments anchored in this block (used if they cover no text)
            placed = index if len(self.out.drafts) > index else (index - 1 if index else -2)
            for key in self.pending_comments:
                self.comment_blocks[key] = placed
            self.pending_comments = []

    def _table(self, tbl) -> None:
        for tr in tbl.iter(_W + "tr"):
            if _nearest_table(tr) is not tbl:
                continue
            self.out.begin("paragraph")
            self._row(tr)
            self._set_format(set())
            self._end_block()

    def _row(self, tr) -> None:
        first = True
        for tc in tr:
            if tc.tag == _W + "sdt":
                cells = [c for c in tc.iter(_W + "tc")]
            elif tc.tag == _W + "tc":
                cells = [tc]
            else:
                continue
            for cell in cells:
                if not first:
                    self._set_format(set())
                    self.out.add(" | ")
                first = False
                self._cell(cell)

    def _cell(self, tc) -> None:
        first = True
        for child in tc:
            if child.tag == _W + "p":
                if not first:
                    self._set_format(set())
                    self.out.add(" ")
                self._inline(child)
                first = False
            elif child.tag == _W + "tbl":  # a table in a cell: its rows continue the cell
                for tr in child.iter(_W + "tr"):
                    if _nearest_table(tr) is child:
                        self.out.add(" | ")
                        self._row(tr)

    def _inline(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == _W + "r":
                self._run(child)
            elif tag == _W + "hyperlink":
                href = ""
                rid = child.get(_R + "id")
                if rid:
                    rel = self.doc.part.rels.get(rid)
                    if rel is not None and rel.is_external:
                        href = rel.target_ref
                anchor = child.get(_W + "anchor")
                if anchor:
                    href = (href or "") + "#" + anchor
                href = safe_href(href)
                span = self.out.open_span("link", clean_inline(href)) if href else None
                self._inline(child)
                self.out.close_span(span)
            elif tag == _W + "commentRangeStart" or tag == _W + "commentRangeEnd":
                self._comment_mark(child)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self._inline(content)
            elif tag in _TRANSPARENT:
                self._inline(child)
            elif tag == _MC + "AlternateContent":
                fallback = child.find(_MC + "Fallback")
                if fallback is not None:
                    self._inline(fallback)

    def _comment_mark(self, el) -> None:
        key = el.get(_W + "id")
        if key is None:
            return
        if el.tag == _W + "commentRangeStart":
            if key not in self.open_comments:
                self.open_comments[key] = self.out.open_span(MARK, key)
        else:
            self.out.close_span(self.open_comments.pop(key, None))

    def _run(self, r) -> None:
        kinds = self._run_format(r)
        if "hidden" in kinds:  # hidden text: the reader never sees it
            return
        self._set_format(kinds)
        for child in r:
            tag = child.tag
            if tag == _W + "t":
                if child.text:
                    self.out.add(clean_inline(child.text))
            elif tag == _W + "tab" or tag == _W + "ptab":
                self.out.add("\t")
            elif tag in (_W + "br", _W + "cr"):
                if (child.get(_W + "type") or "textWrapping") == "textWrapping":
                    self._break()
            elif tag == _W + "noBreakHyphen":
                self.out.add("-")
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                number = len(self.notes) + 1
                kind = "footnote" if tag == _W + "footnoteReference" else "endnote"
                self.notes.append((number, [(kind, child.get(_W + "id"))]))
                self.out.add(f"[{number}]")
            elif tag == _W + "commentReference":
                key = child.get(_W + "id")
                if key is not None and key not in self.comment_blocks and key not in self.pending_comments:
                    self.pending_comments.append(key)  # this block, once it is finished
            elif tag == _MC + "AlternateContent":
                fallback = child.find(_MC + "Fallback")
                if fallback is not None:
                    self._run(fallback)

    def _break(self) -> None:
        active = set(self.active)
        self._set_format(set())
        if self.out.in_block:
            attrs = {"kind": self.out.block_kind}
            self._end_block()
            self.out.begin(**attrs)
        self._set_format(active)

    # -- notes and comments --------------------------------------------
    def _read_notes(self) -> None:
        if not self.notes:
            return
        parts = {}
        for kind, reltype, tag in (("footnote", self.rt.FOOTNOTES, "footnote"), ("endnote", self.rt.ENDNOTES, "endnote")):
            root = self._part_xml(reltype)
            parts[kind] = {n.get(_W + "id"): n for n in root.iter(_W + tag)} if root is not None else {}
        found = []
        for number, [(kind, key)] in self.notes:
            note = parts[kind].get(key)
            sub = Builder()
            saved, self.out, self.active = self.out, sub, {}
            try:
                if note is not None:
                    for p in note.iter(_W + "p"):
                        sub.begin("paragraph")
                        self._inline(p)
                        self._set_format(set())
                        sub.end()
            finally:
                self.out, self.active = saved, {}
            found.append((number, sub.drafts))
        add_notes(self.out, found)

    def comments(self) -> list[FoundComment]:
        part = self._related(self.rt.COMMENTS)
        if part is None:
            return []
        out = []
        for c in self.doc.comments:
            key = str(c.comment_id)
            block = self.comment_blocks.get(key)
            out.append(
                FoundComment(
                    key=key, note=_note_text(c), author=c.author or "", created=iso_time(c.timestamp),
                    block=block if block is not None and block >= 0 else None,
                )
            )
        return out


def _note_text(comment) -> str:
    from desktop_app.core.importers._common import clean

    lines = [" ".join(clean(p.text).split()) for p in comment.paragraphs]
    return "\n".join(line for line in lines if line)


def _nearest_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent


