"""The page as printed: a PDF document's original page beside the text, with
the selected claim's boxes drawn on it.

Pages are rendered in a thread of their own (pdfium is slow on a heavy page
and must never hold up typing or scrolling); the view keeps the last few
renderings and asks only for the newest page wanted, so a fast scroll does
not queue up work. The bytes come from the store (``document_source``), read
in the same thread.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, QRectF, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.pdf_pages import page_of
from desktop_app.qt.threads import stop_and_wait

log = logging.getLogger(__name__)

NOT_PDF = "The page view shows the pages of PDF documents."
NO_SOURCE = "The original PDF of this document is not in the database, so its pages cannot be shown."
UNREADABLE = "The original PDF of this document cannot be read, so its pages cannot be shown."
_CACHE = 12
STOP_WAIT_MS = 3000  # how long closing waits for a page being rendered


class _Renderer(QObject):
    """Lives in the render thread: opens the document's PDF and renders pages."""

    done = Signal(object)  # dict: token, doc_id, page, image, boxes, count, error

    def __init__(self) -> None:
        super().__init__()
        self.latest = 0  # the newest request's token; older ones are skipped
        self._doc_id: int | None = None
        self._pages = None

    @Slot(object)
    def render(self, request: dict) -> None:
        if request["token"] != self.latest:
            return  # a newer request is on its way
        result = {"token": request["token"], "doc_id": request["doc_id"], "page": request["page"],
                  "image": None, "boxes": [], "count": 0, "error": ""}
        try:
            pages = self._open(request["store"], request["doc_id"])
            if pages is None:
                result["error"] = NO_SOURCE
            else:
                index = request["page"]
                if request["quote"]:
                    found = pages.boxes(index, request["quote"]) if 0 <= index < pages.page_count else []
                    if not found and request.get("search", False):
                        hit = pages.find(request["quote"], max(0, index))
                        if hit is not None:
                            index, found = hit
                    result["boxes"] = found
                index = min(max(0, index), pages.page_count - 1)
                rendered = pages.render(index, request["width"])
                image = QImage(rendered.data, rendered.width, rendered.height, rendered.stride,
                               QImage.Format.Format_ARGB32).copy()
                result.update(page=index, image=image, count=pages.page_count, points=rendered.points)
        except Exception:  # a page pdfium cannot draw is a sentence in the view
            log.exception("rendering page %s of document %s failed", request.get("page"), request.get("doc_id"))
            result["error"] = UNREADABLE
        self.done.emit(result)

    def _open(self, store, doc_id: int):
        if doc_id == self._doc_id and self._pages is not None:
            return self._pages
        from desktop_app.core.pdf_pages import PdfPages

        if self._pages is not None:
            self._pages.close()
            self._pages = None
        self._doc_id = doc_id
        getter = getattr(store, "document_source", None)
        row = getter(doc_id) if getter is not None else None
        data = getattr(row, "data", None) if row is not None else None
        if not data:
            return None
        self._pages = PdfPages(bytes(data))
        return self._pages

    @Slot()
    def forget(self) -> None:
        if self._pages is not None:
            self._pages.close()
        self._pages = None
        self._doc_id = None


