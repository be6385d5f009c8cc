"""Turning a StructuredDocument into a QTextDocument.

The QTextDocument holds exactly the canonical text, block for block: block i
of the Qt document is ``doc.blocks[i]`` and a Qt position is the UTF-16 offset
of the canonical text. Everything else (heading sizes, list markers, quote
indents, code fonts, inline emphasis, links) is formatting.

The text goes in with one ``insertText`` call (Qt splits it into blocks at
each newline); only blocks that are not plain paragraphs and the inline spans
are then formatted, each with one or two Qt calls, so an article of ten
thousand paragraphs builds in a fraction of a second.

Claims are never painted into the document: see ``highlights.py``.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextList,
    QTextListFormat,
)

from desktop_app.core.document import Block, StructuredDocument

from desktop_app.qt.offsets import OffsetMap

LINE_HEIGHT_PERCENT = 140
PARAGRAPH_SPACING = 10.0  # pixels below each paragraph
QUOTE_INDENT = 22.0  # pixels per quote level
CODE_INDENT = 12.0
DOCUMENT_MARGIN = 18.0

# QTextFormat.FontSizeAdjustment scales with the document's default font, so
# headings follow zoom: 2 -> x1.5, 1 -> x1.2, 0 -> x1.0.
_HEADING_SIZE_ADJUSTMENT = {1: 2, 2: 1, 3: 1, 4: 0, 5: 0, 6: 0}
_HEADING_TOP_MARGIN = {1: 18.0, 2: 14.0, 3: 10.0}

_OPENABLE_SCHEMES = ("http", "https", "mailto")


class ReaderDocument(QTextDocument):
    """A QTextDocument that never loads any resource (images, style sheets),
    neither from the network nor from local files."""

    def loadResource(self, type: int, name: QUrl):  # noqa: A002 - Qt's name
        return None


def _palette() -> QPalette:
    app = QGuiApplication.instance()
    return QGuiApplication.palette() if app is not None else QPalette()


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` towards ``b``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def monospace_families() -> list[str]:
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    families = [f for f in fixed.families() if f] or [fixed.family()]
    for extra in ("monospace", "Courier New"):
        if extra not in families:
            families.append(extra)
    return families


class _Formats:
    """Block and character formats for one palette, built once per document."""

    def __init__(self, palette: QPalette) -> None:
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        self.muted = _mix(text, base, 0.35)
        self.code_background = _mix(base, text, 0.07)
        self.quote_background = _mix(base, text, 0.035)
        self.link = palette.color(QPalette.ColorRole.Link)
        self.mono = monospace_families()
        self._block_cache: dict[tuple, QTextBlockFormat] = {}
        self._char_cache: dict[tuple, QTextCharFormat | None] = {}
        self.paragraph = self.block_format(("paragraph", 0, 0))

    def block_format(self, key: tuple) -> QTextBlockFormat:
        fmt = self._block_cache.get(key)
        if fmt is None:
            kind, level, quote_depth = key
            fmt = QTextBlockFormat()
            fmt.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            fmt.setBottomMargin(PARAGRAPH_SPACING)
            left = QUOTE_INDENT * quote_depth
            if kind == "heading":
                fmt.setTopMargin(_HEADING_TOP_MARGIN.get(level, 8.0))
                fmt.setBottomMargin(PARAGRAPH_SPACING * 0.6)
                fmt.setLineHeight(120, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                fmt.setHeadingLevel(max(1, min(6, level or 1)))
            elif kind == "list_item":
                fmt.setBottomMargin(PARAGRAPH_SPACING * 0.4)
            elif kind == "code":
                fmt.setLineHeight(120, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                fmt.setBottomMargin(0.0)
                fmt.setBackground(self.code_background)
                left += CODE_INDENT
                fmt.setRightMargin(CODE_INDENT)
            if quote_depth and kind != "code":
                fmt.setBackground(self.quote_background)
            fmt.setLeftMargin(left)
            self._block_cache[key] = fmt
        return fmt

    def char_format(self, key: tuple) -> QTextCharFormat | None:
        """The whole-block character format, or None for plain paragraphs."""
        if key in self._char_cache:
            return self._char_cache[key]
        kind, level, quote_depth = key
        fmt: QTextCharFormat | None = None
        if kind == "heading" or kind == "code" or quote_depth:
            fmt = QTextCharFormat()
            if kind == "heading":
                fmt.setFontWeight(QFont.Weight.Bold)
                fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, _HEADING_SIZE_ADJUSTMENT.get(level, 0))
            elif kind == "code":
                fmt.setFontFamilies(self.mono)
                fmt.setFontFixedPitch(True)
                fmt.setFontStyleHint(QFont.StyleHint.Monospace)
            if quote_depth and kind != "code":
                fmt.setForeground(self.muted)
                if kind != "heading":
                    fmt.setFontItalic(True)
        self._char_cache[key] = fmt
        return fmt

    def span_format(self, kind: str, href: str) -> QTextCharFormat | None:
        fmt = QTextCharFormat()
        if kind == "em":
            fmt.setFontItalic(True)
        elif kind == "strong":
            fmt.setFontWeight(QFont.Weight.Bold)
        elif kind == "strike":
            fmt.setFontStrikeOut(True)
        elif kind == "code":
            fmt.setFontFamilies(self.mono)
            fmt.setFontFixedPitch(True)
            fmt.setBackground(self.code_background)
        elif kind == "link":
            fmt.setAnchor(True)
            fmt.setAnchorHref(href)
            fmt.setFontUnderline(True)
            fmt.setUnderlineColor(self.link)
            fmt.setForeground(self.link)
            if href:
                fmt.setToolTip(href)
        else:
            return None
        return fmt


def _list_format(block: Block) -> QTextListFormat:
    fmt = QTextListFormat()
    level = max(1, block.level)
    fmt.setIndent(level)  # quote depth is already in the block's left margin
    if block.ordered:
        fmt.setStyle(QTextListFormat.Style.ListDecimal)
        if block.number is not None:
            fmt.setStart(block.number)
    else:
        styles = (QTextListFormat.Style.ListDisc, QTextListFormat.Style.ListCircle, QTextListFormat.Style.ListSquare)
        fmt.setStyle(styles[(level - 1) % 3])
    return fmt


def build_document(
    doc: StructuredDocument,
    *,
    parent=None,
    offsets: OffsetMap | None = None,
    palette: QPalette | None = None,
) -> QTextDocument:
    """Build a read-only-ready QTextDocument whose text is ``doc.text``.

    ``offsets`` may be passed to reuse an OffsetMap of ``doc.text``;
    ``palette`` defaults to the application palette.
    """
    text = doc.text
    omap = offsets if offsets is not None else OffsetMap(text)
    formats = _Formats(palette if palette is not None else _palette())

    qdoc = ReaderDocument(parent)
    qdoc.setUndoRedoEnabled(False)
    qdoc.setDocumentMargin(DOCUMENT_MARGIN)
    qdoc.setIndentWidth(24.0)
    option = qdoc.defaultTextOption()
    option.setTabStopDistance(32.0)
    qdoc.setDefaultTextOption(option)

    cursor = QTextCursor(qdoc)
    cursor.beginEditBlock()
    cursor.setBlockFormat(formats.paragraph)
    cursor.setBlockCharFormat(QTextCharFormat())
    # One call inserts every block: Qt starts a new block at each "\n".
    cursor.insertText(text, QTextCharFormat())

    to_u16 = omap.to_utf16
    keep = QTextCursor.MoveMode.KeepAnchor
    # Open lists by nesting level; a list continues while its items do.
    lists: dict[int, tuple[QTextList, Block, int]] = {}
    for blk in doc.blocks:
        if blk.kind == "paragraph" and not blk.quote_depth:
            lists.clear()
            continue
        key = (blk.kind, blk.level if blk.kind in ("heading", "list_item") else 0, blk.quote_depth)
        start = to_u16(blk.start)
        cursor.setPosition(start)
        cursor.setBlockFormat(formats.block_format(key))
        cfmt = formats.char_format(key)
        if cfmt is not None:
            cursor.setBlockCharFormat(cfmt)
            if blk.end > blk.start:
                cursor.setPosition(to_u16(blk.end), keep)
                cursor.mergeCharFormat(cfmt)  # the block's own look (heading, code), never a claim
        if blk.kind == "list_item":
            level = max(1, blk.level)
            for deeper in [lv for lv in lists if lv > level]:
                del lists[deeper]
            current = lists.get(level)
            expected = None
            if current is not None:
                qlist, first, count = current
                expected = (first.number or 1) + count if first.ordered else None
                same = first.ordered == blk.ordered and first.quote_depth == blk.quote_depth
                if not same or (blk.ordered and blk.number is not None and blk.number != expected):
                    current = None
            if current is None:
                cursor.clearSelection()
                qlist = cursor.createList(_list_format(blk))
                lists[level] = (qlist, blk, 1)
            else:
                qlist, first, count = current
                qlist.add(cursor.block())
                lists[level] = (qlist, first, count + 1)
        else:
            lists.clear()

    for span in doc.spans:
        if span.end <= span.start:
            continue
        sfmt = formats.span_format(span.kind, span.href)
        if sfmt is None:
            continue
        cursor.setPosition(to_u16(span.start))
        cursor.setPosition(to_u16(span.end), keep)
        cursor.mergeCharFormat(sfmt)  # the source's emphasis or link, never a claim
    cursor.endEditBlock()
    qdoc.setModified(False)
    return qdoc


def is_openable_link(href: str) -> bool:
    """Only web and mail links are ever opened from a document."""
    url = QUrl(href)
    return url.isValid() and url.scheme().lower() in _OPENABLE_SCHEMES
