"""How the window shows an error: one plain sentence, the details in the log.

Every part of the window that must tell the user something went wrong calls
``show_error``; an exception that escapes a slot reaches ``install_excepthook``'s
hook, which logs its traceback and shows one sentence."""

from __future__ import annotations

import logging
import os
import sys
import traceback

log = logging.getLogger(__name__)

# Tests (and embedders) may set this to ``callable(parent, message)``: every
# error sentence then goes to it instead of a modal message box.
error_hook = None

_showing_error = False


def install_excepthook(parent_getter):
    """An uncaught exception is logged with its traceback and shown as one
    plain sentence; the app keeps running with its data intact. Returns the
    hook that was in place before."""
    from desktop_app.core.errors import DatabaseUnreachable, MarginaliaError

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

    from desktop_app.core import paths

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
