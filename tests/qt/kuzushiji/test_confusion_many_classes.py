"""The confusion matrix draws numbers only for the cells in view, so a folder of hundreds of classes opens at once."""

from __future__ import annotations

import numpy as np

from explorer.qt.kuzushiji.confusion_matrix import NUMBERS_UP_TO, ConfusionMatrixView


def _matrix(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size=(n, n))
    counts[np.diag_indices(n)] = rng.integers(20, 40, size=n)
    return counts


def test_every_cell_of_kmnists_matrix_shows_its_number(qtbot):
    view = ConfusionMatrixView([f"k{i} r{i}" for i in range(10)])
    qtbot.addWidget(view)
    view.resize(500, 450)
    view.show()
    counts = _matrix(10)
    view.set_matrix(counts)
    drawn = view.numbers_drawn()
    assert len(drawn) == 100
    assert all(text == (str(counts[t, p]) if counts[t, p] or t == p else "·") for (t, p), text in drawn.items())
    view.set_order(list(reversed(range(10))))  # reordered: the same numbers, under their classes
    assert view.numbers_drawn() == drawn


def test_a_300_class_matrix_draws_only_the_cells_in_view(qtbot):
    n = 300
    view = ConfusionMatrixView([f"class{i}" for i in range(n)])
    qtbot.addWidget(view)
    view.resize(600, 560)
    view.show()
    counts = _matrix(n, seed=1)
    view.set_matrix(counts)
    assert view.numbers_drawn() == {}  # the whole matrix in view: too many cells for numbers
    view.zoom_to(150, 152, cells=8)
    drawn = view.numbers_drawn()
    assert (150, 152) in drawn and drawn[(150, 152)] == (str(counts[150, 152]) if counts[150, 152] else "·")
    assert 64 <= len(drawn) <= (NUMBERS_UP_TO + 2) ** 2
    assert len(view._pool) <= (NUMBERS_UP_TO + 2) ** 2  # never one item per cell
    view.zoom_out()
    assert view.numbers_drawn() == {}
