"""The HTML importer: structure, metadata, and everything that must not get through."""

from __future__ import annotations

import pytest

from desktop_app.core.document import canonicalize
from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import import_bytes
from desktop_app.core.importers.html import html_to_text_blocks


def load(html: str, name: str = "page.html"):
    doc = import_bytes(html.encode("utf-8"), name=name, whole_page=True)
    doc.check()
    assert canonicalize(doc.text) == doc.text
    assert doc.source_format == "html"
    for span in doc.spans:
        assert any(b.start <= span.start < span.end <= b.end for b in doc.blocks), span
    return doc


def lines(doc):
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def spans(doc):
    return [(s.kind, doc.text[s.start : s.end], s.href) for s in doc.spans]


def test_headings_paragraphs_and_whitespace_collapse():
    doc = load("<h1>Title</h1>\n<p>  Some\n   text\there,\n  spread out. </p><h3>Sub <em>head</em></h3>")
    assert lines(doc) == [("heading", "Title"), ("paragraph", "Some text here, spread out."), ("heading", "Sub head")]
    assert [b.level for b in doc.blocks] == [1, 0, 3]
    assert spans(doc) == [("em", "head", "")]


def test_non_breaking_space_is_kept_inside_text():
    doc = load("<p>10\u00a0km and&nbsp;more</p>")
    assert doc.text == "10\u00a0km and\u00a0more"


def test_inline_spans():
    doc = load(
        "<p>a <em>em</em> <i>i</i> <strong>strong</strong> <b>b</b> <code>x = 1</code> "
        "<s>s</s> <del>del</del> <strike>strike</strike> <a href='https://example.com/x?a=1&amp;b=2'>link</a> "
        "<b>bold <i>both</i></b></p>"
    )
    assert doc.text == "a em i strong b x = 1 s del strike link bold both"
    assert sorted(spans(doc)) == sorted(
        [
            ("em", "em", ""),
            ("em", "i", ""),
            ("strong", "strong", ""),
            ("strong", "b", ""),
            ("code", "x = 1", ""),
            ("strike", "s", ""),
            ("strike", "del", ""),
            ("strike", "strike", ""),
            ("link", "link", "https://example.com/x?a=1&b=2"),
            ("strong", "bold both", ""),
            ("em", "both", ""),
        ]
    )


def test_lists_nesting_and_numbers():
    doc = load(
        "<ul><li>one<li>two<ol start=5><li>five<li value=9>nine<li>ten</ol></ul>"
        "<ol><li><p>first para</p><p>second para</p></li><li>next</li></ol>"
    )
    got = [(doc.text[b.start : b.end], b.kind, b.level, b.ordered, b.number) for b in doc.blocks]
    assert got == [
        ("one", "list_item", 1, False, None),
        ("two", "list_item", 1, False, None),
        ("five", "list_item", 2, True, 5),
        ("nine", "list_item", 2, True, 9),
        ("ten", "list_item", 2, True, 10),
        ("first para", "list_item", 1, True, 1),
        ("second para", "list_item", 1, True, 1),
        ("next", "list_item", 1, True, 2),
    ]


def test_blockquotes_nest():
    doc = load("<blockquote><p>outer</p><blockquote>inner<h2>head</h2></blockquote></blockquote><p>out</p>")
    got = [(doc.text[b.start : b.end], b.kind, b.quote_depth) for b in doc.blocks]
    assert got == [("outer", "quote", 1), ("inner", "quote", 2), ("head", "heading", 2), ("out", "paragraph", 0)]


def test_pre_keeps_lines_and_spaces():
    doc = load('<pre><code class="language-python">\ndef f():\n\n    return  1\n</code></pre><p>after</p>')
    assert lines(doc) == [
        ("code", "def f():"),
        ("code", ""),
        ("code", "    return  1"),
        ("paragraph", "after"),
    ]
    assert {b.language for b in doc.blocks if b.kind == "code"} == {"python"}


def test_br_starts_a_new_block_of_the_same_kind():
    doc = load("<p>line one<br>line <b>two<br>three</b></p><ul><li>a<br/>b</li></ul><p>x<br><br><br>y</p>")
    assert lines(doc) == [
        ("paragraph", "line one"),
        ("paragraph", "line two"),
        ("paragraph", "three"),
        ("list_item", "a"),
        ("list_item", "b"),
        ("paragraph", "x"),
        ("paragraph", "y"),
    ]
    assert ("strong", "two", "") in spans(doc) and ("strong", "three", "") in spans(doc)


