"""Web pages in the window: File > Import from web address… (a worker thread,
progress, Cancel), links and files dropped from a browser, the whole-page
choice of File > Import…, and the seeds' workflow on a saved news page.
Every address is on a server the test starts on 127.0.0.1."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton
from webserver import web_server  # noqa: F401 - fixture
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    modals,
    window,
)

from desktop_app.core.store import Store
from desktop_app.qt import dialogs, web_import

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"
TITLE = "Port authority delays dredging after survey finds contaminated silt"


def _titles(window) -> list[str]:
    model = window.documents_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _drop(window, mime: QMimeData) -> None:
    event = QDropEvent(QPointF(400, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert event.isAccepted()


def test_address_dialog_accepts_only_web_addresses(qtbot):
    dialog = web_import.AddressDialog(None)
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.address, "ftp://example.org/page")
    assert not dialog.ok.isEnabled()
    dialog.address.clear()
    qtbot.keyClicks(dialog.address, "  https://news.example/a-story  ")
    assert dialog.ok.isEnabled()
    dialog.whole_page.setChecked(True)
    assert dialog.value() == ("https://news.example/a-story", True)


def test_import_from_web_address_through_the_menu(window, qtbot, web_server, monkeypatch):
    action = window.menu_actions["import_address"]
    assert action.shortcut().toString() == "Ctrl+Shift+U"
    address = web_server.url("/redirect/2")
    monkeypatch.setattr(web_import, "ask_address", lambda parent: (address, False))
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        action.trigger()
        assert window.annotator.import_run is not None and window.annotator.progress_dialog is not None
    ids, failures = finished.args
    assert failures == [] and len(ids) == 1
    assert TITLE in _titles(window)
    message = window.statusBar().currentMessage()
    assert f"Imported “{TITLE}”." in message and "Kept the article:" in message and "of the page" in message
    pane = window.active_pane or window.panes[0]
    assert pane.view.document_id == ids[0]
    assert "Related stories" not in pane.view.canonical_text
    doc = window.store.get_document(ids[0])
    assert doc.source_url == "https://harbourherald.example/news/2026/11/port-dredging-delayed"
    assert window.annotator.import_run is None and window.annotator.progress_dialog is None


def test_a_failing_address_is_one_sentence_and_imports_nothing(window, qtbot, web_server, modals):
    before = len(window.store.list_documents())
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        assert window.annotator.import_address(web_server.url("/missing"))
    assert finished.args == [[], [f"{web_server.url('/missing')} was not found on the server (404 Not Found)."]]
    assert modals.texts("warn") == finished.args[1]
    assert len(window.store.list_documents()) == before


def test_cancel_stops_a_download_that_waits(window, qtbot, web_server, modals):
    before = len(window.store.list_documents())
    received = []
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        assert window.annotator.import_address(web_server.url("/slow"))
        run = window.annotator.import_run
        run.progress.connect(lambda got, total: received.append((got, total)))
        qtbot.waitUntil(lambda: bool(received), timeout=10000)  # the headers came, the body never will
        assert received[0] == (0, 100000)
        assert not window.annotator.import_address(web_server.url("/news/harbour"))  # one at a time
        window.annotator.progress_dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert finished.args == [[], []]
    assert window.statusBar().currentMessage() == "Import cancelled; nothing was imported."
    assert modals.texts("warn") == []
    assert len(window.store.list_documents()) == before
    assert window.annotator.import_run is None


def test_a_link_dragged_from_a_browser_imports_the_page(window, qtbot, web_server):
    mime = QMimeData()
    mime.setUrls([QUrl(web_server.url("/news/harbour"))])
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        _drop(window, mime)
    assert len(finished.args[0]) == 1 and finished.args[1] == []
    assert TITLE in _titles(window)


def test_an_address_dropped_as_text_imports_the_page(window, qtbot, web_server):
    mime = QMimeData()
    mime.setText(web_server.url("/news/valley-courier"))
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        _drop(window, mime)
    assert len(finished.args[0]) == 1
    assert "Rail line to reopen in 2028 as funding is confirmed 🚆" in _titles(window)


def test_a_saved_page_dropped_from_a_browser_imports_its_article(window, qtbot, tmp_path):
    saved = tmp_path / "Port authority delays dredging.html"
    saved.write_bytes((WEB / "harbour-herald.html").read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(saved))])
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        _drop(window, mime)
    doc_id = finished.args[0][0]
    assert window.store.get_document(doc_id).source_format == "web"
    assert "Kept the article:" in window.statusBar().currentMessage()


def test_the_import_dialog_offers_the_whole_page(window, qtbot, monkeypatch):
    dialog, whole = dialogs.import_file_dialog(window, str(WEB))
    qtbot.addWidget(dialog)
    assert not whole.isChecked() and whole.text().replace("&", "").startswith("Web pages: import the whole page")
    assert whole.parent() is dialog
    dialog.deleteLater()
    monkeypatch.setattr(dialogs, "ask_import_files", lambda *a, **k: ([WEB / "harbour-herald.html"], True))
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        window.menu_actions["import"].trigger()
    doc = window.store.get_document(finished.args[0][0])
    assert doc.source_format == "html"
    pane = window.active_pane or window.panes[0]
    assert pane.view.document_id == doc.id and "Related stories" in pane.view.canonical_text


def test_seed_workflow_on_a_saved_web_page(window, qtbot, tmp_path, db_file):
    """Import a saved news page, select a passage, press a tag's key, export the CSV."""
    saved = tmp_path / "harbour.html"
    saved.write_bytes((WEB / "harbour-herald.html").read_bytes())
    with qtbot.waitSignal(window.importFinished, timeout=20000) as finished:
        assert window.annotator.import_files([saved])
    doc_id = finished.args[0][0]
    pane = window.active_pane or window.panes[0]
    window.open_document(doc_id, pane)
    text = pane.view.canonical_text
    quote = "measured cadmium at 2.4 milligrams per kilogram"
    start = text.index(quote)
    tag = next(t for t in window.store.list_tags() if t.key)
    claim_id = make_claim(window, qtbot, pane, start, start + len(quote), str(tag.key))
    target = tmp_path / "claims.csv"
    assert window.annotator.export_to(target) >= 1
    with target.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["document_id"] == str(doc_id)]
    assert len(rows) == 1
    row = rows[0]
    assert row["quote"] == quote and row["document_title"] == TITLE
    assert row["document_source"] == "https://harbourherald.example/news/2026/11/port-dredging-delayed"
    assert row["document_published"].startswith("2026-11-18")
    assert tag.name in row["tags"]
    with Store.open(db_file) as other:  # committed: another connection sees it
        assert any(c.id == claim_id and c.quote == quote for c in other.list_claims())


def test_closing_while_a_page_downloads_stops_it_at_once(window, qtbot, web_server, db_file, modals):
    import time

    received = []
    finished = []
    window.importFinished.connect(lambda *args: finished.append(args))
    assert window.annotator.import_address(web_server.url("/slow"))
    run = window.annotator.import_run
    run.progress.connect(lambda got, total: received.append(got))
    qtbot.waitUntil(lambda: bool(received), timeout=10000)
    t0 = time.monotonic()
    window.close()  # the read waiting on the server is cut, the thread ends
    assert time.monotonic() - t0 < 5
    assert window.annotator.import_run is None and window.store is None
    assert run.thread.isFinished()
    assert finished == [] and modals.messages == [] and modals.errors == []
    with Store.open(db_file) as s:
        assert s.integrity_check() == "ok"
        assert all("127.0.0.1" not in (d.original_name or "") for d in s.list_documents())
