"""The Draw page lists the ten characters with real examples; clicking one puts it on the canvas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.examples import examples
from explorer.core.kuzushiji.preprocess import to_kmnist_input


def test_every_class_is_listed_with_kana_romaji_and_real_examples(panel):
    characters = panel.characters
    assert characters.isVisible()
    texts = [label.text() for label in characters.findChildren(QLabel)]
    for kana, romaji in CLASSES:
        assert f"{kana} {romaji}" in texts
    assert any("cursive forms" in text for text in texts)
    assert all(len(buttons) == 3 and all(b.isVisible() for b in buttons) for buttons in characters.buttons.values())


def test_clicking_an_example_puts_it_on_the_canvas_and_classifies_it(panel, qtbot):
    panel.set_models({"lin": nets.create("lin", seed=2)})
    tsu = CLASSES.index(("つ", "tsu"))
    with qtbot.waitSignal(panel.classified, timeout=5000):
        qtbot.mouseClick(panel.characters.buttons[tsu][1], Qt.MouseButton.LeftButton)
    assert panel.canvas.undo_stack.undoText() == "Put a real tsu on the canvas"
    # What the nets see is that real example (the canvas resamples it, so not bit for bit): of all
    # thirty shipped examples, preprocessed, the clicked one is by far the closest.
    seen = panel.preprocessed.array28.ravel()
    match = {
        (cls, n): np.corrcoef(seen, to_kmnist_input(image).array28.ravel())[0, 1]
        for cls in range(len(CLASSES))
        for n, image in enumerate(examples(cls))
    }
    assert max(match, key=match.get) == (tsu, 1) and match[(tsu, 1)] > 0.8
    assert set(panel.probabilities) == {"lin"}
    # Undo takes it off again.
    panel.canvas.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.preprocessed is None)
