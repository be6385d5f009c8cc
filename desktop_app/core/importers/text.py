"""Plain text: one paragraph block per line.

The canonical text is the decoded text through ``canonicalize()``, with
blank lines at the start and whitespace at the very end removed. Blank lines
in between stay (as empty blocks): they are part of what the reader sees.
"""

from __future__ import annotations

import re

from desktop_app.core.document import Block, blocks_for_lines
from desktop_app.core.importers._common import clean

_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)+")


def convert(text: str) -> tuple[str, list[Block]]:
    """Canonical text and its blocks; the text is ``""`` when there is nothing to read."""
    canonical = clean(text).rstrip()
    m = _LEADING_BLANK_LINES.match(canonical)
    if m:
        canonical = canonical[m.end() :]
    if not canonical:
        return "", []
    return canonical, blocks_for_lines(canonical)
