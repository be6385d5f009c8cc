"""Logging to a rotating file in the platform's log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from desktop_app.core import paths

_configured: Path | None = None


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send log records to the rotating log file; returns its path (None if the
    folder cannot be written, in which case logging stays quiet)."""
    global _configured
    target = paths.log_file()
    if _configured == target:
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_marginalia", False)]:
        root.removeHandler(old)
        old.close()
    handler._marginalia = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = target
    return target
