"""Screenshots of the Kuzushiji tab: the data gallery, live training curves, the evaluation page.

``scripts/screenshots.py`` calls :func:`shots`. It uses the real KMNIST files
when ``EXPLORER_KMNIST_DIR`` names a folder holding them (any accepted form);
otherwise it renders stand-in hiragana from the shipped font and says so on
stderr. Only this tab's shots::

    EXPLORER_KMNIST_DIR=~/kmnist xvfb-run -a .venv/bin/python scripts/screenshots.py kuzushiji
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

EPOCHS = 3
"""Epochs per net: enough for the curves to show a trend, short enough to wait for."""


def _wait(app, condition, timeout: float = 1800.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the Kuzushiji screenshot set-up did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def font_standin_arrays(n_train: int = 3000, n_test: int = 500, seed: int = 0, glyphs=None) -> dict:
    """Stand-in KMNIST: each hiragana rendered from the shipped (printed, not cursive) font.

    Random size, position, rotation, stroke weight and noise make the classes
    learnable but not trivially so. Only for screenshots on a machine that
    cannot reach the real data; the README says which pictures use it.
    """
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from explorer.core.kuzushiji.classes import CLASSES, kana_font_path

    glyphs = [kana for kana, _ in CLASSES] if glyphs is None else list(glyphs)
    rng = np.random.default_rng(seed)

    def render(cls: int) -> np.ndarray:
        font = ImageFont.truetype(str(kana_font_path()), int(rng.integers(70, 92)))
        canvas = Image.new("L", (112, 112), 0)
        draw = ImageDraw.Draw(canvas)
        stroke = int(rng.integers(0, 4))
        draw.text((56 + rng.normal(0, 4), 56 + rng.normal(0, 4)), glyphs[cls], fill=255, font=font,
                  anchor="mm", stroke_width=stroke, stroke_fill=255)
        canvas = canvas.rotate(rng.normal(0, 10), resample=Image.BILINEAR)
        canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.0)))
        image = np.asarray(canvas.resize((28, 28), Image.LANCZOS), dtype=np.float32)
        image += rng.normal(0, 18, image.shape)
        return np.clip(image, 0, 255).astype(np.uint8)

    arrays = {}
    for split, count in (("train", n_train), ("test", n_test)):
        labels = rng.integers(0, len(glyphs), count)
        arrays[f"{split}_images"] = np.stack([render(int(c)) for c in labels])
        arrays[f"{split}_labels"] = labels.astype(np.uint8)
    return arrays


def _data_folder() -> Path:
    given = os.environ.get("EXPLORER_KMNIST_DIR")
    if given:
        return Path(given).expanduser()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.core.kuzushiji.fakedata import write_kmnist_folder

    folder = Path(tempfile.mkdtemp(prefix="kmnist-standin-"))
    write_kmnist_folder(folder, "idx.gz", arrays=font_standin_arrays())
    print("screenshots_kuzushiji: EXPLORER_KMNIST_DIR not set, using font-rendered stand-in images", file=sys.stderr)
    return folder


def shots(app, window, shoot) -> None:
    """Set the Kuzushiji tab up as a user would and take three shots of ``window``."""
    from explorer.qt.kuzushiji.tab import KuzushijiTab

    tab = window.tab("kuzushiji")
    assert isinstance(tab, KuzushijiTab)
    window.tabs.setCurrentWidget(tab)
    _wait(app, lambda: not tab.data_page.busy())
    if tab.data is None:
        tab.data_page.import_folder(_data_folder())
        _wait(app, lambda: not tab.data_page.busy())
    tab.pages.setCurrentWidget(tab.data_page)
    _settle(app)
    shoot(window, "kuzushiji_data")

    tab.controls.reset_to_course()
    tab.controls.epochs.setValue(EPOCHS)
    tab.train_all()
    _wait(app, lambda: tab.task is None and not tab.queue)
    tab.pages.setCurrentWidget(tab.train_page)
    _settle(app)
    shoot(window, "kuzushiji_training")

    page = tab.evaluation_page
    tab.pages.setCurrentWidget(page)
    page.select_net("conv" if "conv" in tab.results else next(iter(tab.results)))
    if page.pairs.count():
        page.pairs.setCurrentRow(0)  # the most confused pair, as a click on it would
    else:
        page.open_cell(0, 0)
    _settle(app)
    shoot(window, "kuzushiji_evaluation")

    draw_tsu(app, tab)
    shoot(window, "kuzushiji_draw")

    kept_drawings(app, tab)
    shoot(window, "kuzushiji_kept_drawings")

    k49_evaluation(app, tab)
    shoot(window, "kuzushiji_k49_evaluation")


def kept_drawings(app, tab) -> None:
    """Keep the drawn つ and two more as examples, then have every trained net read them (the Kept tab)."""
    panel = tab.draw_page
    own = panel.own_drawings
    for label in (3, 3, 1):  # つ, つ again, then the same drawing kept as き: one the nets will get wrong
        panel.keep_class.setCurrentIndex(label)
        panel.keep_button.click()
        _settle(app)
    panel.insides.setCurrentWidget(own)
    own.views.setCurrentIndex(1)
    _wait(app, lambda: own.evaluate_button.isEnabled())
    own.evaluate_button.click()
    _wait(app, lambda: own.evaluate_button.isEnabled() and own.table.rowCount() > 0)
    _settle(app, 60)


def k49_evaluation(app, tab) -> None:
    """Choose Kuzushiji-49 (stand-in images of its 49 glyphs), train NetLin and show its 49×49 matrix."""
    from explorer.core.kuzushiji.datasets import K49

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.core.kuzushiji.fakedata import write_k49_folder

    page = tab.data_page
    tab.pages.setCurrentWidget(page)
    page.dataset_choice.setCurrentIndex(page.dataset_choice.findData(K49.key))
    _wait(app, lambda: not page.busy())
    if tab.data is None or tab.data.dataset is not K49:
        folder = Path(tempfile.mkdtemp(prefix="k49-standin-"))
        write_k49_folder(folder, arrays=font_standin_arrays(4900, 980, glyphs=K49.glyphs))
        page.import_folder(folder)
        _wait(app, lambda: not page.busy() and tab.data is not None)
    tab.controls.reset_to_course()
    tab.controls.net.setCurrentIndex(tab.controls.net.findData("lin"))
    tab.controls.epochs.setValue(3)
    tab.controls.train_button.click()
    _wait(app, lambda: tab.task is None)
    evaluate = tab.evaluation_page
    tab.pages.setCurrentWidget(evaluate)
    evaluate.select_net("lin")
    evaluate.order_choice.setCurrentIndex(evaluate.order_choice.findData("confusion"))
    _settle(app, 60)


def draw_tsu(app, tab) -> None:
    """Draw a つ (tsu) on the canvas with real mouse events, as a user would."""
    import numpy as np
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    tab._show_draw_page()
    _settle(app)
    canvas = tab.draw_page.canvas
    side = min(canvas.width(), canvas.height())
    left = (canvas.width() - side) / 2

    def at(x: float, y: float) -> QPoint:  # x, y in a 0..1 square
        return QPoint(round(left + x * side), round(y * side))

    t = np.linspace(0, 1, 40)
    xs = 0.18 + 0.62 * t + 0.05 * np.sin(np.pi * t)
    ys = 0.42 - 0.16 * np.sin(np.pi * t * 0.9) + 0.32 * t**3
    xs = np.r_[xs, np.linspace(xs[-1], 0.42, 12)]
    ys = np.r_[ys, np.linspace(ys[-1], 0.8, 12)]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(xs[0], ys[0]))
    for x, y in zip(xs[1:], ys[1:], strict=True):
        QTest.mouseMove(canvas, at(x, y))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(xs[-1], ys[-1]))
    _settle(app, 60)
