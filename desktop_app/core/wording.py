"""Counts in sentences: "1 claim", "2 claims"."""

from __future__ import annotations

# Words whose plural is not the word and an "s".
_IRREGULAR = {"match": "matches", "passage": "passages", "copy": "copies", "entry": "entries", "its": "their",
              "time": "times", "this": "these", "it": "they"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: plural(1, "claim") == "1 claim"."""
    if n == 1:
        return f"{n} {word}"
    return f"{n} {many or _IRREGULAR.get(word) or word + 's'}"
