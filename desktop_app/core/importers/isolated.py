"""Reading untrusted PDF, Word, OpenDocument and EPUB files in a child process.

Those formats are read by large bodies of third-party code. A file made to
crash, hang or exhaust such a parser must not take the window (or a claim
being saved) with it, so the parser runs in a child process of the same
program, with a time limit (the parent kills it) and a memory limit (the
address-space limit of the child, where the system has one; Windows and
macOS enforce only the time limit). Whatever goes wrong becomes one
sentence naming the file.

The request (parser, bytes, name, options) goes to the child's stdin as a
pickle; the result comes back on stdout as a pickle read by an unpickler
that only builds the document's own classes; progress comes on stderr as
lines ``\\x1eprogress DONE TOTAL``. Cancelling kills the child.

``PARSERS`` is the dispatch table: a format, the module and function that
read it, and which options the function takes. A format whose module is not
installed is simply not offered (see ``available``).
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.document import Block, Metadata, OfferedClaim, SourceFile, Span, StructuredDocument
from desktop_app.core.errors import ImportCancelled, ImportRefused, MarginaliaError
from desktop_app.core.importers._common import display_name, refused

log = logging.getLogger(__name__)

CHILD_FLAG = "--marginalia-read-file"  # the hidden argument that makes the program a reader child
PROGRESS_PREFIX = b"\x1eprogress "
DEFAULT_TIME_LIMIT_S = 60.0
DEFAULT_MEMORY_LIMIT_MB = 2048


@dataclass(frozen=True, slots=True)
class Parser:
    module: str
    function: str
    media_type: str
    archive: bool = False  # takes max_bytes (the unpacked size limit)
    password: bool = False  # takes password


PARSERS: dict[str, Parser] = {
    "docx": Parser("desktop_app.core.importers.word", "parse_docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", archive=True),
    "odt": Parser("desktop_app.core.importers.opendocument", "parse_odt",
                  "application/vnd.oasis.opendocument.text", archive=True),
    "epub": Parser("desktop_app.core.importers.epub", "parse_epub", "application/epub+zip", archive=True),
    "pdf": Parser("desktop_app.core.importers.pdf", "parse_pdf", "application/pdf", password=True),
}


def available(fmt: str) -> bool:
    """True if the reader of ``fmt`` is installed."""
    parser = PARSERS.get(fmt)
    if parser is None:
        return False
    try:
        return importlib.util.find_spec(parser.module) is not None
    except (ImportError, ValueError):
        return False


def child_command() -> list[str]:
    """How to start a reader child: the bundled program itself, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "desktop_app", CHILD_FLAG]


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        # The child must import this very copy of the program.
        root = str(Path(__file__).resolve().parents[3])
        parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        if root not in parts:
            env["PYTHONPATH"] = os.pathsep.join([root, *parts])
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _seconds(value: float) -> str:
    return f"{value:g} s"


def parse_isolated(
    data: bytes,
    *,
    name: str,
    fmt: str,
    password: str | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
) -> StructuredDocument:
    """Read ``data`` (a file called ``name``) in a child process with the reader of ``fmt``.

    Raises ImportRefused with one sentence for anything that goes wrong,
    ImportCancelled if ``cancelled()`` turns true while the child works.
    """
    parser = PARSERS[fmt]
    kwargs: dict = {}
    if parser.archive:
        kwargs["max_bytes"] = max_bytes
    if parser.password and password is not None:
        kwargs["password"] = password
    return run_in_child(
        parser.module, parser.function, data, name=name, kwargs=kwargs, media_type=parser.media_type,
        progress=progress, cancelled=cancelled, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb,
    )


