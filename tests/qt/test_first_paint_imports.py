"""What the window's first paint loads, checked in a fresh interpreter: the
frame, its panels and the library listed from the file (sqlite3 alone) must
not wait for the store's libraries, the exporters or the importers. Each of
these takes tenths of a second to import; one stray import at module level
undoes the start-up figures of BENCHMARKS.md without any test noticing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Top-level packages that must not be in sys.modules when the window first
# paints: the store's ORM and migrations, the team driver, figures,
# spreadsheets, web import, parsers.
HEAVY = (
    "sqlalchemy", "sqlmodel", "alembic", "pydantic", "psycopg", "psycopg2", "matplotlib", "numpy",
    "openpyxl", "trafilatura", "httpx", "httpcore", "lxml", "markdown_it", "charset_normalizer",
    "yaml", "docx", "pypdf", "pypdfium2", "pdfminer", "fitz", "bs4", "html5lib",
)

PROBE = r"""
import json, os, sys
from pathlib import Path

from desktop_app.qt.app import make_application
from desktop_app.qt.main_window import MainWindow
from desktop_app.core.store import database

app = make_application()
window = MainWindow()
window.restore_layout()
window.show()
app.processEvents()
from PySide6.QtWidgets import QApplication
first = {"painted": window.first_painted, "built": window.built, "modules": sorted(sys.modules),
         "widgets": sorted({type(w).__name__ for w in QApplication.allWidgets()})}
print(json.dumps(first))
# what open_database_in_background does before the store opens behind the window
window.ensure_built()
from desktop_app.core.addresses import database_target
db = database_target(sys.argv[1])
team = database_target("postgresql://ana@127.0.0.1:1/strikes")  # recognised, not opened
assert isinstance(db, Path) and isinstance(team, str)
if db.exists():
    if database.inspect_file(db) == database.HEAD:
        window.library.show_preview(database.peek_library(db))
        app.processEvents()
print(json.dumps(sorted(sys.modules)))
sys.stdout.flush()
os._exit(0)
"""


def _probe(db: Path) -> tuple[dict, set[str]]:
    """What existed when the frame was first painted, and the modules loaded
    once the library is listed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    lines = result.stdout.decode("utf-8").strip().splitlines()
    return json.loads(lines[-2]), set(json.loads(lines[-1]))


def _modules_at_first_paint(db: Path) -> set[str]:
    return _probe(db)[1]


def _heavy(modules: set[str]) -> list[str]:
    return sorted({name.split(".")[0] for name in modules} & set(HEAVY))


@pytest.fixture
def seeded_db(tmp_path) -> Path:
    """A database with the sample articles, made in another process so that
    this one's imports do not matter."""
    db = tmp_path / "library.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = "import sys; from desktop_app.core.store import Store; Store.open(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, env=env, timeout=120)
    return db


def test_first_paint_and_library_preview_load_no_heavy_library(seeded_db):
    modules = _modules_at_first_paint(seeded_db)
    assert "desktop_app.qt.main_window" in modules  # the probe did run the window
    assert _heavy(modules) == [], "loaded before the first paint"
    # nor the parts that only run once the user acts
    late = {"desktop_app.core.store.store", "desktop_app.qt.commands", "desktop_app.qt.dialogs",
            "desktop_app.qt.item_models", "desktop_app.core.exchange", "desktop_app.core.importers",
            "desktop_app.core.fetch",
            # the thread that opens the store, made when a database is opened
            "desktop_app.qt.store_loader"}
    assert sorted(late & modules) == []


def test_the_check_sees_a_heavy_import(tmp_path):
    """The guard itself: asking for the store loads SQLAlchemy, and the check says so."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = "import json, sys; from desktop_app.core.store import Store; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120, check=True)
    modules = set(json.loads(result.stdout.decode("utf-8")))
    assert {"sqlalchemy", "sqlmodel"} <= set(_heavy(modules))


# The window's own parts that are made after the first paint: their modules
# (and the Qt types they use) are most of the window's start-up.
LATER_MODULES = ("desktop_app.qt.reader_pane", "desktop_app.qt.reader", "desktop_app.qt.annotate",
                 "desktop_app.qt.highlights", "desktop_app.qt.claims_panel", "desktop_app.qt.codebook_panel",
                 "desktop_app.qt.claim_editor", "desktop_app.qt.library_panel", "desktop_app.qt.orphans_panel",
                 "desktop_app.qt.links", "desktop_app.qt.page_view", "desktop_app.qt.team.live_updates",
                 "desktop_app.qt.team.pending_edits",
                 # what paints with QPainter (its Qt types and their enums cost
                 # the first frame a few milliseconds): the gutters between the
                 # panes and the tags' colour swatches
                 "desktop_app.qt.link_gutter", "desktop_app.qt.swatches")
LATER_WIDGETS = ("ReaderPane", "ReaderView", "LibraryPanel", "CodebookPanel", "ClaimsPanel", "ClaimEditor",
                 "OrphansPanel", "QTableView", "QTreeView", "QListView", "QTextEdit", "QPlainTextEdit",
                 "QTextBrowser")


def test_first_frame_is_the_light_frame(seeded_db):
    """The first frame is the window's frame alone (menus, toolbar, status
    bar, empty docks and reading area); the panes and panels and their
    modules come after it, and are there once the library is listed."""
    first, later = _probe(seeded_db)
    assert first["painted"] and not first["built"]
    assert {"QMainWindow", "QMenuBar", "QToolBar", "QStatusBar", "QDockWidget", "LinkSplitter"} <= (
        set(first["widgets"]) | {"QMainWindow"})
    assert "MainWindow" in first["widgets"]
    assert sorted(set(LATER_WIDGETS) & set(first["widgets"])) == []
    assert sorted(set(LATER_MODULES) & set(first["modules"])) == []
    assert "QtSvg" not in " ".join(first["modules"]) and "QtPrintSupport" not in " ".join(first["modules"])
    # nor what only later parts use: the user folders' lookup, dataclasses (it loads inspect, ast and dis)
    assert sorted({"platformdirs", "dataclasses"} & set(first["modules"])) == []
    assert set(LATER_MODULES) <= later  # the probe did build them: the check can see them
