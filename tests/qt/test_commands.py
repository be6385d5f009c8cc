"""Undo commands against a real store and a real QUndoStack."""

from __future__ import annotations

import pytest

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
from desktop_app.core.errors import Conflict, InvalidInput, MarginaliaError
from desktop_app.core.store import Store
from desktop_app.qt.commands import (
    NOTE_BURST_S,
    AddTag,
    CreateClaim,
    DeleteClaim,
    MergeTags,
    RemoveTag,
    SetClaimNote,
    SetClaimStatus,
    SetClaimTags,
    UpdateTag,
    push_command,
    redo_step,
    undo_step,
)
from desktop_app.qt.events import StoreEvents

TEXT = (
    "Netflix advertised an AI product manager job paying up to $900,000 a year.\n"
    "Actors on strike say deepfakes of their faces threaten their work."
)


@pytest.fixture
def env(empty_store, qapp):
    from PySide6.QtGui import QUndoStack

    doc = empty_store.add_document(
        StructuredDocument(
            text=TEXT, blocks=blocks_for_lines(TEXT), source_format="text", sha256="0" * 64,
            metadata=Metadata(title="Netflix job"),
        ),
        original_name="netflix.txt",
    )
    events = StoreEvents()
    log: list[tuple] = []
    events.claimAdded.connect(lambda row: log.append(("added", row.id)))
    events.claimChanged.connect(lambda row: log.append(("changed", row.id)))
    events.claimRemoved.connect(lambda cid, did: log.append(("removed", cid, did)))
    events.tagsChanged.connect(lambda: log.append(("tags",)))
    stack = QUndoStack()
    tags = {t.name: t.id for t in empty_store.list_tags()}

    class Env:
        pass

    e = Env()
    e.store, e.events, e.stack, e.doc, e.log, e.tags = empty_store, events, stack, doc, log, tags
    yield e
    stack.clear()


def _claim(e, tags=("salaries",), start=0, end=7):
    cmd = CreateClaim(e.store, e.events, e.doc.id, start, end, [e.tags[t] for t in tags])
    push_command(e.stack, cmd)
    e.log.clear()
    return cmd.claim_id


# ------------------------------------------------------------------- claims
def test_create_claim_do_undo_redo(env, db_path):
    e = env
    start = TEXT.index("$900,000")
    cmd = CreateClaim(e.store, e.events, e.doc.id, start, start + 8, [e.tags["salaries"]], note="pay")
    push_command(e.stack, cmd)
    cid = cmd.claim_id
    assert e.stack.count() == 1 and e.stack.undoText() == "Tag “$900,000” as salaries"
    assert e.log == [("added", cid)]
    row = e.store.get_claim(cid)
    assert (row.quote, row.tag_ids, row.note, row.deleted) == ("$900,000", (e.tags["salaries"],), "pay", False)
    with Store.open(db_path) as fresh:  # committed, visible to another connection
        assert [c.id for c in fresh.list_claims()] == [cid]

    e.log.clear()
    e.stack.undo()
    assert e.store.get_claim(cid).deleted and e.store.list_claims() == []
    assert e.log == [("removed", cid, e.doc.id)]
    with Store.open(db_path) as fresh:
        assert fresh.list_claims() == []

    e.log.clear()
    e.stack.redo()
    assert [c.id for c in e.store.list_claims()] == [cid]  # same id after redo
    assert e.store.get_claim(cid).tag_ids == (e.tags["salaries"],)
    assert e.log == [("added", cid)]


def test_create_claim_without_tags_names_the_quote(env):
    cmd = CreateClaim(env.store, env.events, env.doc.id, 0, len("Netflix advertised"), [])
    push_command(env.stack, cmd)
    assert env.stack.undoText() == "Create claim “Netflix advertised”"


def test_failed_first_run_leaves_stack_untouched(env):
    cmd = CreateClaim(env.store, env.events, env.doc.id, 5, 5, [])
    with pytest.raises(InvalidInput):
        push_command(env.stack, cmd)
    assert env.stack.count() == 0 and env.log == [] and env.store.list_claims() == []
    with pytest.raises(MarginaliaError):
        push_command(env.stack, SetClaimStatus(env.store, env.events, 999, "supported"))
    assert env.stack.count() == 0


