"""A project file too large to be read whole when it opens: commands open it
at once, damage is still named in one sentence, and the window checks it in
the background (tests/qt/test_main_window.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.errors import DatabaseUnusable
from desktop_app.core.store import Store, database


def damaged_index(folder: Path) -> Path:
    """A project whose claims are whole but one index page is overwritten:
    it opens, and only SQLite's integrity check finds the damage."""
    path = folder / "big.db"
    with Store.open(path, annotator="tester") as store:
        doc = store.list_documents()[0]
        store.add_claims_bulk(doc.id, [(i % 400, i % 400 + 5) for i in range(2000)])
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    # the index of claims by quote: not read until the table is sorted by quote
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims' AND sql LIKE '%sort_quote%'"
    ).fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page + 8)
        fh.write(b"\xff" * 200)
    return path


def test_damage_is_one_sentence_with_the_first_problem(tmp_path):
    path = damaged_index(tmp_path)
    with pytest.raises(DatabaseUnusable) as info:
        database.inspect_file(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path} is damaged")
    assert "more problems" in message and message.endswith(".")
    assert database.check_file(path) == message


def test_a_large_file_opens_without_reading_it_whole(tmp_path, monkeypatch):
    path = damaged_index(tmp_path)
    monkeypatch.setattr(database, "FULL_CHECK_BYTES", path.stat().st_size - 1)
    assert database.needs_background_check(path)
    assert database.inspect_file(path) == database.HEAD  # not read whole: opens
    with Store.open(path, annotator="tester") as store:
        assert store.count_claims() == 2000  # the table itself is whole
    problem = database.check_file(path)  # what the window runs in the background
    assert problem and "is damaged" in problem and "\n" not in problem
    monkeypatch.setattr(database, "FULL_CHECK_BYTES", path.stat().st_size)
    assert not database.needs_background_check(path)
    with pytest.raises(DatabaseUnusable):
        database.inspect_file(path)


def test_a_whole_file_passes_the_background_check(tmp_path):
    path = tmp_path / "whole.db"
    Store.open(path, annotator="tester").close()
    assert database.check_file(path) is None
    assert not database.needs_background_check(tmp_path / "missing.db")
