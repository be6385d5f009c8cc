"""Generated benchmark inputs: a novel-length Markdown document and claims
spread over it. Deterministic (fixed seeds), never downloaded."""

from __future__ import annotations

import random

WORDS = (
    "the studio strike writers actors netflix salary contract guild union streaming machine learning "
    "platform producer director audience camera script scene season episode likeness deepfake voice "
    "screen negotiation residuals pay health insurance picket line studio executive algorithm "
    "recommendation catalogue production budget festival premiere critic review dispute agreement "
    "clause protection regulation artificial intelligence generative model training data consent "
    "archive footage rights licence market share subscriber growth quarter revenue earnings report "
    "émigré café naïve façade São Paulo Zürich Kraków 東京 서울 Αθήνα Москва"
).split()


def novel_markdown(target_bytes: int, seed: int = 1) -> str:
    """Chapters with headings and paragraphs, some emphasis and links, a few
    characters outside the Basic Multilingual Plane; at least ``target_bytes``."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    chapter = 0
    while size < target_bytes:
        chapter += 1
        heading = f"## Chapter {chapter}: {' '.join(rng.choice(WORDS) for _ in range(4)).title()}\n\n"
        parts.append(heading)
        size += len(heading.encode())
        for _ in range(rng.randint(8, 20)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
            if rng.random() < 0.3:
                i = rng.randrange(len(words))
                words[i] = f"*{words[i]}*"
            if rng.random() < 0.1:
                i = rng.randrange(len(words))
                words[i] = f"[{words[i]}](https://example.org/{chapter})"
            if rng.random() < 0.05:
                words.insert(rng.randrange(len(words)), "😀")
            paragraph = " ".join(words).capitalize() + ".\n\n"
            parts.append(paragraph)
            size += len(paragraph.encode())
    return "".join(parts)


def spans(text_length: int, count: int, seed: int = 2) -> list[tuple[int, int]]:
    """``count`` claim spans spread evenly over a text, with some overlaps."""
    rng = random.Random(seed)
    step = max(1, (text_length - 200) // max(count, 1))
    result = []
    for i in range(count):
        start = min(text_length - 2, i * step + rng.randrange(0, max(1, step // 2)))
        end = min(text_length, start + rng.randint(20, 160))
        result.append((start, end))
    return result


def news_page(seed: int = 3, article_words: int = 1200) -> bytes:
    """A saved news page shaped like a real one: a few hundred KB of head
    metadata, inline styles and scripts, a mega-menu, a cookie banner, the
    article (headings, paragraphs with links and emphasis, a list, a quote),
    related-article cards, comments and a footer with many links."""
    rnd = random.Random(seed)

    def sentence(n: int) -> str:
        words = [rnd.choice(WORDS) for _ in range(n)]
        return " ".join(words).capitalize() + "."

    def paragraph(words: int) -> str:
        out, left = [], words
        while left > 0:
            n = min(left, rnd.randint(8, 22))
            out.append(sentence(n))
            left -= n
        text = " ".join(out)
        cut = text.find(" ", len(text) // 3)
        if cut > 0:
            text = f'{text[:cut]} <a href="https://news.example/story/{rnd.randint(1, 9999)}">{text[cut + 1:cut + 12]}</a>{text[cut + 12:]}'
        return text.replace(" the ", " <em>the</em> ", 1)

    head = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Studio talks stall over machine learning clause | The Daily Example</title>",
        "<meta name='author' content='Jordan Example'><meta property='og:site_name' content='The Daily Example'>",
        "<meta property='article:published_time' content='2026-11-30T08:00:00Z'>",
        "<link rel='canonical' href='https://news.example/business/2026/11/30/studio-talks-stall'>",
        "<style>" + "".join(f".c{i}{{margin:{i % 9}px;padding:{i % 7}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
                            for i in range(2500)) + "</style>",
        "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":\"Studio talks stall\"}</script>",
    ]
    for i in range(12):  # bundled scripts, as pages inline them
        body = ";".join(f"function f{i}_{j}(a,b){{return a*{j}+b.length-{i}}}" for j in range(400))
        head.append(f"<script>{body}</script>")
    head.append("</head>")
    menu = ["<body><div class='cookie-banner'><p>We and our 842 partners use cookies to store and access "
            "information on your device. Accept all to continue.</p><button>Accept all</button></div>",
            "<header><nav class='mega-menu'><ul>"]
    for section in range(16):
        menu.append(f"<li><a href='/s{section}'>Section {section}</a><ul>")
        menu.extend(f"<li><a href='/s{section}/t{t}'>{rnd.choice(WORDS).title()} {rnd.choice(WORDS)}</a></li>"
                    for t in range(30))
        menu.append("</ul></li>")
    menu.append("</ul></nav></header>")
    svg = "<svg viewBox='0 0 24 24'>" + "".join(f"<path d='M{i} {i}L{i + 3} {i + 5}Z'/>" for i in range(40)) + "</svg>"
    article = ["<main><article><h1>Studio talks stall over machine learning clause</h1>",
               "<p class='byline'>By Jordan Example · 30 November 2026</p>"]
    written = 0
    part = 0
    while written < article_words:
        if part and part % 4 == 0:
            article.append(f"<h2>{sentence(5)[:-1]}</h2>")
        if part == 3:
            article.append("<ul>" + "".join(f"<li>{sentence(9)}</li>" for _ in range(4)) + "</ul>")
        if part == 6:
            article.append(f"<blockquote><p>{sentence(20)}</p></blockquote>")
        n = rnd.randint(40, 90)
        article.append(f"<p>{paragraph(n)}</p>")
        written += n
        part += 1
    article.append("<div class='share'>" + svg * 4 + "<a href='/share'>Share</a></div></article>")
    related = ["<aside class='related'><h2>More from The Daily Example</h2>"]
    related.extend(f"<div class='card'><a href='/r{i}'><img src='/i{i}.jpg' alt=''>{sentence(8)}</a>"
                   f"<p>{sentence(14)}</p></div>" for i in range(60))
    related.append("</aside><section class='comments'><h2>Comments</h2>")
    related.extend(f"<div class='comment'><b>reader{i}</b><p>{sentence(rnd.randint(6, 30))}</p></div>"
                   for i in range(120))
    related.append("</section></main>")
    footer = ["<footer><nav>"]
    footer.extend(f"<a href='/f{i}'>{rnd.choice(WORDS).title()}</a> " for i in range(300))
    footer.append("</nav><p>© 2026 The Daily Example. All rights reserved.</p></footer>")
    footer.append("<script>" + ";".join(f"window.t{i}=Date.now()+{i}" for i in range(3000)) + "</script>")
    footer.append("</body></html>")
    return "".join(head + menu + article + related + footer).encode("utf-8")


SPEAKERS = ("Anna", "Pierre", "Natasha", "the old prince", "Dolokhov", "Marya", "Denisov", "the countess",
            "Rostov", "Sonya", "the general", "Bilibin")
SAID = ("said", "asked", "replied", "cried", "whispered", "answered", "went on", "muttered")
NARRATION = (
    "He looked at her and said nothing.", "The door opened.", "She turned away toward the window.",
    "There was a silence in the drawing room.", "Outside, the snow had begun again.",
    "Nobody answered.", "He smiled, and the smile changed his whole face.", "The clock struck nine.",
    "She took his hand—then let it go.", "It was already dark when the carriage came round.",
    "The officers laughed.", "He did not understand, and did not want to.",
)


def dialogue_novel(target_bytes: int, seed: int = 21) -> str:
    """A novel shaped like most real ones: many short paragraphs, most of them
    lines of dialogue in curly quotes with em dashes and now and then an
    italic word, chapter headings, scene breaks, a few astral characters; one
    paragraph per line and a blank line between paragraphs (Markdown that
    also reads as plain text). At least ``target_bytes``; 3.2 MB gives about
    65,000 lines."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    chapter = 0

    def words(n: int) -> str:
        out = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.12:
            i = rng.randrange(n)
            out[i] = f"*{out[i]}*"
        return " ".join(out)

    while size < target_bytes:
        chapter += 1
        piece = [f"## Chapter {chapter}", ""]
        for _ in range(rng.randint(150, 260)):
            r = rng.random()
            if r < 0.55:  # a line of dialogue
                first = words(rng.randint(2, 9)).capitalize()
                line = f"\u201c{first},\u201d {rng.choice(SAID)} {rng.choice(SPEAKERS)}."
                if rng.random() < 0.5:
                    line += f" \u201c{words(rng.randint(2, 10)).capitalize()}\u2014{words(rng.randint(1, 6))}?\u201d"
            elif r < 0.65:  # a reply of a few words
                line = f"\u201c{words(rng.randint(1, 4)).capitalize()}!\u201d"
            elif r < 0.93:  # a short paragraph of narration
                line = " ".join(rng.choice(NARRATION) for _ in range(rng.randint(1, 3)))
                if rng.random() < 0.5:
                    line += f" {words(rng.randint(4, 16)).capitalize()}."
            elif r < 0.97:
                line = "* * *"
            else:
                line = f"{rng.choice(NARRATION)} \u2014 {words(5)} \U0001F56F\ufe0f"
            piece.extend((line, ""))
        chunk = "\n".join(piece) + "\n"
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts)


