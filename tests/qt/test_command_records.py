"""Every undo command that can wait for the team database writes its own
record and reads it back (qt/commands/base.py); the waiting edits keep
these records on disk between sessions."""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

import desktop_app.qt.commands as commands_pkg
from desktop_app.qt.commands import RECORD_TYPES, command_from_record
from desktop_app.qt.commands.base import StoreCommand
from desktop_app.qt.commands.claims import ClaimEdit
from desktop_app.qt.events import StoreEvents

for _info in pkgutil.iter_modules(commands_pkg.__path__):  # every command module, loaded
    importlib.import_module(f"{commands_pkg.__name__}.{_info.name}")

ABSTRACT = {StoreCommand, ClaimEdit}

# One example per record type, with values that would show a lost or
# mistyped field: astral characters, several ids in order, None and False.
EXAMPLES = {
    "CreateClaim": lambda c, s, e: c(s, e, 7, 3, 12, [5, 2, 9], "a note 🐦 é"),
    "DeleteClaim": lambda c, s, e: c(s, e, 41),
    "SetClaimTags": lambda c, s, e: c(s, e, 41, [3, 1, 2], expected_version=6),
    "SetClaimStatus": lambda c, s, e: c(s, e, 41, "disputed", expected_version=None),
    "SetClaimNote": lambda c, s, e: c(s, e, 41, "checked 👩‍🔬 twice", expected_version=2),
    "ReattachClaim": lambda c, s, e: c(s, e, 41, 100, 180),
    "AddTag": lambda c, s, e: c(s, e, "sources 🔎", color="#aa3300", key="7", description="who said it"),
    "UpdateTag": lambda c, s, e: c(s, e, 4, name="strikes ✊", key=None, keywords=["walkout", "picket"]),
    "MergeTags": lambda c, s, e: c(s, e, 4, 2),
    "RemoveTag": lambda c, s, e: c(s, e, 4, True),
    "DeleteDocument": lambda c, s, e: c(s, e, 3),
    "AddLink": lambda c, s, e: c(s, e, 41, 57, "contradicts", "see 📎"),
    "DeleteLink": lambda c, s, e: c(s, e, 12),
    "UpdateLink": lambda c, s, e: c(s, e, 12, relation="supports", note=""),
}


def _all_command_classes() -> list[type]:
    found, todo = [], [StoreCommand]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("desktop_app.") and sub not in found:
                found.append(sub)
                todo.append(sub)
    return [cls for cls in found if cls not in ABSTRACT]


def _state(cmd) -> dict:
    """What the command was made with (not its run state, nor its clock)."""
    return {k: v for k, v in vars(cmd).items() if not k.startswith("_") and k not in ("last_edit", "error")}


class _NoStore:
    """A command is made and recorded without touching the store."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was used ({name}) to make or record a command")


@pytest.mark.parametrize("record_type", sorted(RECORD_TYPES))
def test_every_registered_command_round_trips_through_its_record(qapp, record_type):
    assert record_type in EXAMPLES, f"add an example of {record_type} to EXAMPLES"
    cls = RECORD_TYPES[record_type]
    store, events = _NoStore(), StoreEvents()
    command = EXAMPLES[record_type](cls, store, events)
    record = command.to_record()
    assert record["type"] == record_type
    on_disk = json.loads(json.dumps(record))  # plain JSON values only
    again = command_from_record(store, events, on_disk)
    assert type(again) is cls
    assert again.to_record() == record
    assert _state(again) == _state(command)


def test_every_command_says_whether_it_keeps_a_record():
    """A new command must either keep a record (and then have an example
    above) or say, with ``record_type = None`` in its class, that it cannot."""
    classes = _all_command_classes()
    assert len(classes) >= len(EXAMPLES) + 4  # the walk did find the commands
    undecided = [cls.__qualname__ for cls in classes if "record_type" not in cls.__dict__]
    assert undecided == []
    for cls in classes:
        if cls.__dict__["record_type"] is not None:
            assert RECORD_TYPES[cls.__dict__["record_type"]] is cls


def test_commands_that_cannot_be_kept_write_no_record(qapp):
    from desktop_app.qt.commands import ImportedDocuments

    assert ImportedDocuments(_NoStore(), StoreEvents(), [1, 2]).to_record() is None


def test_records_written_before_commands_wrote_their_own_still_load(qapp):
    """Waiting edits on disk from an earlier version of the app."""
    earlier = [
        {"type": "CreateClaim", "document_id": 1, "start": 0, "end": 5, "tag_ids": [2], "note": ""},
        {"type": "SetClaimTags", "claim_id": 4, "value": [1, 2], "expected_version": 3},
        {"type": "SetClaimNote", "claim_id": 4, "value": "n", "expected_version": None},
        {"type": "UpdateTag", "tag_id": 2, "fields": {"name": "x"}},
        {"type": "AddLink", "source_id": 1, "target_id": 2, "relation": "same", "note": ""},
    ]
    for rec in earlier:
        assert command_from_record(_NoStore(), StoreEvents(), rec).to_record() == rec


@pytest.mark.parametrize("record", [
    {"type": "Nonsense"},
    {"type": "DeleteClaim"},
    {"type": "CreateClaim", "document_id": "x", "start": 0, "end": 1, "tag_ids": []},
    {"no": "type"},
])
def test_damaged_records_raise_what_the_loader_catches(qapp, record):
    with pytest.raises((KeyError, TypeError, ValueError)):
        command_from_record(_NoStore(), StoreEvents(), record)