def test_divs_and_table_cells_separate_blocks():
    doc = load("<div>a<div>b</div>c</div><table><tr><td>cell 1<td>cell 2<tr><td>cell 3</table><section>s</section>")
    assert [t for _, t in lines(doc)] == ["a", "b", "c", "cell 1", "cell 2", "cell 3", "s"]


def test_entities_are_decoded():
    doc = load("<p>&lt;tag&gt; &amp; &eacute; &#x1F600; &#128512; e&#x301;</p>")
    assert doc.text == "<tag> & é 😀 😀 é"


def test_metadata_from_head():
    doc = load(
        "<!DOCTYPE html><html><head><title> The  Story\n</title>"
        '<meta name="author" content="Jane Doe">'
        '<meta property="og:site_name" content="The Daily">'
        '<meta property="article:published_time" content="2023-08-01T10:00:00Z">'
        '<link rel="canonical" href="https://news.example/story">'
        "</head><body><h1>Headline</h1><p>Body.</p></body></html>"
    )
    meta = doc.metadata
    assert (meta.title, meta.author, meta.outlet, meta.published, meta.source_url) == (
        "The Story",
        "Jane Doe",
        "The Daily",
        "2023-08-01T10:00:00Z",
        "https://news.example/story",
    )
    assert lines(doc) == [("heading", "Headline"), ("paragraph", "Body.")]


def test_metadata_fallbacks():
    doc = load('<meta name="date" content="2024-01-02"><meta property="og:url" content="https://x.example/">'
               '<meta property="og:title" content="OG title"><p>text</p>')
    assert (doc.metadata.title, doc.metadata.published, doc.metadata.source_url) == (
        "OG title",
        "2024-01-02",
        "https://x.example/",
    )
    assert load("<p>intro</p><h2>First heading</h2>").metadata.title == "First heading"
    assert load("<p>intro</p>", name="my_article-notes.html").metadata.title == "my article notes"


def test_head_without_end_tag_ends_at_body_content():
    doc = load("<html><head><title>T</title><p>visible text")
    assert doc.text == "visible text"
    assert doc.metadata.title == "T"


def test_text_left_in_head_starts_the_body():
    doc = load("<head><title>T</title>stray text</head><p>more</p>")
    assert lines(doc) == [("paragraph", "stray text"), ("paragraph", "more")]


HOSTILE = """<!DOCTYPE html><html><head>
<title>Safe title</title>
<script>var secret = "SCRIPT_ONE";</script>
<style>body { background: url(http://evil.example/bg.png) } .STYLE_ONE {}</style>
<meta http-equiv="refresh" content="0;url=http://evil.example/refresh">
<link rel="canonical" href="javascript:alert('CANONICAL')">
<link rel="stylesheet" href="http://evil.example/style.css">
</head>
<body onload="alert('ONLOAD')">
<h2 onclick="alert('ONCLICK')">Story</h2>
<p>Hello <img src="http://evil.example/pixel.gif" onerror="alert('ONERROR')"> world.</p>
<p><a href="javascript:alert('JSLINK')">js</a> <a href=" JaVaScRiPt:alert('JSLINK2')">js2</a>
<a href="java&#x09;script:alert('JSLINK3')">js3</a> <a href="&#106;avascript:alert('JSLINK4')">js4</a>
<a href="data:text/html,DATALINK">data</a> <a href="vbscript:msgbox('VBLINK')">vb</a>
<a href="file:///etc/passwd">file</a> <a href="mailto:someone@example.com">mail</a>
<a href="#notes">frag</a> <a href="../other.html">rel</a></p>
<iframe src="http://evil.example/frame">IFRAME_TEXT</iframe>
<form action="http://evil.example/post"><input value="FORM_VALUE"><button>FORM_BUTTON</button>FORM_TEXT</form>
<noscript>NOSCRIPT_TEXT</noscript><template>TEMPLATE_TEXT</template>
<svg><title>SVG_TITLE</title><text>SVG_TEXT</text><script>SVG_SCRIPT</script></svg>
<math><mi>MATH_TEXT</mi></math>
<object data="http://evil.example/obj">OBJECT_TEXT</object><embed src="http://evil.example/embed">
<video src="http://evil.example/v.mp4">VIDEO_TEXT</video><audio>AUDIO_TEXT</audio>
<select><option>SELECT_TEXT</option></select><textarea>TEXTAREA_TEXT</textarea>
<div hidden>HIDDEN_TEXT</div><span style="display: none">NONE_TEXT</span>
<div><iframe></div>IFRAME_ESCAPE</iframe>still here</div>
<script src="http://evil.example/x.js"/>SELF_CLOSED_SCRIPT</script>
<SCRIPT>UPPER_SCRIPT</SCRIPT><style/>SELF_CLOSED_STYLE</style>
<p>The end.</p>
<script>never closed UNCLOSED_SCRIPT
"""

