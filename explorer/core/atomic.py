"""The one way files are written: all or nothing.

Every writer in the app goes through :func:`atomic_write`. The data goes to a
temporary file in the same folder (so :func:`os.replace` is a rename on one
file system, never a copy), is flushed and ``fsync``-ed, and only then takes
the final name. A write that fails midway -- a full disk, a read-only folder,
an exception while serialising -- removes the temporary and leaves the old
file exactly as it was, and the caller gets a :class:`UserError` that names
the file and says why in words ("disk full"), not an errno or a C++ assert.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
