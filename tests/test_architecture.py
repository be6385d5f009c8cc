"""The core stays Qt-free, and the PySide6 in use does not leak None."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "desktop_app" / "core"


def test_import_linter_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken" in result.stdout, result.stdout


def test_no_core_module_mentions_qt():
    """A second, plain check: no import of PySide6 or the Qt layer anywhere in
    the core, even inside functions (which a static graph may also catch)."""
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
                if node.level and (node.module or "").startswith("qt"):
                    names.append("desktop_app.qt")
            for name in names:
                if name.split(".")[0] in {"PySide6", "shiboken6"} or name.startswith("desktop_app.qt"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not offenders, offenders


def test_core_imports_without_qt_loaded():
    code = (
        "import sys\n"
        "import desktop_app.core.store, desktop_app.core.importers, desktop_app.core.export_csv, desktop_app.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_pyside_void_calls_do_not_leak_none():
    """PySide6 6.12.0 drops a reference to None on each call of a Qt method
    that returns nothing, and the interpreter aborts after a few thousand; the
    pinned version must not. 20,000 such calls in one process."""
    code = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QTextEdit
from PySide6.QtGui import QTextCursor, QTextCharFormat, QColor
app = QApplication([])
edit = QTextEdit()
edit.setPlainText("x" * 200)
cursor = QTextCursor(edit.document())
fmt = QTextCharFormat()
fmt.setBackground(QColor("#E0A526"))
sel = QTextEdit.ExtraSelection()
before = sys.getrefcount(None)
for i in range(5000):
    cursor.setPosition(i % 100)
    cursor.setPosition(i % 100 + 5, QTextCursor.KeepAnchor)
    sel.cursor = cursor
    sel.format = fmt
for i in range(5000):
    edit.setExtraSelections([sel])
after = sys.getrefcount(None)
print(before, after)
assert after >= before - 50, (before, after)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    before, after = map(int, result.stdout.split())
    assert after >= before - 50


def test_pyside_version_is_below_the_leaking_release():
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12), PySide6.__version__
