"""Drawing a character with the mouse and seeing it classified, as a user would."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from explorer.cli import main as cli_main
from explorer.core import checkpoints
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.dataset import KMNIST
from explorer.qt.kuzushiji.drawing_canvas import RESOLUTION

# Two strokes in the canvas frame's coordinates (0..280): a bar and a hook.
BAR = [(60, 80), (120, 78), (180, 82), (220, 80)]
HOOK = [(140, 40), (138, 120), (150, 200), (190, 230), (210, 200)]


@pytest.fixture
def models():
    return {name: nets.create(name, seed=7) for name in nets.NETS}


def widget_point(canvas, x: float, y: float) -> QPoint:
    """A point of the 280×280 frame in the canvas widget's coordinates."""
    side = min(canvas.width(), canvas.height())
    scale = side / RESOLUTION
    return QPoint(round((canvas.width() - side) / 2 + x * scale), round(y * scale))


def draw(qtbot, canvas, points) -> None:
    """A stroke with real mouse events: press, moves with the button held, release."""
    first = widget_point(canvas, *points[0])
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=first)
    for x, y in points[1:]:
        qtbot.mouseMove(canvas, widget_point(canvas, x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, *points[-1]))


def test_mouse_strokes_give_the_same_28x28_input_as_the_command_line(panel, models, qtbot, tmp_path, capsys):
    panel.set_models(models)
    with qtbot.waitSignal(panel.classified) as after:
        draw(qtbot, panel.canvas, BAR)
    assert set(after.args[0]) == {"lin", "full", "conv"}
    with qtbot.waitSignal(panel.classified):
        draw(qtbot, panel.canvas, HOOK)
    assert len(panel.canvas.strokes) == 2
    assert len(panel.canvas.strokes[1].points) == len(HOOK)
    drawn = panel.canvas.image()
    assert drawn.shape == (RESOLUTION, RESOLUTION) and drawn.max() == 255
    path = tmp_path / "drawn.png"
    Image.fromarray(drawn).save(path)
    weights = checkpoints.save(
        tmp_path / "lin.pt", models["lin"].state_dict(), experiment="kuzushiji", architecture="NetLin"
    )
    capsys.readouterr()
    assert cli_main(["kuzushiji", "classify", str(path), "--weights", str(weights), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert np.array_equal(np.array(result["input28"], np.float32), panel.preprocessed.array28)
    shown_top = int(np.argmax(panel.prediction.cards["lin"].probabilities))
    assert result["top"][0]["class"] == shown_top


def test_probabilities_shown_are_the_models_softmax(panel, models, qtbot):
    panel.set_models(models, {"conv": "conv.pt, saved today"})
    draw(qtbot, panel.canvas, HOOK)
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    for name, model in models.items():
        expected = torch.softmax(model(panel.preprocessed.tensor)[0], 0).detach().numpy()
        card = panel.prediction.cards[name]
        np.testing.assert_allclose(card.probabilities, expected, rtol=1e-5)
        np.testing.assert_allclose(card.bar_item.opts["height"], expected, rtol=1e-5)
        top = int(np.argmax(expected))
        assert card.kana.text() == CLASSES[top][0]
        assert card.verdict.text() == f"{CLASSES[top][1]} · {100 * expected[top]:.1f} %"
    assert panel.prediction.cards["conv"].caption.text() == "conv.pt, saved today"
    # The 28×28 picture shown is the one the nets got.
    assert np.array_equal(panel.prediction.seen_image.image, panel.preprocessed.array28)


def test_undo_redo_and_clear(panel, qtbot):
    canvas = panel.canvas
    draw(qtbot, canvas, BAR)
    one_stroke = canvas.image()
    draw(qtbot, canvas, HOOK)
    two_strokes = canvas.image()
    assert (two_strokes > 0).sum() > (one_stroke > 0).sum()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(canvas.strokes) == 1 and np.array_equal(canvas.image(), one_stroke)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(canvas.strokes) == 2 and np.array_equal(canvas.image(), two_strokes)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert canvas.is_empty() and canvas.image().max() == 0
    assert panel.prediction.status.text() == "the canvas is empty: draw a character first"
    assert panel.probabilities == {}
    panel.undo_button.defaultAction().trigger()  # undo the clear
    assert np.array_equal(canvas.image(), two_strokes)


def test_empty_canvas_is_not_classified_and_no_net_says_how_to_get_one(panel, models, qtbot):
    assert panel.prediction.no_net.isVisible()
    assert "Train one in the Kuzushiji tab" in panel.prediction.no_net.text()
    assert "File → Open weights" in panel.prediction.no_net.text()
    panel.set_models(models)
    assert not panel.prediction.no_net.isVisible()
    assert panel.probabilities == {} and panel.preprocessed is None
    assert all(card.probabilities is None for card in panel.prediction.cards.values())


def test_image_does_not_depend_on_widget_size_and_pen_width_counts(panel, qtbot):
    draw(qtbot, panel.canvas, BAR)
    before = panel.canvas.image()
    panel.resize(1400, 900)
    qtbot.waitUntil(lambda: panel.canvas.width() > 400)
    assert np.array_equal(panel.canvas.image(), before)
    panel.pen_width.setValue(36)
    draw(qtbot, panel.canvas, [(60, 200), (220, 200)])
    thick = (panel.canvas.image()[180:230] > 127).sum(axis=0).max()
    thin = (before[60:100] > 127).sum(axis=0).max()
    assert thick >= 30 > thin >= 14


def test_opened_scan_is_inverted_and_bad_file_gives_a_message(panel, models, qtbot, tmp_path):
    panel.set_models(models)
    scan = np.full((300, 200), 230, np.uint8)
    scan[50:250, 90:110] = 20
    path = tmp_path / "scan.png"
    Image.fromarray(scan).save(path)
    panel.open_image(path)
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    assert panel.preprocessed.inverted
    assert panel.preprocessed.array28[0, 0] == 0 and panel.preprocessed.array28[14].max() > 0.9
    assert panel.canvas.ink() == 0  # the pen draws dark ink on a light scan
    broken = tmp_path / "photo.jpg"
    broken.write_text("no picture here")
    panel.open_image(broken)
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox, "errorBox") is not None)
    box = panel.findChild(QMessageBox, "errorBox")
    assert "photo.jpg: not a readable image" in box.text()
    box.close()
    assert panel.canvas.background is not None and panel.preprocessed.inverted  # the scan stays


