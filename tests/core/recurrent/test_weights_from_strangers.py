"""A recurrent checkpoint from someone else: L within the app's bounds, one check for the window and the CLI.

Issue 17, item 5: a ``.pt`` with ``hyperparameters.L = 10**9`` made the window build
strings up to n = 10**9 (24 GB, killed); item 6: ``L: [4]`` gave a traceback.
"""

from __future__ import annotations

import pytest
import torch

from explorer.cli import main
from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.recurrent.languages import MAX_LENGTH, get_language
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.weights import load_net, open_state, save_net
from explorer.core.recurrent.work import load_work
from explorer.core.work_store import WorkStore


def _net_with(path, **hyperparameters):
    torch.manual_seed(0)
    save_net(path, make_model("srn", get_language("anb2n").size, 2), "anb2n", hyperparameters=hyperparameters)
    return path


@pytest.mark.parametrize("L, problem", [
    (10**9, f"must be between 1 and {MAX_LENGTH} (got 1,000,000,000)"),
    ([4], "must be a whole number (got [4])"),
    ("4", "must be a whole number (got '4')"),
    (0, f"must be between 1 and {MAX_LENGTH} (got 0)"),
])
def test_an_L_out_of_bounds_is_refused_by_the_window_and_the_cli(tmp_path, capsys, L, problem):
    path = _net_with(tmp_path / "anb2n_srn2.pt", L=L)
    expected = f"anb2n_srn2.pt: meta field 'hyperparameters.L' (the length L, largest n in training) {problem}"
    with pytest.raises(UserError) as info:
        open_state(path, "anb2n", "srn")  # File → Open weights in the recurrent tab
    assert str(info.value) == expected
    assert main(["recurrent", "evaluate", "--weights", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {expected}"]


def test_an_L_within_bounds_is_kept(tmp_path):
    assert load_net(_net_with(tmp_path / "anb2n_srn2.pt", L=MAX_LENGTH)).L == MAX_LENGTH


def test_a_kept_net_with_an_absurd_L_is_set_aside_and_the_rest_starts(tmp_path):
    store = WorkStore("recurrent", tmp_path)
    _net_with(tmp_path / "anb2n_srn2.pt", L=10**9)
    store.save({"choice": {"lang": "anb2n", "model": "srn", "hidden": 2, "L": 4},
                "nets": {"anb2n_srn2": {"file": "anb2n_srn2.pt", "label": "trained here"}}})
    choice, nets = load_work(store)
    assert choice == ("anb2n", "srn", 2, 4) and nets == {}
    assert (tmp_path / "anb2n_srn2.pt.damaged").is_file()
    assert "hyperparameters.L' (the length L, largest n in training) must be between 1 and" in store.problems[0]


def test_a_kept_net_is_filed_under_the_net_it_holds(tmp_path):
    store = WorkStore("recurrent", tmp_path)
    _net_with(tmp_path / "x.pt", L=5)
    store.save({"nets": {"anb2nc3n_lstm3": {"file": "x.pt", "label": "kept"}}})
    _, nets = load_work(store)
    assert list(nets) == ["anb2n_srn2"] and nets["anb2n_srn2"].L == 5


def test_a_json_file_named_pt_is_said_to_be_no_weights_file(tmp_path):
    path = tmp_path / "anb2n_srn2.pt"
    path.write_text('{"W": [[1, 2]], "meta": {"L": 4}}')
    with pytest.raises(checkpoints.CheckpointError) as info:
        load_net(path)
    assert str(info.value) == "anb2n_srn2.pt: not a weights file (a PyTorch .pt/.pth file; this one is JSON or text)"
    assert "could run code" not in str(info.value)
