"""IDX parsing with torchvision and with the numpy reader the CPU-only bundle uses."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji.formats import read_idx, read_idx_numpy
from tests.core.kuzushiji.fakedata import idx_bytes


@pytest.fixture(params=["torchvision", "numpy"])
def reader(request, monkeypatch):
    """Run the test once with torchvision's reader and once as if torchvision were not installed."""
    if request.param == "numpy":
        monkeypatch.setitem(sys.modules, "torchvision.datasets.mnist", None)  # import now raises ImportError
    return request.param


@pytest.mark.parametrize("array", [
    np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28),
    np.array([3, 1, 4, 1, 5], dtype=np.uint8),
    np.array([7, -2, 70000], dtype=np.int32),
])
def test_both_readers_give_the_array_written(reader, tmp_path, array):
    file = tmp_path / "part-idx1-ubyte"
    file.write_bytes(idx_bytes(array))
    got = read_idx(file)
    assert got.shape == array.shape and got.dtype.kind == array.dtype.kind
    np.testing.assert_array_equal(got, array)


def test_both_readers_refuse_a_truncated_file_naming_it(reader, tmp_path):
    file = tmp_path / "train-images-idx3-ubyte"
    file.write_bytes(idx_bytes(np.zeros((3, 28, 28), np.uint8))[:-10])
    with pytest.raises(UserError, match="train-images-idx3-ubyte: truncated or corrupt IDX file"):
        read_idx(file)


def test_numpy_reader_refuses_a_file_that_is_not_idx(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_bytes(b"hello, this is text and not IDX at all")
    with pytest.raises(ValueError, match="not an IDX header"):
        read_idx_numpy(file)
