"""A folder net trained on pictures shrunk whole ("resize") reads the Draw page's canvas shrunk whole too,
as its training pictures were prepared (issue 21), while the other nets read it as a drawing."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoStack

from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import FOLDER_KEY, folder_dataset
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.image_folder import net_input
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.kuzushiji.preprocess import classify, to_kmnist_input
from explorer.core.kuzushiji.results import load_result
from explorer.qt.kuzushiji.draw_page import DrawPage
from tests.qt.kuzushiji.test_drawing_canvas import BAR, draw


def test_a_resize_folder_net_reads_the_canvas_as_its_training_pictures_were_prepared(qtbot):
    # Ten classes: the Draw page's prediction cards have ten bars (a card of another count fails today).
    described = folder_dataset(tuple(f"shape{i}" for i in range(10)))
    saved = {}
    for name, preparation in (("lin", "resize"), ("full", "drawing")):
        path = trained.save(nets.create(name, dataset=described, seed=3), name, TrainConfig(net=name),
                            dataset=described, extra={"preparation": preparation})
        saved[name] = load_result(path, described)  # the file says how its pictures were prepared
    assert saved["lin"].extra["preparation"] == "resize"
    page = DrawPage(QUndoStack(), KuzushijiModel(dataset=FOLDER_KEY, data_set=described))
    qtbot.addWidget(page)
    panel = page.ensure()
    page.feed(None, saved)
    draw(qtbot, panel.canvas, BAR)
    panel.classify_now()
    picture = panel.canvas.image()
    resized = net_input(picture, "resize")
    as_drawing = to_kmnist_input(picture)
    assert not np.allclose(resized.array28, as_drawing.array28)
    shown = {name: card.probabilities for name, card in panel.prediction.cards.items() if name in saved}
    np.testing.assert_allclose(shown["lin"], classify({"lin": saved["lin"].model}, resized)["lin"], rtol=1e-6)
    assert not np.allclose(shown["lin"], classify({"lin": saved["lin"].model}, as_drawing)["lin"])
    np.testing.assert_allclose(shown["full"], classify({"full": saved["full"].model}, as_drawing)["full"], rtol=1e-6)
