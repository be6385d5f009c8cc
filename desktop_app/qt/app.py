"""Starting the window: the application object, error handling, the database.

The main window's frame is shown first; the store (SQLModel, SQLAlchemy)
loads right after, so the window appears as fast as a bare Qt window does.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

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

    from .. import __version__
    from ..core import paths

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
    """The window and taskbar icon: the SVG, plus the rendered PNG sizes (used
    where the SVG image plugin is missing, and by taskbars that want pixels)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    svg = folder / "marginalia.svg"
    if svg.exists():
        icon.addFile(str(svg))
    for png in sorted((folder / "hicolor").glob("*/apps/marginalia.png")):
        icon.addFile(str(png))
    return icon


# Tests (and embedders) may set this to ``callable(parent, message)``: every
# error sentence then goes to it instead of a modal message box.
error_hook = None

_showing_error = False


def install_excepthook(parent_getter):
    """An uncaught exception is logged with its traceback and shown as one
    plain sentence; the app keeps running with its data intact. Returns the
    hook that was in place before."""
    from ..core.errors import DatabaseUnreachable, MarginaliaError

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if isinstance(exc, DatabaseUnreachable):
            # a read that found the team database away: the status bar and the
            # connection label say so, without a dialog for every such read
            log.warning("team database unreachable: %s", exc)
            try:
                window = parent_getter()
                if window is not None and hasattr(window, "live"):
                    window.live.note_unreachable(str(exc))
                    window.statusBar().showMessage(str(exc), 8000)
                    return
            except Exception:
                log.exception("could not reach the window to show an error")
        if isinstance(exc, MarginaliaError):
            message = str(exc)
            log.warning("error shown to the user: %s", message)
        else:
            log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
            message = UNEXPECTED_ERROR
        parent = None
        try:
            parent = parent_getter()
            if parent is not None and hasattr(parent, "statusBar"):
                parent.statusBar().showMessage(message, 8000)
        except Exception:  # a window already gone must not hide the error
            log.exception("could not reach the window to show an error")
        show_error(parent, message)

    previous = sys.excepthook
    sys.excepthook = hook
    return previous


UNEXPECTED_ERROR = "Something went wrong and the last action did not finish. Your saved work is safe."


def show_error(parent, message: str) -> None:
    """Show one sentence (details are in the log file). A second error while
    the first one is on screen is only logged."""
    global _showing_error
    if error_hook is not None:
        error_hook(parent, message)
        return
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and os.environ.get("MARGINALIA_TEST_NO_MODAL"):
        log.info("error dialog (not shown in tests): %s", message)
        return
    if _showing_error:
        log.info("error not shown (another one is on screen): %s", message)
        return
    from PySide6.QtWidgets import QMessageBox

    from ..core import paths

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Marginalia")
    box.setText(message)
    box.setInformativeText(f"Details are logged in {paths.log_file()}.")
    box.setAccessibleName("Error message")
    _showing_error = True
    try:
        box.exec()
    finally:
        _showing_error = False
        box.deleteLater()


def run_app(db: str | None = None) -> int:
    _ensure_platform()
    app = make_application()
    from .main_window import MainWindow

    window = MainWindow()
    install_excepthook(lambda: window)
    window.restore_layout()
    window.show()
    log.info("window shown (Qt platform %s)", app.platformName())
    from PySide6.QtCore import QTimer

    from ..cli import database_target

    target = database_target(db)  # a team database's address as it is, else a file path
    QTimer.singleShot(0, lambda: window.open_database_in_background(target))
    return app.exec()
