"""Word, OpenDocument and EPUB files imported through the window: read in the
reader child off the UI thread, shown with their structure; cancelling kills
the child at once and imports nothing."""

from __future__ import annotations

import os
from pathlib import Path

from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    modals,
    window,
)

from desktop_app.core.importers import isolated
from desktop_app.core.store import Store
from office_files import docx_bytes, epub_bytes, odt_bytes

HERE = Path(__file__).resolve().parents[1] / "core"


def test_office_files_import_through_the_window(window, qtbot, tmp_path, db_file, modals):
    files = []
    for name, data in (("release.docx", docx_bytes()), ("minutes.odt", odt_bytes()), ("book.epub", epub_bytes())):
        files.append(tmp_path / name)
        files[-1].write_bytes(data)
    values = []
    with qtbot.waitSignal(window.importFinished, timeout=60000) as finished:
        assert window.annotator.import_files(files)
        dialog = window.annotator.progress_dialog
        # connected after the window's own slot: sees the bar as it was just set
        window.annotator.import_run.file_progress.connect(lambda d, t: values.append(dialog.value()))
    ids, failures = finished.args
    assert failures == [] and len(ids) == 3
    assert values == sorted(values) and any(v % 100 for v in values)  # progress within a file, never backwards
    assert values[-1] < 300
    with Store.open(db_file) as store:
        docs = {d.original_name: d for d in store.list_documents()}
    assert (docs["release.docx"].source_format, docs["minutes.odt"].source_format, docs["book.epub"].source_format) == (
        "docx", "odt", "epub")
    window.open_document(docs["release.docx"].id)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.active_pane.view.document_id == docs["release.docx"].id, timeout=5000)
    shown = window.active_pane.view.toPlainText()
    assert "The CEO 🧑‍💼 earns 900 times the median 𝔐 wage in 2026.[1]" in shown
    assert "Year | Wage 💶 | Change" in shown
    window.grab().save(str(tmp_path / "word-in-window.png"))
    if os.environ.get("MARGINALIA_SCREENSHOTS"):
        window.grab().save(os.environ["MARGINALIA_SCREENSHOTS"])


def test_cancel_kills_the_reader_and_imports_nothing(window, qtbot, tmp_path, db_file, modals, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(isolated.PARSERS, "docx", isolated.Parser("reader_faults", "hang", "application/x-test"))
    stuck = tmp_path / "stuck.docx"
    stuck.write_bytes(docx_bytes())
    with Store.open(db_file) as store:
        before = len(store.list_documents())
    progress = []
    window.annotator.import_run = None
    with qtbot.waitSignal(window.importFinished, timeout=30000) as finished:
        assert window.annotator.import_files([stuck])
        run = window.annotator.import_run
        run.file_progress.connect(lambda d, t: progress.append((d, t)))
        qtbot.waitUntil(lambda: progress == [(1, 3)] or bool(run.failures), timeout=20000)  # the child is working
        assert not run.failures, run.failures
        window.annotator.progress_dialog.canceled.emit()  # what its Cancel button does
    ids, failures = finished.args
    assert ids == [] and failures == []
    with Store.open(db_file) as store:
        assert len(store.list_documents()) == before
    assert modals.texts("warn") == []


def test_leaving_the_database_while_a_new_version_is_read_kills_the_reader(window, qtbot, tmp_path, db_file,
                                                                           modals, monkeypatch):
    """Reading a new version runs as a cancellable operation: switching
    databases cancels it, its reader child is killed, nothing is replaced."""
    import time

    from desktop_app.qt.main_window import STOP_WAIT_MS
    from desktop_app.qt.threads import still_running

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(isolated.PARSERS, "docx", isolated.Parser("reader_faults", "hang", "application/x-test"))
    stuck = tmp_path / "new version.docx"
    stuck.write_bytes(docx_bytes())
    doc_id = window.panes[0].view.document_id
    before = window.store.document_text(doc_id)
    replaced = []
    window.replaceFinished.connect(lambda *args: replaced.append(args))
    assert window.annotator.versions.replace_from_file(doc_id, stuck)
    run = window.annotator.versions.run
    qtbot.waitUntil(run.thread.isRunning, timeout=10000)
    t = time.monotonic()
    assert window.open_database(tmp_path / "other.db")
    assert time.monotonic() - t < STOP_WAIT_MS / 1000 + 2  # cancelled, not waited out
    qtbot.waitUntil(lambda: still_running() == 0 and run.thread.isFinished(), timeout=20000)
    assert run.op.cancelled and replaced == []
    with Store.open(db_file) as store:
        assert store.document_text(doc_id) == before
