"""The main window: library, reading panes side by side, codebook, claims
table, claim editor and orphaned claims, wired to the store through
undoable commands."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from desktop_app.qt import layout_fit
from desktop_app.qt.events import StoreEvents
from desktop_app.qt.link_splitter import LinkSplitter
from desktop_app.qt.status_bar import StatusLabels
from desktop_app.qt.threads import keep_until_finished
from desktop_app.qt.window_actions import build_menus

if TYPE_CHECKING:
    from desktop_app.qt.reader_pane import ReaderPane
    from desktop_app.qt.store_loader import StoreLoader

log = logging.getLogger(__name__)

DEFAULT_PANES = 2
# what changes the database: off while it is read-only
EDITING_ACTIONS = ("import", "replace", "delete_claim", "new_tag", "attach", "link", "autocode")
MAX_RESTORED_PANES = 6
STOP_WAIT_MS = 3000  # how long leaving a database waits for each of its workers
# The minimum sizes (width, height) that the panels and the two panes give
# their docks and the reading area once made, measured with Qt's default
# style and font: the frame painted before them reserves the same, so that
# in a small window the docks are not squeezed once the panels arrive
# (tests/qt/test_window_first_frame.py checks they still match).
FRAME_MINIMUMS = {"Library": (78, 106), "Codebook": (146, 134), "Claim": (45, 36), "Claims": (348, 106),
                  "Orphaned claims": (252, 50)}
READING_AREA_MINIMUM = (464, 98)  # two panes and the gutter of a small window (link_splitter.gutter_width)
BUILD_UNPAINTED_MS = 500  # a shown window that gets no paint event is built after this



class MainWindow(QMainWindow):
    """Built in two steps, so that the window appears at once: the frame
    (menus, toolbar, status bar, the docks and the reading area, empty, at
    the places and sizes they will have) is made by the constructor and
    painted first; the panes and panels, whose modules and Qt types take
    most of the start-up, are made right after the first paint (``ready``
    is emitted then). ``ensure_built()`` makes them at once; opening a
    database does it first."""

    importStarted = Signal(int)  # number of files
    importProgress = Signal(int, int, str)  # files done, total, file being read
    importFinished = Signal(list, list)  # ids of the imported documents, sentences of the failures
    replaceFinished = Signal(int, bool, str)  # document id, replaced?, the summary or why not
    ready = Signal()  # the panes and panels are built (see ensure_built)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Marginalia")
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self._room_timer = QTimer(self, singleShot=True, interval=0)
        self._room_timer.timeout.connect(lambda: layout_fit.keep_reading_room(self))
        layout_fit.fit_first_window(self)  # the default size, or the screen's on a smaller one
        self.store = None
        self._loader: StoreLoader | None = None
        self.events = StoreEvents(self)  # replaced by a fresh hub for each database
        self.undo_stack = QUndoStack(self)
        self.documents_model = self.tags_model = self.claims_model = None
        self.orphans_model = None
        self.panes: list[ReaderPane] = []
        self.active_pane: ReaderPane | None = None
        self.sync_scrolling = False
        self._syncing = False
        self.built = False  # the panes and panels exist (ensure_built)
        self.first_painted = False  # the frame has been painted once
        self._build_scheduled = False

        self.splitter = LinkSplitter(Qt.Orientation.Horizontal)  # its handles draw the links
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setObjectName("ReadingArea")
        self.splitter.setMinimumSize(*READING_AREA_MINIMUM)  # the panes' room until they exist
        self.setCentralWidget(self.splitter)

        # The docks exist from the start (restore_layout finds them by name);
        # their panels are put in by ensure_built.
        self.library_dock = self._dock("Library", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.codebook_dock = self._dock("Codebook", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.editor_dock = self._dock("Claim", Qt.DockWidgetArea.RightDockWidgetArea)
        self.claims_dock = self._dock("Claims", Qt.DockWidgetArea.BottomDockWidgetArea)
        self.orphans_dock = self._dock("Orphaned claims", Qt.DockWidgetArea.BottomDockWidgetArea)
        self.orphans_dock.setObjectName("OrphansDock")
        self.tabifyDockWidget(self.claims_dock, self.orphans_dock)  # a tab beside the claims table
        self.orphans_dock.hide()  # shown from the View menu, and after a replace that orphans claims
        self._layout_restored = False
        self._default_dock_sizes()

        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        labels = StatusLabels(self)  # counts, connection and read-only; they make room for long messages
        self.counts, self.connection_label, self.read_only_label = labels.counts, labels.connection, labels.read_only
        self.statusBar().showMessage("Opening the library…")
        # name -> QAction (QWidget.actions() stays Qt's): the toolbar's now,
        # the menus' right after the first paint (see complete_menus)
        self._actions, self._fill_menus = build_menus(self)

    @property
    def menu_actions(self) -> dict:
        """Every action of the menus and the toolbar, by name."""
        self.complete_menus()
        return self._actions

    def complete_menus(self) -> None:
        """Make the menus' items if they are not yet: the first frame shows
        the menu titles and the toolbar; the items follow right after it."""
        if self._fill_menus is not None:
            fill, self._fill_menus = self._fill_menus, None
            fill()

    def ensure_built(self) -> None:
        """Make the panes and panels now if they are not yet (after the first
        paint they are made by themselves); emits ``ready`` once."""
        self.complete_menus()
        if self.built:
            return
        self.built = True
        from desktop_app.qt.annotate import Annotator
        from desktop_app.qt.claim_editor import ClaimEditor
        from desktop_app.qt.claims_panel import ClaimsPanel
        from desktop_app.qt.codebook_panel import CodebookPanel
        from desktop_app.qt.library_panel import LibraryPanel
        from desktop_app.qt.links import LinksController
        from desktop_app.qt.orphans_panel import OrphansPanel
        from desktop_app.qt.page_view import PageController
        from desktop_app.qt.team.live_updates import LiveUpdates
        from desktop_app.qt.team.pending_edits import PendingEdits

        from desktop_app.qt.link_gutter import LinkHandle

        self.setUpdatesEnabled(False)  # the panels appear together, in one frame
        try:
            self.splitter.handle_class = LinkHandle  # the gutters between the panes draw the links
            self.splitter.setMinimumSize(0, 0)  # the panes' own minimums from now on
            for _ in range(DEFAULT_PANES):
                self.add_pane()
            self.library = LibraryPanel()
            self.codebook = CodebookPanel()
            self.claims_panel = ClaimsPanel()
            self.editor = ClaimEditor()
            self.orphans_panel = OrphansPanel()
            for dock, panel in ((self.library_dock, self.library), (self.codebook_dock, self.codebook),
                                (self.editor_dock, self.editor), (self.claims_dock, self.claims_panel),
                                (self.orphans_dock, self.orphans_panel)):
                placeholder = dock.widget()
                dock.setWidget(panel)
                if placeholder is not None:
                    placeholder.deleteLater()

            self.annotator = Annotator(self)
            self.links = LinksController(self)
            self.live = LiveUpdates(self)
            self.pending = PendingEdits(self)
            self.live.reachabilityChanged.connect(self._reachability_changed)
            self.pending.changed.connect(lambda _n: self._show_connection_state())
            view_menu = next((m.menu() for m in self.menuBar().actions() if m.text() == "&View"), None)
            self.page_view = PageController(self, view_menu)
            QApplication.instance().focusChanged.connect(self._focus_changed)
            if not self._layout_restored and self.isVisible():
                self._default_dock_sizes()  # the panels' size hints must not move the docks
        finally:
            self.setUpdatesEnabled(True)
        self.ready.emit()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.first_painted:
            self.first_painted = True
            QTimer.singleShot(0, self.complete_menus)  # its shortcuts work from the next turn of the event loop
            if not self.built and not self._build_scheduled:
                self._build_scheduled = True
                # after this frame reaches the screen, not within it
                QTimer.singleShot(0, self.ensure_built)

    # ------------------------------------------------------------------ layout
    def _dock(self, title: str, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title}Dock")
        placeholder = QWidget()  # the panel's place until ensure_built
        placeholder.setMinimumSize(*FRAME_MINIMUMS.get(title, (0, 0)))
        dock.setWidget(placeholder)
        dock.setAccessibleName(title)
        self.addDockWidget(area, dock)
        layout_fit.watch_dock(self, dock)
        return dock

    def _default_dock_sizes(self) -> None:
        """Docks sized for reading: the panes get most of the width, the
        claims table shows several rows (about a quarter of the height)."""
        if self.width() < layout_fit.COMPACT_WIDTH and self.isVisible():  # a narrow window: library and codebook as tabs
            if self.codebook_dock not in self.tabifiedDockWidgets(self.library_dock):
                self.tabifyDockWidget(self.library_dock, self.codebook_dock)
                self.library_dock.raise_()
        else:
            self.resizeDocks([self.library_dock, self.codebook_dock], [3, 2], Qt.Orientation.Vertical)
        self.resizeDocks([self.claims_dock], [layout_fit.claims_height(self.height())], Qt.Orientation.Vertical)
        layout_fit.size_side_docks(self)
        layout_fit.place_left_tabs(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._room_timer.start()  # once the layout has placed the docks for the new size

    def reset_layout(self) -> None:
        """View > Reset layout."""
        layout_fit.reset_layout(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.built:
            # the panels follow the first paint; a window that is shown but
            # not painted (minimised, on another workspace) gets them anyway
            QTimer.singleShot(BUILD_UNPAINTED_MS, self.ensure_built)
        if not self._layout_restored:
            # Sizes asked for before the window had its final size are
            # squeezed by the layout; ask again once it is shown.
            self._layout_restored = True
            self._default_dock_sizes()

    def add_pane(self, document_id: int | None = None) -> ReaderPane:
        from desktop_app.qt.reader_pane import ReaderPane

        if not self.built:
            self.ensure_built()  # with its own panes
        pane = ReaderPane()
        pane.setObjectName(f"Pane{len(self.panes) + 1}")
        self.panes.append(pane)
        self.splitter.addWidget(pane)
        pane.documentChosen.connect(lambda doc_id, p=pane: self.open_document(doc_id, p))
        pane.closeRequested.connect(lambda p=pane: self.close_pane(p))
        pane.view.verticalScrollBar().valueChanged.connect(lambda _v, p=pane: self._scrolled(p))
        self.splitter.watch(pane.view)
        if self.store is not None:
            self.annotator.connect_pane(pane)
            pane.set_documents([(d.id, d.title) for d in self.documents_model.documents()])
            if document_id is not None:
                self.open_document(document_id, pane)
        self.splitter.setSizes([1000] * len(self.panes))
        self.active_pane = self.active_pane or pane
        return pane

    def close_pane(self, pane: ReaderPane) -> None:
        if len(self.panes) <= 1:
            self.statusBar().showMessage("The last pane stays open.", 3000)
            return
        self.panes.remove(pane)
        if self.active_pane is pane:
            self.active_pane = self.panes[-1]
        pane.setParent(None)
        pane.deleteLater()
        self.splitter.update_gutters()  # two other panes may now sit side by side
        self.annotator.panes_changed()

    def _focus_changed(self, _old, new) -> None:
        for pane in self.panes:
            if new is not None and (new is pane or pane.isAncestorOf(new)):
                self.active_pane = pane
                return

    def _scrolled(self, source: ReaderPane) -> None:
        if not self.sync_scrolling or self._syncing:
            return
        bar = source.view.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self._syncing = True
        try:
            for pane in self.panes:
                if pane is not source:
                    other = pane.view.verticalScrollBar()
                    other.setValue(round(fraction * other.maximum()))
        finally:
            self._syncing = False

    def set_sync_scrolling(self, on: bool) -> None:
        self.sync_scrolling = bool(on)
        self.statusBar().showMessage("Synchronised scrolling " + ("on" if on else "off"), 2000)

    def _command_failed(self, message: str) -> None:
        from desktop_app.core.errors import MarginaliaError
        from desktop_app.qt.errors import show_error

        self.statusBar().showMessage(message, 8000)
        show_error(self, message)
        try:
            self.annotator.resync()  # the editor shows what is saved
        except MarginaliaError:  # the team database is away: the connection label says so
            log.info("could not re-read the selected claim", exc_info=True)

    # --------------------------------------------------------------- database
    def open_database(self, path: Path | None) -> bool:
        """Open (or create) the database; on a bad file, offer another one."""
        from desktop_app.core import paths
        from desktop_app.core.addresses import database_target, shown
        from desktop_app.core.errors import MarginaliaError
        from desktop_app.core.store import Store
        from desktop_app.qt import dialogs

        self.ensure_built()
        try:
            target = database_target(path) or paths.default_database()
        except MarginaliaError as exc:  # an address of no supported kind: say so, never take it for a file
            self._team_failed(str(exc))
            return False
        self._abandon_loader()  # the user's latest choice wins over a database still opening
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            store = Store.open(target)
        except MarginaliaError as exc:
            problem = str(exc)
        else:
            problem = None
        finally:
            QApplication.restoreOverrideCursor()
        if problem is None:
            self.attach_store(store)
            return True
        log.warning("cannot open %s: %s", shown(target), problem)
        if isinstance(target, str):  # a team database: say why; the open database stays
            self._team_failed(problem)
            return False
        other = dialogs.ask_for_other_database(self, problem)
        if other is None:
            if self.store is None:
                self.statusBar().showMessage("No database is open. Use File > Open database… to choose one.")
            else:
                self.statusBar().showMessage(f"{target} was not opened.", 8000)
            return False
        return self.open_database(other)

    def open_database_in_background(self, path: Path | None) -> None:
        """Open the database at start-up without holding up the window: the
        file is checked and its documents listed with sqlite3 alone, then the
        store (which loads SQLAlchemy, a few tenths of a second) opens in a
        worker thread and is attached when ready. Any problem falls back to
        open_database, which explains it and offers another file."""
        from desktop_app.core import paths
        from desktop_app.core.addresses import database_target
        from desktop_app.core.errors import MarginaliaError
        from desktop_app.core.store import database

        self.ensure_built()
        try:
            target = database_target(path) or paths.default_database()
        except MarginaliaError as exc:
            self._team_failed(str(exc))
            return
        if isinstance(target, str):
            self.open_team_database(target)
            return
        try:
            # a first look, without reading the whole file: the store checks it in its thread
            revision = database.inspect_file(target, check=False)
            rows = database.peek_library(target) if revision == database.HEAD else []
        except MarginaliaError:
            self.open_database(target)
            return
        if rows:
            self.library.show_preview(rows)
        self.statusBar().showMessage("Opening the library…")
        self._abandon_loader()
        from desktop_app.qt.store_loader import StoreLoader

        loader = StoreLoader(target, self)
        loader.opened.connect(lambda store: self._loader_opened(loader, store, self.attach_store))
        loader.failed.connect(lambda _message: self._loader is loader and self.open_database(target))
        loader.finished.connect(lambda: self._loader_done(loader))
        self._loader = loader
        loader.start()

    def attach_store(self, store, preloaded: dict | None = None) -> None:
        """Show this store's data: the library, the codebook, the claims and
        the documents the panes showed. ``preloaded`` holds what
        ``first_rows`` read (off the UI thread) for the first screen; the
        claim counts are read in the background (``counts_loading``)."""
        from desktop_app.qt.claims_model import ClaimsModel, OrphansModel
        from desktop_app.qt.item_models import DocumentsModel, TagsModel

        self.ensure_built()
        self.leave_store(closing=False)  # and a database still opening is not wanted any more
        mark = self.live.initial_mark(store)  # before anything is read: nothing written meanwhile is missed
        self.undo_stack.clear()
        # A fresh hub and fresh models: nothing made for the previous database
        # keeps listening (or reading from it).
        old = (self.events, self.documents_model, self.tags_model, self.claims_model, self.orphans_model)
        self.events = events = StoreEvents(self)
        events.commandFailed.connect(self._command_failed)
        self.store = store
        # the library and the codebook are read once, here or by the loader,
        # and every model made now takes them from the hub
        if preloaded is None:
            from desktop_app.qt.store_loader import first_rows

            preloaded = first_rows(store)
        with events.holding(preloaded):
            self.documents_model = DocumentsModel(store, events, self, counts=False)
            self.tags_model = TagsModel(store, events, self, counts=False, library=self.documents_model)
            self.claims_model = ClaimsModel(store, events, self, library=self.documents_model)
            self.orphans_model = OrphansModel(store, events, self, library=self.documents_model)
        self.orphans_panel.set_model(self.orphans_model)
        self.library.set_model(self.documents_model)
        self.codebook.set_model(self.tags_model)
        self.claims_panel.set_model(self.claims_model)
        for obj in old:
            if obj is not None:
                obj.deleteLater()
        self.annotator.attach(store, events)
        self.links.attach(store, events)
        read_only = bool(getattr(store, "read_only", False))
        # Ends with the application's name, so the window system adds it no second time.
        self.setWindowTitle(f"{database_title(store)}" + (" (read-only)" if read_only else "") + " — Marginalia")
        self._show_read_only(read_only)
        events.documentsChanged.connect(self._documents_changed)
        events.tagsChanged.connect(self._tags_changed)
        for signal in (events.claimAdded, events.claimChanged):
            signal.connect(lambda _row: self._update_counts())
        events.claimRemoved.connect(lambda *_: self._update_counts())
        self.documents_model.dataChanged.connect(lambda *_: self._update_counts())  # claim counts
        self._documents_changed()
        self._tags_changed()
        self.documents_model.load_counts_in_background()  # the Claims columns fill in meanwhile
        self.tags_model.load_counts_in_background()
        self.restore_open_documents()
        self.live.start(store, mark)
        self.pending.attach(store)
        self._show_connection_state()
        if read_only:
            self.statusBar().showMessage(f"Opened {store.path} for reading: changes cannot be saved there.", 10000)
        else:
            self.statusBar().showMessage(
                "Ready. Select text in a pane and press a tag's key (1-9) to make a claim.", 8000)
        log.info("database attached: %s", store.location)  # the location never holds a password
        self._check_large_file(store)

    def _check_large_file(self, store) -> None:
        """A project file too large to be checked whole when it opened is
        checked now, off the UI thread; damage is said in one sentence (the
        work goes on: SQLite refuses what it cannot read, page by page)."""
        from desktop_app.core.store import database
        from desktop_app.qt import operations
        from desktop_app.qt.errors import show_error

        path = getattr(store, "path", None)
        if getattr(store, "is_team", False) or path is None or not database.needs_background_check(path):
            return

        def checked(problem) -> None:
            if problem and self.store is store:
                log.warning("background check of %s: %s", path, problem)
                show_error(self, f"{problem} Save what can still be read with File > Save a copy as file… "
                                 "and keep the file as it is.")

        operations.run(self, lambda _token: database.check_file(path), what="checking the project file",
                       succeeded=checked)

    def _show_read_only(self, read_only: bool) -> None:
        """A database that cannot be changed here: the label says so and the
        actions that would change it are off (a key press is refused with
        one sentence in the status bar)."""
        from desktop_app.core.store.database import read_only_message

        self.read_only_label.setVisible(read_only)
        self.read_only_label.setToolTip(read_only_message(str(self.store.path)) if read_only else "")
        for key in EDITING_ACTIONS:
            action = self.menu_actions.get(key)
            if action is not None:
                action.setEnabled(not read_only)
        self.codebook.set_read_only(read_only)

    def _documents_changed(self) -> None:
        docs = self.documents_model.documents()  # refreshed already (it listens first)
        entries = [(d.id, d.title) for d in docs]
        live = self.documents_model.ids()
        for pane in self.panes:
            pane.set_documents(entries)
            if pane.view.document_id is not None and pane.view.document_id not in live:
                pane.clear()
        self.claims_panel.set_documents(docs)
        self._update_counts()

    def counts_loading(self) -> bool:
        """The library's or the codebook's claim counts are still being read."""
        return any(m is not None and m.counting() for m in (self.documents_model, self.tags_model))

    def _tags_changed(self) -> None:
        tags = self.tags_model.tags()
        self.editor.set_tags(tags)
        self.claims_panel.set_tags(tags)
        self.annotator.tags_changed(tags)
        self._update_counts()

    def _update_counts(self) -> None:
        if self.store is None:
            return
        docs = self.documents_model.rowCount()
        library = self.documents_model  # the library's counts: the claims table holds only the rows read
        if library.counted():
            claims = sum(library.claim_count(doc_id) or 0 for doc_id in library.ids())
            text = f"{docs} document{'s' if docs != 1 else ''} · {claims} claim{'s' if claims != 1 else ''}"
        else:
            text = f"{docs} document{'s' if docs != 1 else ''} · counting claims…"
        orphans = self.orphans_model.rowCount() if self.orphans_model is not None else 0
        if orphans:
            more = "+" if self.orphans_model.canFetchMore() else ""
            text += f" · {orphans}{more} orphaned"
        self.counts.setText(text)

    # -------------------------------------------------------------- documents
    def open_document(self, doc_id: int, pane: ReaderPane | None = None) -> ReaderPane:
        self.ensure_built()
        pane = pane or self.active_pane or self.panes[0]
        if self.store is None:  # still opening: the panes fill in when it is ready
            self.statusBar().showMessage("The library is still opening…", 2000)
            return pane
        self.annotator.show_document(pane, doc_id)
        return pane

    def open_in_free_pane(self, doc_id: int) -> ReaderPane:
        """Show a document: the pane already showing it, else the active pane."""
        for pane in self.panes:
            if pane.view.document_id == doc_id:
                return pane
        return self.open_document(doc_id, self.active_pane)

    def open_documents(self) -> list[int | None]:
        """The document of each pane, left to right (None: an empty pane)."""
        return [pane.view.document_id for pane in self.panes]

    def restore_open_documents(self) -> None:
        """Open the documents that were open in this database's panes last
        time (the first ones of the library for a new database)."""
        from desktop_app.core.settings import load_settings

        model = self.documents_model
        live = model.ids()  # listed a moment ago: no second read of the library
        wanted = load_settings().open_documents.get(self.store.location)
        if not isinstance(wanted, list) or not wanted:
            wanted = [model.document_id(r) for r in range(min(max(len(self.panes), 1), model.rowCount()))]
        wanted = [d if isinstance(d, int) and d in live else None for d in wanted[:MAX_RESTORED_PANES]]
        while len(self.panes) < len(wanted):
            self.add_pane()
        while len(self.panes) > max(len(wanted), 1):
            self.close_pane(self.panes[-1])
        for pane, doc_id in zip(self.panes, wanted):
            if doc_id is not None:
                self.open_document(doc_id, pane)
            elif pane.view.document_id is not None:
                pane.clear()
        splitter = QSettings().value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # ------------------------------------------------------------------ layout
    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/size", self.size())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        if self.store is not None:
            from desktop_app.core.settings import load_settings, save_settings

            user = load_settings()
            user.open_documents[self.store.location] = self.open_documents()
            save_settings(user)

    def restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        size = settings.value("window/size")
        if geometry is None or not isinstance(size, QSize) or not layout_fit.fits(
                size, layout_fit.available_geometry(self)):
            return  # saved on a larger screen (or never): the default layout fits this one
        self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None and self.restoreState(state):
            self._layout_restored = True  # the user's dock sizes, not the defaults

    def closeEvent(self, event) -> None:
        if not self.built:  # closed before its panels were made: nothing of a database to leave
            self._abandon_loader(wait_ms=STOP_WAIT_MS)
            super().closeEvent(event)
            return
        if self.pending.waiting() and not self.pending.retry(force=True):
            from desktop_app.qt import dialogs

            n = len(self.pending)
            text = (f"{n} edit{'s are' if n != 1 else ' is'} still waiting for the team database "
                    f"{self.store.location}. They are kept and will be saved the next time you open it. "
                    "Close anyway?")
            if not dialogs.confirm(self, "Edits waiting", text):
                event.ignore()
                return
        self.leave_store(closing=True)
        super().closeEvent(event)

    def leave_store(self, closing: bool) -> None:
        """The one way out of the open database, to open another or to close
        the window: every worker is cancelled (a database still opening, live
        updates, matching passages, imports, a web fetch, reading a new
        version, the page view's PDF, and on closing a copy) and waited for
        STOP_WAIT_MS at most, then the store closes. Nothing made for it
        reads from it afterwards."""
        self._abandon_loader(wait_ms=STOP_WAIT_MS if closing else 0)
        if not self.built:
            return  # no store was attached (attach_store builds first)
        self.annotator.stop_import(STOP_WAIT_MS)
        self.annotator.stop_reads()
        if closing:
            self.page_view.shutdown()
        else:
            self.page_view.leave_store()
        self.live.stop(STOP_WAIT_MS)
        for dock in (getattr(self, "matches_dock", None), getattr(self, "search_dock", None)):
            if dock is not None:
                dock.widget().reset(STOP_WAIT_MS)
        copy = getattr(self, "copy_run", None)
        if closing and copy is not None and not copy.done:
            self.statusBar().showMessage("Stopping the copy…")
            copy.closing = True
            copy.cancel()
            copy.wait(STOP_WAIT_MS)
        store = self.store
        if store is None:
            return
        try:
            self.editor.flush_note()
        except Exception:  # noqa: BLE001 - a note that cannot be saved must not keep the database open
            log.exception("could not save the note being typed")
        self.pending.detach()
        try:
            self.save_layout()
        except Exception:  # a layout that cannot be saved must not stop closing
            log.exception("could not save the window layout")
        self.store = self.annotator.store = None
        self._quiet_models()
        for model in (self.documents_model, self.tags_model):
            if model is not None:
                model.stop_counting(STOP_WAIT_MS)
        store.close()

    def _abandon_loader(self, wait_ms: int = 0) -> None:
        """Let go of a database still opening: it is closed as soon as it has
        opened, and never attached. Waits ``wait_ms`` at most for it."""
        loader, self._loader = self._loader, None
        if loader is None:
            return
        loader.abandon()
        if loader.isRunning() and not loader.wait(wait_ms) and wait_ms:
            log.warning("a database was still opening when the window closed")
        keep_until_finished(loader)  # it ends by itself, never destroyed while it runs

    def _loader_opened(self, loader, store, attach) -> None:
        """A database opened in the background arrives (queued, on the UI thread)."""
        if loader is not self._loader or loader.abandoned:
            store.close()  # chosen, then given up for another meanwhile
            return
        self._loader = None
        attach(store, loader.preloaded)

    def _quiet_models(self) -> None:
        """After the store closed: nothing made for it reads from it any more
        (a count refresh left on a timer would reconnect to it)."""
        self.events.blockSignals(True)
        for model in (self.documents_model, self.tags_model, self.claims_model, self.orphans_model):
            if model is not None:
                for timer in model.findChildren(QTimer):
                    timer.stop()

    # ---------------------------------------------------------- team database
    def show_team_dialog(self):
        """File > Open team database…: the dialog (window-modal, not blocking);
        accepting it opens the database in the background. Returns the dialog."""
        from desktop_app.core.settings import load_settings
        from desktop_app.qt.team.dialog import TeamDatabaseDialog

        recent = load_settings().recent_team_databases
        dialog = TeamDatabaseDialog(self, recent[0] if recent and isinstance(recent[0], str) else "")
        dialog.accepted.connect(lambda: self.open_team_database(dialog.address()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def open_team_database(self, address: str) -> bool:
        """Open a team database in a worker thread (connecting can take a few
        seconds); the window stays on its database until it is ready, and
        stays there if it cannot be opened. False if it was not started."""
        from desktop_app.core.errors import MarginaliaError
        from desktop_app.core.store import server

        self.ensure_built()
        try:
            shown = server.display_address(server.parse_address(address))
        except MarginaliaError as exc:
            self._team_failed(str(exc))
            return False
        self._abandon_loader()  # the latest choice wins
        self.statusBar().showMessage(f"Opening the team database {shown}…")
        from desktop_app.qt.store_loader import StoreLoader

        loader = StoreLoader(address, self)
        loader.opened.connect(lambda store: self._loader_opened(loader, store, self._team_opened))
        loader.failed.connect(lambda message: self._loader is loader and self._team_failed(message))
        loader.finished.connect(lambda: self._loader_done(loader))
        self._loader = loader
        loader.start()
        return True

    def _loader_done(self, loader) -> None:
        if self._loader is loader:
            self._loader = None
        if loader.parent() is self:  # not one kept until it ends (see _abandon_loader)
            loader.wait(STOP_WAIT_MS)  # "finished" comes a moment before the thread is gone
            loader.deleteLater()

    def _team_opened(self, store, preloaded: dict | None = None) -> None:
        from desktop_app.core.settings import load_settings, save_settings

        self.attach_store(store, preloaded)
        try:
            user = load_settings()
            recent = [store.location] + [r for r in user.recent_team_databases if r != store.location]
            user.recent_team_databases = recent[:8]
            save_settings(user)
        except OSError:
            log.exception("could not remember the team database")
        self.statusBar().showMessage(f"Opened the team database {store.location}.", 8000)

    def _team_failed(self, message: str) -> None:
        from desktop_app.qt.errors import show_error

        log.warning("team database not opened: %s", message)
        if self.store is None:
            self.statusBar().showMessage(f"{message} No database is open.")
        else:
            self.statusBar().showMessage(message, 10000)
        show_error(self, message)

    def _reachability_changed(self, reachable: bool) -> None:
        self._show_connection_state()
        if reachable and self.pending.waiting():
            self.pending.retry()
        if reachable:
            self.statusBar().showMessage("The team database answers again.", 4000)

    def _show_connection_state(self) -> None:
        """The permanent label: shown while the database cannot be reached or
        edits are waiting for it."""
        waiting = len(self.pending)
        if not self.live.reachable:
            text = "Team database unreachable — retrying"
        elif waiting:
            text = "Saving waiting edits"
        else:
            self.connection_label.hide()
            self.connection_label.clear()
            return
        if waiting:
            text += f" · {waiting} edit{'s' if waiting != 1 else ''} waiting"
        self.connection_label.setText(text)
        self.connection_label.setToolTip(self.live.last_problem or "Edits are kept and saved when it answers.")
        self.connection_label.show()

    # ---------------------------------------------------------- drag and drop
    # Files from a file manager or a browser's downloads, and links dragged
    # from a browser (a URL list, or the address as text).
    def _dropped(self, mime) -> tuple[list[Path], list[str]]:
        from desktop_app.qt.web_import import web_addresses

        urls = mime.urls() if mime.hasUrls() else []
        files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        addresses = web_addresses(urls)
        if not urls and mime.hasText():
            text = mime.text().strip()
            if text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
                addresses = [text]
        return files, addresses

    def dragEnterEvent(self, event) -> None:
        files, addresses = self._dropped(event.mimeData())
        if files or addresses:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        self.ensure_built()
        files, addresses = self._dropped(event.mimeData())
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.annotator.import_files(files))
        elif addresses:
            event.acceptProposedAction()
            if len(addresses) > 1:
                self.statusBar().showMessage("Several links were dropped; importing the first.", 4000)
            QTimer.singleShot(0, lambda: self.annotator.import_address(addresses[0]))


def database_title(store) -> str:
    """The window title's part naming the database."""
    if getattr(store, "is_team", False):
        from sqlalchemy.engine import make_url

        try:
            url = make_url(store.location)
            return f"team: {url.database} on {url.host or 'localhost'}:{url.port or 5432}"
        except Exception:  # noqa: BLE001
            return store.location
    return Path(store.path).name if store.path is not None else store.location
