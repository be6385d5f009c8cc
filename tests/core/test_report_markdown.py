"""Markdown report: sections by tag, claim blocks, filters, and hostile text kept inert."""

from __future__ import annotations

import io
import re

import pytest

from desktop_app.core.document import canonicalize
from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.exchange.report import block_quote, codebook_order, escape, export_report
from conftest import make_doc

HOSTILE = [
    "# Heading",
    "> nested quote",
    "```\ncode fence\n```",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "![img](http://evil.example/x.png)",
    "line one\n\n## Injected heading\n---\n<https://evil.example>",
    "    indented code\n1. list\n- item\n===",
    "text ending in a backslash \\",
]


def report(store, **options) -> tuple[str, int]:
    out = io.StringIO()
    count = export_report(store, out, ExportOptions(**options))
    return out.getvalue(), count


def claim_blocks(md: str) -> list[list[str]]:
    """The block quotes of a report, as lists of their lines."""
    blocks, current = [], None
    for line in md.split("\n"):
        if line.startswith(">"):
            current = current if current is not None else []
            current.append(line)
        elif current is not None:
            blocks.append(current)
            current = None
    if current is not None:
        blocks.append(current)
    return blocks


def rendered(md: str) -> str:
    """The report as HTML, read by a CommonMark renderer with the table and
    strikethrough extensions that common renderers add."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)


def rendered_text(md: str) -> str:
    """What a reader of the rendered Markdown sees: the text without tags."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", rendered(md)))


def unescape(line: str) -> str:
    return re.sub(r"\\(.)", r"\1", line)


@pytest.fixture
def library(empty_store):
    s = empty_store
    d1 = s.add_document(make_doc("The strikes lasted 118 days 🎬.\nSalaries rose by 3%.", "Strike [news](x)",
                                 published="2023-08-01", source_url="https://example.org/a"))
    d2 = s.add_document(make_doc("Another text about pay, strikes and [links](javascript:x).", "Second"))
    tags = {t.name: t for t in s.list_tags()}
    child = s.add_tag("long strikes", parent_id=tags["strikes"].id)
    t1 = s.document_text(d1.id)
    c1 = s.add_claim(d1.id, 0, t1.index(" 🎬"), [tags["strikes"].id, child.id], note="two\nlines # note")
    c2 = s.add_claim(d1.id, t1.index("Salaries"), len(t1), [tags["salaries"].id])
    s.set_claim_status(c2.id, "supported")
    c3 = s.add_claim(d2.id, 0, 12, [])
    return dict(store=s, docs=(d1, d2), tags=tags, child=child, claims=(c1, c2, c3))


def test_structure(library):
    md, count = report(library["store"])
    c1, c2, c3 = library["claims"]
    assert count == 3
    headings = [line for line in md.split("\n") if line.startswith("#")]
    assert headings == ["# Claims by tag", "## salaries", "## strikes", "## long strikes", "## Untagged"]
    assert "## deepfakes" not in md  # no claims, no section
    assert "> The strikes lasted 118 days\n" in md
    assert "— *Strike \\[news\\](x)* · 2023-08-01 · <https://example.org/a> · status: supported" in md
    assert "status: unverified · note: two\\\nlines # note" in md
    assert md.count("> The strikes lasted 118 days") == 2  # under strikes and under its child
    assert "> Another text\n\n— *Second* · status: unverified\n" in md


def test_codebook_order_puts_children_under_parents(library):
    tags = library["store"].list_tags()
    names = [t.name for t in codebook_order(tags)]
    assert names.index("long strikes") == names.index("strikes") + 1
    assert sorted(names) == sorted(t.name for t in tags)


def test_filters(library):
    store = library["store"]
    tags = library["tags"]
    md, count = report(store, tag_ids=[tags["salaries"].id])
    assert count == 1 and "## salaries" in md and "## strikes" not in md and "Untagged" not in md
    md, count = report(store, statuses=["supported"])
    assert count == 1 and "## salaries" in md and "## strikes" not in md
    md, count = report(store, document_ids=[library["docs"][1].id])
    assert count == 1 and [h for h in md.split("\n") if h.startswith("## ")] == ["## Untagged"]
    md, count = report(store, statuses=["refuted"])
    assert count == 0 and "No claims." in md


