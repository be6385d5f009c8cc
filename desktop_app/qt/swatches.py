"""Icons painted here: a tag's colour swatch and the mark of an orphaned claim."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap, QPolygonF

# Item views draw a decoration in the Selected mode when its row is selected;
# an icon without its own pixmap for that mode is tinted with the selection
# colour (an amber swatch turns olive). These icons carry the same pixmap for
# every mode, so a colour stays the colour of its tag.
_MODES = (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active)


def _untinted(pixmaps: list[QPixmap]) -> QIcon:
    result = QIcon()
    for pix in pixmaps:
        for mode in _MODES:
            result.addPixmap(pix, mode)
    return result


def _canvas(size: int, scale: int) -> QPixmap:
    pix = QPixmap(size * scale, size * scale)
    pix.setDevicePixelRatio(scale)
    pix.fill(Qt.GlobalColor.transparent)
    return pix


@lru_cache(maxsize=256)
def swatch(color: str, size: int = 14) -> QIcon:
    """A rounded square of ``color`` that keeps its colour in a selected row."""
    fill = QColor(color) if QColor(color).isValid() else QColor("#9A9A9A")
    pixmaps = []
    for scale in (1, 2):
        pix = _canvas(size, scale)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(fill)
        painter.setPen(fill.darker(140))
        painter.drawRoundedRect(QRectF(1.5, 1.5, size - 3, size - 3), 3, 3)
        painter.end()
        pixmaps.append(pix)
    return _untinted(pixmaps)


ORPHAN_COLOR = "#C8731E"


@lru_cache(maxsize=4)
def orphan_icon(size: int = 14) -> QIcon:
    """A small warning triangle: the claim has no place in the current text."""
    pixmaps = []
    for scale in (1, 2):
        pix = _canvas(size, scale)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(ORPHAN_COLOR)
        painter.setPen(color.darker(130))
        painter.setBrush(color)
        s = float(size)
        painter.drawPolygon(QPolygonF([QPointF(s / 2, 1.0), QPointF(s - 1, s - 1.5), QPointF(1.0, s - 1.5)]))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(7, int(s * 0.6)))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, s * 0.28, s, s * 0.7), Qt.AlignmentFlag.AlignCenter, "!")
        painter.end()
        pixmaps.append(pix)
    return _untinted(pixmaps)
