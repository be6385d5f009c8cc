"""A team database that stops answering never freezes the window: opening a
document, listing claim candidates, reading the links and what a link joins
happen off the UI thread, with a bounded wait.

The server is a real PostgreSQL reached through a proxy on 127.0.0.1 that
can stop forwarding (every byte accepted, none delivered: a network gone
quiet), or stopped outright. A QTimer on the UI thread counts its ticks
while the window waits: a held UI thread would count none (an overdue timer
fires once), so many ticks before the read comes back prove the window kept
running; no test measures time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from window_support import Ticks, isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

from desktop_app.core.store import Store
from desktop_app.qt import operations
from desktop_app.qt.threads import still_running

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from holdproxy import HoldingProxy  # noqa: E402

TICKS = 25  # ticks of a 10 ms timer counted while a read is held: the UI thread ran all along
DONE_MS = 30000


@pytest.fixture
def proxy(pg_server, pg_url):
    url = make_url(pg_url)
    p = HoldingProxy((url.host, url.port))
    yield p
    p.close()


@pytest.fixture
def team(qtbot, pg_url, proxy, modals, isolated_qsettings):  # noqa: F811
    """A window on the team database, reached through the proxy."""
    from conftest import make_doc

    with Store.open(pg_url) as store:  # two more documents than the panes show, with sentences worth a claim
        for title in ("Harbour budget 🚢", "Council minutes"):
            text = " ".join(f"The council said on 3 May 2024 that {title} costs $1,{i:03d},000 this year."
                            for i in range(60))
            store.add_document(make_doc(text, title))
    address = make_url(pg_url).set(port=proxy.port).render_as_string(hide_password=False)
    w = make_window(qtbot, address)
    w.live.stop(3000)  # the poller's own reads are tested elsewhere; here only what the user does reads
    yield w
    proxy.release()
    if w.pending.waiting():
        modals.confirm_answers.append(True)
    w.close()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)  # no thread left behind


def _other_document(w, pane) -> int:
    shown = {p.view.document_id for p in w.panes}
    return next(d.id for d in w.documents_model.documents() if d.id not in shown)


def _held_while(qtbot, proxy, pending) -> int:
    """Count ticks while the proxy holds and ``pending()`` stays true."""
    ticks = Ticks()
    try:
        qtbot.waitUntil(lambda: ticks.count >= TICKS, timeout=DONE_MS)
        assert proxy.holding and pending(), "the read ended although the server never answered"
    finally:
        count = ticks.stop().count
    return count


def _one_sentence(text: str) -> None:
    assert text and "\n" not in text and "Traceback" not in text, text
    assert text.rstrip(".").count(". ") == 0, text


# ------------------------------------------------------------ opening
def test_a_document_opens_when_a_held_server_answers_again(team, qtbot, proxy):
    w = team
    pane = w.panes[0]
    before = pane.view.document_id
    doc_id = _other_document(w, pane)
    proxy.hold()
    w.open_document(doc_id, pane)
    assert _held_while(qtbot, proxy, lambda: w.annotator.opening and pane.view.document_id == before) >= TICKS
    assert "Opening" in w.statusBar().currentMessage()
    proxy.release()
    qtbot.waitUntil(lambda: pane.view.document_id == doc_id and not w.annotator.opening, timeout=DONE_MS)
    assert len(pane.view.toPlainText()) > 200  # the text came with it


def test_a_server_that_does_not_answer_in_time_gets_one_sentence(team, qtbot, proxy, monkeypatch, tmp_path):
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    pane = w.panes[0]
    before = pane.view.document_id
    doc_id = _other_document(w, pane)
    title = w.annotator.held_title(doc_id)
    proxy.hold()
    ticks = Ticks()
    w.open_document(doc_id, pane)
    qtbot.waitUntil(lambda: "did not answer" in w.statusBar().currentMessage(), timeout=DONE_MS)
    assert ticks.stop().count >= 5  # the wait was spent in the event loop
    message = w.statusBar().currentMessage()
    _one_sentence(message)
    assert title[:20] in message
    assert pane.view.document_id == before and not w.annotator.opening  # the pane stays as it was
    w.resize(1024, 700)
    w.grab().save(str(tmp_path / "team-read-late.png"))  # the sentence in the status bar, the pane as it was
    assert still_running() >= 1  # the read still waits on the network, on its own thread
    proxy.release()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)  # it ends; its answer is dropped
    assert pane.view.document_id == before
    w.open_document(doc_id, pane)  # asked again, once the server answers: shown
    qtbot.waitUntil(lambda: pane.view.document_id == doc_id, timeout=DONE_MS)


def test_a_stopped_server_is_one_sentence_and_the_pane_stays(team, qtbot, pg_server):
    w = team
    pane = w.panes[0]
    before = pane.view.document_id
    doc_id = _other_document(w, pane)
    pg_server.stop()
    try:
        ticks = Ticks()
        w.open_document(doc_id, pane)
        qtbot.waitUntil(lambda: not w.annotator.opening, timeout=DONE_MS)
        ticks.stop()
        message = w.statusBar().currentMessage()
    finally:
        pg_server.start()
    _one_sentence(message)
    assert pane.view.document_id == before
    w.open_document(doc_id, pane)
    qtbot.waitUntil(lambda: pane.view.document_id == doc_id, timeout=DONE_MS)


def test_choosing_another_document_while_one_is_read_drops_the_first(team, qtbot, proxy):
    w = team
    pane = w.panes[0]
    docs = [d.id for d in w.documents_model.documents() if d.id != pane.view.document_id]
    first, second = docs[0], docs[1]
    proxy.hold()
    w.open_document(first, pane)
    w.open_document(second, pane)
    _held_while(qtbot, proxy, lambda: w.annotator.opening)
    proxy.release()
    qtbot.waitUntil(lambda: pane.view.document_id == second and not w.annotator.opening, timeout=DONE_MS)
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)
    assert pane.view.document_id == second  # the first answer, come late, changed nothing


def test_closing_the_window_while_a_document_is_read_does_not_wait_for_it(team, qtbot, proxy):
    w = team
    pane = w.panes[0]
    proxy.hold()
    w.open_document(_other_document(w, pane), pane)
    _held_while(qtbot, proxy, lambda: w.annotator.opening)
    w.close()  # the read is given up at once; its thread is kept until the server lets it end
    assert w.store is None and not w.annotator.opening
    proxy.release()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)


# ---------------------------------------------------------- candidates
def test_claim_candidates_are_listed_off_the_ui_thread(team, qtbot, proxy, tmp_path):
    from desktop_app.qt.suggestions_panel import show_claim_candidates

    w = team
    w.active_pane = w.panes[0]
    proxy.hold()
    panel = show_claim_candidates(w)
    assert panel.about.text().startswith("Looking for sentences")
    w.resize(1024, 700)
    w.grab().save(str(tmp_path / "candidates-looking.png"))
    _held_while(qtbot, proxy, lambda: panel.reading is not None and not panel.candidates())
    proxy.release()
    qtbot.waitUntil(lambda: panel.reading is None and bool(panel.candidates()), timeout=DONE_MS)
    assert "worth a claim" in panel.about.text()


def test_claim_candidates_from_a_silent_server_are_one_sentence(team, qtbot, proxy, monkeypatch):
    from desktop_app.qt.suggestions_panel import show_claim_candidates

    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    w.active_pane = w.panes[0]
    proxy.hold()
    panel = show_claim_candidates(w)
    qtbot.waitUntil(lambda: "did not answer" in panel.about.text(), timeout=DONE_MS)
    _one_sentence(panel.about.text())
    assert panel.candidates() == [] and panel.reading is None


# --------------------------------------------------------------- links
def _link(w, pg_url):
    """A link between a claim of each pane's document, made by another user."""
    left, right = (p.view.document_id for p in w.panes[:2])
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url, annotator="bea") as other:
        a = other.add_claim(left, 10, 40, [tag.id])
        b = other.add_claim(right, 20, 60, [tag.id])
        link = other.add_link(a.id, b.id, "corroborates", note="seen 📞")
    return a, b, link


