"""Start-up time: launch to the first shown window, and to ready tabs, against a bare window.

Each run is a fresh process (what a double-click costs, imports included). The
app prints ``startup <stage> <unix time>`` lines when ``EXPLORER_STARTUP_PROBE``
is set (``quit`` makes it exit once the tabs are ready); the baseline is a
bare PySide6 + pyqtgraph window (a PlotWidget) measured in the same run, so the
ratios do not depend on how fast this machine is today.

    python bench/startup.py [--runs 3] [--exe dist/neural-explorer/neural-explorer]

Aims (issue 14): first window <= 1.5x the bare window, ready tabs <= 3x.
Uses Qt's offscreen platform unless a display is set (then xcb). torch is
pinned to one thread in the children.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication(sys.argv)
w = pg.PlotWidget()
w.plot([0, 1, 2], [0, 1, 0])
w.show()
deadline = time.monotonic() + 2
while not (w.windowHandle() and w.windowHandle().isExposed()) and time.monotonic() < deadline:
    app.processEvents()
w.repaint()
app.processEvents()
print(f"startup first-window {time.time():.6f}", file=sys.stderr, flush=True)
"""


def _env(data: str) -> dict[str, str]:
    env = {**os.environ, "EXPLORER_DATA_DIR": data, "EXPLORER_STARTUP_PROBE": "quit",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    return env


def launch(command: list[str], data: str) -> dict[str, float]:
    """Seconds from launch to each ``startup <stage>`` line the process printed."""
    start = time.time()
    out = subprocess.run(command, env=_env(data), cwd="/", stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=300)
    stages = {}
    for line in out.stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "startup":
            stages[parts[1]] = float(parts[2]) - start
    if out.returncode != 0 or "first-window" not in stages:
        sys.exit(f"error: {' '.join(command)} failed (exit {out.returncode}): {out.stderr.strip()[-500:]}")
    return stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="launches of each (median is reported)")
    parser.add_argument("--exe", help="a built bundle's executable instead of `python main.py`")
    args = parser.parse_args()
    app = [args.exe] if args.exe else [sys.executable, str(ROOT / "main.py")]
    bare, first, ready = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        # One unmeasured launch of each: the OS file cache is then warm for both alike.
        launch([sys.executable, "-c", BARE], tmp)
        launch(app, tmp)
        for _ in range(args.runs):
            bare.append(launch([sys.executable, "-c", BARE], tmp)["first-window"])
            stages = launch(app, tmp)
            first.append(stages["first-window"])
            ready.append(stages.get("ready", float("nan")))
    b, f, r = (statistics.median(x) for x in (bare, first, ready))
    what = args.exe or "python main.py"
    print(f"start-up, median of {args.runs} launches ({_env('')['QT_QPA_PLATFORM']} platform), {what}")
    print(f"  bare PySide6 + pyqtgraph window  {b:6.2f} s")
    print(f"  app: first window shown          {f:6.2f} s   ratio {f / b:4.2f}x  (aim <= 1.5x)")
    print(f"  app: tabs ready                  {r:6.2f} s   ratio {r / b:4.2f}x  (aim <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
