"""Data files and pictures from strangers: sizes from the header before allocation, one message each."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import struct
import warnings
import zipfile

import numpy as np
import pytest
from numpy.lib import format as npy_format
from PIL import Image

from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset, formats
from explorer.core.kuzushiji.preprocess import MAX_IMAGE_PIXELS, load_image, read_image
from tests.core.kuzushiji.image_files import huge_png_header, nan_tiff, png_with_broken_idat

NPZ = dataset.FILES["npz"]


def _npz_with_header(path, shape, descr="|u1", data=b"\0" * 64):
    """A zip holding ``arr_0.npy`` whose header declares ``shape`` (followed by only ``data``)."""
    member = io.BytesIO()
    npy_format.write_array_header_1_0(member, {"descr": descr, "fortran_order": False, "shape": shape})
    member.write(data)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("arr_0.npy", member.getvalue())
    return path


def _good_folder(folder, n=20):
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    for name, array in zip(NPZ, (rng.integers(0, 255, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10,
                                 rng.integers(0, 255, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10), strict=True):
        np.savez_compressed(folder / name, arr_0=array)
    return folder


def test_the_limit_admits_kuzushiji_49_and_its_idx_header(tmp_path):
    assert formats.MAX_IMAGES >= 232_365
    header = struct.pack(">HBB", 0, 8, 3) + struct.pack(">III", 232_365, 28, 28)
    assert formats.idx_header(header, "k49-train-imgs")[2] == (232_365, 28, 28)


def test_an_npz_declaring_a_hundred_billion_images_is_refused_from_its_header(tmp_path):
    path = _npz_with_header(tmp_path / NPZ[0], (10**11, 28, 28))
    with pytest.raises(UserError) as caught:
        formats.read_npz(path)
    message = str(caught.value)
    assert message.startswith(f"{NPZ[0]} (arr_0.npy): declares an array of 100,000,000,000×28×28 values")
    assert "300,000 images of 28×28" in message


def test_an_npy_renamed_npz_is_named_as_such(tmp_path):
    path = tmp_path / NPZ[1]
    with open(path, "wb") as out:
        np.save(out, np.arange(10))
    with pytest.raises(UserError, match=r"kmnist-train-labels.npz: a single NumPy array \(.npy\) with a .npz name"):
        formats.read_npz(path)


@pytest.mark.parametrize("kind", ["raw pickle", "object array"])
def test_pickles_are_refused_without_advice_to_allow_them(tmp_path, kind):
    path = tmp_path / NPZ[1]
    if kind == "raw pickle":
        path.write_bytes(pickle.dumps(np.arange(10)))
        expected = "a Python pickle, not a .npz archive; the app never loads pickles"
    else:
        np.savez(path, arr_0=np.array([1, "two", None], dtype=object))
        expected = "holds Python objects (a pickle), not numbers"
    with pytest.raises(UserError) as caught:
        formats.read_npz(path)
    assert expected in str(caught.value) and "allow_pickle" not in str(caught.value)


def test_an_npz_member_shorter_than_its_header_says_is_refused(tmp_path):
    path = _npz_with_header(tmp_path / NPZ[0], (5, 28, 28), data=b"\0" * 100)
    with pytest.raises(UserError, match=r"truncated array \(100 of 3,920 bytes\)"):
        formats.read_npz(path)


@pytest.mark.parametrize("gz", [False, True])
def test_an_idx_header_declaring_too_much_is_refused_before_reading(tmp_path, gz):
    data = struct.pack(">HBB", 0, 8, 3) + struct.pack(">III", 4_000_000_000, 28, 28) + b"\0" * 1000
    path = tmp_path / ("train-images-idx3-ubyte" + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    with pytest.raises(UserError, match=r"declares an array of 4,000,000,000×28×28 values"):
        formats.read_idx(path)


def test_a_fifo_in_the_data_folder_is_refused_by_name_without_blocking(tmp_path):
    folder = _good_folder(tmp_path / "kmnist")
    (folder / NPZ[2]).unlink()
    os.mkfifo(folder / NPZ[2])  # opening it for reading would wait for a writer forever
    with pytest.raises(UserError, match=r"kmnist-test-imgs.npz: a named pipe \(FIFO\), not a regular data file"):
        dataset.read_folder(folder)


def test_a_good_npz_folder_still_reads(tmp_path):
    data = dataset.read_folder(_good_folder(tmp_path / "kmnist"))
    assert data.counts == (20, 20) and data.train_images.dtype.is_floating_point is False


def test_a_stored_file_with_a_huge_header_is_ignored_not_allocated(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    target = dataset.store_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    member = io.BytesIO()
    npy_format.write_array_header_1_0(member, {"descr": "|u1", "fortran_order": False, "shape": (10**11, 28, 28)})
    with zipfile.ZipFile(target, "w") as archive:
        for part in dataset.PARTS:
            archive.writestr(f"{part}.npy", member.getvalue())
    assert dataset.load_stored() is None


# --- pictures --------------------------------------------------------------------------------------------


def test_a_png_with_broken_pixel_data_is_one_message_naming_it(tmp_path):
    with pytest.raises(UserError, match=r"^broken.png: not a readable image \("):
        load_image(png_with_broken_idat(tmp_path))


@pytest.mark.parametrize(("side", "megapixels"), [(12_000, "144"), (20_000, "400")])
def test_a_huge_picture_is_refused_from_its_header_without_a_warning(tmp_path, side, megapixels):
    path = huge_png_header(tmp_path, side, side)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PIL's DecompressionBombWarning must not reach the user
        with pytest.raises(UserError) as caught:
            load_image(path)
    assert f"{megapixels} megapixels" in str(caught.value) and "50 megapixels the app reads" in str(caught.value)
    assert MAX_IMAGE_PIXELS == 50_000_000


def test_a_float_tiff_with_nan_is_refused(tmp_path):
    with pytest.raises(UserError, match="nan.tif: holds pixels that are not numbers"):
        load_image(nan_tiff(tmp_path))


def test_a_finite_float_tiff_still_reads(tmp_path):
    path = tmp_path / "ok.tif"
    Image.fromarray(np.full((20, 30), 128.0, np.float32)).save(path)
    assert load_image(path).shape == (20, 30)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_only_regular_files_are_opened_as_pictures(tmp_path, kind):
    path = tmp_path / "picture.png"
    if kind == "fifo":
        os.mkfifo(path)
        expected = "a named pipe (FIFO), not a regular image file"
    else:
        path.mkdir()
        expected = "a folder, not a regular image file"
    with pytest.raises(UserError) as caught:
        load_image(path)
    assert str(caught.value) == f"{path}: {expected}"


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_max_side_reduces_a_large_picture_while_reading(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    Image.fromarray(np.full((3000, 4000), 200, np.uint8)).save(path)
    grey = read_image(path, max_side=1120)
    assert max(grey.shape) <= 1120 and grey.shape[1] > grey.shape[0]
    assert read_image(path).shape == (3000, 4000)
