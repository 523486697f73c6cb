"""Shared fixtures: every test gets its own user data folder and settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import torch

try:  # the core tests run without Qt installed too
    import PySide6  # noqa: F401
except ImportError:  # pragma: no cover
    pass
else:
    from explorer.qt.app import configure_runtime

    configure_runtime()  # exactly as the app runs: GIL switch interval, shared GL contexts

# Two workers (pytest-xdist, `make test` on 2 cores) take a core each: torch's second thread
# would spin-wait against the other worker and slow both.
torch.set_num_threads(1 if os.environ.get("PYTEST_XDIST_WORKER") else 2)


@pytest.fixture(autouse=True)
def user_data_dir(tmp_path_factory, monkeypatch):
    """A fresh user data folder (datasets, checkpoints, settings, log) per test."""
    path = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(path))
    return path


def pytest_collection_modifyitems(config, items):
    """OpenGL tests need a real X server: skip them on the offscreen platform."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return
    skip = pytest.mark.skip(reason="OpenGL needs Xvfb: run `make test` (QT_QPA_PLATFORM=xcb)")
    for item in items:
        if "gl" in item.keywords:
            item.add_marker(skip)
