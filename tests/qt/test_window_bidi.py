"""A title with direction controls (a file named "rtl\u202egpj.md") is shown
with each control as a visible marker in the library and the pane header, so
that a spoofed name is seen for what it is; the text itself is unchanged."""

from __future__ import annotations

from PySide6.QtCore import Qt
from window_support import db_file, isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

from conftest import make_doc
from desktop_app.core.store import Store
from desktop_app.qt.item_models import DocumentsModel

SPOOFED = "rtl\u202egpj.md \u2066isolated\u2069 \u200fmark"
SHOWN = "rtl⟨U+202E⟩gpj.md ⟨U+2066⟩isolated⟨U+2069⟩ ⟨U+200F⟩mark"
TEXT = "Body with an override \u202e inside, kept as it is.\n"


def test_library_and_pane_show_direction_controls(qtbot, db_file, modals, isolated_qsettings, tmp_path):
    with Store.open(db_file) as store:
        doc = store.add_document(make_doc(TEXT, SPOOFED, outlet="Out\u202elet"))
    window = make_window(qtbot, db_file, size=(1024, 700))
    try:
        proxy = window.library.proxy
        row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == doc.id)
        assert proxy.index(row, DocumentsModel.TITLE).data() == SHOWN
        assert proxy.index(row, DocumentsModel.OUTLET).data() == "Out⟨U+202E⟩let"
        assert "\u202e" not in proxy.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)

        pane = window.open_document(doc.id, window.panes[0])
        qtbot.waitUntil(lambda: pane.view.document_id == doc.id)
        assert pane.chooser.currentText() == SHOWN
        assert SHOWN in pane.chooser.toolTip()
        assert all(pane.chooser.itemText(i).count("\u202e") == 0 for i in range(pane.chooser.count()))
        assert pane.view.canonical_text == TEXT.rstrip("\n") or pane.view.canonical_text.startswith(TEXT[:30])
        assert "\u202e" in pane.view.canonical_text  # the text is not changed: offsets stay
        with Store.open(db_file) as store:
            assert store.get_document(doc.id).title == SPOOFED  # stored as imported
        window.grab().save(str(tmp_path / "bidi.png"))
    finally:
        window.close()
