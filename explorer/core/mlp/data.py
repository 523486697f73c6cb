"""Two-input, 0/1-target data sets: the course's 9-point checkerboard, CSV files, built-in sets.

Data sets are immutable: editing helpers (:func:`with_toggled`, :func:`with_point`,
:func:`without_point`) return new ones, so an undo stack can simply keep the old ones.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from explorer.core.atomic import write_text
from explorer.core.errors import UserError
from explorer.core.progress import Progress, run_to_end
from explorer.core.user_files import regular_file

MAX_COORDINATE = 1e6
"""Largest |x| or |y| accepted: far beyond any data the plots and the sigmoid can use,
small enough that squares, grids and plot ranges stay finite (1e308 broke them)."""


@dataclass(frozen=True, eq=False)
class Dataset2D:
    """Points (N×2 float) with 0/1 targets (N int) and a display name."""

    points: np.ndarray
    targets: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        points = np.array(self.points, dtype=np.float64).reshape(-1, 2)
        targets = np.array(self.targets, dtype=np.int64).reshape(-1)
        if len(points) != len(targets):
            raise UserError(f"{len(points)} points but {len(targets)} targets")
        if not np.all((targets == 0) | (targets == 1)):  # np.isin sorted a million targets: 0.2 s
            raise UserError("every target must be 0 or 1")
        if not np.all(np.isfinite(points)):
            raise UserError("every point must have finite coordinates")
        if points.size and float(np.abs(points).max()) > MAX_COORDINATE:
            raise UserError(f"every coordinate must be between -{MAX_COORDINATE:g} and {MAX_COORDINATE:g}")
        points.flags.writeable = False
        targets.flags.writeable = False
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "targets", targets)

    def __len__(self) -> int:
        return len(self.targets)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset2D):
            return NotImplemented
        return np.array_equal(self.points, other.points) and np.array_equal(
            self.targets, other.targets
        )

    __hash__ = None  # type: ignore[assignment]

    def bounds(self, margin: float = 0.5) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((xmin, xmax), (ymin, ymax))`` around the points plus ``margin``, for plot ranges."""
        if len(self) == 0:
            return (-margin, margin), (-margin, margin)
        lo = self.points.min(axis=0) - margin
        hi = self.points.max(axis=0) + margin
        return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


# --- editing (new data sets, never in place) -------------------------------------------------


def with_toggled(dataset: Dataset2D, index: int) -> Dataset2D:
    """A copy of ``dataset`` with the target of point ``index`` flipped (0 ↔ 1)."""
    if not 0 <= index < len(dataset):
        raise UserError(f"there is no point number {index}")
    targets = dataset.targets.copy()
    targets[index] = 1 - targets[index]
    return _checked_already(dataset.points, targets, dataset.name)


def with_point(dataset: Dataset2D, x: float, y: float, target: int) -> Dataset2D:
    """A copy of ``dataset`` with the point (x, y) of class ``target`` added at the end."""
    added = Dataset2D([[x, y]], [int(target)])  # checks the new point only
    return _checked_already(np.vstack([dataset.points, added.points]), np.append(dataset.targets, added.targets),
                            dataset.name)


def _checked_already(points: np.ndarray, targets: np.ndarray, name: str) -> Dataset2D:
    """A set made of arrays already checked (an edit of a set): checking a million points again on every
    click held the window ~60 ms (now ~2 ms). ``points`` is N×2 float64, ``targets`` N int64 of 0/1; both kept read-only."""
    dataset = object.__new__(Dataset2D)
    points.flags.writeable = False
    targets.flags.writeable = False
    object.__setattr__(dataset, "points", points)
    object.__setattr__(dataset, "targets", targets)
    object.__setattr__(dataset, "name", name)
    return dataset


def without_point(dataset: Dataset2D, index: int) -> Dataset2D:
    """A copy of ``dataset`` with point ``index`` removed."""
    if not 0 <= index < len(dataset):
        raise UserError(f"there is no point number {index}")
    keep = np.arange(len(dataset)) != index
    return Dataset2D(dataset.points[keep], dataset.targets[keep], dataset.name)