def test_links_are_read_off_the_ui_thread(team, qtbot, proxy, pg_url):
    w = team
    _a, _b, link = _link(w, pg_url)
    proxy.hold()
    w.links.reload()
    _held_while(qtbot, proxy, lambda: link.id not in {x.id for x in w.links.links})
    proxy.release()
    qtbot.waitUntil(lambda: link.id in {x.id for x in w.links.links}, timeout=DONE_MS)


def test_what_a_link_joins_is_told_from_the_rows_the_window_holds(team, qtbot, proxy, pg_url, monkeypatch):
    w = team
    a, b, link = _link(w, pg_url)
    w.links.reload()
    qtbot.waitUntil(lambda: link.id in {x.id for x in w.links.links}, timeout=DONE_MS)
    monkeypatch.setattr(w.annotator, "held_claim", {a.id: a, b.id: b}.get)
    proxy.hold()
    w.links.select_link(link.id)  # nothing to read: said at once, the server silent
    message = w.statusBar().currentMessage()
    assert "corroborates" in message and a.quote[:10] in message and b.quote[:10] in message and "seen 📞" in message


def test_what_a_link_joins_is_read_off_the_ui_thread_when_the_window_lacks_the_claims(team, qtbot, proxy, pg_url):
    w = team
    a, b, link = _link(w, pg_url)  # made by another user; the window has not heard of the claims
    assert w.annotator.held_claim(a.id) is None
    w.links.reload()
    qtbot.waitUntil(lambda: link.id in {x.id for x in w.links.links}, timeout=DONE_MS)
    proxy.hold()
    w.links.select_link(link.id)
    _held_while(qtbot, proxy, lambda: "corroborates" not in w.statusBar().currentMessage())
    proxy.release()
    qtbot.waitUntil(lambda: "corroborates" in w.statusBar().currentMessage(), timeout=DONE_MS)
    message = w.statusBar().currentMessage()
    assert a.quote[:10] in message and b.quote[:10] in message
    qtbot.waitUntil(lambda: w.annotator.selected_claim == a.id, timeout=DONE_MS)  # and the claim is selected


