"""The work store: round trips, atomic metadata, damaged files set aside with a message."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from explorer.core.work_store import ReadOnlyWork, WorkNameError, WorkStore


def test_metadata_weights_and_arrays_round_trip(tmp_path):
    store = WorkStore("mlp", tmp_path)
    weights = store.save_weights("net one", {"w": torch.arange(3.0)}, architecture="MLP-2", note="kept")
    arrays = store.save_arrays("curves", loss=np.linspace(1, 0, 5))
    store.save({"weights": weights, "arrays": arrays})
    again = WorkStore("mlp", tmp_path)
    work = again.load()
    assert work == {"weights": "net_one.pt", "arrays": "curves.npz"}
    ckpt = again.load_weights(work["weights"])
    assert torch.equal(ckpt.state_dict["w"], torch.arange(3.0)) and ckpt.extra == {"note": "kept"}
    assert np.allclose(again.load_arrays(work["arrays"])["loss"], np.linspace(1, 0, 5))
    assert again.problems == []


def test_nothing_kept_is_an_empty_store(tmp_path):
    store = WorkStore("recurrent", tmp_path / "missing")
    assert store.load() == {} and store.load_weights("x.pt") is None and store.load_arrays("x.npz") is None


def test_damaged_files_are_renamed_aside_with_a_message(tmp_path):
    store = WorkStore("kuzushiji", tmp_path)
    (tmp_path / "work.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a.pt").write_bytes(b"PK\x03\x04 cut")
    (tmp_path / "b.npz").write_bytes(b"not a zip")
    assert store.load() == {}
    assert store.load_weights("a.pt") is None and store.load_arrays("b.npz") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt.damaged", "b.npz.damaged", "work.json.damaged"]
    assert len(store.problems) == 3 and "renamed to work.json.damaged" in store.problems[0]


def test_metadata_of_another_format_is_set_aside(tmp_path):
    (tmp_path / "work.json").write_text(json.dumps({"format": 99, "work": {"x": 1}}), encoding="utf-8")
    store = WorkStore("mlp", tmp_path)
    assert store.load() == {} and (tmp_path / "work.json.damaged").is_file()


# names from work.json are plain file names inside the store (issue 17, item 3) ---------------------------

VICTIM_TEXT = b"chapter one of a thesis"


def _victim(tmp_path):
    victim = tmp_path / "home" / "u" / "thesis" / "chapter1.docx"
    victim.parent.mkdir(parents=True)
    victim.write_bytes(VICTIM_TEXT)
    return victim


def _work(folder, experiment, work):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "work.json").write_text(json.dumps({"format": 1, "experiment": experiment, "work": work}))


def _assert_untouched(victim, folder, problems, expected):
    assert victim.read_bytes() == VICTIM_TEXT and not victim.with_name("chapter1.docx.damaged").exists()
    assert (folder / "work.json.damaged").is_file() and not (folder / "work.json").exists()
    assert len(problems) == 1 and expected in problems[0] and "renamed to work.json.damaged" in problems[0]


def test_an_mlp_arrays_name_climbing_out_of_the_store_touches_nothing(tmp_path):
    from explorer.core.mlp.work import load_work

    victim = _victim(tmp_path)
    folder = tmp_path / "data" / "work" / "mlp"
    _work(folder, "mlp", {"dataset": {"arrays": "../../../home/u/thesis/chapter1.docx"}, "weights": {}})
    store = WorkStore("mlp", folder)
    assert load_work(store) is None
    _assert_untouched(victim, folder, store.problems,
                      "the file name '../../../home/u/thesis/chapter1.docx' is not a plain file name in work/mlp")


def test_an_absolute_recurrent_net_file_touches_nothing(tmp_path):
    from explorer.core.recurrent.work import load_work

    victim = _victim(tmp_path)
    folder = tmp_path / "data" / "work" / "recurrent"
    _work(folder, "recurrent", {"nets": {"anb2n_srn2": {"file": str(victim), "label": "x"}}})
    store = WorkStore("recurrent", folder)
    assert load_work(store) == (None, {})
    _assert_untouched(victim, folder, store.problems, "/home/u/thesis/chapter1.docx' is not a plain file name in work/recurrent")


def test_an_absolute_kuzushiji_history_file_touches_nothing(tmp_path):
    from explorer.core.kuzushiji.work import restore_results

    victim = _victim(tmp_path)
    folder = tmp_path / "data" / "work" / "kuzushiji"
    epoch = {"epoch": 1, "train_loss": 1.0, "test_loss": 1.0, "accuracy": 50.0, "seconds": 1.0, "images_per_second": 9.0}
    _work(folder, "kuzushiji", {"histories": {"lin": {"file": str(victim), "epochs": [epoch]}}})
    store = WorkStore("kuzushiji", folder)
    assert restore_results(store) == {}
    _assert_untouched(victim, folder, store.problems, "is not a plain file name in work/kuzushiji")


def test_a_link_or_a_fifo_inside_the_store_is_never_opened(tmp_path):
    from explorer.core.mlp.work import load_work

    victim = _victim(tmp_path)
    folder = tmp_path / "data" / "work" / "mlp"
    folder.mkdir(parents=True)
    (folder / "link.npz").symlink_to(victim)
    os.mkfifo(folder / "pipe.npz")  # np.load would wait on it forever
    for name in ("link.npz", "pipe.npz"):
        _work(folder, "mlp", {"dataset": {"arrays": name}, "weights": {}})
        store = WorkStore("mlp", folder)
        assert load_work(store) is None
        assert f"'{name}' in work/mlp is not a regular file" in store.problems[0]
        (folder / "work.json.damaged").unlink()
    assert (folder / "link.npz").is_symlink() and victim.read_bytes() == VICTIM_TEXT


@pytest.mark.parametrize("name", ["..", ".", "", "a/b.npz", "a\\b.npz", "C:x.npz", "/etc/passwd", 5, ["x"], None])
def test_only_plain_file_names_are_accepted(tmp_path, name):
    with pytest.raises(WorkNameError):
        WorkStore("mlp", tmp_path).path_of(name)


def test_set_aside_never_moves_a_path_outside_the_store(tmp_path):
    victim = _victim(tmp_path)
    store = WorkStore("mlp", tmp_path / "store")
    store.set_aside(victim, ValueError("crafted"))
    assert victim.read_bytes() == VICTIM_TEXT
    assert "was not moved aside" in store.problems[0]


# a second window's store writes nothing (issue 17, item 8) ----------------------------------------------

def test_a_read_only_store_writes_nothing(tmp_path):
    WorkStore("mlp", tmp_path).save({"kept": 1})
    (tmp_path / "old.npz").write_bytes(b"kept")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    store = WorkStore("mlp", tmp_path, read_only="another window has it")
    assert store.load() == {"kept": 1}
    for write in (lambda: store.save({"kept": 2}), lambda: store.save_arrays("a", x=np.zeros(2)),
                  lambda: store.save_weights("w", {"w": torch.zeros(1)})):
        with pytest.raises(ReadOnlyWork, match="this window is read-only"):
            write()
    store.remove("old.npz")
    store.set_aside("old.npz", ValueError("damaged"))
    assert "left as it is (this window is read-only)" in store.problems[0]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_work_that_is_not_a_table_is_set_aside(tmp_path):
    (tmp_path / "work.json").write_text(json.dumps({"format": 1, "work": [1, 2]}), encoding="utf-8")
    store = WorkStore("mlp", tmp_path)
    assert store.load() == {} and (tmp_path / "work.json.damaged").is_file()
    assert "its 'work' should be a table of named entries, not a list" in store.problems[0]


def test_an_earlier_damaged_copy_is_kept(tmp_path):
    for text in ("{first", "{second"):
        (tmp_path / "work.json").write_text(text, encoding="utf-8")
        assert WorkStore("mlp", tmp_path).load() == {}
    assert (tmp_path / "work.json.damaged").read_text() == "{first"
    assert (tmp_path / "work.json.2.damaged").read_text() == "{second"
