"""The application icon: the SVG at any size, the PNGs only without it."""

from __future__ import annotations

import shutil

from desktop_app.core import paths
from desktop_app.qt.app import app_icon


def test_the_svg_icon_draws_at_every_taskbar_size(qapp):
    icon = app_icon(paths.resources_dir() / "icons")
    assert not icon.isNull()
    for side in (16, 24, 32, 48, 64, 128, 256):
        pixmap = icon.pixmap(side, side)
        assert pixmap.width() == side and not pixmap.toImage().isNull()
    assert icon.availableSizes() == []  # scalable: no fixed-size PNG was read at start-up


def test_without_a_drawable_svg_the_rendered_pngs_are_used(qapp, tmp_path):
    source = paths.resources_dir() / "icons"
    shutil.copytree(source / "hicolor", tmp_path / "hicolor")
    (tmp_path / "marginalia.svg").write_bytes(b"not an SVG at all")  # present but cannot be drawn
    icon = app_icon(tmp_path)
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert (48, 48) in sizes and (256, 256) in sizes
    assert not icon.pixmap(48, 48).isNull()