def test_what_a_link_joins_from_a_silent_server_is_one_sentence(team, qtbot, proxy, pg_url, monkeypatch):
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    _a, _b, link = _link(w, pg_url)
    w.links.reload()
    qtbot.waitUntil(lambda: link.id in {x.id for x in w.links.links}, timeout=DONE_MS)
    proxy.hold()
    w.links.select_link(link.id)
    qtbot.waitUntil(lambda: "did not answer" in w.statusBar().currentMessage(), timeout=DONE_MS)
    _one_sentence(w.statusBar().currentMessage())


# ------------------------------------------------------------ repainting
def test_a_codebook_change_repaints_the_panes_off_the_ui_thread(team, qtbot, proxy, pg_url):
    w = team
    pane = w.panes[0]
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url, annotator="bea") as other:
        claim = other.add_claim(pane.view.document_id, 5, 25, [tag.id])  # the window has not heard of it
    proxy.hold()
    w.annotator.tags_changed(w.tags_model.tags())  # as after an edit of the codebook (the models are read apart)
    _held_while(qtbot, proxy, lambda: claim.id not in pane.view.highlight_layer)
    proxy.release()
    qtbot.waitUntil(lambda: claim.id in pane.view.highlight_layer, timeout=DONE_MS)


# ------------------------------------------------------------ searching
def test_searching_a_team_database_does_not_hold_the_window(team, qtbot, proxy, monkeypatch):
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    w.menu_actions["search_all"].trigger()
    panel = w.search_dock.widget()
    proxy.hold()
    panel.field.setText("council")
    panel.search_now()
    qtbot.waitUntil(lambda: "did not answer" in panel.about.text(), timeout=DONE_MS)
    _one_sentence(panel.about.text())
    proxy.release()
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 20000)
    proxy.hold()
    panel.search_now()
    _held_while(qtbot, proxy, lambda: panel.searching is not None)
    proxy.release()
    qtbot.waitUntil(lambda: panel.query == "council" and panel.model.rowCount() > 0, timeout=DONE_MS)


