"""Dates as PDF files write them (``D:20261206140211+01'00'``), made ISO 8601."""

from __future__ import annotations

import re

_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")


def pdf_date(value: str) -> str:
    """An ISO 8601 date from a PDF date string (``D:20261206140211+01'00'``)."""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return ""
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and day:
        return f"{year}-{month}-{day}"
    return f"{year}-{month}" if month else year


def pdf_datetime(value: str) -> str:
    """An ISO 8601 date-time (UTC offset kept) from a PDF date string, else ""."""
    m = re.match(r"^D?:?(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?", value.strip())
    if not m:
        return pdf_date(value)
    y, mo, d, hh, mm, ss, sign, oh, om = m.groups()
    if hh is None:
        return f"{y}-{mo}-{d}"
    out = f"{y}-{mo}-{d}T{hh}:{mm or '00'}:{ss or '00'}"
    if sign in ("Z", "z"):
        out += "Z"
    elif sign in ("+", "-"):
        out += f"{sign}{oh or '00'}:{om or '00'}"
    return out
