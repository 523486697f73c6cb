"""The data-set descriptions: what the app knows of KMNIST and Kuzushiji-49."""

from __future__ import annotations

import pytest

from explorer.core.errors import UserError
from explorer.core.kuzushiji import datasets
from explorer.core.kuzushiji.datasets import DATASETS, K49, KMNIST, ROLES, dataset


def test_kmnist_is_the_courses_ten_classes_and_files():
    assert KMNIST.key == "kmnist" and KMNIST.title == "Kuzushiji-MNIST"
    assert KMNIST.num_classes == 10
    assert KMNIST.label(0) == "お (o)" and KMNIST.label(9) == "を (wo)"
    assert (KMNIST.image_size, KMNIST.train_size, KMNIST.test_size) == (28, 60_000, 10_000)
    assert [f.name for f in KMNIST.files] == [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ]
    assert [f.role for f in KMNIST.files] == list(ROLES)
    assert KMNIST.files[0].size == 16 + 60_000 * 28 * 28
    assert KMNIST.formats == ("idx.gz", "idx", "npz")
    assert KMNIST.layout("npz")[0] == "kmnist-train-imgs.npz"


def test_kmnist_keeps_the_checkpoint_names_users_already_have():
    assert [KMNIST.checkpoint_name(n) for n in ("lin", "full", "conv")] == [
        "kuzushiji_lin.pt", "kuzushiji_full.pt", "kuzushiji_conv.pt",
    ]


def test_k49_is_49_kana_in_the_official_layout_with_its_own_checkpoints():
    assert K49.num_classes == 49 == len(K49.glyphs) == len(set(K49.class_names))
    assert K49.glyphs[0] == "あ" and K49.label(47) == "ん (n)" and K49.label(48) == "ゝ (odoriji)"
    assert (K49.train_size, K49.test_size) == (232_365, 38_547)
    assert [f.name for f in K49.files] == [
        "k49-train-imgs.npz", "k49-train-labels.npz", "k49-test-imgs.npz", "k49-test-labels.npz",
    ]
    assert all(len(f.md5) == 32 for f in K49.files)
    assert K49.metric == "balanced accuracy"
    assert K49.checkpoint_name("lin") == "kuzushiji_k49_lin.pt" != KMNIST.checkpoint_name("lin")
    assert K49.mirrors_env != KMNIST.mirrors_env
    assert K49.store_name != KMNIST.store_name


def test_every_data_set_is_found_by_its_key_and_an_unknown_one_names_the_choices():
    assert list(DATASETS) == ["kmnist", "k49"]
    assert dataset("k49") is K49
    with pytest.raises(UserError, match=r"unknown data set 'emnist' \(choose one of: kmnist, k49\)"):
        dataset("emnist")


def test_descriptions_cannot_be_changed_by_accident():
    with pytest.raises(AttributeError):
        datasets.KMNIST.key = "other"  # type: ignore[misc]
