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


def _no_overlap(view: ConfusionMatrixView) -> None:
    below = [rect for _, rect in view.shown_tick_labels("bottom")]
    assert all(a.right() <= b.left() for a, b in zip(below, below[1:], strict=False)), "labels run together"
    beside = [rect for _, rect in view.shown_tick_labels("left")]
    assert all(a.bottom() <= b.top() for a, b in zip(beside, beside[1:], strict=False)), "labels run together"


def test_kuzushiji_49s_matrix_zoomed_out_in_a_small_window_labels_every_nth_class_without_overlap(qtbot):
    from explorer.core.kuzushiji.datasets import K49

    view = ConfusionMatrixView(K49.labels())
    qtbot.addWidget(view)
    view.resize(430, 420)  # the matrix's share of the Evaluate page at 1024×700
    view.show()
    qtbot.waitExposed(view)
    view.set_matrix(_matrix(49))
    view.set_order(list(reversed(range(49))))
    qtbot.wait(20)
    shown = [text for text, _ in view.shown_tick_labels("bottom")]
    assert 1 < len(shown) < 49 and shown[0] == K49.glyphs[48]  # every n-th, from the first shown
    _no_overlap(view)
    view.zoom_to(20, 20, cells=8)  # zoomed in: every class in view labelled, kana and romaji
    qtbot.wait(20)
    (x0, x1), _ = view.plot.vb.viewRange()
    in_view = [view.order[i] for i in range(49) if x0 <= i + 0.5 <= x1]
    assert [text for text, _ in view.shown_tick_labels("bottom")] == [K49.labels()[k].replace(" ", "\n", 1)
                                                                      for k in in_view]
    _no_overlap(view)
