"""Every control of the main window and its main dialogs has a name a screen
reader can announce and can be reached from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox, QToolButton, QWidget

from window_support import db_file, isolated_qsettings, make_window, modals, settle  # noqa: F401 - fixtures

from desktop_app.qt.accessibility import accessible_name, problems


@pytest.fixture
def window(qtbot, db_file, modals, isolated_qsettings):
    w = make_window(qtbot, db_file, size=(1024, 700))
    yield w
    w.close()


def test_the_walk_finds_an_unnamed_control_and_accepts_a_named_one(qtbot):
    """The check itself: a bare line edit is reported, a named one and a
    button with text are not (Qt derives a button's name from its text)."""
    root = QWidget()
    qtbot.addWidget(root)
    bare = QLineEdit(root)
    bare.setObjectName("Bare")
    QPushButton("&Open", root)
    found = problems(root)
    assert len(found) == 1 and "QLineEdit 'Bare'" in found[0] and found[0].startswith("unnamed")
    bare.setAccessibleName("Address")
    assert problems(root) == [] and accessible_name(bare) == "Address"
    combo = QComboBox(root)
    combo.setObjectName("Choice")
    combo.addItems(["one", "two"])
    assert any("QComboBox 'Choice'" in p for p in problems(root))
    label = QLabel("&Kind:", root)
    label.setBuddy(combo)  # Qt reports the current text as a combo box's name, the label as a relation
    assert accessible_name(combo) == "one" and problems(root) == []
    label.setBuddy(None)
    assert any("QComboBox 'Choice'" in p for p in problems(root))
    combo.setAccessibleName("Kind")
    assert problems(root) == []
    spin = QSpinBox(root)
    QLabel("&Port:", root).setBuddy(spin)  # elsewhere Qt names a control after its label
    assert accessible_name(spin) == "Port:" and problems(root) == []
    button = QToolButton(root)
    button.setAccessibleName("Nothing")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    assert problems(root) == ["not reachable by keyboard: QToolButton '' in QWidget ''"]


def test_every_control_of_the_main_window_is_named_and_reachable(window, qtbot):
    # the panes, docks and tool windows made on demand too
    window.menu_actions["search_all"].trigger()
    window.menu_actions["matching"].trigger()
    window.menu_actions["candidates"].trigger()
    window.pane_find = [p.show_find() for p in window.panes]
    window.add_pane()
    settle()
    assert problems(window) == []


def _dialogs(window, tmp_path):
    from desktop_app.core.settings import load_settings
    from desktop_app.qt import dialogs
    from desktop_app.qt.autocode_dialog import AutoCodeDialog
    from desktop_app.qt.codebook_panel import TagDialog
    from desktop_app.qt.export_dialog import ExportDialog
    from desktop_app.qt.links import LinkDialog
    from desktop_app.qt.matrix_view import MatrixWindow
    from desktop_app.qt.team.dialog import TeamDatabaseDialog
    from desktop_app.qt.web_import import AddressDialog

    store = window.store
    yield ExportDialog(window, tags=store.list_tags(), documents=store.list_documents(),
                       default_path=tmp_path / "claims.csv")
    yield TeamDatabaseDialog(window)
    yield LinkDialog(window, "a claim", [], None)
    yield AddressDialog(window)
    yield TagDialog(window)
    yield AutoCodeDialog(window)
    yield MatrixWindow(window, store, window.events)
    yield dialogs.preferences_dialog(window, load_settings())
    yield dialogs.import_file_dialog(window, str(tmp_path))[0]


def test_every_control_of_the_main_dialogs_is_named_and_reachable(window, qtbot, tmp_path):
    for dialog in _dialogs(window, tmp_path):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert problems(dialog) == [], type(dialog).__name__
        dialog.close()
