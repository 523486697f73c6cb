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
