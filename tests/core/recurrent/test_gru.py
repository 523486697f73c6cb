"""The GRU beside the SRN and LSTM: torch's equations, the fused training path, checkpoints, stepping, machines."""

import numpy as np
import pytest
import torch

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.evaluation import accuracy
from explorer.core.recurrent.languages import sequence_for_ns
from explorer.core.recurrent.models import MODEL_KINDS, forward, make_model, step, trace
from explorer.core.recurrent.parallel import ParallelNets
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.training import TrainConfig, course_recipe, fast_recipe, train
from explorer.core.recurrent.weights import export_course, load_net, parse_course_filename, save_net


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _gru_cell_with(net):
    """A torch.nn.GRUCell holding the course-named GRU's weights (the independent reference)."""
    hid = net.num_hid
    cell = torch.nn.GRUCell(net.W.shape[0], hid)
    with torch.no_grad():
        cell.weight_ih.copy_(net.W.T)
        cell.weight_hh.copy_(net.U.T)
        cell.bias_ih.copy_(net.hid_bias)
        cell.bias_hh.copy_(torch.cat([torch.zeros(2 * hid), net.new_bias]))
    return cell


def test_gru_is_torch_grucell_with_course_names():
    torch.manual_seed(3)
    net = make_model("gru", 3, 4, init_std=0.8)
    assert {k: tuple(v.shape) for k, v in net.state_dict().items()} == {
        "W": (3, 12),
        "U": (4, 12),
        "hid_bias": (12,),
        "new_bias": (4,),
        "V": (4, 3),
        "out_bias": (3,),
    }
    cell = _gru_cell_with(net)
    x = sequence_for_ns("anb2nc3n", [2, 3]).inputs
    tr = trace(net, x)
    h = torch.zeros(1, 4)
    with torch.no_grad():
        for t, xt in enumerate(torch.from_numpy(x)):
            h = cell(xt[None], h)
            np.testing.assert_allclose(tr.hidden[t], h[0].numpy(), atol=1e-6)
            logits = h @ net.V + net.out_bias
            np.testing.assert_allclose(
                tr.probabilities[t], torch.softmax(logits[0], -1).numpy(), atol=1e-6
            )
    assert tr.cell is None and set(tr.gates) == {"r", "z", "n"}
    assert np.all((tr.gates["z"] > 0) & (tr.gates["z"] < 1))
    # h_t = (1 − z)·n + z·h_{t−1}: the gates the stepper shows are the ones that made the state
    before = np.vstack([np.zeros(4), tr.hidden[:-1]])
    np.testing.assert_allclose(
        (1 - tr.gates["z"]) * tr.gates["n"] + tr.gates["z"] * before, tr.hidden, atol=1e-6
    )


def test_gru_stepper_equals_forward_and_fused_replicas():
    torch.manual_seed(1)
    x = sequence_for_ns("anb2n", [3, 1]).inputs
    net = make_model("gru", 2, 2, init_std=0.8)
    hid, _ = forward(net, torch.from_numpy(x)[None])
    state = None
    for t in range(len(x)):
        r = step(net, state, x[t])
        state = r.state
        np.testing.assert_allclose(r.hidden, hid[0, t].detach().numpy(), atol=1e-6)
    nets = ParallelNets("gru", 3, 2, replicas=3, init_std=0.5)
    x3 = torch.from_numpy(sequence_for_ns("anb2nc3n", [2, 3]).inputs)[None]
    logits = nets(x3)
    for r in range(3):
        own = make_model("gru", 3, 2)
        own.load_state_dict(nets.replica_state_dict(r))
        torch.testing.assert_close(logits[r], forward(own, x3)[1], atol=1e-5, rtol=1e-5)


def test_gru_checkpoints_and_course_names(tmp_path):
    torch.manual_seed(0)
    net = make_model("gru", 3, 3)
    path = export_course(tmp_path, net, "anb2nc3n", 100)
    assert path.name == "anb2nc3n_gru3_100.pth"
    assert parse_course_filename(path) == ("anb2nc3n", "gru", 3, 100)
    loaded = load_net(path)
    assert (loaded.kind, loaded.hidden) == ("gru", 3)
    x = sequence_for_ns("anb2nc3n", [2]).inputs
    np.testing.assert_array_equal(trace(loaded.model, x).hidden, trace(net, x).hidden)
    app = save_net(tmp_path / "net.pt", net, "anb2nc3n", {"L": 4})
    assert checkpoints.load(app).architecture == "GRU-3 on anb2nc3n"
    assert load_net(app).kind == "gru"
    # an LSTM's weights are refused as a GRU, naming the parameters a GRU has
    lstm = export_course(tmp_path, make_model("lstm", 3, 3), "anb2nc3n", 7)
    with pytest.raises(UserError, match="new_bias"):
        load_net(lstm, model="gru")


def test_gru_trains_with_both_recipes_and_has_a_machine():
    assert MODEL_KINDS == ("srn", "gru", "lstm")
    result = run_to_end(train(fast_recipe("anb2n", "gru", seed=1, sequences=8000)))
    assert result.solved and accuracy(result.model, "anb2n") == 100.0
    assert result.model.kind == "gru" and "new_bias" in result.state_dict
    found = extract_state_machine(result.model, "anb2n", max_n=3)
    assert found.visited.state == "hidden" and found.agreement.horizon >= 3
    short = run_to_end(train(course_recipe("anb2n", "gru", sequences=40, eval_every=20)))
    assert short.sequences == 40 and short.config.optimizer == "sgd"
    with pytest.raises(UserError, match="srn, gru or lstm"):
        TrainConfig(model="rnn").validate()
