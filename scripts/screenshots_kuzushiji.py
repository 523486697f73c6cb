"""Screenshots of the Kuzushiji tab: the data gallery, live training curves, the evaluation page.

``scripts/screenshots.py`` calls :func:`shots`. It uses the real KMNIST files
when ``EXPLORER_KMNIST_DIR`` names a folder holding them (any accepted form);
otherwise it generates small stand-in data and says so on stderr (such shots
are for checking the layout, not for the README). Run alone::

    EXPLORER_KMNIST_DIR=~/kmnist python scripts/screenshots_kuzushiji.py
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


def _data_folder() -> Path:
    given = os.environ.get("EXPLORER_KMNIST_DIR")
    if given:
        return Path(given).expanduser()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import numpy as np

    from tests.core.kuzushiji.fakedata import make_kmnist_arrays, write_kmnist_folder

    arrays = make_kmnist_arrays(n_train=3000, n_test=500, learnable=True)
    rng = np.random.default_rng(0)
    for part in ("train_labels", "test_labels"):  # some wrong labels, so the nets make mistakes
        labels = arrays[part]
        wrong = rng.random(len(labels)) < 0.15
        labels[wrong] = (labels[wrong] + rng.integers(1, 3, wrong.sum())) % 10
    folder = Path(tempfile.mkdtemp(prefix="kmnist-standin-"))
    write_kmnist_folder(folder, "idx.gz", arrays=arrays)
    print("screenshots_kuzushiji: EXPLORER_KMNIST_DIR not set, using generated stand-in images", file=sys.stderr)
    return folder


def shots(app, window, shoot) -> None:
    """Set the Kuzushiji tab up as a user would and take three shots of ``window``."""
    from explorer.qt.kuzushiji_tab import KuzushijiTab

    tab = next(
        window.tabs.widget(i) for i in range(window.tabs.count()) if isinstance(window.tabs.widget(i), KuzushijiTab)
    )
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


def main() -> int:
    os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-shots-"))
    from PySide6.QtWidgets import QApplication

    from explorer.qt.kuzushiji_tab import KuzushijiTab
    from explorer.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    out = Path(os.environ.get("SHOTS_DIR", Path(__file__).resolve().parent.parent / "docs" / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)

    def shoot(window, name: str) -> Path:
        path = out / f"{name}.png"
        window.grab().save(str(path))
        print(f"wrote {path}")
        return path

    window = MainWindow(tabs=[KuzushijiTab()])
    window.resize(1440, 920)
    window.show()
    _settle(app)
    shots(app, window, shoot)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
