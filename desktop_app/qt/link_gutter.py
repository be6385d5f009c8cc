"""The gutter between two side-by-side panes: links between a claim of the
left pane and a claim of the right pane are drawn there as curves.

The reading area is a ``LinkSplitter`` (``link_splitter``): its handles are wide enough to draw
on (``gutter_width``: narrower in a narrow reading area), so that adding or closing a pane needs nothing more
(Qt makes and removes the handle with the pane). Each handle asks the
splitter's ``link_provider`` which links join its two panes, and draws a
cubic Bézier from its left edge, at the height of the first line of the left
passage, to its right edge, at the height of the right passage.

A passage scrolled out of view is drawn to the top or bottom edge of the
text (dashed); a link whose two passages are both out of view is left out.

A click on a curve (nearer than ``HIT_DISTANCE`` pixels to it) emits
``LinkSplitter.linkClicked``; anywhere else on the handle drags it as usual.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSplitterHandle

if TYPE_CHECKING:
    from desktop_app.qt.link_splitter import LinkSplitter


HIT_DISTANCE = 5.0
SAMPLES = 48
PEN_WIDTH = 3.0
SELECTED_PEN_WIDTH = 5.0

# Mid-tone colours, readable on a light and on a dark window.
RELATION_COLORS = {
    "same": "#8E5CC8",
    "corroborates": "#2E9D4F",
    "contradicts": "#D93F3F",
    "qualifies": "#E08A1E",
    "cites": "#3B7DD8",
}
FALLBACK_COLOR = "#808080"


def relation_color(relation: str) -> QColor:
    return QColor(RELATION_COLORS.get(relation, FALLBACK_COLOR))


class Curve(NamedTuple):
    """One link as drawn in a gutter, in the gutter's coordinates (a named
    tuple: this module is loaded before the first paint, dataclasses is not)."""

    link_id: int
    relation: str
    left_claim: int
    right_claim: int
    start: QPointF  # on the left edge
    end: QPointF  # on the right edge
    clipped: bool  # one of the passages is out of view

    def controls(self) -> tuple[QPointF, QPointF, QPointF, QPointF]:
        mid = (self.start.x() + self.end.x()) / 2
        return self.start, QPointF(mid, self.start.y()), QPointF(mid, self.end.y()), self.end

    def path(self) -> QPainterPath:
        p0, p1, p2, p3 = self.controls()
        path = QPainterPath(p0)
        path.cubicTo(p1, p2, p3)
        return path

    def point_at(self, t: float) -> QPointF:
        p0, p1, p2, p3 = self.controls()
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        return QPointF(a * p0.x() + b * p1.x() + c * p2.x() + d * p3.x(),
                       a * p0.y() + b * p1.y() + c * p2.y() + d * p3.y())

    def samples(self, n: int = SAMPLES) -> list[QPointF]:
        return [self.point_at(i / n) for i in range(n + 1)]

    def distance(self, point: QPointF) -> float:
        """Distance from ``point`` to the sampled curve."""
        pts = self.samples()
        return min(_segment_distance(point, a, b) for a, b in zip(pts, pts[1:]))


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2))
    return math.hypot(p.x() - (a.x() + t * dx), p.y() - (a.y() + t * dy))


class LinkHandle(QSplitterHandle):
    """A splitter handle that draws the links between its two panes."""

    def __init__(self, orientation, parent: LinkSplitter) -> None:
        super().__init__(orientation, parent)
        self.setAccessibleName("Links between the panes")

    def panes(self):
        splitter = self.splitter()
        i = splitter.indexOf(self)
        if i <= 0 or i >= splitter.count():
            return None, None
        return splitter.widget(i - 1), splitter.widget(i)

    def _anchor(self, view, claim_id: int) -> tuple[float, bool] | None:
        """The height of a passage's first line in this handle's coordinates,
        clamped to the visible text, and whether it was out of view."""
        span = view.highlight_layer.span(claim_id)
        if span is None:
            return None
        viewport = view.viewport()
        y = view.cursorRect(view._cursor_for(span.start)).center().y()
        clipped = not 0 <= y < viewport.height()
        y = min(max(y, 0), viewport.height() - 1)
        splitter = self.splitter()
        return float(self.mapFrom(splitter, viewport.mapTo(splitter, QPoint(0, y))).y()), clipped

    def curves(self) -> list[Curve]:
        splitter = self.splitter()
        left, right = self.panes()
        provider = getattr(splitter, "link_provider", None)
        if provider is None or left is None or not hasattr(left, "view") or not hasattr(right, "view"):
            return []
        if not (left.isVisible() and right.isVisible()):
            return []
        out = []
        for link_id, relation, left_claim, right_claim in provider(left.view, right.view):
            a = self._anchor(left.view, left_claim)
            b = self._anchor(right.view, right_claim)
            if a is None or b is None or (a[1] and b[1]):
                continue
            out.append(Curve(link_id, relation, left_claim, right_claim, QPointF(0, a[0]),
                             QPointF(self.width(), b[0]), a[1] or b[1]))
        return out

    def curve_at(self, pos: QPointF) -> Curve | None:
        best = None
        for curve in self.curves():
            d = curve.distance(QPointF(pos))
            if d < HIT_DISTANCE and (best is None or d < best[0]):
                best = (d, curve)
        return best[1] if best else None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = getattr(self.splitter(), "selected_link", None)
        for curve in self.curves():
            pen = QPen(relation_color(curve.relation))
            pen.setWidthF(SELECTED_PEN_WIDTH if curve.link_id == selected else PEN_WIDTH)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if curve.clipped:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawPath(curve.path())
        painter.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            curve = self.curve_at(event.position())
            if curve is not None:
                self.splitter().linkClicked.emit(curve.link_id)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() == Qt.MouseButton.NoButton:
            return  # only dragging moves the handle
        super().mouseMoveEvent(event)