def test_delete_claim(env):
    e = env
    cid = _claim(e)
    push_command(e.stack, DeleteClaim(e.store, e.events, cid))
    assert e.store.list_claims() == [] and e.log == [("removed", cid, e.doc.id)]
    assert e.stack.undoText() == "Delete claim “Netflix”"
    e.stack.undo()
    assert [c.id for c in e.store.list_claims()] == [cid]
    e.stack.redo()
    assert e.store.list_claims() == []
    e.stack.undo()
    e.stack.undo()  # and the creation too
    assert e.store.list_claims() == []


def test_set_claim_tags(env):
    e = env
    cid = _claim(e)
    new = [e.tags["strikes"], e.tags["deepfakes"]]
    push_command(e.stack, SetClaimTags(e.store, e.events, cid, new))
    assert e.store.get_claim(cid).tag_ids == tuple(sorted(new)) and e.log == [("changed", cid)]
    e.stack.undo()
    assert e.store.get_claim(cid).tag_ids == (e.tags["salaries"],)
    e.stack.redo()
    assert e.store.get_claim(cid).tag_ids == tuple(sorted(new))


def test_set_claim_status(env, db_path):
    e = env
    cid = _claim(e)
    push_command(e.stack, SetClaimStatus(e.store, e.events, cid, "disputed"))
    with Store.open(db_path) as fresh:
        assert fresh.get_claim(cid).status == "disputed"
    e.stack.undo()
    assert e.store.get_claim(cid).status == "unverified"
    e.stack.redo()
    assert e.store.get_claim(cid).status == "disputed"
    assert e.log == [("changed", cid)] * 3


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_note_edits_merge_within_a_burst(env):
    e = env
    cid = _claim(e)
    base = e.stack.count()
    clock = FakeClock()

    def edit(text, after):
        clock.now += after
        push_command(e.stack, SetClaimNote(e.store, e.events, cid, text, clock=clock))

    edit("T", 0)
    for i, text in enumerate(("Th", "The", "The pay", "The pay figure")):
        edit(text, 0.5 + i * 0.4)  # each edit under the burst gap after the one before
    assert e.stack.count() == base + 1
    assert e.store.get_claim(cid).note == "The pay figure"
    edit("The pay figure is odd", NOTE_BURST_S + 1)  # after a pause: a new step
    assert e.stack.count() == base + 2

    e.stack.undo()
    assert e.store.get_claim(cid).note == "The pay figure"
    e.stack.undo()
    assert e.store.get_claim(cid).note == ""  # the whole first burst at once
    e.stack.redo()
    assert e.store.get_claim(cid).note == "The pay figure"
    e.stack.redo()
    assert e.store.get_claim(cid).note == "The pay figure is odd"


def test_note_edits_of_different_claims_do_not_merge(env):
    e = env
    a, b = _claim(e), _claim(e, start=8, end=18)
    clock = FakeClock()
    base = e.stack.count()
    push_command(e.stack, SetClaimNote(e.store, e.events, a, "one", clock=clock))
    push_command(e.stack, SetClaimNote(e.store, e.events, b, "two", clock=clock))
    assert e.stack.count() == base + 2


def test_note_burst_back_to_the_original_leaves_no_step(env):
    e = env
    cid = _claim(e)
    base = e.stack.count()
    clock = FakeClock()
    push_command(e.stack, SetClaimNote(e.store, e.events, cid, "x", clock=clock))
    clock.now += 0.3
    push_command(e.stack, SetClaimNote(e.store, e.events, cid, "", clock=clock))
    assert e.stack.count() == base and e.store.get_claim(cid).note == ""


# --------------------------------------------------------------------- tags
def test_add_tag_keeps_id_and_uuid(env, db_path):
    e = env
    cmd = AddTag(e.store, e.events, "economy", color="#4C8FE8", key=4, description="Money")
    push_command(e.stack, cmd)
    tag = e.store.get_tag(cmd.tag_id)
    assert (tag.name, tag.color.upper(), tag.key, tag.description) == ("economy", "#4C8FE8", 4, "Money")
    assert e.log == [("tags",)] and e.stack.undoText() == "Add tag “economy”"
    with Store.open(db_path) as fresh:
        assert "economy" in [t.name for t in fresh.list_tags()]
    e.stack.undo()
    assert "economy" not in [t.name for t in e.store.list_tags()]
    e.stack.redo()
    again = e.store.get_tag(cmd.tag_id)
    assert (again.id, again.uuid, again.key) == (tag.id, tag.uuid, 4)