def test_samples_and_real_examples_of_the_predicted_class(panel, models, qtbot):
    rng = np.random.default_rng(0)
    labels = torch.arange(40) % 10
    images = torch.from_numpy(rng.integers(0, 255, (40, 28, 28), dtype=np.uint8))
    panel.set_dataset(KMNIST(images, labels, images, labels, "test"))
    panel.set_models(models)
    panel.prediction.sample_class.setCurrentIndex(4)
    qtbot.mouseClick(panel.prediction.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    shown = panel.canvas.background
    assert shown.shape == (RESOLUTION, RESOLUTION)
    # The canvas shows one of the test images of class 4 (な), enlarged: the closest by far.
    small = np.asarray(Image.fromarray(shown).resize((28, 28), Image.Resampling.BOX), np.float32)
    errors = np.array([np.abs(small - images[i].numpy()).mean() for i in range(40)])
    best, runner_up = np.argsort(errors)[:2]
    assert labels[best] == 4 and errors[best] < 0.5 * errors[runner_up]
    top = int(np.argmax(panel.probabilities["conv"]))
    assert CLASSES[top][0] in panel.prediction.examples_title.text()
    assert sum(label.isVisible() for label in panel.prediction.examples) == 3


@pytest.mark.parametrize("fast", [True, False])
def test_live_classification_while_drawing_only_when_fast_enough(panel, models, qtbot, monkeypatch, fast):
    import explorer.qt.kuzushiji.drawing_panel as drawing_panel

    monkeypatch.setattr(drawing_panel, "LIVE_BUDGET_MS", 1e9 if fast else -1.0)
    panel.set_models(models)
    with qtbot.waitSignal(panel.classified):
        draw(qtbot, panel.canvas, BAR)  # the first stroke's update is timed
    seen = []
    panel.classified.connect(lambda probs: seen.append((panel.canvas.is_drawing(), bool(probs))))
    canvas = panel.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, *HOOK[0]))
    for x, y in HOOK[1:]:
        qtbot.mouseMove(canvas, widget_point(canvas, x, y))
        qtbot.wait(1)  # let the coalescing timer fire, as between real mouse events
    assert ((True, True) in seen) is fast
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, *HOOK[-1]))
    qtbot.waitUntil(lambda: (False, True) in seen)
    assert "ms" in panel.live_label.text()


def test_pen_pressure_changes_the_stroke_width(qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPointingDevice, QTabletEvent
    from PySide6.QtWidgets import QApplication

    from explorer.qt.kuzushiji.drawing_canvas import DrawingCanvas

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(RESOLUTION, RESOLUTION)
    canvas.show()
    device = QPointingDevice.primaryPointingDevice()

    def send(kind, x, pressure, buttons=Qt.MouseButton.LeftButton):
        point = QPointF(x, 140)
        event = QTabletEvent(kind, device, point, point, pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
        QApplication.sendEvent(canvas, event)

    send(QTabletEvent.Type.TabletPress, 20, 0.0)
    for i in range(1, 11):  # pressing harder and harder from left to right
        send(QTabletEvent.Type.TabletMove, 20 + 24 * i, 0.1 * i)
    send(QTabletEvent.Type.TabletRelease, 260, 0.0, Qt.MouseButton.NoButton)
    assert len(canvas.strokes) == 1
    image = canvas.image()
    light, hard = (image[:, 30] > 127).sum(), (image[:, 250] > 127).sum()
    assert hard >= 0.9 * canvas.pen_width and light <= 0.4 * canvas.pen_width


def test_paste_a_picture_from_the_clipboard(panel, qtbot):
    from PySide6.QtGui import QGuiApplication, QImage

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(panel.paste_button, Qt.MouseButton.LeftButton)
    box = panel.findChild(QMessageBox, "errorBox")
    assert box is not None and box.text() == "the clipboard holds no picture"
    box.close()
    picture = QImage(100, 50, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.white)
    for x in range(20, 80):
        for y in range(22, 28):
            picture.setPixel(x, y, 0xFF000000)
    QGuiApplication.clipboard().setImage(picture)
    qtbot.mouseClick(panel.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    assert panel.preprocessed.inverted
    top, bottom = np.flatnonzero((panel.preprocessed.array28 > 0.5).any(axis=1))[[0, -1]]
    assert bottom - top <= 5  # a wide, flat bar stays flat
    panel.canvas.undo()
    assert panel.canvas.is_empty()
