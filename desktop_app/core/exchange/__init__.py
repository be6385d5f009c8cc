"""The export formats, by name: what ``marginalia export --format`` and the
window's export offer. Each format lives in its own module, loaded only
when used; a format whose module is not there is not offered.

A text format's function writes to an open text stream; a binary format's
function writes a file at the path it is given (the caller renames it into
place, so a failed export leaves nothing half-written). Both return the
number of claims (or links) written.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Callable

from desktop_app.core.errors import DiskFull, InvalidInput
from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.files import write_atomically

# name -> (module, function, "text" or "binary", file suffix, what it writes)
FORMATS: dict[str, tuple[str, str, str, str, str]] = {
    "csv": ("desktop_app.core.exchange.claims_csv", "export_csv", "text", ".csv", "claims as CSV"),
    "links-csv": ("desktop_app.core.exchange.links_csv", "export_links_csv", "text", ".csv", "links between claims as CSV"),
    "w3c": ("desktop_app.core.exchange.w3c", "export_w3c", "text", ".jsonld", "W3C Web Annotations (JSON-LD)"),
    "qdpx": ("desktop_app.core.exchange.qdpx", "export_qdpx", "binary", ".qdpx", "a REFI-QDA project"),
    "xlsx": ("desktop_app.core.exchange.xlsx", "export_xlsx", "binary", ".xlsx", "a spreadsheet workbook"),
    "report": ("desktop_app.core.exchange.report", "export_report", "text", ".md", "a Markdown report by tag"),
}


def available_formats() -> list[str]:
    return [name for name, (module, *_rest) in FORMATS.items() if importlib.util.find_spec(module) is not None]


def _function(fmt: str) -> tuple[Callable, str]:
    if fmt not in available_formats():
        raise InvalidInput(f"'{fmt}' is not an export format; use one of: {', '.join(available_formats())}.")
    module, function, kind, _suffix, _what = FORMATS[fmt]
    return getattr(importlib.import_module(module), function), kind


def run_export(store, fmt: str, target: Path | None, options: ExportOptions | None = None) -> int:
    """Export to ``target`` (written atomically), or to standard output when
    ``target`` is None (text formats only). A full disk is DiskFull, and
    leaves no part of the file behind."""
    try:
        return _run_export(store, fmt, target, options)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        what = f"{target} was not written" if target is not None else "the export was cut short"
        raise DiskFull(f"The disk is full: {what}; free some space and try again.") from exc


def _run_export(store, fmt: str, target: Path | None, options: ExportOptions | None) -> int:
    options = options or ExportOptions()
    export, kind = _function(fmt)
    if target is None:
        if kind != "text":
            raise InvalidInput(f"The {fmt} format is a file, not text: give a file name with -o.")
        import io

        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
        try:
            return export(store, out, options)
        finally:
            out.flush()
            out.detach()
    if kind == "text":
        return write_atomically(target, lambda fh: export(store, fh, options))
    return write_atomically(target, lambda path: export(store, path, options), "path")
