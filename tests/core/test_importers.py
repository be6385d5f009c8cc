"""The importers' public entry points, Markdown and plain text."""

from __future__ import annotations

import codecs
import hashlib
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from desktop_app.core import importers
from desktop_app.core.document import canonicalize
from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    detect_format,
    import_bytes,
    import_file,
)

ROOT = Path(__file__).resolve().parents[2]


def valid(doc):
    """Every importer result obeys these rules."""
    doc.check()
    assert canonicalize(doc.text) == doc.text
    assert doc.source_format in FORMATS
    assert len(doc.sha256) == 64 and doc.encoding
    assert doc.metadata.title
    for b in doc.blocks:
        piece = doc.text[b.start : b.end]
        if doc.source_format != "text" and b.kind != "code":
            assert piece and piece == piece.strip(), b
    for s in doc.spans:
        assert any(b.start <= s.start < s.end <= b.end for b in doc.blocks), s
    return doc


def md(source: str, name: str = "doc.md"):
    return valid(import_bytes(source.encode("utf-8"), name=name))


def lines(doc):
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def spans(doc):
    return [(s.kind, doc.text[s.start : s.end], s.href) for s in doc.spans]


# -- the public surface --------------------------------------------------------------


def test_constants():
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    assert FORMATS == {"markdown", "text", "html", "docx", "odt", "epub", "pdf"}


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.md", b"<html>", "markdown"),
        ("a.MARKDOWN", b"", "markdown"),
        ("dir/a.mdown", b"", "markdown"),
        ("C:\\dir\\a.mkd", b"", "markdown"),
        ("a.txt", b"<!doctype html>", "text"),
        ("a.text", b"", "text"),
        ("a.html", b"# not markdown", "html"),
        ("a.HTM", b"", "html"),
        ("a.xhtml", b"", "html"),
        ("download", b"\xef\xbb\xbf \n <!DOCTYPE HTML><p>x", "html"),
        ("download", b"<html lang=en><p>x", "html"),
        ("download", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        ("download", b"<!-- saved --> <html>", "html"),
        ("download", codecs.BOM_UTF16_LE + "<!doctype html>".encode("utf-16-le"), "html"),
        ("download", b"# heading\n\ntext", "text"),
        ("notes.rtf", b"<b>bold</b> is not a page", "text"),
        ("archive.tar.gz", b"plain", "text"),
        ("release.docx", b"", "docx"),
        ("Book.EPUB", b"", "epub"),
        ("minutes.odt", b"", "odt"),
        ("report.pdf", b"", "pdf"),
        ("download", b"%PDF-1.7\n", "pdf"),
        ("download", b"\n\n%PDF-1.4\n", "pdf"),
    ],
)
def test_detect_format(name, data, fmt):
    assert detect_format(name, data) == fmt


def test_result_records_origin():
    data = "# Hello\n\nworld".encode()
    doc = valid(import_bytes(data, name="hello.md"))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert (doc.source_format, doc.encoding) == ("markdown", "utf-8")
    forced = valid(import_bytes(data, name="hello.md", fmt="text"))
    assert forced.source_format == "text" and forced.text == "# Hello\n\nworld"


def test_unknown_format_is_refused():
    with pytest.raises(ImportRefused) as info:
        import_bytes(b"text", name="a.txt", fmt="rtf")
    assert str(info.value).startswith("a.txt: ")


def test_core_importers_do_not_load_qt():
    code = "import sys, desktop_app.core.importers as i; i.import_bytes(b'# x', name='x.md'); " \
           "print(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


# -- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
@pytest.mark.parametrize("name", ["empty.md", "empty.txt", "empty.html"])
def test_empty_or_blank_file_has_no_text(data, name):
    with pytest.raises(ImportRefused) as info:
        import_bytes(data, name=name)
    assert str(info.value) == f"{name}: the file has no text to annotate."


def test_markdown_with_only_a_rule_and_a_script_has_no_text():
    with pytest.raises(ImportRefused) as info:
        import_bytes(b"---\n\n<script>x()</script>\n\n***\n", name="rule.md")
    assert str(info.value) == "rule.md: the file has no text to annotate."


def test_bytes_over_the_limit():
    with pytest.raises(ImportRefused) as info:
        import_bytes(b"x" * 2048, name="big.txt", max_bytes=1024)
    assert str(info.value) == "big.txt: the file is 2 KB, over the 1 KB import limit."
    assert valid(import_bytes(b"x" * 1024, name="ok.txt", max_bytes=1024)).text == "x" * 1024


