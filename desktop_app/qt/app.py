"""Starting the window: the application object, error handling, the database.

The main window's frame is painted first, its panes and panels are made
right after, then the library is listed and the store (SQLModel,
SQLAlchemy) opens behind it.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from desktop_app.qt import errors

log = logging.getLogger(__name__)


def _ensure_platform() -> None:
    """Without any display, run on Qt's offscreen platform instead of failing."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print(
            "marginalia: no display was found (DISPLAY is not set); the window runs off-screen. "
            "Start it from a desktop session to see it.",
            file=sys.stderr,
        )
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def make_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    from desktop_app import __version__
    from desktop_app.core import paths

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("Marginalia")
    app.setOrganizationName("Marginalia")
    app.setApplicationDisplayName("Marginalia")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("marginalia")
    app.setWindowIcon(app_icon(paths.resources_dir() / "icons"))
    return app


def app_icon(folder: Path):
    """The window and taskbar icon: the SVG, drawn at any size a taskbar
    asks for; the rendered PNG sizes only where the SVG cannot be read (no
    SVG plugin, or a damaged file: the icon stays null). Adding the PNGs
    costs about 6 ms of start-up, as Qt reads each file's header, so they
    are not added when they would go unused."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    svg = folder / "marginalia.svg"
    if svg.exists():
        icon.addFile(str(svg))
        if not icon.isNull():  # the SVG engine read it (a damaged file leaves the icon null)
            return icon
    for png in sorted((folder / "hicolor").glob("*/apps/marginalia.png")):
        # the size from the folder's name ("48x48"): given it, Qt reads the file only when that size is drawn
        width, _, height = png.parent.parent.name.partition("x")
        size = QSize(int(width), int(height)) if width.isdigit() and height.isdigit() else QSize()
        icon.addFile(str(png), size)
    return icon


def run_app(db: str | Path | None = None) -> int:
    _ensure_platform()
    app = make_application()
    from desktop_app.qt.main_window import MainWindow

    window = MainWindow()
    errors.install_excepthook(lambda: window)
    window.restore_layout()
    if os.environ.get("MARGINALIA_PROBE"):  # a test driving the real window reads its state
        from desktop_app.qt import probe

        window.probe = probe.install(window)
    window.show()
    log.info("window shown (Qt platform %s)", app.platformName())
    from PySide6.QtCore import QTimer

    from desktop_app.core.addresses import database_target

    target = database_target(db)  # a team database's address as it is, else a file path
    # once the panes and panels are made, right after the frame's first paint
    # (opening earlier would make them before it)
    if window.built:
        QTimer.singleShot(0, lambda: window.open_database_in_background(target))
    else:
        window.ready.connect(lambda: window.open_database_in_background(target))
    return app.exec()
