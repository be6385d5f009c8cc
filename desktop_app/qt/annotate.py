"""What the user does to claims in the window, turned into undoable commands:
tag a selection, select a claim, go to its passage, delete it, edit it; and
keeping every open pane's highlights in step with the store."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from ..core.errors import MarginaliaError
from . import commands
from .highlights import HighlightSpan

log = logging.getLogger(__name__)


class Annotator:
    def __init__(self, window) -> None:
        self.w = window
        self.store = None
        self.tags: dict[int, object] = {}
        self.selected_claim: int | None = None
        self._docs_cache: dict[int, object] = {}
        self._import = None

    # ----------------------------------------------------------------- wiring
    def attach(self, store) -> None:
        self.store = store
        self._docs_cache.clear()
        self.selected_claim = None
        w = self.w
        for pane in w.panes:
            self.connect_pane(pane)
        ev = w.events
        ev.claimAdded.connect(self._claim_upserted)
        ev.claimChanged.connect(self._claim_upserted)
        ev.claimRemoved.connect(self._claim_removed)
        ev.documentsChanged.connect(self._docs_cache.clear)
        w.library.openRequested.connect(lambda doc_id: w.open_document(doc_id))
        w.library.deleteRequested.connect(self.delete_document)
        w.codebook.tagClicked.connect(self._tag_clicked)
        w.codebook.addRequested.connect(lambda values: self.push(commands.AddTag(store, ev, **values)))
        w.codebook.updateRequested.connect(
            lambda tag_id, fields: self.push(commands.UpdateTag(store, ev, tag_id, **fields))
        )
        w.codebook.mergeRequested.connect(lambda s, t: self.push(commands.MergeTags(store, ev, s, t)))
        w.codebook.removeRequested.connect(lambda t, untag: self.push(commands.RemoveTag(store, ev, t, untag)))
        w.claims_panel.claimSelected.connect(self.select_claim)
        w.claims_panel.claimActivated.connect(self.go_to_claim)
        w.claims_panel.deleteRequested.connect(self.delete_claim)
        w.editor.tagsEdited.connect(lambda cid, ids: self.push(commands.SetClaimTags(store, ev, cid, ids)))
        w.editor.statusEdited.connect(lambda cid, s: self.push(commands.SetClaimStatus(store, ev, cid, s)))
        w.editor.noteEdited.connect(lambda cid, note: self.push(commands.SetClaimNote(store, ev, cid, note)))

    def connect_pane(self, pane) -> None:
        if getattr(pane, "_annotator_connected", False):
            return
        pane._annotator_connected = True
        view = pane.view
        view.tagKeyPressed.connect(lambda key, p=pane: self.tag_selection_by_key(p, key))
        view.tagRequested.connect(lambda tag_id, p=pane: self.tag_selection(p, [tag_id]))
        view.claimClicked.connect(self.select_claim)
        view.deleteRequested.connect(self.delete_claim)
        view.set_tags(list(self.tags.values()))

    def push(self, command) -> bool:
        """Carry out a command and put it on the undo stack; a refusal from the
        store is shown as a sentence and leaves the stack as it was."""
        try:
            commands.push_command(self.w.undo_stack, command)
        except MarginaliaError as exc:
            self.w.statusBar().showMessage(str(exc), 6000)
            QMessageBox.warning(self.w, "Marginalia", str(exc))
            return False
        return True

    # -------------------------------------------------------------- documents
    def document(self, doc_id: int):
        if doc_id not in self._docs_cache:
            self._docs_cache[doc_id] = self.store.load_document(doc_id)
        return self._docs_cache[doc_id]

    def show_document(self, pane, doc_id: int) -> None:
        doc = self.document(doc_id)
        pane.show_document(doc_id, doc)
        pane.view.set_highlights([self.span(c) for c in self.store.claims_for_document(doc_id)])
        pane.view.set_selected_claim(self.selected_claim)

    def panes_showing(self, doc_id: int):
        return [p for p in self.w.panes if p.view.document_id == doc_id]

    def span(self, claim) -> HighlightSpan:
        tags = [self.tags[t] for t in claim.tag_ids if t in self.tags]
        tags.sort(key=lambda t: t.name.casefold())
        colors = tuple(t.color for t in tags) or ("#9A9A9A",)
        names = ", ".join(t.name for t in tags) or "no tag"
        tip = f"{names} — {claim.status}"
        if claim.note:
            tip += f"\n{claim.note}"
        return HighlightSpan(claim.id, claim.start, claim.end, colors, tip)

    def tags_changed(self, tags) -> None:
        self.tags = {t.id: t for t in tags}
        for pane in self.w.panes:
            pane.view.set_tags(list(tags))
            if pane.view.document_id is not None and self.store is not None:
                claims = self.store.claims_for_document(pane.view.document_id)
                pane.view.set_highlights([self.span(c) for c in claims])

    def _claim_upserted(self, claim) -> None:
        for pane in self.panes_showing(claim.document_id):
            pane.view.upsert_highlight(self.span(claim))
        if self.selected_claim == claim.id:
            self.w.editor.show_claim(claim, document_title=self._title(claim.document_id))

    def _claim_removed(self, claim_id: int, document_id: int) -> None:
        for pane in self.panes_showing(document_id):
            pane.view.remove_highlight(claim_id)
        if self.selected_claim == claim_id:
            self.select_claim(None)

    def _title(self, doc_id: int) -> str:
        try:
            return self.store.get_document(doc_id).title
        except MarginaliaError:
            return ""

    # ------------------------------------------------------------- annotating
    def tag_selection_by_key(self, pane, key: int) -> None:
        tag = next((t for t in self.tags.values() if t.key == key), None)
        if tag is None:
            self.w.statusBar().showMessage(f"No tag has the key {key}; give one a key in the codebook.", 4000)
            return
        self.tag_selection(pane, [tag.id])

    def tag_selection(self, pane, tag_ids) -> int | None:
        doc_id = pane.view.document_id
        span = pane.view.selection_offsets()
        if doc_id is None or span is None:
            self.w.statusBar().showMessage("Select some text first, then choose a tag.", 4000)
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
        self.selected_claim = claim_id
        claim = None
        if claim_id is not None:
            try:
                claim = self.store.get_claim(claim_id)
            except MarginaliaError:
                claim = None
        if claim is not None and claim.deleted:
            claim = None
        self.w.editor.show_claim(claim, document_title=self._title(claim.document_id) if claim else "")
        for pane in self.w.panes:
            pane.view.set_selected_claim(claim.id if claim else None)
        if claim is not None:
            self.w.claims_panel.select_claim(claim.id)

    def go_to_claim(self, claim_id: int) -> None:
        claim = self.store.get_claim(claim_id)
        pane = self.w.open_in_free_pane(claim.document_id)
        if pane.view.document_id != claim.document_id:
            self.show_document(pane, claim.document_id)
        self.select_claim(claim_id)
        pane.view.scroll_to_offset(claim.start)
        pane.view.flash(claim.start, claim.end)

    def delete_claim(self, claim_id: int | None = None) -> None:
        claim_id = claim_id if claim_id is not None else self.selected_claim
        if claim_id is None:
            self.w.statusBar().showMessage("Select a claim to delete.", 3000)
            return
        if self.push(commands.DeleteClaim(self.store, self.w.events, claim_id)):
            self.w.statusBar().showMessage("Claim deleted (Ctrl+Z brings it back).", 4000)

    def delete_document(self, doc_id: int) -> None:
        doc = self.store.get_document(doc_id)
        text = f"Move '{doc.title}' to the bin?"
        if doc.claim_count:
            text = f"Move '{doc.title}' and its {doc.claim_count} claims to the bin?"
        answer = QMessageBox.question(self.w, "Delete document", text + "\n(Edit > Undo brings it back.)")
        if answer == QMessageBox.StandardButton.Yes:
            self.push(commands.DeleteDocument(self.store, self.w.events, doc_id))

    # ------------------------------------------------------ import and export
    def import_files(self, files: list[Path]) -> None:
        from ..core.settings import load_settings
        from .import_worker import start_import

        if self.store is None or self._import is not None:
            return
        progress = QProgressDialog("Importing…", "Cancel", 0, len(files), self.w)
        progress.setWindowTitle("Import")
        progress.setMinimumDuration(400)
        thread, worker = start_import(self.w, self.store, files, load_settings().max_import_bytes)
        done, errors = [], []
        worker.progress.connect(lambda i, n, name: (progress.setValue(i), progress.setLabelText(f"Importing {name}…")))
        worker.imported.connect(done.append)
        worker.failed.connect(lambda name, msg: errors.append(msg))
        progress.canceled.connect(worker.cancel)

        def finished():
            self._import = None
            progress.close()
            if done:
                self.push(commands.ImportedDocuments(self.store, self.w.events, [d.id for d in done]))
                self.w.open_document(done[-1].id)
            summary = f"Imported {len(done)} of {len(files)} file(s)."
            self.w.statusBar().showMessage(summary, 6000)
            if errors:
                QMessageBox.warning(self.w, "Import", summary + "\n\n" + "\n".join(errors))

        worker.finished.connect(finished)
        self._import = (thread, worker)
        thread.start()

    def export(self) -> None:
        from ..core import paths
        from ..core.export_csv import export_csv
        from ..core.files import write_atomically
        from .export_dialog import ExportDialog

        if self.store is None:
            return
        default = Path.home() / "claims.csv"
        dialog = ExportDialog(self.w, tags=self.store.list_tags(), documents=self.store.list_documents(),
                              default_path=default)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        target, options = dialog.target(), dialog.options()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = write_atomically(target, lambda fh: export_csv(self.store, fh, options))
        except (MarginaliaError, OSError) as exc:
            QMessageBox.warning(self.w, "Export claims", f"The claims could not be exported: {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        message = f"Exported {count} claims to {target}."
        self.w.statusBar().showMessage(message, 8000)
        QMessageBox.information(self.w, "Export claims", message)
        log.info("%s (log folder %s)", message, paths.log_dir())
