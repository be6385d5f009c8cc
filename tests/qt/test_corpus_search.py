"""Search everything: results as you type, off the UI thread, figures however
written, and Enter or a click opens the hit selected in a pane."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from window_support import db_file, isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

from desktop_app.core.store import Store
from desktop_app.qt import corpus_search
from tests.conftest import make_doc

ARTICLE = ("😀 Studios and unions 🎬 met again.\n"
           "“We are not moving,” said Ann Delaney of the guild, after 𝒳 weeks.\n"
           "The offer was $900K a year.")
OTHER = "The report puts the figure at $300,000, then $900,000 for 2023.\nNo one named Delaney here… just kidding: Delaney."
UNRELATED = "Nothing to see: $650,000 and 12 actors."


@pytest.fixture
def corpus(db_file):
    with Store.open(db_file, seed=False, annotator="tester") as s:
        ids = {name: s.add_document(make_doc(text, name)).id
               for name, text in (("Article", ARTICLE), ("Report", OTHER), ("Unrelated", UNRELATED))}
        start = ARTICLE.index("We are")
        claim = s.add_claim(ids["Article"], start, start + len("We are not moving"), note="strikebreaker warning")
    return ids, claim.id


@pytest.fixture
def window(qtbot, db_file, corpus, modals, isolated_qsettings):
    w = make_window(qtbot, db_file, size=(1024, 700))
    yield w
    w.close()


def search(window, qtbot, text: str) -> corpus_search.CorpusSearchPanel:
    window.menu_actions["search_all"].trigger()
    panel = window.search_dock.widget()
    assert panel.field.hasFocus() or qtbot.waitUntil(panel.field.hasFocus) is None
    panel.field.selectAll()
    qtbot.keyClicks(panel.field, text)
    qtbot.waitUntil(lambda: panel.answered == text and not panel._timer.isActive(), timeout=5000)
    return panel


def test_the_shortcut_is_ctrl_shift_f_and_no_other_action_has_it(window):
    action = window.menu_actions["search_all"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+F")
    others = [a.text() for a in window.findChildren(type(action))
              if a is not action and any(k == action.shortcut() for k in a.shortcuts())]
    assert others == []


def test_typing_finds_a_name_in_a_document_and_enter_selects_it(window, qtbot, corpus):
    ids, _claim = corpus
    panel = search(window, qtbot, "Delaney")
    titles = [h.title for h in panel.model.hits]
    assert set(titles) == {"Article", "Report"}
    snippet, where = panel.model.index(0, 0).data().split("\n")
    assert "[Delaney]" in snippet and where == titles[0]
    assert panel.model.index(0, 1).data() == titles[0]
    row = titles.index("Article")
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    pane = next(p for p in window.panes if p.view.document_id == ids["Article"])
    start = ARTICLE.index("Delaney")
    assert pane.view.selection_offsets() == (start, start + len("Delaney"))
    # the view's own (UTF-16) selection is after the two astral characters before it
    assert pane.view.textCursor().selectedText() == "Delaney"
    assert pane.view.textCursor().selectionStart() == start + 2


def test_a_figure_is_found_however_it_is_written_and_the_whole_figure_selected(window, qtbot, corpus):
    ids, _claim = corpus
    for query in ("900", "900,000", "$900K"):
        panel = search(window, qtbot, query)
        assert {h.document_id for h in panel.model.hits} == {ids["Article"], ids["Report"]}, query
    row = [h.title for h in panel.model.hits].index("Report")
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(panel.model.index(row, 0)).center())
    pane = next(p for p in window.panes if p.view.document_id == ids["Report"])
    start = OTHER.index("$900,000")
    assert pane.view.selection_offsets() == (start, start + len("$900,000"))


def test_a_claim_is_found_by_its_note_and_opened_as_the_selected_claim(window, qtbot, corpus):
    ids, claim_id = corpus
    panel = search(window, qtbot, "strikebreaker")
    assert [(h.kind, h.id) for h in panel.model.hits] == [("claim", claim_id)]
    assert panel.model.index(0, 0).data().startswith("Claim: ")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert window.annotator.selected_claim == claim_id
    pane = next(p for p in window.panes if p.view.document_id == ids["Article"])
    start = ARTICLE.index("We are")
    assert pane.view.selection_offsets() == (start, start + len("We are not moving"))


def test_the_search_runs_off_the_ui_thread_and_only_the_last_query_counts(window, qtbot, monkeypatch):
    threads, release = [], threading.Event()
    original = type(window.store).search

    def slow_search(self, query, **kw):
        threads.append(threading.current_thread())
        if query == "Studios":
            release.wait(5)  # the first search is slow: its answer comes after the second's
        return original(self, query, **kw)

    monkeypatch.setattr(type(window.store), "search", slow_search)
    window.menu_actions["search_all"].trigger()
    panel = window.search_dock.widget()
    panel.field.setText("Studios")
    panel.search_now()  # the UI thread goes on at once
    qtbot.waitUntil(lambda: len(threads) == 1)
    panel.field.setText("Delaney")
    panel.search_now()
    release.set()
    qtbot.waitUntil(lambda: panel.query == "Delaney", timeout=5000)
    assert all(t is not threading.main_thread() for t in threads)
    from desktop_app.qt.threads import still_running

    qtbot.waitUntil(lambda: still_running() == 0, timeout=5000)  # the first search, given up, has ended
    from PySide6.QtCore import QCoreApplication
    QCoreApplication.processEvents()
    assert panel.query == "Delaney" and {h.title for h in panel.model.hits} == {"Article", "Report"}


def test_a_refused_query_says_why_and_nothing_else(window, qtbot):
    panel = search(window, qtbot, "s*")
    assert panel.model.rowCount() == 0 and "too short a prefix" in panel.about.text()
    panel = search(window, qtbot, "zzzabsent")
    assert panel.model.rowCount() == 0 and "Nothing matches" in panel.about.text()


def test_the_results_model_passes_the_qt_tester(window, qtbot, qtmodeltester):
    panel = search(window, qtbot, "Delaney")
    assert panel.model.rowCount() == 2
    qtmodeltester.check(panel.model)
    qtmodeltester.check(corpus_search.SearchResultsModel())


def test_search_panel_at_1024x700(window, qtbot, tmp_path):
    panel = search(window, qtbot, "900")
    window.resize(1024, 700)
    # three tabs run down the column's side there (their titles whole), which takes some of its width
    qtbot.waitUntil(lambda: panel.view.viewport().width() > 140)
    assert window.search_dock.isVisible() and panel.model.rowCount() == 2
    shot = tmp_path / "search-1024x700.png"
    assert window.grab().save(str(shot))


def test_a_hit_in_a_paged_document_shows_its_page_and_opens_there(window, qtbot):
    from dataclasses import replace

    page_one = "Page one talks of nothing much.\n" * 30
    text = page_one + "Page two: the quorum was reached.\n"
    doc = window.store.add_document(replace(make_doc(text, "Minutes"), pages=[0, len(page_one)], source_format="pdf"))
    panel = search(window, qtbot, "quorum")
    assert [h.page for h in panel.model.hits] == ["2"]
    assert panel.model.index(0, 0).data().split("\n")[1] == "Minutes · page 2"
    assert panel.model.index(0, 2).data() == "2"
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    pane = next(p for p in window.panes if p.view.document_id == doc.id)
    start = text.index("quorum")
    assert pane.view.selection_offsets() == (start, start + len("quorum"))
    assert "page 2" in window.statusBar().currentMessage()
