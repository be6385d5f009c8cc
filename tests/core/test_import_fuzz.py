"""Whatever the bytes, an import gives a valid document or an ImportRefused — nothing else."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.document import canonicalize
from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import import_bytes
from desktop_app.core.importers._common import clean

FORMATS = st.sampled_from(["markdown", "text", "html"])
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that tend to meet in awkward places: markup of both languages,
# line endings, characters canonicalize() changes, astral and combining ones.
PIECES = [
    "<", ">", "/", "!", "-", "[", "]", "(", ")", "*", "_", "`", "~", "#", "+", "=", ".", ":", "&", ";",
    '"', "'", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\r", "a", "b", "1", "\\",
    "<script>", "</script>", "<style>", "<p>", "</p>", "<pre>", "</pre>", "<li>", "<ol start=3>", "<ul>",
    "<br>", "<b>", "</b>", "<a href='javascript:x'>", "<a href=/r>", "</a>", "<title>", "<head>", "<iframe>",
    "<![if x]>", "<!DOCTYPE x [", "<!--", "-->", "<img alt=z>", "&#x301;", "&amp;", "&#0;", "&#x2028;",
    "- ", "> ", "1. ", "```", "~~~", "    ", "---\n", "title: x\n", "...\n", "[l](javascript:x)", "![i](u)",
    "\u0301", "e", "\u2028", "\x85", "\x0c", "\x00", "\x07", "\ufeff", "\ufdd0", "😀", "👩\u200d👧", "🇫🇷",
    "𝐀", "𠀀", "ש", "م", "\u00a0", "\u1100", "\u1161",
]
MARKUP = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


def check(data: bytes, fmt: str | None) -> None:
    try:
        doc = import_bytes(data, name="fuzz.bin", fmt=fmt)
    except ImportRefused as exc:
        assert str(exc).startswith("fuzz.bin: ")
        return
    doc.check()
    assert doc.text.strip()
    assert canonicalize(doc.text) == doc.text
    assert doc.metadata.title
    for block in doc.blocks:
        piece = doc.text[block.start : block.end]
        if doc.source_format != "text" and block.kind != "code":
            assert piece and piece == piece.strip()
    for span in doc.spans:
        assert any(b.start <= span.start < span.end <= b.end for b in doc.blocks)
        assert not span.href.lower().lstrip().startswith(("javascript:", "data:", "vbscript:"))
    for value in doc.metadata.as_dict().values():
        assert "\n" not in value


@FUZZ
@given(st.binary(max_size=400), st.one_of(st.none(), FORMATS))
def test_arbitrary_bytes(data, fmt):
    check(data, fmt)


@FUZZ
@given(st.text(max_size=300), FORMATS)
def test_arbitrary_text_as_utf8(text, fmt):
    check(text.encode("utf-8", "surrogatepass"), fmt)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP, FORMATS)
def test_markup_soup(text, fmt):
    check(text.encode("utf-8", "surrogatepass"), fmt)


@FUZZ
@given(MARKUP, st.sampled_from(["utf-16", "utf-8-sig", "utf-32", "cp1252"]))
def test_markup_soup_in_other_encodings(text, codec):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    check(data, "markdown")
    check(data, "html")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_is_canonicalize(text):
    assert clean(text) == canonicalize(text)
    assert unicodedata.is_normalized("NFC", clean(text))
