"""ReaderView and ReaderPane: real widgets, offscreen."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCursor, QTextDocument, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_app.core.document import Block, Metadata, Span, StructuredDocument
from desktop_app.core.rows import TagRow
from desktop_app.qt.highlights import HighlightSpan
from desktop_app.qt.reader import ReaderView
from desktop_app.qt.reader_pane import ReaderPane

RED, BLUE, GREEN, GOLD = "#e53935", "#1e88e5", "#43a047", "#fbc02d"
LINES = [
    ("heading", "Emoji 😀 in a heading 𝐀", {"level": 2}),
    ("paragraph", "The minister said 👨\u200d👩\u200d👧 families pay 🇫🇷 less, and the 𠀀 rate fell.", {}),
    ("paragraph", "Skin 👍🏽 tones, Arabic مرحبا and Hebrew שלום, café and e\u0301 too.", {}),
    ("paragraph", "Read more at the source link or at the evil link here.", {}),
]
TAGS = [
    TagRow(1, "u1", "Statistic", RED, key=1),
    TagRow(2, "u2", "Quote", BLUE, key=2),
    TagRow(3, "u3", "Opinion", GREEN, key=None),
]


def make_doc(lines=LINES):
    blocks, pos = [], 0
    for kind, text, extra in lines:
        blocks.append(Block(kind, pos, pos + len(text), **extra))
        pos += len(text) + 1
    text = "\n".join(line[1] for line in lines)
    spans = []
    if "source link" in text:
        s = text.index("source link")
        e = text.index("evil link")
        spans = [Span("link", s, s + 11, "https://example.org/source"), Span("link", e, e + 9, "javascript:alert(1)")]
    doc = StructuredDocument(text=text, blocks=blocks, spans=spans, metadata=Metadata(title="Budget"))
    doc.check()
    return doc


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.fixture
def view(qtbot):
    v = ReaderView()
    qtbot.addWidget(v)
    v.resize(700, 420)
    v.show_document(7, make_doc())
    v.show()
    qtbot.waitExposed(v)
    return v


def point_of(view: ReaderView, cp: int) -> QPoint:
    """The middle of the character at code point ``cp``, in viewport coordinates."""
    a = view.cursorRect(view._cursor_for(cp))
    b = view.cursorRect(view._cursor_for(cp + 1))
    x = (a.left() + b.left()) // 2 if b.top() == a.top() else a.left() + 3
    return QPoint(x, a.center().y())


def test_document_matches_canonical_text(view):
    doc = make_doc()
    assert view.document_id == 7 and view.canonical_text == doc.text
    qdoc = view.document()
    block, i = qdoc.begin(), 0
    while block.isValid():
        b = doc.blocks[i]
        assert block.text() == doc.text[b.start : b.end]
        block, i = block.next(), i + 1
    assert i == len(doc.blocks)
    assert view.isReadOnly() and "Budget" in view.accessibleName()
    flags = view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse


def test_programmatic_selection_in_utf16_gives_code_points(view):
    text = view.canonical_text
    cursor = QTextCursor(view.document())

    def select(u_start, u_end):
        cursor.setPosition(u_start)
        cursor.setPosition(u_end, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        return view.selection_offsets()

    grin = text.index("😀")
    u = utf16(text[:grin])
    assert select(u, u + 2) == (grin, grin + 1) and text[grin : grin + 1] == "😀"
    # Ends inside surrogate pairs widen outwards to whole characters.
    assert select(u + 1, u + 2) == (grin, grin + 1)
    assert select(u - 3, u + 1) == (grin - 3, grin + 1)
    # Backwards (anchor after position) is the same selection.
    assert select(u + 2, u - 3) == (grin - 3, grin + 1)
    # Across block boundaries: from the heading's 𝐀 to the CJK character.
    a, c = text.index("𝐀"), text.index("𠀀")
    start, end = select(utf16(text[:a]) + 1, utf16(text[:c]) + 1)
    assert (start, end) == (a, c + 1)
    assert text[start:end].startswith("𝐀\nThe minister") and text[start:end].endswith("the 𠀀")
    # Qt itself drops the split halves; selecting the offsets gives whole characters.
    assert view.textCursor().selectedText().replace("\u2029", "\n") != text[start:end]
    view.select_offsets(start, end)
    assert view.textCursor().selectedText().replace("\u2029", "\n") == text[start:end]
    # ZWJ family and flags.
    fam = text.index("👨")
    fam_end = text.index(" families")
    assert select(utf16(text[:fam]), utf16(text[:fam_end])) == (fam, fam_end)
    assert text[fam:fam_end] == "👨\u200d👩\u200d👧"
    view.select_offsets(fam, fam_end)
    assert view.selection_offsets() == (fam, fam_end)
    cursor.clearSelection()
    view.setTextCursor(cursor)
    assert view.selection_offsets() is None


def test_keyboard_selection(view, qtbot):
    view.setFocus()
    text = view.canonical_text
    grin = text.index("😀")
    view.select_offsets(grin, grin)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_offsets() == (grin, grin + 3)
    assert text[grin : grin + 3] == "😀 i"


def test_digit_with_selection_emits_tag_key(view, qtbot):
    view.setFocus()
    view.select_offsets(4, 9)
    with qtbot.waitSignal(view.tagKeyPressed, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_2)
    assert blocker.args == [2]
    got = []
    view.tagKeyPressed.connect(got.append)
    qtbot.keyClick(view, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    view.select_offsets(4, 4)
    assert got == []  # Ctrl+5 is not a tag key
    qtbot.keyClick(view, Qt.Key.Key_3)  # nothing selected: still told, so the window can say what to do
    assert got == [3]
    assert view.selection_offsets() is None


def test_click_on_highlight_emits_innermost_claim(view, qtbot):
    text = view.canonical_text
    m = text.index("minister")
    view.set_highlights(
        [HighlightSpan(10, m - 4, m + 20, (RED,), "outer"), HighlightSpan(11, m, m + 8, (BLUE, GOLD), "inner")]
    )
    with qtbot.waitSignal(view.claimClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, m + 3))
    assert blocker.args == [11] and view.selected_claim == 11
    with qtbot.waitSignal(view.claimClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, m - 2))
    assert blocker.args == [10]
    # Clicking the selected claim again reaches the claim around it.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, m + 3))
    with qtbot.waitSignal(view.claimClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, m + 3))
    assert blocker.args == [10]
    # Delete asks to delete the selected claim.
    with qtbot.waitSignal(view.deleteRequested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert blocker.args == [10]
    # A click outside any highlight clears the selected claim.
    got = []
    view.claimClicked.connect(got.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, text.index("Skin")))
    assert got == [] and view.selected_claim is None
    deleted = []
    view.deleteRequested.connect(deleted.append)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert deleted == []


def test_hover_tooltip_shows_claims(view, qtbot):
    text = view.canonical_text
    m = text.index("rate")
    view.set_highlights([HighlightSpan(3, m, m + 4, (RED, BLUE), "Statistic, Quote\na <note>")])
    pos = point_of(view, m + 1)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    view.event(event)
    assert "Statistic, Quote" in QToolTip.text() and "&lt;note&gt;" in QToolTip.text()
    QToolTip.hideText()


def test_context_menu_tag_as(view, qtbot):
    view.set_tags(TAGS)
    menu = view.build_context_menu(QPoint(5, 5))
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == "Tag as…")
    assert not sub.isEnabled()  # nothing selected
    view.select_offsets(0, 5)
    menu = view.build_context_menu(QPoint(5, 5))
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == "Tag as…")
    assert sub.isEnabled()
    actions = sub.actions()
    assert [a.text() for a in actions] == ["Statistic\t1", "Quote\t2", "Opinion"]
    assert all(not a.icon().isNull() for a in actions)
    with qtbot.waitSignal(view.tagRequested, timeout=1000) as blocker:
        actions[1].trigger()
    assert blocker.args == [2]


def test_ctrl_click_opens_only_web_links(view, qtbot):
    opened = []
    view.link_opener = opened.append
    text = view.canonical_text
    src, evil = point_of(view, text.index("source link") + 2), point_of(view, text.index("evil link") + 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=src)
    assert opened == []  # a plain click only places the cursor
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=src)
    assert opened == [QUrl("https://example.org/source")]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=evil)
    assert opened == [QUrl("https://example.org/source")]
    # The menu on a link copies its address; elsewhere it has no such entry.
    from desktop_app.qt.claim_menu import action_named

    action_named(view.build_context_menu(src), "textCopyLink").trigger()
    assert QApplication.clipboard().text() == "https://example.org/source"
    assert action_named(view.build_context_menu(point_of(view, 0)), "textCopyLink") is None


def test_never_loads_resources(view, qtbot, monkeypatch):
    from desktop_app.qt import rendering

    asked = []

    def spy(self, type_, url):
        asked.append(url)
        return None

    monkeypatch.setattr(rendering.ReaderDocument, "loadResource", spy)
    monkeypatch.setattr(ReaderView, "loadResource", spy)
    text = "An image ![x](http://example.com/x.png) <img src='https://example.com/y.png'>"
    doc = StructuredDocument(
        text=text, blocks=[Block("paragraph", 0, len(text))], spans=[Span("link", 9, 39, "http://example.com/x.png")]
    )
    view.show_document(3, doc)
    view.grab()  # lays out and paints everything
    assert asked == []
    monkeypatch.undo()
    for url in ("http://example.com/x.png", "https://example.com/a.css", "file:///etc/hosts", "qrc:/x.png"):
        assert view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None
        assert view.document().loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None


def test_zoom_keys_and_wheel(view, qtbot):
    view.setFocus()
    size = view.document().defaultFont().pointSizeF()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_level == 2
    assert view.document().defaultFont().pointSizeF() > size
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_level == 1
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_level == 0 and view.document().defaultFont().pointSizeF() == pytest.approx(size)
    pos = QPointF(50, 50)
    wheel = QWheelEvent(
        pos, view.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    view.wheelEvent(wheel)
    assert view.zoom_level == 1
    for _ in range(50):
        view.zoom_out()
    assert view.zoom_level == view.ZOOM_MIN


def test_find_marks_all_and_wraps(view):
    text = view.canonical_text
    assert view.find("and")
    starts = [i for i in range(len(text)) if text.startswith("and", i)]
    assert view.selection_offsets() == (starts[0], starts[0] + 3)
    assert view.find_status() == (1, len(starts))
    marks = [s for s in view.extraSelections()]
    assert len(marks) == len(starts)
    for _ in range(len(starts) - 1):
        assert view.find("and")
    assert view.selection_offsets()[0] == starts[-1]
    assert view.find("and")  # wraps to the first
    assert view.selection_offsets()[0] == starts[0]
    assert view.find("and", backwards=True)  # wraps to the last
    assert view.selection_offsets()[0] == starts[-1]
    assert view.find("😀")
    assert view.selection_offsets() == (text.index("😀"), text.index("😀") + 1)
    assert not view.find("zebra")
    view.clear_find()
    assert view.extraSelections() == [] and view.find_status()[1] == 0


def test_find_marks_are_capped(qtbot):
    v = ReaderView()
    qtbot.addWidget(v)
    text = "ab " * 3000
    v.show_document(1, StructuredDocument(text=text, blocks=[Block("paragraph", 0, len(text))]))
    assert v.find("ab")
    assert v.find_status() == (1, v.FIND_CAP)


def test_flash_disappears(view, qtbot):
    view.FLASH_MS = 50
    view.set_highlights([HighlightSpan(1, 0, 5, (RED,))])
    view.flash(10, 20)
    assert view.is_flashing and len(view.extraSelections()) == 2
    qtbot.waitUntil(lambda: not view.is_flashing, timeout=2000)
    assert len(view.extraSelections()) == 1


def test_scroll_to_offset(qtbot):
    v = ReaderView()
    qtbot.addWidget(v)
    v.resize(400, 200)
    lines = [("paragraph", f"Line {i} 😀 with words", {}) for i in range(300)]
    doc = make_doc(lines)
    v.show_document(2, doc)
    v.show()
    qtbot.waitExposed(v)
    target = doc.blocks[250].start
    v.scroll_to_offset(target)
    assert v.verticalScrollBar().value() > 0
    rect = v.cursorRect(v._cursor_for(target))
    assert 0 <= rect.top() < v.viewport().height()


def test_screenshot_of_overlapping_multi_tag_highlights(view, qtbot, tmp_path):
    text = view.canonical_text
    m = text.index("minister")
    view.set_highlights(
        [
            HighlightSpan(1, m - 4, m + 30, (RED,), "Statistic"),
            HighlightSpan(2, m + 18, m + 45, (BLUE, GOLD), "Quote, Claim"),
            HighlightSpan(3, text.index("Skin"), text.index("Arabic") - 2, (GREEN, RED), "Opinion, Statistic"),
            HighlightSpan(4, text.index("Emoji"), text.index("heading"), (GOLD,), "Note"),
        ]
    )
    view.set_selected_claim(3)
    view.viewport().repaint()
    shot = view.grab()
    path = tmp_path / "reader.png"
    assert shot.save(str(path))
    image = view.viewport().grab().toImage()
    base = view.palette().color(QPalette.ColorRole.Base)

    def dominant(cp):
        """The most common colour in a thin column across the character's line."""
        p = point_of(view, cp)
        r = view.cursorRect(view._cursor_for(cp))
        counts = Counter(
            image.pixelColor(p.x() + dx, y).rgb() for dx in (-1, 0, 1) for y in range(r.top() + 1, r.bottom())
        )
        return QColor.fromRgb(counts.most_common(1)[0][0])

    def blend(colors, alpha):
        n = len(colors)
        avg = [sum(getattr(QColor(c), ch)() for c in colors) / n for ch in ("red", "green", "blue")]
        return [alpha * a + (1 - alpha) * getattr(base, ch)() for a, ch in zip(avg, ("red", "green", "blue"))]

    def close(color, expected, tol=40):
        return all(abs(v - e) <= tol for v, e in zip((color.red(), color.green(), color.blue()), expected))

    background = QColor(image.pixelColor(image.width() - 5, image.height() - 5))
    assert close(background, [base.red(), base.green(), base.blue()], 3)
    red_only = dominant(m - 2)
    assert red_only != background and close(red_only, blend([RED], 0.35))
    both = dominant(m + 22)
    assert close(both, blend([RED, BLUE], 0.5)) and both != red_only
    blue_only = dominant(m + 40)
    assert close(blue_only, blend([BLUE], 0.35))