def nearest_point(dataset: Dataset2D, x: float, y: float) -> int | None:
    """Index of the point nearest to (x, y), or ``None`` for an empty set (for click-to-toggle)."""
    if len(dataset) == 0:
        return None
    return int(np.argmin(np.hypot(dataset.points[:, 0] - x, dataset.points[:, 1] - y)))


# --- CSV -------------------------------------------------------------------------------------


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


LARGE_CSV_ROWS = 10_000
"""Above this many lines a CSV is read off the GUI thread, with progress (see :func:`load_csv_steps`)."""

_PROGRESS_EVERY = 20_000


SMALL_CSV_BYTES = 1 << 20
"""Over this size a CSV is read off the GUI thread without counting its lines first (see :func:`reads_at_once`)."""


def _brief(text: str, limit: int = 40) -> str:
    """A stranger's field as a message quotes it: at most ``limit`` characters (a 2 MB field
    once filled the whole message box)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reads_at_once(path: str | os.PathLike) -> bool:
    """Whether ``path`` is small enough to read on the GUI thread: at most :data:`LARGE_CSV_ROWS` lines.

    A file over :data:`SMALL_CSV_BYTES` is not even counted: counting the lines of a
    10^6-row CSV (19 MB) took the window 20-50 ms before its background read began.
    Anything that cannot be looked at here says "yes": the read itself names the problem.
    """
    try:
        if os.stat(path).st_size > SMALL_CSV_BYTES:
            return False
    except (OSError, ValueError):
        return True
    return count_lines(path) <= LARGE_CSV_ROWS


def count_lines(path: str | os.PathLike) -> int:
    """Lines in ``path`` (a fast byte count: decides whether the read needs a background task)."""
    try:
        regular_file(path)  # a FIFO would block here, on the GUI thread
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except (OSError, UserError):
        return 0  # the real read names the problem


def load_csv(path: str | os.PathLike) -> Dataset2D:
    """Read a CSV of ``x, y, target`` rows (header line optional, spaces around fields allowed).

    Raises :class:`UserError` naming the file, the line and the problem for anything malformed.
    """
    return run_to_end(load_csv_steps(path))


def load_csv_steps(path: str | os.PathLike) -> Generator[Progress, None, Dataset2D]:
    """:func:`load_csv` as a progress generator (for a background Task): yields every 20,000 lines."""
    path = regular_file(path, "CSV file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path.name}: not a text file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return (yield from parse_csv_steps(text, name=path.name))


def parse_csv(text: str, name: str = "data") -> Dataset2D:
    """Parse CSV text as :func:`load_csv` does; ``name`` is used in messages and as the set's name."""
    return run_to_end(parse_csv_steps(text, name))


