"""Small dialogs: a database that cannot be opened, About, Keyboard shortcuts,
the three message boxes every other module asks through (``warn``,
``inform``, ``confirm``), and the choice after a claim changed elsewhere
(``choose_conflict``), so that there is one place to replace them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from desktop_app import __version__
from desktop_app.core import paths
from desktop_app.qt.file_filters import IMPORT_FILTER


def warn(parent, title: str, text: str) -> None:
    """A warning the user must acknowledge."""
    QMessageBox.warning(parent, title, text)


def inform(parent, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent, title: str, text: str) -> bool:
    """A yes/no question; True for yes."""
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


KEEP_THEIRS = "theirs"
OVERWRITE = "mine"


def conflict_dialog(parent, theirs: str, mine: str) -> QDialog:
    """The dialog of ``choose_conflict``: accepted means overwrite."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Claim changed elsewhere")
    heading = QLabel(
        "This claim was changed elsewhere (in another window or on the command line) "
        "after you opened it. Which version should be kept?"
    )
    heading.setWordWrap(True)
    grid = QGridLayout()
    for column, (label, text, name) in enumerate(
        (("Saved in the database:", theirs, "Saved version"), ("Your edit:", mine, "Your edit"))
    ):
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        view.setAccessibleName(name)
        grid.addWidget(QLabel(label), 0, column)
        grid.addWidget(view, 1, column)
    buttons = QDialogButtonBox()
    keep = QPushButton("Keep theirs")
    keep.setToolTip("Show the saved version; your edit is not saved")
    overwrite = QPushButton("Overwrite with mine")
    overwrite.setToolTip("Save your edit over the saved version (Edit > Undo puts it back)")
    buttons.addButton(keep, QDialogButtonBox.ButtonRole.RejectRole)
    buttons.addButton(overwrite, QDialogButtonBox.ButtonRole.AcceptRole)
    keep.setDefault(True)  # Enter and Escape both keep what is saved
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(heading)
    layout.addLayout(grid)
    layout.addWidget(buttons)
    dialog.resize(640, 320)
    return dialog


def choose_conflict(parent, theirs: str, mine: str) -> str:
    """A claim was changed elsewhere since the user began an edit: show the
    saved version and the edit; KEEP_THEIRS or OVERWRITE."""
    dialog = conflict_dialog(parent, theirs, mine)
    try:
        return OVERWRITE if dialog.exec() == QDialog.DialogCode.Accepted else KEEP_THEIRS
    finally:
        dialog.deleteLater()


def ask_password(parent, file_name: str, wrong: bool) -> str | None:
    """The password of an encrypted file, or None if the user cancels."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    lead = "That password does not open" if wrong else "A password protects"
    text, ok = QInputDialog.getText(parent, "Password", f"{lead} {file_name}. Password:",
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


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


def show_shortcuts(parent, rows) -> None:
    """Help > Keyboard shortcuts: ``rows`` of (what, keys)."""
    from desktop_app.qt.shortcuts_list import shortcuts_html

    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    text = QTextBrowser()
    text.setAccessibleName("Keyboard shortcuts")
    text.setHtml(shortcuts_html(rows))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(560, 460)
    dialog.exec()


def preferences_dialog(parent, settings) -> QDialog:
    """Edit > Preferences: the name new claims are made under."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Preferences")
    name = QLineEdit(settings.annotator)
    name.setObjectName("annotator")
    name.setAccessibleName("Annotator name")
    name.setPlaceholderText("your system user name")
    name.setMaxLength(200)
    hint = QLabel("New claims carry this name; Compare annotators tells people apart by it. "
                  "Leave it empty for your system user name.")
    hint.setWordWrap(True)
    form = QFormLayout()
    form.addRow("&Annotator name:", name)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(hint)
    layout.addWidget(buttons)
    dialog.annotator_edit = name
    dialog.resize(420, 150)
    return dialog


def ask_preferences(parent, settings) -> str | None:
    """The annotator name chosen (cleaned; "" for the system user's), or None if cancelled."""
    from desktop_app.core.codebook import clean_text

    dialog = preferences_dialog(parent, settings)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return clean_text(dialog.annotator_edit.text()).strip()
    finally:
        dialog.deleteLater()




def import_file_dialog(parent, start: str) -> tuple[QFileDialog, QCheckBox]:
    """File > Import…: files to import, and whether web pages come in whole
    (navigation, footers and all) or as their article (the default)."""
    dialog = QFileDialog(parent, "Import articles", start, IMPORT_FILTER)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # the native one cannot hold the choice
    whole = QCheckBox("Web pages: import the &whole page, not only the article")
    whole.setAccessibleName("Import whole web pages")
    whole.setToolTip("For pages where the article found leaves out something you need")
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(whole, layout.rowCount(), 0, 1, layout.columnCount())
    else:  # pragma: no cover - the Qt dialog is a grid
        layout.addWidget(whole)
    return dialog, whole


def ask_import_files(parent, start: str) -> tuple[list[Path], bool] | None:
    """The files chosen and the whole-page choice, or None if cancelled."""
    dialog, whole = import_file_dialog(parent, start)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return [Path(n) for n in dialog.selectedFiles()], whole.isChecked()
    finally:
        dialog.deleteLater()
