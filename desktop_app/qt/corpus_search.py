"""Search everything (View > Search everything…, Ctrl+Shift+F): every
document's text and every claim's quote and note, results as you type, each
with its snippet, document and page; Enter or a click opens the result in a
pane with the hit selected.

The store's search runs in a worker thread (one at a time; a newer query
drops the queued ones and the answer of an older one is ignored), so typing
never waits on it."""

from __future__ import annotations

import logging
from bisect import bisect_right

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.qt import operations
from desktop_app.qt.operations import Operation

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150  # a pause in typing this long starts a search
STOP_WAIT_MS = 3000  # how long leaving the database waits for a search under way
RESULT_LIMIT = 50
COLUMNS = ("Match", "Document", "Page")


def _page_of(pages: list[int], offset: int) -> int | None:
    """The 1-based page of a code-point offset (None without pages)."""
    return bisect_right(pages, offset) if pages else None


def shown_snippet(hit) -> str:
    """The snippet without the title line a document's index entry starts with."""
    text = hit.snippet
    for lead in (hit.title + "\n", "…" + hit.title[-20:] + "\n"):
        if hit.kind == "document" and text.startswith(lead):
            text = text[len(lead):]
    return " ".join(text.split())


class SearchResultsModel(QAbstractTableModel):
    """The hits of one search (rows of desktop_app.core.rows.SearchHit)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list = []

    def set_hits(self, hits: list) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def hit(self, row: int):
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.hits)

    def columnCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits) or not 0 <= index.column() < len(COLUMNS):
            return None
        hit = self.hits[index.row()]
        column = index.column()
        page = getattr(hit, "page", None)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:  # the snippet, then where it is (a narrow dock shows this column alone)
                where = hit.title + (f" · page {page}" if page else "")
                return ("Claim: " if hit.kind == "claim" else "") + shown_snippet(hit) + "\n" + where
            if column == 1:
                return hit.title
            return str(page) if page else ""
        if role == Qt.ItemDataRole.UserRole:
            return hit
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None


class _ResultDelegate(QStyledItemDelegate):
    """A result as two lines of snippet over one line naming its document
    (and page), in the place of three columns a narrow dock cannot show."""

    SNIPPET_LINES = 2

    def sizeHint(self, option, index) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(200, line * (self.SNIPPET_LINES + 1) + 8)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = index.data() or ""  # opt.text has its line breaks turned into separators
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        snippet, _, where = text.partition("\n")
        rect = opt.rect.adjusted(4, 4, -4, -4)
        line = opt.fontMetrics.lineSpacing()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive
        painter.save()
        painter.setClipRect(opt.rect)
        text_color = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.setPen(text_color)
        top = QRect(rect.left(), rect.top(), rect.width(), line * self.SNIPPET_LINES)
        painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                         snippet)
        if not selected:
            painter.setPen(opt.palette.color(group, QPalette.ColorRole.PlaceholderText))
        bottom = QRect(rect.left(), rect.top() + line * self.SNIPPET_LINES, rect.width(), line)
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         opt.fontMetrics.elidedText(where, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class CorpusSearchPanel(QWidget):
    """The search field and its results; ``window`` gives the store and opens hits."""

    searched = Signal(str, int)  # query, number of results (shown)
    opened = Signal(object)  # the hit opened

    def __init__(self, window, parent=None) -> None:
        super().__init__(parent)
        self.w = window
        self.setObjectName("CorpusSearch")
        self.field = QLineEdit()
        self.field.setObjectName("CorpusSearchField")
        self.field.setPlaceholderText("Search all documents and claims…")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search all documents and claims")
        self.field.setToolTip("Every word must occur; \"quoted words\" match as a phrase; word* matches a prefix; "
                              "a figure matches however it is written (900,000 finds $900K).")
        self.about = QLabel("Type to search every document and claim.")
        self.about.setObjectName("CorpusSearchStatus")
        self.about.setWordWrap(True)
        self.about.setAccessibleName("Search status")
        self.model = SearchResultsModel(self)
        self.view = QTreeView()
        self.view.setObjectName("CorpusSearchResults")
        self.view.setAccessibleName("Search results")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setItemDelegateForColumn(0, _ResultDelegate(self.view))
        self.view.setUniformRowHeights(True)
        self.view.setHeaderHidden(True)
        self.view.setColumnHidden(1, True)  # in the first column's second line
        self.view.setColumnHidden(2, True)
        self.view.setAlternatingRowColors(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.header().setStretchLastSection(True)
        self.about.setBuddy(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.field)
        layout.addWidget(self.about)
        layout.addWidget(self.view, 1)

        self.query = ""  # of the results shown
        self.answered = ""  # the last query answered, with results or with why not
        self._generation = 0
        self.searching: Operation | None = None  # the search under way
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.field.returnPressed.connect(self._open_from_field)
        self.field.installEventFilter(self)
        self.view.activated.connect(self._open_index)
        self.view.clicked.connect(self._open_index)

    # ------------------------------------------------------------- searching
    def search_now(self) -> None:
        self._timer.stop()
        query = self.field.text().strip()
        self._generation += 1
        self._give_up()  # a search still running is not wanted any more
        store = self.w.store
        if not query:
            self.query = self.answered = ""
            self.model.set_hits([])
            self.about.setText("Type to search every document and claim.")
            return
        if store is None:
            self.about.setText("No database is open.")
            return
        self.about.setText(f"Searching for {query}…")
        generation = self._generation
        team = getattr(store, "is_team", False)
        op = Operation(self, lambda _token: store.search(query, limit=RESULT_LIMIT), what="searching",
                       failure="The search failed; the log file has details.",
                       timeout_ms=operations.TEAM_READ_WAIT_MS if team else 0,
                       late=operations.team_late("the search was given up"), store=store)
        op.succeeded.connect(lambda hits: self._done(generation, query, hits))
        op.failed.connect(lambda message: self._failed(generation, message))
        op.finished.connect(lambda: self._ended(op))
        self.searching = op
        op.start()

    def _give_up(self, timeout_ms: int = 0) -> None:
        op, self.searching = self.searching, None
        if op is None:
            return
        if timeout_ms:
            op.stop(timeout_ms)
        else:
            op.abandon()
        op.deleteLater()

    def _ended(self, op) -> None:
        if self.searching is op:
            self.searching = None
            op.deleteLater()

    def _done(self, generation: int, query: str, hits: list) -> None:
        if generation != self._generation:
            return  # an older search: its answer is not wanted
        self.query = self.answered = query
        self.model.set_hits(hits)
        n = len(hits)
        if n == 0:
            self.about.setText(f"Nothing matches {query}.")
        else:
            more = " (the best ones)" if n >= RESULT_LIMIT else ""
            self.about.setText(f"{n} result{'s' if n != 1 else ''}{more}: Enter or a click opens one.")
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.searched.emit(query, n)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.model.set_hits([])
        self.query = ""
        self.answered = self.field.text().strip()
        self.about.setText(message)
        self.searched.emit(self.answered, 0)

    def reset(self, timeout_ms: int = STOP_WAIT_MS) -> None:
        """The window leaves its database: no search of it runs on (waited
        for ``timeout_ms`` at most, then kept until it ends), nothing of it is shown."""
        self._timer.stop()
        self._generation += 1
        self._give_up(timeout_ms)
        self.model.set_hits([])
        self.query = ""
        self.about.setText("Type to search every document and claim.")

    # --------------------------------------------------------------- opening
    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.field and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self.model.rowCount():
                self.view.setFocus()
                if not self.view.currentIndex().isValid():
                    self.view.setCurrentIndex(self.model.index(0, 0))
                return True
        if obj is self.field and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            pane = self.w.active_pane
            if pane is not None:
                pane.view.setFocus()
                return True
        return super().eventFilter(obj, event)

    def _open_from_field(self) -> None:
        if self._timer.isActive() or self.field.text().strip() != self.query:
            self.search_now()  # Enter before the results came: open the first when they do
            self.searched_once(lambda: self._open_row(0))
            return
        index = self.view.currentIndex()
        self._open_row(index.row() if index.isValid() else 0)

    def searched_once(self, then) -> None:
        def run(_query, n):
            self.searched.disconnect(run)
            if n:
                then()
        self.searched.connect(run)

    def _open_index(self, index) -> None:
        if index.isValid():
            self._open_row(index.row())

    def _open_row(self, row: int) -> None:
        hit = self.model.hit(row)
        if hit is not None:
            open_hit(self.w, hit, self.query)
            self.opened.emit(hit)


def hit_range(window, hit, query: str) -> tuple[int, int] | None:
    """Where to select for a hit, in code points of its document's canonical text."""
    from desktop_app.core.errors import MarginaliaError
    from desktop_app.core.store.search import first_hit

    if hit.kind == "claim":
        claim = window.annotator.held_claim(hit.id)
        if claim is None:
            try:
                claim = window.store.get_claim(hit.id)
            except MarginaliaError:
                return None
        return claim.start, claim.end
    text = window.annotator.document(hit.document_id).text
    return first_hit(text, query)


