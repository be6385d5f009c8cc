"""Opening a project of thousands of documents: the library and the codebook
are read once, the claim counts in a worker thread while the window stays
responsive, an edit counts again only what it touched, and the library
filter finds Unicode titles."""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import Qt, QTimer

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
from desktop_app.core.store import Store
from desktop_app.qt.item_models import DocumentsModel, TagsModel
from desktop_app.qt.events import StoreEvents
from desktop_app.qt.library_model import LibraryFilter

from window_support import isolated_qsettings, modals  # noqa: F401 - fixtures

DOCUMENTS = 2000
TITLES = ("Straße in Zürich", "東京の記者会見", "Café 😀 naïve", "Αθήνα strikes", "ǅemal’s report")


def _doc(i: int) -> StructuredDocument:
    text = f"Article {i}: the studio strike and the salaries of writers in café Zürich.\nSecond paragraph {i}."
    title = f"{TITLES[i % len(TITLES)]} {i}"
    return StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text", sha256=f"{i:064x}",
                              metadata=Metadata(title=title, outlet="Le Monde" if i % 2 else ""))


@pytest.fixture(scope="module")
def project_file(tmp_path_factory):
    """2,000 documents with 1 to 3 claims each, tagged, made once per module."""
    path = tmp_path_factory.mktemp("large") / "large.db"
    with Store.open(path, seed=False) as store:
        tags = [t.id for t in store.list_tags()]
        with store.transaction():
            for i in range(DOCUMENTS):
                doc_id = store.add_document(_doc(i), original_name=f"a{i}.txt").id
                store.add_claims_bulk(doc_id, [(0, 7), (9, 15), (20, 30)][: 1 + i % 3], [tags[i % len(tags)]])
    return path


@pytest.fixture
def project(project_file, tmp_path):
    path = tmp_path / "project.db"
    shutil.copy(project_file, path)
    return path


class Calls:
    """Store methods called, with the thread they ran on."""

    def __init__(self, monkeypatch, *names: str) -> None:
        self.seen: list[tuple[str, tuple, dict, bool]] = []
        for name in names:
            real = getattr(Store, name)

            def spy(store, *args, _real=real, _name=name, **kwargs):
                on_ui = threading.current_thread() is threading.main_thread()
                self.seen.append((_name, args, kwargs, on_ui))
                return _real(store, *args, **kwargs)

            monkeypatch.setattr(Store, name, spy)

    def of(self, name: str) -> list[tuple[tuple, dict, bool]]:
        return [(a, k, ui) for n, a, k, ui in self.seen if n == name]


def _open(qtbot, path):
    from desktop_app.qt.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.open_database_in_background(path)
    return w


def test_opening_lists_the_library_once_and_counts_in_a_worker(qtbot, project, modals, isolated_qsettings,
                                                                monkeypatch):
    calls = Calls(monkeypatch, "list_documents", "list_tags", "document_claim_counts", "tag_counts_by_document",
                  "get_document", "get_tag")
    w = _open(qtbot, project)
    try:
        qtbot.waitUntil(lambda: w.store is not None, timeout=30000)
        qtbot.waitUntil(lambda: not w.counts_loading(), timeout=30000)
        assert w.library.proxy.rowCount() == DOCUMENTS
        # read once, in the thread that opened the store, without counting claims
        assert calls.of("list_documents") == [((), {"counts": False}, False)]
        assert calls.of("list_tags") == [((), {"counts": False}, False)]
        # every count in one grouped query each, off the UI thread; none per document or tag
        assert calls.of("document_claim_counts") == [((), {}, False)]
        assert calls.of("tag_counts_by_document") == [((), {}, False)]
        assert calls.of("get_document") == [] and calls.of("get_tag") == []
        with Store.open(project) as store:
            expected = {d.id: d.claim_count for d in store.list_documents()}
            tag_counts = {t.id: t.claim_count for t in store.list_tags()}
        model = w.documents_model
        shown = {model.document_id(r): int(model.index(r, DocumentsModel.CLAIMS).data()) for r in
                 range(model.rowCount())}
        assert shown == expected and sum(shown.values()) == sum(1 + i % 3 for i in range(DOCUMENTS))
        assert {t.id: t.claim_count for t in w.tags_model.tags()} == tag_counts
        assert w.claims_panel.document_filter.count() == DOCUMENTS + 1  # "All documents" and each title
    finally:
        w.close()


