"""Where user data lives: datasets, checkpoints, exports, settings and logs.

Never next to the program, which may be read-only when packaged. The
``EXPLORER_DATA_DIR`` environment variable overrides the platform folder (the
tests point it at a temporary folder).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "NeuralDynamicsExplorer"
# In a PyInstaller bundle the resources sit beside the unpacked modules.
_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent.parent))
RESOURCES = _BASE / "resources"
DATA_DIR_ENV = "EXPLORER_DATA_DIR"


def configured_data_dir() -> Path:
    """The user data folder as configured (``EXPLORER_DATA_DIR`` or the platform's), not created."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user data folder, created on first use."""
    path = configured_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class DataDirFallback:
    """The data folder could not be written, so a temporary one is used this session."""

    wanted: Path
    used: Path
    reason: str


def ensure_writable_data_dir() -> DataDirFallback | None:
    """Make sure the data folder can be created and written; otherwise switch to a temporary one.

    Returns ``None`` when the configured folder works. Otherwise a new temporary
    folder becomes the data folder for this process and its children (through
    ``EXPLORER_DATA_DIR``, which child processes inherit) and the returned record
    says where writing failed and why, for the message the user sees.
    """
    wanted = configured_data_dir()
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        # Creating a file is the only reliable test: os.access ignores read-only mounts and ACLs.
        with tempfile.TemporaryFile(dir=wanted):
            pass
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
    used = Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-"))
    os.environ[DATA_DIR_ENV] = str(used)
    return DataDirFallback(wanted=wanted, used=used, reason=reason)


def subdir(name: str) -> Path:
    """A named folder inside the user data folder (``datasets``, ``checkpoints``…)."""
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    """The app's settings (JSON, :mod:`explorer.core.settings_file`; an old ``settings.ini`` is never read)."""
    return data_dir() / "settings.json"


def log_file() -> Path:
    return subdir("logs") / "explorer.log"


def resource(name: str) -> Path:
    """A file shipped in ``resources/``."""
    return RESOURCES / name
