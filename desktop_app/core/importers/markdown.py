"""CommonMark (plus ~~strike-through~~) to blocks and spans.

How Markdown maps onto the document model:

* Headings keep their level; paragraphs become ``paragraph`` blocks.
* Every paragraph of a list item is a ``list_item`` block with the item's
  nesting depth (``level``, 1 = top), ``ordered`` and ``number``; a second
  paragraph of the same item repeats the item's number.
* Paragraphs inside block quotes are ``quote`` blocks; every block records
  how many quotes enclose it (``quote_depth``), so a heading or a list item
  inside a quote keeps its own kind. The innermost container decides:
  a quote inside a list item gives ``quote`` blocks, a list inside a quote
  gives ``list_item`` blocks.
* Code (fenced or indented): one ``code`` block per line, blank lines
  included (as empty blocks); ``language`` is the first word of the info
  string.
* A soft line break is a space. A hard line break ends the block and starts
  another of the same kind and attributes (inline formatting continues).
* Thematic breaks are dropped. Images keep their alt text, never the URL.
* Raw HTML blocks go through the HTML importer (scripts, styles, … vanish);
  inline HTML tags are dropped and the text between them stays, except
  inside inline ``<script>``, ``<style>`` and similar, whose text is dropped
  too. ``<br>`` counts as a hard break.
* Links keep only safe targets (http, https, mailto, relative, fragment);
  otherwise the text stays and the link is dropped.
* Front matter (``---`` … ``---`` or ``...`` at the very start) is read as
  YAML for title, author, outlet, source_url (or source, url) and published
  (or date).
* Containers nested deeper than ``DEEP_LEVEL`` markdown-it levels (about 20
  lists or 40 quotes) are not split further: the rest of that container is
  kept as plain paragraph text.
"""

from __future__ import annotations

import datetime as _dt
import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll

from desktop_app.core.document import Metadata
from desktop_app.core.importers import html as html_importer
from desktop_app.core.importers._common import (
    Builder,
    Draft,
    clean,
    clean_inline,
    clean_meta,
    refused,
    safe_href,
)

DEEP_LEVEL = 40
_MAX_NESTING = DEEP_LEVEL + 20

_QUOTE = "quote"
_SPAN_OPEN = {"em_open": "em", "strong_open": "strong", "s_open": "strike"}
_SPAN_CLOSE = frozenset({"em_close", "strong_close", "s_close", "link_close"})
_INLINE_DROP = "script|style|iframe|object|noscript|template|svg|math|textarea|title|select|button|form"
_HTML_INLINE_OPEN = re.compile(r"<(" + _INLINE_DROP + r")(?=[\s/>])[^>]*?(?<!/)>\Z", re.IGNORECASE)
_HTML_INLINE_BR = re.compile(r"<br[\s/>]", re.IGNORECASE)

_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_FRONT_KEY = re.compile(r"[\"']?[\w][\w .\-]*[\"']?[ \t]*:(?:[ \t]|$)")
# front matter key → metadata field, in order of preference
_FRONT_FIELDS = (
    ("title", "title"),
    ("author", "author"),
    ("authors", "author"),
    ("outlet", "outlet"),
    ("publication", "outlet"),
    ("source_url", "source_url"),
    ("source", "source_url"),
    ("url", "source_url"),
    ("published", "published"),
    ("date", "published"),
)

_parser: MarkdownIt | None = None


