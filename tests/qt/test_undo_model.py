"""Undo and redo stay exact under any sequence of edits: a Hypothesis state
machine drives the real window (offscreen) through what a user does with
claims and links, compares the database with a model (undo_model.py) after
every step, and ends by undoing and redoing everything.

The actions: claims made by selecting text and pressing a tag's key
(overlapping spans, spans on emoji, selections that end or start inside a
surrogate pair), tags toggled in the editor or from the claim's menu, status
changes, notes typed and saved, notes typed and undone before they are saved,
links made, changed and removed, linked claims deleted, auto-code, a new
version of a document that orphans claims, orphans attached to a passage
selected anew, tags removed from the codebook
(taken off their claims) or merged into another, undo and redo from the menu,
the toolbar and the keyboard, and closing and reopening the window. The
codebook (each tag's id, name and key) is part of what is compared.

A few dozen sequences run in the normal suite; MARGINALIA_UNDO_EXAMPLES=500
runs that many (and MARGINALIA_UNDO_STEPS their length). A failing sequence is
shrunk and printed as the steps that reproduce it, with the seed to run it
again (``--hypothesis-seed``); MARGINALIA_UNDO_SHRINK=0 reports a failure as
found, without the shrinking (long, on a window). A run prints how many
sequences and steps it made (seen with ``-s``). Team mode (PostgreSQL) runs a
smaller set.

Each saved note is its own undo step here (the burst that merges typing into
one step is widened to nothing), so that the model stays a list of steps; the
merging is tested in test_commands.py and test_claim_actions.py."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar
from conftest import make_doc
from undo_model import Claim, History, Link, State, differences, observed, text_hash, with_claim
from window_support import isolated_qsettings, modals, select_utf16, settle  # noqa: F401 - fixtures

from desktop_app.core.rows import RELATIONS, STATUSES
from desktop_app.core.store import Store
from desktop_app.qt.offsets import OffsetMap
from desktop_app.qt.undo_feedback import note_pending

EXAMPLES = int(os.environ.get("MARGINALIA_UNDO_EXAMPLES", "0") or 0)
STEPS = int(os.environ.get("MARGINALIA_UNDO_STEPS", "0") or 0)
SHRINK = os.environ.get("MARGINALIA_UNDO_SHRINK", "1") != "0"  # 0: report a failure as found, at once

EMOJI_TEXT = (
    "Update 🎬: the studio 👨\u200d👩\u200d👧\u200d👦 said on 2 August 👍🏽 that 𝐀𝐈 doubles were paid $900K.\n\n"
    "Flags 🇫🇷🇩🇪 and faces 😀😀 mark the strike 🪧 days; the union 🤝 asked for AI rules.\n\n"
    "Café e\u0301 crème 中文 𠀀 notes: a deepfake 🎭 of an actor, a voice 🎙️ cloned for $300,000.\n\n"
    "The end 🏁"
)
NOTES = ["", "same job ad", "dates differ 📅", "𝐀 figure", "check"]
PATTERNS = [("AI", False), ("strike", False), ("😀", False), (r"\$\d[\d,]*", True), ("Netflix", False)]
_counter = itertools.count()
RUN = {"sequences": 0, "steps": 0}  # how much a run did, printed at its end


def _emoji_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


class UndoMachine(RuleBasedStateMachine):
    """One window on one new database per sequence; see the module's doc."""

    qtbot = None  # set by the test
    folder: Path = Path()
    modals = None
    monkeypatch = None
    team_url = None  # a function that makes a fresh team database and returns its address

    def __init__(self) -> None:
        super().__init__()
        n = next(_counter)
        RUN["sequences"] += 1
        self.dir = self.folder / f"seq{n}"
        self.dir.mkdir()
        self.target = self.team_url() if self.team_url else self.dir / "lib.db"
        with Store.open(self.target) as s:
            self.emoji_doc = s.add_document(make_doc(EMOJI_TEXT, "Emoji 🎬 notes")).id
        self.failed: list[str] = []
        # operations still running from earlier tests of the session are not this window's to wait for
        from desktop_app.qt import operations

        self.foreign = set(map(id, operations._started.values()))
        self.versions = 0
        self.log: list[str] = []
        self.window = None
        self._open()
        self.history = History(observed(self.window.store))
        self.tag_ids = {t.key: t.id for t in self.window.store.list_tags() if t.key}

    # ------------------------------------------------------------ the window
    def _open(self) -> None:
        import desktop_app.qt.commands.claims as claim_commands

        self.monkeypatch.setattr(claim_commands, "NOTE_BURST_S", -1.0)  # every saved note is its own step
        from desktop_app.qt.main_window import MainWindow

        w = MainWindow()  # not qtbot.addWidget: the sequence closes and deletes its windows itself
        w.resize(1500, 950)
        assert w.open_database(self.target)
        w.show()
        self.qtbot.waitExposed(w)
        if self.emoji_doc not in w.open_documents():
            w.open_document(self.emoji_doc, w.panes[1])
        # a team database's texts are read off the UI thread: the panes fill in a moment later
        self.qtbot.waitUntil(lambda: all(p.view.document_id is not None and p.view.canonical_text
                                         for p in w.panes[:2]), timeout=30000)
        w.events.commandFailed.connect(self.failed.append)
        self.window = w
        self.modals.messages.clear()

    def _close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self.window = None

    def teardown(self) -> None:
        if self.window is None:
            return
        try:
            if not self.failed and not self.modals.errors:
                self._undo_and_redo_everything()
        finally:
            self._close()

    def _undo_and_redo_everything(self) -> None:
        undo, redo = self.window.menu_actions["undo"], self.window.menu_actions["redo"]
        while self.history.undo():
            undo.trigger()
            self._check("undo all")
        assert not self.window.undo_stack.canUndo()
        while self.history.redo():
            redo.trigger()
            self._check("redo all")
        assert not self.window.undo_stack.canRedo()

    # ------------------------------------------------------------- checking
    def _quiet(self) -> None:
        """Wait for the reads the window runs off the UI thread (on a team
        database) to have answered, and their answers to be shown."""
        from desktop_app.qt import operations

        self.qtbot.waitUntil(lambda: not set(map(id, operations._started.values())) - self.foreign, timeout=30000)
        settle()

    def _check(self, what: str) -> None:
        self._quiet()
        w = self.window
        assert self.failed == [], f"after {what}: a step failed: {self.failed}"
        assert self.modals.errors == [], f"after {what}: {self.modals.errors}"
        assert w.undo_stack.index() == self.history.index, (
            f"after {what}: the stack is at {w.undo_stack.index()}, the model at {self.history.index}")
        assert w.undo_stack.count() == len(self.history.states) - 1, f"after {what}: steps differ"
        found = observed(w.store)
        diff = differences(self.history.current, found)
        assert not diff, f"after {what}:\n" + "\n".join(diff)
        editor = w.editor
        if editor.claim is not None and not editor.has_unsaved_note() and editor.claim.id in found.claims:
            assert editor.note.toPlainText() == found.claims[editor.claim.id].note, f"after {what}: editor"

    @invariant()
    def database_matches_the_model(self) -> None:
        RUN["steps"] += 1  # after each step, and once on opening
        if self.window is not None:
            self._check(self.log[-1] if self.log else "opening")

    # --------------------------------------------------------------- helpers
    def _live(self) -> list[int]:
        return sorted(self.history.current.claims)

    def _pick(self, items, n: int):
        return items[n % len(items)] if items else None

    def _pane_claims(self, cid: int) -> bool:
        return self.history.current.claims[cid].document_id in self.window.open_documents()

    def _select(self, cid: int) -> None:
        self.window.annotator.select_claim(cid)
        self._quiet()
        assert self.window.editor.claim is not None and self.window.editor.claim.id == cid

    def _pushed(self, before: int) -> bool:
        return self.window.undo_stack.index() > before  # a new step (it may replace undone ones)

    def _step(self, what: str, expected: State) -> None:
        self.log.append(what)
        self.history.push(expected)

    # ----------------------------------------------------------------- rules
    @rule(pane=st.integers(0, 1), a=st.integers(0, 10**6), length=st.integers(1, 80),
          key=st.sampled_from([1, 2, 3]), how=st.sampled_from(["code points", "utf16", "emoji"]))
    def make_claim(self, pane, a, length, key, how):
        w = self.window
        view = w.panes[pane].view
        text = view.canonical_text
        offsets = OffsetMap(text)
        if how == "code points":
            start = a % len(text)
            end = min(start + length, len(text))
            view.select_offsets(start, end)
        else:
            astral = _emoji_positions(text)
            if how == "emoji" and astral:
                cp = astral[a % len(astral)]  # on an emoji, possibly ending inside the next one
                s16 = offsets.to_utf16(cp) + (a // 7) % 2  # maybe inside the pair
                e16 = min(max(offsets.to_utf16(cp) + 1 + length % 7, s16 + 1), offsets.utf16_length)
            else:
                s16 = a % offsets.utf16_length
                e16 = min(s16 + length, offsets.utf16_length)
            select_utf16(view, s16, e16)
            held = view.textCursor()  # the positions Qt holds, inside a surrogate pair or not
            s16, e16 = held.selectionStart(), held.selectionEnd()
            start, end = offsets.to_codepoint(s16), offsets.to_codepoint(e16, round_up=True)
        if self.tag_ids[key] not in self.history.current.tags:
            self.log.append(f"claim by key {key}: its tag is removed (skipped)")
            return
        selected = view.textCursor().hasSelection()
        before = w.undo_stack.index()
        warned = len(self.modals.messages)
        view.setFocus()
        self.qtbot.keyClick(view, str(key))
        what = f"claim [{start}, {end}) of pane {pane} by key {key} ({how})"
        if not self._pushed(before):
            assert not selected or end <= start or len(self.modals.messages) > warned or not text[start:end].strip(), (
                f"{what}: no claim and no reason given")
            self.log.append(what + ": refused")
            return
        cid = w.annotator.selected_claim
        assert cid not in self.history.current.claims
        expected = replace(self.history.current, claims=dict(self.history.current.claims))
        made = w.store.get_claim(cid)
        expected.claims[cid] = Claim(made.uuid, view.document_id, start, end, text[start:end],
                                     frozenset({self.tag_ids[key]}))
        self._step(what, expected)

    @rule(n=st.integers(0, 10**6), key=st.sampled_from([1, 2, 3]), from_menu=st.booleans())
    def toggle_tag(self, n, key, from_menu):
        cid = self._pick(self._live(), n)
        if cid is None:
            return
        tag = self.tag_ids[key]
        if tag not in self.history.current.tags:
            self.log.append(f"toggle tag {key}: removed (skipped)")
            return
        self._select(cid)
        tags = self.history.current.claims[cid].tags
        if from_menu:
            assert self.window.annotator.toggle_tag([cid], tag)
        else:
            self.window.editor.tag_checks[tag].click()
        self._step(f"toggle tag {key} on claim {cid} ({'menu' if from_menu else 'editor'})",
                   with_claim(self.history.current, cid, tags=tags ^ {tag}))

    @rule(n=st.integers(0, 10**6), status=st.sampled_from(STATUSES))
    def set_status(self, n, status):
        cid = self._pick(self._live(), n)
        if cid is None:
            return
        self._select(cid)
        editor = self.window.editor
        editor.status.setCurrentIndex(editor.status.findData(status))
        what = f"status {status} on claim {cid}"
        if self.history.current.claims[cid].status == status:
            self.log.append(what + " (unchanged)")
            return
        self._step(what, with_claim(self.history.current, cid, status=status))

    def _type(self, text: str) -> None:
        note = self.window.editor.note
        note.setFocus()
        note.selectAll()
        if not text:
            self.qtbot.keyClick(note, Qt.Key.Key_Delete)
            return
        head = ""
        for ch in text:  # real key presses for what a key types, the rest as an input method puts it
            if not ch.isascii():
                break
            head += ch
        if head:
            self.qtbot.keyClicks(note, head)
        if text[len(head):]:
            note.insertPlainText(text[len(head):])

    @rule(n=st.integers(0, 10**6), note=st.sampled_from(NOTES),
          then=st.sampled_from(["pause", "undo on the toolbar", "undo from the menu", "select another"]))
    def type_note(self, n, note, then):
        cid = self._pick(self._live(), n)
        if cid is None:
            return
        self._select(cid)
        self._type(note)
        w = self.window
        old = self.history.current.claims[cid].note
        what = f"type note {note!r} on claim {cid}, then {then}"
        if note != old:
            self._step(what, with_claim(self.history.current, cid, note=note))
        else:
            self.log.append(what + " (unchanged)")
        if then == "pause":
            w.editor.flush_note()  # what the timer does after a pause
        elif then == "select another":
            w.annotator.select_claim(None)
        else:
            if then == "undo on the toolbar":
                toolbar = w.findChild(QToolBar, "MainToolbar")
                self.qtbot.mouseClick(toolbar.widgetForAction(w.menu_actions["undo"]), Qt.MouseButton.LeftButton)
            else:
                w.menu_actions["undo"].trigger()
            self.log.append("undo")
            self.history.undo()  # nothing when there was nothing to undo (the action was disabled)
        assert not note_pending(w), f"{what}: the typing is still pending"
        if w.editor.has_unsaved_note():  # typed back to the saved note, with nothing to undo: nothing to save
            assert w.editor.note.toPlainText() == w.editor.claim.note
            w.editor.flush_note()
        assert not w.editor._note_timer.isActive()

    def _link_through_window(self, source: int, target: int, relation: str, note: str) -> None:
        from desktop_app.qt import links

        seen = {}

        def chooser(parent, description, candidates, preselected):
            seen["ids"] = [c.claim_id for c in candidates]
            return links.LinkChoice(target, relation, note)

        self.monkeypatch.setattr(links, "choose_link", chooser)
        self._select(source)
        self.window.menu_actions["link"].trigger()
        self._quiet()  # on a team database the chooser opens once the claims to offer are read
        assert target in seen.get("ids", [target])

    @rule(n=st.integers(0, 10**6), m=st.integers(0, 10**6), relation=st.sampled_from(RELATIONS),
          note=st.sampled_from(NOTES))
    def link(self, n, m, relation, note):
        cur = self.history.current
        sources = [c for c in self._live() if self._pane_claims(c)]
        source = self._pick(sources, n)
        if source is None:
            return
        doc = cur.claims[source].document_id
        targets = [c for c in sources if cur.claims[c].document_id != doc and not cur.claims[c].orphaned]
        target = self._pick(targets, m)
        if target is None:
            return
        before = self.window.undo_stack.index()
        warned = len(self.modals.messages)
        self._link_through_window(source, target, relation, note)
        what = f"link {source} → {target} {relation} {note!r}"
        if cur.live_link_of_pair(source, target) is not None:
            assert not self._pushed(before) and "already linked" in self.modals.messages[warned][2]
            self.log.append(what + ": refused (already linked)")
            return
        assert self._pushed(before), (f"{what}: not made ({self.window.statusBar().currentMessage()!r}, "
                                      f"{self.modals.messages[warned:]!r})")
        [new] = [k for k in self.window.store.list_links() if k.id not in cur.links]
        expected = replace(cur, links=dict(cur.links))
        expected.links[new.id] = Link(new.uuid, source, target, relation, note)
        self._step(what, expected)

    def _link_in_editor(self, n: int):
        """Select a shown link in the claim editor; (link id, claim id) or None."""
        cur = self.history.current
        shown = sorted(cur.shown_links())
        link_id = self._pick(shown, n)
        if link_id is None:
            return None
        cid = cur.links[link_id].source_id
        self._select(cid)
        editor = self.window.editor
        row = editor.link_ids().index(link_id)
        editor.links_list.setCurrentRow(row)
        return link_id

    @rule(n=st.integers(0, 10**6), relation=st.sampled_from(RELATIONS), note=st.sampled_from(NOTES))
    def change_link(self, n, relation, note):
        link_id = self._link_in_editor(n)
        if link_id is None:
            return
        controller = self.window.links
        self.monkeypatch.setattr(controller, "ask_link_change", lambda current: (relation, note))
        self.qtbot.mouseClick(self.window.editor.edit_link_button, Qt.MouseButton.LeftButton)
        cur = self.history.current
        old = cur.links[link_id]
        what = f"change link {link_id} to {relation} {note!r}"
        if (old.relation, old.note) == (relation, note):
            self.log.append(what + " (unchanged)")
            return
        expected = replace(cur, links=dict(cur.links))
        expected.links[link_id] = Link(old.uuid, old.source_id, old.target_id, relation, note)
        self._step(what, expected)

    @rule(n=st.integers(0, 10**6))
    def remove_link(self, n):
        link_id = self._link_in_editor(n)
        if link_id is None:
            return
        self.qtbot.mouseClick(self.window.editor.unlink_button, Qt.MouseButton.LeftButton)
        cur = self.history.current
        expected = replace(cur, links={i: k for i, k in cur.links.items() if i != link_id})
        self._step(f"remove link {link_id}", expected)

    @rule(n=st.integers(0, 10**6), linked=st.booleans())
    def delete_claim(self, n, linked):
        cur = self.history.current
        ids = self._live()
        if linked:  # a linked claim, if there is one
            ids = sorted({i for k in cur.shown_links().values() for i in (k.source_id, k.target_id)}) or ids
        cid = self._pick(ids, n)
        if cid is None:
            return
        self._select(cid)
        self.window.menu_actions["delete_claim"].trigger()
        expected = replace(cur, claims={i: c for i, c in cur.claims.items() if i != cid})
        self._step(f"delete claim {cid}", expected)

    @rule(which=st.sampled_from(PATTERNS), key=st.sampled_from([1, 2, 3]))
    def autocode(self, which, key):
        from desktop_app.qt.autocode_dialog import show_autocode

        pattern, regex = which
        w = self.window
        if self.tag_ids[key] not in self.history.current.tags:
            self.log.append(f"auto-code as tag {key}: removed (skipped)")
            return
        dialog = show_autocode(w)
        dialog.pattern.setText(pattern)
        dialog.regex.setChecked(regex)
        dialog.all_docs.setChecked(True)
        dialog.tag.setCurrentIndex(dialog.tag.findData(self.tag_ids[key]))
        cmd = dialog.commit()
        dialog.close()
        what = f"auto-code {pattern!r} as tag {key}"
        if cmd is None:
            self.log.append(what + " (nothing new)")
            assert dialog.new_count == 0
            return
        cur = self.history.current
        found = observed(w.store)
        new = {i: c for i, c in found.claims.items() if i not in cur.claims}
        assert set(new) == set(cmd.claim_ids) and new
        import re

        for c in new.values():
            assert c.tags == {self.tag_ids[key]} and (c.status, c.note, c.orphaned) == ("unverified", "", False)
            assert re.search(pattern if regex else re.escape(pattern), c.quote, re.IGNORECASE), c.quote
        expected = replace(cur, claims={**cur.claims, **new})
        self._step(what, expected)

    @rule(cut=st.integers(0, 10**6), length=st.integers(0, 60), insert=st.integers(0, 10**6))
    def new_version(self, cut, length, insert):
        """Replace the emoji document's text with an edited version (a passage cut, emoji put in)."""
        w = self.window
        doc = self.emoji_doc
        text = w.store.document_text(doc)
        i = cut % len(text)
        edited = text[:i] + text[i + length:]
        j = insert % (len(edited) + 1)
        edited = edited[:j] + " ✨ new 😀 text " + edited[j:]
        self.versions += 1
        path = self.dir / f"version{self.versions}.txt"
        path.write_text(edited, encoding="utf-8")
        with self.qtbot.waitSignal(w.replaceFinished, timeout=30000) as blocker:
            assert w.annotator.versions.replace_from_file(doc, path)
        what = f"new version of the emoji document (cut [{i}, {i + length}), insert at {j})"
        assert blocker.args[1], f"{what}: {blocker.args[2]}"
        cur = self.history.current
        found = observed(w.store)
        new_text = w.store.document_text(doc)
        assert set(found.claims) == set(cur.claims)
        for cid, c in found.claims.items():
            before = cur.claims[cid]
            if c.document_id != doc:
                assert c == before
                continue
            assert (c.uuid, c.tags, c.status, c.note) == (before.uuid, before.tags, before.status, before.note)
            if not c.orphaned:
                assert new_text[c.start:c.end] == c.quote
        expected = replace(cur, claims=dict(found.claims), texts={**cur.texts, doc: text_hash(new_text)})
        self._step(what, expected)

    @precondition(lambda self: any(c.orphaned for c in self.history.current.claims.values()))
    @rule(n=st.integers(0, 10**6), a=st.integers(0, 10**6), length=st.integers(1, 60))
    def reattach(self, n, a, length):
        """Edit > Attach to selection: an orphaned claim placed on a passage
        selected in the pane showing its document."""
        cur = self.history.current
        orphans = sorted(i for i, c in cur.claims.items() if c.orphaned)
        cid = self._pick(orphans, n)
        if cid is None:
            return
        w = self.window
        doc = cur.claims[cid].document_id
        pane = next((p for p in w.panes if p.view.document_id == doc), None)
        if pane is None:
            self.log.append(f"attach claim {cid}: its document is not shown (skipped)")
            return
        text = pane.view.canonical_text
        start = a % len(text)
        end = min(start + length, len(text))
        if not text[start:end].strip():
            self.log.append(f"attach claim {cid}: blank passage (skipped)")
            return
        pane.view.select_offsets(start, end)
        before = w.undo_stack.index()
        assert w.annotator.versions.attach(cid), f"attach claim {cid} to [{start}, {end}): refused"
        assert self._pushed(before)
        self._step(f"attach claim {cid} to [{start}, {end})",
                   with_claim(cur, cid, start=start, end=end, quote=text[start:end], orphaned=False))

    @rule(key=st.sampled_from([1, 2, 3]))
    def remove_tag(self, key):
        """Codebook > Remove tag, taking it off the claims that use it."""
        cur = self.history.current
        tag = self.tag_ids[key]
        if tag not in cur.tags:
            self.log.append(f"remove tag {key}: removed already (skipped)")
            return
        before = self.window.undo_stack.index()
        self.window.codebook.removeRequested.emit(tag, True)
        assert self._pushed(before), f"remove tag {key}: not done"
        claims = {i: (replace(c, tags=c.tags - {tag}) if tag in c.tags else c) for i, c in cur.claims.items()}
        self._step(f"remove tag {key}", replace(cur, claims=claims, tags={i: t for i, t in cur.tags.items() if i != tag}))

    @rule(key=st.sampled_from([1, 2, 3]), into=st.sampled_from([1, 2, 3]))
    def merge_tags(self, key, into):
        """Codebook > Merge into…: the claims of one tag get the other, the first goes."""
        cur = self.history.current
        source, target = self.tag_ids[key], self.tag_ids[into]
        if source == target or source not in cur.tags or target not in cur.tags:
            self.log.append(f"merge tag {key} into {into}: not possible (skipped)")
            return
        before = self.window.undo_stack.index()
        self.window.codebook.mergeRequested.emit(source, target)
        assert self._pushed(before), f"merge tag {key} into {into}: not done"
        claims = {i: (replace(c, tags=(c.tags - {source}) | {target}) if source in c.tags else c)
                  for i, c in cur.claims.items()}
        self._step(f"merge tag {key} into {into}",
                   replace(cur, claims=claims, tags={i: t for i, t in cur.tags.items() if i != source}))

    @rule(how=st.sampled_from(["menu", "toolbar", "keys"]))
    def undo(self, how):
        self._move(how, undo=True)

    @rule(how=st.sampled_from(["menu", "toolbar", "keys"]))
    def redo(self, how):
        self._move(how, undo=False)

    def _move(self, how: str, *, undo: bool) -> None:
        w = self.window
        key = "undo" if undo else "redo"
        if how == "menu":
            w.menu_actions[key].trigger()
        elif how == "toolbar":
            button = w.findChild(QToolBar, "MainToolbar").widgetForAction(w.menu_actions[key])
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            w.activateWindow()  # shortcuts reach the active window
            self.qtbot.waitUntil(w.isActiveWindow, timeout=5000)
            view = w.panes[0].view
            view.setFocus()
            mods = Qt.KeyboardModifier.ControlModifier
            if not undo:
                mods |= Qt.KeyboardModifier.ShiftModifier
            self.qtbot.keyClick(view, Qt.Key.Key_Z, mods)
        self.log.append(f"{key} ({how})")
        (self.history.undo if undo else self.history.redo)()

    @rule()
    def reopen(self):
        """Close the window and open the database again: what was saved stays; the undo history starts anew."""
        self._close()
        self._open()
        self.log.append("reopen")
        self.history = History(self.history.current)


def _settings(examples: int, steps: int):
    phases = list(Phase) if SHRINK else [p for p in Phase if p is not Phase.shrink]
    return settings(max_examples=examples, stateful_step_count=steps, deadline=None, print_blob=True,
                    suppress_health_check=list(HealthCheck), phases=phases, database=None)


def _run(qtbot, tmp_path, modals, monkeypatch, *, examples: int, steps: int, team_url=None) -> None:
    class Machine(UndoMachine):
        pass

    Machine.qtbot, Machine.folder, Machine.modals, Machine.monkeypatch = qtbot, tmp_path, modals, monkeypatch
    Machine.team_url = staticmethod(team_url) if team_url else None
    RUN.update(sequences=0, steps=0)
    try:
        run_state_machine_as_test(Machine, settings=_settings(examples, steps))
    finally:
        print(f"undo model: {RUN['sequences']} sequences, {RUN['steps'] - RUN['sequences']} steps")


def test_undo_and_redo_are_exact_under_random_edits(qtbot, tmp_path, modals, monkeypatch, isolated_qsettings):
    _run(qtbot, tmp_path, modals, monkeypatch, examples=EXAMPLES or 24, steps=STEPS or 12)


def test_undo_and_redo_are_exact_on_a_team_database(qtbot, tmp_path, modals, monkeypatch, isolated_qsettings,
                                                     pg_server):
    names = itertools.count()

    def team_url() -> str:
        name = f"undo_{next(names)}_{os.getpid()}"
        pg_server.create_database(name)
        return pg_server.url(name)

    _run(qtbot, tmp_path, modals, monkeypatch, examples=max(EXAMPLES // 5, 5), steps=STEPS or 12,
         team_url=team_url)


# Sequences the machine found, kept as they were printed: each failed before its fix.
FOUND = {
    # A claim made on a new version's text, then its making and the replacement undone: redoing the
    # replacement placed that (binned) claim again as if it were on the old text, so redoing its
    # making brought it back 23 characters off (the emoji it quotes is in the text more than once).
    "a replacement redone places its claims again": [
        ("redo", dict(how="menu")), ("remove_link", dict(n=0)),
        ("link", dict(m=50460, n=3984, note="", relation="same")),
        ("new_version", dict(cut=0, insert=117685, length=7)),
        ("toggle_tag", dict(from_menu=True, key=3, n=402)),
        ("autocode", dict(key=1, which=("strike", False))), ("delete_claim", dict(linked=False, n=52463)),
        ("autocode", dict(key=2, which=("😀", False))), ("redo", dict(how="menu")), ("redo", dict(how="menu")),
        ("set_status", dict(n=61382, status="unverified")),
        ("link", dict(m=14803, n=262144, note="𝐀 figure", relation="contradicts")),
        ("new_version", dict(cut=774, insert=54827, length=57)),
        ("autocode", dict(key=2, which=("😀", False))),
        ("type_note", dict(n=45134, note="dates differ 📅", then="select another")),
        ("toggle_tag", dict(from_menu=False, key=3, n=168)),
        ("new_version", dict(cut=1201, insert=545, length=0)),
        ("type_note", dict(n=1115, note="", then="undo from the menu")),
        ("set_status", dict(n=341, status="supported")), ("remove_link", dict(n=11)),
    ],
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_sequences_found_before_stay_exact(name, qtbot, tmp_path, modals, monkeypatch, isolated_qsettings):
    class Machine(UndoMachine):
        pass

    Machine.qtbot, Machine.folder, Machine.modals, Machine.monkeypatch = qtbot, tmp_path, modals, monkeypatch
    machine = Machine()
    try:
        machine.database_matches_the_model()
        for step, kwargs in FOUND[name]:
            getattr(machine, step)(**kwargs)
            machine.database_matches_the_model()
    finally:
        machine.teardown()


def test_an_orphan_attached_anew_undoes_and_redoes_exactly(qtbot, tmp_path, modals, monkeypatch, isolated_qsettings):
    """The machine's steps in a fixed order: a claim on the emoji document,
    a new version that cuts its passage (the claim is orphaned), the orphan
    attached to another passage; then everything undone and redone."""
    class Machine(UndoMachine):
        pass

    Machine.qtbot, Machine.folder, Machine.modals, Machine.monkeypatch = qtbot, tmp_path, modals, monkeypatch
    machine = Machine()
    try:
        for step, kwargs in [("make_claim", dict(pane=1, a=0, length=50, key=1, how="code points")),
                             ("new_version", dict(cut=0, length=60, insert=10**6)),
                             ("reattach", dict(n=0, a=5, length=20)),
                             ("toggle_tag", dict(n=0, key=2, from_menu=True))]:
            getattr(machine, step)(**kwargs)
            machine.database_matches_the_model()
        assert any(line.startswith("attach claim") and "skipped" not in line for line in machine.log), machine.log
    finally:
        machine.teardown()
