"""The reader child: reads one file with the parser the parent names and
sends back the document (see ``isolated``). Started as
``marginalia --marginalia-read-file`` (or ``python -m desktop_app …``), never
by a user.

The limits are set before the parser is loaded: the address space (where
the system enforces it) and the processor time (a backstop; the parent
kills the child at its own time limit anyway).
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import threading
import time
import traceback


def _set_limits(memory_mb: int, time_s: float) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's time limit is the only one
        return
    limits = []
    if memory_mb:
        limits.append((resource.RLIMIT_AS, int(memory_mb) * 1024 * 1024))
    if time_s:
        limits.append((resource.RLIMIT_CPU, int(time_s) + 5))
    for which, value in limits:
        try:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):  # not enforced here (macOS refuses RLIMIT_AS)
            pass


def _watchdog(time_s: float) -> None:
    """End this process if the parent is gone or long past the time limit
    (the parent normally kills it first); a reader stuck in a wait uses no
    processor time, so the processor limit alone would not end it."""
    parent = os.getppid()
    deadline = time.monotonic() + (time_s or 3600) + 10

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent or time.monotonic() > deadline:
                os._exit(3)

    threading.Thread(target=watch, daemon=True, name="reader-watchdog").start()


def _plain_args(exc: BaseException) -> tuple:
    """The error's constructor arguments when they are plain values (a
    password error says whether the password was wrong), else ()."""
    try:
        args = exc.__reduce__()[1]
    except Exception:  # an error that cannot describe itself: its message is enough
        return ()
    if isinstance(args, tuple) and all(isinstance(a, (str, int, float, bool, type(None))) for a in args):
        return args
    return ()


def main() -> int:
    request = pickle.load(sys.stdin.buffer)  # from the parent, which started this process
    _watchdog(request.get("time_limit_s", 0))
    # The result goes to the real stdout; anything a library prints goes to stderr.
    result_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    err = sys.stderr

    def progress(done: int, total: int) -> None:
        err.write(f"\x1eprogress {int(done)} {int(total)}\n")
        err.flush()

    data = request["data"]
    try:
        _set_limits(request.get("memory_limit_mb", 0), request.get("time_limit_s", 0))
        module = importlib.import_module(request["module"])
        parse = getattr(module, request["function"])
        doc = parse(data, name=request["name"], progress=progress, **request["kwargs"])
        if doc.original is not None:
            doc.original.data = b""  # the parent has the bytes
        result = ("ok", doc)
    except MemoryError:
        result = ("memory",)
    except Exception as exc:
        from desktop_app.core.errors import MarginaliaError

        if isinstance(exc, MarginaliaError):
            result = ("refused", type(exc).__module__, type(exc).__qualname__, str(exc), _plain_args(exc))
        else:
            result = ("failed", type(exc).__name__, traceback.format_exc())
    del data, request
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory",))
    result_out.write(payload)
    result_out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
