"""Text shown to a reader with its invisible direction controls made visible.

A file named ``rtl\u202egpj.md`` shows as "rtlgpj.md" reversed ("rtldm.jpg")
wherever the text is painted as it is: the right-to-left override turns what
follows around. A fact-checker needs to see that a title was spoofed, so
titles, notes and quotes on the command line and in lists are shown with each
direction control as a visible marker such as ⟨U+202E⟩. What is stored is
never changed (offsets into a document's text stay as they are).
"""

from __future__ import annotations

import re

# embeddings and overrides, isolates, marks (left-to-right, right-to-left, Arabic letter)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def has_bidi_controls(text: str) -> bool:
    return _BIDI.search(text) is not None


def show_controls(text: str) -> str:
    """``text`` with every direction control replaced by ⟨U+XXXX⟩."""
    if not text:
        return text
    return _BIDI.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
