"""Code point <-> UTF-16 conversion."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.qt.offsets import OffsetMap

SAMPLES = {
    "ascii": "plain text",
    "emoji": "a😀b😀😀c",
    "zwj_family": "👨\u200d👩\u200d👧\u200d👦 family",
    "flags": "🇫🇷🇩🇪 flags",
    "skin_tone": "👍🏽 ok 👋🏿",
    "math": "𝐀𝐁𝐂 = 𝑥",
    "cjk_ext_b": "𠀀𠀁 and 中文",
    "combining": "e\u0301 cafe\u0301 n\u0303",
    "arabic": "مرحبا بالعالم 😀",
    "hebrew": "שלום עולם 𝐀",
    "mixed_lines": "first 😀\nsecond 𝐀\n\nthird 👍🏽",
    "astral_at_end": "end😀",
    "astral_at_start": "😀start",
    "only_astral": "😀😀😀",
    "empty": "",
}


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_offset_round_trips(name):
    text = SAMPLES[name]
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.utf16_length == utf16_len(text)
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == utf16_len(text[:cp])
        assert m.to_codepoint(u16) == cp
        assert m.to_codepoint(u16, round_up=True) == cp


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_positions_inside_surrogate_pairs_snap(name):
    text = SAMPLES[name]
    m = OffsetMap(text)
    u16 = 0
    for cp, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            # u16 + 1 is between the high and the low surrogate of ch.
            assert m.to_codepoint(u16 + 1) == cp
            assert m.to_codepoint(u16 + 1, round_up=True) == cp + 1
            u16 += 2
        else:
            u16 += 1


def test_known_values():
    m = OffsetMap("a😀b𝐀c")
    assert [m.to_utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [m.to_codepoint(u) for u in range(8)] == [0, 1, 1, 2, 3, 3, 4, 5]
    assert [m.to_codepoint(u, round_up=True) for u in range(8)] == [0, 1, 2, 2, 3, 4, 4, 5]
    assert m.range_to_codepoints(2, 5) == (1, 4)
    assert m.astral_count == 2 and not m.is_identity


def test_out_of_range_values_clamp():
    m = OffsetMap("x😀y")
    assert m.to_utf16(-5) == 0
    assert m.to_utf16(99) == 4
    assert m.to_codepoint(-1) == 0
    assert m.to_codepoint(99) == 3


def test_bmp_only_text_is_identity():
    m = OffsetMap("naïve café — שלום")
    assert m.is_identity
    assert all(m.to_utf16(i) == i == m.to_codepoint(i) for i in range(m.length + 1))


class _CountingList(list):
    """Counts the items a binary search looks at."""

    reads = 0

    def __getitem__(self, i):
        _CountingList.reads += 1
        return super().__getitem__(i)


def test_large_text_keeps_only_its_astral_characters_and_converts_by_binary_search():
    """What keeps a 3 MB text quick (the figure is ``offset_map_3mb_s`` in
    bench/run.py): the map keeps one entry per astral character, nothing per
    other character, and each conversion reads about log2(n) of them."""
    import math

    line = "Some prose with an emoji 😀 and 𝐀 in it, repeated.\n"
    for repeats in (1_000, 60_000):
        text = line * repeats
        m = OffsetMap(text)
        assert m.astral_count == 2 * repeats and m.utf16_length == utf16_len(text)
        m._astral_cp = _CountingList(m._astral_cp)
        m._astral_u16 = _CountingList(m._astral_u16)
        bound = math.ceil(math.log2(m.astral_count)) + 2
        for cp in range(0, len(text), 997):
            _CountingList.reads = 0
            assert m.to_codepoint(m.to_utf16(cp)) == cp
            assert _CountingList.reads <= 2 * bound, (repeats, cp, _CountingList.reads)
    plain = OffsetMap("no astral characters here\n" * 10_000)
    assert plain.is_identity and plain._astral_cp == [] and plain.to_utf16(12_345) == 12_345


_chars = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(list("😀𝐀𠀀🇫🇷👍🏽\u200d\u0301مש\n")),
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_chars, max_size=60))
def test_property_round_trip(text):
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == len(text[:cp].encode("utf-16-le")) // 2
        assert m.to_codepoint(u16) == cp
    for u16 in range(m.utf16_length + 1):
        down = m.to_codepoint(u16)
        up = m.to_codepoint(u16, round_up=True)
        assert m.to_utf16(down) <= u16 <= m.to_utf16(up)
        assert up - down in (0, 1)
