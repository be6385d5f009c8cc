"""Sources as they were read, in the window: the highlights a file came with,
offered as claims after an import (one undo step), and File > Save original…
which writes a document's source back byte for byte."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.core.errors import MarginaliaError
from desktop_app.core.rows import OfferedResult, RemovedTag
from desktop_app.core.store.claims import IMPORTED_TAG

from desktop_app.qt.commands import StoreCommand, short_quote

log = logging.getLogger(__name__)


class ImportHighlights(StoreCommand):
    """Claims made of the highlights found in imported files, tagged with one
    tag (made if missing), in one transaction. Undo sends the claims to the bin
    (and removes the tag when this step made it and nothing else uses it);
    redo brings the same claims, and the tag, back."""

    record_type = None  # part of an import, as ImportedDocuments: not kept while the team database is away

    def __init__(self, store, events, offered: list[tuple[int, list]], tag_name: str = IMPORTED_TAG) -> None:
        super().__init__(store, events, "Import highlights")
        self.offered = [(doc_id, list(items)) for doc_id, items in offered]  # (document id, OfferedClaims)
        self.tag_name = tag_name
        self.results: list[OfferedResult] | None = None
        self.removed_tag: RemovedTag | None = None

    @property
    def claim_ids(self) -> tuple[int, ...]:
        return tuple(c for r in self.results or () for c in r.claim_ids)

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.results or ())

    def _do(self) -> None:
        if self.results is None:
            with self._store.transaction():
                self.results = [
                    self._store.add_offered_claims(doc_id, items, tag_name=self.tag_name)
                    for doc_id, items in self.offered
                ]
                rows = [self._store.get_claim(c) for c in self.claim_ids]
                tag = self._store.get_tag(self.results[0].tag_id).name if self.results else self.tag_name
            n = len(rows)
            self.setText(f"Import {n} highlight{'s' if n != 1 else ''} as claims tagged {tag}")
        else:
            with self._store.transaction():
                if self.removed_tag is not None:
                    self._store.restore_tag(self.removed_tag)
                    self.removed_tag = None
                rows = [self._store.restore_claim(c) for c in self.claim_ids]
        self._events.tagsChanged.emit()
        for row in rows:
            self._events.claimAdded.emit(row)

    def _undo(self) -> None:
        ids = self.claim_ids
        with self._store.transaction():
            rows = [self._store.delete_claim(c) for c in ids]
            made = next((r for r in self.results or () if r.tag_created), None)
            if made is not None:
                users = {c.id for c in self._store.list_claims(tag_ids=[made.tag_id], include_deleted=True)}
                if users <= set(ids):  # nothing else uses the tag this step made: it goes too
                    self.removed_tag = self._store.remove_tag(made.tag_id, untag=True)
        for row in rows:
            self._events.claimRemoved.emit(row.id, row.document_id)
        self._events.tagsChanged.emit()


class HighlightsDialog(QDialog):
    """"Import 12 highlights as claims tagged [imported ▾]": every highlight
    found in the imported files, each with a checkbox (all checked)."""

    def __init__(self, parent, offered: list[tuple[int, str, list]], tag_names: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Highlights in the file")
        self.setAccessibleName("Highlights found in the imported files")
        self.offered = offered  # (document id, title, OfferedClaims)
        total = sum(len(items) for _d, _t, items in offered)
        where = f"“{short_quote(offered[0][1], 60)}”" if len(offered) == 1 else f"{len(offered)} imported files"
        intro = QLabel(f"{where} came with {total} highlight{'s' if total != 1 else ''} or comment"
                       f"{'s' if total != 1 else ''} made by its readers. Make claims of the checked ones?")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Highlights")
        for doc_index, (_doc_id, title, items) in enumerate(offered):
            for item_index, o in enumerate(items):
                text = f"“{short_quote(o.quote, 80)}”"
                if o.page:
                    text += f"  p. {o.page}"
                if o.note:
                    text += f"  — {short_quote(o.note, 60)}"
                if len(offered) > 1:
                    text = f"{short_quote(title, 30)}: {text}"
                entry = QListWidgetItem(text)
                entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                entry.setCheckState(Qt.CheckState.Checked)
                entry.setData(Qt.ItemDataRole.UserRole, (doc_index, item_index))
                tip = o.quote + (f"\n\nNote: {o.note}" if o.note else "") + (f"\n\nBy {o.author}" if o.author else "")
                entry.setToolTip(tip)
                self.list.addItem(entry)
        self.list.itemChanged.connect(self._update)
        self.tag = QComboBox()
        self.tag.setEditable(True)
        self.tag.setAccessibleName("Tag for the highlights")
        names = list(dict.fromkeys([IMPORTED_TAG, *tag_names]))
        self.tag.addItems(names)
        self.tag.setCurrentText(IMPORTED_TAG)
        self.tag.currentTextChanged.connect(self._update)
        self.summary = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.summary)
        row.addWidget(self.tag, 1)
        buttons = QDialogButtonBox()
        self.import_button = QPushButton("Import")
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = buttons.addButton("Skip", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 380)
        self._update()

    def checked(self) -> list[tuple[int, list]]:
        """(document id, the checked OfferedClaims) for each document with any."""
        chosen: dict[int, list] = {}
        for i in range(self.list.count()):
            entry = self.list.item(i)
            if entry.checkState() == Qt.CheckState.Checked:
                doc_index, item_index = entry.data(Qt.ItemDataRole.UserRole)
                doc_id, _title, items = self.offered[doc_index]
                chosen.setdefault(doc_id, []).append(items[item_index])
        return list(chosen.items())

    def tag_name(self) -> str:
        return self.tag.currentText().strip()

    def _update(self, *_args) -> None:
        n = sum(len(items) for _d, items in self.checked())
        self.summary.setText(f"Import {n} highlight{'s' if n != 1 else ''} as claims tagged")
        self.import_button.setEnabled(n > 0 and bool(self.tag_name()))


def offer_highlights(w, offered: list[tuple[int, list]]) -> HighlightsDialog | None:
    """After an import: offer the highlights found in the files (document id,
    OfferedClaims). The dialog is window-modal and does not block; accepting
    it pushes one ImportHighlights step."""
    offered = [(doc_id, items) for doc_id, items in offered if items]
    if not offered or w.store is None:
        return None
    store = w.store
    entries = [(doc_id, store.document_title(doc_id), items) for doc_id, items in offered]
    dialog = HighlightsDialog(w, entries, [t.name for t in store.list_tags()])
    w.highlights_dialog = dialog

    def accepted() -> None:
        w.highlights_dialog = None
        chosen = dialog.checked()
        if not chosen or w.store is not store:
            return
        command = ImportHighlights(store, w.events, chosen, dialog.tag_name())
        if not w.annotator.push(command):  # refused (said in one sentence), or waiting for the team database
            return
        n = len(command.claim_ids)
        became = "highlights became claims" if n != 1 else "highlight became a claim"
        line = f"{n} {became} tagged {dialog.tag_name()}."
        if command.skipped:
            line += f" {command.skipped} could not be found in the text."
        w.statusBar().showMessage(line, 8000)

    def rejected() -> None:
        w.highlights_dialog = None

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(rejected)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


# ------------------------------------------------------------ save original
def current_document_id(w) -> int | None:
    pane = w.active_pane or (w.panes[0] if w.panes else None)
    return pane.view.document_id if pane is not None else None


def has_original(w) -> bool:
    doc_id = current_document_id(w)
    if w.store is None or doc_id is None:
        return False
    try:
        return w.store.document_source(doc_id, with_data=False) is not None
    except MarginaliaError:
        return False


def save_original(w) -> Path | None:
    """File > Save original…: the source of the document in the active pane,
    written back exactly as it was read."""
    from desktop_app.core.files import write_atomically
    from desktop_app.core.originals import suggested_name

    from desktop_app.qt import dialogs

    doc_id = current_document_id(w)
    if w.store is None or doc_id is None:
        w.statusBar().showMessage("Open a document first.", 4000)
        return None
    try:
        source = w.store.document_source(doc_id)
        title = w.store.document_title(doc_id)
    except MarginaliaError as exc:
        dialogs.warn(w, "Save original", str(exc))
        return None
    if source is None:
        w.statusBar().showMessage(f"“{short_quote(title)}” has no original kept.", 5000)
        return None
    folder = getattr(w, "last_original_folder", None) or Path.home()
    name, _ = QFileDialog.getSaveFileName(w, "Save original", str(Path(folder) / suggested_name(source, title)))
    if not name:
        return None
    target = Path(name)
    try:
        write_atomically(target, lambda fh: fh.write(source.data), "binary")
    except MarginaliaError as exc:
        dialogs.warn(w, "Save original", str(exc))
        return None
    except OSError as exc:
        log.warning("could not save the original to %s", target, exc_info=exc)
        dialogs.warn(w, "Save original", f"{target} could not be written: {exc.strerror or exc}.")
        return None
    w.last_original_folder = target.parent
    w.statusBar().showMessage(f"Saved the original of “{short_quote(title)}” to {target}.", 6000)
    return target
