"""The window (PySide6) over the Qt-free core."""

from desktop_app.qt.import_scan import lighten as _lighten_import_scan

_lighten_import_scan()  # before the window's modules are imported (see import_scan)
