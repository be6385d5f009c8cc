"""A Markdown report of the claims, by tag.

One section per tag with claims (in codebook order: a tag, then the tags under
it, each level by name), and a last section for untagged claims when no tag
filter is given. A claim under several tags appears in each of their
sections. Each claim is a block quote of its quote, then one line with the
title of its source, the publication date, the source's address, its page
in a paged source, its status and its note.

Everything taken from the library is escaped where Markdown would misread it,
and only there, so that the report stays readable as text ("$900,000" and
"2023-08-01" keep no backslash) while a quote holding "#", ">", "```", "<b>"
or "[x](javascript:...)" stays plain text inside its block quote. Only
addresses starting with http:// or https:// become links.
"""

from __future__ import annotations

import re
from typing import TextIO

from desktop_app.core.exchange.claims_csv import ExportOptions

# Escaped wherever they are: a backslash (it would escape what follows), code
# spans, emphasis, links and images, raw HTML and autolinks, table cells and
# strikethrough (extensions that common renderers add)
_ALWAYS = re.compile(r"([\\`*\[\]<|~])")
# An underscore is emphasis only where it does not sit between letters or digits
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# An ampersand is literal unless it starts an entity
_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a line: headings, block quotes, lists, thematic breaks and
# setext underlines, ordered lists ("1." or "1)")
_LEADING = re.compile(r"^([#>+=\-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_SAFE_URL = re.compile(r"https?://[^\s<>\\`]+", re.IGNORECASE)
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


def escape(text: str) -> str:
    """``text`` as literal Markdown text (no line breaks expected): a
    backslash before each character Markdown would read as markup here."""
    text = _ALWAYS.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _ORDERED.sub(r"\1\\\2", text)
    return _LEADING.sub(r"\\\1", text)


def _lines(text: str) -> list[str]:
    return _BREAKS.split(text)


def _inline(text: str) -> str:
    """One paragraph: escaped, its lines joined by hard line breaks, blank
    lines dropped (they would end the paragraph)."""
    lines = [escape(line.strip()) for line in _lines(text) if line.strip()]
    return "\\\n".join(lines)


def block_quote(text: str) -> str:
    """A block quote that nothing in ``text`` can end early: every line is
    prefixed, blank lines too, and leading spaces are kept as non-breaking
    spaces so that no line turns into code."""
    out = []
    for line in _lines(text):
        stripped = line.lstrip(" \t")
        indent = "\u00a0" * (len(line) - len(stripped))
        out.append(f"> {indent}{escape(stripped)}".rstrip() if stripped else ">")
    # two lines of a quote are one paragraph in Markdown: keep the line breaks
    return "\n".join(line + ("\\" if i < len(out) - 1 and line != ">" and out[i + 1] != ">" else "")
                     for i, line in enumerate(out))


def _link(url: str) -> str:
    url = url.strip()
    if _SAFE_URL.fullmatch(url):
        return f"<{url}>"
    return escape(url)


def export_report(store, out: TextIO, options: ExportOptions | None = None) -> int:
    """Write the report to ``out``; return how many claims it shows."""
    options = options or ExportOptions()
    with store.snapshot():
        return _write(store, out, options)


def codebook_order(tags) -> list:
    """Tags as a codebook reads: each tag followed by the tags under it."""
    ids = {t.id for t in tags}
    children: dict[int | None, list] = {}
    for tag in tags:
        children.setdefault(tag.parent_id if tag.parent_id in ids else None, []).append(tag)
    ordered: list = []
    seen: set[int] = set()

    def visit(tag) -> None:
        if tag.id in seen:
            return
        seen.add(tag.id)
        ordered.append(tag)
        for child in children.get(tag.id, ()):
            visit(child)

    for tag in children.get(None, ()):
        visit(tag)
    for tag in tags:
        visit(tag)
    return ordered


def _write(store, out: TextIO, options: ExportOptions) -> int:
    docs = {d.id: d for d in store.list_documents()}
    tags = store.list_tags()
    if options.tag_ids is not None:
        wanted = set(options.tag_ids)
        tags = [t for t in tags if t.id in wanted]
    tag_names = {t.id: t.name for t in store.list_tags()}
    filters = dict(document_ids=options.document_ids, statuses=options.statuses)
    shown: set[int] = set()
    out.write("# Claims by tag\n")
    sections = [(escape(" ".join(tag.name.split())), tag, [tag.id]) for tag in codebook_order(tags)]
    for heading, tag, tag_ids in sections:
        claims = store.iter_claims(order_by_position=True, tag_ids=tag_ids, **filters)
        first = next(claims, None)
        if first is None:
            continue
        out.write(f"\n## {heading}\n")
        if tag.parent_id in tag_names:
            out.write(f"\n*Under {escape(tag_names[tag.parent_id])}*\n")
        if tag.description:
            out.write(f"\n{_inline(tag.description)}\n")
        for claim in (first, *claims):
            _claim(out, claim, docs)
            shown.add(claim.id)
    if options.tag_ids is None:
        untagged = (c for c in store.iter_claims(order_by_position=True, **filters) if not c.tag_ids)
        first = next(untagged, None)
        if first is not None:
            out.write("\n## Untagged\n")
            for claim in (first, *untagged):
                _claim(out, claim, docs)
                shown.add(claim.id)
    if not shown:
        out.write("\nNo claims.\n")
    return len(shown)


def _claim(out: TextIO, claim, docs) -> None:
    doc = docs.get(claim.document_id)
    out.write("\n" + block_quote(claim.quote) + "\n\n")
    parts = []
    if doc is not None:
        parts.append(f"*{escape(' '.join(doc.title.split()))}*" if doc.title.strip() else "*Untitled*")
        if doc.published:
            parts.append(escape(doc.published))
        if doc.source_url:
            parts.append(_link(doc.source_url))
    if claim.page:
        parts.append(f"p\\. {escape(claim.page)}")
    parts.append(f"status: {escape(claim.status)}")
    if claim.orphaned:
        parts.append("no longer found in the current text")
    line = "— " + " · ".join(parts)
    if claim.note.strip():
        line += " · note: " + _inline(claim.note)
    out.write(line + "\n")