def parse_csv_steps(text: str, name: str = "data") -> Generator[Progress, None, Dataset2D]:
    """:func:`parse_csv` as a progress generator: ``Progress(line, lines)`` every 20,000 lines.

    Run in a background thread beside the window, so no single call holds the GIL for
    long: lines are taken one at a time (not one ``splitlines`` of the whole text) and
    the columns become arrays from lists of floats (not one ``np.array`` of a million
    tuples, ~0.4 s in which the window could not draw).
    """
    xs: list[float] = []
    ys: list[float] = []
    targets: list[int] = []
    # Every _PROGRESS_EVERY lines the lists become arrays: turning a million floats into an array
    # in one assignment held the GIL ~0.3 s on a busy machine, and the window could not draw.
    chunks: list[tuple[np.ndarray, np.ndarray]] = []
    first_content = True
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    for number, raw in enumerate(io.StringIO(text, newline=None), start=1):  # \n, \r\n and \r end lines
        if number % _PROGRESS_EVERY == 0:
            if targets:
                chunks.append((np.column_stack((xs, ys)), np.array(targets, dtype=np.int64)))
                xs, ys, targets = [], [], []
            yield Progress(number, total, f"reading {name}: line {number:,} of {total:,}")
        line = raw.strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        values = [_number(f) for f in fields]
        if first_content:
            first_content = False
            if any(v is None for v in values):
                continue  # a header line
        where = f"{name}, line {number}"
        if len(fields) != 3:
            raise UserError(f"{where}: expected 3 values (x, y, target), found {len(fields)}")
        for field_text, value, what in zip(fields, values, ("x", "y", "target"), strict=True):
            if value is None:
                shown = field_text if field_text else "nothing"
                raise UserError(f"{where}: {what} is not a number ({_brief(shown)!r})")
            if not math.isfinite(value):
                raise UserError(f"{where}: {what} is not a finite number ({_brief(field_text)!r})")
            if abs(value) > MAX_COORDINATE:
                raise UserError(
                    f"{where}: {what} is out of range ({_brief(field_text)}; coordinates must be"
                    f" between -{MAX_COORDINATE:g} and {MAX_COORDINATE:g})"
                )
        x, y, t = values
        if t not in (0.0, 1.0):
            raise UserError(f"{where}: target must be 0 or 1, not {fields[2]}")
        xs.append(x)
        ys.append(y)
        targets.append(int(t))
    if first_content:
        raise UserError(f"{name}: the file is empty")
    chunks.append((np.column_stack((xs, ys)).reshape(-1, 2), np.array(targets, dtype=np.int64)))
    rows = sum(len(t) for _p, t in chunks)
    if rows < 2:
        raise UserError(f"{name}: needs at least 2 data rows, found {rows}")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    points = np.concatenate([p for p, _t in chunks]).astype(np.float64, copy=False)
    return Dataset2D(points, np.concatenate([t for _p, t in chunks]), stem)


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def save_csv(dataset: Dataset2D, path: str | os.PathLike) -> Path:
    """Write ``dataset`` in the course's format (header `` X, Y, T``), atomically."""
    path = Path(path)
    lines = [" X, Y, T"]
    for (x, y), t in zip(dataset.points, dataset.targets, strict=True):
        lines.append(f" {_format_number(x)}, {_format_number(y)}, {int(t)}")
    return write_text(path, "\n".join(lines) + "\n")


# --- built-in sets ---------------------------------------------------------------------------


def checkerboard() -> Dataset2D:
    """The course's ``check.csv``: (x, y) in {0,1,2}², target (x + y) mod 2."""
    grid = [(x, y) for x in range(3) for y in range(3)]
    return Dataset2D(np.array(grid, dtype=float), np.array([(x + y) % 2 for x, y in grid]), "check")


def xor() -> Dataset2D:
    """The four corners of the unit square, target x XOR y."""
    grid = [(0, 0), (0, 1), (1, 0), (1, 1)]
    return Dataset2D(np.array(grid, dtype=float), np.array([x ^ y for x, y in grid]), "xor")


def two_circles(n: int = 60, seed: int = 0) -> Dataset2D:
    """``n`` points: an inner disc (target 1) inside a ring (target 0), slightly noisy."""
    rng = np.random.default_rng(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.8, inner), rng.uniform(1.4, 2.0, n - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    targets = np.concatenate([np.ones(inner, int), np.zeros(n - inner, int)])
    return Dataset2D(points.round(3), targets, "two circles")


def two_spirals(n: int = 60, seed: int = 0) -> Dataset2D:
    """``n`` points on two interleaved spirals (targets 0 and 1), slightly noisy."""
    rng = np.random.default_rng(seed)
    half = n // 2
    counts = (half, n - half)
    points, targets = [], []
    for cls, count in enumerate(counts):
        t = np.linspace(0.25, 1.0, count) * 2.5 * np.pi
        r = t / (2.5 * np.pi) * 2.0
        phase = cls * np.pi
        xy = np.column_stack([r * np.cos(t + phase), r * np.sin(t + phase)])
        points.append(xy + rng.normal(0.0, 0.03, xy.shape))
        targets.append(np.full(count, cls))
    return Dataset2D(np.vstack(points).round(3), np.concatenate(targets), "two spirals")


BUILTIN_SETS: dict[str, Callable[[], Dataset2D]] = {
    "Checkerboard (course)": checkerboard,
    "XOR": xor,
    "Two circles": two_circles,
    "Two spirals": two_spirals,
}
"""Menu name → zero-argument function making the set (deterministic)."""
