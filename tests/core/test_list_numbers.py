"""List numbering shared by the Word and OpenDocument readers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.importers._packaged import ListNumbers, list_item


def test_levels_count_from_their_start_and_a_new_item_restarts_the_levels_below():
    n = ListNumbers()
    assert [n.next("a", 0, 1) for _ in range(3)] == [1, 2, 3]
    assert [n.next("a", 1, 5) for _ in range(2)] == [5, 6]  # a nested list from its own start
    assert n.next("a", 0, 1) == 4
    assert n.next("a", 1, 5) == 5  # the nested list starts again under the new item
    assert n.next("b", 0, 1) == 1  # another list counts apart


def test_restart_and_a_number_the_file_gives():
    n = ListNumbers()
    n.next("x", 1, 1)
    n.next("x", 1, 1)
    n.restart("x", 1)
    assert n.next("x", 1, 1) == 1
    assert n.next("x", 1, 1, given=10) == 10 and n.next("x", 1, 1) == 11


def test_a_list_item_shows_its_number_only_when_ordered():
    assert list_item(2, True, 7) == {"kind": "list_item", "level": 2, "ordered": True, "number": 7}
    assert list_item(1, False, 7)["number"] is None


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(-3, 1000)), max_size=200))
def test_an_item_never_keeps_deeper_counts(steps):
    n = ListNumbers()
    for level, start in steps:
        n.next("k", level, start)
        assert max(n._counts["k"]) == level  # nothing below the last item is remembered
