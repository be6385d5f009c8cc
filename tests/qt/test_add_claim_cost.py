"""What adding a claim by its key costs the database, counted statement by
statement: each read of a document's version, length or bin date walks past
its whole text (those columns follow the text in the row), which is
milliseconds for a long document, paid on every key press."""

from __future__ import annotations

import re

import sqlalchemy as sa
from window_support import db_file, isolated_qsettings, make_claim, modals, settle, window  # noqa: F401

from desktop_app.core.document import Block, StructuredDocument

# a column of documents that comes after its text (see the table's migrations)
PAST_THE_TEXT = re.compile(r"\bdocuments\.(version|char_count|deleted_at|structure)\b")


def long_document() -> StructuredDocument:
    line = "The council paid $900,000 🦜 for the bridge, the mayor said on Tuesday."
    text = "\n".join(f"{i} {line}" for i in range(20_000))  # about 1.5 MB
    blocks, pos = [], 0
    for part in text.split("\n"):
        blocks.append(Block("paragraph", pos, pos + len(part)))
        pos += len(part) + 1
    return StructuredDocument(text=text, blocks=blocks, source_format="text")


def statements_while(store, action) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, params, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(store._engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        sa.event.remove(store._engine, "before_cursor_execute", note)
    return seen


def test_a_claim_added_by_key_reads_past_the_text_once(window, qtbot):
    doc = window.store.add_document(long_document())
    window.events.documentsChanged.emit()
    pane = window.panes[0]
    window.open_document(doc.id, pane)
    settle()
    # a claim selected first, as when working: adding the next one must not re-read it
    make_claim(window, qtbot, pane, 40, 70, "1")
    settle()

    made = []
    seen = statements_while(window.store, lambda: made.append(make_claim(window, qtbot, pane, 500, 540, "2")))
    settle()

    assert window.store.get_claim(made[0]).quote == window.store.document_text(doc.id)[500:540]
    walks = [s for s in seen if s.startswith("SELECT") and PAST_THE_TEXT.search(s.split(" FROM ")[0])]
    # the one check that the text held in memory is still the stored one
    assert len(walks) == 1, walks
    # the new claim is read once, inside the transaction that adds it: not again for its links
    reads = [s for s in seen if re.search(r"FROM claims WHERE claims\.id = ", s)]
    assert len(reads) == 1, reads
    assert seen.count("COMMIT") <= 2, seen  # the claim's own transaction, and the links' one read


def test_links_of_a_claim_with_links_are_still_shown(window, qtbot):
    """The reading saved above is only skipped for claims without links."""
    docs = [window.store.add_document(long_document()) for _ in range(2)]
    window.events.documentsChanged.emit()
    left, right = window.panes[0], window.panes[1]
    window.open_document(docs[0].id, left)
    window.open_document(docs[1].id, right)
    settle()
    first = make_claim(window, qtbot, left, 40, 70, "1")
    second = make_claim(window, qtbot, right, 500, 540, "2")
    assert window.editor.links_list.count() == 0
    window.store.add_link(first, second, "corroborates")
    window.events.linksChanged.emit()
    window.annotator.select_claim(first)
    rows = window.editor.links_list
    assert rows.count() == 1 and rows.item(0).text().startswith("corroborates")
    window.annotator.select_claim(second)
    assert rows.count() == 1 and rows.item(0).text().startswith("corroborated by")
    third = make_claim(window, qtbot, left, 900, 930, "1")  # a new claim has none
    assert window.annotator.selected_claim == third and rows.count() == 0


def test_a_claim_back_from_the_bin_brings_its_links_back(window, qtbot):
    """Links are listed again only when an added claim has some: a claim
    restored from the bin (undo of a delete) gets its curves and list back,
    a new one costs no listing of every link."""
    docs = [window.store.add_document(long_document()) for _ in range(2)]
    window.events.documentsChanged.emit()
    left, right = window.panes[0], window.panes[1]
    window.open_document(docs[0].id, left)
    window.open_document(docs[1].id, right)
    settle()
    first = make_claim(window, qtbot, left, 40, 70, "1")
    second = make_claim(window, qtbot, right, 500, 540, "2")
    window.store.add_link(first, second, "corroborates")
    window.events.linksChanged.emit()
    assert [(x.source_id, x.target_id) for x in window.links.links] == [(first, second)]

    window.annotator.select_claim(second)
    window.menu_actions["delete_claim"].trigger()
    settle()
    assert window.store.get_claim(second).deleted and window.links.links == []
    window.undo_stack.undo()
    settle()
    assert [(x.source_id, x.target_id) for x in window.links.links] == [(first, second)]

    window.undo_stack.clear()  # (make_claim counts the steps; the undone one would be dropped)
    seen = statements_while(window.store, lambda: make_claim(window, qtbot, left, 900, 930, "1"))
    listings = [s for s in seen if "FROM claim_links" in s]
    assert len(listings) == 1 and " IN (" in listings[0], listings  # this claim's links only
    assert len(window.links.links) == 1
