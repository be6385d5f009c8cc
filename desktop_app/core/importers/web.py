"""A web page's article: its main text, structure and metadata, without the
navigation, cookie notices, related-article lists, comments and footers.

The page is parsed once by lxml (no network, no entities from outside, no
scripts: the extractor drops them) and the extractor finds the article in it.
Its result is a small tree of known elements (``head``, ``p``, ``list``/``item``,
``quote``, ``code``, ``table``/``row``/``cell``, ``hi``, ``ref``, ``del``,
``lb``) which is mapped here onto our blocks and spans. Link targets go
through the same safety check as every other importer's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from desktop_app.core.document import Metadata
from desktop_app.core.importers._common import (
    Builder,
    Draft,
    clean,
    clean_meta,
    safe_href,
)

log = logging.getLogger(__name__)

_HEADING_REND = re.compile(r"h([1-6])$")
_SPAN_REND = {"#i": "em", "#em": "em", "#u": "em", "#b": "strong", "#strong": "strong", "#t": "code",
              "#code": "code", "#s": "strike", "#del": "strike"}
_BLOCK_CONTAINERS = frozenset({"body", "doc", "main", "div", "comments", "section"})
_NOT_READ = frozenset({"script", "style", "noscript", "template"})


@dataclass(slots=True)
class Article:
    drafts: list[Draft]
    metadata: Metadata
    left_out: float  # fraction of the page's words left out


def extract_article(source: str) -> Article | None:
    """The article of an HTML page, or None when the extractor finds none."""
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(source)
    if tree is None:
        return None
    page_words = _page_words(tree)
    found = trafilatura.bare_extraction(
        tree,
        include_comments=False,
        include_formatting=True,
        include_links=True,
        include_tables=True,
        with_metadata=True,
    )
    if found is None or found.body is None:
        return None
    drafts = _Mapper().run(found.body)
    if not any(d.text.strip() for d in drafts):
        return None
    article_words = sum(len(d.text.split()) for d in drafts)
    left_out = 1.0 - article_words / page_words if page_words else 0.0
    metadata = Metadata(
        title=clean_meta(found.title or ""),
        author=clean_meta(found.author or ""),
        outlet=clean_meta(found.sitename or ""),
        source_url=clean_meta(safe_href(found.url or "")) if _is_absolute(found.url) else "",
        published=clean_meta(found.date or ""),
    )
    return Article(drafts, metadata, min(1.0, max(0.0, left_out)))


def _is_absolute(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _page_words(tree) -> int:
    """Words of text on the page, scripts and styles aside (the text is
    gathered by lxml in one pass; only script and style elements are visited)."""
    body = tree.find("body")
    if body is None:
        body = tree
    words = len(" ".join(body.itertext()).split())
    for el in body.iter(*_NOT_READ):
        words -= len(" ".join(el.itertext()).split())
    return max(0, words)


class _Mapper:
    """Walks the extractor's tree, emitting blocks and spans into a Builder."""

    def __init__(self) -> None:
        self.out = Builder(collapse_spaces=True)
        self.heading = 0
        self.quote_depth = 0
        self.lists: list[list] = []  # [ordered, next number]
        self.items: list[tuple[int, bool, int | None]] = []
        self.code = False

    def run(self, root) -> list[Draft]:
        self._children(root)
        self.out.end()
        return self.out.drafts

    def _context(self) -> dict:
        if self.code:
            return {"kind": "code", "quote_depth": self.quote_depth}
        if self.heading:
            return {"kind": "heading", "level": self.heading, "quote_depth": self.quote_depth}
        if self.items:
            level, ordered, number = self.items[-1]
            return {"kind": "list_item", "level": level, "quote_depth": self.quote_depth,
                    "ordered": ordered, "number": number}
        if self.quote_depth:
            return {"kind": "quote", "quote_depth": self.quote_depth}
        return {"kind": "paragraph"}

    def _text(self, text: str | None) -> None:
        if not text:
            return
        text = clean(text)
        if self.code:
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self.out.end(keep_empty=True)
                    self.out.begin(**self._context())
                if line:
                    if not self.out.in_block:
                        self.out.begin(**self._context())
                    self.out.add(line, collapse=False)
            return
        if not self.out.in_block:
            if not text.strip():
                return
            self.out.begin(**self._context())
        self.out.add(text)

    def _children(self, el) -> None:
        self._text(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._element(child)
            self._text(child.tail)

    def _element(self, el) -> None:
        tag = el.tag
        if tag == "lb":
            if self.out.in_block:
                self.out.hard_break()
            return
        if tag in ("hi", "ref", "del") or (tag == "code" and self._inline_code(el)):
            if tag == "ref":
                href = safe_href(el.get("target"))
                span = self.out.open_span("link", clean_meta(href)) if href else None
            elif tag == "del":
                span = self.out.open_span("strike")
            elif tag == "code":
                span = self.out.open_span("code")
            else:
                kind = _SPAN_REND.get((el.get("rend") or "").lower())
                span = self.out.open_span(kind) if kind else None
            self._children(el)
            self.out.close_span(span)
            return
        if tag in ("graphic", "fw", "note"):
            return
        self.out.end()
        if tag == "head":
            m = _HEADING_REND.match((el.get("rend") or "").lower())
            saved, self.heading = self.heading, int(m.group(1)) if m else 2
            self._children(el)
            self.out.end()
            self.heading = saved
        elif tag == "quote":
            self.quote_depth += 1
            self._children(el)
            self.out.end()
            self.quote_depth -= 1
        elif tag == "list":
            self.lists.append([(el.get("rend") or "").lower() == "ol", 1])
            self._children(el)
            self.out.end()
            self.lists.pop()
        elif tag == "item":
            if self.lists:
                current = self.lists[-1]
                number = current[1] if current[0] else None
                if current[0]:
                    current[1] += 1
                self.items.append((len(self.lists), current[0], number))
            else:
                self.items.append((1, False, None))
            self._children(el)
            self.out.end()
            self.items.pop()
        elif tag == "code":
            self.code = True
            self._children(el)
            self.out.end(keep_empty=False)
            self.code = False
        elif tag == "row":
            self._row(el)
        else:  # p, cell, table, div and anything unknown: a block of the current kind
            self._children(el)
            self.out.end()

    def _inline_code(self, el) -> bool:
        parent = el.getparent()
        return parent is not None and parent.tag not in _BLOCK_CONTAINERS and parent.tag != "quote"

    def _row(self, row) -> None:
        """A table row is one block, its cells separated by " | "."""
        first = True
        for cell in row:
            if not isinstance(cell.tag, str):
                continue
            if not first and self.out.in_block:
                self.out.add(" | ")
            first = False
            self._children(cell)
        self.out.end()
