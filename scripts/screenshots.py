"""Regenerate docs/screenshots/ from the real app (run under Xvfb: `make screenshots`).

Each shot sets the app up as a user would (loads the reference net, trains,
…) and grabs the main window at the app's default size, 1280×860
(``<name>.png``), and at the smallest supported one, 1024×700
(``<name>_1024x700.png``). Then, from the same trained state:

- ``exported_<tab>.png`` -- a contact sheet of the tab's File → Export
  figures… set (the files themselves are written to a temporary folder);
- ``report.png`` -- the File → Export report… HTML rendered by headless
  Chromium (Debian's ``chromium``), when it is installed.

``scripts/screenshots.py mlp recurrent`` takes only those tabs' shots;
``exports`` and ``report`` name the last two steps.
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


#: Window sizes every shot is taken at: the app's default first (its file has no suffix), then the smallest.
SIZES = ((1280, 860), (1024, 700))


def shoot(window, name: str) -> Path:
    """Grab ``window`` at each of :data:`SIZES`; return the default-size file."""
    app = QApplication.instance()
    paths = []
    for w, h in SIZES:
        window.resize(w, h)
        settle(app)
        path = OUT / (f"{name}.png" if (w, h) == SIZES[0] else f"{name}_{w}x{h}.png")
        window.grab().save(str(path))
        note = "" if (window.width(), window.height()) == (w, h) else f" (the window would not shrink: {window.width()}×{window.height()})"
        print(f"wrote {path}{note}")
        paths.append(path)
    window.resize(*SIZES[0])
    settle(app)
    return paths[0]


def mlp_shots(app, window) -> None:
    from explorer.qt.mlp.tab import MLPTab

    tab = window.tab("mlp")
    assert isinstance(tab, MLPTab)
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


def help_shot(app, window) -> Path:
    """Help → Guide to this tab on the MLP tab: the legends explained."""

    window.tabs.setCurrentWidget(window.tab("mlp"))
    window.show_guide()
    dialog = window.help_dialog
    dialog.resize(640, 720)
    settle(app)
    path = OUT / "help_guide_mlp.png"
    dialog.grab().save(str(path))
    dialog.close()
    print(f"wrote {path}")
    return path


def layout_check(app, window) -> int:
    """tests/qt/test_layout.py's check on the trained state the shots leave (the test sees a fresh one)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "qt"))
    import test_layout

    problems: list[str] = []
    for size in test_layout.SIZES:
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)

            def check(where: str, size=size) -> None:
                window.resize(*size)
                settle(app)
                problems.extend(test_layout._problems(window, where))

            test_layout._visit_pages(window.tab(i), check, f"{size[0]}×{size[1]} {window.tabs.tabText(i)}")
    for line in dict.fromkeys(problems):
        print(f"layout: {line}", file=sys.stderr)
    print(f"layout check on the trained state: {len(set(problems))} problems", file=sys.stderr)
    window.resize(*SIZES[0])
    return len(problems)


def main() -> int:
    """All shots, or only those of the tabs named on the command line (mlp, recurrent, kuzushiji)."""
    from explorer.qt.app import configure_runtime

    wanted = set(sys.argv[1:]) or {"mlp", "recurrent", "kuzushiji", "exports", "report"}
    configure_runtime()
    app = QApplication(sys.argv[:1])
    from explorer.qt.main_window import MainWindow

    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(*SIZES[0])
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
    import screenshots_exports

    if "exports" in wanted:
        screenshots_exports.figure_sets(app, window, OUT)
    if "report" in wanted:
        screenshots_exports.report(app, window, OUT)
    if "help" in wanted or not sys.argv[1:]:
        help_shot(app, window)
    if "layout" in wanted or not sys.argv[1:]:
        layout_check(app, window)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