def test_the_window_answers_while_the_counts_are_read(qtbot, project, modals, isolated_qsettings, monkeypatch):
    """The counts are held back until the UI thread has shown it runs: a
    timer fires again and again, the library is listed and filterable,
    and only then the counts arrive."""
    release = threading.Event()
    real = Store.tag_counts_by_document

    def held(store, *args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            assert release.wait(30), "the test never let the count go"
        return real(store, *args, **kwargs)

    monkeypatch.setattr(Store, "tag_counts_by_document", held)
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    w = _open(qtbot, project)
    try:
        qtbot.waitUntil(lambda: w.store is not None and w.tags_model is not None, timeout=30000)
        assert w.counts_loading()
        start = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= start + 5, timeout=10000)  # the UI thread goes on
        assert w.counts_loading() and not w.tags_model.counted()
        assert w.tags_model.index(0, TagsModel.CLAIMS).data() == ""  # not counted yet, not a wrong 0
        w.library.filter.setText("zürich")
        assert w.library.proxy.rowCount() == DOCUMENTS // len(TITLES)
        release.set()
        qtbot.waitUntil(lambda: not w.counts_loading(), timeout=30000)
        assert sum(t.claim_count for t in w.tags_model.tags()) == sum(1 + i % 3 for i in range(DOCUMENTS))
    finally:
        release.set()
        timer.stop()
        w.close()


def test_an_edit_counts_again_only_the_document_it_touched(qtbot, project, modals, isolated_qsettings,
                                                           monkeypatch):
    from desktop_app.qt.commands.claims import CreateClaim

    w = _open(qtbot, project)
    try:
        qtbot.waitUntil(lambda: w.store is not None and not w.counts_loading(), timeout=30000)
        calls = Calls(monkeypatch, "document_claim_counts", "tag_counts_by_document", "list_documents",
                      "list_tags")
        docs, tags = w.documents_model, w.tags_model
        changed = {"docs": [], "tags": []}
        docs.dataChanged.connect(lambda a, b, _r: changed["docs"].append((a.row(), b.row(), a.column(), b.column())))
        tags.dataChanged.connect(lambda a, b, _r: changed["tags"].append((a.row(), b.row())))
        doc_id = docs.document_id(1234)
        before = int(docs.index(1234, DocumentsModel.CLAIMS).data())
        tag = tags.tags()[0]
        w.annotator.push(CreateClaim(w.store, w.events, doc_id, 40, 50, [tag.id], ""))
        qtbot.waitUntil(lambda: docs.index(1234, DocumentsModel.CLAIMS).data() == str(before + 1), timeout=10000)
        qtbot.waitUntil(lambda: tags.tag(tag.id).claim_count == tag.claim_count + 1, timeout=10000)
        assert calls.of("document_claim_counts") == [(([doc_id],), {}, True)]
        assert calls.of("tag_counts_by_document") == [(([doc_id],), {}, True)]
        assert calls.of("list_documents") == [] and calls.of("list_tags") == []  # no full read
        assert changed["docs"] == [(1234, 1234, DocumentsModel.CLAIMS, DocumentsModel.CLAIMS)]
        assert changed["tags"] == [(tags.row_of(tag.id), tags.row_of(tag.id))]
    finally:
        w.close()