def test_big_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: nothing is written
        handle.truncate(int(61.2 * 1024 * 1024))

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr("builtins.open", no_reading)
    with pytest.raises(ImportRefused) as info:
        import_file(big)
    assert str(info.value) == "big.txt: the file is 61.2 MB, over the 50 MB import limit."


def test_file_over_a_small_limit(tmp_path):
    path = tmp_path / "notes.md"
    path.write_bytes(b"a" * 150)
    with pytest.raises(ImportRefused) as info:
        import_file(path, max_bytes=100)
    assert str(info.value) == "notes.md: the file is 150 bytes, over the 100 bytes import limit."


def test_import_file_reads_and_detects(tmp_path):
    path = tmp_path / "my_article-notes.txt"
    path.write_bytes("first line\r\nsecond line\r\n".encode())
    doc = valid(import_file(path))
    assert doc.text == "first line\nsecond line"
    assert doc.metadata.title == "my article notes"
    assert doc.source_format == "text"
    assert valid(import_file(str(path), fmt="markdown")).source_format == "markdown"


def test_missing_file(tmp_path):
    with pytest.raises(ImportRefused) as info:
        import_file(tmp_path / "gone.md")
    assert str(info.value) == "gone.md: the file does not exist."


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(ImportRefused) as info:
        import_file(folder)
    assert str(info.value) == "folder.md: this is a folder, not a file."


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_bytes(b"text")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(ImportRefused) as info:
        import_file(path)
    assert str(info.value) == "secret.txt: the file cannot be read (permission denied)."


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(ImportRefused) as info:
        import_file(pipe)
    assert str(info.value) == "pipe.txt: this is not a regular file."


# -- plain text ------------------------------------------------------------------------


def test_plain_text_lines_are_paragraphs():
    doc = valid(import_bytes(b"\n  \n\t\nFirst line\n\n  indented\t\nlast \n\n \t\n", name="t.txt"))
    assert doc.text == "First line\n\n  indented\t\nlast"
    assert lines(doc) == [("paragraph", "First line"), ("paragraph", ""), ("paragraph", "  indented\t"), ("paragraph", "last")]
    assert doc.spans == []


def test_plain_text_is_canonicalized():
    source = "e\u0301\u00a0\r\nline\u2028a separator, a bell\x07 and a non-character\ufdd0"
    doc = valid(import_bytes(source.encode(), name="t.txt"))
    assert doc.text == "é\u00a0\nline\na separator, a bell and a non-character"
    assert len(doc.blocks) == 3


def seed_files():
    return sorted((ROOT / "seeds").glob("*.md")) + sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_sample_articles(path):
    data = path.read_bytes()
    doc = valid(import_file(path))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.encoding in ("utf-8", "utf-8-sig")
    assert len(doc.text) > 1000
    if path.suffix == ".txt":
        expected = canonicalize(data.decode("utf-8-sig")).rstrip()
        assert doc.text == expected.lstrip("\n")
        assert len(doc.blocks) == doc.text.count("\n") + 1
    else:
        assert doc.source_format == "markdown"
        assert any(b.kind == "paragraph" for b in doc.blocks)
        source = data.decode("utf-8-sig")
        if source.startswith("---\n"):
            front = yaml.safe_load(source.split("---\n")[1])
            assert doc.metadata.title == front["title"]
            assert doc.metadata.published == str(front.get("published", ""))
            assert "---" not in doc.text and "title:" not in doc.text
    # every word of the source survives (markup aside), in the text or the metadata
    words = {w.strip("*_#>`[]()") for w in data.decode("utf-8-sig").split()} - {""}
    plain = doc.text + " " + " ".join(doc.metadata.as_dict().values())
    missing = [w for w in words if w.isalpha() and w not in plain]
    assert not missing[:5]


# -- Markdown ---------------------------------------------------------------------------


def test_headings():
    doc = md("# One\n\n## Two ##\n\n###### Six\n\nSetext\n======\n\nSub\n---\n")
    assert [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks] == [
        ("heading", 1, "One"),
        ("heading", 2, "Two"),
        ("heading", 6, "Six"),
        ("heading", 1, "Setext"),
        ("heading", 2, "Sub"),
    ]
    assert doc.metadata.title == "One"