class PageCanvas(QWidget):
    """Draws one rendered page, fitted to the widget, and the claim's boxes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.boxes: list[tuple[float, float, float, float]] = []
        self.message = NOT_PDF
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 200)
        self.setAccessibleName("Page as printed")

    def page_rect(self) -> QRectF:
        if self.image is None or self.image.isNull():
            return QRectF()
        w, h = self.image.width() / self.image.devicePixelRatio(), self.image.height() / self.image.devicePixelRatio()
        area = self.rect().adjusted(6, 6, -6, -6)
        scale = min(area.width() / w, area.height() / h)
        shown = QRectF(0, 0, w * scale, h * scale)
        shown.moveCenter(QRectF(area).center())
        return shown

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if self.image is None:
            painter.setPen(self.palette().windowText().color())
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
            return
        target = self.page_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(target.adjusted(2, 2, 2, 2), QColor(0, 0, 0, 40))  # a shadow under the sheet
        painter.drawImage(target, self.image)
        if self.boxes:
            painter.setPen(QPen(QColor(230, 140, 0), 1.5))
            fill = QColor(255, 210, 0, 90)
            for left, top, right, bottom in self.boxes:
                box = QRectF(target.left() + left * target.width(), target.top() + top * target.height(),
                             (right - left) * target.width(), (bottom - top) * target.height()).adjusted(-1, -1, 1, 1)
                painter.fillRect(box, fill)
                painter.drawRect(box)


class PageView(QWidget):
    """The page view: "Page 3 of 12" with previous and next, and the page."""

    requested = Signal(object)
    forgetRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("PageView")
        self.store = None
        self.doc_id: int | None = None
        self.pages: list[int] = []
        self.page = 0
        self.page_count = 0
        self.quote = ""
        self._token = 0
        self._cache: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.label = QLabel(NOT_PDF)
        self.label.setAccessibleName("Page number")
        self.previous = QToolButton(text="‹")
        self.previous.setToolTip("Previous page")
        self.previous.setAccessibleName("Previous page")
        self.next = QToolButton(text="›")
        self.next.setToolTip("Next page")
        self.next.setAccessibleName("Next page")
        self.previous.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next.clicked.connect(lambda: self.show_page(self.page + 1))
        self.canvas = PageCanvas(self)
        top = QHBoxLayout()
        top.setContentsMargins(6, 2, 6, 0)
        top.addWidget(self.previous)
        top.addWidget(self.label, 1, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        self._resize_timer = QTimer(self, singleShot=True, interval=120)
        self._resize_timer.timeout.connect(self._request)

        self._thread: QThread | None = None  # started when a PDF is first shown
        self._shut = False  # shutdown() ran: never started again (a late event after the window closed)
        self._renderer = _Renderer()
        self._update_buttons()

    def _start(self) -> None:
        if self._thread is not None or self._shut:
            return  # running, or the window closed: its renderer stays in the ended thread
        self._thread = QThread(self)
        self._thread.setObjectName("PageRenderer")
        self._renderer.moveToThread(self._thread)
        self._thread.worker = self._renderer  # lives as long as its thread, kept or not
        self.requested.connect(self._renderer.render)
        self.forgetRequested.connect(self._renderer.forget)
        self._renderer.done.connect(self._rendered)
        self._thread.start()

    def shutdown(self) -> None:
        """Stop the render thread (the window is closing)."""
        self._shut = True
        if self._thread is None:
            return
        self._renderer.latest = -1  # anything queued is skipped
        self.forgetRequested.emit()
        if not stop_and_wait(self._thread, STOP_WAIT_MS):  # a heavy page still rendering: kept until it ends
            log.warning("the page renderer was still rendering when the window closed")
        self._thread = None

    def leave_store(self) -> None:
        """Forget the document shown and the PDF the render thread holds."""
        if self._thread is not None:
            self._renderer.latest = -1  # anything queued is skipped
            self.forgetRequested.emit()
        self._cache.clear()  # keyed by document id, which the next database may reuse
        self.show_document(None, None)

    # --------------------------------------------------------------- inputs
    def show_document(self, store, doc_id: int | None, doc=None) -> None:
        """Show ``doc_id`` (a PDF) from its first page; any other document
        gets a sentence instead."""
        if doc is None or doc.source_format != "pdf":
            self.store, self.doc_id, self.pages, self.page_count = store, None, [], 0
            self._show_message(NOT_PDF)
            return
        if store is self.store and doc_id == self.doc_id:
            return
        self.store, self.doc_id = store, doc_id
        self.pages = list(getattr(doc, "pages", []) or [])
        self.page_count = len(self.pages)
        self.page, self.quote = 0, ""
        self._cache.clear()
        self._request()

    def show_claim(self, claim) -> None:
        """Follow the selected claim: its page, its boxes drawn."""
        if claim is None or self.doc_id is None or claim.document_id != self.doc_id:
            if self.quote:
                self.quote = ""
                self.canvas.boxes = []
                self.canvas.update()
            return
        self.quote = claim.quote
        self.page = page_of(self.pages, claim.start)
        self._request(search=not self.pages)

    def show_range(self, start: int, end: int) -> None:
        """Follow the reading pane showing ``text[start:end]``: stay on the
        page shown if it is among those, else show the first."""
        if self.doc_id is None or not self.pages:
            return
        first, last = page_of(self.pages, start), page_of(self.pages, end)
        if not first <= self.page <= last:
            self.show_page(first)

    def show_page(self, page: int) -> None:
        if self.doc_id is None:
            return
        count = self.page_count or max(self.page + 1, 1)
        self.page = min(max(0, page), count - 1)
        self._request()

    # ---------------------------------------------------------------- work
    def _width(self) -> int:
        return max(200, int(self.canvas.width() * self.devicePixelRatioF()))

    def _request(self, search: bool = False) -> None:
        if self.doc_id is None or self.store is None:
            return
        self._start()
        width = self._width()
        cached = self._cache.get((self.doc_id, self.page, width))
        if cached is not None and not self.quote:
            self._cache.move_to_end((self.doc_id, self.page, width))
            self._show(cached, [])
        self._token += 1
        self._renderer.latest = self._token
        self.requested.emit({"token": self._token, "store": self.store, "doc_id": self.doc_id, "page": self.page,
                             "width": width, "quote": self.quote, "search": search})

    @Slot(object)
    def _rendered(self, result: dict) -> None:
        if result["token"] != self._token or result["doc_id"] != self.doc_id:
            return
        if result["error"]:
            self._show_message(result["error"])
            return
        self.page = result["page"]
        self.page_count = result["count"]
        image = result["image"]
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._cache[(self.doc_id, self.page, self._width())] = image
        while len(self._cache) > _CACHE:
            self._cache.popitem(last=False)
        self._show(image, result["boxes"])

    def _show(self, image: QImage, boxes) -> None:
        self.canvas.image = image
        self.canvas.boxes = list(boxes)
        self.label.setText(f"Page {self.page + 1} of {self.page_count}" if self.page_count else "")
        self._update_buttons()
        self.canvas.update()

    def _show_message(self, message: str) -> None:
        self.canvas.image = None
        self.canvas.boxes = []
        self.canvas.message = message
        self.label.setText("")
        self._update_buttons()
        self.canvas.update()

    def _update_buttons(self) -> None:
        shown = self.doc_id is not None and self.canvas.image is not None
        self.previous.setEnabled(shown and self.page > 0)
        self.next.setEnabled(shown and self.page + 1 < self.page_count)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.doc_id is not None:
            self._resize_timer.start()


class PageController(QObject):
    """The page view in the window: a dock beside the reading panes, toggled
    from the View menu, shown when a PDF document is opened (unless the user
    closed it), following the active pane and the selected claim."""

    def __init__(self, window, view_menu=None) -> None:
        super().__init__(window)
        self.w = window
        self.view = PageView()
        self.dock = QDockWidget("Page", window)
        self.dock.setObjectName("PageDock")
        self.dock.setAccessibleName("Page")
        self.dock.setWidget(self.view)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock, Qt.Orientation.Horizontal)
        self.dock.hide()
        self.action = self.dock.toggleViewAction()
        self.action.setText("&Page as printed")
        self.action.setShortcut(QKeySequence("Ctrl+Alt+P"))
        self.action.setStatusTip("The original page of a PDF document, with the selected claim marked")
        self.action.triggered.connect(self._toggled)
        window.addAction(self.action)
        if view_menu is not None:
            view_menu.addAction(self.action)
        self.user_closed = False
        self._sized = False
        self._watched: set[int] = set()
        self._scroll = QTimer(self, singleShot=True, interval=150)
        self._scroll.timeout.connect(self._follow_scroll)
        self._focus = QTimer(self, singleShot=True, interval=0)
        self._focus.timeout.connect(self._follow_active)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    @Slot(QWidget, QWidget)
    def _focus_changed(self, _old, _new) -> None:
        self._focus.start()

    def show_dock(self) -> None:
        first = not self._sized
        self.dock.show()
        if first:  # the claim editor keeps a usable width beside the page
            self._sized = True
            self.w.resizeDocks([self.w.editor_dock, self.dock], [270, 360], Qt.Orientation.Horizontal)

    def _toggled(self, checked: bool) -> None:
        self.user_closed = not checked
        if checked:
            if not self._sized:
                self.dock.hide()
                self.show_dock()
            self._follow_active()

    def shutdown(self) -> None:
        self.view.shutdown()

    def leave_store(self) -> None:
        """The window switches databases: the page shown and the PDF held
        open belong to the old one (the next may reuse its document ids)."""
        self.view.leave_store()

    def _document(self, doc_id: int | None):
        if doc_id is None or self.w.store is None:
            return None
        try:
            return self.w.annotator.document_at_hand(doc_id)  # never a wait on the network
        except Exception:  # a document deleted meanwhile: nothing to show
            log.debug("no document %s for the page view", doc_id, exc_info=True)
            return None

    def document_shown(self, pane, doc_id: int) -> None:
        if id(pane) not in self._watched:
            self._watched.add(id(pane))
            pane.view.verticalScrollBar().valueChanged.connect(lambda _v, p=pane: self._scrolled(p))
        if pane is self.w.active_pane or len(self.w.panes) == 1:
            self._show_pane(pane)

    def _show_pane(self, pane) -> None:
        doc_id = pane.view.document_id
        doc = self._document(doc_id)
        is_pdf = doc is not None and doc.source_format == "pdf"
        if is_pdf and not self.user_closed and self.dock.isHidden():
            self.show_dock()
        if not is_pdf and self.view.doc_id is not None and doc_id is None:
            return  # an empty pane keeps the page shown
        if self.dock.isVisible() or is_pdf:
            self.view.show_document(self.w.store, doc_id, doc)

    def _follow_active(self) -> None:
        pane = self.w.active_pane
        if pane is not None and pane.view.document_id is not None and pane.view.document_id != self.view.doc_id:
            self._show_pane(pane)

    def claim_selected(self, claim) -> None:
        if claim is not None and claim.document_id != self.view.doc_id:
            doc = self._document(claim.document_id)
            if doc is None or doc.source_format != "pdf":
                return
            self.view.show_document(self.w.store, claim.document_id, doc)
        self.view.show_claim(claim)

    def _scrolled(self, pane) -> None:
        if pane.view.document_id == self.view.doc_id and self.dock.isVisible():
            self._pane = pane
            self._scroll.start()

    def _follow_scroll(self) -> None:
        pane = getattr(self, "_pane", None)
        if pane is None or pane.view.document_id != self.view.doc_id:
            return
        start, end = pane.view._visible_range()
        self.view.show_range(start, end)
