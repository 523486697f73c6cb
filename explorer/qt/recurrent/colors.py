"""Colour maps shared by the views."""

from __future__ import annotations

import numpy as np


def jet(values: np.ndarray, vmin: float, vmax: float, alpha: float = 1.0) -> np.ndarray:
    """RGBA in [0, 1] for ``values`` on the classic jet map (blue → cyan → yellow → red)."""
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip((np.asarray(values, dtype=np.float64) - vmin) / span, 0.0, 1.0)
    r = np.clip(1.5 - np.abs(4.0 * t - 3.0), 0.0, 1.0)
    g = np.clip(1.5 - np.abs(4.0 * t - 2.0), 0.0, 1.0)
    b = np.clip(1.5 - np.abs(4.0 * t - 1.0), 0.0, 1.0)
    return np.column_stack([r, g, b, np.full_like(t, alpha)])
