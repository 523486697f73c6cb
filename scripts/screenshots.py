"""Regenerate docs/screenshots/ from the real app (run under Xvfb: `make screenshots`).

Each shot sets the app up as a user would (loads the reference net, trains,
…) and grabs the main window.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-shots-"))

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def wait_for(app: QApplication, condition, timeout: float = 300.0) -> None:
    import time

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("screenshot set-up did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def shoot(window, name: str) -> Path:
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(f"wrote {path}")
    return path


def mlp_shots(app, window) -> None:
    from explorer.qt.mlp.tab import MLPTab

    tab = next(window.tabs.widget(i) for i in range(window.tabs.count()) if isinstance(window.tabs.widget(i), MLPTab))
    window.tabs.setCurrentWidget(tab)
    tab.load_reference()
    settle(app)
    shoot(window, "mlp_step_reference")
    tab.controls.network.hidden.setValue(5)
    tab.controls.train.seed.setValue(5)
    tab.start_training()
    wait_for(app, lambda: tab.task is None)
    settle(app)
    shoot(window, "mlp_trained_sigmoid")
    tab.load_reference()
    tab.controls.network.activation.setCurrentIndex(tab.controls.network.activation.findData("sigmoid"))
    tab.controls.rescale.factor.setValue(10)
    settle(app)
    shoot(window, "mlp_rescaled_x10")


def main() -> int:
    """All shots, or only those of the tabs named on the command line (mlp, recurrent, kuzushiji)."""
    from explorer.qt.app import configure_runtime

    wanted = set(sys.argv[1:]) or {"mlp", "recurrent", "kuzushiji"}
    configure_runtime()
    app = QApplication(sys.argv[:1])
    from explorer.qt.main_window import MainWindow

    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1440, 920)
    window.show()
    settle(app)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import screenshots_kuzushiji
    import screenshots_recurrent

    if "mlp" in wanted:
        mlp_shots(app, window)
    if "recurrent" in wanted:
        screenshots_recurrent.shots(app, window, shoot)
    if "kuzushiji" in wanted:
        screenshots_kuzushiji.shots(app, window, shoot)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
