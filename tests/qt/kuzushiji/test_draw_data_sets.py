"""The Draw page answers in the classes of the data set in use (issue 21): Kuzushiji-49's 49, a folder's own.

A net of 49 outputs, or of a folder's three, used to fail on the first stroke (its probabilities
could not fill KMNIST's ten bars). Here real files are imported through the window, a tiny net is
trained one epoch there, strokes are drawn on the real canvas with the mouse, and what the user sees
is checked: the answer names a class of that data set, one bar per class, the real examples that
exist. A folder net trained in the window on pictures shrunk whole keeps that in its checkpoint
(``extra.preparation``, as ``kuzushiji train`` does), so the Draw page reads the canvas the same way.
"""

from __future__ import annotations

import html

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QUndoStack

from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import FOLDER_KEY, K49, folder_dataset
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.image_folder import net_input
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.kuzushiji.preprocess import classify
from explorer.core.kuzushiji.results import load_result
from explorer.qt.kuzushiji.draw_page import DrawPage
from explorer.qt.kuzushiji.exports import predictions_chart
from explorer.qt.kuzushiji.prediction_panel import TOP_BARS
from tests.core.kuzushiji import fakedata
from tests.core.kuzushiji.shapes import SHAPES, write_shapes_folder
from tests.qt.kuzushiji.test_datasets_ui import (
    WAIT_MS,
    choose,
    import_k49,
    make_tab,
    train_one_epoch,
)
from tests.qt.kuzushiji.test_drawing_canvas import BAR, HOOK, draw


@pytest.fixture
def tab(qtbot):
    tab = make_tab(qtbot)
    yield tab
    assert tab.shutdown()


def open_draw_page_and_draw(tab, qtbot):
    """Open the Draw page as the user does (its page tab) and draw two strokes with the mouse."""
    tab.pages.setCurrentWidget(tab.draw_holder)
    panel = tab.draw_page
    assert panel is not None
    panel.canvas.clear()
    draw(qtbot, panel.canvas, BAR)
    draw(qtbot, panel.canvas, HOOK)
    panel.classify_now()
    return panel


def tick_labels(card) -> list[str]:
    return [text for _, text in card.bars.getAxis("bottom")._tickLevels[0]]


def test_a_k49_net_trained_in_the_window_answers_in_k49_classes_on_the_draw_page(tab, qtbot, tmp_path):
    arrays = fakedata.write_k49_folder(tmp_path / "k49")
    choose(tab, qtbot, K49.key)
    import_k49(tab, qtbot, tmp_path / "k49")
    train_one_epoch(tab, qtbot, "lin")
    panel = open_draw_page_and_draw(tab, qtbot)

    card = panel.prediction.cards["lin"]
    assert card.isVisible() and panel.prediction.status.text() == ""
    probabilities = card.probabilities
    assert probabilities.shape == (49,) and len(card.bar_item.opts["height"]) == 49
    top = int(np.argmax(probabilities))
    # the answer in large type is a Kuzushiji-49 kana, its romaji and confidence beside it
    assert card.kana.text() == K49.glyphs[top]
    assert card.verdict.text() == f"{K49.class_names[top]} · {100 * probabilities[top]:.1f} %"
    # the bars' ticks are Kuzushiji-49 kana in label order: each one's, or every few where they would overlap
    kana = [label.split("\n")[0] for label in tick_labels(card)]
    step = K49.glyphs.index(kana[1])
    assert kana == list(K49.glyphs[::step])
    axis = card.bars.getAxis("bottom")
    assert step * axis.width() / 49.2 >= QFontMetrics(axis.style["tickFont"]).horizontalAdvance("を")
    assert "ゝ odoriji" in card.bars.toolTip()
    # File → Export figures… and the figure list a tab change asks for: the chart of what each net reads
    # has the card's 49 bars, titled with its answer (it was drawn with KMNIST's ten and raised)
    chart = tab.figures()["drawing_predictions"].target
    plot = chart.getItem(0, 0)
    bars = next(item for item in plot.items if hasattr(item, "opts") and "height" in item.opts)
    np.testing.assert_allclose(bars.opts["height"], probabilities)
    assert plot.titleLabel.text == f"NetLin reads {K49.label(top)} ({100 * probabilities[top]:.1f} %)"
    # the saliency tab names the same answer
    assert f"pixels that sway “{K49.glyphs[top]} {K49.class_names[top]}”" in panel.insides.saliency_title.text
    # the real examples: as many of the answer's class as the test data holds, at most three
    held = int(np.sum(arrays["test_labels"] == top))
    shown = [label for label in panel.prediction.examples if label.isVisibleTo(panel.prediction.real_thing_page)]
    assert len(shown) == min(3, held)
    assert f"NetLin's answer: {K49.label(top)}" in panel.prediction.examples_title.text()

    # "Put a real one on the canvas" offers all 49 classes, and puts one of the 41st on the canvas
    combo = panel.prediction.sample_class
    assert combo.count() == 49 and combo.itemText(40) == "る  ru"
    combo.setCurrentIndex(40)
    qtbot.mouseClick(panel.prediction.sample_button, Qt.MouseButton.LeftButton)
    assert panel.canvas.undo_stack.undoText() == "Put a real ru on the canvas"
    assert len(panel.prediction.cards["lin"].bar_item.opts["height"]) == 49


