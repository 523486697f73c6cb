"""Fixtures for KMNIST tests: fake data folders in the real formats and loopback servers.

The writers themselves live in ``fakedata.py`` (importable without pytest).
"""

from __future__ import annotations

import contextlib

import pytest

from tests.core.kuzushiji import fakedata


@pytest.fixture
def write_kmnist_folder():
    """The function ``fakedata.write_kmnist_folder(path, fmt=…, n_train=…, n_test=…, learnable=…)``."""
    return fakedata.write_kmnist_folder


@pytest.fixture
def kmnist_folder(tmp_path):
    """A folder with small learnable KMNIST IDX .gz files (600 train / 100 test)."""
    folder = tmp_path / "kmnist-gz"
    fakedata.write_kmnist_folder(folder, fmt="idx.gz", n_train=600, n_test=100)
    return folder


@pytest.fixture
def serve_folder():
    """Start loopback HTTP servers: ``serve_folder(root) -> base URL``; stopped at teardown."""
    with contextlib.ExitStack() as stack:
        yield lambda root: stack.enter_context(fakedata.serve_folder(root))


@pytest.fixture
def hanging_server():
    """Base URL of a server that accepts connections and never answers."""
    with fakedata.hanging_server() as url:
        yield url
