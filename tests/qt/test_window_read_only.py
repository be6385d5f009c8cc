"""The window on a database that cannot be changed here: it is read and
shown, the title and the status bar say it is read-only, the editing actions
are off, and an edit tried anyway is refused with one sentence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtWidgets import QLabel
from window_support import isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

from desktop_app.core.store import Store
from desktop_app.qt.main_window import EDITING_ACTIONS, MainWindow
from desktop_app.qt.status_bar import READ_ONLY_LABEL


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_database_in_a_read_only_folder_is_shown_read_only(qtbot, tmp_path, modals, isolated_qsettings,
                                                               as_normal_user):
    scratch = make_window(qtbot, tmp_path / "scratch.db")  # everything the window loads, loaded as ourselves
    scratch.close()
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "library.db"
    with Store.open(db, annotator="owner") as store:
        titles = [d.title for d in store.list_documents()]
    before = snapshot(folder)
    article = tmp_path / "article.md"
    article.write_text("# New 😀\n\nText.\n", encoding="utf-8")

    folder.chmod(0o555)
    try:
        w = MainWindow()
        qtbot.addWidget(w)
        w.resize(1500, 950)
        with as_normal_user():
            assert w.open_database(db)
        w.show()
        qtbot.waitExposed(w)

        assert w.store.read_only
        assert w.windowTitle() == "library.db (read-only) — Marginalia"
        label = w.findChild(QLabel, "ReadOnlyState")
        assert label.isVisible() and label.text() == READ_ONLY_LABEL == "Read-only: changes cannot be saved here"
        assert "cannot be saved" in label.toolTip() and str(db) in label.toolTip()
        for key in EDITING_ACTIONS:
            assert not w.menu_actions[key].isEnabled(), key
        for key in ("export", "find", "open_database", "analysis"):
            assert w.menu_actions[key].isEnabled(), key
        codebook_buttons = [*w.codebook.buttons.values(), w.codebook.key_button, w.codebook.keywords_button]
        assert not any(b.isEnabled() for b in codebook_buttons)
        assert w.library.proxy.rowCount() == len(titles)  # the library is listed
        view = w.panes[0].view
        assert view.document_id is not None and view.canonical_text  # and read

        # A tag key on a selection: one sentence in the status bar, no dialog, nothing saved.
        view.select_offsets(0, 12)
        view.setFocus()
        qtbot.keyClick(view, "1")
        assert w.undo_stack.count() == 0
        assert w.statusBar().currentMessage().startswith(f"Changes cannot be saved to {db}")
        assert not w.annotator.import_files([article])
        assert "cannot be saved" in w.statusBar().currentMessage()
        assert modals.messages == [] and modals.errors == []

        w.grab().save(str(tmp_path / "read-only-window.png"))
        w.resize(1024, 700)
        qtbot.waitUntil(lambda: w.width() == 1024)
        assert label.isVisible()
        w.grab().save(str(tmp_path / "read-only-window-small.png"))
        w.close()
    finally:
        folder.chmod(0o755)
    assert snapshot(folder) == before


def test_a_writable_database_shows_no_read_only_state(qtbot, tmp_path, modals, isolated_qsettings):
    w = make_window(qtbot, tmp_path / "lib.db")
    assert not w.store.read_only
    assert "read-only" not in w.windowTitle()
    assert not w.findChild(QLabel, "ReadOnlyState").isVisible()
    assert all(w.menu_actions[key].isEnabled() for key in EDITING_ACTIONS if key != "replace")
    assert w.codebook.buttons["add"].isEnabled() and w.codebook.keywords_button.isEnabled()
    w.close()
