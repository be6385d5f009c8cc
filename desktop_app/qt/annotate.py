"""What the user does to claims in the window, turned into undoable commands:
tag a selection, select a claim, go to its passage, delete it, edit it; and
keeping every open pane's highlights in step with the store.

Edits made in the claim editor carry the version of the claim it showed. If
another window or the command line changed the claim since, the store refuses
the edit and the user chooses: keep the saved version (nothing is written) or
overwrite it with the edit (one more undo step). Nothing is silently
overwritten."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from desktop_app.core.errors import Conflict, DatabaseReadOnly, DatabaseUnreachable, MarginaliaError
from desktop_app.qt.highlights import HighlightSpan
from desktop_app.qt.lazy import LazyModule

# loaded on first use, after the window's first paint (see lazy.py)
commands = LazyModule("desktop_app.qt.commands")
dialogs = LazyModule("desktop_app.qt.dialogs")
item_models = LazyModule("desktop_app.qt.item_models")

log = logging.getLogger(__name__)


def _elide(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

NO_TAG_COLOR = "#9A9A9A"


class Annotator:
    """The window's controller. Panel signals are connected once, here; the
    store and its event hub are attached (again) with ``attach``."""

    def __init__(self, window) -> None:
        self.w = window
        self.store = None
        self.tags: dict[int, object] = {}
        self._looks: dict[tuple[int, ...], tuple[tuple[str, ...], str]] = {}  # tag ids -> colours, names
        self.selected_claim: int | None = None
        self.last_tag: int | None = None  # the tag used last (for accepting a matching pair)
        self._docs_cache: dict[int, object] = {}
        self._sources_cache: dict[int, object] = {}  # document id -> SourceRow (no bytes) or None
        self._deleting: set[int] = set()  # documents whose deletion waits for their claim count
        self.import_run = None  # the ImportRun under way, if any
        self.progress_dialog: QProgressDialog | None = None
        w = window
        w.library.openRequested.connect(lambda doc_id: self.store is not None and w.open_document(doc_id))
        w.library.deleteRequested.connect(self.delete_document)
        w.codebook.tagClicked.connect(self._tag_clicked)
        w.codebook.addRequested.connect(lambda values: self._push_new(commands.AddTag, **values))
        w.codebook.updateRequested.connect(lambda tag_id, fields: self._push_new(commands.UpdateTag, tag_id, **fields))
        w.codebook.mergeRequested.connect(lambda s, t: self._push_new(commands.MergeTags, s, t))
        w.codebook.removeRequested.connect(lambda t, untag: self._push_new(commands.RemoveTag, t, untag))
        w.claims_panel.claimSelected.connect(self.select_claim)
        w.claims_panel.claimActivated.connect(self.go_to_claim)
        w.claims_panel.deleteRequested.connect(self.delete_claim)
        w.claims_panel.claim_menu_provider = self.claim_menu
        w.claims_panel.reveal = self.held_claim
        w.claims_panel.tagKeyPressed.connect(self.tag_claims_by_key)
        w.editor.tagsEdited.connect(lambda cid, ids, v: self.edit_claim(commands.SetClaimTags, cid, ids, v))
        w.editor.statusEdited.connect(lambda cid, s, v: self.edit_claim(commands.SetClaimStatus, cid, s, v))
        w.editor.noteEdited.connect(lambda cid, note, v: self.edit_claim(commands.SetClaimNote, cid, note, v))
        from desktop_app.qt.opening import DocumentOpener
        from desktop_app.qt.versions import Versions

        self.opener = DocumentOpener(self)
        self.versions = Versions(self)

    # ----------------------------------------------------------------- wiring
    def attach(self, store, events) -> None:
        """Work on ``store`` from now on; ``events`` is its (new) event hub."""
        self.store = store
        self._docs_cache.clear()
        self._sources_cache.clear()
        self.selected_claim = None
        for pane in self.w.panes:
            self.connect_pane(pane)
        events.claimAdded.connect(self._claim_upserted)
        events.claimChanged.connect(self._claim_upserted)
        events.claimRemoved.connect(self._claim_removed)
        events.documentsChanged.connect(self._docs_cache.clear)
        events.documentsChanged.connect(self._sources_cache.clear)
        events.documentTextChanged.connect(self._document_text_changed)

    def connect_pane(self, pane) -> None:
        if getattr(pane, "_annotator_connected", False):
            return
        pane._annotator_connected = True
        view = pane.view
        view.tagKeyPressed.connect(lambda key, p=pane: self.tag_selection_by_key(p, key))
        view.tagRequested.connect(lambda tag_id, p=pane: self.tag_selection(p, [tag_id]))
        view.claimClicked.connect(self.select_claim)
        # A click on text outside every claim unselects the claim everywhere.
        view.selectedClaimChanged.connect(lambda cid: self.select_claim(None) if cid is None else None)
        view.deleteRequested.connect(self.delete_claim)
        view.set_tags(list(self.tags.values()))
        view.tooltip_provider = self.tooltip
        view.claim_menu_provider = self.claim_menu

    def _push_new(self, command_class, *args, **kwargs) -> bool:
        if self.store is None:
            return False
        return self.push(command_class(self.store, self.w.events, *args, **kwargs))

    def refuse_if_read_only(self) -> bool:
        """True (and the status bar says why) if the open database cannot be
        changed here; the window's read-only label already shows that state."""
        if self.store is None or not getattr(self.store, "read_only", False):
            return False
        from desktop_app.core.store.database import read_only_message

        self.w.statusBar().showMessage(read_only_message(str(self.store.path)), 8000)
        return True

    def push(self, command) -> bool:
        """Carry out a command and put it on the undo stack; a refusal from the
        store is shown as a sentence and leaves the stack as it was. An
        unexpected error is logged with its traceback, shown as one sentence,
        and the panels are re-read from the store.

        If the team database cannot be reached, the command waits in the
        window's queue of pending edits (pending_edits.py), behind any edit
        already waiting, and goes on the stack once it is saved; False until then."""
        pending = getattr(self.w, "pending", None)
        if pending is not None and pending.waiting() and not pending.retry():
            pending.add(command)  # after the edits made before it
            return False
        try:
            commands.push_command(self.w.undo_stack, command)
        except DatabaseReadOnly as exc:  # a sentence, not a dialog at every key press
            self.w.statusBar().showMessage(str(exc), 8000)
            self.resync()
            return False
        except MarginaliaError as exc:
            if isinstance(exc, DatabaseUnreachable) and pending is not None:
                pending.add(command, str(exc))
                return False
            if isinstance(exc, Conflict) and self._changed_elsewhere(command):
                return self.resolve_conflict(command)
            self.w.statusBar().showMessage(str(exc), 6000)
            dialogs.warn(self.w, "Marginalia", str(exc))
            self.resync()
            return False
        except Exception:
            from desktop_app.qt.errors import UNEXPECTED_ERROR, show_error

            log.exception("%s failed", type(command).__name__)
            self.w.statusBar().showMessage(UNEXPECTED_ERROR, 8000)
            show_error(self.w, UNEXPECTED_ERROR)
            self.resync()
            return False
        return True

    # -------------------------------------------------------- edits, conflicts
    def edit_claim(self, command_class, claim_id: int, value, version: int | None) -> bool:
        """An edit from the claim editor, checked against the version it showed."""
        if self.store is None:
            return False
        return self.push(command_class(self.store, self.w.events, claim_id, value, expected_version=version))

    @staticmethod
    def _changed_elsewhere(command) -> bool:
        """The edit met a newer version of its claim: the command holds the
        claim as saved, read in the edit's own transaction (no read now,
        which on a team database would wait on the network here)."""
        if not isinstance(command, commands.ClaimEdit) or command.expected_version is None:
            return False
        return command.saved is not None and command.saved.version != command.expected_version

    def resolve_conflict(self, command) -> bool:
        """The claim changed elsewhere since the editor showed it: show the
        saved version (as the edit found it) and the edit, and do what the
        user chooses. True if the edit was saved (overwriting)."""
        saved = command.saved
        choice = dialogs.choose_conflict(self.w, self.describe_claim(saved), self.describe_edit(command))
        if choice == dialogs.OVERWRITE:
            if not self.push(commands.forced_copy(command)):
                return False
            self.w.statusBar().showMessage(
                "Your edit replaced the version saved elsewhere (Ctrl+Z puts that version back).", 8000)
            return True
        # Keep theirs: every view shows the saved claim; nothing is written.
        self.w.events.claimChanged.emit(saved)
        if self.selected_claim == saved.id:
            self.w.editor.show_claim(saved, document_title=self._title(saved.document_id))
        self.w.statusBar().showMessage("Kept the version saved elsewhere; your edit was not saved.", 8000)
        return False

    def describe_claim(self, claim) -> str:
        names = ", ".join(sorted((self.tags[t].name for t in claim.tag_ids if t in self.tags), key=str.casefold))
        lines = [
            f"Quote: “{claim.quote}”",
            f"Tags: {names or 'none'}",
            f"Status: {claim.status}",
            f"Note: {claim.note or '(none)'}",
            f"Last saved {item_models.local_time(claim.updated_at)}",
        ]
        return "\n".join(lines)

    def describe_edit(self, command) -> str:
        if isinstance(command, commands.SetClaimTags):
            names = sorted((self.tags[t].name for t in command.new if t in self.tags), key=str.casefold)
            return f"Tags: {', '.join(names) or 'none'}"
        if isinstance(command, commands.SetClaimStatus):
            return f"Status: {command.new}"
        return f"Note: {command.new or '(none)'}"

    def resync(self) -> None:
        """Show the selected claim as the store has it (after a refused edit
        the editor must not keep showing the value that was not saved)."""
        if self.store is not None:
            self.select_claim(self.selected_claim)

    # -------------------------------------------------------------- documents
    def provenance(self, doc_id: int) -> str:
        """Where and when the document's source was read ("" if not kept)."""
        from desktop_app.core.originals import provenance

        if doc_id not in self._sources_cache:
            self._sources_cache[doc_id] = self.store.document_source(doc_id, with_data=False)
        source = self._sources_cache[doc_id]
        return provenance(source) if source is not None else ""

    def document(self, doc_id: int):
        if doc_id not in self._docs_cache:
            self._docs_cache[doc_id] = self.w.events.rows(("document", doc_id),
                                                          lambda: self.store.load_document(doc_id))
        return self._docs_cache[doc_id]

    def document_at_hand(self, doc_id: int):
        """The document if it can be had without waiting on the network: read
        now from a file, or held already on a team database (else None)."""
        if getattr(self.store, "is_team", False):
            return self._docs_cache.get(doc_id)
        return self.document(doc_id)

    @property
    def opening(self) -> bool:
        """A document is being read from the team database for a pane."""
        return self.opener.opening

    def show_document(self, pane, doc_id: int, then=None) -> None:
        """Show ``doc_id`` in ``pane``, then call ``then()`` (see DocumentOpener.show)."""
        self.opener.show(pane, doc_id, then)

    def stop_reads(self) -> None:
        """Give up every document still being read (leaving the database)."""
        self.opener.stop()

    def held_title(self, doc_id: int) -> str:
        """The title of a document as the library holds it ("" if it does not): no store read."""
        model = self.w.documents_model
        row = model.row_of(doc_id) if model is not None else None
        return model.document(row).title if row is not None else ""

    def library_title(self, doc_id: int) -> str:
        """“Title” of a document as the library holds it (no store read)."""
        title = self.held_title(doc_id)
        return f"“{_elide(title, 60)}”" if title else "the document"

    def panes_changed(self) -> None:
        """The matching passages follow the documents side by side."""
        dock = getattr(self.w, "matches_dock", None)
        if dock is not None:
            dock.widget().panes_changed()

    def _document_text_changed(self, doc_id: int) -> None:
        """A new version of the text (or the old one back): panes showing the
        document render it again, with the claims at their new places."""
        self._docs_cache.pop(doc_id, None)
        self._sources_cache.pop(doc_id, None)
        for pane in self.panes_showing(doc_id):
            bar = pane.view.verticalScrollBar()
            scroll = bar.value()
            self.show_document(pane, doc_id, then=lambda b=bar, v=scroll: b.setValue(min(v, b.maximum())))
        self.select_claim(self.selected_claim)

    def panes_showing(self, doc_id: int):
        return [p for p in self.w.panes if p.view.document_id == doc_id]

    def _look(self, tag_ids: tuple[int, ...]) -> tuple[tuple[str, ...], str]:
        """Colours and names of a set of tags (cached: thousands of claims share a few sets)."""
        look = self._looks.get(tag_ids)
        if look is None:
            tags = sorted((self.tags[t] for t in tag_ids if t in self.tags), key=lambda t: t.name.casefold())
            look = (tuple(t.color for t in tags) or (NO_TAG_COLOR,), ", ".join(t.name for t in tags) or "no tag")
            self._looks[tag_ids] = look
        return look

    def span(self, claim) -> HighlightSpan:
        """The highlight of a claim (a ClaimRow or the lighter PaintRow); its
        hover text is asked for when needed (tooltip below)."""
        return HighlightSpan(claim.id, claim.start, claim.end, self._look(claim.tag_ids)[0], "",
                             getattr(claim, "status", "unverified"))

    def tooltip(self, claim_id: int) -> str:
        """Tags, status and note of a claim, as the pane shows them on hover:
        from the rows the claims table holds (kept current by the events), so
        that hovering never waits for the store (on a team database, the network)."""
        claim = self.held_claim(claim_id)
        if claim is None:
            return ""
        tip = f"{self._look(claim.tag_ids)[1]} — {claim.status}"
        return f"{tip}\n{claim.note}" if claim.note else tip

    def held_claim(self, claim_id: int, read: bool | None = None):
        """The claim's row as the window holds it (the rows the claims table or
        the orphans' list read for the screen, kept current by the events),
        else, with ``read``, as the store has it (one indexed read); None if
        there is none (or the team database is away). ``read`` is the default
        for a project file; on a team database, a user's action on a claim
        asks for it (one read), the other callers read off the UI thread
        themselves or do without."""
        for model in (self.w.claims_model, self.w.orphans_model):
            held = model.held(claim_id) if model is not None else None
            if held is not None:
                return held
        if read is None:
            read = not getattr(self.store, "is_team", False)
        if not read or self.store is None:
            return None
        try:
            return self.store.get_claim(claim_id)
        except MarginaliaError:
            return None

    def tags_changed(self, tags) -> None:
        self.tags = {t.id: t for t in tags}
        self._looks = {}
        for pane in self.w.panes:
            pane.view.set_tags(list(tags))
            if pane.view.document_id is not None and self.store is not None:
                self.opener.repaint(pane)  # colours and names follow the codebook
        if self.selected_claim is not None:
            self.select_claim(self.selected_claim)  # its tags may have changed

    def _claim_upserted(self, claim) -> None:
        for pane in self.panes_showing(claim.document_id):
            if claim.orphaned:  # no place in the text shown: nothing to paint
                pane.view.remove_highlight(claim.id)
            else:
                pane.view.upsert_highlight(self.span(claim))
        if self.selected_claim == claim.id:
            self.w.editor.show_claim(claim, document_title=self._title(claim.document_id))

    def _claim_removed(self, claim_id: int, document_id: int) -> None:
        for pane in self.panes_showing(document_id):
            pane.view.remove_highlight(claim_id)
        if self.selected_claim == claim_id:
            self.select_claim(None)

    def _title(self, doc_id: int) -> str:
        model = self.w.claims_model
        if model is not None:
            return model.document_title(doc_id)  # the library's rows
        try:
            return self.store.document_title(doc_id)
        except MarginaliaError:
            return ""

    # ------------------------------------------------------------- annotating
    def tag_selection_by_key(self, pane, key: int) -> None:
        tag = next((t for t in self.tags.values() if t.key == key), None)
        if tag is None:
            self.w.statusBar().showMessage(f"No tag has the key {key}; give one a key in the codebook.", 4000)
            return
        self.tag_selection(pane, [tag.id])

    def tag_claims_by_key(self, claim_ids, key: int) -> bool:
        """Keys 1–9 in the claims table: toggle that tag on the selected claims."""
        tag = next((t for t in self.tags.values() if t.key == key), None)
        if tag is None:
            self.w.statusBar().showMessage(f"No tag has the key {key}; give one a key in the codebook.", 4000)
            return False
        if not claim_ids:
            self.w.statusBar().showMessage(
                f"Select claims in the table first, then press {key} to tag them as {tag.name}.", 5000)
            return False
        return self.toggle_tag(claim_ids, tag.id)

    def tag_selection(self, pane, tag_ids) -> int | None:
        doc_id = pane.view.document_id
        span = pane.view.selection_offsets()
        if self.store is None or doc_id is None or span is None:
            self.w.statusBar().showMessage(
                "Nothing is selected: select some text in a pane (drag over it), then press a tag's key "
                "or choose a tag.", 5000)
            return None
        start, end = span
        cmd = commands.CreateClaim(self.store, self.w.events, doc_id, start, end, list(tag_ids))
        if not self.push(cmd):
            return None
        claim_id = cmd.claim_id
        cursor = pane.view.textCursor()
        cursor.clearSelection()  # so that the new highlight shows at once
        pane.view.setTextCursor(cursor)
        self.select_claim(claim_id)
        names = ", ".join(self.tags[t].name for t in tag_ids if t in self.tags)
        self.last_tag = next((t for t in tag_ids if t in self.tags), self.last_tag)
        self.w.statusBar().showMessage(f"Tagged as {names}. Saved.", 3000)
        return claim_id

    def _tag_clicked(self, tag_id: int) -> None:
        pane = self.w.active_pane
        if pane is not None and pane.view.selection_offsets() is not None:
            self.tag_selection(pane, [tag_id])
        else:
            self.w.claims_panel.filter_by_tag(tag_id)
            self.w.claims_dock.raise_()

    def select_claim(self, claim_id: int | None) -> None:
        """Select a claim everywhere: from the rows the window holds (the
        events keep them current); a claim not among them (deleted, or not
        heard of yet) is read, off the UI thread on a team database."""
        from desktop_app.qt import operations

        if self.store is None:
            return
        self.selected_claim = claim_id
        claim = self.held_claim(claim_id) if claim_id is not None else None
        if claim_id is None or claim is not None:
            self._show_selected(claim)
            return
        store = self.store

        def read(row) -> None:
            if self.store is store and self.selected_claim == claim_id:
                self._show_selected(row)

        def failed(sentence: str) -> None:
            log.info("claim %s not shown: %s", claim_id, sentence)
            read(None)

        operations.read(self.w, store, lambda: store.get_claim(claim_id), what=f"reading claim {claim_id}",
                        late=operations.team_late("the claim is not shown"), succeeded=read, failed=failed)

    def _show_selected(self, claim) -> None:
        if claim is not None and claim.deleted:
            claim = None
        if claim is None:
            self.selected_claim = None
        self.w.editor.show_claim(claim, document_title=self._title(claim.document_id) if claim else "")
        for pane in self.w.panes:
            pane.view.set_selected_claim(claim.id if claim else None)
        self.w.claims_panel.select_claim(claim.id if claim else None)
        self.w.orphans_panel.select_claim(claim.id if claim else None)
        links = getattr(self.w, "links", None)
        if links is not None:
            links.claim_selected(claim)
        page_view = getattr(self.w, "page_view", None)
        if page_view is not None:
            page_view.claim_selected(claim)

    def go_to_claim(self, claim_id: int) -> None:
        """Show a claim's passage and select it; a claim the window does not
        hold is read first (off the UI thread on a team database)."""
        from desktop_app.qt import operations

        claim = self.held_claim(claim_id)
        if claim is None and self.store is not None:
            store = self.store
            operations.read(self.w, store, lambda: store.get_claim(claim_id), what=f"reading claim {claim_id}",
                            late=operations.team_late("the claim is not shown"),
                            succeeded=lambda row: self.store is store and self._go_to(row),
                            failed=lambda sentence: self.store is store and self.w.statusBar().showMessage(
                                sentence, 8000))
            return
        if claim is not None:
            self._go_to(claim)

    def _go_to(self, claim) -> None:
        claim_id = claim.id
        if claim.orphaned:  # no passage to go to: show the document to find one
            self.versions.show_document_of(claim_id)
            return
        pane = self.w.open_in_free_pane(claim.document_id)

        def to_passage() -> None:
            self.select_claim(claim_id)
            pane.view.scroll_to_offset(claim.start)
            pane.view.flash(claim.start, claim.end)

        if pane.view.document_id != claim.document_id:
            self.show_document(pane, claim.document_id, then=to_passage)
        else:
            to_passage()

    def delete_claim(self, claim_id: int | None = None) -> None:
        claim_id = claim_id if claim_id is not None else self.selected_claim
        if claim_id is None or self.store is None:
            self.w.statusBar().showMessage("Select a claim to delete.", 3000)
            return
        if self.push(commands.DeleteClaim(self.store, self.w.events, claim_id)):
            self.w.statusBar().showMessage("Claim deleted (Ctrl+Z brings it back).", 4000)

    # ------------------------------------------------- the claim's own menu
    def toggle_tag(self, claim_ids, tag_id: int) -> bool:
        """Put ``tag_id`` on every claim of ``claim_ids`` (or take it off, if
        all have it already): one undo step however many claims."""
        if self.store is None or self.refuse_if_read_only() or tag_id not in self.tags:
            return False
        claims = [c for c in (self.held_claim(cid, read=True) for cid in claim_ids) if c is not None]
        if not claims:
            self.w.statusBar().showMessage("Select a claim first, then choose a tag.", 4000)
            return False
        remove = all(tag_id in c.tag_ids for c in claims)
        name = self.tags[tag_id].name
        noun = "claim" if len(claims) == 1 else f"{len(claims)} claims"
        text = f"Untag {noun} as {name}" if remove else f"Tag {noun} as {name}"
        edits = [(c, [t for t in c.tag_ids if t != tag_id] if remove else [*c.tag_ids, tag_id]) for c in claims]
        stack = self.w.undo_stack
        stack.beginMacro(text)
        done = 0
        try:
            for c, ids in edits:
                cmd = commands.SetClaimTags(self.store, self.w.events, c.id, ids, expected_version=c.version)
                done += bool(self.push(cmd))
        finally:
            stack.endMacro()
        if done:
            self.last_tag = tag_id
            self.w.statusBar().showMessage(f"{'Removed' if remove else 'Tagged as'} {name} "
                                           f"({noun}). Saved.", 4000)
        return bool(done)

    def set_status(self, claim_id: int, status: str) -> bool:
        claim = self.held_claim(claim_id, read=True)
        if self.store is None or claim is None or claim.status == status:
            return False
        return self.push(commands.SetClaimStatus(self.store, self.w.events, claim_id, status,
                                                 expected_version=claim.version))

    def edit_note(self, claim_id: int) -> None:
        self.select_claim(claim_id)
        dock = getattr(self.w, "editor_dock", None)
        if dock is not None:
            dock.show()
            dock.raise_()
        self.w.editor.note.setFocus()

    def link_claim(self, claim_id: int) -> bool:
        self.select_claim(claim_id)
        return self.w.links.link_claims()

    def matching_passages(self, claim_id: int):
        """Show the matching passages of the claim's document and the other
        pane's, with the pair around the claim current if there is one."""
        from desktop_app.qt import suggestions_panel

        claim = self.held_claim(claim_id, read=True)
        if claim is None:
            return None
        if claim.document_id not in [p.view.document_id for p in self.w.panes[:2]]:
            self.go_to_claim(claim_id)
        return suggestions_panel.show_matching_passages(self.w)

    def copy_quote(self, claim_id: int) -> str:
        from desktop_app.qt.claim_menu import copy_text, quote_with_source

        claim = self.held_claim(claim_id) or self.store.get_claim(claim_id)
        text = quote_with_source(claim.quote, self._title(claim.document_id), getattr(claim, "page", None))
        copy_text(text)
        self.w.statusBar().showMessage("Copied the quote with its source.", 3000)
        return text

    def claim_menu(self, menu, claim_id: int) -> None:
        from desktop_app.qt.claim_menu import add_claim_entries

        add_claim_entries(menu, self, claim_id)

    def delete_document(self, doc_id: int) -> None:
        """Ask, naming the document and how many claims go with it, then move
        it to the bin. The count is read from the store (the library's may be
        behind what others did meanwhile): off the UI thread on a team
        database, the question coming with the answer."""
        from desktop_app.qt import operations

        store = self.store
        if store is None or doc_id in self._deleting:
            return

        def ask(doc) -> None:
            self._deleting.discard(doc_id)
            if self.store is not store:
                return  # another database opened meanwhile
            text = f"Move '{doc.title}' to the bin?"
            if doc.claim_count:
                text = f"Move '{doc.title}' and its {doc.claim_count} claims to the bin?"
            if dialogs.confirm(self.w, "Delete document", text + "\n(Edit > Undo brings it back.)"):
                self.push(commands.DeleteDocument(store, self.w.events, doc_id))

        def failed(sentence: str) -> None:
            self._deleting.discard(doc_id)
            if self.store is store:
                self.w.statusBar().showMessage(sentence, 8000)

        self._deleting.add(doc_id)
        operations.read(self.w, store, lambda: store.get_document(doc_id), what=f"reading document {doc_id}",
                        late=operations.team_late(f"{self.library_title(doc_id)} was not moved to the bin"),
                        succeeded=ask, failed=failed)

    # ------------------------------------------------------ import and export
    def import_files(self, files: list[Path], whole_page: bool = False,
                     passwords: dict[str, str] | None = None) -> bool:
        """Import files on a worker thread, with a progress dialog; the window
        emits importStarted, importProgress and importFinished. False if an
        import is already running or no database is open. Web pages are
        imported as their article unless ``whole_page``. An encrypted file is
        asked its password, then imported again."""
        from desktop_app.core.settings import load_settings
        from desktop_app.qt.import_worker import ImportRun

        if self.store is None or self.refuse_if_read_only():
            return False
        if self.import_run is not None or self.versions.run is not None:
            self.w.statusBar().showMessage("An import is already running; wait for it to finish.", 4000)
            return False
        files = [Path(f) for f in files]
        run = ImportRun(self.w, self.store, files, load_settings().max_import_bytes, whole_page, passwords)
        steps = 100  # each file is 100 steps, filled by its reader's progress (pages, parts)
        progress = QProgressDialog("Importing…", "Cancel", 0, len(files) * steps, self.w)
        progress.setWindowTitle("Import")
        progress.setAccessibleName("Import progress")
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)
        progress.canceled.connect(run.cancel)
        self.progress_dialog = progress

        current = [0]

        def on_progress(done: int, total: int, name: str) -> None:
            current[0] = done
            progress.setValue(done * steps)
            if name:
                progress.setLabelText(f"Importing {name}…")
            self.w.importProgress.emit(done, total, name)

        def on_file_progress(done: int, total: int) -> None:
            if total > 0:
                progress.setValue(current[0] * steps + min(done * steps // total, steps - 1))

        run.progress.connect(on_progress)
        run.file_progress.connect(on_file_progress)
        run.finished.connect(lambda done, failures: self._import_finished(run, files, done, failures))
        self.import_run = run
        self.w.importStarted.emit(len(files))
        run.start()
        return True

    def _import_finished(self, run, files, done, failures) -> None:
        run.deleteLater()
        self._close_progress()
        if self.import_run is not run:
            return  # stopped on closing: nothing more to show
        self.import_run = None
        passwords: dict[str, str] = {}
        for path, message, wrong in run.locked:
            password = dialogs.ask_password(self.w, path.name, wrong)
            if password is None:
                failures.append((path.name, message))
            else:
                passwords[str(path)] = password
        if done and self.store is not None:
            self.push(commands.ImportedDocuments(self.store, self.w.events, [d.id for d in done]))
            self.w.open_document(done[-1].id)
        summary = f"Imported {len(done)} of {len(files)} file(s)."
        kept = run.summaries[-1][1] if len(files) == 1 and run.summaries else ""
        self.w.statusBar().showMessage(f"{summary} {kept}".strip(), 10000)
        self.w.importFinished.emit([d.id for d in done], [message for _name, message in failures])
        if failures:
            dialogs.warn(self.w, "Import", summary + "\n\n" + "\n".join(m for _n, m in failures))
        if run.offered and self.store is not None:  # highlights readers made in the files: offered as claims
            from desktop_app.qt.sources import offer_highlights

            offer_highlights(self.w, run.offered)
        if passwords:  # the encrypted files again, with their passwords
            self.import_files([Path(p) for p in passwords], passwords=passwords)

    def import_address(self, address: str, whole_page: bool = False) -> bool:
        """Fetch a web page and import it on a worker thread, with a progress
        dialog whose Cancel stops the download; the window emits importStarted
        and importFinished. False if an import is running or no database is open."""
        from desktop_app.core.settings import load_settings
        from desktop_app.qt.web_import import WebImportRun

        if self.store is None:
            return False
        if self.import_run is not None or self.versions.run is not None:
            self.w.statusBar().showMessage("An import is already running; wait for it to finish.", 4000)
            return False
        run = WebImportRun(self.w, self.store, address, whole_page, load_settings().max_import_bytes)
        progress = QProgressDialog(f"Fetching {_elide(address)}…", "Cancel", 0, 0, self.w)
        progress.setWindowTitle("Import from web address")
        progress.setAccessibleName("Import progress")
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)
        self.progress_dialog = progress

        def cancel() -> None:
            run.cancel()
            progress.setLabelText("Cancelling…")

        def on_progress(received: int, total: int) -> None:
            if total > 0:
                progress.setMaximum(max(1, total // 1024))
                progress.setValue(min(received, total) // 1024)
            progress.setLabelText(f"Fetching {_elide(address)}… {received / 1024:,.0f} KB")

        progress.canceled.connect(cancel)
        run.progress.connect(on_progress)
        run.finished.connect(lambda row, summary, error: self._address_finished(run, row, summary, error))
        self.import_run = run
        self.w.importStarted.emit(1)
        run.start()
        return True

    def _address_finished(self, run, row, summary: str, error: str) -> None:
        run.deleteLater()
        self._close_progress()
        if self.import_run is not run:
            return  # stopped on closing
        self.import_run = None
        if row is not None and self.store is not None:
            self.push(commands.ImportedDocuments(self.store, self.w.events, [row.id]))
            self.w.open_document(row.id)
            self.w.statusBar().showMessage(f"Imported “{row.title}”. {summary}".strip(), 10000)
        elif not error:
            self.w.statusBar().showMessage("Import cancelled; nothing was imported.", 6000)
        else:
            self.w.statusBar().showMessage("The page was not imported.", 6000)
        self.w.importFinished.emit([row.id] if row is not None else [], [error] if error else [])
        if error:
            dialogs.warn(self.w, "Import from web address", error)

    def _close_progress(self) -> None:
        progress, self.progress_dialog = self.progress_dialog, None
        if progress is not None:
            progress.canceled.disconnect()  # closing it would otherwise "cancel"
            progress.close()
            progress.deleteLater()

    def stop_import(self, timeout_ms: int = 10000) -> None:
        """Cancel a running import, web fetch or reading of a new version and
        wait ``timeout_ms`` at most for its thread (on closing or switching)."""
        self.versions.stop(timeout_ms)
        run, self.import_run = self.import_run, None
        if run is not None:
            run.stop(timeout_ms)  # says nothing more: nothing is left to read its answer
            run.deleteLater()
            self._close_progress()

    def make_export_dialog(self):
        from desktop_app.qt.export_dialog import ExportDialog

        default = Path.home() / "claims.csv"
        # the codebook and the library as the window holds them: no store read
        return ExportDialog(self.w, tags=self.w.tags_model.tags(), documents=self.w.documents_model.documents(),
                            default_path=default, store=self.store)

    def export(self) -> int | None:
        """File > Export claims: the dialog asks for a format, filters and a
        file, and writes it in the background; returns how many were written
        (None if cancelled)."""
        from desktop_app.qt.export_dialog import ExportDialog

        if self.store is None:
            return None
        dialog = self.make_export_dialog()
        try:
            if dialog.exec() != ExportDialog.DialogCode.Accepted or dialog.count is None:
                return None
            count, target, fmt = dialog.count, dialog.target(), dialog.fmt()
        finally:
            dialog.deleteLater()
        self._exported(count, target, fmt)
        return count

    def export_to(self, target: Path, options=None, fmt: str = "csv") -> int | None:
        """Write the claims chosen by ``options`` to ``target`` in ``fmt`` (one
        of desktop_app.core.exchange.FORMATS), here and now; returns how many
        were written (None if it failed, which was shown)."""
        from desktop_app.core.exchange import run_export

        if self.store is None:
            return None
        target = Path(target)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = run_export(self.store, fmt, target, options)
        except (MarginaliaError, OSError) as exc:
            message = f"The claims could not be exported: {exc}"
            self.w.statusBar().showMessage(message, 8000)
            dialogs.warn(self.w, "Export claims", message)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._exported(count, target, fmt)
        return count

    def _exported(self, count: int, target: Path, fmt: str) -> None:
        noun = "link" if fmt == "links-csv" else "claim"
        message = f"Exported {count} {noun}{'s' if count != 1 else ''} to {target}."
        self.w.statusBar().showMessage(message, 10000)
        log.info(message)
