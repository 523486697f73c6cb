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
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-bench-"))

EPOCHS = 40_000
REPEATS = 3


def training_without_gui() -> float:
    """Seconds for the same training with no window: the tab's way (a child process), nothing else."""
    from explorer.core.mlp.data import checkerboard
    from explorer.core.mlp.training import TrainConfig, train
    from explorer.core.progress import run_to_end
    from explorer.core.subprocess_runner import in_subprocess, warm_up

    warm_up()  # the training-process server, as the app starts it in the background
    config = TrainConfig(hidden=1, max_epochs=EPOCHS, seed=0)
    run_to_end(in_subprocess(train, checkerboard(), TrainConfig(hidden=1, max_epochs=500)))  # warm-up (cheap)
    start = time.perf_counter()
    run_to_end(in_subprocess(train, checkerboard(), config))
    return time.perf_counter() - start


def training_with_gui(repeats: int) -> tuple[list[float], float, int]:
    """Seconds for the same training started from the MLP tab (``repeats`` times), the longest stall, ticks."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from explorer.qt.app import configure_runtime
    from explorer.qt.main_window import MainWindow
    from explorer.qt.mlp.tab import MLPTab

    configure_runtime()
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow()
    window.resize(1400, 950)
    window.show()
    tab = window.tab("mlp")
    assert isinstance(tab, MLPTab)
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
    seconds = []
    for _ in range(repeats):
        finished = []
        loop = QEventLoop()
        start = time.perf_counter()
        tab.start_training()
        tab.task.finished.connect(lambda f=finished, q=loop: (f.append(time.perf_counter()), q.quit()))
        clock.start()
        last[0] = 0.0
        gaps.append(0.0)  # marks a new run; the first gap of each run is dropped below
        timer.start()
        loop.exec()  # the app's own event loop, as when a user waits
        timer.stop()
        seconds.append(finished[0] - start)
        for _ in range(20):
            app.processEvents()
    window.close()
    real = [g for i, g in enumerate(gaps) if i and gaps[i - 1] != 0.0 and g != 0.0]
    return seconds, max(real) if real else float("nan"), len(real)


def main() -> int:
    if len(sys.argv) > 1:  # e.g. 0.0002, to compare GIL switch intervals
        os.environ["EXPLORER_SWITCH_INTERVAL"] = sys.argv[1]
    from explorer.qt.app import switch_interval

    sys.setswitchinterval(switch_interval())  # the app's setting, for the baseline too
    base = statistics.median(training_without_gui() for _ in range(REPEATS))
    runs, stall, ticks = training_with_gui(REPEATS)
    with_gui = statistics.median(runs)
    ratio = base / with_gui
    print(f"MLP training, {EPOCHS:,} epochs, median of {REPEATS} runs each")
    print(f"  without GUI: {base:6.2f} s")
    print(f"  with GUI:    {with_gui:6.2f} s  (speed ratio {ratio:.2f}; aim ≥ 0.90)")
    print(f"  longest event-loop gap: {stall:.1f} ms over {ticks} ticks of a 10 ms timer (aim ≤ 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
