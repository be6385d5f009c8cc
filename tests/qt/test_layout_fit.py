"""The window fitted to the screen it opens on: the first window, the reading
panes' share of the width at small sizes, a saved layout too large for the
screen, View > Reset layout, tool windows, claim candidates; and the window's
title and Help > Keyboard shortcuts."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QTabWidget
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    make_window,
    modals,
    select_utf16,
    settle,
    tag_id,
)

from desktop_app.qt import layout_fit

SCREENS = [(1024, 700), (1366, 768), (1920, 1080)]


@pytest.fixture
def screen(monkeypatch):
    """The available part of the screen, as a test sets it: screen.set(w, h)."""

    class Screen:
        rect = QRect(0, 0, 1920, 1080)

        def set(self, width, height):
            self.rect = QRect(0, 0, width, height)

    s = Screen()
    monkeypatch.setattr(layout_fit, "available_geometry", lambda widget=None: QRect(s.rect))
    return s


def _within(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner)


def test_the_first_window_fits_the_screen_it_opens_on(qtbot, screen, isolated_qsettings):
    from desktop_app.qt.main_window import MainWindow

    screen.set(1024, 700)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.width() <= 1024 and w.height() <= 700
    assert _within(w.geometry(), screen.rect)
    # move() places the frame: the window with the frame's allowance fits below and right of it
    allowance = layout_fit.FRAME_ALLOWANCE
    assert w.x() + w.width() + allowance.width() <= 1024 and w.y() + w.height() + allowance.height() <= 700
    screen.set(2560, 1440)
    big = MainWindow()
    qtbot.addWidget(big)
    assert (big.width(), big.height()) == (1400, 900)  # the default size on a large screen, centred
    assert big.geometry().center() == screen.rect.center() or _within(big.geometry(), screen.rect)


def _check_room(window, width, height):
    share = window.centralWidget().width() / window.width()
    assert share >= layout_fit.READING_SHARE, f"reading panes have {share:.0%} of {width}×{height}"
    for pane in window.panes:
        assert pane.width() >= 0.25 * width, f"a pane is {pane.width()} px of {width}"
    editor = window.editor
    form = editor.form_widget
    # The claim editor scrolls rather than squeezes its fields below their size.
    assert form.height() >= form.minimumSizeHint().height()
    assert editor.note.height() >= editor.note.minimumSizeHint().height()


@pytest.mark.parametrize("size", SCREENS)
def test_reading_panes_keep_most_of_the_width_on_any_screen(qtbot, db_file, modals, screen,
                                                                isolated_qsettings, size):
    screen.set(*size)
    window = make_window(qtbot, db_file, size=size)
    try:
        claim_id = make_claim(window, qtbot, window.panes[0], 10, 60, "1")
        window.annotator.go_to_claim(claim_id)
        qtbot.waitUntil(lambda: window.editor.claim is not None)
        qtbot.waitUntil(lambda: window.centralWidget().width() / window.width() >= layout_fit.READING_SHARE)
        _check_room(window, *size)
        if size[0] < layout_fit.COMPACT_WIDTH:  # library and codebook are tabs of one column
            assert window.tabifiedDockWidgets(window.library_dock) == [window.codebook_dock]
        # The library's titles keep half its width: the date gives way on a narrow library.
        table = window.library.table
        qtbot.waitUntil(lambda: table.columnWidth(0) >= 0.5 * table.viewport().width())
        assert not table.horizontalScrollBar().isVisible()
        if size != (1366, 768):  # in between, whether the date fits depends on the font
            assert table.isColumnHidden(2) == (size[0] == 1024), "the date is shown when it fits"
        assert not table.isColumnHidden(3)  # the claims count stays
        # The claims table's quote keeps a quarter of its width or more, not "We hav…".
        from desktop_app.qt.claims_model import ClaimsModel

        claims = window.claims_panel.table
        qtbot.waitUntil(lambda: claims.columnWidth(ClaimsModel.QUOTE) >= 0.25 * claims.viewport().width())
        # The gap between the panes, where links are drawn, gives way to the text on a narrow window.
        gutter = window.splitter.handleWidth()
        assert gutter == {1024: 24, 1920: 44}.get(size[0], gutter) and 24 <= gutter <= 44, gutter
        # Two tabs fit side by side below the column, as they are on any screen.
        assert window.tabPosition(Qt.DockWidgetArea.LeftDockWidgetArea) == QTabWidget.TabPosition.South
        # With the search open too, the left column's tab titles are read whole, not "Lib… Code… Se…".
        from desktop_app.qt.corpus_search import show_search

        show_search(window)
        settle()
        qtbot.waitUntil(lambda: any("Search" in _tab_titles(b) for b in layout_fit.dock_tab_bars(window)))
        bars = layout_fit.dock_tab_bars(window)
        assert all(not layout_fit.cut_tabs(bar) for bar in bars), [(_tab_titles(b), b.size()) for b in bars]
        left = next(b for b in bars if "Library" in _tab_titles(b))
        assert {"Library", "Search"} <= set(_tab_titles(left))
        if size[0] < layout_fit.COMPACT_WIDTH:
            assert "Codebook" in _tab_titles(left)
        _check_room(window, *size)
        if os.environ.get("MARGINALIA_SHOTS"):
            window.grab().save(os.path.join(os.environ["MARGINALIA_SHOTS"], f"window-{size[0]}x{size[1]}.png"))
    finally:
        window.close()


def _tab_titles(bar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


def test_shrinking_the_window_gives_the_panes_their_width_back(qtbot, db_file, modals, screen, isolated_qsettings):
    window = make_window(qtbot, db_file, size=(1500, 950))
    try:
        window.resizeDocks([window.library_dock, window.editor_dock], [420, 420], Qt.Orientation.Horizontal)
        window.resize(1024, 700)
        qtbot.waitUntil(lambda: window.width() == 1024)
        qtbot.waitUntil(lambda: window.centralWidget().width() / window.width() >= layout_fit.READING_SHARE)
        _check_room(window, 1024, 700)
        assert window.tabifiedDockWidgets(window.library_dock) == [window.codebook_dock]  # tabs when narrow
    finally:
        window.close()


def test_shrinking_a_large_window_gives_the_panes_their_height_back(qtbot, db_file, modals, screen,
                                                                   isolated_qsettings):
    window = make_window(qtbot, db_file, size=(1920, 1080))
    try:
        qtbot.waitUntil(lambda: window.claims_dock.height() >= layout_fit.claims_height(1080) * 0.9)
        window.resize(1024, 700)
        qtbot.waitUntil(lambda: window.height() == 700)
        # The claims table gives back the height it had: the panes keep most of the room.
        qtbot.waitUntil(lambda: window.centralWidget().height() / window.height() >= layout_fit.READING_HEIGHT_SHARE,
                        timeout=3000)
        settle()
        assert window.centralWidget().height() / window.height() >= layout_fit.READING_HEIGHT_SHARE
        assert window.claims_dock.height() >= 0.8 * layout_fit.claims_height(700)  # several rows still
        _check_room(window, 1024, 700)
        window.resize(1920, 1080)  # back at full size: the claims table is not squeezed further
        qtbot.waitUntil(lambda: window.width() == 1920)
        settle()
        assert window.claims_dock.height() >= 0.8 * layout_fit.claims_height(700)
    finally:
        window.close()


def test_a_layout_is_restored_only_if_it_fits_the_screen(qtbot, db_file, modals, screen, isolated_qsettings,
                                                         monkeypatch):
    window = make_window(qtbot, db_file, size=(1800, 1000))
    window.close()  # saves the layout of a 1800×1000 window
    again = make_window(qtbot, db_file, size=(1000, 650))
    restored = []
    for name in ("restoreGeometry", "restoreState"):
        monkeypatch.setattr(again, name, lambda data, name=name: restored.append(name) or True)
    try:
        screen.set(1024, 700)
        again.restore_layout()  # larger than this screen: refused, the window keeps its fitted size
        assert restored == [] and (again.width(), again.height()) == (1000, 650)
        screen.set(1920, 1080)
        again.restore_layout()  # fits: comes back
        assert restored == ["restoreGeometry", "restoreState"]
    finally:
        again.close()


def test_reset_layout_puts_docks_back_and_fits_the_screen(qtbot, db_file, modals, screen, isolated_qsettings):
    screen.set(1366, 768)
    window = make_window(qtbot, db_file, size=(1300, 740))
    try:
        window.editor_dock.setFloating(True)
        window.library_dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.claims_dock)
        window.resize(2000, 1400)
        window.menu_actions["reset_layout"].trigger()
        assert _within(window.geometry(), screen.rect)
        qtbot.waitUntil(lambda: window.library_dock.isVisible())
        assert not window.editor_dock.isFloating()
        assert window.dockWidgetArea(window.editor_dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert window.dockWidgetArea(window.claims_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        qtbot.waitUntil(lambda: window.centralWidget().width() / window.width() >= layout_fit.READING_SHARE)
    finally:
        window.close()


@pytest.mark.parametrize("which", ["show_analysis", "show_agreement", "matrix"])
def test_tool_windows_open_over_the_window_fit_the_screen_and_close_with_escape(
        qtbot, db_file, modals, screen, isolated_qsettings, which):
    screen.set(1024, 700)
    window = make_window(qtbot, db_file, size=(900, 600))
    window.move(60, 40)
    try:
        tool = window.links.show_matrix() if which == "matrix" else getattr(window, which)()
        qtbot.waitExposed(tool)
        assert _within(tool.frameGeometry(), screen.rect)
        assert window.frameGeometry().contains(tool.frameGeometry().center())
        tool.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is tool)
        qtbot.keyClick(tool, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not tool.isVisible())
    finally:
        window.close()


def test_claim_candidates_leave_the_claim_editor_its_height(qtbot, db_file, modals, screen, isolated_qsettings):
    window = make_window(qtbot, db_file, size=(1366, 768))
    try:
        before = window.editor_dock.height()
        window.active_pane = window.panes[0]
        window.menu_actions["candidates"].trigger()
        qtbot.waitUntil(lambda: window.candidates_dock.isVisible())
        assert window.dockWidgetArea(window.candidates_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        assert window.editor_dock.height() >= 0.9 * before
    finally:
        window.close()


# ------------------------------------------------------- title and shortcuts
def test_the_title_names_the_application_once(qtbot, db_file, modals, isolated_qsettings):
    app = QApplication.instance()
    app.setApplicationDisplayName("Marginalia")
    window = make_window(qtbot, db_file)
    try:
        title = window.windowTitle()
        assert title == f"{db_file.name} — Marginalia"
        # The window system appends the display name to a title that does not end with it.
        assert title.count("Marginalia") == 1 and title.endswith(app.applicationDisplayName())
    finally:
        window.close()


def test_keyboard_shortcuts_list_every_action_with_a_shortcut(qtbot, db_file, modals, isolated_qsettings,
                                                             monkeypatch):
    from PySide6.QtWidgets import QDialog, QTextBrowser

    from desktop_app.qt.shortcuts_list import action_keys, shortcut_rows

    window = make_window(qtbot, db_file)
    shown = []
    monkeypatch.setattr(QDialog, "exec", lambda dialog: shown.append(dialog.findChild(QTextBrowser).toPlainText()) or 0)
    try:
        window.menu_actions["shortcuts"].trigger()  # Help > Keyboard shortcuts
        (listed,) = shown
        for keys in ("Ctrl+Shift+P", "Ctrl+Shift+K", "Ctrl+Y", "Ctrl+Shift+Z", "Ctrl+Alt+P", "F1", "Alt+3"):
            assert keys in listed, keys
        actions = {a for a in [*window.actions(), *window.findChildren(QAction)] if action_keys(a)}
        assert len(actions) > 20
        missing = [(a.text(), action_keys(a)) for a in actions if action_keys(a) not in listed]
        assert not missing, missing
        rows = shortcut_rows(window)
        assert ("Undo", "Ctrl+Z") in rows and ("Matching passages", "Ctrl+Shift+P") in rows
    finally:
        window.close()


def _needed(label) -> int:
    """The height of ``label``'s text wrapped at its width."""
    return label.fontMetrics().boundingRect(QRect(0, 0, label.width(), 100000), Qt.TextFlag.TextWordWrap,
                                            label.text()).height()


