"""HTML to blocks and spans, with the standard library's tolerant parser.

What is kept: headings, paragraphs, list items (nesting depth, numbers of
ordered lists), block quotes, preformatted text (one code block per line),
and inline emphasis, strong, code, strike-through and links with safe
targets. Other block elements (div, section, table cells, …) only separate
blocks. Whitespace collapses as in a browser, except inside ``<pre>``.
``<br>`` ends the block; the next text starts a new block of the same kind.

What never reaches the document: scripts, styles, frames, objects, forms,
templates, SVG, MathML, hidden elements and the document head (from which
only the title and a few ``<meta>``/``<link>`` values are read as metadata),
event handler attributes, and resource URLs (images keep their alt text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from desktop_app.core.importers._common import (
    Builder,
    Draft,
    clean,
    clean_inline,
    clean_meta,
    safe_href,
)

VOID = frozenset(
    "area base basefont bgsound br col command embed frame hr img image input isindex keygen link meta param "
    "source track wbr".split()
)
# Dropped with everything inside them.
DROP = frozenset(
    "script style iframe object embed form noscript template svg math head title button select textarea "
    "datalist audio video canvas applet frameset noembed noframes xmp plaintext".split()
)
# Self-closing syntax is ignored for these (as an HTML parser does): their
# content runs to the end tag.
_OPEN_EVEN_IF_SELF_CLOSED = frozenset("iframe noscript noembed noframes textarea title xmp template object".split())
_RAW_TEXT = frozenset({"script", "style"})
_HEAD_CONTENT = frozenset({"title", "meta", "link", "style", "script", "base", "noscript", "template"})

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer header hgroup hr html li main menu nav ol p pre section summary table caption thead tbody tfoot tr "
    "td th ul legend optgroup option search".split()
) | frozenset(HEADINGS)
_BLOCKS_BUT_HEADINGS = BLOCKS - frozenset(HEADINGS)
_BLOCKS_BUT_P = BLOCKS - {"p"}
SPAN_TAGS = {
    "em": "em",
    "i": "em",
    "strong": "strong",
    "b": "strong",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
}
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([^\s]+)")

_QUOTE = "quote"

# <meta> names/properties → metadata field, first match wins.
_META_FIELDS = {
    "author": "author",
    "dc.creator": "author",
    "citation_author": "author",
    "og:site_name": "outlet",
    "article:published_time": "published",
    "date": "published",
    "dc.date": "published",
    "citation_publication_date": "published",
    "og:url": "source_url",
    "og:title": "og_title",
}


@dataclass(slots=True)
class HtmlMetadata:
    title: str = ""
    og_title: str = ""
    author: str = ""
    outlet: str = ""
    source_url: str = ""
    published: str = ""


class _Element:
    __slots__ = ("tag", "span", "drop", "block", "heading", "pre", "container", "list", "title")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.span = None
        self.drop = False
        self.block = tag in BLOCKS
        self.heading = HEADINGS.get(tag, 0)
        self.pre = False
        self.container = None
        self.list = None
        self.title = False


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Builder(collapse_spaces=True)
        self.meta = HtmlMetadata()
        self._stack: list[_Element] = []
        self._skip = 0  # open dropped elements
        self._head_open = False
        self._title_parts: list[str] | None = None
        self._headings: list[int] = []
        self._containers: list = []  # _QUOTE or (level, ordered, number)
        self._lists: list[list] = []  # [ordered, next number]
        self._quote_depth = 0
        self._pre: list[str] = []  # language of each open <pre>
        self._pre_fresh = False

    # -- parser quirks -------------------------------------------------
    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:  # malformed <![...]> or <!DOCTYPE [...]>: skip it like a comment
            end = self.rawdata.find(">", i + 2)
            return len(self.rawdata) if end < 0 else end + 1

    # -- context -------------------------------------------------------
    def _context(self) -> dict:
        if self._pre:
            return {"kind": "code", "quote_depth": self._quote_depth, "language": self._pre[-1]}
        if self._headings:
            return {"kind": "heading", "level": self._headings[-1], "quote_depth": self._quote_depth}
        top = self._containers[-1] if self._containers else None
        if top is _QUOTE:
            return {"kind": "quote", "quote_depth": self._quote_depth}
        if top is not None:
            level, ordered, number = top
            return {
                "kind": "list_item",
                "level": level,
                "quote_depth": self._quote_depth,
                "ordered": ordered,
                "number": number,
            }
        return {"kind": "paragraph", "quote_depth": self._quote_depth}

    def _ensure_block(self) -> None:
        if not self.out.in_block:
            self.out.begin(**self._context())

    # -- stack ---------------------------------------------------------
    def _find(self, tags, stop=None, floor: int = 0) -> int:
        """Index of the nearest open element in ``tags``, or -1 (not past ``stop``)."""
        for i in range(len(self._stack) - 1, floor - 1, -1):
            tag = self._stack[i].tag
            if tag in tags:
                return i
            if stop is not None and tag in stop:
                return -1
        return -1

    def _pop_to(self, index: int) -> None:
        while len(self._stack) > index:
            self._close(self._stack.pop())

    def _close(self, el: _Element) -> None:
        if el.drop:
            self._skip -= 1
            if el.tag == "head":
                self._head_open = False
            if el.title and self._title_parts is not None:
                if not self.meta.title:
                    self.meta.title = clean_meta("".join(self._title_parts))
                self._title_parts = None
            return
        if el.span is not None:
            self.out.close_span(el.span)
        if el.pre:
            self.out.end(keep_empty=False)
            self._pre.pop()
        elif el.block:
            self.out.end()
        if el.heading:
            self._headings.pop()
        if el.container is not None:
            self._containers.pop()
            if el.container is _QUOTE:
                self._quote_depth -= 1
        if el.list is not None:
            self._lists.pop()

    def _drop_floor(self) -> int:
        """Index of the innermost open dropped element (end tags may not close past it)."""
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i].drop:
                return i
        return 0

    # -- events --------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            self._read_meta(a)
            return
        if tag == "link":
            rel = a.get("rel", "").lower().split()
            if "canonical" in rel and not self.meta.source_url:
                self.meta.source_url = clean_meta(safe_href(a.get("href")))
            return
        if self._head_open and tag not in _HEAD_CONTENT and self._stack[self._drop_floor()].tag == "head":
            self._end_head()  # body content ends the head
        if self._skip:
            # Inside dropped content elements are only tracked, so that end
            # tags pair up and the right one ends the dropped region.
            if tag not in VOID:
                el = _Element(tag)
                el.block = el.heading = 0
                if tag in DROP:
                    el.drop = True
                    if tag == "title" and self._skip == 1 and self._head_open:
                        self._start_title(el)
                    self._skip += 1
                self._stack.append(el)
            return
        hidden = "hidden" in a or _HIDDEN_STYLE.search(a.get("style", "")) is not None
        if tag in VOID:
            if hidden:
                return
            self._void(tag, a)
            return
        if tag in DROP or hidden:
            el = _Element(tag)
            el.drop = True
            el.block = False
            if tag == "head":
                self._head_open = True
            if tag == "title":
                self._start_title(el)
            self._stack.append(el)
            self._skip += 1
            return
        self._open(tag, a)

    def _start_title(self, el: _Element) -> None:
        if not self.meta.title and self._title_parts is None:
            el.title = True
            self._title_parts = []

    def _end_head(self) -> None:
        i = self._find({"head"})
        if i >= 0:
            self._pop_to(i)
        self._head_open = False

    def _open(self, tag: str, a: dict[str, str]) -> None:
        # Implied end tags, as an HTML parser would add them.
        if tag == "li":
            i = self._find({"li"}, stop=_LISTS)
            if i >= 0:
                self._pop_to(i)
        elif tag in ("dt", "dd"):
            i = self._find({"dt", "dd"}, stop={"dl"})
            if i >= 0:
                self._pop_to(i)
        elif tag in ("td", "th"):
            i = self._find({"td", "th"}, stop={"tr", "table"})
            if i >= 0:
                self._pop_to(i)
        elif tag == "tr":
            i = self._find({"tr", "td", "th"}, stop={"table", "thead", "tbody", "tfoot"})
            if i >= 0:
                self._pop_to(i)
        elif tag == "option":
            i = self._find({"option"}, stop={"select", "datalist", "optgroup"})
            if i >= 0:
                self._pop_to(i)
        if tag in HEADINGS:
            i = self._find(HEADINGS, stop=_BLOCKS_BUT_HEADINGS)
            if i >= 0:
                self._pop_to(i)
        if tag in BLOCKS:
            i = self._find({"p"}, stop=_BLOCKS_BUT_P)
            if i >= 0:
                self._pop_to(i)

        el = _Element(tag)
        out = self.out
        if el.block:
            out.end()
        if tag == "pre":
            el.pre = True
            match = _LANGUAGE_CLASS.search(a.get("class", ""))
            self._pre.append(match.group(1) if match else "")
            self._pre_fresh = True
        elif el.heading:
            self._headings.append(el.heading)
        elif tag == "blockquote":
            el.container = _QUOTE
            self._containers.append(_QUOTE)
            self._quote_depth += 1
        elif tag in _LISTS:
            ordered = tag == "ol"
            start = _int_attr(a.get("start")) if ordered else None
            el.list = [ordered, 1 if start is None else start]
            self._lists.append(el.list)
        elif tag == "li":
            if self._lists:
                current = self._lists[-1]
                ordered = current[0]
                number = None
                if ordered:
                    value = _int_attr(a.get("value"))
                    number = current[1] if value is None else value
                    current[1] = number + 1
                el.container = (len(self._lists), ordered, number)
            else:
                el.container = (1, False, None)
            self._containers.append(el.container)
        elif tag == "code" and self._pre:
            if not self._pre[-1]:
                match = _LANGUAGE_CLASS.search(a.get("class", ""))
                if match:
                    self._pre[-1] = match.group(1)
                    if out.block_kind == "code":
                        out.set_attr("language", match.group(1))
        elif tag in SPAN_TAGS:
            if not (tag in ("code", "kbd", "samp", "tt") and self._pre):
                el.span = out.open_span(SPAN_TAGS[tag])
        elif tag == "a":
            href = safe_href(a.get("href"))
            if href:
                el.span = out.open_span("link", clean_meta(href))
        self._stack.append(el)

    def _void(self, tag: str, a: dict[str, str]) -> None:
        if tag == "br":
            if self._pre:
                self._pre_newline()
            else:
                self.out.end()
        elif tag in ("hr",):
            self.out.end()
        elif tag in ("img", "image"):
            alt = clean_inline(a.get("alt", ""))
            if alt.strip():
                self._ensure_block()
                self.out.add(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in VOID:
            return
        if tag in _RAW_TEXT:
            if self._stack and self._stack[-1].tag == tag:
                self.set_cdata_mode(tag)
            return
        if tag in _OPEN_EVEN_IF_SELF_CLOSED:
            return
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            self._void("br", {})
            return
        floor = self._drop_floor() if self._skip else 0
        i = self._find({tag}, floor=floor)
        if i < 0:
            if tag == "p" and not self._skip:
                self.out.end()
            return
        self._pop_to(i)

    def handle_data(self, data: str) -> None:
        if self._skip:
            top = self._stack[-1] if self._stack else None
            if top is not None and top.title and self._title_parts is not None:
                self._title_parts.append(data)
                return
            if not (self._head_open and self._stack[self._drop_floor()].tag == "head" and data.strip()):
                return
            self._end_head()  # text in the head starts the body, as in a browser
            if self._skip:
                return
        if self._pre:
            self._pre_text(data)
            return
        text = clean(data)
        if not self.out.in_block:
            if not text.strip(" \t\n"):
                return
            self.out.begin(**self._context())
        self.out.add(text)

    def _pre_text(self, data: str) -> None:
        text = clean(data)
        if self._pre_fresh and text:
            self._pre_fresh = False
            if text.startswith("\n"):
                text = text[1:]
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:
                self._pre_newline()
            if line:
                self._ensure_block()
                self.out.add(line, collapse=False)

    def _pre_newline(self) -> None:
        self._pre_fresh = False
        self._ensure_block()
        self.out.end(keep_empty=True)
        self.out.begin(**self._context())

    def _read_meta(self, a: dict[str, str]) -> None:
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
        target = _META_FIELDS.get(key)
        if not target or getattr(self.meta, target):
            return
        content = a.get("content", "")
        value = clean_meta(safe_href(content)) if target == "source_url" else clean_meta(content)
        setattr(self.meta, target, value)

    def finish(self) -> tuple[list[Draft], HtmlMetadata]:
        self._pop_to(0)
        self.out.end()
        if self._title_parts is not None and not self.meta.title:
            self.meta.title = clean_meta("".join(self._title_parts))
        if not self.meta.title:
            self.meta.title = self.meta.og_title
        return self.out.drafts, self.meta


def _int_attr(value: str | None) -> int | None:
    if not value:
        return None
    m = re.match(r"\s*([+-]?\d{1,9})(?!\d)", value)
    return int(m.group(1)) if m else None


def parse_html(source: str) -> tuple[list[Draft], HtmlMetadata]:
    """Blocks (as drafts, in order) and metadata of an HTML document or fragment."""
    parser = _Extractor()
    parser.feed(source)
    parser.close()
    return parser.finish()


def html_to_text_blocks(source: str) -> list[Draft]:
    """The readable blocks of an HTML fragment (used for raw HTML inside Markdown)."""
    return parse_html(source)[0]
