"""The claims table over a project of many claims: sorting by every column,
filtering, scrolling to the end, selecting, deleting and undoing, with
guards that nothing reads every claim (the store is asked for pages, the
model reads only the rows painted)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from window_support import (  # noqa: F401 - fixtures
    isolated_qsettings,
    make_window,
    modals,
    settle,
)

from conftest import make_doc
from desktop_app.core.store import Store
from desktop_app.core.store.claims_query import ClaimQuery
from desktop_app.qt.claims_model import CACHE_ROWS, PAGE_ROWS, WINDOW_ROWS, ClaimsModel

CLAIMS = 24_000
WORDS = "strike union café Zürich salary deepfake guild 😀 contract écLAIR Netflix archive".split()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """24,000 claims over 12 articles, made with the bulk path once for the module."""
    db = tmp_path_factory.mktemp("big") / "big.db"
    with Store.open(db, annotator="bulk") as store:
        tags = [t.id for t in store.list_tags()]
        for i in range(12):
            text = " ".join(WORDS[(i + j) % len(WORDS)] + str(j % 97) for j in range(3000))
            doc = store.add_document(make_doc(text, title=f"{WORDS[i]} article {i}"))
            spans = [((k * 37) % (len(text) - 40), (k * 37) % (len(text) - 40) + 8 + k % 30)
                     for k in range(CLAIMS // 12)]
            ids = store.add_claims_returning_ids(doc.id, spans, [tags[i % len(tags)]])
            store.set_claim_note(ids[5], f"note {WORDS[i]}")
            store.set_claim_status(ids[7], "disputed")
    return db


@pytest.fixture
def big(qtbot, big_db, tmp_path, modals, isolated_qsettings, monkeypatch):
    db = tmp_path / "big.db"
    db.write_bytes(big_db.read_bytes())
    w = make_window(qtbot, db, size=(1024, 700))
    w.claims_dock.show()
    w.claims_dock.raise_()
    settle()

    def everything(*_args, **_kwargs):
        raise AssertionError("the window read every claim")

    monkeypatch.setattr(w.store, "iter_claims", everything)
    monkeypatch.setattr(w.store, "list_claims", everything)
    yield w
    w.close()


class Counting:
    """Counts the model's data() calls and the store's page reads."""

    def __init__(self, monkeypatch, model: ClaimsModel) -> None:
        self.data = 0
        original = ClaimsModel.data

        def data(this, index, role=Qt.ItemDataRole.DisplayRole):
            if this is model:
                self.data += 1
            return original(this, index, role)

        monkeypatch.setattr(ClaimsModel, "data", data)


def _order(store, query: ClaimQuery, limit: int) -> list[int]:
    return [k[-1] for k in store.claim_page(query, None, limit)]


def test_sorting_and_filtering_a_large_table_reads_only_what_is_shown(big, qtbot, monkeypatch):
    w = big
    model, table, panel = w.claims_model, w.claims_panel.table, w.claims_panel
    assert model.rowCount() == PAGE_ROWS and model.canFetchMore()  # one page, not every claim
    counting = Counting(monkeypatch, model)
    for column, name in enumerate(ClaimsModel.SORTS):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            reads, pages, counting.data = model.reads, model.pages, 0
            table.sortByColumn(column, order)
            table.viewport().repaint()
            settle()
            assert model.rowCount() == PAGE_ROWS
            assert model.pages - pages == 1  # one query of the store
            assert model.reads - reads <= 2 * WINDOW_ROWS  # the rows painted, a window at a time
            assert counting.data < 40 * len(ClaimsModel.HEADERS) * 12  # the screen's cells, not the table's
            descending = order == Qt.SortOrder.DescendingOrder
            want = _order(w.store, ClaimQuery(sort=name, descending=descending), PAGE_ROWS)
            assert [model.claim_id(r) for r in range(PAGE_ROWS)] == want
            first = table.indexAt(table.viewport().rect().topLeft())
            assert first.row() == 0 and model.claim(0).id == want[0]
    assert len(model._cache) <= CACHE_ROWS

    # Typing in the filter: each character is one query; the rows are the store's.
    table.sortByColumn(ClaimsModel.QUOTE, Qt.SortOrder.AscendingOrder)
    pages = model.pages
    qtbot.keyClicks(panel.text_filter, "GUIL")
    assert model.pages - pages == 4
    assert model.text_filter() == "guil"
    panel.text_filter.setText("guil zür")  # every word, any case (typed: keyClicks knows no "ü")
    shown = [model.claim(r) for r in range(min(model.rowCount(), 50))]

    def has(c, word):
        return word in "\n".join((c.quote, c.note, model.document_title(c.document_id))).casefold()

    assert shown and all(has(c, "guil") and has(c, "zür") for c in shown)
    panel.text_filter.clear()
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("disputed"))
    assert model.rowCount() == 12 and not model.canFetchMore()
    assert {model.claim(r).status for r in range(12)} == {"disputed"}
    panel.status_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(2)
    tag = panel.tag_filter.currentData()
    assert model.rowCount() == PAGE_ROWS and all(tag in model.claim(r).tag_ids for r in range(PAGE_ROWS))
    panel.tag_filter.setCurrentIndex(0)


def test_a_rare_word_is_found_a_window_at_a_time(big, qtbot, monkeypatch):
    """A word that few claims contain: each step looks at a bounded number of
    claims, the event loop runs between steps, and the matches arrive."""
    from desktop_app.qt import claims_model

    w = big
    model, panel = w.claims_model, w.claims_panel
    monkeypatch.setattr(claims_model, "SCAN_ROWS", 1000)
    scans = []
    real = w.store.claim_window

    def window(query, after=None, limit=200, scan=20_000):
        scans.append(scan)
        return real(query, after, limit, scan)

    monkeypatch.setattr(w.store, "claim_window", window)
    panel.text_filter.setText("NOTE")  # in twelve notes, nowhere else
    assert len(scans) == 1 and model.rowCount() < 12  # the first window only, then back to the loop
    qtbot.waitUntil(lambda: not model.canFetchMore(), timeout=20000)
    assert model.rowCount() == 12 and all(model.claim(r).note.startswith("note ") for r in range(12))
    assert set(scans) == {1000} and len(scans) >= CLAIMS // 1000
    panel.text_filter.clear()
    assert model.rowCount() == PAGE_ROWS


def test_a_claim_selected_elsewhere_is_fetched_down_to(big, qtbot):
    """Selecting a claim in a pane shows its row in the table, reading the
    pages before it when it is among the first REFETCH_MAX rows."""
    from desktop_app.qt.claims_model import REFETCH_MAX

    w = big
    model, panel = w.claims_model, w.claims_panel
    panel.table.sortByColumn(ClaimsModel.QUOTE, Qt.SortOrder.AscendingOrder)
    order = _order(w.store, ClaimQuery(sort="quote", descending=False), REFETCH_MAX + 500)
    near, far = order[1500], order[REFETCH_MAX + 400]
    w.annotator.select_claim(near)
    assert model.row_of(near) == 1500 and panel.selected_claim() == near
    assert PAGE_ROWS * 8 <= model.rowCount() <= 1500 + 2 * PAGE_ROWS  # the view may ask for one more
    w.annotator.select_claim(far)  # further down: not read for it; the table shows no selection
    assert model.row_of(far) is None and panel.selected_claim() is None
    assert model.rowCount() <= REFETCH_MAX and w.editor.claim.id == far


def test_scrolling_to_the_end_fetches_pages_in_order(big, qtbot):
    w = big
    model, table = w.claims_model, w.claims_panel.table
    table.sortByColumn(ClaimsModel.DOCUMENT, Qt.SortOrder.DescendingOrder)
    bar = table.verticalScrollBar()
    turns = 0
    while model.canFetchMore():
        table.scrollToBottom()  # the view asks for the next page at the bottom
        bar.setValue(bar.maximum())
        settle()
        turns += 1
        assert turns <= CLAIMS // PAGE_ROWS + 2
    assert model.rowCount() == CLAIMS
    ids = [model.claim_id(r) for r in range(CLAIMS)]
    assert len(set(ids)) == CLAIMS  # no row twice across pages
    assert ids == _order(w.store, ClaimQuery(sort="document", descending=True), CLAIMS + 1)
    last = table.indexAt(table.viewport().rect().bottomLeft() - table.viewport().rect().topLeft() * 0)
    assert last.isValid() and last.row() > CLAIMS - 40
    assert model.claim(CLAIMS - 1) is not None and len(model._cache) <= CACHE_ROWS


def test_select_delete_and_undo_in_a_large_table(big, qtbot, qtmodeltester):
    w = big
    model, table = w.claims_model, w.claims_panel.table
    table.sortByColumn(ClaimsModel.QUOTE, Qt.SortOrder.AscendingOrder)
    for _ in range(3):
        model.fetchMore()
    row = 450
    cid = model.claim_id(row)
    table.scrollTo(model.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(row, 2)).center())
    assert w.editor.claim.id == cid  # selecting the row selected the claim
    neighbours = model.claim_id(row - 1), model.claim_id(row + 1)
    table.setFocus()
    fetched = model.rowCount()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert model.row_of(cid) is None and model.rowCount() == fetched - 1
    assert (model.claim_id(row - 1), model.claim_id(row)) == neighbours
    w.menu_actions["undo"].trigger()
    assert model.row_of(cid) == row  # back at its place in the order
    # a claim made in a pane appears at its place too: at the top, newest first
    table.sortByColumn(ClaimsModel.UPDATED, Qt.SortOrder.DescendingOrder)
    pane = w.panes[0]
    cafe = next(d.id for d in w.documents_model.documents() if d.title == "café article 2")
    w.open_document(cafe, pane)
    qtbot.waitUntil(lambda: "café" in pane.view.canonical_text)
    text = pane.view.canonical_text
    at = text.index("café")
    pane.view.select_offsets(at, at + 4)
    pane.view.setFocus()
    qtbot.keyClick(pane.view, "1")
    made = w.annotator.selected_claim
    assert model.row_of(made) == 0 and model.rowCount() == PAGE_ROWS + 1
    assert w.claims_panel.selected_claim() == made
    # keys 1–9 on selected rows tag them; one undo step
    table.selectRow(3)
    table.setFocus()
    before = w.undo_stack.count()
    qtbot.keyClick(table, "2")
    assert w.undo_stack.count() == before + 1
    qtmodeltester.check(model)  # Qt's tester over the pages (it fetches more too)
    w.menu_actions["undo"].trigger()
    panel = w.claims_panel
    panel.text_filter.setText("café")
    assert model.rowCount() > 0
