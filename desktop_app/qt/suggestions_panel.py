"""Suggestions in the window: passages of the two leftmost documents that
report the same thing (View > Matching passages…), and sentences of the
active document worth a claim (View > Claim candidates).

Matching passages are looked for on a worker thread; selecting a pair shows
both passages; Enter accepts it (both become claims linked as "same", one
undo step), Delete hides it for this session. A claim candidate is accepted
with Enter (the tags its keywords suggest) or a tag's digit key."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.qt.commands import AcceptMatch, CreateClaim, short_quote
from desktop_app.qt.operations import Operation

log = logging.getLogger(__name__)

ROLE = Qt.ItemDataRole.UserRole
ELIDE = 110  # characters of a sentence shown in a list
STOP_WAIT_MS = 3000  # how long closing waits for a search under way



# --------------------------------------------------------------- the work
def find_matches(store, doc_a: int, doc_b: int, min_score: float, token) -> list:
    """suggest_links off the UI thread (the store serves each thread its own
    connection); an answer no longer wanted is dropped."""
    from desktop_app.core.suggest import suggest_links

    matches = suggest_links(store, doc_a, doc_b, min_score)
    token.check()
    return matches


class KeyList(QTreeWidget):
    """A list that turns Enter, Delete and digit keys into signals."""

    enterPressed = Signal()
    deletePressed = Signal()
    digitPressed = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enterPressed.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            self.deletePressed.emit()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and plain:
            self.digitPressed.emit(key - Qt.Key.Key_0)
        else:
            super().keyPressEvent(event)


def _list(columns: list[str], name: str) -> KeyList:
    tree = KeyList()
    tree.setAccessibleName(name)
    tree.setHeaderLabels(columns)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    return tree


# ------------------------------------------------------- matching passages
class MatchesPanel(QWidget):
    """Suggested pairs of passages of the documents in the two leftmost panes."""

    MIN_SCORE = 0.5

    def __init__(self, window) -> None:
        super().__init__()
        self.w = window
        self.doc_a = self.doc_b = None
        self.matches: list = []
        self.rejected: set[tuple] = set()  # hidden for this session
        self.finder: Operation | None = None  # the search under way
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.list = _list(["Score", "First document", "Second document", "Shared figures"], "Matching passages")
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.list.currentItemChanged.connect(lambda item, _old: self.show_pair(item))
        self.list.enterPressed.connect(self.accept_current)
        self.list.deletePressed.connect(self.reject_current)
        self.list.digitPressed.connect(self.accept_with_key)
        self.list.itemDoubleClicked.connect(lambda _item, _col: self.accept_current())
        self.accept_button = QPushButton("&Accept (Enter)")
        self.accept_button.setToolTip("Make claims of both passages, linked as “same”, with the tag used last "
                                      "(or press a tag's key 1–9 to accept with that tag)")
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button = QPushButton("Re&ject (Delete)")
        self.reject_button.setToolTip("Hide this pair until the window closes")
        self.reject_button.clicked.connect(self.reject_current)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.about, 1)
        for b in (self.accept_button, self.reject_button, self.refresh_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        window.installEventFilter(self)
        self._update_buttons()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.w and event.type() == QEvent.Type.Close:
            self.stop(STOP_WAIT_MS)  # the store closes with the window: let the search end first
        return False

    def stop(self, timeout_ms: int = STOP_WAIT_MS) -> None:
        """Give up the search under way; wait ``timeout_ms`` at most for its
        thread (0: not at all). Its answer, if it comes, is dropped."""
        finder, self.finder = self.finder, None
        if finder is None:
            return
        self.unsetCursor()
        if timeout_ms:
            if not finder.stop(timeout_ms):
                log.warning("the search for matching passages was still running")
        else:
            finder.abandon()
        finder.deleteLater()

    def reset(self, timeout_ms: int = STOP_WAIT_MS) -> None:
        """The window leaves its database: stop the search and show nothing
        of that database (its pairs mean nothing in the next one)."""
        self.stop(timeout_ms)
        self.list.clear()
        self.matches = []
        self.rejected = set()
        self.doc_a = self.doc_b = None
        self.about.setText("Use Refresh to look for matching passages in this database.")
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self.finder is not None

    def _documents(self) -> tuple[int | None, int | None]:
        docs = [p.view.document_id for p in self.w.panes[:2]]
        return (docs + [None, None])[0], (docs + [None, None])[1]

    def refresh(self) -> bool:
        """Look again for pairs in the two leftmost panes' documents (False if there is nothing to compare)."""
        self.stop(0)  # the search under way is given up, not waited for
        self.list.clear()
        self.matches = []
        doc_a, doc_b = self._documents()
        if self.w.store is None or doc_a is None or doc_b is None or doc_a == doc_b:
            self.doc_a = self.doc_b = None
            self.about.setText("Open two different documents in the two leftmost panes to see matching passages.")
            self._update_buttons()
            return False
        self.doc_a, self.doc_b = doc_a, doc_b
        self.about.setText("Looking for matching passages…")
        self.setCursor(Qt.CursorShape.BusyCursor)
        store, score = self.w.store, self.MIN_SCORE
        finder = Operation(self, lambda token: find_matches(store, doc_a, doc_b, score, token),
                           what="looking for matching passages",
                           failure="Matching passages could not be found (the log has the details).", store=store)
        finder.succeeded.connect(lambda matches, f=finder: self._found(f, matches))
        finder.failed.connect(lambda message, f=finder: self._failed(f, message))
        finder.finished.connect(lambda f=finder: self.finder is not f and f.deleteLater())
        self.finder = finder
        finder.start()
        self._update_buttons()
        return True

    def _key(self, m) -> tuple:
        return (self.doc_a, self.doc_b, m.start_a, m.end_a, m.start_b, m.end_b)

    def _found(self, finder, matches) -> None:
        if finder is not self.finder:
            return
        self.finder = None
        finder.deleteLater()
        self.unsetCursor()
        self.matches = [m for m in matches if self._key(m) not in self.rejected]
        for m in self.matches:
            item = QTreeWidgetItem([f"{m.score:.2f}", short_quote(m.quote_a, ELIDE), short_quote(m.quote_b, ELIDE),
                                    ", ".join(_figure_label(s) for s in m.shared)])
            item.setData(0, ROLE, m)
            item.setToolTip(1, m.quote_a)
            item.setToolTip(2, m.quote_b)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        self._say_count()
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._update_buttons()

    def _failed(self, finder, message: str) -> None:
        if finder is not self.finder:
            return
        self.finder = None
        finder.deleteLater()
        self.unsetCursor()
        self.about.setText(message)
        self._update_buttons()

    def _say_count(self) -> None:
        n = self.list.topLevelItemCount()
        titles = [self._title(d) for d in (self.doc_a, self.doc_b)]
        if n:
            self.about.setText(f"{n} suggested pair{'s' if n != 1 else ''} between “{short_quote(titles[0], 40)}” "
                               f"and “{short_quote(titles[1], 40)}”. Enter accepts with the tag used last, "
                               "a digit with that tag, Delete hides.")
        else:
            self.about.setText("No matching passages left to suggest between these two documents.")

    def _title(self, doc_id) -> str:
        return self.w.annotator.held_title(doc_id)  # the library's rows: no store read

    def _update_buttons(self) -> None:
        has = self.list.currentItem() is not None
        self.accept_button.setEnabled(has)
        self.reject_button.setEnabled(has)

    def pairs(self) -> list:
        """The Match of each row shown, in order."""
        return [self.list.topLevelItem(i).data(0, ROLE) for i in range(self.list.topLevelItemCount())]

    def show_pair(self, item) -> None:
        self._update_buttons()
        if item is None:
            return
        m = item.data(0, ROLE)
        for pane, doc_id, start, end in ((self.w.panes[0], self.doc_a, m.start_a, m.end_a),
                                         (self.w.panes[1], self.doc_b, m.start_b, m.end_b)):
            if pane.view.document_id == doc_id:
                pane.view.scroll_to_offset(start)
                pane.view.flash(start, end)

    def _take_current(self):
        item = self.list.currentItem()
        if item is None:
            return None, None
        row = self.list.indexOfTopLevelItem(item)
        return row, item.data(0, ROLE)

    def _drop_row(self, row: int) -> None:
        self.list.takeTopLevelItem(row)
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(min(row, self.list.topLevelItemCount() - 1)))
        self._say_count()
        self._update_buttons()

    def panes_changed(self) -> None:
        """A pane shows another document (or one closed): the pairs listed are
        for documents no longer side by side; look again (or clear the list
        if the panel is hidden, so that nothing acts on them)."""
        if self._documents() == (self.doc_a, self.doc_b):
            return
        if self.isVisible():
            self.refresh()
        else:
            self.stop(0)
            self.list.clear()
            self.matches = []
            self.doc_a = self.doc_b = None
            self._update_buttons()

    def _default_tags(self, m) -> list[int]:
        """The tag used last in the window; before any, the tags the codebook's
        keywords suggest for the pair."""
        from desktop_app.core.suggest import suggest_tags, tag_keywords

        ann = self.w.annotator
        if ann.last_tag is not None and ann.last_tag in ann.tags:
            return [ann.last_tag]
        keywords = tag_keywords(list(ann.tags.values()))
        return list(dict.fromkeys([*suggest_tags(m.quote_a, keywords), *suggest_tags(m.quote_b, keywords)]))

    def accept_with_key(self, key: int) -> AcceptMatch | None:
        tag = next((t for t in self.w.annotator.tags.values() if t.key == key), None)
        if tag is None:
            self.w.statusBar().showMessage(f"No tag has the key {key}; give one a key in the codebook.", 4000)
            return None
        return self.accept_current([tag.id])

    def accept_current(self, tag_ids=None) -> AcceptMatch | None:
        """Make claims of the current pair, linked as "same", tagged with
        ``tag_ids`` (by default the tag used last in the window)."""
        row, m = self._take_current()
        if m is None or self.w.store is None:
            return None
        if self._documents() != (self.doc_a, self.doc_b):  # a pane changed since: never act on the old pair
            self.panes_changed()
            self.w.statusBar().showMessage("The panes show other documents now; the pairs were looked for again.",
                                           6000)
            return None
        if tag_ids is None:
            tag_ids = self._default_tags(m)
            if not tag_ids:  # never untagged grey claims
                self.w.statusBar().showMessage("Press a tag's key (1–9) to accept the pair with that tag.", 6000)
                return None
        cmd = AcceptMatch(self.w.store, self.w.events, m, self.doc_a, self.doc_b, list(tag_ids))
        if not self.w.annotator.push(cmd):
            return None
        self.w.annotator.last_tag = tag_ids[0] if tag_ids else self.w.annotator.last_tag
        self._drop_row(row)
        from desktop_app.qt.links import figure_warning

        warning = figure_warning(m.quote_a, m.quote_b, "same")
        names = ", ".join(self.w.annotator.tags[t].name for t in tag_ids if t in self.w.annotator.tags)
        message = f"Both passages are claims tagged {names} now, linked as “same” (Ctrl+Z undoes it)."
        self.w.statusBar().showMessage(f"{message} {warning}" if warning else message, 8000)
        self.list.setFocus()
        return cmd

    def reject_current(self) -> None:
        row, m = self._take_current()
        if m is None:
            return
        self.rejected.add(self._key(m))
        self._drop_row(row)
        self.w.statusBar().showMessage("Pair hidden for this session.", 3000)


