"""A model of what the database should hold while a user edits claims and
links in the window, with undo and redo (used by test_undo_model.py).

The model is a snapshot of the rows that matter, taken as the window's
actions should leave them: each step the user makes appends the snapshot it
should produce; Undo and Redo move along the list of snapshots and must find
the database exactly at the one they land on. Actions whose result is a
search over the text (auto-code, a new version of a document) are checked
against what they must respect (only new claims of the pattern, quotes that
match the new text, nothing else changed) and their result becomes the
expected snapshot; their undo and redo must then be exact like any other."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Claim:
    uuid: str
    document_id: int
    start: int
    end: int
    quote: str
    tags: frozenset
    status: str = "unverified"
    note: str = ""
    orphaned: bool = False


@dataclass(frozen=True)
class Link:
    uuid: str
    source_id: int
    target_id: int
    relation: str
    note: str


@dataclass
class State:
    claims: dict = field(default_factory=dict)  # id -> Claim (live ones)
    links: dict = field(default_factory=dict)  # id -> Link (live ones, whatever their claims)
    texts: dict = field(default_factory=dict)  # document id -> sha256 of its text
    tags: dict = field(default_factory=dict)  # id -> (name, key): the codebook

    def shown_links(self) -> dict:
        """The links list_links shows: live, between live claims."""
        return {i: k for i, k in self.links.items() if k.source_id in self.claims and k.target_id in self.claims}

    def live_link_of_pair(self, a: int, b: int) -> int | None:
        return next((i for i, k in self.links.items() if {k.source_id, k.target_id} == {a, b}), None)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def observed(store) -> State:
    """What the database holds, in the model's terms."""
    s = State()
    for c in store.list_claims():
        s.claims[c.id] = Claim(c.uuid, c.document_id, c.start, c.end, c.quote, frozenset(c.tag_ids), c.status,
                               c.note, bool(c.orphaned))
    claim_ids = set(s.claims)
    for k in store.list_links():
        s.links[k.id] = Link(k.uuid, k.source_id, k.target_id, k.relation, k.note)
    for d in store.list_documents():
        s.texts[d.id] = text_hash(store.document_text(d.id))
    for t in store.list_tags():
        s.tags[t.id] = (t.name, t.key)
    assert all(k.source_id in claim_ids and k.target_id in claim_ids for k in s.links.values())
    return s


def comparable(state: State) -> tuple:
    return (dict(sorted(state.claims.items())), dict(sorted(state.shown_links().items())),
            dict(sorted(state.texts.items())), dict(sorted(state.tags.items())))


def differences(expected: State, actual: State) -> list[str]:
    """Readable differences between two states (empty when equal)."""
    out = []
    e_claims, e_links, e_texts, e_tags = comparable(expected)
    a_claims, a_links, a_texts, a_tags = comparable(actual)
    for what, e, a in (("claim", e_claims, a_claims), ("link", e_links, a_links), ("text of document", e_texts, a_texts),
                       ("tag", e_tags, a_tags)):
        for key in sorted(set(e) | set(a)):
            if e.get(key) != a.get(key):
                out.append(f"{what} {key}: expected {e.get(key)!r}, found {a.get(key)!r}")
    return out


class History:
    """The snapshots along the undo stack: ``states[i]`` is what the database
    holds after the first ``i`` steps; ``index`` is the stack's index."""

    def __init__(self, start: State) -> None:
        self.states = [copy.deepcopy(start)]
        self.index = 0

    @property
    def current(self) -> State:
        return self.states[self.index]

    def push(self, state: State) -> None:
        del self.states[self.index + 1:]
        self.states.append(copy.deepcopy(state))
        self.index += 1

    def undo(self) -> bool:
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def redo(self) -> bool:
        if self.index + 1 >= len(self.states):
            return False
        self.index += 1
        return True


def with_claim(state: State, claim_id: int, **fields) -> State:
    new = copy.deepcopy(state)
    new.claims[claim_id] = replace(new.claims[claim_id], **fields)
    return new
