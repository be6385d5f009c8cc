"""Stable identifiers for claims, documents and tags.

UUIDs whose first 48 bits are the creation time in milliseconds (the layout
of RFC 9562's version 7), the rest random: unique like any UUID, and in
creation order, so that the index on them grows at one end instead of at
random places (which made inserting many claims at once three times slower).
"""

from __future__ import annotations

import os
import time


def _format(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_uuid() -> str:
    return new_uuids(1)[0]


def new_uuids(count: int) -> list[str]:
    """``count`` new UUIDs (version 7 layout), in increasing order."""
    millis = time.time_ns() // 1_000_000
    stamp = millis.to_bytes(6, "big")
    random = os.urandom(10 * count)
    out = []
    for i in range(count):
        r = random[10 * i : 10 * i + 10]
        # version 7 in the high nibble of byte 6, variant 10 in byte 8; a
        # counter in the 12 bits after the version keeps one batch in order
        counter = i & 0x0FFF
        raw = (
            stamp
            + bytes((0x70 | (counter >> 8), counter & 0xFF, 0x80 | (r[2] & 0x3F)))
            + r[3:10]
        )
        out.append(_format(raw))
    return out
