"""Does the window stay responsive while a training runs in the worker?

Starts the main window, trains the MLP tab's network in the background worker
(with the live curves and region plots updating), and reports

* the longest stall of the Qt event loop, measured by a timer that should
  fire every 10 ms (aim: no stall over 50 ms), and
* how fast the same training runs with the GUI as without it, both measured
  in this run (aim: at least 90 %).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_responsiveness.py``
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-bench-"))

EPOCHS = 40_000


def training_without_gui() -> float:
    """Seconds for the training alone, on a plain thread (as the worker would run it)."""
    from explorer.core.mlp.data import checkerboard
    from explorer.core.mlp.training import TrainConfig, train
    from explorer.core.progress import run_to_end

    config = TrainConfig(hidden=1, max_epochs=EPOCHS, seed=0)
    run_to_end(train(checkerboard(), TrainConfig(hidden=1, max_epochs=500)))  # warm-up: torch's first use
    took = []

    def run():
        start = time.perf_counter()
        run_to_end(train(checkerboard(), config))
        took.append(time.perf_counter() - start)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return took[0]


def training_with_gui() -> tuple[float, float, int]:
    """Seconds for the same training started from the MLP tab, the longest stall, ticks seen."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from explorer.qt.app import configure_runtime
    from explorer.qt.main_window import MainWindow
    from explorer.qt.mlp_tab import MLPTab

    configure_runtime()
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow()
    window.resize(1400, 950)
    window.show()
    tab = next(window.tabs.widget(i) for i in range(window.tabs.count()) if isinstance(window.tabs.widget(i), MLPTab))
    window.tabs.setCurrentWidget(tab)
    tab.controls.network.hidden.setValue(1)  # never reaches 100 %, so it runs all epochs
    tab.controls.train.max_epochs.setValue(EPOCHS)
    tab.controls.train.seed.setValue(0)
    for _ in range(20):
        app.processEvents()

    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick():
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    from PySide6.QtCore import QEventLoop

    finished = []
    loop = QEventLoop()
    start = time.perf_counter()
    tab.start_training()
    tab.task.finished.connect(lambda: (finished.append(time.perf_counter()), loop.quit()))
    clock.start()
    timer.start()
    loop.exec()  # the app's own event loop, as when a user waits
    timer.stop()
    seconds = finished[0] - start
    window.close()
    return seconds, max(gaps[1:]) if len(gaps) > 1 else float("nan"), len(gaps)


def main() -> int:
    if len(sys.argv) > 1:  # e.g. 0.0002, to compare GIL switch intervals
        os.environ["EXPLORER_SWITCH_INTERVAL"] = sys.argv[1]
    from explorer.qt.app import switch_interval

    sys.setswitchinterval(switch_interval())  # the app's setting, for the baseline too
    base = training_without_gui()
    with_gui, stall, ticks = training_with_gui()
    ratio = base / with_gui
    print(f"MLP training, {EPOCHS:,} epochs")
    print(f"  without GUI: {base:6.2f} s")
    print(f"  with GUI:    {with_gui:6.2f} s  (speed ratio {ratio:.2f}; aim ≥ 0.90)")
    print(f"  longest event-loop gap: {stall:.1f} ms over {ticks} ticks of a 10 ms timer (aim ≤ 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
