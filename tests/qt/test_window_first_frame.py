"""The window is painted first as its frame (menus, toolbar, status bar,
empty docks and reading area) and fills in right after: the docks keep their
places, a restored layout is restored, a shortcut pressed in between works."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTextEdit, QToolBar
from window_support import isolated_qsettings, modals  # noqa: F401 - fixtures


def _dock_geometries(w) -> dict[str, tuple]:
    docks = (w.library_dock, w.codebook_dock, w.editor_dock, w.claims_dock)
    return {d.objectName(): d.geometry().getRect() for d in docks} | {"reading": w.splitter.geometry().getRect()}


@pytest.fixture
def frame(qtbot, isolated_qsettings, modals):
    from desktop_app.qt.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    yield w
    w.close()


class FirstPaint(QObject):
    """Notes what the window holds when it receives its first paint event."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.seen = None
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Paint and self.seen is None:
            w = self.window
            inside = [x for x in QApplication.allWidgets() if w.isAncestorOf(x)]
            menus = [a.menu() for a in w.menuBar().actions() if a.menu() is not None]
            self.seen = {"built": w.built, "panes": len(w.panes), "classes": {type(x).__name__ for x in inside},
                         "menus": [(m.title(), len(m.actions())) for m in menus],
                         "toolbar": [a.text() for a in w.findChild(QToolBar, "MainToolbar").actions()
                                     if not a.isSeparator()],
                         "heavy": [x for x in inside if isinstance(x, (QTextEdit, QAbstractItemView))],
                         "docks": _dock_geometries(w)}
        return False


def test_the_first_frame_holds_no_pane_or_panel_and_the_rest_follows(qtbot, frame):
    w = frame
    probe = FirstPaint(w)
    w.show()
    qtbot.waitUntil(lambda: probe.seen is not None)
    seen = probe.seen
    assert not seen["built"] and seen["panes"] == 0
    assert seen["heavy"] == []  # no reader, table, list or tree yet
    assert {"QMenuBar", "QToolBar", "QStatusBar", "QDockWidget", "LinkSplitter"} <= seen["classes"]
    qtbot.waitUntil(lambda: w.built, timeout=10000)  # made right after the first paint, without being asked
    assert len(w.panes) == 2 and w.library_dock.widget() is w.library
    qtbot.waitUntil(lambda: _dock_geometries(w) == seen["docks"], timeout=5000)  # nothing moved
    assert any(isinstance(x, QTextEdit) for x in QApplication.allWidgets() if w.isAncestorOf(x))


def test_the_first_frame_has_the_menu_titles_and_toolbar_and_the_items_follow_unasked(qtbot, frame):
    """The menus' forty items are made right after the first paint (they
    are closed in it); their titles and the toolbar are in it, and the
    items arrive without anything asking for them, shortcuts included."""
    w = frame
    probe = FirstPaint(w)
    w.show()
    qtbot.waitUntil(lambda: probe.seen is not None)
    seen = probe.seen
    assert [title for title, _n in seen["menus"]] == ["&File", "&Edit", "&View", "&Help"]
    assert all(n == 0 for _title, n in seen["menus"])  # items not made yet: the frame did not pay for them
    assert seen["toolbar"] == ["&Import…", "&Export claims…", "&Undo", "&Redo", "&Add reading pane",
                               "&Synchronised scrolling", "&Find in document…"]

    def filled():
        return [len(a.menu().actions()) for a in w.menuBar().actions() if a.menu() is not None]

    qtbot.waitUntil(lambda: all(n > 1 for n in filled()), timeout=5000)  # nobody asked: the window did
    texts = [a.text() for a in w.menuBar().actions()[0].menu().actions() if not a.isSeparator()]
    assert texts[:3] == ["&Import…", "Import from &web address…", "&Export claims…"]
    shortcuts = {a.shortcut().toString() for a in w.actions()}
    assert {"Ctrl+L", "Ctrl+Shift+F", "F1", "Ctrl+E", "Ctrl+Shift+N"} <= shortcuts


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)])
def test_nothing_moves_when_the_panels_arrive_in_a_small_window(qtbot, frame, size):
    w = frame
    w.resize(*size)
    probe = FirstPaint(w)
    w.show()
    qtbot.waitUntil(lambda: probe.seen is not None)
    assert not probe.seen["built"]
    qtbot.waitUntil(lambda: w.built, timeout=10000)
    qtbot.waitUntil(lambda: _dock_geometries(w) == probe.seen["docks"], timeout=3000)


def test_the_frame_reserves_what_the_panels_will_need(frame):
    """The frame's reserved minimums are the built panels' and panes'."""
    from desktop_app.qt.main_window import FRAME_MINIMUMS, READING_AREA_MINIMUM

    w = frame
    w.ensure_built()
    docks = {"Library": w.library, "Codebook": w.codebook, "Claim": w.editor, "Claims": w.claims_panel,
             "Orphaned claims": w.orphans_panel}
    assert {k: v.minimumSizeHint().toTuple() for k, v in docks.items()} == FRAME_MINIMUMS
    assert w.splitter.minimumSizeHint().toTuple() == READING_AREA_MINIMUM


def test_ensure_built_makes_the_panels_at_once_and_only_once(frame):
    w = frame
    ready = []
    w.ready.connect(lambda: ready.append(True))
    w.ensure_built()
    w.ensure_built()
    assert ready == [True] and len(w.panes) == 2
    assert [d.widget() for d in (w.library_dock, w.codebook_dock, w.claims_dock, w.editor_dock, w.orphans_dock)] \
        == [w.library, w.codebook, w.claims_panel, w.editor, w.orphans_panel]


def test_a_shortcut_pressed_before_the_panels_exist_builds_them_first(qtbot, frame):
    w = frame
    w.show()
    qtbot.waitExposed(w)
    if w.built:  # the event loop already ran: make a fresh window that has not
        pytest.skip("built before the shortcut could be pressed")
    w.menu_actions["add_pane"].trigger()
    assert w.built and len(w.panes) == 3  # its two panes, and the one asked for


def test_a_restored_layout_is_restored_before_the_first_frame(qtbot, isolated_qsettings, modals):
    from desktop_app.qt.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.ensure_built()
    first.show()
    qtbot.waitExposed(first)
    first.removeDockWidget(first.codebook_dock)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.codebook_dock)
    first.codebook_dock.show()
    first.save_layout()
    first.close()
    assert QSettings().value("window/state") is not None

    again = MainWindow()
    qtbot.addWidget(again)
    again.restore_layout()
    assert again.dockWidgetArea(again.codebook_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    again.show()
    qtbot.waitUntil(lambda: again.built, timeout=10000)
    assert again.dockWidgetArea(again.codebook_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert again.codebook_dock.widget() is again.codebook
    again.close()
