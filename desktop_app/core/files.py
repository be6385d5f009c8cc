"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, TextIO, TypeVar

from desktop_app.core.errors import InvalidInput

T = TypeVar("T")


def write_atomically(target: Path, write: Callable[[TextIO], T]) -> T:
    """Write through a temporary file beside the target, renamed into place on
    success, so that a failed write leaves any earlier file untouched."""
    target = Path(target)
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name to write to.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"The folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise InvalidInput(f"Cannot write in {folder}: {exc.strerror}.") from exc
    try:
        # mkstemp makes the file private (0600); give it the permissions the
        # file it replaces had, or those a newly created file would get.
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result