def test_a_resize_folder_net_trained_in_the_window_keeps_its_preparation_and_answers_in_folder_names(
        tab, qtbot, tmp_path):
    root = tmp_path / "shapes"
    write_shapes_folder(root, per_class=6)
    choose(tab, qtbot, FOLDER_KEY)
    folder_panel = tab.data_page.folder_panel
    folder_panel.set_folder(root)  # what Choose folder… does once the folder is picked
    folder_panel.preparation_choice.setCurrentIndex(folder_panel.preparation_choice.findData("resize"))
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        qtbot.mouseClick(folder_panel.import_button, Qt.MouseButton.LeftButton)
    described = tab.data.dataset
    assert described.class_names == SHAPES
    result = train_one_epoch(tab, qtbot, "lin")

    # the checkpoint says how the net's pictures were prepared, as one the command line trains does
    path = trained.checkpoint_path(described, "lin")
    assert load_result(path, described).extra["preparation"] == "resize"
    assert result.extra["preparation"] == "resize"

    panel = open_draw_page_and_draw(tab, qtbot)
    card = panel.prediction.cards["lin"]
    probabilities = card.probabilities
    assert probabilities.shape == (3,) and len(card.bar_item.opts["height"]) == 3
    top = int(np.argmax(probabilities))
    assert card.kana.text() == SHAPES[top] and card.verdict.text() == f"{100 * probabilities[top]:.1f} %"
    # each bar's tick is its class name (elided to the bar where it is wider)
    for label, name in zip(tick_labels(card), SHAPES, strict=True):
        assert label == name or (label.endswith("…") and name.startswith(label[:-1]))
    # read shrunk whole, as its training pictures were
    shrunk = net_input(panel.canvas.image(), "resize")
    np.testing.assert_allclose(probabilities, classify({"lin": result.model}, shrunk)["lin"], rtol=1e-6)
    assert f"NetLin's answer: {SHAPES[top]}" in panel.prediction.examples_title.text()
    assert panel.prediction.sample_class.count() == 3


def test_a_drawing_folder_net_trained_in_the_window_keeps_drawing_as_its_preparation(tab, qtbot, tmp_path):
    root = tmp_path / "shapes"
    write_shapes_folder(root, per_class=4)
    choose(tab, qtbot, FOLDER_KEY)
    folder_panel = tab.data_page.folder_panel
    folder_panel.set_folder(root)
    folder_panel.preparation_choice.setCurrentIndex(folder_panel.preparation_choice.findData("drawing"))
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=WAIT_MS):
        qtbot.mouseClick(folder_panel.import_button, Qt.MouseButton.LeftButton)
    # the choice shown for a next import changes nothing about the data already imported
    folder_panel.preparation_choice.setCurrentIndex(folder_panel.preparation_choice.findData("resize"))
    train_one_epoch(tab, qtbot, "lin")
    path = trained.checkpoint_path(tab.data.dataset, "lin")
    assert load_result(path, tab.data.dataset).extra["preparation"] == "drawing"


