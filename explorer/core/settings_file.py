"""Keep code out of the settings file.

``QSettings`` keeps the app's settings in an INI file. A value written as
``@Variant(...)`` is a ``QDataStream`` blob; when it holds a
``PyQt_PyObject``/``PyObjectWrapper``, PySide turns it back into a Python
object with ``pickle.loads`` as soon as the key is read, so a crafted
``settings.ini`` (copied along with someone's data folder) runs code when the
app starts. The app only ever stores plain values (numbers, strings, lists of
them), so :func:`drop_unsafe_values` removes every ``@Variant`` value before
Qt sees the file. This module reads the file as text and never imports Qt.

The check is done on the value as Qt will decode it: escapes such as
``\\x40`` (an ``@``) and backslash line continuations are undone first, so
an encoded ``@Variant`` is caught too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError

# Qt reads any number of hex or octal digits and keeps the low 16 bits:
# ``\x000040`` and ``\x10040`` are both an ``@``.
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]+|[0-7]+|.)", re.DOTALL)
_UNSAFE = re.compile(r"(?<!@)@variant", re.IGNORECASE)
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(text: str) -> str:
    """Undo the escapes Qt's INI reader undoes (``\\xHHHH``, octal, ``\\n``, ``\\"`` ...)."""

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16) & 0xFFFF)
        if code[0] in "01234567":
            return chr(int(code, 8) & 0xFFFF)
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, text)


def _logical_lines(raw: str) -> list[list[str]]:
    """Group physical lines (kept with their endings) into Qt's logical lines.

    A line ending in an odd number of backslashes continues on the next one.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    for line in raw.splitlines(keepends=True):
        current.append(line)
        body = line.rstrip("\r\n")
        trailing = len(body) - len(body.rstrip("\\"))
        if trailing % 2 == 0:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _is_unsafe(value: str) -> bool:
    """Whether any part of ``value`` would be decoded by Qt as a ``@Variant``.

    Qt writes a plain string that starts with ``@`` as ``@@...``, so
    ``@@Variant`` is text and kept. Otherwise over-matching is harmless (the
    key goes back to its default); under-matching would run code.
    """
    return _UNSAFE.search(_unescape(value.replace('"', ""))) is not None


def drop_unsafe_values(path: str | os.PathLike) -> list[str]:
    """Rewrite the INI file at ``path`` without any ``@Variant`` value.

    Parameters
    ----------
    path : str or os.PathLike
        The settings file. A missing file is left missing.

    Returns
    -------
    list of str
        The keys dropped, as ``QSettings`` names them (``"section/key"``, or
        ``"key"`` in ``[General]``), in file order; empty when the file was
        already safe (it is then not rewritten).

    Raises
    ------
    UserError
        When the file cannot be read, or cannot be rewritten. The caller must
        then not let Qt read it (start with default settings instead).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise UserError(f"could not read {path}: {exc.strerror or exc}") from exc
    # latin-1 maps every byte to one character, so the rewrite keeps every
    # byte of what it does not drop, whatever the file's encoding.
    raw = data.decode("latin-1")
    kept: list[str] = []
    dropped: list[str] = []
    section = ""
    for group in _logical_lines(raw):
        text = "".join(line.rstrip("\r\n").removesuffix("\\") for line in group).lstrip()
        if text.startswith("[") and "]" in text:
            section = _unescape(text[1 : text.index("]")]).strip()
        elif "=" in text and not text.startswith((";", "#")):
            key, value = text.split("=", 1)
            if _is_unsafe(value):
                name = _unescape(key).strip()
                dropped.append(name if section.lower() in ("", "general") else f"{section}/{name}")
                continue
        kept.extend(group)
    if dropped:
        write_bytes(path, "".join(kept).encode("latin-1"))
    return dropped
