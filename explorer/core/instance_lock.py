"""One window at a time keeps work in a data folder: a lock file held while the window is open.

Two windows on one data folder each save their work on close, and the one
closed last silently replaced the other's. The first window (process) to open
a data folder holds ``<data>/window.lock``; a second one is told who holds it
and opens read-only (:class:`explorer.core.work_store.WorkStore` refuses its
saves).

The lock is the operating system's, so it dies with its process: a crash or a
kill never leaves a stale lock behind. On POSIX it is ``fcntl.flock``, on
Windows ``msvcrt.locking``; elsewhere the file is created with ``O_EXCL`` and
holds its owner's process id, and a file whose process is gone is taken over.
The file itself is only a lock: it never holds the user's data (which is why it
is written in place, not through :mod:`explorer.core.atomic`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from explorer.core import paths

log = logging.getLogger(__name__)

LOCK_NAME = "window.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

MECHANISMS = ("flock", "msvcrt", "exclusive-file")


def default_mechanism() -> str:
    """The locking this platform offers: ``flock`` (POSIX), ``msvcrt`` (Windows), else ``exclusive-file``."""
    if fcntl is not None:
        return "flock"
    return "msvcrt" if msvcrt is not None else "exclusive-file"


class DataFolderLock:
    """The lock on one data folder, held by this process from :meth:`acquire` until :meth:`release` or exit."""

    def __init__(self, folder: str | os.PathLike, mechanism: str | None = None):
        self.path = Path(folder) / LOCK_NAME
        self.mechanism = mechanism or default_mechanism()
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"unknown lock mechanism {self.mechanism!r}")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; ``False`` when another process holds it (``OSError`` when no lock file can be made)."""
        if self._fd is None:
            self._fd = getattr(self, f"_acquire_{self.mechanism.replace('-', '_')}")()
        return self._fd is not None

    def release(self) -> None:
        """Let another window have the folder (closing the file ends an OS lock)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if self.mechanism == "exclusive-file":
            try:
                self.path.unlink()
            except OSError:
                pass
        os.close(fd)

    # the mechanisms ------------------------------------------------------------------------------------
    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)

    def _acquire_flock(self) -> int | None:
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    def _acquire_msvcrt(self) -> int | None:  # pragma: no cover - Windows
        fd = self._open()
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            return None
        return fd

    def _acquire_exclusive_file(self) -> int | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if _owner_alive(self.path):
                    return None
                log.info("taking over %s: the window that held it is gone", self.path)
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
                continue
            os.write(fd, str(os.getpid()).encode("ascii"))
            return fd
        return None


def _owner_alive(path: Path) -> bool:
    """Whether the process named in an ``exclusive-file`` lock still runs (an unreadable file counts as alive)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return True
    if not text.isdigit() or len(text) > 10:
        return True  # being written this instant, or not ours: leave it
    pid = int(text)
    if pid == os.getpid():
        return False
    if os.name != "posix":  # pragma: no cover - a platform without flock or msvcrt
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


_held: dict[Path, DataFolderLock] = {}
_refused: dict[Path, str] = {}


def claim_data_folder(folder: str | os.PathLike | None = None) -> str | None:
    """Hold the data folder's lock for this process; ``None`` when held, else a message saying why not.

    Claiming again from the same process is harmless (the lock is held once,
    until the process ends). The answer is remembered for :func:`refusal`.
    """
    folder = Path(folder) if folder is not None else paths.data_dir()
    key = folder.resolve()
    if key in _held:
        return None
    lock = DataFolderLock(folder)
    try:
        acquired = lock.acquire()
    except OSError as exc:  # a folder that cannot hold a file cannot keep work either: its writes say so
        log.warning("could not lock the data folder %s: %s", folder, exc)
        return None
    if acquired:
        _held[key] = lock
        _refused.pop(key, None)
        return None
    _refused[key] = (
        f"Another Neural Dynamics Explorer window has the data folder {folder} open. This window is read-only:"
        " changes made here are not kept. Close the other window, then open this one again to keep your work."
    )
    log.warning("data folder %s is locked by another window: read-only", folder)
    return _refused[key]


def refusal(folder: str | os.PathLike | None = None) -> str | None:
    """The message from this process's failed :func:`claim_data_folder` of ``folder``, else ``None``."""
    folder = Path(folder) if folder is not None else paths.data_dir()
    return _refused.get(folder.resolve())


def release_data_folder(folder: str | os.PathLike | None = None) -> None:
    """Give the lock back (the process ending does the same)."""
    folder = Path(folder) if folder is not None else paths.data_dir()
    key = folder.resolve()
    lock = _held.pop(key, None)
    _refused.pop(key, None)
    if lock is not None:
        lock.release()
