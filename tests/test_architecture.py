"""The core stays Qt-free, and the PySide6 in use does not leak None."""

from __future__ import annotations

import ast
import os
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
    assert ", 0 broken" in result.stdout, result.stdout
    # the three contracts are there: Qt-free core, layers, no cycles
    assert "Contracts: 3 kept" in result.stdout, result.stdout


def _contracts() -> list[dict]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _by_name_imports() -> set[tuple[str, str]]:
    """(importer, imported) for every string in the app's code that names one
    of its own modules: what LazyModule and importlib load at run time."""
    import importlib.util

    found = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        importer = ".".join(parts)
        if importer == "desktop_app.lazy_imports":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("desktop_app."):
                name = node.value
                if all(p.isidentifier() for p in name.split(".")) and importlib.util.find_spec(name) is not None:
                    found.add((importer, name))
    return found


def test_every_import_by_name_is_listed():
    from desktop_app.lazy_imports import LAZY_IMPORTS

    listed = {(a, b) for a, targets in LAZY_IMPORTS.items() for b in targets}
    found = _by_name_imports()
    assert found - listed == set(), "add these to desktop_app/lazy_imports.py"
    assert listed - found == set(), "these are listed but no longer imported by name"


def _graph_with_lazy_imports():
    import grimp

    from desktop_app.lazy_imports import LAZY_IMPORTS

    graph = grimp.build_graph("desktop_app", cache_dir=None)
    for importer, targets in LAZY_IMPORTS.items():
        for imported in targets:
            graph.add_import(importer=importer, imported=imported)
    return graph


def test_imports_by_name_keep_the_layers():
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    graph = _graph_with_lazy_imports()
    illegal = graph.find_illegal_dependencies_for_layers(layers=layers["layers"])
    assert not illegal, [(d.importer, d.imported) for d in illegal]


def test_imports_by_name_make_no_cycle():
    """The acyclic rule, with the by-name imports added: within every package,
    no two of its modules or subpackages import each other, directly or not."""
    graph = _graph_with_lazy_imports()
    packages = [m for m in graph.modules if graph.find_children(m)]
    cycles = {}
    for package in packages:
        breakers = graph.nominate_cycle_breakers(package)
        if breakers:
            cycles[package] = sorted(breakers)
    assert not cycles, cycles


def test_the_contracts_catch_a_cycle(tmp_path):
    """The acyclic contract is not vacuous: a copy of the package with one
    import added back from the event hub to the window is refused."""
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(ROOT / "desktop_app", copy / "desktop_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    events = copy / "desktop_app" / "qt" / "events.py"
    events.write_text(events.read_text(encoding="utf-8") + "\nimport desktop_app.qt.main_window\n", encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(copy / "pyproject.toml"), "--no-cache"], cwd=copy,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(copy)})
    assert result.returncode != 0
    assert "No import cycles" in result.stdout and "BROKEN" in result.stdout, result.stdout


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
        "import desktop_app.core.store, desktop_app.core.importers, desktop_app.core.exchange.claims_csv, desktop_app.cli.main\n"
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


def test_sql_and_the_store_transaction_stay_in_the_store():
    """SQL lives only in the store: no module outside ``core/store`` imports
    the table definitions or opens the store's private transaction."""
    offenders = []
    for path in (ROOT / "desktop_app").rglob("*.py"):
        if (ROOT / "desktop_app" / "core" / "store") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("desktop_app.core.store.models"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports the tables")
            elif isinstance(node, ast.Attribute) and node.attr == "_tx":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses the store's transaction")
    assert not offenders, offenders
