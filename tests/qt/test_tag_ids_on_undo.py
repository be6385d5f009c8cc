"""Undoing a tag's removal brings it back under its own id, even when a tag
was made meanwhile outside this window (the command line, another window on
the same file): the steps of the undo stack that name the tag go on naming
it, not the newcomer."""

from __future__ import annotations

from window_support import db_file, isolated_qsettings, make_claim, modals, window  # noqa: F401 - fixtures

from desktop_app.core.store import Store


def test_a_removed_tag_comes_back_under_its_id_after_a_tag_made_elsewhere(window, qtbot, db_file):
    w = window
    pane = w.panes[0]
    text = pane.view.canonical_text
    tags = {t.name: t for t in w.store.list_tags()}
    newest = max(tags.values(), key=lambda t: t.id)  # the tag whose id a new row would have taken
    key = str(newest.key)
    start = text.index("Salaries")
    claim_id = make_claim(w, qtbot, pane, start, start + 20, key)  # "Tag the passage" names the tag's id
    assert newest.id in w.store.get_claim(claim_id).tag_ids

    w.codebook.removeRequested.emit(newest.id, True)  # Remove tag, taking it off the claim
    qtbot.waitUntil(lambda: newest.id not in {t.id for t in w.store.list_tags()})
    assert tuple(w.store.get_claim(claim_id).tag_ids) == ()

    with Store.open(db_file, annotator="command line") as other:  # meanwhile, outside this window
        elsewhere = other.add_tag("Made elsewhere ✍️")
    assert elsewhere.id != newest.id

    w.menu_actions["undo"].trigger()  # the removal
    back = {t.id: t for t in w.store.list_tags()}
    assert back[newest.id].name == newest.name and back[newest.id].key == newest.key
    assert tuple(w.store.get_claim(claim_id).tag_ids) == (newest.id,)
    w.menu_actions["undo"].trigger()  # the claim
    w.menu_actions["redo"].trigger()  # the claim again, with the tag its step names
    again = w.store.list_claims()[-1]
    assert tuple(again.tag_ids) == (newest.id,) and back[elsewhere.id].name == "Made elsewhere ✍️"
