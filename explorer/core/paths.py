"""Where user data lives: datasets, checkpoints, exports, settings and logs.

Never next to the program, which may be read-only when packaged. The
``EXPLORER_DATA_DIR`` environment variable overrides the platform folder (the
tests point it at a temporary folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "NeuralDynamicsExplorer"
# In a PyInstaller bundle the resources sit beside the unpacked modules.
_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent.parent))
RESOURCES = _BASE / "resources"


def data_dir() -> Path:
    """The user data folder, created on first use."""
    override = os.environ.get("EXPLORER_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def subdir(name: str) -> Path:
    """A named folder inside the user data folder (``datasets``, ``checkpoints``…)."""
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return data_dir() / "settings.ini"


def log_file() -> Path:
    return subdir("logs") / "explorer.log"


def resource(name: str) -> Path:
    """A file shipped in ``resources/``."""
    return RESOURCES / name
