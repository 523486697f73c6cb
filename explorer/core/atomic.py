"""The one way files are written: all or nothing.

Every writer in the app goes through :func:`atomic_write`. The data goes to a
temporary file in the same folder (so :func:`os.replace` is a rename on one
file system, never a copy), is flushed and ``fsync``-ed, and only then takes
the final name. A write that fails midway -- a full disk, a read-only folder,
an exception while serialising -- removes the temporary and leaves the old
file exactly as it was, and the caller gets a :class:`UserError` that names
the file and says why in words ("disk full"), not an errno or a C++ assert.

Only a regular file is ever replaced: a device (``/dev/full``), a folder, a
FIFO, a socket or a symbolic link at the target name is refused before
anything is written. Temporaries of a writer that was killed (SIGKILL, power
loss) are removed at the next start by :func:`remove_leftover_parts`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from explorer.core.errors import UserError

_REASONS = {
    errno.ENOSPC: "disk full",
    getattr(errno, "EDQUOT", -1): "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied (the folder is read-only for you)",
    errno.EPERM: "permission denied (the folder is read-only for you)",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "a folder has that name",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EFBIG: "the file is too large for this file system",
    errno.EIO: "input/output error on the disk",
}

# Exceptions that mean "the write failed" rather than "the caller has a bug".
# RuntimeError is what torch.save raises when its zip writer hits a full disk.
_WRITE_FAILURES = (OSError, RuntimeError, MemoryError, ValueError, OverflowError)


def reason(exc: BaseException) -> str:
    """Say in a few words why a write failed (``"disk full"``, ``"read-only file system"``).

    Parameters
    ----------
    exc : BaseException
        The exception raised by the write.

    Returns
    -------
    str
        A short phrase without the file name, fit to follow ``"could not write X: "``.
    """
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, MemoryError):
        return "out of memory"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, RuntimeError) and ("write failed" in text or "enforce fail" in text):
        # torch's zip writer loses the errno; a failed write is nearly always space.
        return "the data could not be written (is the disk full?)"
    return text[:160]


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(path: str | os.PathLike) -> None:
    """Raise a :class:`UserError` if something other than a regular file already has the name ``path``.

    :func:`atomic_write` checks this itself; a caller may ask early, before long work.
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # nothing there (or unreachable: the write itself will say why)
        return
    if stat.S_ISREG(mode):
        return
    kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
    raise UserError(f"could not write {path}: it is {kind}, not a regular file (nothing was replaced)")


def _open_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """Create a new, empty temporary file beside the target.

    ``os.open`` with mode 0o666 lets the user's umask decide the permissions,
    as a plain ``open`` would (``mkstemp`` would make it 0600).
    """
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "could not find a free temporary name")


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) everywhere."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Open a temporary file that replaces ``path`` only when the block ends without error.

    Parameters
    ----------
    path : str or os.PathLike
        The final file. Its folder is created if missing.
    mode : str
        ``"wb"`` (default) or ``"w"`` (text, UTF-8 unless ``encoding`` says otherwise).
    encoding, newline : str, optional
        As for :func:`open`, text mode only.

    Yields
    ------
    file object
        Write to it; do not close it.

    Raises
    ------
    UserError
        ``"could not write <path>: <reason>"`` when the folder cannot be made,
        the temporary cannot be created, written, flushed or renamed, or the
        block raises an OS, torch or memory error. The old file is untouched.
        A ``UserError`` raised inside the block passes through unchanged;
        other exceptions (bugs, ``KeyboardInterrupt``) propagate as they are,
        after the temporary is removed.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write writes whole files: mode must be 'wb' or 'w', not {mode!r}")
    path = Path(path)
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise UserError(f"could not write {path}: {path.parent} is a file, not a folder") from exc
    except _WRITE_FAILURES as exc:
        raise UserError(f"could not write {path}: {reason(exc)}") from exc
    try:
        fd, tmp = _open_temporary(path.parent, path.name)
    except _WRITE_FAILURES as exc:
        raise UserError(f"could not write {path}: {reason(exc)}") from exc
    fh: IO[Any] | None = None
    try:
        fh = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        with contextlib.suppress(FileNotFoundError):
            # Keep the mode of the file being replaced (e.g. group-readable).
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        check_target(path)  # again: it may have appeared while we wrote
        os.replace(tmp, path)
    except BaseException as exc:
        if fh is None:
            os.close(fd)
        else:
            with contextlib.suppress(Exception):
                fh.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, UserError) or not isinstance(exc, _WRITE_FAILURES):
            raise
        raise UserError(f"could not write {path}: {reason(exc)}") from exc
    _fsync_folder(path.parent)


_PART_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.part")
"""The names :func:`_open_temporary` gives: ``.<name>.<8 hex digits>.part``."""

_PROCESS_STARTED = time.time()


def process_start_time() -> float:
    """When this process started (Unix time); the import time of this module where the OS does not say."""
    with contextlib.suppress(OSError, ValueError, IndexError, AttributeError):
        with open("/proc/self/stat", "rb") as fh:
            ticks = int(fh.read().rsplit(b")", 1)[1].split()[19])  # field 22: start, in clock ticks since boot
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
        tick = 1 / os.sysconf("SC_CLK_TCK")
        # The start is counted in whole ticks (rounded down): add one, so a file written by a
        # process killed just before this one started counts as older than it.
        return time.time() - (since_boot - ticks * tick) + tick
    return _PROCESS_STARTED


def _held_open(files: dict[tuple[int, int], Path]) -> set[tuple[int, int]]:
    """Which of ``files`` (keyed by device and inode) some process has open, as far as /proc tells."""
    held: set[tuple[int, int]] = set()
    try:
        processes = [entry.path for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return held
    for process in processes:
        try:
            descriptors = list(os.scandir(os.path.join(process, "fd")))
        except OSError:  # gone, or not ours to look at
            continue
        for fd in descriptors:
            with contextlib.suppress(OSError):
                info = os.stat(fd.path)
                key = (info.st_dev, info.st_ino)
                if key in files:
                    held.add(key)
    return held


def remove_leftover_parts(folder: str | os.PathLike, before: float | None = None, depth: int = 4) -> list[Path]:
    """Remove the temporaries of writers that were killed mid-write, in ``folder``'s subfolders.

    Only regular files named as :func:`atomic_write` names its temporaries
    (``.<name>.<8 hex digits>.part``), last modified before ``before``
    (default: when this process started, so a write under way in this process
    is never touched) and, where ``/proc`` says, open in no process (another
    instance of the app may be downloading into one right now) are removed, at
    most ``depth`` folders deep; links are not followed. Files at the top of
    ``folder`` itself are left alone. Never raises: a folder that cannot be
    read or a file that cannot be removed is skipped.

    Returns
    -------
    list of Path
        The files removed.
    """
    limit = process_start_time() if before is None else before
    root = Path(folder)
    candidates: dict[tuple[int, int], Path] = {}
    try:
        subfolders = [entry for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    pending = [(Path(entry.path), 1) for entry in subfolders]
    while pending:
        current, level = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    if level < depth:
                        pending.append((Path(entry.path), level + 1))
                elif entry.is_file(follow_symlinks=False) and _PART_NAME.fullmatch(entry.name):
                    info = entry.stat(follow_symlinks=False)
                    if info.st_mtime < limit:
                        candidates[(info.st_dev, info.st_ino)] = Path(entry.path)
    if not candidates:
        return []
    held = _held_open(candidates)
    removed = []
    for key, path in candidates.items():
        if key not in held:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; see :func:`atomic_write`."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (newlines as given); see :func:`atomic_write`."""
    with atomic_write(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)
