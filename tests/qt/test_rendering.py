"""build_document: the Qt document holds exactly the canonical text."""

from __future__ import annotations


from PySide6.QtCore import QUrl
from PySide6.QtGui import QFont, QTextDocument, QTextFormat

from desktop_app.core.document import Block, Span, StructuredDocument, blocks_for_lines, canonicalize
from desktop_app.qt.offsets import OffsetMap
from desktop_app.qt.rendering import build_document, is_openable_link


def make_doc(parts, spans=()):
    """parts: (kind, text, extra Block fields) in order."""
    blocks, pos = [], 0
    for kind, text, extra in parts:
        blocks.append(Block(kind, pos, pos + len(text), **extra))
        pos += len(text) + 1
    doc = StructuredDocument(text="\n".join(p[1] for p in parts), blocks=blocks, spans=list(spans))
    doc.check()
    return doc


RICH = [
    ("heading", "Title 😀 𝐀", {"level": 1}),
    ("paragraph", "A paragraph with emphasis, strong, code and a link.", {}),
    ("list_item", "first 👍🏽", {"level": 1, "ordered": True, "number": 1}),
    ("list_item", "second", {"level": 1, "ordered": True, "number": 2}),
    ("list_item", "nested 🇫🇷", {"level": 2}),
    ("list_item", "third", {"level": 1, "ordered": True, "number": 3}),
    ("quote", "A quoted line 𠀀 with\u00a0no-break space", {"quote_depth": 1}),
    ("code", "x = 1  # 𝑥", {}),
    ("heading", "Sub heading", {"level": 3}),
    ("paragraph", "", {}),
    ("paragraph", "tab\there, Arabic مرحبا, Hebrew שלום, e\u0301", {}),
]


def rich_doc():
    text = "\n".join(p[1] for p in RICH)
    p = text.index("A paragraph")
    spans = [
        Span("em", p + 17, p + 25),
        Span("strong", p + 27, p + 33),
        Span("code", p + 35, p + 39),
        Span("link", p + 46, p + 50, "https://example.org/a?b=1"),
        Span("strike", 0, 5),
        Span("em", 6, 9),  # over the astral characters of the title
    ]
    return make_doc(RICH, spans)


def qt_blocks(qdoc):
    out, block = [], qdoc.begin()
    while block.isValid():
        out.append(block)
        block = block.next()
    return out


def test_text_matches_canonical_block_for_block(qapp):
    doc = rich_doc()
    qdoc = build_document(doc)
    blocks = qt_blocks(qdoc)
    assert len(blocks) == len(doc.blocks)
    omap = OffsetMap(doc.text)
    for qb, b in zip(blocks, doc.blocks):
        assert qb.text() == doc.text[b.start : b.end]
        assert qb.position() == omap.to_utf16(b.start)
    assert qdoc.toPlainText() == doc.text.replace("\u00a0", " ")
    assert qdoc.characterCount() - 1 == omap.utf16_length


def test_markers_are_formatting_not_text(qapp):
    doc = rich_doc()
    qdoc = build_document(doc)  # keep a reference: blocks point into it
    blocks = qt_blocks(qdoc)
    items = [qb for qb, b in zip(blocks, doc.blocks) if b.kind == "list_item"]
    assert [qb.text() for qb in items] == ["first 👍🏽", "second", "nested 🇫🇷", "third"]
    lists = [qb.textList() for qb in items]
    assert all(lst is not None for lst in lists)
    # The numbered items share one list (numbering continues around the
    # nested bullet item); the nested item is a deeper list of its own.
    assert lists[0] == lists[1] == lists[3] != lists[2]
    assert [lists[i].itemText(items[i]) for i in (0, 1, 3)] == ["1.", "2.", "3."]
    assert lists[2].format().indent() > lists[0].format().indent()
    assert all(qb.textList() is None for qb, b in zip(blocks, doc.blocks) if b.kind != "list_item")