# ------------------------------------------------------------ polling
def test_closing_while_a_poll_waits_on_a_silent_server_is_bounded(team, qtbot, proxy):
    """The poll for others' changes runs as an Operation too: closing gives
    it a bounded wait and keeps its thread until the server lets it end."""
    w = team
    w.live.start(w.store, w.live.initial_mark(w.store))
    proxy.hold()
    qtbot.waitUntil(lambda: w.live._poll is not None, timeout=DONE_MS)
    _held_while(qtbot, proxy, lambda: w.live._poll is not None)
    w.close()
    assert w.store is None and still_running() >= 1  # closed; the poll's thread outlives the window
    proxy.release()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=DONE_MS)


def test_going_to_a_claim_the_window_lacks_reads_it_off_the_ui_thread(team, qtbot, proxy, pg_url):
    w = team
    pane = w.panes[0]
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url, annotator="bea") as other:
        claim = other.add_claim(pane.view.document_id, 30, 60, [tag.id])  # not heard of by the window yet
    assert w.annotator.held_claim(claim.id) is None
    proxy.hold()
    w.claims_panel.claimActivated.emit(claim.id)
    _held_while(qtbot, proxy, lambda: w.annotator.selected_claim != claim.id)
    proxy.release()
    qtbot.waitUntil(lambda: w.annotator.selected_claim == claim.id, timeout=DONE_MS)


# ------------------------------------------------- edits, deleting, replacing
def test_an_edit_that_meets_a_change_made_elsewhere_asks_without_reading_again(team, qtbot, proxy, pg_url,
                                                                                 monkeypatch, modals):
    """The saved claim comes from the edit's own transaction: the server
    goes quiet the moment the write is refused, and the choice is still
    offered at once, showing what the other user saved."""
    from desktop_app.core.errors import Conflict
    from desktop_app.qt import commands, dialogs
    from desktop_app.qt.commands import claims as claim_commands

    w = team
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url, annotator="bea") as other:
        claim = other.add_claim(w.panes[0].view.document_id, 12, 48, [tag.id])
        other.set_claim_note(claim.id, "bea's reading 🧭")  # the window still holds the first version
    first_run = claim_commands.ClaimEdit._do

    def refused_then_quiet(command):
        try:
            first_run(command)
        except Conflict:
            proxy.hold()  # the write's transaction is over; from here nothing crosses the network
            raise

    monkeypatch.setattr(claim_commands.ClaimEdit, "_do", refused_then_quiet)
    asked = []

    def choose(parent, theirs, mine):
        asked.append((proxy.holding, theirs, mine))
        return dialogs.KEEP_THEIRS

    monkeypatch.setattr(dialogs, "choose_conflict", choose)
    ticks = Ticks()
    saved = w.annotator.edit_claim(commands.SetClaimStatus, claim.id, "disputed", claim.version)
    ticks.stop()
    assert not saved and len(asked) == 1
    holding, theirs, mine = asked[0]
    assert holding, "the window read the claim again before asking"
    assert "bea's reading 🧭" in theirs and "disputed" in mine
    assert "Kept the version saved elsewhere" in w.statusBar().currentMessage()
    proxy.release()
    with Store.open(pg_url) as fresh:
        assert fresh.get_claim(claim.id).status == "unverified"  # theirs, untouched


def test_deleting_a_document_counts_its_claims_off_the_ui_thread(team, qtbot, proxy, pg_url, modals):
    """The question names how many claims go to the bin as the server
    counts them (another user added two the window has not heard of)."""
    w = team
    doc_id = _other_document(w, w.panes[0])
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url, annotator="bea") as other:
        for start in (10, 60):
            other.add_claim(doc_id, start, start + 30, [tag.id])
    modals.confirm_answers.append(True)
    proxy.hold()
    w.annotator.delete_document(doc_id)
    w.annotator.delete_document(doc_id)  # pressed again while the count is read: still one question
    _held_while(qtbot, proxy, lambda: not modals.texts("confirm"))
    proxy.release()
    qtbot.waitUntil(lambda: bool(modals.texts("confirm")), timeout=DONE_MS)
    question = modals.texts("confirm")
    assert len(question) == 1 and "and its 2 claims to the bin" in question[0], question
    assert w.annotator.held_title(doc_id)[:10] in question[0]
    with Store.open(pg_url) as fresh:
        assert doc_id not in {d.id for d in fresh.list_documents()}


