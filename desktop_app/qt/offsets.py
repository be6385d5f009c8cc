"""Code point offsets <-> Qt (UTF-16) positions.

Marginalia stores every offset as a Unicode code point index into the
canonical text. Qt counts positions in UTF-16 code units, where each astral
character (U+10000 and above: most emoji, mathematical letters, CJK Extension B
and so on) takes two units. The two counts differ by the number of astral
characters before the offset, so the map only needs to know where those are.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets for one text in O(log n) per conversion.

    ``to_utf16(cp)`` gives the Qt position of code point offset ``cp``;
    ``to_codepoint(u16)`` goes back. A UTF-16 position that falls between the
    two halves of a surrogate pair snaps down to the start of that character,
    or up past it with ``round_up=True``. Out-of-range values are clamped.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # Code point index of every astral character, ascending.
        astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_cp: list[int] = astral
        # UTF-16 position of each astral character's high surrogate.
        self._astral_u16: list[int] = [cp + i for i, cp in enumerate(astral)]
        self.length: int = len(text)
        self.utf16_length: int = len(text) + len(astral)

    @property
    def astral_count(self) -> int:
        return len(self._astral_cp)

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters (both counts agree)."""
        return not self._astral_cp

    def to_utf16(self, cp: int) -> int:
        if cp <= 0:
            return 0
        if cp >= self.length:
            return self.utf16_length
        if not self._astral_cp:
            return cp
        # Each astral character strictly before cp adds one unit.
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int, *, round_up: bool = False) -> int:
        if u16 <= 0:
            return 0
        if u16 >= self.utf16_length:
            return self.length
        starts = self._astral_u16
        if not starts:
            return u16
        # Astral characters that end at or before u16 (their high surrogate
        # starts at or before u16 - 2).
        k = bisect_right(starts, u16 - 2)
        if k < len(starts) and starts[k] == u16 - 1:
            # u16 points at the low surrogate of the k-th astral character.
            cp = self._astral_cp[k]
            return cp + 1 if round_up else cp
        return u16 - k

    def range_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def range_to_codepoints(self, start: int, end: int) -> tuple[int, int]:
        """A UTF-16 range widened outwards to whole characters."""
        return self.to_codepoint(start), self.to_codepoint(end, round_up=True)

    def __repr__(self) -> str:
        return f"OffsetMap(length={self.length}, utf16_length={self.utf16_length})"
