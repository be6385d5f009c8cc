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
    from PySide6.QtGui import QIcon
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
    icon = paths.resources_dir() / "icons" / "marginalia.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_excepthook(parent_getter) -> None:
    """An uncaught exception is logged with its traceback and shown as one
    plain sentence; the app keeps running with its data intact."""
    from ..core.errors import MarginaliaError

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if isinstance(exc, MarginaliaError):
            message = str(exc)
            log.warning("error shown to the user: %s", message)
        else:
            log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
            message = "Something went wrong and the last action did not finish. Your saved work is safe."
        show_error(parent_getter(), message)

    sys.excepthook = hook


def show_error(parent, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ..core import paths

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Marginalia")
    box.setText(message)
    box.setInformativeText(f"Details are logged in {paths.log_file()}.")
    box.setAccessibleName("Error message")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and os.environ.get("MARGINALIA_TEST_NO_MODAL"):
        log.info("error dialog (not shown in tests): %s", message)
        return
    box.exec()


def run_app(db: str | None = None) -> int:
    _ensure_platform()
    app = make_application()
    from .main_window import MainWindow

    window = MainWindow()
    install_excepthook(lambda: window)
    window.restore_layout()
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: window.open_database(Path(db) if db else None))
    return app.exec()