# ------------------------------------------------------------ library filter
@pytest.fixture
def unicode_library(tmp_path, qapp):
    store = Store.open(tmp_path / "u.db", seed=False)
    for i, title in enumerate(["Straße in Zürich", "ZÜRICH’s café", "東京の記者会見", "Emoji 😀 report",
                               "Cafe\u0301 combining", "Plain title", "rtl \u202egnirts\u202c"]):
        text = f"Text of document {i}."
        store.add_document(StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text",
                                              sha256=f"{i:064x}", metadata=Metadata(title=title)))
    yield store
    store.close()


def _titles(view_model) -> list[str]:
    return [view_model.index(r, 0).data() for r in range(view_model.rowCount())]


def test_library_filter_finds_unicode_titles(unicode_library, qtmodeltester):
    events = StoreEvents()
    docs = DocumentsModel(unicode_library, events)
    shown = LibraryFilter()
    shown.setSourceModel(docs)
    qtmodeltester.check(shown)
    shown.setFilterFixedString("zürich")
    assert _titles(shown) == ["Straße in Zürich", "ZÜRICH’s café"]  # case ignored
    shown.setFilterFixedString("STRASSE")
    assert _titles(shown) == ["Straße in Zürich"]  # ß folds to ss
    shown.setFilterFixedString("東京")
    assert _titles(shown) == ["東京の記者会見"]
    shown.setFilterFixedString("😀")
    assert _titles(shown) == ["Emoji 😀 report"]
    shown.setFilterFixedString("café zürich")  # every word, in any order
    assert _titles(shown) == ["ZÜRICH’s café"]
    shown.setFilterFixedString("U+202E")  # direction controls are found as they are shown
    assert len(_titles(shown)) == 1
    shown.setFilterFixedString("nothing like it")
    assert shown.rowCount() == 0
    qtmodeltester.check(shown)
    shown.setFilterFixedString("")
    assert shown.rowCount() == 7
    shown.sort(DocumentsModel.TITLE)
    assert _titles(shown)[0] == "Cafe\u0301 combining" and _titles(shown)[-1] == "東京の記者会見"
    shown.sort(DocumentsModel.TITLE, Qt.SortOrder.DescendingOrder)
    assert _titles(shown)[0] == "東京の記者会見"
    source = shown.mapToSource(shown.index(0, 0))
    assert docs.document_id(source.row()) == shown.index(0, 0).data(Qt.ItemDataRole.UserRole)
    assert shown.mapFromSource(source).row() == 0
    qtmodeltester.check(shown)


def test_library_filter_follows_counts_and_new_documents(unicode_library, qtbot):
    from desktop_app.qt.roles import IdRole

    events = StoreEvents()
    docs = DocumentsModel(unicode_library, events)
    shown = LibraryFilter()
    shown.setSourceModel(docs)
    shown.setFilterFixedString("zürich")
    changes = []
    shown.dataChanged.connect(lambda a, b, _r: changes.append((a.row(), b.row(), a.column())))
    target = shown.index(1, 0).data(IdRole)
    unicode_library.add_claim(target, 0, 4, [])
    events.claimAdded.emit(unicode_library.list_claims(document_ids=[target])[0])
    qtbot.waitUntil(lambda: shown.index(1, DocumentsModel.CLAIMS).data() == "1", timeout=5000)
    assert changes == [(1, 1, DocumentsModel.CLAIMS)]  # the filtered rows stay, one cell changes
    text = "Zürich again."
    unicode_library.add_document(StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text",
                                                    sha256="f" * 64, metadata=Metadata(title="Zürich, later")))
    events.documentsChanged.emit()
    assert _titles(shown) == ["Straße in Zürich", "ZÜRICH’s café", "Zürich, later"]