@pytest.mark.parametrize("quote", HOSTILE)
def test_hostile_quotes_stay_inside_their_block(empty_store, quote):
    s = empty_store
    text = canonicalize(f"Before.\n{quote}\nAfter.")
    doc = s.add_document(make_doc(text, "# Title [a](javascript:b) <i>"))
    start = text.index(quote)
    s.add_claim(doc.id, start, start + len(quote), note="[n](javascript:n) <b>\n# h")
    md, count = report(s)
    assert count == 1
    blocks = claim_blocks(md)
    assert len(blocks) == 1
    block = blocks[0]
    # every line of the quote is inside the block, and nothing escapes it
    assert len(block) == len(quote.split("\n"))
    for line, original in zip(block, quote.split("\n")):
        body = line[2:] if line.startswith("> ") else line[1:]
        assert unescape(body.rstrip("\\") if not original.endswith("\\") else body[:-1]).lstrip("\u00a0") \
            == original.strip(" ") or original == ""
        assert not re.match(r">\s{0,3}(#|>|```|- |\d+\.|={3})", line)
        assert not line.startswith(">     ")  # no indented code
    # no live link, image, autolink to a dangerous place or raw HTML anywhere
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", md)
    assert not re.search(r"(?<!\\)<", md)  # no raw HTML, no autolink
    html = rendered(md)
    for markup in ("<a ", "<img", "<script", "<pre", "<code", "<ol", "<ul", "<hr", "<h3", "<table", "<s>"):
        assert markup not in html, markup
    headings = [line for line in md.split("\n") if line.startswith("#")]
    assert headings == ["# Claims by tag", "## Untagged"]


def test_escape_and_block_quote_helpers():
    assert escape("a*b_c`d") == "a\\*b_c\\`d"  # an underscore between letters is no emphasis
    assert escape("_x_ $9.50 2023-08-01") == "\\_x\\_ $9.50 2023-08-01"
    assert escape("1. x") == "1\\. x" and escape("# x") == "\\# x" and escape("&amp; & b") == "\\&amp; & b"
    assert block_quote("one\n\ntwo") == "> one\n>\n> two"
    assert block_quote("one\ntwo") == "> one\\\n> two"
    assert block_quote("  indented") == "> \u00a0\u00a0indented"


def test_unsafe_source_addresses_are_not_links(empty_store):
    s = empty_store
    doc = s.add_document(make_doc("Some text.", "T", source_url="javascript:alert(1)"))
    s.add_claim(doc.id, 0, 4)
    md, _ = report(s)
    assert "javascript:alert(1)" in md and "<javascript" not in md
    assert "<a " not in rendered(md) and "javascript:alert(1)" in rendered_text(md)


READABLE = [
    "Netflix pays up to $900,000 a year (from 2023-08-01), 3.5% more.",
    "A snake_case name, a + b = c, 10 > 9, Q&A, what? yes! {braces} @name ^caret: done.",
    "Tricky: *stars*, _under_, `ticks`, [brackets](x), <b>tag</b>, &amp; entity, ~~gone~~, a | b \\ end",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2) not a list",
    "=== not a line",
    "🎬 Astral 🎬 text, it's fine",
]


@pytest.mark.parametrize("quote", READABLE)
def test_quotes_read_right_and_escape_only_what_markdown_would_misread(empty_store, quote):
    s = empty_store
    text = canonicalize(f"Before.\n{quote}\nAfter.")
    doc = s.add_document(make_doc(text, "Report 2023-08-01 $5", published="2023-08-01"))
    start = text.index(quote)
    s.add_claim(doc.id, start, start + len(quote), note="costs $900,000 - maybe")
    md, count = report(s)
    assert count == 1
    # The rendered block quote reads exactly as the quote.
    html = rendered(md)
    (body,) = re.findall(r"<blockquote>\s*<p>(.*?)</p>\s*</blockquote>", html, re.S)
    import html as html_module

    assert html_module.unescape(re.sub(r"<[^>]+>", "", body)) == quote
    # Plain figures, dates and punctuation keep no backslash in the Markdown text.
    for plain in ("$900,000", "2023-08-01", "3.5%", "$5", "a + b = c", "snake_case", "Q&A", "10 > 9", "it's fine"):
        if plain in quote or plain in ("$900,000", "2023-08-01", "$5"):
            assert plain in md, plain
    assert "\\$" not in md and "\\-" not in md.replace("\\- not", "") and "\\." not in md.replace("1\\.", "")
