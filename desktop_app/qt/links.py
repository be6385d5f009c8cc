"""Links between claims of different documents, in the window: making one
(Edit > Link claims…, Ctrl+L), listing and deleting them in the claim editor,
the curves in the gutters between panes, and the "Claims across sources"
matrix (View menu).

Linking joins the claim shown in the claim editor with a claim of another
open document, chosen in a dialog that lists those claims (with a filter);
the claim last selected in another pane is chosen already."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from desktop_app.core.errors import MarginaliaError
from desktop_app.core.matrix import FIGURE_WARNING, figure_warning
from desktop_app.core.rows import INVERSE, RELATIONS
from desktop_app.qt.icons import swatch
from desktop_app.qt.lazy import LazyModule
from desktop_app.qt.link_gutter import RELATION_COLORS

link_commands = LazyModule("desktop_app.qt.commands.links")
commands = LazyModule("desktop_app.qt.commands")
dialogs = LazyModule("desktop_app.qt.dialogs")


@dataclass(frozen=True)
class Candidate:
    claim_id: int
    title: str
    quote: str
    page: str | int | None = None  # "3" or "3–4" in a paged source


@dataclass(frozen=True)
class LinkChoice:
    target_id: int
    relation: str
    note: str = ""


class LinkDialog(QDialog):
    """Choose the claim to link to, the relation and a note."""

    def __init__(self, parent, source: str, candidates: list[Candidate], preselected: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link claims")
        self.candidates = list(candidates)
        about = QLabel(f"Link {source}\nwith:")
        about.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by words of the quote or the title")
        self.filter.setAccessibleName("Filter the claims")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Claims of the other documents")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        for c in self.candidates:
            # The quote first (two claims of one article differ by it), its source on a second line.
            source = f"{c.title}, p. {c.page}" if c.page not in (None, "") else c.title
            item = QListWidgetItem(f"“{commands.short_quote(c.quote, 90)}”\n    {source}")
            item.setData(Qt.ItemDataRole.UserRole, c.claim_id)
            item.setToolTip(c.quote)
            self.list.addItem(item)
            if c.claim_id == preselected:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.relation = QComboBox()
        self.relation.setAccessibleName("Relation")
        for r in RELATIONS:
            self.relation.addItem(swatch(RELATION_COLORS[r]), r, r)
        self.relation.setCurrentIndex(self.relation.findData("corroborates"))
        self.note = QLineEdit()
        self.note.setAccessibleName("Note of the link")
        self.note.setPlaceholderText("Optional")
        form = QFormLayout()
        form.addRow("&Relation:", self.relation)
        form.addRow("&Note:", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for row, c in enumerate(self.candidates):
            hay = f"{c.title} {c.quote}".casefold()
            self.list.item(row).setHidden(not all(w in hay for w in words))
        current = self.list.currentItem()
        if current is None or current.isHidden():  # the first match is chosen: Enter links it
            first = next((self.list.item(r) for r in range(self.list.count()) if not self.list.item(r).isHidden()),
                         None)
            self.list.setCurrentItem(first)
            if first is None:
                self.list.clearSelection()

    def eventFilter(self, obj, event) -> bool:
        # Up and Down in the filter move through the matches; Enter links the one chosen.
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up,
                                                                                         Qt.Key.Key_Down):
            visible = [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]
            if visible:
                row = self.list.currentRow()
                pos = visible.index(row) if row in visible else -1
                pos = max(0, pos - 1) if event.key() == Qt.Key.Key_Up else min(len(visible) - 1, pos + 1)
                self.list.setCurrentRow(visible[pos])
            return True
        return super().eventFilter(obj, event)

    def accept(self) -> None:
        if self.choice() is None:  # nothing matches the filter: nothing to link
            return
        super().accept()

    def choice(self) -> LinkChoice | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return LinkChoice(int(item.data(Qt.ItemDataRole.UserRole)), self.relation.currentData(),
                          self.note.text().strip())


def choose_link(parent, source: str, candidates: list[Candidate], preselected: int | None) -> LinkChoice | None:
    """Ask which claim to link to (None if cancelled)."""
    dialog = LinkDialog(parent, source, candidates, preselected)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()


class LinksController:
    """Keeps the live links of the open database at hand for the gutters and
    the claim editor, and turns the user's link actions into commands."""

    def __init__(self, window) -> None:
        self.w = window
        self.store = None
        self.links = []  # LinkRow, oldest first
        self._recent: dict[int, int] = {}  # document id -> claim last selected in it (newest last)
        self.matrix_window = None
        window.splitter.link_provider = self.pairs
        window.splitter.linkClicked.connect(self.select_link)
        window.editor.linkRemoveRequested.connect(self.delete_link)
        window.editor.linkEditRequested.connect(self.edit_link)
        window.editor.linkActivated.connect(lambda claim_id: self.store is not None and
                                            self.w.annotator.go_to_claim(claim_id))

    def attach(self, store, events) -> None:
        self.store = store
        self._recent.clear()
        self.w.splitter.selected_link = None
        if self.matrix_window is not None:
            self.matrix_window.close()
            self.matrix_window.deleteLater()
            self.matrix_window = None
        events.linksChanged.connect(self.reload)
        events.claimAdded.connect(self._claim_added)
        events.claimRemoved.connect(lambda *_: self.reload())
        events.claimChanged.connect(lambda _row: self.w.splitter.update_gutters())
        events.documentsChanged.connect(self.reload)
        events.documentTextChanged.connect(lambda _doc: self.reload())
        self.reload()

    def reload(self) -> None:
        store = self.store
        self.links = self.w.events.rows("links", store.list_links) if store is not None else []
        if self.w.splitter.selected_link not in {link.id for link in self.links}:
            self.w.splitter.selected_link = None
        self.show_links_of(self.w.annotator.selected_claim)
        self.w.splitter.update_gutters()

    def _claim_added(self, row) -> None:
        """A claim just made has no links, and adding it changes no other
        claim's: only one back from the bin can bring links back. Asking for
        this claim's links reads nothing else, where listing them all reads,
        for every link, the two documents' rows past their whole text."""
        if self.store is None:
            return
        if self.w.events.has_rows("links") or self.store.list_links(claim_ids=[row.id]):
            self.reload()

    # ------------------------------------------------------------- gutters
    def pairs(self, left_view, right_view) -> list[tuple[int, str, int, int]]:
        """Links between a claim shown in ``left_view`` and one in ``right_view``."""
        if left_view.document_id is None or right_view.document_id in (None, left_view.document_id):
            return []
        left, right = left_view.highlight_layer, right_view.highlight_layer
        out = []
        for link in self.links:
            if link.source_id in left and link.target_id in right:
                out.append((link.id, link.relation, link.source_id, link.target_id))
            elif link.target_id in left and link.source_id in right:
                out.append((link.id, link.relation, link.target_id, link.source_id))
        return out

    def select_link(self, link_id: int) -> None:
        """A curve was clicked: mark it, say what it joins, select its left claim."""
        link = next((x for x in self.links if x.id == link_id), None)
        if link is None:
            return
        self.w.splitter.set_selected_link(link_id)
        left = link.source_id
        for handle in self.w.splitter.gutters():
            for curve in handle.curves():
                if curve.link_id == link_id:
                    left = curve.left_claim
        self.w.annotator.select_claim(left)
        self.w.splitter.selected_link = link_id  # selecting the claim must not unmark it
        self.w.statusBar().showMessage(self.describe(link), 8000)

    def describe(self, link) -> str:
        try:
            source, target = self.store.get_claim(link.source_id), self.store.get_claim(link.target_id)
        except MarginaliaError:
            return f"Link {link.id}"
        text = (f"“{commands.short_quote(source.quote)}” ({self._title(source.document_id)}) {link.relation} "
                f"“{commands.short_quote(target.quote)}” ({self._title(target.document_id)})")
        return f"{text} — {link.note}" if link.note else text

    def _title(self, doc_id: int) -> str:
        try:
            return self.store.document_title(doc_id)
        except MarginaliaError:
            return ""

    # -------------------------------------------------- selection, the editor
    def claim_selected(self, claim) -> None:
        """Called by the annotator whenever the selected claim changes."""
        if claim is not None:
            self._recent.pop(claim.document_id, None)
            self._recent[claim.document_id] = claim.id
            if self.w.splitter.selected_link is not None:
                link = next((x for x in self.links if x.id == self.w.splitter.selected_link), None)
                if link is None or claim.id not in (link.source_id, link.target_id):
                    self.w.splitter.set_selected_link(None)
        self.show_links_of(claim.id if claim is not None else None)

    def links_of(self, claim_id: int) -> list[tuple[int, int, str]]:
        """(link id, the other claim, the relation as read from ``claim_id``)."""
        out = []
        for link in self.links:
            if link.source_id == claim_id:
                out.append((link.id, link.target_id, link.relation))
            elif link.target_id == claim_id:
                out.append((link.id, link.source_id, INVERSE[link.relation]))
        return out

    def show_links_of(self, claim_id: int | None) -> None:
        rows = []
        # most claims have no link: then nothing is read (this runs for every claim added or selected)
        mine = self.links_of(claim_id) if claim_id is not None and self.store is not None else []
        if mine:
            forward = {link.id: link.relation for link in self.links}
            try:
                this = self.store.get_claim(claim_id)
            except MarginaliaError:
                this = None
            for link_id, other_id, relation in mine:
                try:
                    other = self.store.get_claim(other_id)
                except MarginaliaError:
                    continue
                relation_key = relation if relation in RELATION_COLORS else self._forward(relation)
                text = f"{relation} — {self._title(other.document_id)}: “{commands.short_quote(other.quote, 60)}”"
                warning = this and figure_warning(this.quote, other.quote, forward.get(link_id, relation))
                if warning:
                    text = f"{FIGURE_WARNING} {text} — {warning[2:]}"
                rows.append((link_id, other_id, text, RELATION_COLORS.get(relation_key, "#808080")))
        self.w.editor.set_links(rows)

    @staticmethod
    def _forward(read: str) -> str:
        return next((r for r, inverse in INVERSE.items() if inverse == read), read)

    # ------------------------------------------------------------- actions
    def candidates(self, source) -> list[Candidate]:
        """Claims of the documents open in the other panes."""
        doc_ids = [d for d in dict.fromkeys(self.w.open_documents()) if d is not None and d != source.document_id]
        if not doc_ids:
            return []
        titles = {d: self._title(d) for d in doc_ids}
        claims = [c for c in self.store.list_claims(document_ids=doc_ids) if not c.orphaned]
        claims.sort(key=lambda c: (doc_ids.index(c.document_id), c.start))
        return [Candidate(c.id, titles[c.document_id], c.quote, c.page or None) for c in claims]

    def link_claims(self) -> bool:
        """Edit > Link claims…: link the selected claim with one of another open document."""
        if self.store is None:
            return False
        source_id = self.w.annotator.selected_claim
        if source_id is None:
            self._refuse("Select a claim first (click its highlight), then link it with a claim of another pane.")
            return False
        source = self.store.get_claim(source_id)
        candidates = self.candidates(source)
        if not candidates:
            self._refuse("There is no claim to link to: open another document in a pane and make a claim there.")
            return False
        ids = {c.claim_id for c in candidates}
        preselected = next((cid for cid in reversed(self._recent.values()) if cid in ids), None)
        description = f"“{commands.short_quote(source.quote, 90)}” ({self._title(source.document_id)})"
        choice = choose_link(self.w, description, candidates, preselected)
        if choice is None:
            return False
        cmd = link_commands.AddLink(self.store, self.w.events, source_id, choice.target_id, choice.relation,
                                    choice.note)
        if not self.w.annotator.push(cmd):
            return False
        self.w.splitter.set_selected_link(cmd.link_id)
        warning = figure_warning(source.quote, self.store.get_claim(choice.target_id).quote, choice.relation)
        message = "Linked. Saved (Ctrl+Z undoes it)."
        self.w.statusBar().showMessage(f"{message} {warning}" if warning else message, 10000 if warning else 4000)
        return True

    def _refuse(self, sentence: str) -> None:
        self.w.statusBar().showMessage(sentence, 6000)
        dialogs.warn(self.w, "Link claims", sentence)

    def delete_link(self, link_id: int) -> bool:
        if self.store is None:
            return False
        if self.w.annotator.push(link_commands.DeleteLink(self.store, self.w.events, link_id)):
            self.w.statusBar().showMessage("Link deleted (Ctrl+Z brings it back).", 4000)
            return True
        return False

    def edit_link(self, link_id: int) -> bool:
        """Change a link's relation and note (asked in a small dialog), undoably."""
        if self.store is None:
            return False
        link = self.store.get_link(link_id)
        answer = self.ask_link_change(link)
        if answer is None:
            return False
        relation, note = answer
        if (relation, note) == (link.relation, link.note):
            return False
        if self.w.annotator.push(link_commands.UpdateLink(self.store, self.w.events, link_id,
                                                          relation=relation, note=note)):
            self.w.statusBar().showMessage(f"Link changed to “{relation}”. Saved.", 4000)
            return True
        return False

    def ask_link_change(self, link) -> tuple[str, str] | None:
        """The new relation and note of a link, or None if cancelled (tests replace this)."""
        from PySide6.QtWidgets import (
            QComboBox,
            QDialog,
            QDialogButtonBox,
            QFormLayout,
            QLineEdit,
        )

        dialog = QDialog(self.w)
        dialog.setWindowTitle("Change link")
        relation = QComboBox()
        relation.setAccessibleName("Relation")
        relation.addItems(list(RELATIONS))
        relation.setCurrentText(link.relation)
        note = QLineEdit(link.note)
        note.setAccessibleName("Note of the link")
        form = QFormLayout(dialog)
        form.addRow("&Relation:", relation)
        form.addRow("&Note:", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return relation.currentText(), note.text()

    def show_matrix(self):
        """View > Claims across sources."""
        if self.store is None:
            return None
        from desktop_app.qt.matrix_view import MatrixWindow

        if self.matrix_window is None:
            self.matrix_window = MatrixWindow(self.w, self.store, self.w.events)
            self.matrix_window.claimActivated.connect(self.w.annotator.go_to_claim)
            from desktop_app.qt.layout_fit import place_tool_window

            place_tool_window(self.matrix_window, self.w)
        self.matrix_window.model.reload()
        self.matrix_window.show()
        self.matrix_window.raise_()
        return self.matrix_window
