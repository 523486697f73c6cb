"""Pictures a user opens or pastes on the Draw page: big ones in the background, bad ones as one message."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QMessageBox

from tests.core.kuzushiji.image_files import huge_png_header, nan_tiff, png_with_broken_idat


def _error_text(panel, qtbot) -> str:
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox, "errorBox") is not None)
    box = panel.findChild(QMessageBox, "errorBox")
    text = box.text()
    box.close()
    return text


def test_a_large_photo_is_read_in_a_task_and_reduced_before_it_reaches_the_canvas(panel, qtbot, tmp_path):
    photo = np.full((3000, 4000), 235, np.uint8)
    photo[500:2500, 1800:2200] = 15  # one dark stroke on light paper
    path = tmp_path / "scan.jpg"
    Image.fromarray(photo).save(path, quality=90)
    task = panel.open_image(path)
    assert panel.canvas.background is None  # the window goes on; the canvas changes when the task is done
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: panel.canvas.background is not None)
    assert panel.canvas.ink() == 0 and panel.canvas.background.shape == (280, 280)
    qtbot.waitUntil(lambda: panel.preprocessed is not None)
    assert panel.preprocessed.inverted and panel.findChild(QMessageBox, "errorBox") is None


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (png_with_broken_idat, "broken.png: not a readable image"),
        (nan_tiff, "nan.tif: holds pixels that are not numbers"),
        (lambda folder: huge_png_header(folder, 12_000, 12_000), "12,000×12,000 pixels (144 megapixels) is larger"),
    ],
)
def test_a_bad_picture_gives_one_message_and_keeps_the_canvas(panel, qtbot, tmp_path, make, expected):
    panel.canvas.set_background(np.full((100, 100), 200, np.uint8))
    before = panel.canvas.background.copy()
    panel.open_image(make(tmp_path))
    assert expected in _error_text(panel, qtbot)
    assert np.array_equal(panel.canvas.background, before)


def test_a_fifo_is_refused_without_waiting_for_a_writer(panel, qtbot, tmp_path):
    fifo = tmp_path / "pipe.png"
    import os

    os.mkfifo(fifo)
    panel.open_image(fifo)
    assert "named pipe (FIFO), not a regular image file" in _error_text(panel, qtbot)


def test_a_pasted_picture_is_put_on_the_canvas_reduced(panel, qtbot):
    image = QImage(2400, 1800, QImage.Format.Format_Grayscale8)
    image.fill(230)
    QGuiApplication.clipboard().setImage(image)
    panel.paste()
    assert panel.canvas.background is not None and panel.canvas.background.shape == (280, 280)


def test_closing_the_page_while_a_picture_is_read_joins_the_task(panel, qtbot, tmp_path):
    path = tmp_path / "scan.png"
    Image.fromarray(np.full((2000, 2000), 200, np.uint8)).save(path)
    task = panel.open_image(path)
    panel.close()
    assert not task.is_running()
