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
