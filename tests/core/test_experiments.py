"""The one list of experiments: each entry's names are real, and reading the list loads no Qt."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from explorer.core import paths
from explorer.core.errors import UserError
from explorer.core.experiments import EXPERIMENTS, KEYS, experiment, experiment_of_module


def test_keys_titles_and_packages_are_distinct_and_in_window_order():
    assert KEYS == ("kuzushiji", "mlp", "recurrent")
    assert len({e.title for e in EXPERIMENTS}) == len({e.package for e in EXPERIMENTS}) == len(EXPERIMENTS)
    for each in EXPERIMENTS:
        assert experiment(each.key) is each
        assert experiment_of_module(each.tab.partition(":")[0]) is each
        assert experiment_of_module(each.renderer) is each  # the renderer lives in the experiment's package
    assert experiment_of_module("explorer.qt.widgets.figure_export") is None


def test_an_unknown_key_is_a_user_error_naming_the_choices():
    with pytest.raises(UserError) as caught:
        experiment("tables")
    assert "'tables'" in str(caught.value) and all(key in str(caught.value) for key in KEYS)


def test_each_help_page_is_shipped():
    for each in EXPERIMENTS:
        text = paths.resource(f"help/{each.help_page}.md").read_text(encoding="utf-8")
        assert text.lstrip().startswith("#"), each.help_page


def test_each_cli_module_registers_commands():
    for each in EXPERIMENTS:
        assert callable(importlib.import_module(each.cli).register), each.cli


def test_preloaded_modules_are_core_modules_that_import_without_qt():
    """They are imported on a background thread before the tab is built: numbers only, no Qt."""
    modules = [m for each in EXPERIMENTS for m in each.preload]
    assert modules and all(m.startswith("explorer.core.") for m in modules)
    code = ("import importlib, sys\n"
            "import explorer.core.experiments\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "[]"


def test_reading_the_list_imports_nothing_heavy():
    code = ("import sys\nfrom explorer.core.experiments import EXPERIMENTS\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch')\n"
            "             or m.startswith('explorer.qt')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
