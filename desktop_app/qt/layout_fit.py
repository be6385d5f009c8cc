"""The main window and its tool windows fitted to the screen they open on.

The reading panes keep most of the window's width and height at any size:
the docks beside them take a share of the width (capped at their comfortable
sizes), the claims table below them a share of the height; narrow windows
stack the library and the codebook as tabs (down the column's side when
their titles would be cut side by side); and a saved layout comes back only
if it fits the screen it is restored on.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QTabWidget, QWidget

DEFAULT_SIZE = QSize(1400, 900)  # the first window on a screen large enough for it
FRAME_ALLOWANCE = QSize(16, 48)  # the window manager's frame and title bar, unknown before showing
READING_SHARE = 0.55  # the reading panes' least share of the window's width
READING_HEIGHT_SHARE = 0.55  # ...and of its height
LEFT_SHARE, RIGHT_SHARE = 0.18, 0.24  # the docks' shares: library/codebook, claim editor
LEFT_MAX, RIGHT_MAX = 330, 300  # ...and their widths on a wide window
COMPACT_WIDTH = 1280  # below it the library and the codebook are tabs of one dock
TOOL_SHARE = 0.9  # a tool window's largest share of the screen


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The part of the screen a window may use (without panels and taskbars):
    the screen the widget is on, else the primary screen."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(wanted: QSize, available: QRect, allowance: QSize = FRAME_ALLOWANCE) -> QSize:
    """``wanted``, made smaller where the screen (less the frame) is smaller."""
    return QSize(max(200, min(wanted.width(), available.width() - allowance.width())),
                 max(150, min(wanted.height(), available.height() - allowance.height())))


def centred(size: QSize, over: QRect, within: QRect) -> QRect:
    """A rectangle of ``size`` centred over ``over``, moved to lie inside ``within``."""
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(over.center())
    rect.moveLeft(max(within.left(), min(rect.left(), within.right() + 1 - rect.width())))
    rect.moveTop(max(within.top(), min(rect.top(), within.bottom() + 1 - rect.height())))
    return rect


def fit_first_window(window: QMainWindow) -> None:
    """The first window: its default size, or less on a smaller screen, centred on it."""
    available = available_geometry(window)
    size = fitted_size(DEFAULT_SIZE, available)
    # move() places the frame, so the frame (the window and its allowance) is what is centred
    frame = centred(size + FRAME_ALLOWANCE, available, available)
    window.resize(size)
    window.move(frame.topLeft())


def fits(size: QSize, available: QRect) -> bool:
    """Whether a window of ``size`` fits the available part of the screen."""
    return size.width() <= available.width() and size.height() <= available.height()


# ----------------------------------------------------------------- the docks
def side_dock_widths(width: int) -> tuple[int, int]:
    """The widths of the left (library, codebook) and right (claim) docks for
    a window ``width`` wide: shares of it, capped at their comfortable sizes."""
    return min(LEFT_MAX, int(width * LEFT_SHARE)), min(RIGHT_MAX, int(width * RIGHT_SHARE))


def claims_height(height: int) -> int:
    """The claims table's height: a quarter of the window, several rows on a tall one."""
    return max(height // 4, 230 if height >= 900 else 150)


def _side_docks(window: QMainWindow, area: Qt.DockWidgetArea) -> list[QDockWidget]:
    return [d for d in window.findChildren(QDockWidget)
            if not d.isHidden() and not d.isFloating() and window.dockWidgetArea(d) == area]


def size_side_docks(window: QMainWindow) -> None:
    """Give the docks beside the reading panes their share of the width."""
    left_width, right_width = side_dock_widths(window.width())
    docks, widths = [], []
    for area, width in ((Qt.DockWidgetArea.LeftDockWidgetArea, left_width),
                        (Qt.DockWidgetArea.RightDockWidgetArea, right_width)):
        found = _side_docks(window, area)
        if found:
            docks.append(found[0])
            widths.append(width)
    if docks:
        window.resizeDocks(docks, widths, Qt.Orientation.Horizontal)


def size_bottom_docks(window: QMainWindow) -> None:
    """Give the claims table (the docks below the reading panes) its share of the height."""
    found = _side_docks(window, Qt.DockWidgetArea.BottomDockWidgetArea)
    if found:
        dock = window.claims_dock if window.claims_dock in found else found[0]
        window.resizeDocks([dock], [claims_height(window.height())], Qt.Orientation.Vertical)


def reading_share(window: QMainWindow) -> float:
    """The share of the window's width the reading panes have."""
    return window.centralWidget().width() / max(1, window.width())


def reading_height_share(window: QMainWindow) -> float:
    """The share of the window's height the reading panes have."""
    return window.centralWidget().height() / max(1, window.height())


def keep_reading_room(window: QMainWindow) -> None:
    """After a resize: a window made narrow stacks the library and the
    codebook as tabs, and when the reading panes have less than their share
    of the width (or of the height), the docks beside them (or below them)
    give it back."""
    if not window.isVisible():
        return
    if window.width() < COMPACT_WIDTH:
        stack_left_docks(window)
    place_left_tabs(window)
    if reading_share(window) < READING_SHARE:
        size_side_docks(window)
    if reading_height_share(window) < READING_HEIGHT_SHARE:
        size_bottom_docks(window)


def place_left_tabs(window: QMainWindow) -> None:
    """The left column's tabs (library, codebook, search…): below it while
    their titles fit side by side in the column's width; down its side when
    they would be cut to a few letters each ("Lib… Code… Se…" in a narrow
    window). Decided from the column's width in the default layout, so that
    the first frame, painted before the panels exist, already has it."""
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    docks = _side_docks(window, left)
    groups, seen = [], set()
    for dock in docks:
        if dock not in seen:
            group = [dock, *(d for d in window.tabifiedDockWidgets(dock) if d in docks)]
            seen.update(group)
            groups.append([d.windowTitle() for d in group])
    probe = QTabBar()  # the same style and font as the dock tabs; never shown
    needed = 0
    for titles in groups:
        if len(titles) > 1:
            for title in titles:
                probe.addTab(title)
            needed = max(needed, sum(probe.tabSizeHint(i).width() for i in range(probe.count())))
            while probe.count():
                probe.removeTab(0)
    probe.deleteLater()
    column = side_dock_widths(window.width())[0]
    position = QTabWidget.TabPosition.West if needed > column else QTabWidget.TabPosition.South
    if window.tabPosition(left) != position:
        window.setTabPosition(left, position)


def watch_dock(window: QMainWindow, dock: QDockWidget) -> None:
    """Place the left column's tabs again whenever ``dock`` moves, shows or hides."""
    timer = getattr(window, "_tabs_timer", None)
    if timer is None:
        timer = window._tabs_timer = QTimer(window, singleShot=True, interval=0)
        timer.timeout.connect(lambda: place_left_tabs(window))
    for signal in (dock.dockLocationChanged, dock.topLevelChanged, dock.visibilityChanged):
        signal.connect(lambda *_: timer.start())


def _vertical(bar: QTabBar) -> bool:
    return bar.shape() in (QTabBar.Shape.RoundedWest, QTabBar.Shape.RoundedEast,
                           QTabBar.Shape.TriangularWest, QTabBar.Shape.TriangularEast)


def _tab_length(bar: QTabBar, i: int) -> int:
    """The length along ``bar`` that tab ``i`` needs for its whole title."""
    hint = bar.tabSizeHint(i)
    return hint.height() if _vertical(bar) else hint.width()


def dock_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """The tab bars of the window's tabbed docks that are shown."""
    return [bar for bar in window.findChildren(QTabBar) if bar.parent() is window and bar.isVisible()]


def cut_tabs(bar: QTabBar) -> list[str]:
    """The titles of ``bar``'s tabs that are shown shorter than they are
    (elided) or run past the bar's end."""
    cut = []
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        if (rect.height() if _vertical(bar) else rect.width()) < _tab_length(bar, i) or not bar.rect().contains(rect):
            cut.append(bar.tabText(i))
    return cut


def stack_left_docks(window) -> None:
    """The library and the codebook as tabs of one dock, when both are side by side on the left."""
    library, codebook = window.library_dock, window.codebook_dock
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    if codebook in window.tabifiedDockWidgets(library):
        return
    if all(not d.isHidden() and not d.isFloating() and window.dockWidgetArea(d) == left for d in (library, codebook)):
        group = [library, *window.tabifiedDockWidgets(library)]
        shown = next((d for d in group if not d.visibleRegion().isEmpty()), library)  # the tab in front
        window.tabifyDockWidget(library, codebook)
        shown.raise_()  # stays in front


def arrange_default_docks(window) -> None:
    """The default layout: library and codebook on the left (tabs of one dock
    on a narrow window), the claim editor on the right, the claims table at
    the bottom with the orphaned claims as a tab beside it."""
    left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                           Qt.DockWidgetArea.BottomDockWidgetArea)
    for dock, area in ((window.library_dock, left), (window.codebook_dock, left),
                       (window.editor_dock, right), (window.claims_dock, bottom), (window.orphans_dock, bottom)):
        dock.setFloating(False)
        window.addDockWidget(area, dock)
    window.tabifyDockWidget(window.claims_dock, window.orphans_dock)
    for name in ("candidates_dock", "matches_dock"):  # made on first use
        dock = getattr(window, name, None)
        if dock is not None:
            dock.setFloating(False)
            window.addDockWidget(bottom, dock)
            window.tabifyDockWidget(window.claims_dock, dock)
    if window.width() < COMPACT_WIDTH:
        window.tabifyDockWidget(window.library_dock, window.codebook_dock)
        window.library_dock.raise_()
    place_left_tabs(window)
    for dock in (window.library_dock, window.codebook_dock, window.editor_dock, window.claims_dock):
        dock.show()
    window.claims_dock.raise_()


