"""Live updates: claims, tags and links that another store (another window,
the command line, another annotator) writes show in the open window within
two seconds, without moving the reader's scroll position, text selection or
the claims table's current claim; on a database file and on a team database."""

from __future__ import annotations

from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    make_window,
    modals,
    settle,
)

from desktop_app.core.store import Store

WAIT_MS = 2000


def _reader_state(pane):
    view = pane.view
    cursor = view.textCursor()
    return view.verticalScrollBar().value(), cursor.anchor(), cursor.position(), view.selection_offsets()


def _prepare(window, qtbot):
    """A claim of the window's own selected in the table; pane 1 scrolled
    half-way down with some text selected there."""
    pane, other_pane = window.panes[0], window.panes[1]
    assert pane.view.document_id is not None and other_pane.view.document_id is not None
    own = make_claim(window, qtbot, pane, 10, 40, "1")
    assert window.claims_panel.selected_claim() == own
    view = pane.view
    text = view.canonical_text
    start = len(text) // 2
    view.select_offsets(start, start + 25)
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0, "the document must be long enough to scroll"
    bar.setValue(bar.maximum() // 2)
    settle()
    return pane, other_pane, own, _reader_state(pane)


def _others_write(target, pane, other_pane):
    """Another store on the same database adds a tag, a claim in each open
    document and a link between them."""
    with Store.open(target, annotator="someone else") as other:
        tag = other.add_tag("Heard elsewhere", color="#3366CC")
        text = other.load_document(pane.view.document_id).text
        at = len(text) // 3
        theirs = other.add_claim(pane.view.document_id, at, at + 30, [tag.id], note="their claim")
        there = other.add_claim(other_pane.view.document_id, 5, 35, [tag.id])
        link = other.add_link(theirs.id, there.id, "corroborates")
    return tag, theirs, there, link


def _check_live_updates(window, qtbot, target):
    pane, other_pane, own, before = _prepare(window, qtbot)
    refreshed = []
    window.live.refreshed.connect(refreshed.append)
    tag, theirs, there, link = _others_write(target, pane, other_pane)

    def shown() -> bool:
        return (
            window.claims_model.row_of(theirs.id) is not None
            and window.claims_model.row_of(there.id) is not None
            and any(t.id == tag.id for t in window.tags_model.tags())
            and theirs.id in pane.view.highlight_layer
            and there.id in other_pane.view.highlight_layer
            and any(x.id == link.id for x in window.links.links)
        )

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    assert refreshed, "the window refreshed after the other store's writes"
    # The library counts their claims too (the new tag arrived in the same poll).
    docs = window.documents_model

    def counted(doc_id: int) -> int:
        return docs.document(docs.row_of(doc_id)).claim_count

    qtbot.waitUntil(lambda: (counted(pane.view.document_id), counted(other_pane.view.document_id)) == (2, 1),
                    timeout=WAIT_MS)
    assert window.claims_model.rowCount() == 3  # each claim once
    # The codebook, the claim editor's tag list and the claims table's filter know the new tag.
    assert tag.id in window.annotator.tags
    assert window.claims_panel.tag_filter.findData(tag.id) >= 0
    # Nothing the reader sees has moved.
    assert _reader_state(pane) == before
    assert window.claims_panel.selected_claim() == own
    assert window.annotator.selected_claim == own
    assert window.editor.claim is not None and window.editor.claim.id == own
    # Their own edits are not undone from here: the window's stack only has its own step.
    assert window.undo_stack.count() == 1

    # A change and a removal elsewhere follow too.
    with Store.open(target, annotator="someone else") as other:
        other.set_claim_status(theirs.id, "supported")
        other.delete_claim(there.id)

    def followed() -> bool:
        row = window.claims_model.row_of(theirs.id)
        return (
            row is not None
            and window.claims_model.claim(row).status == "supported"
            and window.claims_model.row_of(there.id) is None
            and there.id not in other_pane.view.highlight_layer
        )

    qtbot.waitUntil(followed, timeout=WAIT_MS)
    assert _reader_state(pane) == before
    assert window.claims_panel.selected_claim() == own


def test_claims_tags_and_links_of_another_store_show_live_on_a_file(qtbot, db_file, modals, isolated_qsettings):
    window = make_window(qtbot, db_file)
    assert window.live.running
    _check_live_updates(window, qtbot, db_file)
    assert not modals.errors and not modals.messages
    window.close()
    assert not window.live.running  # stopped with the window


def test_claims_tags_and_links_of_another_store_show_live_on_a_team_database(
    qtbot, pg_url, modals, isolated_qsettings
):
    window = make_window(qtbot, pg_url)
    assert window.store.is_team and window.live.running
    _check_live_updates(window, qtbot, pg_url)
    assert not modals.errors and not modals.messages
    window.close()
    assert not window.live.running


def test_the_windows_own_edits_do_not_trigger_a_refresh(qtbot, db_file, modals, isolated_qsettings):
    window = make_window(qtbot, db_file)
    refreshed = []
    window.live.refreshed.connect(refreshed.append)
    make_claim(window, qtbot, window.panes[0], 10, 40, "1")
    polls = []
    window.live.polled.connect(lambda: polls.append(window.live.mark))
    polled = window.live.mark
    qtbot.waitUntil(lambda: window.live.mark != polled, timeout=WAIT_MS)  # a poll saw the write
    seen = len(polls)
    qtbot.waitUntil(lambda: len(polls) > seen, timeout=WAIT_MS)  # and the next one was handled too
    assert refreshed == []
    window.close()


def test_a_document_added_elsewhere_shows_in_the_library(qtbot, db_file, modals, isolated_qsettings):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import make_doc

    window = make_window(qtbot, db_file)
    before = window.documents_model.rowCount()
    with Store.open(db_file) as other:
        doc = other.add_document(make_doc("A new article arrives.\n\nIt has two paragraphs.", "Arrived"))
    qtbot.waitUntil(lambda: window.documents_model.row_of(doc.id) is not None, timeout=WAIT_MS)
    assert window.documents_model.rowCount() == before + 1
    assert any(window.panes[0].chooser.itemData(i) == doc.id for i in range(window.panes[0].chooser.count()))
    window.close()


def test_replacing_the_store_stops_the_old_poller(qtbot, tmp_path, modals, isolated_qsettings):
    window = make_window(qtbot, tmp_path / "one.db")
    first = window.store
    assert window.open_database(tmp_path / "two.db")
    assert window.live.store is window.store is not first
    assert window.live.running
    window.close()
    assert not window.live.running