def _figure_label(shared: str) -> str:
    """"USD 900000" → "$900,000"; "percent 35" → "35%"."""
    unit, _, value = shared.partition(" ")
    try:
        number = float(value)
        plain = f"{number:,.0f}" if number == int(number) else f"{number:,}"
    except ValueError:
        plain = value
    return {"USD": f"${plain}", "percent": f"{value}%", "year": value}.get(unit, plain)


# -------------------------------------------------------- claim candidates
def unclaimed_candidates(store, doc_id: int) -> list:
    """The document's claim candidates, without those already claims."""
    from desktop_app.core.suggest import claim_candidates

    candidates = claim_candidates(store, doc_id)
    claimed = {(c.start, c.end) for c in store.list_claims(document_ids=[doc_id], orphaned=False)}
    return [c for c in candidates if (c.start, c.end) not in claimed]


class CandidatesPanel(QWidget):
    """Sentences of the active pane's document worth a claim."""

    def __init__(self, window) -> None:
        super().__init__()
        self.w = window
        self.doc_id: int | None = None
        self._events = None
        self.reading = None  # the Operation listing candidates from a team database, if any
        self._generation = 0  # the latest refresh; an answer for an older one is dropped
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.list = _list(["Sentence"], "Claim candidates")
        self.list.setHeaderHidden(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # elided; full text in tooltips
        self.list.currentItemChanged.connect(lambda item, _old: self.show_candidate(item))
        self.list.enterPressed.connect(lambda: self.accept_current())
        self.list.digitPressed.connect(self.accept_with_key)
        self.list.itemDoubleClicked.connect(lambda _item, _col: self.accept_current())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.about)
        layout.addWidget(self.list, 1)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _active_document(self) -> int | None:
        pane = self.w.active_pane or (self.w.panes[0] if self.w.panes else None)
        return pane.view.document_id if pane is not None else None

    def _focus_changed(self, _old, _new) -> None:
        if self.isVisible() and self._active_document() not in (None, self.doc_id):
            self.refresh()

    def _listen(self) -> None:
        events = self.w.events
        if events is self._events:
            return
        self._events = events
        events.claimAdded.connect(lambda row: row.document_id == self.doc_id and self.refresh(keep_row=True))
        events.claimRemoved.connect(lambda _c, doc: doc == self.doc_id and self.refresh(keep_row=True))
        events.documentTextChanged.connect(lambda doc: doc == self.doc_id and self.refresh(keep_row=True))

    def refresh(self, keep_row: bool = False) -> None:
        """List the active document's sentences worth a claim: read off the
        UI thread on a team database (the list says it is looking meanwhile),
        at once from a file."""
        from desktop_app.qt import operations

        row = self.list.indexOfTopLevelItem(self.list.currentItem()) if keep_row and self.list.currentItem() else 0
        self.list.clear()
        self._give_up()
        doc_id = self._active_document()
        self.doc_id = doc_id
        store = self.w.store
        if store is None or doc_id is None:
            self.about.setText("Open a document to see the sentences worth a claim.")
            return
        self._listen()
        self.about.setText("Looking for sentences worth a claim…")
        self._generation += 1
        generation = self._generation

        def wanted() -> bool:
            return generation == self._generation and self.w.store is store and self.doc_id == doc_id

        def found(candidates) -> None:
            if wanted():
                self.reading = None
                self._show(doc_id, candidates, row)

        def failed(sentence: str) -> None:
            if wanted():
                self.reading = None
                self.about.setText(sentence)

        self.reading = operations.read(
            self, store, lambda: unclaimed_candidates(store, doc_id), what="looking for claim candidates",
            late=operations.team_late("the sentences worth a claim are not listed"), succeeded=found, failed=failed)

    def _give_up(self) -> None:
        reading, self.reading = self.reading, None
        if reading is not None:
            reading.abandon()

    def _show(self, doc_id: int, candidates: list, row: int) -> None:
        tags = self.w.annotator.tags  # the codebook as the window holds it
        for c in candidates:
            item = QTreeWidgetItem([f"{', '.join(c.kinds)} — {short_quote(c.text, ELIDE)}"])
            item.setData(0, ROLE, c)
            names = ", ".join(tags[t].name for t in c.tag_ids if t in tags)
            item.setToolTip(0, f"{c.text}\n\nKinds: {', '.join(c.kinds)}\nSuggested tags: {names or 'none'}")
            self.list.addTopLevelItem(item)
        n = self.list.topLevelItemCount()
        self.about.setText(f"{n} sentence{'s' if n != 1 else ''} of {self.w.annotator.library_title(doc_id)}"
                           " worth a claim. Enter accepts with the suggested tags, a digit with that tag.")
        if n:
            self.list.setCurrentItem(self.list.topLevelItem(min(row, n - 1)))

    def candidates(self) -> list:
        return [self.list.topLevelItem(i).data(0, ROLE) for i in range(self.list.topLevelItemCount())]

    def show_candidate(self, item) -> None:
        if item is None:
            return
        c = item.data(0, ROLE)
        for pane in self.w.panes:
            if pane.view.document_id == self.doc_id:
                pane.view.scroll_to_offset(c.start)
                pane.view.flash(c.start, c.end)
                break

    def accept_with_key(self, key: int) -> int | None:
        tag = next((t for t in self.w.annotator.tags.values() if t.key == key), None) if self.w.store else None
        if tag is None:
            self.w.statusBar().showMessage(f"No tag has the key {key}; give one a key in the codebook.", 4000)
            return None
        return self.accept_current([tag.id])

    def accept_current(self, tag_ids=None) -> int | None:
        """Make a claim of the current candidate (its suggested tags unless
        ``tag_ids`` is given); the new claim's id."""
        item = self.list.currentItem()
        if item is None or self.w.store is None or self.doc_id is None:
            return None
        c = item.data(0, ROLE)
        tags = list(c.tag_ids if tag_ids is None else tag_ids)
        cmd = CreateClaim(self.w.store, self.w.events, self.doc_id, c.start, c.end, tags)
        if not self.w.annotator.push(cmd):
            return None
        self.w.statusBar().showMessage("Claim made (Ctrl+Z undoes it).", 3000)
        self.list.setFocus()
        return cmd.claim_id


