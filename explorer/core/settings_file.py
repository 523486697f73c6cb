"""The app's settings: plain values in a JSON file of the app's own, never Qt's INI.

``QSettings`` keeps values in an INI file whose ``@Variant(...)`` entries are
``QDataStream`` blobs; one holding a ``PyObjectWrapper`` is unpickled by
PySide as soon as its key is read, so a crafted ``settings.ini`` (copied along
with someone's data folder) would run code at start. A filter in front of Qt's
reader missed four of fifteen spellings (a ``#`` line Qt reads as a key, a
comment continued onto the next line by a backslash…), because its idea of
keys, comments and continuations was not Qt's. So Qt never reads settings:
they are kept here as JSON, read with :func:`json.loads` (which builds only
dicts, lists, strings, numbers and booleans) and written through the atomic
helper. A value that is not plain, a name that is too long, or a file that is
not a JSON object is ignored (the file is set aside as ``settings.json.damaged``
and defaults are used), never an error that stops the start.

An old ``settings.ini`` left by an earlier version is never read.

This module never imports Qt.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from typing import Any

from explorer.core.atomic import write_text
from explorer.core.errors import UserError

log = logging.getLogger(__name__)

#: A settings file larger than this is not read (the app writes a few kB).
MAX_BYTES = 1_000_000
#: Longest key and longest text value kept (a window geometry is ~100 characters of base64).
MAX_KEY = 200
MAX_TEXT = 10_000
#: Longest list value kept.
MAX_LIST = 100

Plain = str | int | float | bool | list


def _plain_scalar(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= MAX_TEXT


def is_plain(value: Any) -> bool:
    """Whether ``value`` may be kept: a bool, a bounded int, a finite float, short text, or a short list of those."""
    if isinstance(value, list):
        return len(value) <= MAX_LIST and all(_plain_scalar(v) for v in value)
    return _plain_scalar(value)


def _is_key(key: Any) -> bool:
    return isinstance(key, str) and 0 < len(key) <= MAX_KEY


class SettingsFile:
    """Named plain values kept in one JSON file.

    Each change is written at once (atomically), merged into what the file
    holds then, so two windows on one data folder keep each other's settings.

    Parameters
    ----------
    path
        The JSON file; a missing one means defaults everywhere.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._write_failed = False
        self.problems: list[str] = []
        """What was wrong with the file when it was read (set aside, values ignored)."""
        self._values = self._read()

    def value(self, key: str, default: Any = None) -> Any:
        """The kept value of ``key`` (a plain value), or ``default``."""
        return self._values.get(key, default)

    def set_value(self, key: str, value: Plain) -> None:
        """Keep ``value`` under ``key`` and write the file.

        Raises
        ------
        TypeError
            When ``value`` is not plain or ``key`` is not a short name (a programming error).
        A file that cannot be written (read-only folder, full disk) is noted
        once in the log; the value is still kept for this session.
        """
        if isinstance(value, tuple):
            value = list(value)
        if not _is_key(key) or not is_plain(value):
            raise TypeError(f"settings keep only plain values under short names, not {key!r} = {type(value).__name__}")
        self._values = {**self._read(quiet=True), key: value}
        self._write()

    def remove(self, key: str) -> None:
        """Forget ``key``."""
        values = self._read(quiet=True)
        if key in values or key in self._values:
            values.pop(key, None)
            self._values = values
            self._write()

    def keys(self) -> list[str]:
        return sorted(self._values)

    # the file -------------------------------------------------------------------------------
    def _write(self) -> None:
        try:
            write_text(self.path, json.dumps(self._values, indent=1, sort_keys=True, allow_nan=False))
        except UserError as exc:
            if not self._write_failed:
                log.warning("settings: %s; changes are kept until the app closes", exc)
            self._write_failed = True

    def _read(self, quiet: bool = False) -> dict[str, Any]:
        """The file's plain values; a damaged file is set aside (unless ``quiet``) and gives ``{}``."""
        try:
            if not self.path.exists():
                return {}
            if not self.path.is_file():
                raise ValueError("it is not a regular file")
            if self.path.stat().st_size > MAX_BYTES:
                raise ValueError(f"it is larger than {MAX_BYTES:,} bytes")
            raw = json.loads(self.path.read_bytes().decode("utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("it does not hold named values")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            if not quiet:
                self._set_aside(exc)
            return {}
        kept = {k: v for k, v in raw.items() if _is_key(k) and is_plain(v)}
        ignored = sorted(str(k)[:40] for k in raw if k not in kept)
        if ignored and not quiet:
            message = f"settings: ignored values that are not plain numbers or text: {', '.join(ignored[:10])}"
            log.warning(message)
            self.problems.append(message)
        return kept

    def _set_aside(self, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            if self.path.is_file():
                os.replace(self.path, aside)
                where = f"it was renamed to {aside.name}"
            else:
                where = "it was left as it is"
        except OSError as move_error:
            where = f"it could not be moved aside ({move_error.strerror or move_error})"
        message = f"settings: {self.path.name} could not be read ({reason}); {where}, and defaults are used"
        log.warning(message)
        self.problems.append(message)