def test_emphasis_nesting_and_strike():
    doc = md("Some *em **strong in em** end* and __strong *em in strong*__ ***both*** ~~gone~~ `co*de*`.")
    assert doc.text == "Some em strong in em end and strong em in strong both gone co*de*."
    assert sorted(spans(doc)) == sorted(
        [
            ("em", "em strong in em end", ""),
            ("strong", "strong in em", ""),
            ("strong", "strong em in strong", ""),
            ("em", "em in strong", ""),
            ("em", "both", ""),
            ("strong", "both", ""),
            ("strike", "gone", ""),
            ("code", "co*de*", ""),
        ]
    )


def test_links_keep_safe_targets_only():
    doc = md(
        "[web](https://example.com/a?b=1) [plain](http://x.org) [mail](mailto:a@b.c) [rel](../notes.md) "
        "[frag](#part) [js](javascript:alert(1)) [js2](JAVASCRIPT:alert(2)) [ent](&#106;avascript:alert(3)) "
        "[data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) [file](file:///etc/passwd) "
        "[ref][r] <https://auto.example/x>\n\n[r]: javascript:alert(4)\n"
    )
    assert doc.text == "web plain mail rel frag js js2 ent data vb file ref https://auto.example/x"
    assert [(t, h) for k, t, h in spans(doc)] == [
        ("web", "https://example.com/a?b=1"),
        ("plain", "http://x.org"),
        ("mail", "mailto:a@b.c"),
        ("rel", "../notes.md"),
        ("frag", "#part"),
        ("https://auto.example/x", "https://auto.example/x"),
    ]
    assert "alert" not in doc.text and "passwd" not in doc.text


def test_nested_lists_and_numbers():
    doc = md("- a\n- b\n  1. one\n  2. two\n     - deep\n- c\n\n3. three\n4. four\n10. ten\n")
    got = [(doc.text[b.start : b.end], b.kind, b.level, b.ordered, b.number) for b in doc.blocks]
    assert got == [
        ("a", "list_item", 1, False, None),
        ("b", "list_item", 1, False, None),
        ("one", "list_item", 2, True, 1),
        ("two", "list_item", 2, True, 2),
        ("deep", "list_item", 3, False, None),
        ("c", "list_item", 1, False, None),
        ("three", "list_item", 1, True, 3),
        ("four", "list_item", 1, True, 4),
        ("ten", "list_item", 1, True, 10),
    ]


def test_list_item_with_several_paragraphs():
    doc = md("1. first para\n\n   second para\n\n   > quoted in item\n2. next\n")
    got = [(doc.text[b.start : b.end], b.kind, b.level, b.number, b.quote_depth) for b in doc.blocks]
    assert got == [
        ("first para", "list_item", 1, 1, 0),
        ("second para", "list_item", 1, 1, 0),
        ("quoted in item", "quote", 0, None, 1),
        ("next", "list_item", 1, 2, 0),
    ]


def test_block_quotes_nest():
    doc = md("> outer\n> continued\n>\n> > inner\n>\n> # Heading in quote\n>\n> - item in quote\n\nafter\n")
    got = [(doc.text[b.start : b.end], b.kind, b.quote_depth) for b in doc.blocks]
    assert got == [
        ("outer continued", "quote", 1),
        ("inner", "quote", 2),
        ("Heading in quote", "heading", 1),
        ("item in quote", "list_item", 1),
        ("after", "paragraph", 0),
    ]


def test_fenced_and_indented_code():
    doc = md("```python title\ndef f():\n\n\treturn 1\n```\n\ntext\n\n    indented\n\n    more\n\n~~~\n~~~\n")
    got = [(doc.text[b.start : b.end], b.kind, b.language) for b in doc.blocks]
    assert got == [
        ("def f():", "code", "python"),
        ("", "code", "python"),
        ("\treturn 1", "code", "python"),
        ("text", "paragraph", ""),
        ("indented", "code", ""),
        ("", "code", ""),
        ("more", "code", ""),
    ]
    assert doc.spans == []


def test_code_in_quote_keeps_quote_depth():
    doc = md("> ```js\n> let x;\n> ```\n")
    assert [(b.kind, b.quote_depth, b.language) for b in doc.blocks] == [("code", 1, "js")]


