"""Where Marginalia keeps its files, from the platform's conventions."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

APP_NAME = "Marginalia"


_DIRS = None  # the platform's folders (the self-test puts stand-ins here)


def _dirs():
    """The platform's folders, looked up when first asked for (the window's
    first paint needs only resources_dir, not platformdirs)."""
    global _DIRS
    if _DIRS is None:
        import platformdirs

        _DIRS = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return _DIRS


def data_dir() -> Path:
    return Path(_dirs().user_data_dir)


def default_database() -> Path:
    return data_dir() / "marginalia.db"


def log_dir() -> Path:
    return Path(_dirs().user_log_dir)


def log_file() -> Path:
    return log_dir() / "marginalia.log"


def config_dir() -> Path:
    return Path(_dirs().user_config_dir)


def settings_file() -> Path:
    return config_dir() / "settings.json"


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def seeds_dir() -> Path:
    """The sample articles: ``seeds/`` beside the package, or bundled inside it."""
    for candidate in (project_root() / "seeds", Path(__file__).resolve().parents[1] / "_data" / "seeds"):
        if candidate.is_dir():
            return candidate
    return project_root() / "seeds"


@lru_cache(maxsize=1)  # asked for by every icon; resolving the path costs a dozen system calls
def resources_dir() -> Path:
    for candidate in (project_root() / "resources", Path(__file__).resolve().parents[1] / "_data" / "resources"):
        if candidate.is_dir():
            return candidate
    return project_root() / "resources"
