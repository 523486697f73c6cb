"""The layout check of tests/qt/test_layout.py on a Kuzushiji tab with three nets, not a fresh one.

A fresh window shows no prediction cards; the issue's crowded kana labels and the
chart cut off at the bottom of its card appear only once nets are loaded.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.results import NetResult
from explorer.qt.kuzushiji.tab import KuzushijiTab
from tests.qt.test_layout import _problems, _settle, open_window


@pytest.mark.parametrize("size", [(1024, 700), (1280, 860)], ids=["1024x700", "1280x860"])
def test_draw_page_with_three_nets_fits(qtbot, size):
    window, tab = open_window(qtbot, size, KuzushijiTab)
    for name in nets.NETS:
        tab.results[name] = NetResult(name, nets.create(name, seed=7), TrainConfig(net=name), source="test")
    tab._show_results()
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.ensure_draw_page()
    panel.characters.buttons[3][0].click()  # a real つ: every card shows its bars
    qtbot.waitUntil(lambda: panel.preprocessed is not None, timeout=10_000)
    window.resize(*size)
    _settle()
    cards = [card for card in panel.prediction.cards.values() if card.isVisible()]
    assert len(cards) == 3 and all(card.probabilities is not None for card in cards)
    problems = _problems(window, f"{size[0]}×{size[1]} Draw")

    tab.pages.setCurrentWidget(tab.evaluation_page)
    tab.evaluation_page.per_class_view.setCurrentIndex(1)  # the per-class accuracy bars
    window.resize(*size)
    _settle()
    assert tab.evaluation_page.per_class_view.bars.isVisible()
    problems += _problems(window, f"{size[0]}×{size[1]} Evaluate / Bars")
    assert (window.width(), window.height()) == size
    assert not problems, "\n".join(dict.fromkeys(problems))
    labels = [t for _, t in cards[0].bars.getAxis("bottom")._tickLevels[0]]
    assert len(labels) == 10 and labels[9].startswith("を")  # every class keeps its label, を included
    assert np.isclose(sum(cards[0].probabilities), 1.0)
    tab.shutdown()