def test_hard_breaks_start_a_block_of_the_same_kind():
    doc = md("one *two  \nthree*\\\nfour\nsoft\n\n- item  \n  line\n")
    assert lines(doc) == [
        ("paragraph", "one two"),
        ("paragraph", "three"),
        ("paragraph", "four soft"),
        ("list_item", "item"),
        ("list_item", "line"),
    ]
    assert spans(doc) == [("em", "two", ""), ("em", "three", "")]


def test_entities_and_escapes():
    doc = md("&amp; &copy; &#x1F600; &#35; \\*not em\\* e&#x301; &bogus;")
    assert doc.text == "& © 😀 # *not em* é &bogus;"


def test_images_keep_alt_text_only():
    doc = md("Look: ![a *red* fox](https://img.example/fox.png \"title\") ![](https://img.example/empty.png)")
    assert doc.text == "Look: a red fox"
    assert "img.example" not in doc.text + "".join(s.href for s in doc.spans)


def test_thematic_breaks_are_dropped():
    assert lines(md("a\n\n***\n\nb\n\n- - -\n")) == [("paragraph", "a"), ("paragraph", "b")]


def test_raw_html_in_markdown():
    doc = md(
        "Intro\n\n<script>\nalert('MD_SCRIPT')\n</script>\n\n"
        "<style>.MD_STYLE {}</style>\n\n"
        "Text <script>alert('INLINE_SCRIPT')</script> and <span onclick=\"alert('ONCLICK')\">span</span>.<br>Next\n\n"
        "<div onclick=\"alert('DIV')\"><p>div <b>text</b></p><iframe src='http://evil.example'>FRAME</iframe></div>\n\n"
        "- item\n\n  <p>html para in item</p>\n\n> <p>html in quote</p>\n"
    )
    assert lines(doc) == [
        ("paragraph", "Intro"),
        ("paragraph", "Text  and span."),
        ("paragraph", "Next"),
        ("paragraph", "div text"),
        ("list_item", "item"),
        ("list_item", "html para in item"),
        ("quote", "html in quote"),
    ]
    assert spans(doc) == [("strong", "text", "")]
    for word in ("SCRIPT", "STYLE", "alert", "ONCLICK", "FRAME", "evil"):
        assert word not in doc.text


def test_front_matter():
    doc = md(
        "---\ntitle: \"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"\nauthor: [Ann, Bob]\noutlet: The Daily\n"
        "source: https://news.example/a\ndate: 2023-08-01\ntags: [x, y]\n---\n# Heading\n\nBody.\n"
    )
    meta = doc.metadata
    assert meta.title == '=HYPERLINK("http://x","y")'
    assert (meta.author, meta.outlet, meta.source_url, meta.published) == (
        "Ann, Bob",
        "The Daily",
        "https://news.example/a",
        "2023-08-01",
    )
    assert lines(doc) == [("heading", "Heading"), ("paragraph", "Body.")]


def test_front_matter_values_and_preferences():
    doc = md(
        "---\nTitle: 42\npublished: 2024-02-03 10:20:30\ndate: 1999-01-01\nurl: javascript:alert(1)\n...\nText\n"
    )
    meta = doc.metadata
    assert (meta.title, meta.published, meta.source_url) == ("42", "2024-02-03T10:20:30", "")
    assert doc.text == "Text"


def test_front_matter_formula_is_kept_verbatim():
    doc = md("---\ntitle: '=1+2'\nauthor: '@SUM(A1:A2)'\n---\nbody")
    assert (doc.metadata.title, doc.metadata.author) == ("=1+2", "@SUM(A1:A2)")


@pytest.mark.parametrize(
    "front",
    ["title: [unclosed\n", "title: x\n  bad: indent\n: nothing\n", "date: 2023-02-30\n", "title: *undefined_alias\n"],
)
def test_malformed_front_matter_is_refused(front):
    with pytest.raises(ImportRefused) as info:
        import_bytes(f"---\n{front}---\nBody\n".encode(), name="fm.md")
    assert str(info.value) == "fm.md: the front matter at the top is not valid YAML."


def test_leading_rule_is_not_front_matter():
    doc = md("---\n*Emphasis* first\n---\nafter\n")
    assert "Emphasis first" in doc.text
    assert doc.metadata.title != ""