def _too_deep(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: past DEEP_LEVEL, keep the rest of the container as one paragraph."""
    if silent or state.level < DEEP_LEVEL:
        return False
    line = start_line
    while line < end_line:
        if not state.isEmpty(line) and state.sCount[line] < state.blkIndent:
            break
        line += 1
    content = state.getLines(start_line, line, state.blkIndent, False).strip()
    state.line = line
    if content:
        token = state.push("paragraph_open", "p", 1)
        token.map = [start_line, line]
        token = state.push("inline", "", 0)
        token.content = content
        token.map = [start_line, line]
        token.children = []
        state.push("paragraph_close", "p", -1)
    return True


def parser() -> MarkdownIt:
    global _parser
    if _parser is None:
        md = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
        md.enable("strikethrough")
        md.validateLink = lambda url: True  # links are judged here, so unsafe ones keep only their text
        md.block.ruler.before("code", "too_deep", _too_deep)
        _parser = md
    return _parser


# -- front matter ------------------------------------------------------


def split_front_matter(text: str, name: str) -> tuple[Metadata, str]:
    """Metadata from YAML front matter and the Markdown after it."""
    meta = Metadata()
    if not text.startswith("---"):
        return meta, text
    first_end = text.find("\n")
    if first_end < 0 or text[:first_end].rstrip(" \t") != "---":
        return meta, text
    close = _FRONT_CLOSE.search(text, first_end + 1)
    if close is None:
        return meta, text
    block = text[first_end + 1 : close.start()]
    body = text[close.end() + 1 :]
    lines = [ln for ln in block.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return meta, body  # empty front matter
    if not _FRONT_KEY.match(lines[0]):
        return meta, text  # a thematic break, not front matter
    import yaml

    try:
        data = yaml.safe_load(block)
    except Exception:  # any failure of the YAML reader (syntax, bad dates, depth) means invalid
        raise refused(name, "the front matter at the top is not valid YAML.") from None
    if not isinstance(data, dict):
        raise refused(name, "the front matter at the top is not valid YAML key: value pairs.")
    keys = {}
    for key, value in data.items():
        if isinstance(key, str):
            keys.setdefault(key.strip().lower(), value)
    for key, target in _FRONT_FIELDS:
        if getattr(meta, target) or key not in keys:
            continue
        value = clean_meta(_front_value(keys[key]))
        if target == "source_url":
            value = safe_href(value)
        setattr(meta, target, value)
    return meta, body


def _front_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(v for v in map(_scalar, value) if v)
    return _scalar(value)


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        try:
            return str(value)
        except ValueError:  # an integer too long to print
            return ""
    return ""


# -- tokens to blocks ----------------------------------------------------


def _alt_text(token) -> str:
    parts: list[str] = []
    pending = list(reversed(token.children or []))
    while pending:
        tok = pending.pop()
        if tok.type in ("text", "text_special", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image":
            pending.extend(reversed(tok.children or []))
    return clean_inline("".join(parts))


def _inline(children, out: Builder) -> None:
    spans: list = []
    skipping = ""
    for tok in children:
        t = tok.type
        if skipping:
            if t == "html_inline" and re.match(r"</" + skipping + r"[\s>]", tok.content, re.IGNORECASE):
                skipping = ""
            continue
        if t == "text" or t == "text_special":
            out.add(clean_inline(tok.content))
        elif t == "softbreak":
            out.add(" ")
        elif t in _SPAN_OPEN:
            spans.append(out.open_span(_SPAN_OPEN[t]))
        elif t in _SPAN_CLOSE:
            if spans:
                out.close_span(spans.pop())
        elif t == "link_open":
            href = safe_href(tok.attrGet("href"))
            spans.append(out.open_span("link", href) if href else None)
        elif t == "code_inline":
            span = out.open_span("code")
            out.add(clean_inline(tok.content))
            out.close_span(span)
        elif t == "hardbreak":
            out.hard_break()
        elif t == "image":
            out.add(_alt_text(tok))
        elif t == "html_inline":
            m = _HTML_INLINE_OPEN.match(tok.content)
            if m:
                skipping = m.group(1).lower()
            elif _HTML_INLINE_BR.match(tok.content):
                out.hard_break()
    for span in spans:
        out.close_span(span)


def _container_attrs(containers: list, quote_depth: int) -> dict:
    top = containers[-1] if containers else None
    if top is None:
        return {"kind": "paragraph", "quote_depth": quote_depth}
    if top is _QUOTE:
        return {"kind": "quote", "quote_depth": quote_depth}
    level, ordered, number = top
    return {"kind": "list_item", "level": level, "quote_depth": quote_depth, "ordered": ordered, "number": number}


def _convert(tokens, out: Builder) -> None:
    quote_depth = 0
    lists: list[bool] = []
    containers: list = []
    for tok in tokens:
        t = tok.type
        if t == "inline":
            if out.in_block:
                _inline(tok.children or [], out)
        elif t == "paragraph_open":
            out.begin(**_container_attrs(containers, quote_depth))
        elif t in ("paragraph_close", "heading_close"):
            out.end()
        elif t == "heading_open":
            level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
            out.begin("heading", level=level, quote_depth=quote_depth)
        elif t == "list_item_open":
            ordered = lists[-1] if lists else False
            number = None
            if ordered:
                info = tok.info.strip()
                number = int(info) if info.isdigit() and len(info) < 10 else None
            containers.append((max(1, len(lists)), ordered, number))
        elif t == "list_item_close" or t == "blockquote_close":
            if containers:
                if containers.pop() is _QUOTE:
                    quote_depth -= 1
        elif t == "blockquote_open":
            containers.append(_QUOTE)
            quote_depth += 1
        elif t == "bullet_list_open" or t == "ordered_list_open":
            lists.append(t == "ordered_list_open")
        elif t == "bullet_list_close" or t == "ordered_list_close":
            if lists:
                lists.pop()
        elif t == "fence" or t == "code_block":
            _code(tok, out, quote_depth)
        elif t == "html_block":
            _raw_html(tok.content, out, containers, quote_depth)


def _code(tok, out: Builder, quote_depth: int) -> None:
    language = ""
    if tok.type == "fence" and tok.info:
        words = clean_inline(unescapeAll(tok.info)).split()
        language = words[0] if words else ""
    content = clean(tok.content)
    if content.endswith("\n"):
        content = content[:-1]
    if not content:
        return
    for line in content.split("\n"):
        out.add_draft(Draft("code", line, quote_depth=quote_depth, language=language), keep_empty=True)


def _raw_html(source: str, out: Builder, containers: list, quote_depth: int) -> None:
    context = _container_attrs(containers, quote_depth)
    list_level = context.get("level", 0) if context["kind"] == "list_item" else 0
    try:
        drafts = html_importer.html_to_text_blocks(source)
    except AssertionError:  # the standard HTML parser gave up on this fragment: it is markup, leave it out
        return
    for draft in drafts:
        draft.quote_depth += quote_depth
        if draft.kind == "paragraph" and context["kind"] != "paragraph":
            draft.kind = context["kind"]
            draft.level = context.get("level", 0)
            draft.ordered = context.get("ordered", False)
            draft.number = context.get("number")
        elif draft.kind == "list_item":
            draft.level += list_level
        out.add_draft(draft)


def convert(text: str, name: str) -> tuple[list[Draft], Metadata]:
    """Drafts and front matter metadata of a Markdown text (already decoded)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(text, name)
    out = Builder()
    try:
        tokens = parser().parse(body)
        _convert(tokens, out)
    except RecursionError:
        raise refused(name, "the Markdown is nested too deeply to import.") from None
    out.end()
    return out.drafts, meta