def reset_layout(window) -> None:
    """View > Reset layout: the window fitted to its screen, the docks where
    they start, the reading panes of equal width."""
    from PySide6.QtCore import QSettings

    settings = QSettings()
    for key in ("window/geometry", "window/state", "window/splitter", "window/size"):
        settings.remove(key)
    if window.isMaximized() or window.isFullScreen():
        window.showNormal()
    fit_first_window(window)
    arrange_default_docks(window)
    window.orphans_dock.hide()
    window._default_dock_sizes()
    count = window.splitter.count()
    if count:
        window.splitter.setSizes([window.splitter.width() // count] * count)


# ------------------------------------------------------------- tool windows
def place_tool_window(tool: QWidget, main: QWidget) -> None:
    """A tool window (analysis, compare annotators, the matrix): over the main
    window, no larger than the screen, closed with Escape."""
    available = available_geometry(main)
    wanted = tool.size()
    limit = QSize(int(available.width() * TOOL_SHARE), int(available.height() * TOOL_SHARE))
    size = fitted_size(wanted.boundedTo(limit), available)
    frame = centred(size + FRAME_ALLOWANCE, main.frameGeometry(), available)  # move() places the frame
    tool.resize(size)
    tool.move(frame.topLeft())
    if not getattr(tool, "_closes_on_escape", False):
        from PySide6.QtGui import QKeySequence, QShortcut  # tool windows come later than the first frame

        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), tool)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(tool.close)
        tool._closes_on_escape = True
