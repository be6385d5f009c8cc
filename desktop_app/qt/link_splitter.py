"""The reading area: panes side by side in a splitter whose handles are the
gutters that draw the links between them (``link_gutter``).

The splitter is part of the frame painted first; the handles and their
drawing come with the panes, after that paint.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QSplitterHandle

GUTTER_WIDTH = 44  # room for a curve to read as one between the panes, in a wide reading area
NARROW_GUTTER_WIDTH = 24  # in a narrow one: the text keeps the room, a curve still reads as one
NARROW_READING, WIDE_READING = 640, 960  # reading areas this wide or less / more get those widths

# (link id, relation, claim id in the left pane, claim id in the right pane)
LinkPair = tuple[int, str, int, int]
Provider = Callable[[object, object], list[LinkPair]]


def gutter_width(reading_width: int) -> int:
    """The gutters' width in a reading area ``reading_width`` pixels wide:
    narrow up to NARROW_READING, full from WIDE_READING, in proportion between."""
    share = (reading_width - NARROW_READING) / (WIDE_READING - NARROW_READING)
    return round(NARROW_GUTTER_WIDTH + (GUTTER_WIDTH - NARROW_GUTTER_WIDTH) * max(0.0, min(1.0, share)))



class LinkSplitter(QSplitter):
    """The reading area: panes side by side, with gutters that show links."""

    linkClicked = Signal(int)  # link id

    def __init__(self, orientation=Qt.Orientation.Horizontal, parent=None) -> None:
        super().__init__(orientation, parent)
        # the class of the handles between panes (link_gutter.LinkHandle),
        # given by the window when it makes the panes: the frame painted
        # before them needs neither the handles nor QPainter
        self.handle_class = None
        self.link_provider: Provider | None = None
        self.selected_link: int | None = None
        self.setHandleWidth(gutter_width(self.width()))

    def createHandle(self) -> QSplitterHandle:
        if self.handle_class is None:
            return super().createHandle()
        return self.handle_class(self.orientation(), self)

    def restoreState(self, state) -> bool:
        restored = super().restoreState(state)
        self._fit_gutters()  # a state saved with narrower handles must not hide the gutters
        return restored

    def resizeEvent(self, event) -> None:
        self._fit_gutters()
        super().resizeEvent(event)

    def _fit_gutters(self) -> None:
        width = gutter_width(self.width())
        if width != self.handleWidth():
            self.setHandleWidth(width)

    def gutters(self) -> list:
        """The handles between panes, left to right."""
        return [self.handle(i) for i in range(1, self.count())]

    def gutter_between(self, left, right):
        i, j = self.indexOf(left), self.indexOf(right)
        return self.handle(j) if i >= 0 and j == i + 1 else None

    def update_gutters(self) -> None:
        for handle in self.gutters():
            handle.update()

    def set_selected_link(self, link_id: int | None) -> None:
        self.selected_link = link_id
        self.update_gutters()

    def watch(self, view) -> None:
        """Repaint the gutters when ``view`` scrolls, resizes or zooms."""
        bar = view.verticalScrollBar()
        bar.valueChanged.connect(self.update_gutters)
        bar.rangeChanged.connect(self.update_gutters)
        view.zoomChanged.connect(self.update_gutters)