def test_deleting_a_document_on_a_silent_server_is_one_sentence(team, qtbot, proxy, monkeypatch, modals):
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    doc_id = _other_document(w, w.panes[0])
    proxy.hold()
    w.annotator.delete_document(doc_id)
    qtbot.waitUntil(lambda: "did not answer" in w.statusBar().currentMessage(), timeout=DONE_MS)
    _one_sentence(w.statusBar().currentMessage())
    assert "moved to the bin" in w.statusBar().currentMessage() and not modals.texts("confirm")
    proxy.release()


def test_replacing_a_document_names_it_from_the_library_without_a_read(team, qtbot, proxy, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = team
    doc_id = next(d.id for d in w.documents_model.documents() if d.title.startswith("Harbour budget"))
    asked = []

    def choose_file(parent, caption, *args, **kwargs):
        asked.append((proxy.holding, caption))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose_file)
    proxy.hold()
    w.annotator.versions.ask_replace(doc_id)
    assert asked and asked[0][0], "the window read the title before asking for the file"
    assert "Harbour budget 🚢" in asked[0][1]
    proxy.release()


# ------------------------------------------------------- connection state
def test_a_read_with_no_answer_shows_the_connection_state_until_a_poll_gets_through(team, qtbot, proxy,
                                                                                   monkeypatch, tmp_path):
    """The same red label as when the poller finds the server away; the
    next poll that reaches the server clears it."""
    monkeypatch.setattr(operations, "TEAM_READ_WAIT_MS", 400)
    w = team
    w.live.start(w.store, w.live.initial_mark(w.store))
    polls = []
    w.live.polled.connect(lambda: polls.append(1))
    qtbot.waitUntil(lambda: bool(polls), timeout=DONE_MS)
    assert not w.connection_label.isVisible() and w.live.reachable
    pane = w.panes[0]
    proxy.hold()
    w.open_document(_other_document(w, pane), pane)
    qtbot.waitUntil(lambda: "did not answer" in w.statusBar().currentMessage(), timeout=DONE_MS)
    assert w.connection_label.isVisible() and "unreachable" in w.connection_label.text()
    assert not w.live.reachable and proxy.holding
    w.resize(1024, 700)
    w.grab().save(str(tmp_path / "team-read-late-label.png"))
    proxy.release()
    qtbot.waitUntil(lambda: not w.connection_label.isVisible(), timeout=DONE_MS)
    assert w.live.reachable


def test_a_title_the_library_lacks_is_read_off_the_ui_thread_and_repainted(team, qtbot, proxy, pg_url):
    """A claim's document that the window has not listed yet (a teammate's,
    imported a moment ago): its title is read in the background, the cell
    blank meanwhile, and the column repainted when it comes."""
    from conftest import make_doc

    w = team
    with Store.open(pg_url, annotator="teammate") as other:
        doc = other.add_document(make_doc("A teammate's source, with a claim. ✨", "Teammate's note 📎"))
    model = w.claims_model
    assert w.documents_model.row_of(doc.id) is None  # the live updates are stopped: not listed
    repainted = []
    model.dataChanged.connect(lambda a, b, *_: repainted.append((a.column(), b.column())))
    proxy.hold()
    assert model.document_title(doc.id) == ""  # at once, the server silent
    _held_while(qtbot, proxy, lambda: doc.id in model._asking_titles)
    assert model.document_title(doc.id) == ""  # asked once, not again while it is read
    proxy.release()
    qtbot.waitUntil(lambda: model.document_title(doc.id) == "Teammate's note 📎", timeout=DONE_MS)
    if model.rowCount():
        assert (model.DOCUMENT, model.DOCUMENT) in repainted