def run_in_child(
    module: str,
    function: str,
    data: bytes,
    *,
    name: str,
    kwargs: dict | None = None,
    media_type: str = "",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
) -> StructuredDocument:
    """Call ``module.function(data, name=name, progress=…, **kwargs)`` in a child process."""
    request = pickle.dumps(
        {
            "module": module, "function": function, "data": data, "name": name, "kwargs": kwargs or {},
            "memory_limit_mb": memory_limit_mb, "time_limit_s": time_limit_s,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
    try:
        child = subprocess.Popen(
            child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=_child_environment(), creationflags=creationflags,
        )
    except OSError as exc:
        log.error("the reader process could not be started: %s", exc)
        raise refused(name, f"the file could not be read: the reader could not be started ({exc.strerror or exc}).") from None

    out = bytearray()
    err_tail = bytearray()

    def write() -> None:
        try:
            child.stdin.write(request)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child died early: its exit says why
        finally:
            try:
                child.stdin.close()
            except OSError:
                pass

    def read_out() -> None:
        while chunk := child.stdout.read(1 << 16):
            out.extend(chunk)

    def read_err() -> None:
        for line in child.stderr:
            if line.startswith(PROGRESS_PREFIX):
                if progress is not None:
                    try:
                        done, total = (int(x) for x in line[len(PROGRESS_PREFIX):].split()[:2])
                    except ValueError:
                        continue
                    try:
                        progress(done, total)
                    except Exception:  # a progress display that fails must not stop the import
                        log.exception("progress callback failed")
            else:
                err_tail.extend(line)
                del err_tail[: max(0, len(err_tail) - 16384)]

    threads = [threading.Thread(target=t, daemon=True, name=f"reader-{t.__name__}") for t in (write, read_out, read_err)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + time_limit_s
    outcome = None
    try:
        while True:
            try:
                child.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            if cancelled is not None and cancelled():
                outcome = "cancelled"
                break
            if time.monotonic() > deadline:
                outcome = "timeout"
                break
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for t in threads:
            t.join(5)
    if outcome == "cancelled":
        raise ImportCancelled(f"{display_name(name)}: the import was cancelled.")
    if outcome == "timeout":
        raise refused(name, f"the file could not be read: the reader took longer than {_seconds(time_limit_s)} and was stopped.")
    return _result(bytes(out), child.returncode, bytes(err_tail), data, name, media_type, memory_limit_mb)


def _result(payload: bytes, code: int, err: bytes, data: bytes, name: str, media_type: str, memory_mb: int) -> StructuredDocument:
    stderr = err.decode("utf-8", "replace")
    memory = f"the file could not be read: the reader used more than {memory_mb} MB of memory and was stopped."
    if not payload:
        if code is not None and code < 0 and -code == getattr(signal, "SIGXCPU", -1):
            raise refused(name, "the file could not be read: the reader used too much processor time and was stopped.")
        if "MemoryError" in stderr or "bad_alloc" in stderr or "out of memory" in stderr.lower():
            raise refused(name, memory)
        log.error("the reader of %s ended with status %s without a result:\n%s", name, code, stderr[-4000:])
        raise refused(name, "the file could not be read: the reader crashed.")
    try:
        result = _SafeUnpickler(io.BytesIO(payload)).load()
        kind = result[0]
    except Exception as exc:
        log.error("the reader of %s sent back something unreadable (%s)", name, exc)
        raise refused(name, "the file could not be read: the reader crashed.") from None
    if kind == "ok" and isinstance(result[1], StructuredDocument):
        doc = result[1]
        if doc.original is None:
            doc.original = SourceFile(data=data, media_type=media_type, file_name=display_name(name))
        else:
            doc.original.data = data
        return doc
    if kind == "refused":
        raise _error(*result[1:4], args=result[4] if len(result) > 4 else ())
    if kind == "memory":
        raise refused(name, memory)
    if kind == "failed":
        log.error("the reader of %s failed:\n%s", name, result[2][-4000:] if len(result) > 2 else "")
        raise refused(name, f"the file could not be read: the reader failed ({result[1]}).")
    raise refused(name, "the file could not be read: the reader crashed.")


def _error(module: str, qualname: str, message: str, args: tuple = ()) -> MarginaliaError:
    """The child's error as the same class here (only the program's own error
    classes), made with its plain arguments when it has them."""
    cls = None
    if isinstance(module, str) and module.startswith("desktop_app.core.") and isinstance(qualname, str) and "." not in qualname:
        try:
            cls = getattr(importlib.import_module(module), qualname, None)
        except ImportError:
            cls = None
    if isinstance(cls, type) and issubclass(cls, MarginaliaError):
        for attempt in ((tuple(args),) if args else ()) + ((message,),):
            try:
                return cls(*attempt)
            except TypeError:
                continue
    return ImportRefused(str(message))


_ALLOWED = {
    (cls.__module__, cls.__qualname__) for cls in (StructuredDocument, Block, Span, Metadata, SourceFile, OfferedClaim)
}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only the document's classes and plain data: a child that a
    malicious file took over cannot make the parent run anything."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")
