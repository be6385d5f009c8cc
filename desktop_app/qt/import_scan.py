"""The check PySide6 makes on every module imported after it, made cheaper.

Once PySide6 is loaded, every later import is followed by a check of whether
the new module uses PySide (for PySide's optional ``from __feature__ import``
switches, which this program does not use): the module's whole source is
read through ``inspect.getsource``, split into lines and kept in linecache,
and searched for the word "PySide6". The window imports about 420 modules
after PySide6 (its own, then SQLAlchemy and the rest of the store behind the
first frame): about 0.1 s of start-up went to that check, 4 ms of it before
the first paint.

``lighten()`` gives PySide the same answer for less: it reads the module's
file as bytes and looks for the same word. A module without a ``.py`` file,
or one that cannot be read, is left to PySide's own check. If PySide no
longer has the check where it was, nothing is changed.
"""

from __future__ import annotations

import sys

_MARK = "_marginalia_lightened"


def _feature_module():
    return sys.modules.get("shibokensupport.feature") or sys.modules.get("PySide6.support.feature")


def lighten() -> bool:
    """Install the cheaper check (once); whether it is installed."""
    import PySide6.QtCore  # noqa: F401 - loads the check this replaces

    feature = _feature_module()
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, _MARK, False):
        return True

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    setattr(uses_pyside, _MARK, True)
    uses_pyside.original = original
    feature._mod_uses_pyside = uses_pyside
    return True