FORBIDDEN = [
    "SCRIPT",
    "STYLE",
    "ONLOAD",
    "ONCLICK",
    "ONERROR",
    "JSLINK",
    "DATALINK",
    "VBLINK",
    "CANONICAL",
    "IFRAME",
    "FORM_",
    "NOSCRIPT",
    "TEMPLATE",
    "SVG",
    "MATH",
    "OBJECT",
    "VIDEO",
    "AUDIO",
    "SELECT",
    "TEXTAREA",
    "HIDDEN",
    "NONE_TEXT",
    "evil.example",
    "javascript",
    "alert",
    "passwd",
    "secret",
]


def everything(doc) -> str:
    return "\n".join(
        [doc.text]
        + [s.href for s in doc.spans]
        + [b.language for b in doc.blocks]
        + list(doc.metadata.as_dict().values())
    )


def test_hostile_page_keeps_only_the_readable_text():
    doc = load(HOSTILE, name="hostile.html")
    assert lines(doc) == [
        ("heading", "Story"),
        ("paragraph", "Hello world."),
        ("paragraph", "js js2 js3 js4 data vb file mail frag rel"),
        ("paragraph", "still here"),
        ("paragraph", "The end."),
    ]
    assert sorted(s.href for s in doc.spans) == ["#notes", "../other.html", "mailto:someone@example.com"]
    assert doc.metadata.title == "Safe title"
    assert doc.metadata.source_url == ""
    found = everything(doc)
    for word in FORBIDDEN:
        assert word.lower() not in found.lower(), word


def test_images_keep_alt_text_never_the_url():
    doc = load('<p>See <img src="https://cdn.example/photo.jpg" alt="a red fox"> here.</p>')
    assert doc.text == "See a red fox here."
    assert "cdn.example" not in everything(doc)


def test_malformed_markup_does_not_break_the_parser():
    doc = load(
        "<p>one<p>two</b></i></div><![if IE]>ie<![endif]><p>three<!-- comment <p>no --></p>"
        "<!DOCTYPE x [ <!y> ]><p>four</p></html></html><p>five"
    )
    assert "one" in doc.text and "two" in doc.text and "three" in doc.text and "four" in doc.text
    assert doc.text.endswith("five")
    assert "comment" not in doc.text


def test_only_scripts_means_no_text():
    with pytest.raises(ImportRefused) as info:
        load("<html><head><script>x()</script></head><body><style>p{}</style></body></html>", name="blank.html")
    assert str(info.value) == "blank.html: the file has no text to annotate."


def test_deeply_nested_html_is_handled():
    doc = load("<div>" * 5000 + "<ul><li>" * 3000 + "deep <b>text</b>" + "</li></ul>" * 3000 + "</div>" * 5000)
    assert doc.text == "deep text"
    assert doc.blocks[0].level == 3000


def test_right_to_left_and_astral_text_offsets_are_code_points():
    doc = load("<p>שלום <b>עולם</b> — مرحبا <i>بالعالم</i> 𝐀<em>𠀀</em>👩‍👩‍👧<code>🇫🇷</code> e\u0301<s>x</s></p>")
    assert doc.text == "שלום עולם — مرحبا بالعالم 𝐀𠀀👩‍👩‍👧🇫🇷 éx"
    assert spans(doc) == [
        ("strong", "עולם", ""),
        ("em", "بالعالم", ""),
        ("em", "𠀀", ""),
        ("code", "🇫🇷", ""),
        ("strike", "x", ""),
    ]


def test_html_to_text_blocks_on_a_fragment():
    drafts = html_to_text_blocks("<p>a <b>b</b></p><script>x</script><li>item</li>")
    assert [(d.kind, d.text) for d in drafts] == [("paragraph", "a b"), ("list_item", "item")]
    assert drafts[0].spans == [("strong", 2, 3, "")]


def test_sniffed_html_without_extension():
    doc = import_bytes(b"  <!doctype html><title>x</title><p>hi</p>", name="download", whole_page=True)
    assert doc.source_format == "html"
    assert doc.text == "hi"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<div hidden><div>x</div>HIDDEN</div>visible", "visible"),
        ("<p>text <span hidden><div>x</div></span> more</p>", "text more"),
        ("<iframe><p>a<p>b</iframe>after", "after"),
        ("<head><title>T</title><noscript><p>NOSCRIPT</p></noscript></head><h1>H</h1>", "H"),
        ("<head><unknown><p>body", "body"),
    ],
)
def test_dropped_regions_end_at_their_own_end_tag(html, text):
    doc = load(html)
    assert doc.text == text
