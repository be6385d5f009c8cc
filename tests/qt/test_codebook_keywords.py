"""Keywords of a tag from the codebook panel, with undo."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog
from window_support import db_file, isolated_qsettings, modals, tag_id, window  # noqa: F401 - fixtures

from desktop_app.core.store import Store


def test_keywords_from_the_codebook_are_saved_and_undone(window, db_file, monkeypatch):
    strikes = tag_id(window, "strikes")
    panel = window.codebook
    panel.table.setCurrentIndex(window.tags_model.index(window.tags_model.row_of(strikes), 0))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("picket line, walkout, ", True))
    panel.keywords_button.click()
    with Store.open(db_file) as fresh:
        assert fresh.get_tag(strikes).keywords == ("picket line", "walkout")
    assert "keywords" in window.undo_stack.undoText()
    assert "walkout" in window.tags_model.index(window.tags_model.row_of(strikes), 0).data(3)  # tooltip
    window.undo_stack.undo()
    with Store.open(db_file) as fresh:
        assert fresh.get_tag(strikes).keywords == ()
    window.undo_stack.redo()
    with Store.open(db_file) as fresh:
        assert fresh.get_tag(strikes).keywords == ("picket line", "walkout")
