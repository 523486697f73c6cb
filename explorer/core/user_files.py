"""Files the user names: only regular files are opened for reading.

Opening a FIFO for reading waits for a writer that may never come, a device
such as ``/dev/zero`` never ends, and a folder is not a file. Every reader of a
user-chosen path (weights, CSV, images, the files of a data folder) calls
:func:`regular_file` first, so each of these is refused with one message that
names the path, before anything is opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from explorer.core.errors import UserError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def regular_file(path: str | os.PathLike, what: str = "file") -> Path:
    """``path`` as a :class:`~pathlib.Path` if it is an existing regular file (links followed).

    Raises :class:`UserError` naming the path for a missing file, a folder, a
    FIFO, a device or a socket; ``what`` says what was expected (``"image file"``).
    """
    path = Path(path).expanduser()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise UserError(f"{path}: {kind}, not a regular {what}")
    return path
