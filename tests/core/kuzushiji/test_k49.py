"""Kuzushiji-49 as a second data set: import, download, nets and training on small files of the real layout.

The real files are about 300 MB; these tests write the four official ``.npz`` (key ``arr_0``) with 49
imbalanced classes and a few hundred images (``fakedata.write_k49_folder``), and serve them from a
loopback HTTP server for the download.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset, download, nets
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.engine import TrainConfig, train
from explorer.core.kuzushiji.evaluation import format_confusion, most_confused_pairs
from explorer.core.kuzushiji.metrics import balanced_accuracy
from explorer.core.kuzushiji.transfer import DownloadCancelled
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.fakedata import k49_class_counts, md5s_of, write_k49_folder

SHORT = (0.5, 0.5)


def _same(data, arrays) -> bool:
    return all(np.array_equal(getattr(data, p).numpy(), arrays[p]) for p in dataset.PARTS)


def test_a_folder_of_the_four_k49_files_is_read_as_kuzushiji_49(tmp_path):
    arrays = write_k49_folder(tmp_path / "k49")
    data = dataset.read_folder(tmp_path / "k49")
    assert data.dataset is K49 and _same(data, arrays)
    assert data.train_images.dtype == torch.uint8 and data.test_images.dtype == torch.uint8  # no float copy
    assert np.array_equal(np.bincount(data.train_labels.numpy(), minlength=49), k49_class_counts())
    assert data.describe().startswith("Kuzushiji-49: 374 training / 125 test images, imported from ")


def test_an_imported_k49_is_stored_beside_kmnist_not_over_it(tmp_path, write_kmnist_folder):
    kmnist = write_kmnist_folder(tmp_path / "kmnist", fmt="npz", n_train=20, n_test=10)
    dataset.import_folder(tmp_path / "kmnist")
    arrays = write_k49_folder(tmp_path / "k49")
    dataset.import_folder(tmp_path / "k49")
    assert dataset.store_path(K49).name == "k49.npz" and dataset.store_path(K49) != dataset.store_path()
    back = dataset.load_stored(K49)
    assert back.dataset is K49 and _same(back, arrays) and back.train_images.dtype == torch.uint8
    assert _same(dataset.load_stored(), kmnist) and dataset.load_stored().dataset is KMNIST


def test_a_label_past_the_49th_class_names_the_file(tmp_path):
    arrays = write_k49_folder(tmp_path / "k49")
    arrays["test_labels"][7] = 49
    write_k49_folder(tmp_path / "bad", arrays=arrays)
    with pytest.raises(UserError, match=r"k49-test-labels.npz: label 49 at position 7 is outside 0\.\.48"):
        dataset.read_folder(tmp_path / "bad")


def test_a_missing_k49_file_is_named(tmp_path):
    write_k49_folder(tmp_path)
    (tmp_path / "k49-test-labels.npz").unlink()
    with pytest.raises(UserError, match=r"missing in .*: k49-test-labels.npz$"):
        dataset.read_folder(tmp_path)


def test_an_empty_folder_names_both_data_sets_files(tmp_path):
    with pytest.raises(UserError, match="no Kuzushiji-MNIST or Kuzushiji-49 files") as err:
        dataset.read_folder(tmp_path)
    assert all(name in str(err.value) for name in K49.layout("npz"))


def test_the_three_nets_tell_49_classes_apart():
    counts = {name: nets.parameter_count(nets.create(name, dataset=K49)) for name in nets.NETS}
    assert counts == {"lin": 38_465, "full": 106_801, "conv": 441_265}
    for name in nets.NETS:
        model = nets.create(name, dataset=K49)
        assert nets.num_outputs(model) == 49 and model(torch.zeros(2, 1, 28, 28)).shape == (2, 49)


def test_training_on_k49_gives_a_49_by_49_confusion_and_balanced_accuracy(tmp_path):
    write_k49_folder(tmp_path)
    data = dataset.read_folder(tmp_path)
    config = TrainConfig(net="lin", epochs=3, lr=0.05)
    result = run_to_end(train(nets.create("lin", seed=0, dataset=K49), data, config))
    confusion = result.evaluation.confusion
    assert confusion.shape == (49, 49) and confusion.sum() == 125
    assert list(confusion.sum(axis=1)) == list(k49_class_counts(smallest=1, step=12))
    assert result.evaluation.accuracy > 30  # chance is about 2 %
    assert result.history[-1].balanced_accuracy == pytest.approx(100 * balanced_accuracy(confusion))
    assert all(0 <= t < 49 and 0 <= p < 49 for t, p, _ in most_confused_pairs(confusion, 10))
    table = format_confusion(confusion, K49).splitlines()
    assert len(table) == 50 and table[0].split() == list(K49.class_names)


def test_a_kmnist_net_on_k49_data_is_refused_before_training(tmp_path):
    write_k49_folder(tmp_path)
    data = dataset.read_folder(tmp_path)
    with pytest.raises(UserError, match="NetLin has 10 outputs, but Kuzushiji-49 has 49 classes"):
        run_to_end(train(nets.create("lin"), data, TrainConfig(net="lin", epochs=1)))


@pytest.fixture
def k49_mirror(tmp_path):
    """A mirror folder ``good`` with the four K49 files, the arrays and their md5s."""
    arrays = write_k49_folder(tmp_path / "mirror" / "good")
    return tmp_path / "mirror", arrays, md5s_of(tmp_path / "mirror" / "good")


def test_k49_downloads_with_progress_and_is_stored(tmp_path, k49_mirror, serve_folder):
    root, arrays, md5s = k49_mirror
    base = serve_folder(root)
    records = []
    data = run_to_end(
        download.download(tmp_path / "dl", [base + "nothing-here/", base + "good/"], SHORT, chunk=2048,
                          md5s=md5s, data_set=K49),
        records.append,
    )
    assert data.dataset is K49 and _same(data, arrays) and _same(dataset.load_stored(K49), arrays)
    assert dataset.load_stored() is None  # KMNIST's store untouched
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(K49.layout("npz"))
    assert {r.data["file"] for r in records if "file_bytes" in r.data} == set(K49.layout("npz"))
    assert [r.data["error"] for r in records if "error" in r.data] == ["HTTP 404"]  # then the next mirror
    assert records[-1].done == records[-1].total == sum((root / "good" / n).stat().st_size for n in md5s)


def test_k49_files_that_are_not_the_published_ones_are_refused(tmp_path, k49_mirror, serve_folder):
    root, _, _ = k49_mirror
    with pytest.raises(UserError, match="could not download k49-train-imgs.npz: 127.0.0.1:.*md5 mismatch"):
        run_to_end(download.download(tmp_path / "dl", [serve_folder(root) + "good/"], SHORT, data_set=K49))
    assert list((tmp_path / "dl").iterdir()) == [] and dataset.load_stored(K49) is None


def test_cancelling_a_k49_download_leaves_nothing(tmp_path, k49_mirror, serve_folder):
    root, _, md5s = k49_mirror
    cancel = download.Cancel()
    gen = download.download(tmp_path / "dl", [serve_folder(root) + "good/"], SHORT, chunk=1024, md5s=md5s,
                            cancel=cancel, data_set=K49)
    with pytest.raises(DownloadCancelled):
        for record in gen:
            if 0 < record.data.get("file_bytes", 0):
                cancel.cancel()
    assert list((tmp_path / "dl").iterdir()) == [] and dataset.load_stored(K49) is None


def test_k49_mirrors_come_from_their_own_variable(monkeypatch):
    assert download.configured_mirrors(K49) == list(K49.mirrors)
    monkeypatch.setenv("EXPLORER_K49_MIRRORS", "https://example.org/k49/")
    assert download.configured_mirrors(K49) == ["https://example.org/k49/"]
    assert download.configured_mirrors() == list(KMNIST.mirrors)
    monkeypatch.setenv("EXPLORER_K49_MIRRORS", "ftp://example.org/")
    with pytest.raises(UserError, match="EXPLORER_K49_MIRRORS: 'ftp://example.org/' is not a usable mirror"):
        download.configured_mirrors(K49)
