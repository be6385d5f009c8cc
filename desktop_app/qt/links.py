"""Links between claims of different documents, in the window: making one
(Edit > Link claims…, Ctrl+L), listing and deleting them in the claim editor,
the curves in the gutters between panes, and the "Claims across sources"
matrix (View menu).

Linking joins the claim shown in the claim editor with a claim of another
open document, chosen in a dialog that lists those claims (with a filter);
the claim last selected in another pane is chosen already."""

from __future__ import annotations

import logging
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

from desktop_app.core.matrix import FIGURE_WARNING, figure_warning
from desktop_app.core.rows import INVERSE, RELATIONS
from desktop_app.qt.swatches import swatch
from desktop_app.qt.lazy import LazyModule
from desktop_app.qt.link_gutter import RELATION_COLORS

log = logging.getLogger(__name__)

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
        self._claims: dict = {}  # claims read for links that the window's rows lack (since the last reload)
        self._generation = 0  # the latest reload; links or claims read for an older one are dropped
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
        """Take the links again: those a refresh holds, else read (off the UI
        thread on a team database; the links shown stay until they come)."""
        from desktop_app.qt import operations

        store = self.store
        self._claims.clear()
        self._generation += 1
        generation = self._generation
        if store is None:
            self._set_links([])
            return
        if self.w.events.has_rows("links"):
            self._set_links(self.w.events.rows("links", store.list_links))
            return

        def read(links) -> None:
            if generation == self._generation and self.store is store:
                self._set_links(links)

        def failed(sentence: str) -> None:
            if generation == self._generation and self.store is store:
                log.info("links not read: %s", sentence)  # the connection label says the server is away

        operations.read(self.w, store, store.list_links, what="reading the links",
                        late=operations.team_late("the links are not shown"), succeeded=read, failed=failed)

    def _set_links(self, links) -> None:
        self.links = links
        if self.w.splitter.selected_link not in {link.id for link in self.links}:
            self.w.splitter.selected_link = None
        self.show_links_of(self.w.annotator.selected_claim)
        self.w.splitter.update_gutters()

    def with_claims(self, ids, then) -> None:
        """Call ``then(rows)`` (claim id -> ClaimRow; claims not found left
        out) with the claims ``ids``: the rows the window holds at once, the
        others read, off the UI thread on a team database (``then`` runs when
        they come; if the server does not answer, the status bar says so and
        ``then`` gets what is held)."""
        from desktop_app.core.errors import NotFound
        from desktop_app.qt import operations

        rows, missing = {}, []
        for claim_id in dict.fromkeys(ids):
            row = self.w.annotator.held_claim(claim_id) or self._claims.get(claim_id)
            if row is not None:
                rows[claim_id] = row
            else:
                missing.append(claim_id)
        if not missing or self.store is None:
            then(rows)
            return
        store, generation = self.store, self._generation

        def read() -> dict:
            found = {}
            for claim_id in missing:
                try:
                    found[claim_id] = store.get_claim(claim_id)
                except NotFound:  # deleted meanwhile: left out
                    continue
            return found

        def got(found: dict) -> None:
            if self.store is store:
                if generation == self._generation:
                    self._claims.update(found)
                then({**rows, **found})

        def failed(sentence: str) -> None:
            if self.store is store:
                then(rows)
                self.w.statusBar().showMessage(sentence, 8000)  # the last word: why something is missing

        operations.read(self.w, store, read, what="reading linked claims",
                        late=operations.team_late("the linked claims are not described"), succeeded=got, failed=failed)

    def _claim_added(self, row) -> None:
        """A claim just made has no links, and adding it changes no other
        claim's: only one back from the bin can bring links back. Asking for
        this claim's links reads nothing else, where listing them all reads,
        for every link, the two documents' rows past their whole text. On a
        team database nothing is read here on the UI thread: the links are
        taken again off it."""
        if self.store is None:
            return
        if getattr(self.store, "is_team", False) or self.w.events.has_rows("links"):
            self.reload()
        elif self.store.list_links(claim_ids=[row.id]):
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
        self.with_claims([link.source_id, link.target_id],
                         lambda rows: self.w.statusBar().showMessage(self.describe(link, rows), 8000))

    def describe(self, link, rows: dict) -> str:
        """What a link joins, in words, from the claims' ``rows`` (see with_claims)."""
        source, target = rows.get(link.source_id), rows.get(link.target_id)
        if source is None or target is None:
            return f"Link {link.id}"
        text = (f"“{commands.short_quote(source.quote)}” ({self._title(source.document_id)}) {link.relation} "
                f"“{commands.short_quote(target.quote)}” ({self._title(target.document_id)})")
        return f"{text} — {link.note}" if link.note else text

    def _title(self, doc_id: int) -> str:
        return self.w.annotator.held_title(doc_id)  # the library's rows: no store read

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
        """The claim editor's list of the links of ``claim_id``."""
        if claim_id is None or self.store is None:
            self.w.editor.set_links([])
            return
        mine = self.links_of(claim_id)
        if not mine:
            self.w.editor.set_links([])
            return

        def show(rows: dict) -> None:
            if self.w.annotator.selected_claim != claim_id:
                return  # another claim was selected while these were read
            self.w.editor.set_links(self._link_rows(claim_id, mine, rows))

        self.with_claims([claim_id, *(other for _link, other, _rel in mine)], show)

    def _link_rows(self, claim_id: int, mine, rows: dict) -> list:
        forward = {link.id: link.relation for link in self.links}
        this = rows.get(claim_id)
        out = []
        for link_id, other_id, relation in mine:
            other = rows.get(other_id)
            if other is None:
                continue
            relation_key = relation if relation in RELATION_COLORS else self._forward(relation)
            text = f"{relation} — {self._title(other.document_id)}: “{commands.short_quote(other.quote, 60)}”"
            warning = this and figure_warning(this.quote, other.quote, forward.get(link_id, relation))
            if warning:
                text = f"{FIGURE_WARNING} {text} — {warning[2:]}"
            out.append((link_id, other_id, text, RELATION_COLORS.get(relation_key, "#808080")))
        return out

    @staticmethod
    def _forward(read: str) -> str:
        return next((r for r, inverse in INVERSE.items() if inverse == read), read)

    # ------------------------------------------------------------- actions
    def candidates(self, source, claims) -> list[Candidate]:
        """The ``claims`` (ClaimRows) of the documents open in the other
        panes, as the link dialog lists them."""
        doc_ids = self._other_documents(source.document_id)
        titles = {d: self._title(d) for d in doc_ids}
        claims = [c for c in claims if not c.orphaned and c.document_id in titles]
        claims.sort(key=lambda c: (doc_ids.index(c.document_id), c.start))
        return [Candidate(c.id, titles[c.document_id], c.quote, c.page or None) for c in claims]

    def _other_documents(self, doc_id: int) -> list[int]:
        return [d for d in dict.fromkeys(self.w.open_documents()) if d is not None and d != doc_id]

    def link_claims(self) -> bool:
        """Edit > Link claims…: link the selected claim with one of another
        open document. The claims to offer are read first (off the UI thread
        on a team database: the dialog opens when they come, and this returns
        False); True if a link was made now."""
        from desktop_app.qt import operations

        if self.store is None:
            return False
        source_id = self.w.annotator.selected_claim
        if source_id is None:
            self._refuse("Select a claim first (click its highlight), then link it with a claim of another pane.")
            return False
        store, open_docs = self.store, self.w.open_documents()

        def read():
            source = store.get_claim(source_id)
            others = [d for d in dict.fromkeys(open_docs) if d is not None and d != source.document_id]
            return source, (store.list_claims(document_ids=others) if others else [])

        linked = []

        def chosen(result) -> None:
            if self.store is store and self.w.annotator.selected_claim == source_id:
                linked.append(self._choose_link(*result))

        operations.read(self.w, store, read, what="reading the claims to link",
                        late=operations.team_late("the claims to link are not listed"), succeeded=chosen,
                        failed=lambda sentence: self.store is store and self._refuse(sentence))
        return bool(linked and linked[0])

    def _choose_link(self, source, claims) -> bool:
        candidates = self.candidates(source, claims)
        if not candidates:
            self._refuse("There is no claim to link to: open another document in a pane and make a claim there.")
            return False
        ids = {c.claim_id for c in candidates}
        preselected = next((cid for cid in reversed(self._recent.values()) if cid in ids), None)
        description = f"“{commands.short_quote(source.quote, 90)}” ({self._title(source.document_id)})"
        choice = choose_link(self.w, description, candidates, preselected)
        if choice is None or self.store is None:
            return False
        cmd = link_commands.AddLink(self.store, self.w.events, source.id, choice.target_id, choice.relation,
                                    choice.note)
        if not self.w.annotator.push(cmd):
            return False
        self.w.splitter.set_selected_link(cmd.link_id)
        target = next(c for c in candidates if c.claim_id == choice.target_id)
        warning = figure_warning(source.quote, target.quote, choice.relation)
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
        link = next((x for x in self.links if x.id == link_id), None) or self.store.get_link(link_id)
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
