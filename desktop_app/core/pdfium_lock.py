"""The one lock around pdfium, which must not run in two threads at once:
the PDF importer and the page view both hold it.

A module of its own, free of imports: the page view is built with the
window, before its first paint, and must not load the importers for it."""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