def test_update_tag(env):
    e = env
    sid = e.tags["salaries"]
    before = e.store.get_tag(sid)
    push_command(e.stack, UpdateTag(e.store, e.events, sid, name="pay", color="#7DB83A", key=7))
    assert e.stack.undoText() == "Change tag “pay”"
    after = e.store.get_tag(sid)
    assert (after.name, after.color.upper(), after.key) == ("pay", "#7DB83A", 7)
    e.stack.undo()
    assert e.store.get_tag(sid) == before
    e.stack.redo()
    assert e.store.get_tag(sid).name == "pay"
    push_command(e.stack, UpdateTag(e.store, e.events, sid, name="wages"))
    assert e.stack.undoText() == "Rename tag “pay” to “wages”"
    with pytest.raises(Conflict):  # key 1 belongs to deepfakes
        push_command(e.stack, UpdateTag(e.store, e.events, sid, key=1))
    assert e.stack.count() == 2


def test_merge_tags(env):
    e = env
    s, t = e.tags["salaries"], e.tags["strikes"]
    only = _claim(e, ("salaries",))
    both = _claim(e, ("salaries", "strikes"), start=8, end=18)
    push_command(e.stack, MergeTags(e.store, e.events, s, t))
    assert e.stack.undoText() == "Merge tag “salaries” into “strikes”"
    assert e.store.get_claim(only).tag_ids == (t,) and e.store.get_claim(both).tag_ids == (t,)
    assert "salaries" not in [x.name for x in e.store.list_tags()]
    e.stack.undo()
    assert e.store.get_claim(only).tag_ids == (s,)
    assert e.store.get_claim(both).tag_ids == tuple(sorted((s, t)))
    assert e.store.get_tag(s).name == "salaries"
    e.stack.redo()
    assert e.store.get_claim(only).tag_ids == (t,)


def test_remove_tag(env):
    e = env
    s = e.tags["salaries"]
    cid = _claim(e, ("salaries", "strikes"))
    with pytest.raises(Conflict):  # used by a claim and untag not given
        push_command(e.stack, RemoveTag(e.store, e.events, s))
    assert e.stack.count() == 1 and e.store.get_tag(s)
    push_command(e.stack, RemoveTag(e.store, e.events, s, untag=True))
    assert e.store.get_claim(cid).tag_ids == (e.tags["strikes"],)
    e.stack.undo()
    restored = e.store.get_tag(s)
    assert restored.name == "salaries" and restored.key == 2
    assert e.store.get_claim(cid).tag_ids == tuple(sorted((s, e.tags["strikes"])))
    e.stack.redo()
    assert "salaries" not in [x.name for x in e.store.list_tags()]


def test_failed_undo_drops_the_step_and_reports(env):
    e = env
    cmd = AddTag(e.store, e.events, "economy")
    push_command(e.stack, cmd)
    e.store.add_claim(e.doc.id, 0, 7, [cmd.tag_id])  # outside the stack: now the tag is in use
    e.log.clear()
    with pytest.raises(Conflict):
        undo_step(e.stack)
    assert e.stack.count() == 0 and not e.stack.canRedo()  # dropped, not "undone"
    assert "economy" in [t.name for t in e.store.list_tags()] and e.log == []
    undo_step(e.stack)  # nothing left: no error
    redo_step(e.stack)


def test_undo_and_redo_step_helpers(env):
    e = env
    cid = _claim(e)
    undo_step(e.stack)
    assert e.store.list_claims() == []
    redo_step(e.stack)
    assert [c.id for c in e.store.list_claims()] == [cid]


