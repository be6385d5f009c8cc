"""Stable identifiers for claims, documents and tags.

UUIDs whose first 48 bits are the creation time in milliseconds (the layout
of RFC 9562's version 7), the rest random: unique like any UUID, and in
creation order, so that the index on them grows at one end instead of at
random places (which made inserting many claims at once three times slower).
"""

from __future__ import annotations

import os
import time


def new_uuid() -> str:
    return new_uuids(1)[0]


def new_uuids(count: int) -> list[str]:
    """``count`` new UUIDs (version 7 layout), in increasing order."""
    millis = time.time_ns() // 1_000_000
    stamp = millis.to_bytes(6, "big").hex()
    head = f"{stamp[:8]}-{stamp[8:12]}-7"
    random = os.urandom(10 * count)
    hexed = random.hex()
    # version 7 in the high nibble of byte 6, variant 10 in byte 8; a
    # counter in the 12 bits after the version keeps one batch in order.
    # Written as text directly (a batch can be a hundred thousand claims):
    # bytes 6-7 "7" and the counter, 8 the variant and 6 random bits, 9-15 random.
    return [
        f"{head}{i & 0x0FFF:03x}-{0x80 | (random[10 * i + 2] & 0x3F):02x}{hexed[20 * i + 6 : 20 * i + 8]}"
        f"-{hexed[20 * i + 8 : 20 * i + 20]}"
        for i in range(count)
    ]