def folder_net(described, name: str = "conv"):
    path = trained.save(nets.create(name, dataset=described, seed=5), name, TrainConfig(net=name),
                        dataset=described, extra={"preparation": "drawing"})
    return load_result(path, described)


def test_folder_class_names_are_shown_as_plain_text_and_many_classes_show_the_likeliest_ten(qtbot):
    described = folder_dataset(("<i>circle", "a &amp; b", "triangle"))
    page = DrawPage(QUndoStack(), KuzushijiModel(dataset=FOLDER_KEY, data_set=described))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    panel = page.ensure()
    page.feed(None, {"conv": folder_net(described)})
    draw(qtbot, panel.canvas, BAR)
    panel.classify_now()
    card = panel.prediction.cards["conv"]
    top = int(np.argmax(card.probabilities))
    assert len(card.bar_item.opts["height"]) == 3
    # the user's folder names, literally: no italics, no entity turned into "&"
    assert card.kana.textFormat() == Qt.TextFormat.PlainText and card.kana.text() == described.class_names[top]
    assert "&lt;i&gt;circle" in card.bars.toolTip() and "a &amp;amp; b" in card.bars.toolTip()
    title = panel.prediction.examples_title
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert f"answer: {described.class_names[top]}" in title.text()
    assert "Import the Folder of images data" in panel.prediction.examples_note.text()
    # the exported chart of what each net reads names each class as typed too (its title is rich text)
    for shown in range(3):
        card.show_probabilities(np.roll([0.8, 0.1, 0.1], shown))
        chart = predictions_chart(panel.prediction)
        title = chart.getItem(0, 0).titleLabel.item.toPlainText()
        assert title == f"NetConv reads {described.class_names[shown]} (80.0 %)"
    panel.classify_now()  # the drawing's own reading again
    saliency = panel.insides.saliency_title.text  # rich text: the folder's name escaped in it
    assert html.escape(described.class_names[top]) in saliency and "<i>circle" not in saliency

    # a folder of 60 classes: its ten likeliest as bars, the answer among them
    many = folder_dataset(tuple(f"kind{i:02d}" for i in range(60)))
    page.model.data_set, page.model.dataset = many, FOLDER_KEY
    page.feed(None, {"conv": folder_net(many)})
    card = panel.prediction.cards["conv"]
    probabilities = card.probabilities
    assert probabilities.shape == (60,) and len(card.bar_item.opts["height"]) == TOP_BARS
    top = int(np.argmax(probabilities))
    assert card.kana.text() == f"kind{top:02d}"
    heights = np.asarray(card.bar_item.opts["height"])
    np.testing.assert_allclose(heights, np.sort(probabilities)[::-1][:TOP_BARS])
    assert len(tick_labels(card)) == TOP_BARS
    assert "The 10 likeliest of 60 classes" in card.bars.toolTip()
    chart = predictions_chart(panel.prediction)  # the exported chart shows the same ten, named as the card names them
    plot = chart.getItem(0, 0)
    bars = next(item for item in plot.items if hasattr(item, "opts") and "height" in item.opts)
    np.testing.assert_allclose(bars.opts["height"], heights)
    ticks = [text for _, text in plot.getAxis("bottom")._tickLevels[0]]
    assert ticks == [f"kind{c:02d}" for c in card.shown] and ticks[0] == f"kind{top:02d}"
    assert panel.prediction.sample_class.count() == 60 and panel.keep_class.count() == 60


def test_the_draw_page_opens_and_reads_a_drawing_while_the_folder_set_has_no_classes_yet(tab, qtbot):
    """A folder of images chosen but not imported yet: the Draw page opens (it raised ZeroDivisionError while
    drawing the kept drawings' empty confusion matrix) and a drawing is read with no class to name."""
    choose(tab, qtbot, FOLDER_KEY)
    assert tab.model.description.num_classes == 0
    panel = open_draw_page_and_draw(tab, qtbot)
    assert panel.prediction.no_net.isVisible()
    assert panel.prediction.sample_class.count() == 0 and not panel.prediction.sample_button.isEnabled()
    assert panel.keep_class.count() == 0
    assert all(len(card.bar_item.opts["height"]) == 0 for card in panel.prediction.cards.values())
