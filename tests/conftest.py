"""Shared fixtures: every test gets its own user folders and a real database file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory, monkeypatch):
    """Point the platform's user folders (data, config, logs) at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def store(db_path):
    from desktop_app.core.store import Store

    s = Store.open(db_path, annotator="tester")
    yield s
    s.close()


@pytest.fixture
def empty_store(db_path):
    """A database with the default codebook and no documents."""
    from desktop_app.core.store import Store

    s = Store.open(db_path, seed=False, annotator="tester")
    yield s
    s.close()


def run_cli(*args: str, db: Path | None = None, input: bytes | None = None, env: dict | None = None, cwd=None):
    """Run the real command line in a subprocess; returns CompletedProcess (bytes)."""
    import subprocess

    cmd = [sys.executable, "-m", "desktop_app", *args]
    if db is not None:
        cmd[3:3] = ["--db", str(db)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, input=input, capture_output=True, env=full_env, cwd=cwd, timeout=120)


def sqlite_dump(db: Path) -> list[str]:
    """Every statement that would rebuild the database: equal dumps, equal data."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def make_doc(text: str, title: str = "A document", **meta):
    """A plain-text StructuredDocument, as the store receives one from an importer."""
    import hashlib

    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize

    text = canonicalize(text)
    return StructuredDocument(
        text=text, blocks=blocks_for_lines(text), metadata=Metadata(title=title, **meta),
        source_format="text", encoding="utf-8", sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def ok(result) -> str:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    return result.stdout.decode("utf-8")


def fails(result, *words: str) -> str:
    """A failure: non-zero exit, one line on stderr naming the problem, no traceback."""
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, (result.stdout, err)
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("marginalia: "), err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
    return err