TITLE_EXTRAS = ("Zürich", "café", "São Paulo", "東京", "서울", "Αθήνα", "Москва", "😀", "naïve", "Kraków")
OUTLETS = ("The Daily Example", "Le Monde d'exemple", "Ежедневный пример", "例の新聞", "")


def article_text(rng: random.Random, words: int) -> str:
    """An article of about ``words`` words in paragraphs (one per line)."""
    lines, left = [], words
    while left > 0:
        n = min(left, rng.randint(40, 90))
        lines.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        left -= n
    return "\n".join(lines)


def build_project(path, documents: int, claims_per_document: int, words: int, seed: int = 16) -> None:
    """A project of ``documents`` articles of about ``words`` words, each with
    ``claims_per_document`` claims spread over it and tagged from the default
    codebook, made through the store's public API (add_document,
    add_claims_bulk), in batches of documents per transaction."""
    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
    from desktop_app.core.store import Store

    rng = random.Random(seed)
    with Store.open(path, seed=False) as store:
        tag_ids = [t.id for t in store.list_tags()]
        batch = 250
        for first in range(0, documents, batch):
            with store.transaction():
                for i in range(first, min(documents, first + batch)):
                    text = article_text(rng, words)
                    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
                    if i % 7 == 0:
                        title += " " + TITLE_EXTRAS[i % len(TITLE_EXTRAS)]
                    meta = Metadata(title=f"{title} ({i + 1})", outlet=OUTLETS[i % len(OUTLETS)],
                                    published=f"20{10 + i % 16:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}")
                    doc = StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text",
                                             sha256=f"{i:064x}", metadata=meta)
                    doc_id = store.add_document(doc, original_name=f"article{i + 1}.txt").id
                    cut = spans(len(text), claims_per_document, seed=i)
                    half = len(cut) // 2
                    for part, tags in ((cut[:half], tag_ids[i % len(tag_ids):][:1]),
                                       (cut[half:], tag_ids[(i + 1) % len(tag_ids):][:2])):
                        if part:
                            store.add_claims_bulk(doc_id, part, tags)
