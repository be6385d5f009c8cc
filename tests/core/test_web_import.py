"""Web pages: the article and not the page, fetching by address (against a
server on 127.0.0.1), and the source kept as read."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timezone
from pathlib import Path

import pytest
from webserver import web_server  # noqa: F401  (the fixture)

from desktop_app import __version__
from desktop_app.core.errors import Cancelled, FetchFailed
from desktop_app.core.importers import (
    NO_ARTICLE,
    import_bytes,
    import_file,
    import_summary,
    import_url,
)

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"
HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
MB = 1024 * 1024


def blocks(doc):
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def spans(doc):
    return [(s.kind, doc.text[s.start : s.end], s.href) for s in doc.spans]


# ------------------------------------------------------------- the article
BOILERPLATE = [
    "cookies", "Accept all", "Subscribe", "Sign in", "Breaking:", "Related stories", "shipyard site sold",
    "Most read", "cycle lanes", "harbourwatcher", "grandfather", "Who pays for the treatment",
    "morning briefing", "All rights reserved", "Privacy policy", "Share on social", "Topics:",
]


def test_the_article_is_kept_and_the_page_around_it_left_out():
    doc = import_file(WEB / "harbour-herald.html")
    doc.check()
    assert doc.source_format == "web"
    text = doc.text
    for kept in (
        "The port authority has postponed the dredging of the outer channel",
        "measured cadmium at 2.4 milligrams per kilogram",
        "Larger container ships will have to wait for high tide",
        "A decision is expected in February.",
        "Leah Moreno of the Coastal Trust",
    ):
        assert kept in text
    for gone in BOILERPLATE:
        assert gone not in text, gone
    assert blocks(doc)[4:10] == [
        ("heading", "What the delay means for shipping"),
        ("paragraph", blocks(doc)[5][1]),
        ("list_item", "Vessels with a draught above 11 metres must book a tidal window."),
        ("list_item", "Two scheduled services will call at the neighbouring port instead."),
        ("list_item", "The ferry timetable is not affected."),
        ("quote", "Every month of delay pushes cargo to our competitors, and the jobs go with it."),
    ]
    assert doc.blocks[4].level == 2 and doc.blocks[9].quote_depth == 1
    assert spans(doc) == [
        ("em", "higher than expected", ""),
        ("link", "full survey", "https://harbourherald.example/documents/silt-survey.pdf"),
        ("strong", "Ingrid Solberg", ""),
    ]
    meta = doc.metadata
    assert meta.title == "Port authority delays dredging after survey finds contaminated silt"
    assert meta.author == "Maya Okafor"
    assert meta.outlet == "The Harbour Herald"
    assert meta.published == "2026-11-18"
    assert meta.source_url == "https://harbourherald.example/news/2026/11/port-dredging-delayed"
    assert 0.3 < doc.left_out < 0.7
    words = len(text.split())
    assert import_summary(doc) == (
        f"Kept the article: {words:,} words; left out {round(doc.left_out * 100)}% of the page (navigation, footers…)."
    )


def test_a_page_without_article_markup_numbered_lists_and_astral_characters():
    doc = import_file(WEB / "valley-courier.html")
    doc.check()
    assert doc.metadata.title == "Rail line to reopen in 2028 as funding is confirmed 🚆"
    assert (doc.metadata.author, doc.metadata.outlet, doc.metadata.published) == ("Ana Ruiz", "Valley Courier", "2026-12-01")
    items = [(b.number, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "list_item"]
    assert items == [(1, "Track renewal and signalling: 2026–2027"), (2, "Station construction: 2027"),
                     (3, "Test running: spring 2028")]
    assert all(b.ordered for b in doc.blocks if b.kind == "list_item")
    for gone in ("You may also like", "railfan77", "Do the maths", "Christmas market", "Advertisement",
                 "cookie policy", "Family notices", "Valley Media Ltd"):
        assert gone not in doc.text, gone
    # offsets are code points: the astral character counts once
    start = doc.text.index("𝄞")
    assert doc.text[start : start + 1] == "𝄞"
    link = next(s for s in doc.spans if s.kind == "link")
    assert doc.text[link.start : link.end] == "appraisal"


def test_whole_page_on_request():
    whole = import_file(WEB / "harbour-herald.html", whole_page=True)
    article = import_file(WEB / "harbour-herald.html")
    assert whole.source_format == "html" and whole.left_out == 0.0
    assert "Related stories" in whole.text and "harbourwatcher" in whole.text
    assert len(whole.text) > len(article.text)
    assert import_summary(whole) == ""


def test_no_article_falls_back_to_the_whole_page_and_says_so():
    doc = import_bytes("<html><body><footer><p>Contact us 📝</p><p>Privacy</p></footer></body></html>".encode(),
                       name="menu.html")
    assert doc.source_format == "html"
    assert doc.text == "Contact us 📝\nPrivacy"
    assert doc.notice == NO_ARTICLE
    assert import_summary(doc) == NO_ARTICLE


FORBIDDEN = re.compile(r"evil\.example|javascript|alert|SCRIPT|STYLE|IFRAME|FORM_|SVG_|OBJECT_|VIDEO_|NOSCRIPT|HIDDEN",
                       re.IGNORECASE)


@pytest.mark.parametrize("name", ["hostile-page.html", "billion-laughs.html", "sniffed-page"])
def test_hostile_pages_stay_harmless_as_articles(name, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("parsing a page must never open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    doc = import_file(HOSTILE / name)
    doc.check()
    found = "\n".join([doc.text, *(s.href for s in doc.spans), *doc.metadata.as_dict().values()])
    assert FORBIDDEN.search(found) is None, found
    if name == "hostile-page.html":
        assert doc.source_format == "web" and doc.spans == []
        assert "First paragraph stays." in doc.text and "Last paragraph." in doc.text


def test_every_import_keeps_the_file_as_read():
    data = (WEB / "harbour-herald.html").read_bytes()
    before = datetime.now(UTC).replace(microsecond=0)
    doc = import_file(WEB / "harbour-herald.html")
    original = doc.original
    assert original.data == data
    assert (original.media_type, original.file_name, original.address) == ("text/html", "harbour-herald.html", "")
    when = datetime.strptime(original.retrieved_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= when <= datetime.now(UTC)
    md = import_bytes("# Note 😀\n\nText.\n".encode(), name="note.md")
    assert (md.original.media_type, md.original.file_name, md.original.data) == (
        "text/markdown", "note.md", "# Note 😀\n\nText.\n".encode())


# ------------------------------------------------------------ by address
def test_a_page_by_address_keeps_bytes_final_address_and_time(web_server):
    before = datetime.now(UTC).replace(microsecond=0)
    doc = import_url(web_server.url("/redirect/3"), max_bytes=MB)
    final = web_server.url("/news/harbour")
    assert doc.source_format == "web"
    assert doc.metadata.title.startswith("Port authority delays dredging")
    assert doc.original.data == (WEB / "harbour-herald.html").read_bytes()
    assert (doc.original.media_type, doc.original.file_name, doc.original.address) == ("text/html", "", final)
    when = datetime.strptime(doc.original.retrieved_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= when <= datetime.now(UTC)
    agents = {r["headers"].get("User-Agent") for r in web_server.requests}
    assert len(agents) == 1 and next(iter(agents)).startswith(f"Marginalia/{__version__} ")
    assert [r["path"] for r in web_server.requests] == ["/redirect/3", "/redirect/2", "/redirect/1", "/news/harbour"]


def test_the_header_charset_decodes_the_page(web_server):
    doc = import_url(web_server.url("/latin1"), max_bytes=MB)
    assert "Le café crème coûte désormais" in doc.text
    assert doc.encoding.lower().replace("-", "").replace("_", "") in ("iso88591", "latin1", "cp1252", "windows1252")


def test_whole_page_by_address(web_server):
    doc = import_url(web_server.url("/news/harbour"), max_bytes=MB, whole_page=True)
    assert doc.source_format == "html" and "Related stories" in doc.text
    assert doc.original.address == web_server.url("/news/harbour")


def _refusal(web_server, path, **options) -> str:
    with pytest.raises(FetchFailed) as info:
        import_url(web_server.url(path), max_bytes=options.pop("max_bytes", MB), **options)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".") and message.count(". ") <= 1, message
    assert "Traceback" not in message and "httpx" not in message
    return message


def test_failures_are_one_sentence_each(web_server):
    assert "was not found on the server (404 Not Found)" in _refusal(web_server, "/missing")
    assert "failed to send the page (500 Internal Server Error)" in _refusal(web_server, "/broken")
    assert "redirects more than 5 times" in _refusal(web_server, "/loop")
    assert "redirects more than 5 times" in _refusal(web_server, "/redirect/6")
    assert "is not a web page but “application/zip”" in _refusal(web_server, "/file.zip")
    assert "larger than the 50 MB import limit" in _refusal(web_server, "/huge", max_bytes=50 * MB)
    assert "not http or https" in _refusal(web_server, "/to-ftp")


def test_exactly_five_redirects_still_arrive(web_server):
    doc = import_url(web_server.url("/redirect/5"), max_bytes=MB)
    assert doc.original.address.endswith("/news/harbour")


def test_a_slow_server_times_out(web_server):
    t0 = time.monotonic()
    message = _refusal(web_server, "/slow", total_timeout=0.5, connect_timeout=0.5)
    assert "took more than 0.5 seconds to send the page" in message
    assert time.monotonic() - t0 < 5


def test_an_endless_body_stops_at_the_limit(web_server):
    seen = []
    message = _refusal(web_server, "/endless", max_bytes=2 * MB, progress=lambda got, total: seen.append(got))
    assert "larger than the 2 MB import limit" in message
    assert len(seen) > 5 and max(seen) <= 2 * MB  # it streamed in pieces and stopped at the limit


def test_nothing_listening_is_one_sentence():
    import socket

    with socket.socket() as s:  # a port that was free a moment ago and has no server
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchFailed) as info:
        import_url(f"http://127.0.0.1:{port}/page", max_bytes=MB)
    assert str(info.value) == "127.0.0.1 could not be reached (no network, or the server is down or unknown)."


@pytest.mark.parametrize("address", ["ftp://example.org/a.html", "file:///etc/passwd", "javascript:alert(1)",
                                     "https://", "http:///path"])
def test_only_http_and_https_addresses(address):
    with pytest.raises(FetchFailed) as info:
        import_url(address, max_bytes=MB)
    assert "\n" not in str(info.value)


def test_cancel_stops_the_download(web_server):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        import_url(web_server.url("/endless"), max_bytes=50 * MB, cancelled=cancelled)


def test_cancelling_from_another_thread_ends_a_read_that_waits(web_server):
    """A server that sends nothing more: cancel() shuts the connection, the wait ends at once."""
    import threading

    from desktop_app.core.fetch import CancelToken

    token = CancelToken()
    started = threading.Event()
    outcome = []

    def run():
        try:
            import_url(web_server.url("/slow"), max_bytes=MB, cancelled=token,
                       progress=lambda got, total: started.set())
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            outcome.append(exc)

    worker = threading.Thread(target=run)
    t0 = time.monotonic()
    worker.start()
    assert started.wait(10)
    token.cancel()
    worker.join(10)
    assert not worker.is_alive() and time.monotonic() - t0 < 10
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def test_the_extractors_tree_maps_onto_blocks_and_spans():
    """Every element the extractor produces, mapped (nested lists, code, tables, line breaks, unsafe links)."""
    from lxml import etree

    from desktop_app.core.importers._common import assemble
    from desktop_app.core.importers.web import _Mapper

    body = etree.fromstring(
        "<body><head rend='h3'>Key <hi rend='#i'>points</hi> 𝐀</head>"
        "<list rend='ol'><item>first<list rend='ul'><item>inner <ref target='javascript:alert(1)'>bad</ref></item>"
        "</list></item><item>second <ref target='https://ok.example/'>good</ref></item></list>"
        "<quote><p>quoted <hi rend='#b'>bold</hi></p><quote>deeper</quote></quote>"
        "<p>line one<lb/>line two with <code>x = 1</code> and <del>gone</del></p>"
        "<code>def f():\n    return 1</code>"
        "<table><row><cell>Year</cell><cell>Cost</cell></row><row><cell>2026</cell><cell>£3.2m</cell></row></table>"
        "<graphic src='http://evil.example/x.png' alt='alt'/><p>end 😀</p></body>"
    )
    text, blocks, spans = assemble(_Mapper().run(body))
    got = [(b.kind, b.level, b.quote_depth, b.number, text[b.start : b.end]) for b in blocks]
    assert got == [
        ("heading", 3, 0, None, "Key points 𝐀"),
        ("list_item", 1, 0, 1, "first"),
        ("list_item", 2, 0, None, "inner bad"),
        ("list_item", 1, 0, 2, "second good"),
        ("quote", 0, 1, None, "quoted bold"),
        ("quote", 0, 2, None, "deeper"),
        ("paragraph", 0, 0, None, "line one"),
        ("paragraph", 0, 0, None, "line two with x = 1 and gone"),
        ("code", 0, 0, None, "def f():"),
        ("code", 0, 0, None, "    return 1"),
        ("paragraph", 0, 0, None, "Year | Cost"),
        ("paragraph", 0, 0, None, "2026 | £3.2m"),
        ("paragraph", 0, 0, None, "end 😀"),
    ]
    assert [(s.kind, text[s.start : s.end], s.href) for s in spans] == [
        ("em", "points", ""),
        ("link", "good", "https://ok.example/"),
        ("strong", "bold", ""),
        ("code", "x = 1", ""),
        ("strike", "gone", ""),
    ]
    assert "evil" not in text and "alt" not in text
