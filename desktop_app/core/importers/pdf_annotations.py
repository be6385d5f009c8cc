"""Highlights, underlines, strike-outs and notes readers made in a PDF (in
Acrobat, Preview, Okular, Zotero…), read from its annotations and placed on
the canonical text by their quote: the text under the marked areas."""

from __future__ import annotations

import ctypes
import logging
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from desktop_app.core.document import OfferedClaim, StructuredDocument
from desktop_app.core.importers._common import clean, clean_inline
from desktop_app.core.importers.pdf_dates import pdf_datetime

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Mark:
    """An annotation as found on a page, before it is placed."""

    kind: str
    quote: str
    note: str
    author: str
    created: str
    page: int  # 0-based


def _kinds() -> dict[int, str]:
    from pypdfium2 import raw

    return {
        raw.FPDF_ANNOT_HIGHLIGHT: "highlight",
        raw.FPDF_ANNOT_UNDERLINE: "underline",
        raw.FPDF_ANNOT_SQUIGGLY: "underline",
        raw.FPDF_ANNOT_STRIKEOUT: "strikeout",
        raw.FPDF_ANNOT_TEXT: "comment",
    }


def _string(annot, key: str) -> str:
    from pypdfium2 import raw

    name = ctypes.create_string_buffer(key.encode("ascii"))
    if not raw.FPDFAnnot_HasKey(annot, name):
        return ""
    size = raw.FPDFAnnot_GetStringValue(annot, name, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFAnnot_GetStringValue(annot, name, buffer, size)
    return bytes(memoryview(buffer).cast("B")).decode("utf-16-le", errors="replace").rstrip("\x00")


def read_marks(page, textpage, page_index: int) -> list[Mark]:
    """The reader's marks on one page (replies and pop-ups left aside)."""
    from pypdfium2 import raw

    kinds = _kinds()
    marks: list[Mark] = []
    irt = ctypes.create_string_buffer(b"IRT")
    for i in range(raw.FPDFPage_GetAnnotCount(page)):
        annot = raw.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            kind = kinds.get(raw.FPDFAnnot_GetSubtype(annot))
            if kind is None or raw.FPDFAnnot_HasKey(annot, irt):
                continue
            quote = _text_under(annot, textpage) if kind != "comment" else _line_near(annot, page, textpage)
            created = _string(annot, "M") or _string(annot, "CreationDate")
            marks.append(Mark(
                kind=kind,
                quote=quote,
                note=_string(annot, "Contents").strip(),
                author=" ".join(_string(annot, "T").split()),
                created=pdf_datetime(created) if created else "",
                page=page_index,
            ))
        except Exception:  # one unreadable annotation is left out, not the document
            log.warning("an annotation on page %d could not be read", page_index + 1, exc_info=True)
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return marks


def _text_under(annot, textpage) -> str:
    from pypdfium2 import raw

    areas = []
    for q in range(raw.FPDFAnnot_CountAttachmentPoints(annot)):
        quad = raw.FS_QUADPOINTSF()
        if raw.FPDFAnnot_GetAttachmentPoints(annot, q, ctypes.byref(quad)):
            xs = (quad.x1, quad.x2, quad.x3, quad.x4)
            ys = (quad.y1, quad.y2, quad.y3, quad.y4)
            areas.append((min(xs), min(ys), max(xs), max(ys)))
    if not areas:
        rect = raw.FS_RECTF()
        if raw.FPDFAnnot_GetRect(annot, ctypes.byref(rect)):
            areas.append((rect.left, min(rect.bottom, rect.top), rect.right, max(rect.bottom, rect.top)))
    pieces = []
    for left, bottom, right, top in areas:
        inset = (top - bottom) * 0.2  # marks reach a little into the lines above and below
        pieces.append(textpage.get_text_bounded(left, bottom + inset, right, top - inset))
    return " ".join(p.strip() for p in pieces if p.strip())


def _line_near(annot, page, textpage) -> str:
    """A note has no quote: the line of text beside (or just below) its icon."""
    from pypdfium2 import raw

    rect = raw.FS_RECTF()
    if not raw.FPDFAnnot_GetRect(annot, ctypes.byref(rect)):
        return ""
    top = max(rect.top, rect.bottom)
    width = page.get_width()
    for step in range(6):
        text = textpage.get_text_bounded(0, top - 20 * (step + 1), width, top - 20 * step).strip()
        if text:
            return text.splitlines()[0] if step else " ".join(text.split())
    return ""


_HYPHEN_END = ("-", "\u00ad", "\u2010")


def find_quote(text: str, quote: str, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """Where ``quote`` (text as the PDF gives it) lies in the canonical text:
    any run of white space matches any other, and a word hyphenated at a line
    end matches the joined word. The first match in ``[lo, hi)``, else
    anywhere, else None."""
    quote = unicodedata.normalize("NFC", clean_inline(quote.replace("\x02", "\u00ad")))
    words = quote.split()
    if not words:
        return None
    pieces = []
    for i, word in enumerate(words):
        hyphenated = i + 1 < len(words) and len(word) > 1 and word.endswith(_HYPHEN_END)
        pieces.append(re.escape(word[:-1] if hyphenated else word))
        if i + 1 < len(words):
            pieces.append(r"[-\u00ad\u2010]?\s*" if hyphenated else r"\s+")
    pattern = re.compile("".join(pieces))
    m = pattern.search(text, lo, len(text) if hi is None else hi) or pattern.search(text)
    return (m.start(), m.end()) if m and m.end() > m.start() else None


def place(marks: list[list[Mark]], doc: StructuredDocument) -> list[OfferedClaim]:
    """The marks as claims offered on the document's text (those whose quote
    is not in the text are left out, and logged)."""
    offered: list[OfferedClaim] = []
    text, starts = doc.text, doc.pages
    for page_marks in marks:
        for mark in page_marks:
            p = mark.page
            lo = starts[p] if p < len(starts) else 0
            hi = starts[p + 1] if p + 1 < len(starts) else len(text)
            where = find_quote(text, mark.quote, lo, min(len(text), hi + len(mark.quote) + 80))
            if where is None:
                log.info("a %s on page %d is not on the text and is left out", mark.kind, p + 1)
                continue
            start, end = where
            offered.append(OfferedClaim(
                start=start,
                end=end,
                quote=text[start:end],
                note=clean(mark.note),
                author=mark.author,
                kind=mark.kind,
                created=mark.created,
                page=bisect_right(starts, start) if starts else p + 1,
            ))
    return offered