def test_the_claim_editors_quote_is_as_tall_as_its_text_at_any_width(qtbot, db_file, modals, screen,
                                                                    isolated_qsettings):
    window = make_window(qtbot, db_file, size=(1500, 950))
    try:
        first, second = window.panes
        make_claim(window, qtbot, first, 0, 160, "1")  # a quote of several lines
        settle()
        editor = window.editor
        quote, source = editor.quote, editor.source
        assert quote.height() >= _needed(quote) > 2 * quote.fontMetrics().lineSpacing()
        short = second.view.canonical_text.index("it pays a whopping $900K")
        make_claim(window, qtbot, second, short, short + 24, "2")  # then one of one line: no tall gap left
        settle()
        assert _needed(quote) <= quote.height() < 2 * quote.fontMetrics().lineSpacing()
        window.annotator.go_to_claim(editor.claim.id - 1)
        window.resize(1024, 700)  # the dock narrows: the lines wrap again and the rows follow
        qtbot.waitUntil(lambda: window.centralWidget().width() / window.width() >= layout_fit.READING_SHARE)
        settle()
        qtbot.waitUntil(lambda: quote.height() >= _needed(quote))
        assert quote.geometry().bottom() < source.geometry().top()
        assert source.height() >= _needed(source)
    finally:
        window.close()
