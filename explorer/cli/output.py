"""What the command line prints: JSON that is always valid.

``json.dumps`` writes ``NaN`` and ``Infinity`` by default, which no JSON
parser accepts. Every ``--json`` object goes through :func:`print_json`:
a value that is not a finite number becomes ``null``, and ``allow_nan=False``
makes any other slip an error here rather than broken output downstream.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def clean(value: Any) -> Any:
    """``value`` with every non-finite float (and numpy scalar) replaced by ``None``."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        return clean(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def dumps(value: Any) -> str:
    """One line of strict JSON (no NaN, no Infinity)."""
    return json.dumps(clean(value), allow_nan=False)


def print_json(value: Any, file=None) -> None:
    """Print ``value`` as one line of strict JSON on stdout (or ``file``)."""
    print(dumps(value), file=file or sys.stdout)
