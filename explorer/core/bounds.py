"""Ranges for the numbers people type, checked in one way with one kind of message.

Every option of the command line and every field of the GUI ends in a config
object in core whose ``validate``/``check`` calls these, so a value that
would run for hours, fill the memory or crash torch (``--hidden 100000``,
``--length 100000``, ``--threads -3``) is refused with one line that says
the range.
"""

from __future__ import annotations

import math

from explorer.core.errors import UserError


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is a whole number in ``[low, high]``, else raise :class:`UserError`.

    Parameters
    ----------
    name : str
        How the user knows the value (``"hidden units"``, ``"--max-n"``).
    value : object
        The value to check; ``bool`` is refused (``True`` is not a count).
    low, high : int
        The inclusive range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"{name} must be a whole number (got {value!r})")
    if not low <= value <= high:
        raise UserError(f"{name} must be between {low:,} and {high:,} (got {value:,})")
    return value


def check_float(name: str, value: object, low: float, high: float, *, low_open: bool = False) -> float:
    """Return ``value`` as a float if it is finite and in range, else raise :class:`UserError`.

    ``low_open`` excludes ``low`` itself (a learning rate must be above 0).
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UserError(f"{name} must be a number (got {value!r})") from None
    if not math.isfinite(number):
        raise UserError(f"{name} must be a finite number (got {value})")
    above = number > low if low_open else number >= low
    if not (above and number <= high):
        where = f"above {low:g} and at most {high:g}" if low_open else f"between {low:g} and {high:g}"
        raise UserError(f"{name} must be {where} (got {number:g})")
    return number
