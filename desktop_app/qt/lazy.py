"""Modules loaded on first use, so that the window's first paint does not
wait for code that only runs once the user acts (undo commands, item
models, dialogs)."""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for a module and imports it when one of its names is first
    asked for; every later access goes to the real module (so that what is
    set on the module, in tests too, is what is seen)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)
