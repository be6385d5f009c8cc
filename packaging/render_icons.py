"""Render the app icon (resources/icons/marginalia.svg) to the files desktops
and installers want, and write them into resources/icons:

- hicolor/<n>x<n>/apps/marginalia.png for n in SIZES (Linux icon theme layout),
- marginalia.ico (Windows; PNG images inside the ICO container),
- marginalia.icns (macOS; PNG images inside the ICNS container).

Run it again after changing the SVG:

    .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)  # 256 is the largest an ICO entry can be
# ICNS element types holding PNG data, by pixel size.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512))

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG", 9)  # quality 9: smallest file (lossless)
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose images are stored as PNG (supported since Windows Vista)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        png = pngs[s]
        # width/height 0 means 256; no palette; 1 plane; 32 bits per pixel
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES if s in pngs)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs it)
    svg = ICONS / "marginalia.svg"
    pngs = {size: render_png(svg, size) for size in SIZES}
    for size, png in pngs.items():
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "marginalia.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)
    (ICONS / "marginalia.ico").write_bytes(ico_bytes(pngs))
    (ICONS / "marginalia.icns").write_bytes(icns_bytes(pngs))
    total = sum(len(p) for p in pngs.values())
    print(f"render_icons: wrote {len(pngs)} PNG sizes ({total // 1024} KB), marginalia.ico and marginalia.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
