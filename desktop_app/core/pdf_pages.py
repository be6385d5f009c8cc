"""The pages of a PDF as printed: rendered to pixels, and the boxes of a
passage of the canonical text found on them (for the page view).

Every call holds ``PDFIUM_LOCK``: pdfium must not run in two threads at once.
The window calls this from its page-rendering thread only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from desktop_app.core.pdfium_lock import PDFIUM_LOCK

# between two letters of a quote the page may have a hyphen (or pdfium's
# marker for one) and a line break, where the canonical text joined the word
_BREAK = r"(?:[-\u00ad\u2010\ufffe\x02]\s*)?"


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A page's pixels, 32-bit BGRA rows (Qt's ARGB32 on little-endian
    machines), and its size in points."""

    index: int  # 0-based
    data: bytes
    width: int
    height: int
    stride: int
    points: tuple[float, float]


Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page, top-left origin


class PdfPages:
    """An open PDF (from the bytes kept with the document)."""

    def __init__(self, data: bytes, password: str | None = None) -> None:
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            self._pdf = pdfium.PdfDocument(data, password=password or None)
            self.page_count = len(self._pdf)

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._pdf.close()

    def render(self, index: int, width_px: int) -> RenderedPage:
        """Page ``index`` rendered ``width_px`` pixels wide."""
        from pypdfium2 import raw

        with PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                w, h = page.get_size()
                scale = max(0.05, min(width_px / max(w, 1.0), 8.0))
                bitmap = page.render(scale=scale, force_bitmap_format=raw.FPDFBitmap_BGRA, may_draw_forms=False)
                try:
                    data = bytes(bitmap.buffer)
                    return RenderedPage(index, data, bitmap.width, bitmap.height, bitmap.stride, (w, h))
                finally:
                    bitmap.close()
            finally:
                page.close()

    def boxes(self, index: int, quote: str) -> list[Box]:
        """The boxes of the lines where ``quote`` (text as in the canonical
        text) lies on page ``index``; empty if it is not there."""
        from pypdfium2 import raw

        pattern = _pattern(quote)
        if pattern is None:
            return []
        with PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                w, h = page.get_size()
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                    m = pattern.search(text)
                    if m is None:
                        return []
                    # pdfium counts in UTF-16 units
                    start = len(text[: m.start()].encode("utf-16-le")) // 2
                    last = len(text[: m.end() - 1].encode("utf-16-le")) // 2
                    c0 = raw.FPDFText_GetCharIndexFromTextIndex(textpage, start)
                    c1 = raw.FPDFText_GetCharIndexFromTextIndex(textpage, last)
                    if c0 < 0 or c1 < c0:
                        return []
                    rects = [textpage.get_rect(i) for i in range(textpage.count_rects(c0, c1 - c0 + 1))]
                finally:
                    textpage.close()
            finally:
                page.close()
        return [(left / w, 1 - top / h, right / w, 1 - bottom / h) for left, bottom, right, top in rects]

    def find(self, quote: str, start_page: int = 0) -> tuple[int, list[Box]] | None:
        """The first page from ``start_page`` on (then from the start) where
        ``quote`` is, and its boxes there."""
        order = list(range(start_page, self.page_count)) + list(range(min(start_page, self.page_count)))
        for index in order:
            found = self.boxes(index, quote)
            if found:
                return index, found
        return None


def _pattern(quote: str) -> re.Pattern | None:
    """A pattern matching ``quote`` on a page's text: any white space for
    white space, and a hyphen with a line break allowed inside a word."""
    quote = " ".join(quote.split())
    if not quote:
        return None
    quote = quote[:400]  # long claims: their beginning is enough to find them
    out = []
    for i, ch in enumerate(quote):
        if ch == " ":
            out.append(r"\s+")
            continue
        out.append(re.escape(ch))
        if ch.isalpha() and i + 1 < len(quote) and quote[i + 1].isalpha():
            out.append(_BREAK)
    return re.compile("".join(out))


def page_of(pages: list[int], offset: int) -> int:
    """The 0-based page that holds code point ``offset`` (pages: each page's start)."""
    return max(0, bisect_right(pages, offset) - 1) if pages else 0
