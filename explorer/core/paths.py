"""Where user data lives: datasets, checkpoints, exports, settings and logs.

Never next to the program, which may be read-only when packaged. The
``EXPLORER_DATA_DIR`` environment variable overrides the platform folder (the
tests point it at a temporary folder).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from explorer.core.errors import UserError

APP_NAME = "NeuralDynamicsExplorer"
# In a PyInstaller bundle the resources sit beside the unpacked modules.
_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent.parent))
RESOURCES = _BASE / "resources"
DATA_DIR_ENV = "EXPLORER_DATA_DIR"


class DataFolderError(UserError, OSError):
    """The data folder cannot be used (a file has its name); the message says which and why.

    A :class:`UserError` for the command line's one ``error:`` line, and an
    :class:`OSError` for callers that already treat a failed folder as one.
    """


def configured_data_dir() -> Path:
    """The user data folder as configured (``EXPLORER_DATA_DIR`` or the platform's), not created."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _where() -> str:
    return f" (set by {DATA_DIR_ENV})" if os.environ.get(DATA_DIR_ENV) else ""


def data_dir() -> Path:
    """The user data folder, created on first use if it can be.

    A folder that cannot be created (a read-only parent) is returned all the
    same: reading finds nothing there, and a write through
    :func:`explorer.core.atomic.atomic_write` says why it failed.

    Raises
    ------
    DataFolderError
        A file has the data folder's name (``EXPLORER_DATA_DIR`` pointing at a file).
    """
    path = configured_data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if path.exists() and not path.is_dir():
            raise DataFolderError(f"the data folder {path}{_where()} is a file, not a folder") from exc
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
        if wanted.exists() and not wanted.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
        wanted.mkdir(parents=True, exist_ok=True)
        # Creating a file is the only reliable test: os.access ignores read-only mounts and ACLs.
        with tempfile.TemporaryFile(dir=wanted):
            pass
        return None
    except FileExistsError:  # a file appeared at the name in between
        reason = "it is a file, not a folder"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    used = Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-"))
    os.environ[DATA_DIR_ENV] = str(used)
    return DataDirFallback(wanted=wanted, used=used, reason=reason)


def subdir(name: str) -> Path:
    """A named folder inside the user data folder (``datasets``, ``checkpoints``…), created if it can be.

    Asking where a file would be never fails for a read-only data folder: a
    reader then finds nothing, and a writer gets ``could not write …:
    read-only file system`` from the atomic writer (which makes missing folders
    itself).
    """
    path = data_dir() / name
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path


def remove_leftover_temporaries() -> list[Path]:
    """Remove the ``.*.part`` temporaries that killed writers left in the data folder's subfolders.

    Called once at start by the app and the command line; only files older
    than this process go (see :func:`explorer.core.atomic.remove_leftover_parts`).
    Never raises.
    """
    from explorer.core.atomic import remove_leftover_parts

    return remove_leftover_parts(configured_data_dir())


def settings_file() -> Path:
    """The app's settings (JSON, :mod:`explorer.core.settings_file`; an old ``settings.ini`` is never read)."""
    return data_dir() / "settings.json"


def log_file() -> Path:
    return subdir("logs") / "explorer.log"


def resource(name: str) -> Path:
    """A file shipped in ``resources/``."""
    return RESOURCES / name
