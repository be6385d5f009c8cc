"""Readers that misbehave on purpose, run in the reader child by the tests
(the child finds this module through PYTHONPATH)."""

from __future__ import annotations

import os
import time


def hang(data, *, name, progress=None):
    progress(1, 3)
    while True:  # a parser stuck in a loop
        time.sleep(0.01)


def eat_memory(data, *, name, progress=None):
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def crash(data, *, name, progress=None):
    os.abort()


def fail(data, *, name, progress=None):
    return {}["missing"]


def refuse(data, *, name, progress=None):
    from desktop_app.core.errors import InvalidInput

    raise InvalidInput(f"{name}: a reason of the reader's own.")


def chatty(data, *, name, progress=None):
    """Prints to stdout (the result channel) and reports progress, then succeeds."""
    from desktop_app.core.importers.word import parse_docx

    print("a library that prints")
    for i in range(1, 4):
        progress(i, 3)
    return parse_docx(data, name=name)


def smuggle(data, *, name, progress=None):
    """A result that, unpickled without care, would create the file ``name``."""
    import pathlib

    class Evil:
        original = None

        def __reduce__(self):
            return (pathlib.Path.touch, (pathlib.Path(name),))

    return Evil()
