"""Shared fixtures: every test gets its own user data folder and settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import torch

torch.set_num_threads(2)


@pytest.fixture(autouse=True)
def user_data_dir(tmp_path_factory, monkeypatch):
    """A fresh user data folder (datasets, checkpoints, settings, log) per test."""
    path = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(path))
    return path