def test_block_and_inline_formats(qapp):
    doc = rich_doc()
    qdoc = build_document(doc)
    blocks = qt_blocks(qdoc)
    omap = OffsetMap(doc.text)

    def fmt_at(cp):  # the format of the character at code point cp
        block = qdoc.findBlock(omap.to_utf16(cp))
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.position() <= omap.to_utf16(cp) < frag.position() + frag.length():
                return frag.charFormat()
            it += 1
        raise AssertionError(cp)

    h1 = fmt_at(7)
    assert h1.fontWeight() == QFont.Weight.Bold
    assert h1.property(QTextFormat.Property.FontSizeAdjustment) > 0
    assert h1.fontItalic()  # the em span over 𝐀
    assert fmt_at(0).fontStrikeOut()
    assert blocks[0].blockFormat().headingLevel() == 1
    p = doc.text.index("A paragraph")
    assert not fmt_at(p).fontItalic() and fmt_at(p + 18).fontItalic()
    assert fmt_at(p + 28).fontWeight() == QFont.Weight.Bold
    assert fmt_at(p + 36).fontFixedPitch()
    link = fmt_at(p + 47)
    assert link.isAnchor() and link.anchorHref() == "https://example.org/a?b=1"
    assert link.fontUnderline()
    assert not fmt_at(p + 50).isAnchor()
    quote_i = [b.kind for b in doc.blocks].index("quote")
    assert blocks[quote_i].blockFormat().leftMargin() > 0
    assert fmt_at(doc.blocks[quote_i].start).fontItalic()
    code_i = [b.kind for b in doc.blocks].index("code")
    assert fmt_at(doc.blocks[code_i].start).fontFixedPitch()
    para = blocks[1].blockFormat()
    assert para.lineHeight() == 140 and para.bottomMargin() > 0


class _CountingMap(OffsetMap):
    """An OffsetMap that counts conversions."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.calls = 0

    def to_utf16(self, cp: int) -> int:
        self.calls += 1
        return super().to_utf16(cp)


def test_a_large_document_is_built_in_one_insertion_and_work_per_styled_block(qapp):
    """What keeps a long document quick to open (the figures are
    ``build_document_s`` and ``open_3mb_s`` in bench/run.py): the text goes
    in with one insertion, plain paragraphs take no work, and each styled
    block or span takes a fixed number of conversions: linear in the
    structure, never in the characters."""
    line = "Paragraph with some words, an emoji 😀 and more words to fill the line a little."
    calls = {}
    for n in (1_000, 4_000):
        text = "\n".join(f"{i} {line}" for i in range(n))
        plain = blocks_for_lines(text)
        blocks = [Block("heading", b.start, b.end, level=2) if i % 10 == 0 else b for i, b in enumerate(plain)]
        spans = [Span("em", b.start + 2, b.start + 12) for b in blocks[::4]]
        doc = StructuredDocument(text=text, blocks=blocks, spans=spans)
        omap = _CountingMap(text)
        qdoc = build_document(doc, offsets=omap)
        assert qdoc.blockCount() == n and qdoc.toPlainText() == text
        styled = sum(1 for b in blocks if b.kind != "paragraph")
        assert omap.calls <= 2 * styled + 2 * len(spans) + 2, (omap.calls, styled, len(spans))
        calls[n] = omap.calls
    assert calls[4_000] <= 4 * calls[1_000] + 4  # linear in the document's structure


def test_no_resource_is_ever_loaded(qapp, tmp_path):
    image = tmp_path / "pic.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    text = canonicalize("See ![pic](http://example.com/pic.png) and <img src=x>")
    doc = make_doc([("paragraph", text, {})], [Span("link", 4, 38, "http://example.com/pic.png")])
    qdoc = build_document(doc)
    for url in ("http://example.com/pic.png", image.as_uri(), str(image), "x"):
        assert qdoc.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None
        assert qdoc.resource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None
    # No image objects were created: the text is plain text.
    block = qdoc.begin()
    it = block.begin()
    while not it.atEnd():
        assert not it.fragment().charFormat().isImageFormat()
        it += 1
    assert qdoc.toPlainText() == text


def test_openable_links():
    assert is_openable_link("https://example.org")
    assert is_openable_link("http://example.org/x")
    assert is_openable_link("mailto:a@example.org")
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x", "", "relative/path", "data:text/html,x"):
        assert not is_openable_link(bad)


def test_empty_document(qapp):
    doc = StructuredDocument(text="", blocks=[Block("paragraph", 0, 0)])
    qdoc = build_document(doc)
    assert qdoc.blockCount() == 1 and qdoc.toPlainText() == ""
