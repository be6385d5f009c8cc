"""The window's state, written to a JSON file for a program that drives the
real window from outside: it moves the mouse and presses keys through the X
server, and reads here where the text is on the screen and what the window
shows.

Only on when the environment variable ``MARGINALIA_PROBE`` names a file. A
timer writes the state there (to a temporary file, then renamed) whenever it
changed; the file is read by nothing in the program itself. Everything is in
global screen pixels: ``[x, y, width, height]`` for rectangles.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PROBE_ENV = "MARGINALIA_PROBE"
INTERVAL_MS = 100


def _rect(widget) -> list[int]:
    from PySide6.QtCore import QPoint

    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _visible(widget) -> list[int]:
    """The part of ``widget`` not hidden by a scroll area around it."""
    r = widget.visibleRegion().boundingRect()
    top_left = widget.mapToGlobal(r.topLeft())
    return [top_left.x(), top_left.y(), r.width(), r.height()]


def _qrect(r) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def first_sentence(text: str, start: int = 0) -> tuple[int, int]:
    """The code point range of the first sentence at or after ``start``: from
    its first letter up to and including its full stop (or the paragraph's end)."""
    while start < len(text) and not text[start].isalnum():
        start += 1
    ends = [i for i in (text.find(". ", start), text.find(".\n", start), text.find("\n", start)) if i >= 0]
    end = min(ends) if ends else len(text)
    if end < len(text) and text[end] == ".":
        end += 1
    return start, end


def _pane(pane) -> dict:
    view = pane.view
    port = view.viewport()
    state = {"document_id": view.document_id, "viewport": _rect(port), "scroll": view.verticalScrollBar().value()}
    text = view.canonical_text if view.document_id is not None else ""
    if text:
        start, end = first_sentence(text)
        a = view.cursorRect(view._cursor_for(start))
        b = view.cursorRect(view._cursor_for(end))
        begin = port.mapToGlobal(a.center())
        finish = port.mapToGlobal(b.center())
        state["sentence"] = {"start": start, "end": end, "text": text[start:end],
                             "from": [begin.x() + 1, begin.y()], "to": [finish.x() + 1, finish.y()]}
    return state


def _menu(popup) -> list[dict] | None:
    """A menu shown: its entries (label without the & and the keys), enabled or not."""
    from PySide6.QtWidgets import QMenu

    if not isinstance(popup, QMenu):
        return None
    return [{"text": a.text().replace("&", "").split("\t")[0], "enabled": a.isEnabled()}
            for a in popup.actions() if a.isVisible() and not a.isSeparator()]


def snapshot(window) -> dict:
    """What the window shows now, as plain JSON values."""
    from PySide6.QtWidgets import QApplication

    from desktop_app.qt import layout_fit

    app = QApplication.instance()
    state = {
        "platform": app.platformName(),
        "screen": _qrect(layout_fit.available_geometry(window)),
        "frame": _qrect(window.frameGeometry()),
        "window": _rect(window),
        "built": window.built,
        "attached": window.store is not None,
        "title": window.windowTitle(),
        "status": window.statusBar().currentMessage(),
        "active_window": type(app.activeWindow()).__name__ if app.activeWindow() else None,
        "popup": type(app.activePopupWidget()).__name__ if app.activePopupWidget() else None,
        "focus": app.focusWidget().accessibleName() if app.focusWidget() else None,
        "menu": _menu(app.activePopupWidget()),
        "undo": {"index": window.undo_stack.index(), "count": window.undo_stack.count(),
                 "undo_text": window.undo_stack.undoText(), "redo_text": window.undo_stack.redoText()},
    }
    if not window.built:
        return state
    central = window.centralWidget()
    state["reading"] = {"rect": _rect(central), "share": round(central.width() / max(window.width(), 1), 3),
                        "height_share": round(central.height() / max(window.height(), 1), 3),
                        "gutter": window.splitter.handleWidth()}
    state["panes"] = [_pane(p) for p in window.panes]
    editor = window.editor
    form = editor.form_widget
    state["editor"] = {
        "dock": _rect(window.editor_dock), "visible": window.editor_dock.isVisible(),
        "claim": editor.claim.id if editor.claim is not None else None,
        "note": _rect(editor.note), "note_visible": _visible(editor.note), "note_text": editor.note.toPlainText(),
        "note_height": editor.note.height(), "note_minimum": editor.note.minimumSizeHint().height(),
        "form_height": form.height(), "form_minimum": form.minimumSizeHint().height(),
        "form_width": form.width(), "form_minimum_width": form.minimumSizeHint().width(),
        "scroll_width": form.parentWidget().width() if form.parentWidget() else 0,
        # each wrapped label's height and the height its text needs at its width
        "labels": {name: [_rect(label), label.heightForWidth(label.width())]
                   for name, label in (("quote", editor.quote), ("source", editor.source))},
    }
    # each tab bar of the docks: its titles, and those cut short (elided or out of the bar)
    state["tab_bars"] = [{"titles": [bar.tabText(i) for i in range(bar.count())], "cut": layout_fit.cut_tabs(bar),
                          "rect": _rect(bar)} for bar in layout_fit.dock_tab_bars(window)]
    state["left_tabs"] = sorted(d.windowTitle() for d in [window.library_dock, *window.tabifiedDockWidgets(window.library_dock)])
    table = window.library.table
    state["library"] = {"viewport": _rect(table.viewport()), "title_width": table.columnWidth(0),
                        "hidden": [c for c in range(table.model().columnCount()) if table.isColumnHidden(c)]}
    claims = window.claims_panel.table
    state["claims"] = {"rows": claims.model().rowCount() if claims.model() is not None else 0,
                       "viewport": _rect(claims.viewport())}
    return state


class Probe:
    def __init__(self, window, path: Path) -> None:
        from PySide6.QtCore import QTimer

        self.window = window
        self.path = path
        self._last = None
        self.timer = QTimer(window, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.write)
        self.timer.start()

    def write(self) -> None:
        try:
            text = json.dumps(snapshot(self.window), sort_keys=True)
        except RuntimeError:  # a widget went away while the window closes
            return
        if text == self._last:
            return
        self._last = text
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)


def install(window) -> Probe | None:
    """Start writing the window's state if ``MARGINALIA_PROBE`` asks for it."""
    target = os.environ.get(PROBE_ENV)
    if not target:
        return None
    log.info("writing the window's state to %s", target)
    return Probe(window, Path(target))
