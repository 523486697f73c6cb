"""Tables and curves as CSV or tab-separated text (no Qt here).

API:

- ``rows_to_csv(headers, rows) -> str`` and ``rows_to_tsv(headers, rows)``
  (the clipboard form: a spreadsheet pastes it into cells).
- ``write_csv(path, headers, rows)`` -- atomically; raises ``UserError``.
- ``write_table(path, headers, rows)`` -- the same, tab-separated for a ``.tsv`` path.
- ``curves_to_csv(curves, x_name="epoch")`` -- training curves with real
  column names: one row per x value, one column per curve (empty where a
  curve has no point at that x), instead of pyqtgraph's ``x0000, y0000``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from explorer.core.atomic import write_text


def _cell(value) -> str:
    """Text for one cell: every digit of a float (shortest round-trip form), NaN and None empty."""
    if value is None:
        return ""
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        number = float(value)
        return "" if math.isnan(number) else repr(number)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return str(value.item())  # a numpy scalar: plain text, not "np.int64(3)"
    return str(value)


def _write(headers: Sequence[str], rows: Iterable[Sequence], dialect: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, dialect=dialect, lineterminator="\n")
    if headers:
        writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def rows_to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """Comma-separated text with a header row; floats keep every digit."""
    return _write(headers, rows, "excel")


def rows_to_tsv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """Tab-separated text, as spreadsheets paste it from the clipboard."""
    return _write(headers, rows, "excel-tab")


def write_csv(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """Write the table to ``path`` all at once (no half-written file on failure)."""
    return write_text(path, rows_to_csv(headers, rows))


def write_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """:func:`write_csv`, or tab-separated text when ``path`` ends in ``.tsv``."""
    if Path(path).suffix.lower() == ".tsv":
        return write_text(path, rows_to_tsv(headers, rows))
    return write_csv(path, headers, rows)


def curves_table(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                 x_name: str = "epoch") -> tuple[list[str], list[list]]:
    """Headers and rows for ``curves`` (name -> (xs, ys)), joined on x."""
    names = list(curves)
    by_x: dict[float, list] = {}
    for column, name in enumerate(names):
        xs, ys = curves[name]
        for x, y in zip(xs, ys, strict=True):
            by_x.setdefault(float(x), [None] * len(names))[column] = float(y)
    rows = [[_int_if_whole(x), *values] for x, values in sorted(by_x.items())]
    return [x_name, *names], rows


def curves_to_csv(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], x_name: str = "epoch") -> str:
    """CSV of training curves: ``epoch, NetLin loss, NetLin accuracy, …``."""
    headers, rows = curves_table(curves, x_name)
    return rows_to_csv(headers, rows)


def _int_if_whole(x: float):
    return int(x) if x.is_integer() else x
