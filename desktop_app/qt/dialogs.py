"""Small dialogs: a database that cannot be opened, About, Keyboard shortcuts,
and the three message boxes every other module asks through (``warn``,
``inform``, ``confirm``), so that there is one place to replace them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QTextBrowser, QVBoxLayout

from .. import __version__
from ..core import paths

SHORTCUTS = (
    ("Tag the selection", "1 … 9 (the tag's key), or click the tag, or right-click > Tag as…"),
    ("Delete the selected claim", "Delete"),
    ("Undo / Redo", "Ctrl+Z / Ctrl+Shift+Z"),
    ("Find in document", "Ctrl+F, then F3 / Shift+F3"),
    ("Zoom in / out / reset", "Ctrl++ / Ctrl+- / Ctrl+0"),
    ("Open a link", "Ctrl+click"),
    ("Import files", "Ctrl+O, or drop files on the window"),
    ("Export claims", "Ctrl+E"),
    ("Open another database", "Ctrl+Shift+O"),
    ("New tag", "Ctrl+T"),
    ("Add a reading pane", "Ctrl+Shift+N"),
    ("Close the current pane", "Ctrl+W"),
    ("Synchronised scrolling", "Ctrl+Shift+S"),
    ("Focus the library / codebook / claims / claim", "Alt+1 / Alt+2 / Alt+3 / Alt+4"),
    ("Keyboard shortcuts", "F1"),
    ("Quit", "Ctrl+Q"),
)


def warn(parent, title: str, text: str) -> None:
    """A warning the user must acknowledge."""
    QMessageBox.warning(parent, title, text)


def inform(parent, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent, title: str, text: str) -> bool:
    """A yes/no question; True for yes."""
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_for_other_database(parent, problem: str) -> Path | None:
    """Offer to open another database or create a new one; None to give up."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Marginalia")
    box.setText(problem)
    box.setInformativeText("Open another database, or create a new one? The file above was not changed.")
    other = box.addButton("Open another…", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Create new…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is other:
        name, _ = QFileDialog.getOpenFileName(parent, "Open database", str(paths.data_dir()),
                                              "Marginalia databases (*.db *.sqlite);;All files (*)")
        return Path(name) if name else None
    if box.clickedButton() is new:
        name, _ = QFileDialog.getSaveFileName(parent, "New database", str(paths.data_dir() / "new.db"),
                                              "Marginalia databases (*.db)")
        if name and Path(name).exists():
            QMessageBox.warning(parent, "Marginalia", f"{name} already exists; choose a new file name.")
            return None
        return Path(name) if name else None
    return None


def about_text(db_path) -> str:
    return (
        f"<h3>Marginalia {__version__}</h3>"
        "<p>Read sources side by side, highlight and tag claims, export them.</p>"
        f"<p><b>Database:</b> {db_path or 'none open'}<br>"
        f"<b>Log file:</b> {paths.log_file()}<br>"
        f"<b>Settings:</b> {paths.settings_file()}</p>"
    )


def show_about(parent, db_path) -> None:
    QMessageBox.about(parent, "About Marginalia", about_text(db_path))


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td>{what}</td><td><b>{keys}</b></td></tr>" for what, keys in SHORTCUTS)
    return f"<table cellpadding='4'>{rows}</table>"


def show_shortcuts(parent) -> None:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    text = QTextBrowser()
    text.setAccessibleName("Keyboard shortcuts")
    text.setHtml(shortcuts_html())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(560, 460)
    dialog.exec()
