"""Start-up time: launch to the first shown window, and to ready tabs, against a bare window.

Each run is a fresh process (what a double-click costs, imports included). The
app prints ``startup <stage> <unix time>`` lines when ``EXPLORER_STARTUP_PROBE``
is set (``quit`` makes it exit once the tabs are ready); the baseline is a
bare PySide6 + pyqtgraph window (a PlotWidget) measured in the same run, so the
ratios do not depend on how fast this machine is today.

    python bench/startup.py [--runs 3] [--exe dist/neural-explorer/neural-explorer]

Aims (issues 14 and 20): first window <= 1.5x the bare window, ready tabs <= 3x,
quitting <= 1 s. "tabs ready" is the first tab on screen and usable; since issue
20 torch still imports in the background then, so the app is launched a second
time to wait for "torch loaded" (torch imported and the first tab's work
restored). "quit" is from the app's quit() to the end of its process, the first
launch quitting while torch still imports. Each ratio is taken against the bare
window launched just before it, then the median (and range) over the runs.
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


def _env(data: str, probe: str = "quit") -> dict[str, str]:
    env = {**os.environ, "EXPLORER_DATA_DIR": data, "EXPLORER_STARTUP_PROBE": probe,
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    return env


def launch(command: list[str], data: str, probe: str = "quit") -> dict[str, float]:
    """Seconds from launch to each ``startup <stage>`` line the process printed, and to its ``exit``."""
    start = time.time()
    out = subprocess.run(command, env=_env(data, probe), cwd="/", stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=300)
    end = time.time()
    stages = {}
    for line in out.stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "startup":
            stages[parts[1]] = float(parts[2]) - start
    stages["exit"] = end - start
    if out.returncode != 0 or "first-window" not in stages:
        sys.exit(f"error: {' '.join(command)} failed (exit {out.returncode}): {out.stderr.strip()[-500:]}")
    return stages


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} [{min(values):.2f}-{max(values):.2f}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="launches of each (median is reported)")
    parser.add_argument("--exe", help="a built bundle's executable instead of `python main.py`")
    args = parser.parse_args()
    app = [args.exe] if args.exe else [sys.executable, str(ROOT / "main.py")]
    bare, first, ready, torch, quits = [], [], [], [], []
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        # One unmeasured launch of each: the OS file cache is then warm for both alike.
        launch([sys.executable, "-c", BARE], tmp)
        launch(app, tmp)
        for _ in range(args.runs):
            b = launch([sys.executable, "-c", BARE], tmp)["first-window"]
            stages = launch(app, tmp)
            loaded = launch(app, tmp, "quit-torch")
            bare.append(b)
            first.append(stages["first-window"])
            ready.append(stages.get("ready", float("nan")))
            torch.append(loaded.get("torch-ready", float("nan")))
            quits.append(stages["exit"] - stages.get("quit", float("nan")))
            print(f"  run: bare {b:.2f} s, first window {first[-1]:.2f} s, ready {ready[-1]:.2f} s, "
                  f"torch loaded {torch[-1]:.2f} s, quit {quits[-1]:.2f} s (load {_load()})", flush=True)
    b = statistics.median(bare)
    what = args.exe or "python main.py"
    print(f"start-up, median [range] of {args.runs} launches ({_env('')['QT_QPA_PLATFORM']} platform), {what}; "
          f"load average {load_before} before, {_load()} after")
    print(f"  bare PySide6 + pyqtgraph window  {_summary(bare)} s")
    for label, values, aim in (("app: first window shown", first, "1.5x"), ("app: tabs ready", ready, "3x"),
                               ("app: torch loaded, work restored", torch, None)):
        ratios = [v / base for v, base in zip(values, bare, strict=True)]
        print(f"  {label:<33}{_summary(values)} s   ratio {_summary(ratios)}x" + (f"  (aim <= {aim})" if aim else ""))
    print(f"  app: quit, torch still importing {_summary(quits)} s  (aim <= 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
