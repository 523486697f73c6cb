"""Training curves kept in a work store: thinned to a bounded size when written, checked when read.

A curve is a list of rows of numbers (``[x, loss]``, ``[epoch, loss, accuracy]``).
:func:`thinned` keeps at most ``limit`` rows, evenly spread and always the
last, so a long run's curves stay a few hundred kB of JSON.
:func:`checked_rows` reads them back from a ``work.json`` someone else may
have written: a list of at most ``limit`` rows of ``columns`` finite numbers
(no ``True``, NaN or 400-digit integer), else a :class:`UserError` naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence

from explorer.core.checkpoints import is_number, kind_of
from explorer.core.errors import UserError

#: Most rows of one kept curve (a run's records are thinned evenly to this many).
MAX_ROWS = 2_000


def thinned(rows: Sequence[Sequence[float]], limit: int = MAX_ROWS) -> list[list[float]]:
    """At most ``limit`` of ``rows`` (evenly spread, the last always kept) as plain lists of floats."""
    rows = list(rows)
    if len(rows) > limit:
        step = len(rows) / limit
        picked = [rows[int(i * step)] for i in range(limit - 1)]
        rows = [*picked, rows[-1]]
    return [[float(v) for v in row] for row in rows]


def checked_rows(name: str, value: object, columns: int, limit: int = MAX_ROWS) -> list[list[float]]:
    """``value`` as a list of rows of ``columns`` finite numbers, at most ``limit`` of them."""
    if not isinstance(value, list):
        raise UserError(f"'{name}' should be a list of points, not {kind_of(value)}")
    if len(value) > limit:
        raise UserError(f"'{name}' has {len(value):,} points, more than the {limit:,} kept")
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != columns:
            raise UserError(f"'{name}[{i}]' should be a list of {columns} numbers, not {kind_of(row)}")
        for v in row:
            if not is_number(v):
                raise UserError(f"'{name}[{i}]' holds {kind_of(v)}, not a number")
        rows.append([float(v) for v in row])
    return rows
