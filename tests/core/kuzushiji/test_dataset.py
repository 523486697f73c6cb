"""Importing KMNIST from a folder: the three formats, every malformed case, the store."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset
from explorer.core.kuzushiji.classes import CLASSES, kana_font_path, label
from explorer.core.kuzushiji.dataset import FILES
from tests.core.kuzushiji.fakedata import idx_bytes, make_kmnist_arrays


def _assert_equal(data: dataset.KMNIST, arrays: dict[str, np.ndarray]) -> None:
    for part in dataset.PARTS:
        got = getattr(data, part)
        assert got.dtype == (torch.uint8 if part.endswith("images") else torch.int64)
        assert np.array_equal(got.numpy(), arrays[part])


@pytest.mark.parametrize("fmt", ["idx.gz", "idx", "npz"])
def test_import_each_format_and_find_it_again(tmp_path, write_kmnist_folder, fmt):
    arrays = write_kmnist_folder(tmp_path / "in", fmt=fmt, n_train=50, n_test=20)
    data = dataset.import_folder(tmp_path / "in")
    assert data.counts == (50, 20)
    assert data.train_images.shape == (50, 28, 28)
    _assert_equal(data, arrays)
    assert dataset.has_data()
    again = dataset.load_stored()
    _assert_equal(again, arrays)
    assert (
        again.describe() == f"50 training / 20 test images, imported from {tmp_path / 'in'} ({fmt})"
    )


def test_nothing_stored_at_first_start():
    assert not dataset.has_data()
    assert dataset.load_stored() is None


def test_uncompressed_and_gzipped_idx_may_be_mixed(tmp_path, write_kmnist_folder):
    arrays = write_kmnist_folder(tmp_path, fmt="idx.gz", n_train=30, n_test=10)
    gz = tmp_path / FILES["idx.gz"][1]
    (tmp_path / FILES["idx"][1]).write_bytes(gzip.decompress(gz.read_bytes()))
    gz.unlink()
    _assert_equal(dataset.read_folder(tmp_path), arrays)


@pytest.fixture
def good_store(tmp_path, write_kmnist_folder):
    """A previously imported good data set; yields its arrays."""
    arrays = write_kmnist_folder(tmp_path / "good", fmt="idx.gz", n_train=40, n_test=10, seed=1)
    dataset.import_folder(tmp_path / "good")
    return arrays


def _bad_folder(tmp_path, write_kmnist_folder, fmt="idx.gz", **changes):
    arrays = make_kmnist_arrays(30, 10, seed=2)
    arrays.update(changes)
    write_kmnist_folder(tmp_path / "bad", fmt=fmt, arrays=arrays)
    return tmp_path / "bad"


def _truncate_gz(folder):
    file = folder / FILES["idx.gz"][0]
    file.write_bytes(file.read_bytes()[:200])
    return file.name, "truncated or corrupt gzip"


def _truncate_idx(folder):
    file = folder / FILES["idx"][2]
    file.write_bytes(file.read_bytes()[:-100])
    return file.name, "truncated or corrupt IDX"


def _truncate_npz(folder):
    file = folder / FILES["npz"][0]
    file.write_bytes(file.read_bytes()[:100])
    return file.name, "truncated or corrupt .npz"


def _remove(folder):
    (folder / FILES["idx.gz"][3]).unlink()
    return FILES["idx.gz"][3], "missing"


@pytest.mark.parametrize(
    "fmt, damage",
    [("idx.gz", _truncate_gz), ("idx", _truncate_idx), ("npz", _truncate_npz), ("idx.gz", _remove)],
)
def test_damaged_files_are_rejected_naming_the_file(
    tmp_path, write_kmnist_folder, good_store, fmt, damage
):
    folder = _bad_folder(tmp_path, write_kmnist_folder, fmt=fmt)
    name, problem = damage(folder)
    with pytest.raises(UserError, match=problem) as err:
        dataset.import_folder(folder)
    assert name in str(err.value)
    _assert_equal(dataset.load_stored(), good_store)


@pytest.mark.parametrize(
    "fmt, change, name, problem",
    [
        (
            "idx.gz",
            {"train_images": np.zeros((30, 27, 27), np.uint8)},
            FILES["idx.gz"][0],
            "images are 27×27, expected 28×28",
        ),
        (
            "npz",
            {"test_images": np.zeros((10, 28, 27), np.uint8)},
            FILES["npz"][2],
            "images are 28×27",
        ),
        (
            "idx.gz",
            {"train_labels": np.zeros(29, np.uint8)},
            FILES["idx.gz"][1],
            "has 30 images but train-labels-idx1-ubyte.gz has 29 labels",
        ),
        (
            "npz",
            {"test_labels": np.full(10, 10, np.uint8)},
            FILES["npz"][3],
            "label 10 at position 0 is outside 0..9",
        ),
        (
            "idx",
            {"train_labels": np.arange(30, dtype=np.uint8) % 11},
            FILES["idx"][1],
            r"label 10 at position 10 is outside 0\.\.9 \(2 bad labels\)",
        ),
        (
            "npz",
            {"test_images": np.zeros((0, 28, 28), np.uint8), "test_labels": np.zeros(0, np.uint8)},
            FILES["npz"][2],
            "holds no images",
        ),
    ],
)
def test_bad_content_is_rejected_naming_the_file(
    tmp_path, write_kmnist_folder, good_store, fmt, change, name, problem
):
    folder = _bad_folder(tmp_path, write_kmnist_folder, fmt=fmt, **change)
    with pytest.raises(UserError, match=problem) as err:
        dataset.import_folder(folder)
    assert name in str(err.value)
    _assert_equal(dataset.load_stored(), good_store)


def test_labels_file_in_place_of_images(tmp_path, write_kmnist_folder):
    write_kmnist_folder(tmp_path, fmt="idx", n_train=30, n_test=10)
    (tmp_path / FILES["idx"][0]).write_bytes(idx_bytes(np.zeros(30, np.uint8)))
    with pytest.raises(UserError, match=f"{FILES['idx'][0]}: images are scalar"):
        dataset.read_folder(tmp_path)


def test_empty_folder_lists_what_is_needed(tmp_path):
    with pytest.raises(UserError, match="no Kuzushiji-MNIST or Kuzushiji-49 files") as err:
        dataset.read_folder(tmp_path)
    for name in FILES["idx.gz"] + FILES["npz"]:
        assert name in str(err.value)


def test_not_a_folder(tmp_path):
    with pytest.raises(UserError, match="is not a folder"):
        dataset.read_folder(tmp_path / "nowhere")


def test_missing_npz_file_is_named(tmp_path, write_kmnist_folder):
    write_kmnist_folder(tmp_path, fmt="npz", n_train=20, n_test=10)
    (tmp_path / FILES["npz"][1]).unlink()
    with pytest.raises(UserError, match=f"missing in .*: {FILES['npz'][1]}$"):
        dataset.read_folder(tmp_path)


def test_corrupt_store_reads_as_no_data(good_store, caplog):
    dataset.store_path().write_bytes(b"not a zip file at all")
    assert dataset.load_stored() is None
    assert "ignoring unreadable stored KMNIST data" in caplog.text


def test_a_new_import_replaces_the_store(tmp_path, write_kmnist_folder, good_store):
    arrays = write_kmnist_folder(tmp_path / "new", fmt="npz", n_train=20, n_test=10, seed=5)
    dataset.import_folder(tmp_path / "new")
    _assert_equal(dataset.load_stored(), arrays)
    assert [p.name for p in dataset.store_path().parent.iterdir()] == [dataset.STORE_NAME]


def test_class_labels_and_font():
    assert [label(i) for i in (0, 3, 9)] == ["お (o)", "つ (tsu)", "を (wo)"]
    assert len(CLASSES) == 10
    assert kana_font_path().name == "NotoSansJP-kana.otf"
