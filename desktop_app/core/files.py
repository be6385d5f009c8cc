"""Writing files so that a failure never leaves a half-written one behind.

``write_atomically`` is the one way the app replaces a file (exports, the
team mode's waiting edits): it writes a temporary file beside the target and
renames it into place only once the write has succeeded and reached the disk.

Permissions: the temporary file is created with ``os.open(..., 0o666)``, so
the kernel applies the process's umask exactly as it would to a new file,
and nothing here reads or changes the umask (``os.umask`` sets a
process-wide value, which would race with worker threads writing files).
A file that replaces another keeps the permissions of the one it replaces;
``private=True`` makes it readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO, Callable, Literal, TextIO, TypeVar, overload

from desktop_app.core.errors import InvalidInput

T = TypeVar("T")

Kind = Literal["text", "binary", "path"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


@overload
def write_atomically(target: Path, write: Callable[[TextIO], T], kind: Literal["text"] = ...,
                     *, private: bool = ...) -> T: ...
@overload
def write_atomically(target: Path, write: Callable[[BinaryIO], T], kind: Literal["binary"],
                     *, private: bool = ...) -> T: ...
@overload
def write_atomically(target: Path, write: Callable[[Path], T], kind: Literal["path"],
                     *, private: bool = ...) -> T: ...


def write_atomically(target, write, kind="text", *, private=False):
    """Write ``target`` through a temporary file beside it, renamed into place
    on success, so that a failed write leaves any earlier file untouched.

    ``write`` receives, by ``kind``: an open text stream (UTF-8, newlines
    written as given), an open binary stream, or the temporary file's path
    (for libraries that write a file by name; the file exists and is empty).
    Returns what ``write`` returns."""
    if kind not in ("text", "binary", "path"):
        raise ValueError(f"unknown kind of write: {kind!r}")
    target = Path(target)
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name to write to.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"The folder {folder} does not exist.")
    keep_mode = None
    if private:
        keep_mode = 0o600
    else:
        try:
            keep_mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:  # a new file: the umask applies, as to any new file
            keep_mode = None
    fd, tmp = _create_beside(folder, target.name, 0o600 if private else 0o666)
    try:
        if keep_mode is not None:
            _set_mode(fd, tmp, keep_mode)
        if kind == "path":
            os.close(fd)
            fd = -1
            result = write(tmp)
            _sync_path(tmp)
        else:
            if kind == "text":
                fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            else:
                fh = os.fdopen(fd, "wb")
            fd = -1  # the stream owns the descriptor now, and closes it
            with fh:
                result = write(fh)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return result


def _create_beside(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new, empty file in ``folder`` with a name no one else uses, opened
    for writing; ``mode`` is filtered by the umask, by the kernel."""
    for _attempt in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(6)}.part"
        try:
            return os.open(tmp, _FLAGS, mode), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise InvalidInput(f"Cannot write in {folder}: {exc.strerror}.") from exc
    raise InvalidInput(f"Cannot write in {folder}: no free name for a temporary file.")


def _set_mode(fd: int, path: Path, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows: only the read-only flag exists
        os.chmod(path, mode)


def _sync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