# -- the pane -----------------------------------------------------------------
@pytest.fixture
def pane(qtbot):
    p = ReaderPane()
    qtbot.addWidget(p)
    p.resize(700, 500)
    p.set_documents([(7, "Budget"), (8, "Other")])
    p.show_document(7, make_doc())
    p.show()
    qtbot.waitExposed(p)
    return p


def test_pane_header(pane, qtbot):
    assert pane.chooser.count() == 2 and pane.chooser.currentData() == 7
    with qtbot.waitSignal(pane.documentChosen, timeout=1000) as blocker:
        pane.chooser.activated.emit(1)
    assert blocker.args == [8]
    with qtbot.waitSignal(pane.closeRequested, timeout=1000):
        qtbot.mouseClick(pane.close_button, Qt.MouseButton.LeftButton)
    pane.set_documents([(8, "Other"), (7, "Budget"), (9, "Third")])
    assert pane.chooser.currentData() == 7
    pane.clear()
    assert pane.view.document_id is None and pane.view.canonical_text == ""


def test_pane_find_bar(pane, qtbot):
    assert pane.find_bar.isHidden()
    pane.show_find()
    assert pane.find_bar.isVisible()
    qtbot.waitUntil(lambda: pane.find_edit.hasFocus(), timeout=1000)
    qtbot.keyClicks(pane.find_edit, "and")
    assert pane.find_status.text() == "1 of 3"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return)
    assert pane.find_status.text() == "2 of 3"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_F3)
    assert pane.find_status.text() == "3 of 3"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert pane.find_status.text() == "2 of 3"
    text = pane.view.canonical_text
    assert text[slice(*pane.view.selection_offsets())].lower() == "and"
    qtbot.keyClicks(pane.find_edit, "zzz")
    assert pane.find_status.text() == "No matches"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Escape)
    assert pane.find_bar.isHidden() and pane.view.find_status()[1] == 0


def test_palette_change_rebuilds_formats(view, qtbot):
    text = view.canonical_text
    view.set_highlights([HighlightSpan(1, 0, 5, (RED,))])
    view.select_offsets(4, 9)
    view.find("and")
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dark.setColor(QPalette.ColorRole.Link, QColor("#6cb6ff"))
    view.setPalette(dark)
    link_at = utf16(text[: text.index("source link")]) + 1

    def link_color():
        cursor = QTextCursor(view.document())
        cursor.setPosition(link_at)
        return cursor.charFormat().foreground().color().name()

    qtbot.waitUntil(lambda: link_color() == "#6cb6ff", timeout=1000)
    assert view.document().toPlainText() == text.replace("\u00a0", " ")
    assert view.selection_offsets() is not None
    assert len(view.extraSelections()) == 1 + view.find_status()[1]