def test_unicode_offsets_are_code_points():
    source = (
        "# 𝐀 heading 😀\n\n"
        "Emoji *😀* ZWJ **👩‍👩‍👧** flag `🇫🇷` astral [𠀀](https://x.org/𠀀) "
        "combining *e\u0301* arabic *مرحبا* hebrew **שלום עולם** end\n"
    )
    doc = md(source)
    assert doc.text == (
        "𝐀 heading 😀\n"
        "Emoji 😀 ZWJ 👩‍👩‍👧 flag 🇫🇷 astral 𠀀 combining é arabic مرحبا hebrew שלום עולם end"
    )
    assert spans(doc) == [
        ("em", "😀", ""),
        ("strong", "👩‍👩‍👧", ""),
        ("code", "🇫🇷", ""),
        ("link", "𠀀", "https://x.org/%F0%A0%80%80"),
        ("em", "é", ""),
        ("em", "مرحبا", ""),
        ("strong", "שלום עולם", ""),
    ]
    assert unicodedata.is_normalized("NFC", doc.text)


def test_combining_mark_across_a_span_boundary_composes():
    doc = md("*e*\u0301 and e<b>\u0301</b>")
    assert doc.text == "é and é"
    for span in doc.spans:
        assert 0 <= span.start < span.end <= len(doc.text)


@pytest.mark.parametrize(
    "source",
    [
        "- " * 5000 + "deep item\n\nafter",
        "> " * 5000 + "deep item\n\nafter",
        ">" * 5000 + " deep item\n\nafter",
        "1. " * 5000 + "deep item\n\nafter",
        "".join("  " * i + f"- level {i}\n" for i in range(400)) + "\ndeep item\n\nafter",
        "[" * 5000 + "deep item" + "](x)" * 5000 + "\n\nafter",
        "*" * 5000 + "deep item" + "*" * 5000 + "\n\nafter",
    ],
    ids=["lists", "quotes", "quotes-compact", "ordered", "indented-lists", "links", "emphasis"],
)
def test_deep_nesting_does_not_crash(source):
    try:
        doc = md(source, name="deep.md")
    except ImportRefused as exc:  # acceptable, if it says so plainly
        assert str(exc).startswith("deep.md: ")
        return
    assert "deep item" in doc.text
    assert doc.text.endswith("after")
    assert max(b.level for b in doc.blocks) <= 40
    assert max(b.quote_depth for b in doc.blocks) <= 60


def test_moderate_nesting_keeps_structure():
    doc = md("".join("  " * i + f"- level {i}\n" for i in range(15)))
    assert [b.level for b in doc.blocks] == list(range(1, 16))


def test_crlf_and_tabs():
    doc = md("Line one\r\nline two\r\n\r\n- item\r\n")
    assert lines(doc) == [("paragraph", "Line one line two"), ("list_item", "item")]


def test_markdown_import_parses_once_and_skips_canonical_text(monkeypatch):
    """What keeps import close to markdown-it-py's own speed (the figure is
    ``import_ratio`` in bench/run.py): the text is parsed once, and text that
    is already canonical is not canonicalised again, character by character."""
    from desktop_app.core.importers import _common

    chunk = (
        "# Heading {i}\n\nSome *emphasised* text with **strong words**, a [link](https://example.com/{i}) and "
        "`code`.\nIt continues with café and “quotes” 😀.\n\n- item one\n- item two\n  1. nested\n\n"
        "> A quote with **bold** text\n\n```python\ndef f(x):\n    return x * {i}\n```\n\n"
    )
    parses, canonicalised = [], []
    real_parse, real_canonicalize = MarkdownIt.parse, _common.canonicalize
    monkeypatch.setattr(MarkdownIt, "parse", lambda self, src, env=None: (parses.append(len(src)),
                                                                          real_parse(self, src, env))[1])
    monkeypatch.setattr(_common, "canonicalize", lambda text: (canonicalised.append(text),
                                                               real_canonicalize(text))[1])
    for copies in (10, 40):
        parses.clear()
        canonicalised.clear()
        source = "".join(chunk.format(i=i) for i in range(copies))
        doc = import_bytes(source.encode(), name="big.md")
        assert parses == [len(source)]  # one parse of the whole body, whatever its size
        assert canonicalised == []  # ordinary text takes the fast path
        assert len(doc.blocks) == 8 * copies  # heading, paragraph, 3 items, quote, code block… per chunk
    # text that does need it is still canonicalised
    import_bytes("# Title\n\nA form\x0cfeed and a line\u2028separator.\n".encode(), name="odd.md")
    assert canonicalised


def test_module_exports():
    assert set(importers.__all__) >= {"detect_format", "import_bytes", "import_file", "DEFAULT_MAX_BYTES", "FORMATS"}