def open_hit(window, hit, query: str) -> None:
    """Show the hit's document (the pane already showing it, else the active
    pane), select the hit and scroll to it; a claim is also selected as the claim."""
    from desktop_app.core.errors import MarginaliaError

    if window.store is None:
        return
    try:
        pane = window.open_in_free_pane(hit.document_id)
        where = hit_range(window, hit, query)
    except MarginaliaError as exc:  # removed meanwhile: say so
        window.statusBar().showMessage(str(exc), 6000)
        return
    if hit.kind == "claim":
        window.annotator.select_claim(hit.id)
    if where is None:
        window.statusBar().showMessage(f"Opened {hit.title}; the words searched are not in its text.", 5000)
        return
    start, end = where
    pane.view.select_offsets(start, end)
    pane.view.scroll_to_offset(start)
    pages = getattr(window.annotator.document(hit.document_id), "pages", None) or []
    page = _page_of(pages, start)
    window.statusBar().showMessage(f"{hit.title}" + (f", page {page}" if page else ""), 5000)
    window.active_pane = pane


# ------------------------------------------------------------------ the dock
def search_dock(window) -> QDockWidget:
    dock = getattr(window, "search_dock", None)
    if dock is None:
        dock = QDockWidget("Search", window)
        dock.setObjectName("SearchDock")
        dock.setAccessibleName("Search")
        dock.setWidget(CorpusSearchPanel(window))
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        library = getattr(window, "library_dock", None)
        if library is not None and window.dockWidgetArea(library) == Qt.DockWidgetArea.LeftDockWidgetArea:
            window.tabifyDockWidget(library, dock)  # a tab beside the library, not a squeeze of it
        window.search_dock = dock
        from desktop_app.qt import layout_fit

        layout_fit.watch_dock(window, dock)  # a third tab may not fit beside the others
    return dock


def show_search(window) -> CorpusSearchPanel:
    """View > Search everything…: the search, its field focused and selected."""
    dock = search_dock(window)
    dock.show()
    dock.raise_()
    panel = dock.widget()
    panel.field.setFocus()
    panel.field.selectAll()
    return panel
