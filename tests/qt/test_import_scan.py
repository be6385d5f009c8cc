"""PySide6's check of every module imported after it, made cheaper: the same
answer for every module, without reading the source through inspect."""

from __future__ import annotations

import inspect
import sys

import desktop_app.qt  # noqa: F401 - installs the cheaper check
from desktop_app.qt import import_scan


def _check():
    return import_scan._feature_module()._mod_uses_pyside


def test_the_check_is_installed_and_gives_pysides_answer_for_every_loaded_module():
    check = _check()
    assert getattr(check, import_scan._MARK, False)
    original = check.original
    import sqlalchemy.orm  # noqa: F401 - a large package imported after PySide, as the store is

    import desktop_app.core.paths  # noqa: F401

    modules = [m for name, m in list(sys.modules.items()) if m is not None and not name.startswith("__")]
    with_source = [m for m in modules if str(getattr(m, "__file__", "")).endswith(".py")]
    assert len(with_source) > 300
    differ = [m.__name__ for m in with_source if check(m) != original(m)]
    assert differ == []
    assert check(sys.modules["desktop_app.qt.import_scan"]) is True  # it names PySide6
    assert check(sys.modules["desktop_app.core.paths"]) is False


def test_an_import_after_pyside_no_longer_reads_the_source_through_inspect(tmp_path, monkeypatch):
    (tmp_path / "scan_probe_módulo.py").write_text("# plain module, no Qt 😀\nVALUE = 1\n", encoding="utf-8")
    (tmp_path / "scan_probe_qt.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    calls = []
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: calls.append(obj) or real(obj))
    feature = import_scan._feature_module()
    # an import statement (PySide hooks the import statement, not importlib)
    plain = __import__("scan_probe_módulo")
    uses = __import__("scan_probe_qt")
    assert plain not in calls and uses not in calls
    assert all(not str(getattr(m, "__file__", "")).endswith(".py") for m in calls)  # only sourceless ones
    # and PySide recorded the same verdicts its own check would have
    assert feature.pyside_feature_dict.get(plain.__name__) == -1
    assert feature.pyside_feature_dict.get(uses.__name__) == 0


def test_installing_twice_keeps_one_check():
    first = _check()
    assert import_scan.lighten() is True
    assert _check() is first
