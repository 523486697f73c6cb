"""Start-up stays light: the modules that put the first window up never import torchvision."""

from __future__ import annotations

import subprocess
import sys

import pytest

STARTUP_MODULES = ["explorer.qt.app", "explorer.qt.main_window", "explorer.qt.kuzushiji.tab",
                   "explorer.qt.mlp.tab", "explorer.qt.recurrent.tab"]
"""What runs before the tabs are ready: torchvision (seconds, and absent from the CPU
bundle) may only load when data is read or a drawing is classified."""


def _imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return set(out.stdout.split())


def test_start_up_modules_do_not_import_torchvision():
    loaded = _imported_after(STARTUP_MODULES)
    assert "explorer" in loaded and "PySide6" in loaded  # the check itself ran
    assert "torchvision" not in loaded


def test_the_first_window_needs_neither_torch_nor_the_tabs():
    loaded = _imported_after(["explorer.qt.app"])
    assert not loaded & {"torch", "torchvision"}


def test_the_window_and_its_tab_list_load_while_torch_imports_beside_them():
    """The window's own modules never wait for torch: it imports on a thread of its own meanwhile."""
    loaded = _imported_after(["explorer.qt.app", "explorer.qt.main_window", "explorer.qt.exports"])
    assert "PySide6" in loaded and "torch" not in loaded


def test_every_module_the_start_up_preloads_exists():
    import importlib.util

    from explorer.qt.exports import tab_slots

    for slot in tab_slots():
        assert slot.preload[0] == "torch"
        assert all(importlib.util.find_spec(name) is not None for name in slot.preload), slot.key


def test_the_warm_up_loads_every_tabs_modules_for_their_first_visit():
    code = ("import sys\nfrom explorer.qt.app import preload_other_tabs\nfrom explorer.qt.exports import tab_slots\n"
            "preload_other_tabs()\n"
            "print(all(m in sys.modules for s in tab_slots() for m in s.preload))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == ["True"]


def test_the_copied_md5_sums_are_torchvisions():
    torchvision = pytest.importorskip("torchvision.datasets")
    from explorer.core.kuzushiji.download import MD5S

    assert MD5S == dict(torchvision.KMNIST.resources)


BUILD_WITHOUT_TORCH = """
import json, sys, threading
from PySide6.QtWidgets import QApplication
app = QApplication([])
importers = []


class WhoImportsTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            importers.append(threading.current_thread().name)
        return None


sys.meta_path.insert(0, WhoImportsTorch())
from explorer.qt.kuzushiji.tab import KuzushijiTab
tab = KuzushijiTab(load_at_start=False)
tab.resize(1200, 800)
tab.show()
for _ in range(20):
    app.processEvents()
tab.pages.setCurrentWidget(tab.train_page)
for _ in range(20):
    app.processEvents()
print(json.dumps({
    "torch": "torch" in sys.modules, "importers": importers,
    "pages": [tab.pages.tabText(i) for i in range(tab.pages.count())],
    "shown": tab.pages.currentWidget() is tab.train_page and tab.train_page.isVisible(),
    "nets": [tab.controls.net.itemText(i) for i in range(tab.controls.net.count())],
}))
tab.close()
"""


def _run_json(code: str, data_dir, timeout: int = 300) -> dict:
    import json
    import os

    env = {**os.environ, "EXPLORER_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_kuzushiji_tab_is_built_and_usable_before_torch_is_imported(user_data_dir):
    """The first tab goes up while torch still loads (seconds): neither its modules nor building it import torch."""
    seen = _run_json(BUILD_WITHOUT_TORCH, user_data_dir)
    assert seen["importers"] == [] and not seen["torch"]
    assert seen["pages"] == ["Data", "Train", "Evaluate", "Draw"] and seen["shown"]
    assert seen["nets"] == ["NetLin  ·  7,850 parameters", "NetFull  ·  101,770 parameters",
                            "NetConv  ·  431,242 parameters"]


def test_the_torch_free_parameter_counts_are_the_nets_own():
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.datasets import DATASETS

    for data_set in DATASETS.values():
        for name in nets.NETS:
            assert nets.parameters_of(name, data_set.num_classes) == nets.parameter_count(
                nets.create(name, dataset=data_set)), (data_set.key, name)


RESTART_WHILE_TORCH_LOADS = """
import json, sys, threading, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
importers = []


class WhoImportsTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            importers.append(threading.current_thread().name)
        return None


sys.meta_path.insert(0, WhoImportsTorch())
from explorer.qt.kuzushiji.tab import KuzushijiTab
from explorer.core.kuzushiji.engine import TrainConfig
tab = KuzushijiTab()
tab.resize(1200, 800)
tab.show()
waiting = tab.controls.task_panel.label.text()


def turn_until(done, seconds=240):
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return done()


restored = turn_until(lambda: "lin" in tab.results and tab.data is not None)
page = tab.pages.tabText(tab.pages.currentIndex())
stored_accuracy = tab.results["lin"].accuracy if restored else None
started = restored and tab.start_training(TrainConfig(net="lin", epochs=1, seed=1))
trained = started and turn_until(lambda: tab.task is None)
print(json.dumps({
    "importers": importers, "waiting": waiting, "restored": restored, "page": page,
    "stored_accuracy": stored_accuracy, "trained": trained, "nets": sorted(tab.results),
}))
tab.close()
"""


def test_at_start_up_the_trained_nets_and_data_come_back_once_torch_has_loaded_off_the_gui_thread(
        qtbot, user_data_dir, tmp_path):
    """A returning user: the tab is built while torch loads on another thread, says so, then restores
    the last trained net and the stored data, and trains again."""
    from PySide6.QtCore import Qt

    from explorer.qt.kuzushiji.tab import KuzushijiTab
    from tests.core.kuzushiji import fakedata

    folder = tmp_path / "kmnist"
    fakedata.write_kmnist_folder(folder, "idx.gz", 300, 100, learnable=True)
    tab = KuzushijiTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.data_page.data_changed, timeout=60_000):
        tab.data_page.import_folder(folder)
    tab.controls.net.setCurrentIndex(tab.controls.net.findData("lin"))
    tab.controls.epochs.setValue(1)
    qtbot.mouseClick(tab.controls.train_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tab.task.finished, timeout=60_000):
        pass
    accuracy = tab.results["lin"].accuracy
    tab.close()
    assert tab.shutdown()

    seen = _run_json(RESTART_WHILE_TORCH_LOADS, user_data_dir, timeout=400)
    assert seen["importers"] and "MainThread" not in seen["importers"]
    assert seen["waiting"].startswith("Loading PyTorch")
    assert seen["restored"] and seen["stored_accuracy"] == accuracy
    assert seen["page"] == "Train"  # a returning user is taken to the nets
    assert seen["trained"] and seen["nets"] == ["lin"]


def test_quitting_as_soon_as_the_window_is_ready_ends_the_process_cleanly(tmp_path):
    """torch is usually still importing then: quitting neither waits for it nor crashes on the way out."""
    import os
    from pathlib import Path

    main = Path(__file__).resolve().parents[2] / "main.py"
    env = {**os.environ, "EXPLORER_DATA_DIR": str(tmp_path), "EXPLORER_STARTUP_PROBE": "quit",
           "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, str(main)], env=env, capture_output=True, text=True, timeout=300)
    stages = [line.split()[1] for line in out.stderr.splitlines() if line.startswith("startup ")]
    assert out.returncode == 0, out.stderr[-2000:]
    assert stages[0] == "first-window" and "ready" in stages and stages[-1] == "quit"
