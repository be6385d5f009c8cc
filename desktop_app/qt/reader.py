"""The reading view: one document, read-only but selectable, with claims
painted over it and the keys, clicks and menu entries that tag them.

Offsets in and out of this widget are code points of the canonical text; the
conversion to Qt's UTF-16 positions happens here and nowhere else.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextEdit, QToolTip, QWidget

from desktop_app.core.document import Block, StructuredDocument
from desktop_app.core.rows import TagRow

from desktop_app.qt.highlights import HighlightLayer, HighlightSpan
from desktop_app.qt.swatches import swatch
from desktop_app.qt.offsets import OffsetMap
from desktop_app.qt.rendering import LINE_HEIGHT_PERCENT, build_document, is_openable_link

_KEYPAD = Qt.KeyboardModifier.KeypadModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_CTRL = Qt.KeyboardModifier.ControlModifier
_NO_MODS = Qt.KeyboardModifier.NoModifier
FIND_COLOR = QColor(255, 196, 0, 130)


_DIGITS = {Qt.Key.Key_1.value + i: i + 1 for i in range(9)}
_ZOOM_KEYS = {
    Qt.Key.Key_Plus.value: "zoom_in",
    Qt.Key.Key_Equal.value: "zoom_in",
    Qt.Key.Key_Minus.value: "zoom_out",
    Qt.Key.Key_Underscore.value: "zoom_out",
    Qt.Key.Key_0.value: "reset_zoom",
}
_DELETE_KEYS = {Qt.Key.Key_Delete.value, Qt.Key.Key_Backspace.value}


def _with_keys(label: str, key: QKeySequence.StandardKey) -> str:
    """A menu entry's label with the platform's keys for ``key`` after a tab."""
    keys = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
    return f"{label}\t{keys}" if keys else label


def _x_of(line, position: int) -> float:
    x = line.cursorToX(position)
    return float(x[0] if isinstance(x, tuple) else x)


def _key(event: QKeyEvent) -> int:
    k = event.key()
    return k.value if hasattr(k, "value") else int(k)


class ReaderView(QTextEdit):
    """Shows one StructuredDocument; see the module docstring."""

    tagKeyPressed = Signal(int)  # 1-9 pressed while text is selected
    claimClicked = Signal(int)  # a highlight was clicked (innermost claim)
    deleteRequested = Signal(int)  # Delete/Backspace while a claim is selected
    tagRequested = Signal(int)  # tag id chosen in the "Tag as…" menu
    selectedClaimChanged = Signal(object)  # int | None, after a click changed it
    zoomChanged = Signal(int)

    FLASH_MS = 1200
    FIND_CAP = 1000
    ZOOM_MIN = -5
    ZOOM_MAX = 12
    ZOOM_STEP = 0.1  # of the base font size per level
    WINDOW_MARGIN = 4000  # code points painted beyond the visible text, at least

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setAccessibleName("Document text")
        self.setAccessibleDescription("Select text and press 1 to 9 to tag it as a claim")
        # Called with a QUrl for Ctrl+click on a web or mail link.
        self.link_opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        # Gives the hover text of a claim whose span carries none (spans of a
        # long document are built without, and the text is asked for on hover).
        self.tooltip_provider: Callable[[int], str] | None = None
        self.claim_menu_provider: Callable[[QMenu, int], None] | None = None  # adds a claim's entries

        self._doc_id: int | None = None
        self._structured: StructuredDocument | None = None
        self._offsets = OffsetMap("")
        self._layer = HighlightLayer(self.document(), self._offsets)
        # Claims waiting for the team database, by document id (pending_edits.py).
        self._pending_by_doc: dict[int, list[HighlightSpan]] = {}
        self._tags: list[TagRow] = []
        self._press_pos: QPoint | None = None
        self._flash: list[QTextEdit.ExtraSelection] = []
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        self._find_text = ""
        self._find_sel: list[QTextEdit.ExtraSelection] = []
        self._find_starts: list[int] = []
        self._zoom = 0
        base = self.font()
        self._base_point_size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        self._rebuild_pending = False
        self._top_hint = 0  # the first block shown, last time it was looked for
        self.layout_probes = 0  # blocks measured to find what is shown (tests)
        self.verticalScrollBar().valueChanged.connect(self._update_window)

    # -- document ---------------------------------------------------------
    @property
    def document_id(self) -> int | None:
        return self._doc_id

    @property
    def canonical_text(self) -> str:
        return self._structured.text if self._structured is not None else ""

    @property
    def offsets(self) -> OffsetMap:
        return self._offsets

    @property
    def highlight_layer(self) -> HighlightLayer:
        return self._layer

    def show_document(self, doc_id: int, doc: StructuredDocument) -> None:
        self._doc_id = doc_id
        self._structured = doc
        self._offsets = OffsetMap(doc.text)
        self._top_hint = 0
        self._layer.set_document(None, self._offsets)
        self._layer.clear()
        self._layer.set_pending(self._pending_by_doc.get(doc_id, ()))
        self._flash_timer.stop()
        self._flash = []
        self._find_text, self._find_sel, self._find_starts = "", [], []
        self._install(doc)
        title = doc.metadata.title
        self.setAccessibleName(f"Document text: {title}" if title else "Document text")
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.verticalScrollBar().setValue(0)
        self._update_window()

    def clear_document(self) -> None:
        """Show nothing (e.g. after the document was removed)."""
        self.show_document(0, StructuredDocument(text="", blocks=[Block("paragraph", 0, 0)]))
        self._doc_id = None
        self._structured = None
        self.setAccessibleName("Document text")

    def clear(self) -> None:  # QTextEdit.clear would leave a stale document id
        self.clear_document()

    def _install(self, doc: StructuredDocument) -> None:
        self.setExtraSelections([])
        qdoc = build_document(doc, parent=self, offsets=self._offsets, palette=self.palette())
        qdoc.setDefaultFont(self.font())
        previous = self.document()
        ours = previous is not None and previous.parent() is self
        self.setDocument(qdoc)
        if ours and shiboken6.isValid(previous):
            previous.deleteLater()  # QTextEdit keeps a replaced document of ours alive otherwise
        self._layer.set_document(qdoc, self._offsets)
        if self.isVisible():  # until the view knows what it shows, paint the top
            self._layer.set_window(0, self.WINDOW_MARGIN)
        self._refresh()

    # -- the painted window ------------------------------------------------
    def _visible_range(self) -> tuple[int, int]:
        """Code points ``(first, last)`` of the text the viewport shows.

        Found from block and line geometry by galloping from the block found
        last time, then bisecting: a few dozen look-ups whatever the
        document's size. (``cursorForPosition`` tests every block after the
        point when the point falls in a margin or between paragraphs, which
        on a novel of 60,000 short paragraphs took a second.)"""
        doc = self.document()
        if doc.blockCount() == 0:
            return 0, 0
        y = float(self.verticalScrollBar().value())
        top_block = self._block_at(y, self._top_hint)
        self._top_hint = top_block.blockNumber()
        bottom_y = y + self.viewport().height()
        bottom_block = self._block_at(bottom_y, self._top_hint)
        lo = self._line_edge(top_block, y, end=False)
        hi = self._line_edge(bottom_block, bottom_y, end=True)
        lo, hi = min(lo, hi), max(lo, hi)
        return self._offsets.to_codepoint(lo), self._offsets.to_codepoint(hi, round_up=True)

    def _block_at(self, y: float, hint: int):
        """The first block whose bottom lies below document coordinate ``y``
        (the last block if none), searched from block number ``hint``. Only
        blocks up to about twice the distance from the hint are laid out."""
        doc = self.document()
        layout = doc.documentLayout()
        count = doc.blockCount()

        def below(n: int) -> bool:
            self.layout_probes += 1
            return layout.blockBoundingRect(doc.findBlockByNumber(n)).bottom() > y

        n = min(max(hint, 0), count - 1)
        step = 1
        if below(n):  # the answer is n or before it: gallop back
            lo, hi = n - 1, n
            while lo >= 0 and below(lo):
                hi = lo
                step *= 2
                lo = hi - step
            lo = max(lo, -1)
        else:  # after n: gallop forward
            lo, hi = n, n + 1
            while hi < count and not below(hi):
                lo = hi
                step *= 2
                hi = lo + step
            hi = min(hi, count)
        # below(lo) is False (or lo == -1), below(hi) is True (or hi == count)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if below(mid):
                hi = mid
            else:
                lo = mid
        return doc.findBlockByNumber(min(hi, count - 1))

    def _line_edge(self, block, y: float, *, end: bool) -> int:
        """The Qt position where the line of ``block`` at document ``y``
        starts (or ends, with ``end``); the block's edge if ``y`` is outside
        its lines."""
        text_layout = block.layout()
        lines = text_layout.lineCount()
        if lines == 0:
            return block.position() + (block.length() - 1 if end else 0)
        rel = y - self.document().documentLayout().blockBoundingRect(block).top()
        first, last = 0, lines - 1
        while first < last:  # the last line that starts at or above rel
            mid = (first + last + 1) // 2
            if text_layout.lineAt(mid).y() <= rel:
                first = mid
            else:
                last = mid - 1
        line = text_layout.lineAt(first)
        return block.position() + line.textStart() + (line.textLength() if end else 0)

    def _update_window(self, *_args) -> None:
        """Keep the highlights painted around what is visible: when the view
        scrolls or resizes past the painted window, move the window."""
        if self._structured is None or not self.isVisible():
            return
        lo, hi = self._visible_range()
        # Before the text is laid out, the bottom can read far off; no screen
        # shows more characters than fit its area in the current font.
        metrics = self.fontMetrics()
        viewport = self.viewport()
        fits = (viewport.width() // max(1, metrics.averageCharWidth()) + 1) * (
            viewport.height() // max(1, metrics.lineSpacing()) + 1
        )
        hi = min(hi, lo + 2 * fits)
        margin = max(self.WINDOW_MARGIN, 2 * (hi - lo))
        wanted = (max(0, lo - margin), hi + margin)
        window = self._layer.window
        if window is not None and window[0] <= lo and hi <= window[1]:
            if window[1] - window[0] <= 2 * (wanted[1] - wanted[0]):
                return  # still covers what is seen, and not needlessly large
        self._layer.set_window(*wanted)
        self._refresh()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_window()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._update_window()

    def loadResource(self, type: int, name: QUrl):  # noqa: A002 - Qt's name
        """Never load anything (images, style sheets), local or remote."""
        return None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            if self._structured is not None and not self._rebuild_pending:
                self._rebuild_pending = True
                QTimer.singleShot(0, self._rebuild_for_palette)

    def _rebuild_for_palette(self) -> None:
        """Formats carry palette colours: rebuild, keeping selection and scroll."""
        self._rebuild_pending = False
        if self._structured is None:
            return
        sel = self.selection_offsets()
        scroll = self.verticalScrollBar().value()
        find_text = self._find_text
        self._find_text, self._find_sel, self._find_starts, self._flash = "", [], [], []
        self._install(self._structured)
        if sel is not None:
            self.select_offsets(*sel)
        self.verticalScrollBar().setValue(scroll)
        if find_text:
            self._mark_matches(find_text)
            self._refresh()

    # -- highlights -------------------------------------------------------
    def set_highlights(self, spans: list[HighlightSpan]) -> None:
        self._layer.set_spans(spans)
        self._refresh()

    def upsert_highlight(self, span: HighlightSpan) -> None:
        self._layer.upsert(span)
        self._refresh()

    def remove_highlight(self, claim_id: int) -> None:
        self._layer.remove(claim_id)
        self._refresh()

    def set_pending_highlights(self, by_document: dict[int, list[HighlightSpan]]) -> None:
        """Claims waiting to be saved, by document id: those of the document
        shown are painted apart from the claims (see highlights.py), and kept
        through ``set_highlights`` and document changes until replaced."""
        self._pending_by_doc = {d: list(spans) for d, spans in by_document.items() if spans}
        spans = self._pending_by_doc.get(self._doc_id, ()) if self._doc_id is not None else ()
        if self._layer.set_pending(spans):
            self._refresh()

    @property
    def selected_claim(self) -> int | None:
        return self._layer.selected_claim

    def set_selected_claim(self, claim_id: int | None) -> None:
        self._layer.set_selected_claim(claim_id)
        self._refresh()
        self.viewport().update()  # the outline moves

    def claims_at(self, cp: int) -> list[int]:
        return self._layer.claims_at(cp)

    def selected_outline(self) -> list[QRectF]:
        """Rectangles (viewport coordinates) around each line of the selected
        claim's text inside the painted window: the claim is shown selected by
        this outline, its fill and line keep their tag's and status's look."""
        rects: list[QRectF] = []
        doc = self.document()
        layout = doc.documentLayout()
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        for lo, hi in self._layer.line_rects(self._layer.selected_claim):
            a, b = self._offsets.to_utf16(lo), self._offsets.to_utf16(hi)
            block = doc.findBlock(a)
            while block.isValid() and block.position() < b:
                origin = layout.blockBoundingRect(block).topLeft()
                text_layout = block.layout()
                for i in range(text_layout.lineCount()):
                    line = text_layout.lineAt(i)
                    start = block.position() + line.textStart()
                    end = start + line.textLength()
                    x0, x1 = max(a, start), min(b, end)
                    if x1 <= x0:
                        continue
                    left = _x_of(line, x0 - block.position())
                    right = _x_of(line, x1 - block.position())
                    rects.append(QRectF(origin.x() + min(left, right) - dx - 1, origin.y() + line.y() - dy,
                                        abs(right - left) + 2, line.height()))
                block = block.next()
        return rects

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        rects = self.selected_outline()
        if not rects:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Text), 1.5)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in rects:
            painter.drawRoundedRect(rect, 2, 2)
        painter.end()

    def _refresh(self) -> None:
        self.setExtraSelections(self._layer.selections() + self._find_sel + self._flash)

    # -- selection and scrolling ------------------------------------------
    def selection_offsets(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, widened to whole
        characters; None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.to_codepoint(cursor.selectionStart())
        end = self._offsets.to_codepoint(cursor.selectionEnd(), round_up=True)
        return (start, end) if end > start else None

    def _cursor_for(self, start: int, end: int | None = None) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        if end is not None:
            cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def select_offsets(self, start: int, end: int) -> None:
        self.setTextCursor(self._cursor_for(start, end))

    def scroll_to_offset(self, cp: int) -> None:
        """Scroll so that offset ``cp`` sits about a third down the view."""
        rect = self.cursorRect(self._cursor_for(cp))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)

    def flash(self, start: int, end: int) -> None:
        """Briefly mark ``[start, end)`` (e.g. after jumping to a claim)."""
        sel = QTextEdit.ExtraSelection()
        sel.cursor = self._cursor_for(start, end)
        fmt = QTextCharFormat()
        color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        color.setAlpha(150)
        fmt.setBackground(color)
        sel.format = fmt
        self._flash = [sel]
        self._refresh()
        self._flash_timer.start(self.FLASH_MS)

    @property
    def is_flashing(self) -> bool:
        return bool(self._flash)

    def _end_flash(self) -> None:
        self._flash = []
        self._refresh()

    # -- find -------------------------------------------------------------
    def find(self, text: str, backwards: bool = False, *, incremental: bool = False) -> bool:  # type: ignore[override]
        """Select the next match of ``text`` (case-insensitive, wrapping) and
        mark every match. ``incremental`` searches from the start of the
        current selection, so that typing extends the current match."""
        if not text:
            self.clear_find()
            return False
        if text != self._find_text:
            self._mark_matches(text)
            self._refresh()
        doc = self.document()
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        start = self.textCursor()
        if incremental and not backwards:
            start = QTextCursor(doc)
            start.setPosition(self.textCursor().selectionStart())
        found = doc.find(text, start, flags)
        if found.isNull():
            wrap = QTextCursor(doc)
            wrap.movePosition(QTextCursor.MoveOperation.End if backwards else QTextCursor.MoveOperation.Start)
            found = doc.find(text, wrap, flags)
        if not found.isNull():
            self.setTextCursor(found)
        return not found.isNull()

    def _mark_matches(self, text: str) -> None:
        self._find_text = text
        self._find_sel, self._find_starts = [], []
        doc = self.document()
        fmt = QTextCharFormat()
        fmt.setBackground(FIND_COLOR)
        cursor = doc.find(text, 0)
        while not cursor.isNull() and len(self._find_starts) < self.FIND_CAP:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format = fmt
            self._find_sel.append(sel)
            self._find_starts.append(cursor.selectionStart())
            cursor = doc.find(text, cursor)

    def find_status(self) -> tuple[int, int]:
        """``(current, total)``: the 1-based index of the selected match (0 if
        the selection is not a match) and how many were marked (capped)."""
        cursor = self.textCursor()
        pos = cursor.selectionStart() if cursor.hasSelection() else -1
        i = bisect_left(self._find_starts, pos)
        current = i + 1 if i < len(self._find_starts) and self._find_starts[i] == pos else 0
        return current, len(self._find_starts)

    def clear_find(self) -> None:
        self._find_text, self._find_sel, self._find_starts = "", [], []
        self._refresh()

    # -- tags and menu ----------------------------------------------------
    def set_tags(self, tags: list[TagRow]) -> None:
        self._tags = list(tags)

    def _swatch(self, color: str) -> QIcon:
        return swatch(color)

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The context menu at viewport position ``pos``; the caller executes
        and deletes it. On a highlight (with no text selected): only what is
        done with that claim. Elsewhere: Copy, Copy link address (on a link),
        Select all and "Tag as…" (with text selected)."""
        menu = QMenu(self)
        ids = self.claims_at_point(pos)
        provider = self.claim_menu_provider
        if ids and provider is not None and self.selection_offsets() is None:
            provider(menu, ids[0])
            if menu.actions():
                menu.setProperty("claim_id", ids[0])
                return menu
        copy = menu.addAction(_with_keys("&Copy", QKeySequence.StandardKey.Copy), self.copy)
        copy.setObjectName("textCopy")
        copy.setEnabled(self.textCursor().hasSelection())
        href = self.anchorAt(pos)
        if href:
            menu.addAction("Copy &link address", lambda: QApplication.clipboard().setText(href)).setObjectName(
                "textCopyLink")
        menu.addSeparator()
        menu.addAction(_with_keys("Select &all", QKeySequence.StandardKey.SelectAll),
                       self.selectAll).setObjectName("textSelectAll")
        menu.addSeparator()
        sub = menu.addMenu("Tag as…")
        sub.setObjectName("tagMenu")
        for tag in self._tags:
            label = f"{tag.name}\t{tag.key}" if tag.key else tag.name
            action = sub.addAction(self._swatch(tag.color), label)
            action.setData(tag.id)
            action.triggered.connect(lambda _checked=False, tid=tag.id: self.tagRequested.emit(tid))
        sub.setEnabled(bool(self._tags) and self.selection_offsets() is not None)
        return menu

    def contextMenuEvent(self, event) -> None:
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- keys -------------------------------------------------------------
    def _tag_digit(self, event: QKeyEvent) -> int | None:
        plain = (event.modifiers() & ~_KEYPAD) == _NO_MODS
        return _DIGITS.get(_key(event)) if plain else None

    def _zoom_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        name = _ZOOM_KEYS.get(_key(event)) if (event.modifiers() & ~(_KEYPAD | _SHIFT)) == _CTRL else None
        return getattr(self, name) if name else None

    def _is_delete(self, event: QKeyEvent) -> bool:
        return (event.modifiers() & ~_KEYPAD) == _NO_MODS and _key(event) in _DELETE_KEYS

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            # Keys the view uses win over window shortcuts while it has focus.
            if (
                self._tag_digit(event) is not None
                or self._zoom_action(event) is not None
                or (self._is_delete(event) and self.selected_claim is not None)
            ):
                event.accept()
                return True
        elif event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        digit = self._tag_digit(event)
        if digit is not None:
            self.tagKeyPressed.emit(digit)  # without a selection the window says what to do
            event.accept()
            return
        if self._is_delete(event) and self.selected_claim is not None:
            self.deleteRequested.emit(self.selected_claim)
            event.accept()
            return
        zoom = self._zoom_action(event)
        if zoom is not None:
            zoom()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- mouse ------------------------------------------------------------
    def char_at(self, point: QPoint) -> int | None:
        """The Qt position of the character drawn under viewport ``point``."""
        doc = self.document()
        layout = doc.documentLayout()
        doc_pt = QPointF(point) + QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        pos = layout.hitTest(doc_pt, Qt.HitTestAccuracy.FuzzyHit)
        if pos < 0:
            return None
        block = doc.findBlock(pos)
        if not block.isValid() or block.length() <= 1:
            return None
        origin = layout.blockBoundingRect(block).topLeft()
        x, y = doc_pt.x() - origin.x(), doc_pt.y() - origin.y()
        text_layout = block.layout()
        line = None
        for i in range(text_layout.lineCount()):
            candidate = text_layout.lineAt(i)
            if candidate.y() <= y:
                line = candidate
        if line is None or y > line.y() + line.height() * LINE_HEIGHT_PERCENT / 100 + 1:
            return None
        rect = line.naturalTextRect()
        if not rect.left() <= x <= rect.right():
            return None
        idx = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
        last = line.textStart() + line.textLength() - 1
        return block.position() + max(line.textStart(), min(idx, last))

    def claims_at_point(self, point: QPoint) -> list[int]:
        u16 = self.char_at(point)
        return [] if u16 is None else self._layer.claims_at(self._offsets.to_codepoint(u16))

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        pos = event.position().toPoint()
        if (pos - press).manhattanLength() >= QApplication.startDragDistance():
            return  # a drag selects text
        mods = event.modifiers()
        if mods & _CTRL and self.anchorAt(pos):
            self.open_link(self.anchorAt(pos))
            return
        if mods & _SHIFT:
            return  # extends the selection
        ids = self.claims_at_point(pos)
        chosen = ids[0] if ids else None
        if self.selected_claim in ids and len(ids) > 1:
            # Clicking a selected claim again reaches the one around it.
            chosen = ids[(ids.index(self.selected_claim) + 1) % len(ids)]
        if chosen != self.selected_claim:
            self.set_selected_claim(chosen)
            self.selectedClaimChanged.emit(chosen)
        if chosen is not None:
            self.claimClicked.emit(chosen)

    def open_link(self, href: str) -> bool:
        """Open a web or mail link with ``link_opener``; others are refused."""
        ok = is_openable_link(href)
        if ok:
            self.link_opener(QUrl(href))
        return ok

    def _show_tooltip(self, event) -> None:
        point = event.pos()
        parts = []
        u16 = self.char_at(point)
        if u16 is not None:
            for span in self._layer.pending_at(self._offsets.to_codepoint(u16)):
                if span.tooltip:
                    parts.append(html.escape(span.tooltip).replace("\n", "<br>"))
        for cid in self.claims_at_point(point):
            span = self._layer.span(cid)
            tip = span.tooltip if span is not None else ""
            if not tip and self.tooltip_provider is not None:
                tip = self.tooltip_provider(cid)
            if tip:
                parts.append(html.escape(tip).replace("\n", "<br>"))
        href = self.anchorAt(point)
        if href:
            hint = "Ctrl+click to open" if is_openable_link(href) else "Link"
            parts.append(f"{html.escape(href)}<br><i>{hint}</i>")
        if parts:
            QToolTip.showText(event.globalPos(), "<qt>" + "<hr>".join(parts) + "</qt>", self.viewport())
        else:
            QToolTip.hideText()
            event.ignore()

    def wheelEvent(self, event) -> None:
        if not event.modifiers() & _CTRL:
            return super().wheelEvent(event)
        dy = event.angleDelta().y()
        self.set_zoom_level(self._zoom + (dy > 0) - (dy < 0))
        event.accept()

    # -- zoom -------------------------------------------------------------
    @property
    def zoom_level(self) -> int:
        return self._zoom

    def set_zoom_level(self, level: int) -> None:
        level = max(self.ZOOM_MIN, min(self.ZOOM_MAX, int(level)))
        if level == self._zoom:
            return
        self._zoom = level
        font = self.font()
        font.setPointSizeF(self._base_point_size * (1 + self.ZOOM_STEP * level))
        self.setFont(font)  # QTextEdit passes it on as the document's default font
        self.document().setDefaultFont(font)
        self._update_window()
        self.zoomChanged.emit(level)

    def zoom_in(self) -> None:
        self.set_zoom_level(self._zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom_level(self._zoom - 1)

    def reset_zoom(self) -> None:
        self.set_zoom_level(0)

    zoom_reset = reset_zoom
