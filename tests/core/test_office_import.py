"""Word (.docx), OpenDocument (.odt) and EPUB files: real files made in the
test, read through the public entry point (which reads them in a child
process) and compared block by block, span by span, at code-point offsets."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from office_files import (
    BILLION_LAUGHS,
    chapter,
    docx_bytes,
    epub_bytes,
    odt_bytes,
    replace_member,
)

from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import detect_format, import_bytes, import_file
from desktop_app.core.importers.epub import parse_epub
from desktop_app.core.importers.opendocument import parse_odt
from desktop_app.core.importers.word import parse_docx


def blocks(doc):
    return [(b.kind, b.level, b.ordered, b.number, b.quote_depth, doc.text[b.start : b.end]) for b in doc.blocks]


def spans(doc):
    return [(s.kind, doc.text[s.start : s.end], s.href) for s in doc.spans]


@pytest.fixture(scope="module")
def docx_data():
    return docx_bytes()


@pytest.fixture(scope="module")
def word(docx_data):
    """The .docx read as the program reads it: through the reader child."""
    return import_bytes(docx_data, name="release.docx")


def test_word_blocks(word):
    word.check()
    assert blocks(word) == [
        ("heading", 1, False, None, 0, "Wages rise 🎉"),
        ("paragraph", 0, False, None, 0,
         "Plain 😀 start, bold 𝔘 part and italic and struck. See the report 🔗 and no link."),
        ("heading", 2, False, None, 0, "Figures"),
        ("list_item", 1, False, None, 0, "first bullet"),
        ("list_item", 2, False, None, 0, "nested bullet 🐍"),
        ("list_item", 1, False, None, 0, "back out"),
        ("list_item", 1, True, 1, 0, "first step"),
        ("list_item", 1, True, 2, 0, "second step"),
        ("paragraph", 0, False, None, 0, "Year | Wage 💶 | Change"),
        ("paragraph", 0, False, None, 0, "2026 | 900,000 | +12 %"),
        ("paragraph", 0, False, None, 0, "The CEO 🧑‍💼 earns 900 times the median 𝔐 wage in 2026.[1]"),
        ("quote", 0, False, None, 1, "We are proud."),
        ("paragraph", 0, False, None, 0, "Line one"),
        ("paragraph", 0, False, None, 0, "line two"),
        ("heading", 2, False, None, 0, "Notes"),
        ("list_item", 1, True, 1, 0, "Annual report 2026, p. 4 📎."),
    ]


def test_word_spans_keep_emphasis_and_safe_links_only(word):
    assert spans(word) == [
        ("strong", "bold 𝔘 part", ""),
        ("em", "italic", ""),
        ("strike", "struck", ""),
        ("link", "the report 🔗", "https://example.org/report?id=1"),
    ]
    # Offsets are code points: the astral characters before the span count once each.
    strong = word.spans[0]
    assert strong.start == word.text.index("bold 𝔘 part") == len("Wages rise 🎉\nPlain 😀 start, ")


def test_word_metadata_and_source(word, docx_data):
    assert word.source_format == "docx"
    assert (word.metadata.title, word.metadata.author, word.metadata.published) == (
        "Press release 🚀 on wages", "Ada Lovelace", "2026-12-01")
    assert word.sha256 == hashlib.sha256(docx_data).hexdigest()
    assert word.original.data == docx_data
    assert word.original.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert word.original.file_name == "release.docx"


def test_word_comments_are_offered_on_the_text_they_cover(word):
    first, second = word.offered
    text = word.text
    assert first.quote == "900 times the median 𝔐 wage" == text[first.start : first.end]
    assert first.start == text.index("900 times")
    assert first.end - first.start == len("900 times the median 𝔐 wage")  # 𝔐 is one code point
    assert (first.note, first.author, first.kind) == ("Check the ratio 👀\nSecond line", "Bea Checker", "comment")
    assert first.created.endswith("Z") and first.created[:4].isdigit()
    assert (second.quote, second.note, second.author) == ("We are proud.", "Spin?", "Cy")
    assert text[second.start : second.end] == "We are proud."


def test_word_read_directly_equals_the_isolated_read(word, docx_data):
    direct = parse_docx(docx_data, name="release.docx")
    assert (direct.text, direct.blocks, direct.spans, direct.offered) == (word.text, word.blocks, word.spans, word.offered)


def test_word_without_title_takes_the_first_heading(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Intro line")
    d.add_heading("The real heading ✨", 2)
    path = tmp_path / "untitled-notes.docx"
    d.save(path)
    doc = import_file(path)
    assert doc.metadata.title == "The real heading ✨"
    assert doc.offered == []


def test_empty_word_file_has_no_text(tmp_path):
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(ImportRefused) as info:
        import_file(path)
    assert str(info.value) == "empty.docx: the file has no text to annotate."


# -- OpenDocument -------------------------------------------------------------


@pytest.fixture(scope="module")
def odt():
    return import_bytes(odt_bytes(), name="minutes.odt")


def test_odt_blocks_spans_and_metadata(odt):
    odt.check()
    assert blocks(odt) == [
        ("heading", 1, False, None, 0, "Council minutes 🎉"),
        ("paragraph", 0, False, None, 0, "Start bold 𝔘 mid it and gone link 🔗 and   spaced[1]"),
        ("list_item", 1, True, 3, 0, "third 3️⃣"),
        ("list_item", 1, True, 4, 0, "fourth"),
        ("list_item", 2, False, None, 0, "nested 🐍"),
        ("paragraph", 0, False, None, 0, "Item | Cost 💶"),
        ("paragraph", 0, False, None, 0, "Roads | 12"),
        ("paragraph", 0, False, None, 0, "The mayor 🧑‍⚖️ said taxes fall 𝔗 next year."),
        ("paragraph", 0, False, None, 0, "First line"),
        ("paragraph", 0, False, None, 0, "second line"),
        ("heading", 2, False, None, 0, "Notes"),
        ("list_item", 1, True, 1, 0, "The footnote 📎."),
    ]
    assert spans(odt) == [
        ("strong", "bold 𝔘", ""), ("em", "it", ""), ("strike", "gone", ""),
        ("link", "link 🔗", "https://example.org/minutes"),
    ]
    assert (odt.metadata.title, odt.metadata.author, odt.metadata.published) == (
        "Minutes 🚀", "Grace Hopper", "2026-11-30")
    assert odt.source_format == "odt" and odt.original.media_type == "application/vnd.oasis.opendocument.text"


def test_odt_comment_is_offered_on_its_range(odt):
    [comment] = odt.offered
    assert comment.quote == "taxes fall 𝔗" == odt.text[comment.start : comment.end]
    assert comment.start == odt.text.index("taxes fall")
    assert (comment.note, comment.author, comment.created) == ("Source? 👀", "Bea Checker", "2026-12-02T10:00:00")


def test_odt_list_interrupted_by_a_paragraph_goes_on_counting():
    from odf.opendocument import OpenDocumentText
    from odf.text import List, ListItem, ListLevelStyleNumber, ListStyle, P

    doc = OpenDocumentText()
    numbers = ListStyle(name="N")
    numbers.addElement(ListLevelStyleNumber(level=1, numformat="1"))
    doc.automaticstyles.addElement(numbers)
    for i, labels in enumerate((("one", "two"), ("three",))):
        lst = List(stylename="N", continuenumbering="true" if i else "false")
        for label in labels:
            item = ListItem()
            item.addElement(P(text=label))
            lst.addElement(item)
        doc.text.addElement(lst)
        if not i:
            doc.text.addElement(P(text="An interruption."))
    out = io.BytesIO()
    doc.save(out)
    read = parse_odt(out.getvalue(), name="steps.odt")
    assert [(b.number, read.text[b.start:b.end]) for b in read.blocks] == [
        (1, "one"), (2, "two"), (None, "An interruption."), (3, "three")]


# -- EPUB -----------------------------------------------------------------------


def test_epub_chapters_in_reading_order_through_the_html_importer():
    doc = import_bytes(epub_bytes(), name="book.epub")
    doc.check()
    # The manifest lists chapter two first; the spine reads chapter one first;
    # the cover is outside the linear reading order; the script never arrives.
    assert doc.text.split("\n") == [
        "Chapter one 📖", "It was a dark night 🌙.", "a point", "another link", "Chapter two 🐉", "The second chapter.",
    ]
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "list_item", "list_item", "heading", "paragraph"]
    assert spans(doc) == [("strong", "dark", ""), ("link", "link", "https://example.org/b"), ("em", "second", "")]
    assert doc.spans[2].start == doc.text.index("second")
    assert (doc.metadata.title, doc.metadata.author, doc.metadata.outlet, doc.metadata.published) == (
        "A Book 📚 of Nights", "Mary Shelley, Percy Shelley", "Night Press", "1818-01-01")
    assert doc.source_format == "epub" and doc.original.media_type == "application/epub+zip"


def test_epub_with_missing_spine_item_is_one_sentence():
    data = epub_bytes(drop=("b-second.xhtml",))
    with pytest.raises(ImportRefused) as info:
        parse_epub(data, name="holes.epub")
    assert str(info.value) == "holes.epub: the e-book is incomplete: OEBPS/text/b-second.xhtml is missing."


def test_epub_whose_spine_names_an_unknown_item():
    data = epub_bytes(spine=["a-first.xhtml", "ghost"])
    with pytest.raises(ImportRefused, match=r"^ghost.epub: the e-book is damaged: its reading order names “ghost”"):
        parse_epub(data, name="ghost.epub")


def test_epub_opf_with_entities_is_refused_before_parsing():
    data = epub_bytes()
    opf = zipfile.ZipFile(io.BytesIO(data)).read("OEBPS/content.opf")
    bomb = replace_member(data, "OEBPS/content.opf", BILLION_LAUGHS + opf.split(b"?>", 1)[1])
    with pytest.raises(ImportRefused) as info:
        parse_epub(bomb, name="laughs.epub")
    assert "OEBPS/content.opf declares XML entities" in str(info.value)


def test_epub_chapter_with_entities_is_refused():
    data = epub_bytes({"one.xhtml": BILLION_LAUGHS.decode() + "<html><body><p>&lol9;</p></body></html>"})
    with pytest.raises(ImportRefused, match="declares XML entities"):
        parse_epub(data, name="laughs.epub")


def test_epub_chapter_in_a_legacy_encoding():
    body = chapter("Alt", "<p>Caf\u00e9 cr\u00e8me</p>").replace('encoding="utf-8"', 'encoding="iso-8859-1"')
    data = epub_bytes({"one.xhtml": body.encode("latin-1").decode("latin-1")})
    # written as UTF-8 by zipfile.writestr(str): rewrite the member as Latin-1 bytes
    data = replace_member(data, "OEBPS/text/one.xhtml", body.encode("latin-1"))
    assert parse_epub(data, name="old.epub").text == "Café crème"


# -- detection --------------------------------------------------------------------


def test_formats_are_detected_by_content_without_an_extension(docx_data):
    assert detect_format("download", docx_data) == "docx"
    assert detect_format("download", odt_bytes()) == "odt"
    assert detect_format("download", epub_bytes()) == "epub"
    assert detect_format("download", b"%PDF-1.7\n%\xe2\xe3") == "pdf"
    doc = import_bytes(docx_data, name="download")
    assert doc.source_format == "docx" and doc.text.startswith("Wages rise 🎉")


def test_a_docx_is_no_longer_called_a_binary_file(tmp_path, docx_data):
    path = tmp_path / "release.docx"
    path.write_bytes(docx_data)
    assert import_file(path).metadata.title == "Press release 🚀 on wages"


def test_old_office_and_rtf_files_get_their_own_sentence():
    with pytest.raises(ImportRefused, match=r"^old.doc: this is an old Office file \(such as .doc\)"):
        import_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="old.doc")
    with pytest.raises(ImportRefused, match=r"^memo.rtf: RTF files cannot be imported"):
        import_bytes(b"{\\rtf1\\ansi hello}", name="memo.rtf")


def test_a_text_file_named_docx_is_refused_plainly():
    with pytest.raises(ImportRefused) as info:
        import_bytes(b"just some text", name="fake.docx")
    assert str(info.value) == "fake.docx: the Word document is damaged or incomplete (it is not a readable zip package)."


def test_an_odt_that_is_a_spreadsheet_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    with pytest.raises(ImportRefused, match="not a text document"):
        parse_odt(out.getvalue(), name="sheet.odt")


@pytest.mark.parametrize("make, parse", [(docx_bytes, parse_docx), (odt_bytes, parse_odt), (epub_bytes, parse_epub)],
                         ids=["docx", "odt", "epub"])
def test_damaged_xml_inside_a_valid_package_is_refused_plainly(make, parse):
    """Bytes changed inside the XML parts (the zip stays valid): a document or
    one sentence naming the file, never another exception."""
    import random

    rng = random.Random(7)
    base = make()
    package = zipfile.ZipFile(io.BytesIO(base))
    parts = [i.filename for i in package.infolist() if i.filename.endswith((".xml", ".opf", ".xhtml", ".rels"))]
    refusals = 0
    for _ in range(40):
        target = rng.choice(parts)
        body = bytearray(package.read(target))
        for _ in range(rng.randint(1, 6)):
            body[rng.randrange(len(body))] = rng.choice(b'<>/"=& ab\x00\xff')
        try:
            doc = parse(replace_member(base, target, bytes(body)), name="damaged.bin")
        except ImportRefused as exc:
            refusals += 1
            assert str(exc).startswith("damaged.bin: ") and "\n" not in str(exc)
        else:
            doc.check()
    assert refusals > 5
