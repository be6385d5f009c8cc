"""The menus and keyboard shortcuts of the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence

from desktop_app.qt.file_filters import DATABASE_FILTER
from desktop_app.qt.icons import icon
from desktop_app.qt.layout_fit import place_tool_window
from desktop_app.qt.lazy import LazyModule
from desktop_app.qt.shortcuts_list import shortcut_rows

# loaded on first use, after the window's first paint (see lazy.py)
dialogs = LazyModule("desktop_app.qt.dialogs")
copy_actions = LazyModule("desktop_app.qt.team.copy_actions")
sources = LazyModule("desktop_app.qt.sources")
legend = LazyModule("desktop_app.qt.legend")
# these two load matplotlib and the statistics: only when their view opens
analysis_view = LazyModule("desktop_app.qt.analysis_view")
agreement_view = LazyModule("desktop_app.qt.agreement_view")
corpus_search = LazyModule("desktop_app.qt.corpus_search")



def _action(window, text: str, slot, shortcut=None, icon_name: str | None = None, checkable: bool = False):
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
    if icon_name:
        action.setIcon(icon(icon_name))
    action.setCheckable(checkable)
    # The menus exist from the window's first frame, the panes and panels
    # right after it: an action used in between builds them first.
    action.triggered.connect(window.ensure_built)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(w):
    """The menu bar's titles and the toolbar with its actions: what the
    window's first frame shows. Returns the actions by name and a function
    that makes every other action and fills the menus (run right after the
    first paint, or before anything needs them: MainWindow.complete_menus).
    Making the forty menu items and their icons before it cost the frame a
    few milliseconds, for menus that are closed when it is painted."""
    a: dict[str, QAction] = {}

    def ask_import():
        chosen = dialogs.ask_import_files(w, str(Path.home()))
        if chosen:
            files, whole_page = chosen
            w.annotator.import_files(files, whole_page=whole_page)

    def ask_import_address():
        from desktop_app.qt.web_import import ask_address

        if w.store is None:
            w.statusBar().showMessage("No database is open.", 3000)
            return
        chosen = ask_address(w)
        if chosen:
            w.annotator.import_address(*chosen)

    def ask_open_database():
        from PySide6.QtWidgets import QFileDialog

        from desktop_app.core import paths

        start = str(_folder_of(w.store) or paths.data_dir())
        name, _ = QFileDialog.getOpenFileName(w, "Open database", start, DATABASE_FILTER)
        if name:
            w.open_database(Path(name))

    def ask_new_database():
        from PySide6.QtWidgets import QFileDialog

        from desktop_app.core import paths

        start = _folder_of(w.store) or paths.data_dir()
        name, _ = QFileDialog.getSaveFileName(w, "New database", str(start / "new.db"), "Marginalia databases (*.db)")
        if not name:
            return
        if Path(name).exists():
            dialogs.warn(w, "Marginalia", f"{name} already exists; choose a new file name.")
            return
        w.open_database(Path(name))

    def current_view():
        pane = w.active_pane or (w.panes[0] if w.panes else None)
        return pane.view if pane else None

    def on_view(method: str):
        def run():
            view = current_view()
            if view is not None:
                getattr(view, method)()
        return run

    def find():
        pane = w.active_pane or w.panes[0]
        pane.show_find()

    def find_next(backwards=False):
        pane = w.active_pane or w.panes[0]
        pane.find_next(backwards=backwards)

    def close_pane():
        if w.active_pane is not None:
            w.close_pane(w.active_pane)

    # One analysis and one agreement window per open database (a new
    # database gets new ones: the old ones followed the old store's events).
    extra_windows: dict[str, object] = {}

    def show_window(key: str, make):
        if w.store is None:
            w.statusBar().showMessage("No database is open.", 3000)
            return None
        shown = extra_windows.get(key)
        if shown is None or shown.store is not w.store:
            if shown is not None:
                shown.close()
                shown.deleteLater()
            shown = extra_windows[key] = make(w, w.store, w.events)
            place_tool_window(shown, w)
        else:
            shown.refresh()
        shown.show()
        shown.raise_()
        shown.activateWindow()
        return shown

    def show_analysis():
        return show_window("analysis", lambda *args: analysis_view.AnalysisWindow(*args))

    def show_agreement():
        return show_window("agreement", lambda *args: agreement_view.AgreementWindow(*args))

    w.show_analysis = show_analysis
    w.show_agreement = show_agreement

    def edit_preferences():
        from desktop_app.core.settings import load_settings, save_settings

        current = load_settings()
        name = dialogs.ask_preferences(w, current)
        if name is None:
            return
        current.annotator = name
        save_settings(current)
        annotator = load_settings().annotator  # an empty name falls back to the system user's
        if w.store is not None:
            w.store.annotator = annotator
        w.statusBar().showMessage(f"New claims are made by {annotator}.", 4000)

    bar = w.menuBar()
    bar.setAccessibleName("Menu bar")  # what a screen reader announces on F10 or Alt
    menus = {title: bar.addMenu(title) for title in ("&File", "&Edit", "&View", "&Help")}
    # the toolbar's actions, in the first frame
    a["import"] = _action(w, "&Import…", ask_import, QKeySequence.StandardKey.Open, "import")
    a["export"] = _action(w, "&Export claims…", lambda: w.annotator.export(), "Ctrl+E", "export")
    from desktop_app.qt.undo_feedback import build_undo_actions

    a["undo"], a["redo"] = build_undo_actions(w)  # each saves the note being typed first
    a["undo"].setShortcuts([QKeySequence.StandardKey.Undo])
    a["undo"].setIcon(icon("undo"))
    a["redo"].setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    a["redo"].setIcon(icon("redo"))
    for key in ("undo", "redo"):
        w.addAction(a[key])
    a["add_pane"] = _action(w, "&Add reading pane", lambda: w.add_pane(), "Ctrl+Shift+N", "pane-add")
    a["sync"] = _action(w, "&Synchronised scrolling", lambda on: w.set_sync_scrolling(on), "Ctrl+Shift+S",
                        "sync", checkable=True)
    a["find"] = _action(w, "&Find in document…", find, QKeySequence.StandardKey.Find, "find")
    toolbar = w.addToolBar("Main")
    toolbar.setObjectName("MainToolbar")
    toolbar.setAccessibleName("Main toolbar")
    for key in ("import", "export", None, "undo", "redo", None, "add_pane", "sync", "find"):
        if key is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(a[key])

    def fill() -> None:
        """Every action not in the toolbar, and the menus in their order."""
        menu = menus["&File"]
        a["import_address"] = _action(w, "Import from &web address…", ask_import_address, "Ctrl+Shift+U")
        a["import_address"].setStatusTip("Fetch a web page and import its article (or the whole page)")
        a["replace"] = _action(w, "&Replace with new version…", lambda: w.annotator.versions.ask_replace(),
                               "Ctrl+Shift+R")
        a["replace"].setStatusTip("Replace the current document's text with a new version; its claims follow")
        a["save_original"] = _action(w, "Save &original…", lambda: sources.save_original(w))
        a["save_original"].setStatusTip("Write the current document's source back exactly as it was read")
        a["open_database"] = _action(w, "&Open database…", ask_open_database, "Ctrl+Shift+O")
        a["new_database"] = _action(w, "&New database…", ask_new_database)
        a["open_team"] = _action(w, "Open &team database…", lambda: w.show_team_dialog(), "Ctrl+Shift+D")
        a["open_team"].setStatusTip("Open the team's shared database on a PostgreSQL server")
        a["copy_to_team"] = _action(w, "&Copy to team database…", lambda: copy_actions.ask_copy_to_team(w))
        a["copy_to_team"].setStatusTip("Copy this file's project, ids and all, into an empty team database to share it")
        a["save_copy"] = _action(w, "Save a cop&y as file…", lambda: copy_actions.ask_save_copy(w))
        a["save_copy"].setStatusTip("Copy the open database, ids and all, into a new file; this one stays open")
        a["quit"] = _action(w, "&Quit", w.close, QKeySequence.StandardKey.Quit)
        for key in ("import", "import_address", "export", "replace", "save_original", None, "open_database",
                    "new_database", "open_team", None,
                    "copy_to_team", "save_copy", None, "quit"):
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(a[key])
        # enabled for the open database: a file can go to a team database, any database to a file
        menu.aboutToShow.connect(lambda: copy_actions.update_actions(w, a))
        menu.aboutToShow.connect(lambda: a["save_original"].setEnabled(sources.has_original(w)))  # none kept: disabled
        w.windowTitleChanged.connect(lambda _title: copy_actions.update_actions(w, a))  # a database was attached

        menu = menus["&Edit"]
        a["delete_claim"] = _action(w, "&Delete claim", lambda: w.annotator.delete_claim(), None, "remove")
        a["new_tag"] = _action(w, "New &tag…", lambda: w.codebook.ask_add(), "Ctrl+T", "tag")
        a["attach"] = _action(w, "&Attach to selection", lambda: w.annotator.versions.attach(), "Ctrl+Shift+A")
        a["attach"].setStatusTip("Attach the orphaned claim to the text selected in a pane")
        a["link"] = _action(w, "&Link claims…", lambda: w.links.link_claims(), "Ctrl+L")
        a["link"].setStatusTip("Link the selected claim with a claim of another open document")
        for key in ("undo", "redo"):
            menu.addAction(a[key])
        menu.addSeparator()
        menu.addAction(a["delete_claim"])
        menu.addAction(a["attach"])
        menu.addAction(a["link"])
        menu.addAction(a["new_tag"])
        a["preferences"] = _action(w, "&Preferences…", edit_preferences, "Ctrl+,")
        a["preferences"].setMenuRole(QAction.MenuRole.PreferencesRole)
        menu.addSeparator()
        menu.addAction(a["preferences"])

        menu = menus["&View"]
        a["close_pane"] = _action(w, "&Close pane", close_pane, "Ctrl+W", "close")
        a["find_next"] = _action(w, "Find &next", lambda: find_next(False), "F3")
        a["find_prev"] = _action(w, "Find &previous", lambda: find_next(True), "Shift+F3")
        a["search_all"] = _action(w, "Searc&h everything…", lambda: corpus_search.show_search(w), "Ctrl+Shift+F")
        a["search_all"].setStatusTip("Search the text of every document and every claim's quote and note")
        a["zoom_in"] = _action(w, "Zoom &in", on_view("zoom_in"), [QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")],
                               "zoom-in")
        a["zoom_out"] = _action(w, "Zoom &out", on_view("zoom_out"), "Ctrl+-", "zoom-out")
        a["zoom_reset"] = _action(w, "&Reset zoom", on_view("zoom_reset"), "Ctrl+0")
        a["matrix"] = _action(w, "Claims across &sources", lambda: w.links.show_matrix(), "Ctrl+Shift+M")
        a["matrix"].setStatusTip("Groups of linked claims and how each document treats them")
        a["analysis"] = _action(w, "A&nalysis…", show_analysis, "Ctrl+Shift+Y")
        a["analysis"].setStatusTip("Charts of the claims per tag, document and published date")
        a["agreement"] = _action(w, "Compare a&nnotators…", show_agreement)
        a["agreement"].setStatusTip("How far the annotators agree, per document and tag")
        a["legend"] = _action(w, "Highlight &legend", lambda: legend.show_legend(w))
        a["legend"].setStatusTip("What the fills, lines and outline over the text mean (the line shows the status)")
        for key in ("add_pane", "close_pane", "sync", None, "find", "find_next", "find_prev", "search_all", None,
                    "zoom_in", "zoom_out", "zoom_reset", "legend", None, "matrix", "analysis", "agreement", None):
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(a[key])
        a.update(_suggestion_actions(w, menu))
        a["reset_layout"] = _action(w, "Reset &layout", lambda: w.reset_layout())
        a["reset_layout"].setStatusTip("Put the window and its panels back as they start, fitted to the screen")
        menu.addAction(a["reset_layout"])
        menu.addSeparator()
        docks = (w.library_dock, w.codebook_dock, w.claims_dock, w.editor_dock, w.orphans_dock)
        for n, dock in enumerate(docks, start=1):
            toggle = dock.toggleViewAction()
            menu.addAction(toggle)
            focus = _action(w, f"Go to {dock.windowTitle()}",
                            lambda d=dock: (d.show(), d.raise_(), d.widget().setFocus()),
                            f"Alt+{n}")
            menu.addAction(focus)

        menu = menus["&Help"]
        a["shortcuts"] = _action(w, "&Keyboard shortcuts", lambda: dialogs.show_shortcuts(w, shortcut_rows(w)), "F1")
        a["about"] = _action(w, "&About Marginalia",
                             lambda: dialogs.show_about(w, w.store.location if w.store else None))
        menu.addAction(a["shortcuts"])
        menu.addAction(a["about"])

    return a, fill


def _folder_of(store) -> Path | None:
    """The folder of the open database file (None for none, or a team database)."""
    if store is None or getattr(store, "path", None) is None:
        return None
    return Path(store.path).parent


def _suggestion_actions(w, menu) -> dict[str, QAction]:
    """View > Matching passages…, View > Claim candidates, Edit > Auto-code…"""
    suggestions_panel = LazyModule("desktop_app.qt.suggestions_panel")
    autocode_dialog = LazyModule("desktop_app.qt.autocode_dialog")

    def candidates(on: bool) -> None:
        if w.store is not None or not on:
            suggestions_panel.show_claim_candidates(w, on, a["candidates"])
        else:
            a["candidates"].setChecked(False)

    a: dict[str, QAction] = {}
    a["matching"] = _action(w, "&Matching passages…", lambda: w.store is not None and
                            suggestions_panel.show_matching_passages(w), "Ctrl+Shift+P")
    a["matching"].setStatusTip("Passages of the two leftmost documents that seem to report the same thing")
    a["candidates"] = _action(w, "Claim &candidates", candidates, checkable=True)
    a["candidates"].setStatusTip("Sentences of the active document worth a claim (figures, quotations, keywords)")
    a["autocode"] = _action(w, "Auto-&code…", lambda: autocode_dialog.show_autocode(w), "Ctrl+Shift+K")
    a["autocode"].setStatusTip("Tag every passage that matches a word, phrase or pattern")
    menu.addAction(a["matching"])
    menu.addAction(a["candidates"])
    menu.addSeparator()
    edit = next((m.menu() for m in w.menuBar().actions() if m.menu() is not None and m.text() == "&Edit"), None)
    if edit is not None:
        edit.addAction(a["autocode"])
    return a