def test_library_panel_keeps_the_selected_document_while_filtering(unicode_library, qtbot):
    from desktop_app.qt.library_panel import LibraryPanel

    panel = LibraryPanel()
    qtbot.addWidget(panel)
    docs = DocumentsModel(unicode_library, StoreEvents())
    panel.set_model(docs)
    panel.show()
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == "ZÜRICH’s café")
    panel.table.setCurrentIndex(panel.proxy.index(row, 0))
    chosen = panel.current_document()
    panel.filter.setText("café")
    assert panel.current_document() == chosen
    panel.table.sortByColumn(DocumentsModel.TITLE, Qt.SortOrder.DescendingOrder)
    panel.filter.setText("")
    assert panel.current_document() == chosen and panel.proxy.rowCount() == 7


def test_claims_panel_finds_a_document_among_thousands(qtbot, qapp, qtmodeltester):
    """The document filter is a search over the titles: a choice by its id
    or by a typed title, kept when the library changes, all when it goes."""
    from desktop_app.qt.document_choices import DocumentFilterBox

    box = DocumentFilterBox()
    qtbot.addWidget(box)
    docs = [(i, f"{TITLES[i % len(TITLES)]} {i}") for i in range(1, 5001)]
    box.set_documents(docs)
    assert box.count() == 5001 and box.currentData() is None
    qtmodeltester.check(box.choices)
    box.choose(4321)
    assert box.currentData() == 4321 and box.currentText() == docs[4320][1]
    box.set_documents(docs[::-1])  # listed again, in another order: the choice stays
    assert box.currentData() == 4321
    box.set_documents(docs[:100])  # the chosen document left the library: all documents
    assert box.currentData() is None
    box.lineEdit().setText("Café 😀 naïve 57")
    box.lineEdit().editingFinished.emit()
    assert box.currentData() == 57
    box.lineEdit().setText("")
    box.lineEdit().editingFinished.emit()
    assert box.currentData() is None
    completer = box.completer()
    completer.setCompletionPrefix("zürich 1")
    assert completer.completionCount() == len([d for d in docs[:100] if "zürich 1" in d[1].casefold()])


def test_the_ui_thread_does_not_read_the_whole_file_before_the_window_answers(qtbot, project, modals,
                                                                              isolated_qsettings, monkeypatch):
    """SQLite's integrity check reads every page (seconds at a million
    claims): it runs once, in the thread that opens the store."""
    from desktop_app.core.store import database

    real = database.inspect_file
    seen = []

    def spy(path, *args, **kwargs):
        seen.append((threading.current_thread() is threading.main_thread(), kwargs.get("check", True)))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(database, "inspect_file", spy)
    w = _open(qtbot, project)
    try:
        qtbot.waitUntil(lambda: w.store is not None, timeout=30000)
        assert (True, False) in seen  # the first look, on the UI thread, without the check
        assert [checked for on_ui, checked in seen if on_ui] == [False]
        assert (False, True) in seen  # the full check, where the store opens
    finally:
        w.close()


def test_a_model_that_goes_away_while_counting_leaves_its_reader_to_end(unicode_library, qtbot, monkeypatch):
    """The worker belongs to no model: deleting the model while it reads
    neither destroys the running thread nor calls the deleted model."""
    from desktop_app.qt import counting

    release = threading.Event()
    real = unicode_library.document_claim_counts
    monkeypatch.setattr(unicode_library, "document_claim_counts",
                        lambda *a, **k: release.wait(30) and real(*a, **k))
    model = DocumentsModel(unicode_library, StoreEvents(), counts=False)
    model.load_counts_in_background()
    reader = model._reader
    assert reader is not None and reader.isRunning()
    gone = []
    model.destroyed.connect(lambda: gone.append(1))
    model.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    del model
    release.set()
    qtbot.waitUntil(reader.isFinished, timeout=10000)
    assert reader in counting._readers  # kept until it ended; let go of by the next start
    other = DocumentsModel(unicode_library, StoreEvents(), counts=False)
    other.load_counts_in_background()
    assert reader not in counting._readers
    qtbot.waitUntil(lambda: not other.counting(), timeout=10000)
    assert other.counted()
