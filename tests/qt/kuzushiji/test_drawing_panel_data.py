"""The Draw page gets its real examples from the stored data, loaded in the background as the Data page does."""

from __future__ import annotations

from PySide6.QtCore import Qt

from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.classes import CLASSES
from tests.core.kuzushiji.fakedata import write_kmnist_folder
from tests.qt.kuzushiji.test_drawing_canvas import BAR, draw

WAIT_MS = 30_000


def test_the_stored_data_loads_in_the_background_and_then_shows_real_examples(panel, qtbot, tmp_path):
    write_kmnist_folder(tmp_path / "kmnist", n_train=60, n_test=40)
    kmnist.import_folder(tmp_path / "kmnist")
    panel.set_models({name: nets.create(name, seed=7) for name in nets.NETS})
    with qtbot.waitSignal(panel.classified):
        draw(qtbot, panel.canvas, BAR)
    # The first look for examples starts the load in a task (the page says "Loading…" until it is in).
    examples = panel.prediction.examples
    qtbot.waitUntil(lambda: sum(label.isVisible() for label in examples) == 3, timeout=WAIT_MS)
    top = CLASSES[int(panel.probabilities["conv"].argmax())][0]
    assert top in panel.prediction.examples_title.text()
    qtbot.mouseClick(panel.prediction.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.canvas.undo_stack.undoText().startswith("Put a real"), timeout=WAIT_MS)


def test_with_no_stored_data_the_page_says_to_import_it(panel, qtbot):
    panel.set_models({name: nets.create(name, seed=7) for name in nets.NETS})
    with qtbot.waitSignal(panel.classified):
        draw(qtbot, panel.canvas, BAR)
    qtbot.waitUntil(lambda: "Import the KMNIST data to see real examples" in panel.prediction.examples_note.text(),
                    timeout=WAIT_MS)
