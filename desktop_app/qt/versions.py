"""New versions of a document and the claims they orphan: File > Replace with
new version… reads the file off the UI thread, then replaces the text as one
undoable step; orphaned claims are listed in their dock and attached again
to a passage selected in a pane."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from desktop_app.core.errors import MarginaliaError
from desktop_app.qt.lazy import LazyModule

commands = LazyModule("desktop_app.qt.commands")
dialogs = LazyModule("desktop_app.qt.dialogs")

log = logging.getLogger(__name__)

REPLACE_TITLE = "Replace with new version"


def status_line(result) -> str:
    """The summary of a replace, short enough for the status bar."""
    title = commands.short_quote(result.document.title, 48)
    total = result.unchanged + result.moved + result.changed + result.orphaned
    if not total:
        return f"New version of “{title}” (no claims). Ctrl+Z puts the old text back."
    return (
        f"New version of “{title}”: {result.unchanged} claims kept their place, {result.moved} moved, "
        f"{result.changed} changed, {result.orphaned} orphaned. Ctrl+Z puts the old text back."
    )


class Versions:
    """Part of the window's controller (see Annotator), for versions and orphans."""

    def __init__(self, annotator) -> None:
        self.a = annotator
        self.w = annotator.w
        self.run = None  # the ParseRun under way, if any
        w = self.w
        w.library.replaceRequested.connect(self.ask_replace)
        w.orphans_panel.claimSelected.connect(self.a.select_claim)
        w.orphans_panel.openRequested.connect(self.show_document_of)
        w.orphans_panel.attachRequested.connect(self.attach)
        w.claims_panel.attachRequested.connect(self.attach)

    @property
    def store(self):
        return self.a.store

    # ------------------------------------------------------------- replacing
    def target_document(self) -> int | None:
        """The document File > Replace works on: the one selected in the
        library when the library has the focus, else the active pane's."""
        library = self.w.library
        if library.table.hasFocus() and library.current_document() is not None:
            return library.current_document()
        pane = self.w.active_pane
        if pane is not None and pane.view.document_id is not None:
            return pane.view.document_id
        return library.current_document()

    def ask_replace(self, doc_id: int | None = None) -> None:
        from desktop_app.qt.file_filters import IMPORT_FILTER

        if self.store is None:
            return
        doc_id = doc_id if doc_id is not None else self.target_document()
        if doc_id is None:
            self.w.statusBar().showMessage("Open or select the document to replace first.", 5000)
            return
        # the title as the library holds it: on a team database a read here
        # would wait on the network before the file dialog even opens
        title = self.a.held_title(doc_id)
        if not title and not getattr(self.store, "is_team", False):
            title = self.store.get_document(doc_id).title
        name, _ = QFileDialog.getOpenFileName(
            self.w, f"New version of “{commands.short_quote(title)}”" if title else "New version of the document",
            str(Path.home()), IMPORT_FILTER
        )
        if name:
            self.replace_from_file(doc_id, Path(name))

    def replace_from_file(self, doc_id: int, path: Path) -> bool:
        """Read ``path`` on a worker thread, then replace the text of
        ``doc_id`` with it (one undo step). The window emits replaceFinished.
        False if nothing was started (no database, or another read running)."""
        from desktop_app.core.settings import load_settings
        from desktop_app.qt.import_worker import ParseRun

        if self.store is None:
            return False
        if self.run is not None or self.a.import_run is not None:
            self.w.statusBar().showMessage("A file is still being read; wait for it to finish.", 4000)
            return False
        path = Path(path)
        run = ParseRun(self.w, path, load_settings().max_import_bytes)
        run.finished.connect(lambda doc, error: self._parsed(run, doc_id, path, doc, error))
        self.run = run
        self.w.statusBar().showMessage(f"Reading {path.name}…")
        run.start()
        return True

    def _parsed(self, run, doc_id: int, path: Path, doc, error: str) -> None:
        run.deleteLater()
        if self.run is not run:
            return  # stopped on closing
        self.run = None
        if doc is None or self.store is None:
            message = f"The document was not replaced: {error}" if error else "The document was not replaced."
            self.w.statusBar().showMessage(message, 8000)
            dialogs.warn(self.w, REPLACE_TITLE, message)
            self.w.replaceFinished.emit(doc_id, False, message)
            return
        command = commands.ReplaceDocument(self.store, self.w.events, doc_id, doc, original_name=path.name)
        if not self.a.push(command):
            self.w.replaceFinished.emit(doc_id, False, self.w.statusBar().currentMessage())
            return
        result = command.result
        summary = result.summary()
        if not self.a.panes_showing(doc_id):
            self.w.open_document(doc_id)
        if self.store.list_orphans([doc_id]):
            self.show_orphans()
        self.w.statusBar().showMessage(status_line(result), 15000)
        log.info(summary)
        dialogs.inform(self.w, REPLACE_TITLE, summary)
        self.w.replaceFinished.emit(doc_id, True, summary)

    def stop(self, timeout_ms: int = 10000) -> None:
        """Stop a running read and wait ``timeout_ms`` at most for it (on
        closing or switching databases)."""
        run, self.run = self.run, None
        if run is not None:
            run.stop(timeout_ms)
            run.deleteLater()

    # --------------------------------------------------------------- orphans
    def show_orphans(self) -> None:
        """Show the orphans dock (a tab beside the claims table) in front."""
        dock = self.w.orphans_dock
        dock.show()
        dock.raise_()

    def orphan_to_attach(self) -> int | None:
        """The orphan the user means: the one current in the orphans dock if
        the dock has the focus, else the selected claim if it is orphaned,
        else the orphans dock's current one."""
        panel = self.w.orphans_panel
        dock_current = panel.current_claim() if self.w.orphans_dock.isVisible() else None
        focus = self.w.focusWidget()
        if dock_current is not None and focus is not None and panel.isAncestorOf(focus):
            return dock_current
        selected = self.a.selected_claim
        if selected is not None and self.store is not None:
            try:
                if self.store.get_claim(selected).orphaned:
                    return selected
            except MarginaliaError:
                pass
        return dock_current

    def _pane_with_selection(self, doc_id: int):
        panes = self.a.panes_showing(doc_id)
        active = self.w.active_pane
        ordered = ([active] if active in panes else []) + [p for p in panes if p is not active]
        for pane in ordered:
            if pane.view.selection_offsets() is not None:
                return pane
        return None

    def attach(self, claim_id: int | None = None) -> bool:
        """Edit > Attach to selection: place an orphaned claim on the text
        selected in a pane showing its document (one undo step)."""
        if self.store is None:
            return False
        claim_id = claim_id if claim_id is not None else self.orphan_to_attach()
        if claim_id is None:
            self.w.statusBar().showMessage("Choose an orphaned claim first (View > Orphaned claims).", 5000)
            return False
        claim = self.store.get_claim(claim_id)
        if not claim.orphaned:
            self.w.statusBar().showMessage("This claim already has its place in the text.", 5000)
            return False
        pane = self._pane_with_selection(claim.document_id)
        if pane is None:
            if not self.a.panes_showing(claim.document_id):
                self.w.open_document(claim.document_id)
            title = self.a._title(claim.document_id)
            self.w.statusBar().showMessage(
                f"Select the passage for this claim in “{commands.short_quote(title)}”, then attach it "
                "(Ctrl+Shift+A).", 8000)
            return False
        start, end = pane.view.selection_offsets()
        if not self.a.push(commands.ReattachClaim(self.store, self.w.events, claim_id, start, end)):
            return False
        cursor = pane.view.textCursor()
        cursor.clearSelection()  # so that the highlight shows at once
        pane.view.setTextCursor(cursor)
        self.a.select_claim(claim_id)
        self.w.statusBar().showMessage("Claim attached to the selection. Saved (Ctrl+Z undoes it).", 5000)
        return True

    def show_document_of(self, claim_id: int) -> None:
        """Show an orphan's document in a pane, ready for selecting its passage."""
        if self.store is None:
            return
        claim = self.store.get_claim(claim_id)
        pane = self.w.open_in_free_pane(claim.document_id)
        self.a.select_claim(claim_id)
        pane.view.setFocus()
        if claim.orphaned:
            self.w.statusBar().showMessage(
                "Select the passage this claim is about, then attach it (Ctrl+Shift+A).", 8000)
