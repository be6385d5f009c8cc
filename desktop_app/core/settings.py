"""User settings kept in a small JSON file in the platform's config folder.

(Window geometry lives in QSettings; everything else lives here so that the
core and the command line see the same values.)
"""

from __future__ import annotations

import getpass
import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from desktop_app.core import paths
from desktop_app.core.errors import InvalidInput
from desktop_app.core.files import write_atomically

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Settings:
    annotator: str = ""
    max_import_mb: float = 50.0
    # Word, OpenDocument, EPUB and PDF files are read in a child process
    # stopped after this long or when it needs this much memory.
    reader_time_limit_s: float = 60.0
    reader_memory_limit_mb: float = 2048.0
    # how long a write waits for another window or command to finish its own
    busy_timeout_s: float = 5.0
    # database path -> ids of the documents open in the panes, left to right
    open_documents: dict = field(default_factory=dict)
    # team databases opened lately, newest first, as postgresql://user@host:port/name (never a password)
    recent_team_databases: list = field(default_factory=list)

    @property
    def max_import_bytes(self) -> int:
        return int(self.max_import_mb * 1024 * 1024)

    @property
    def reader_limits(self) -> dict:
        """The import limits as keyword arguments of ``import_file``."""
        return {
            "max_bytes": self.max_import_bytes,
            "time_limit_s": self.reader_time_limit_s,
            "memory_limit_mb": int(self.reader_memory_limit_mb),
        }


def _same_kind(value, default) -> bool:
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return isinstance(value, type(default))


def _system_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or password database
        return "annotator"


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    settings = Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Settings)}
        for key, value in raw.items():
            if key in known and _same_kind(value, getattr(settings, key)):
                setattr(settings, key, value)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
    if not settings.annotator:
        settings.annotator = _system_user()
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(settings)
    try:
        write_atomically(path, lambda fh: json.dump(data, fh, indent=2), private=True)
    except InvalidInput as exc:  # the folder cannot be written: callers handle OSError
        raise OSError(str(exc)) from exc