# ---------------------------------------------------------------- documents
def test_delete_document_with_its_claims(env, db_path):
    from desktop_app.qt.commands import DeleteDocument

    e = env
    cid = _claim(e)
    changed = []
    e.events.documentsChanged.connect(lambda: changed.append(1))
    push_command(e.stack, DeleteDocument(e.store, e.events, e.doc.id))
    assert e.stack.undoText() == "Delete document “Netflix job”"
    assert e.store.list_documents() == [] and e.store.list_claims() == []
    with Store.open(db_path) as fresh:
        assert fresh.list_documents() == []
    e.stack.undo()
    assert [d.id for d in e.store.list_documents()] == [e.doc.id]
    assert [c.id for c in e.store.list_claims()] == [cid]  # the claims come back with it
    e.stack.redo()
    assert e.store.list_documents() == [] and changed == [1, 1, 1]


def test_imported_documents_undo_and_redo(env):
    from desktop_app.qt.commands import ImportedDocuments

    e = env
    more = e.store.add_document(
        StructuredDocument(text="Another text.", blocks=blocks_for_lines("Another text."), source_format="text"),
        original_name="another.txt",
    )
    changed = []
    e.events.documentsChanged.connect(lambda: changed.append(1))
    push_command(e.stack, ImportedDocuments(e.store, e.events, [e.doc.id, more.id]))
    assert e.stack.undoText() == "Import 2 documents" and changed == [1]
    assert len(e.store.list_documents()) == 2  # nothing done again on push
    e.stack.undo()
    assert e.store.list_documents() == []
    e.stack.redo()
    assert sorted(d.id for d in e.store.list_documents()) == sorted([e.doc.id, more.id])


def test_failure_is_announced_when_the_hub_has_command_failed(env):
    from PySide6.QtCore import Signal

    class Events(StoreEvents):
        commandFailed = Signal(str)

    e = env
    events = Events()
    said = []
    events.commandFailed.connect(said.append)
    cmd = AddTag(e.store, events, "economy")
    push_command(e.stack, cmd)
    e.store.add_claim(e.doc.id, 0, 7, [cmd.tag_id])
    e.stack.undo()  # as the window's Undo action does
    assert e.stack.count() == 0 and len(said) == 1 and "economy" in said[0]


def _refuse_listing_claims(e, monkeypatch):
    """The store may not be asked for lists of claims (beyond the core's own
    narrow reads): finding what a step made must not read the project."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a list of claims was read")

    monkeypatch.setattr(e.store, "list_claims", refuse)


def test_autocode_knows_its_claims_without_listing_every_claim(env, monkeypatch):
    from desktop_app.qt.commands import AutoCode

    other = _claim(env, start=8, end=17)  # a claim the step did not make
    _refuse_listing_claims(env, monkeypatch)
    cmd = AutoCode(env.store, env.events, "their", env.tags["deepfakes"], regex=False, document_ids=None,
                   whole_words=True, case_sensitive=False)
    push_command(env.stack, cmd)
    monkeypatch.undo()
    assert len(cmd.claim_ids) == 2 and other not in cmd.claim_ids
    assert [env.store.get_claim(c).quote for c in cmd.claim_ids] == ["their", "their"]
    env.stack.undo()
    assert all(env.store.get_claim(c).deleted for c in cmd.claim_ids)
    assert not env.store.get_claim(other).deleted
    env.stack.redo()
    assert not any(env.store.get_claim(c).deleted for c in cmd.claim_ids)


def test_accept_match_knows_its_claims_without_listing_claims(env, monkeypatch):
    from desktop_app.core.suggest import Match
    from desktop_app.qt.commands import AcceptMatch

    second = "Deepfakes 🎭 of actors' faces worry the union."
    other = env.store.add_document(StructuredDocument(text=second, blocks=blocks_for_lines(second),
                                                      metadata=Metadata(title="Union")))
    there = _claim(env, tags=(), start=0, end=7)  # "Netflix": already a claim, reused
    start = second.index("actors")  # after an astral character: code points, not UTF-16
    match = Match(score=0.9, start_a=0, end_a=7, quote_a="Netflix", start_b=start, end_b=start + 6,
                  quote_b="actors", shared=())
    _refuse_listing_claims(env, monkeypatch)
    cmd = AcceptMatch(env.store, env.events, match, env.doc.id, other.id, tag_ids=[])
    push_command(env.stack, cmd)
    monkeypatch.undo()
    assert cmd.claim_a == there and cmd.new_claims == (cmd.claim_b,)
    env.stack.undo()
    assert env.store.get_claim(cmd.claim_b).deleted and not env.store.get_claim(there).deleted
