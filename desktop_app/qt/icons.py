"""Icons from the SVG files in resources/icons (the painted ones, colour
swatches and the orphan mark, are in ``swatches``: the frame's first paint
needs only these, and QPainter, QFont and their enums cost it time)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from desktop_app.core import paths


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    path = paths.resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