# ------------------------------------------------------------------- docks
def _dock(window, title: str, name: str, widget, area) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setAccessibleName(title)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def matches_dock(window) -> QDockWidget:
    dock = getattr(window, "matches_dock", None)
    if dock is None:
        dock = _dock(window, "Matching passages", "MatchingPassagesDock", MatchesPanel(window),
                     Qt.DockWidgetArea.BottomDockWidgetArea)
        window.tabifyDockWidget(window.claims_dock, dock)
        window.matches_dock = dock
    return dock


def show_matching_passages(window) -> MatchesPanel:
    """View > Matching passages…: look again and show the list."""
    dock = matches_dock(window)
    dock.show()
    dock.raise_()
    panel = dock.widget()
    panel.refresh()
    panel.list.setFocus()
    return panel


def candidates_dock(window, toggle=None) -> QDockWidget:
    """The dock of claim candidates (made on first use); ``toggle`` is the
    View menu's checkable action, kept in step with the dock."""
    dock = getattr(window, "candidates_dock", None)
    if dock is None:
        panel = CandidatesPanel(window)
        # a tab beside the claims table: in the right column it left the claim editor a few lines
        dock = _dock(window, "Claim candidates", "ClaimCandidatesDock", panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        window.tabifyDockWidget(window.claims_dock, dock)
        dock.hide()
        if toggle is not None:
            dock.visibilityChanged.connect(toggle.setChecked)
        window.candidates_dock = dock
    return dock


def show_claim_candidates(window, shown: bool = True, toggle=None) -> CandidatesPanel:
    dock = candidates_dock(window, toggle)
    dock.setVisible(shown)
    panel = dock.widget()
    if shown:
        dock.raise_()
        panel.refresh()
        panel.list.setFocus()
    return panel
