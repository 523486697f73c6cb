import numpy as np
import torch

from explorer.core.recurrent.languages import sequence_for_ns
from explorer.core.recurrent.models import forward, make_model, step, trace
from explorer.core.recurrent.weights import export_course, load_net, parse_course_filename, save_net


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _course_srn(p, x):
    h = np.tanh(p["H0"])
    hs = []
    for xt in x:
        h = np.tanh(xt @ p["W"] + h @ p["U"] + p["hid_bias"])
        hs.append(h)
    hs = np.array(hs)
    return hs, None, hs @ p["V"] + p["out_bias"]


def _course_lstm(p, x):
    n = p["U"].shape[0]
    h = c = np.zeros(n)
    hs, cs = [], []
    for xt in x:
        g = xt @ p["W"] + h @ p["U"] + p["hid_bias"]
        i, f, gg, o = (
            _sigmoid(g[:n]),
            _sigmoid(g[n : 2 * n]),
            np.tanh(g[2 * n : 3 * n]),
            _sigmoid(g[3 * n :]),
        )
        c = f * c + i * gg
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    hs = np.array(hs)
    return hs, np.array(cs), hs @ p["V"] + p["out_bias"]


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def test_course_names_and_shapes():
    srn = make_model("srn", 2, 2)
    assert {k: tuple(v.shape) for k, v in srn.state_dict().items()} == {
        "H0": (2,),
        "W": (2, 2),
        "U": (2, 2),
        "hid_bias": (2,),
        "V": (2, 2),
        "out_bias": (2,),
    }
    lstm = make_model("lstm", 3, 3)
    assert {k: tuple(v.shape) for k, v in lstm.state_dict().items()} == {
        "W": (3, 12),
        "U": (3, 12),
        "hid_bias": (12,),
        "V": (3, 3),
        "out_bias": (3,),
    }


def test_course_checkpoints_round_trip_and_give_course_activations(tmp_path):
    torch.manual_seed(0)
    x = sequence_for_ns("anb2nc3n", [2, 1]).inputs
    for kind, course in (("srn", _course_srn), ("lstm", _course_lstm)):
        net = make_model(kind, 3, 3, init_std=0.7)
        path = export_course(tmp_path, net, "anb2nc3n", 100)
        assert path.name == f"anb2nc3n_{kind}3_100.pth"
        loaded = load_net(path).model
        raw = torch.load(path, weights_only=True)
        assert set(raw) == set(net.state_dict())  # a bare course state dict
        p = {k: v.numpy().astype(np.float64) for k, v in raw.items()}
        hs, cs, out = course(p, x)
        tr = trace(loaded, x)
        np.testing.assert_allclose(tr.hidden, hs, atol=1e-5)
        np.testing.assert_allclose(tr.log_probs, _log_softmax(out), atol=1e-5)
        if cs is not None:
            np.testing.assert_allclose(tr.cell, cs, atol=1e-5)


def test_stepper_equals_full_forward():
    torch.manual_seed(1)
    x = sequence_for_ns("anb2n", [3, 1]).inputs
    for kind in ("srn", "lstm"):
        net = make_model(kind, 2, 2, init_std=0.8)
        hid, logits = forward(net, torch.from_numpy(x)[None])
        state = None
        for t in range(len(x)):
            r = step(net, state, x[t])
            state = r.state
            np.testing.assert_allclose(r.hidden, hid[0, t].detach().numpy(), atol=1e-6)
            np.testing.assert_allclose(
                r.probabilities, torch.softmax(logits[0, t], -1).detach().numpy(), atol=1e-6
            )
            if kind == "lstm":
                assert set(r.gates) == {"i", "f", "g", "o"}


def test_app_checkpoint_metadata_and_shape_refusal(tmp_path):
    import pytest

    from explorer.core import checkpoints
    from explorer.core.errors import UserError

    net = make_model("lstm", 3, 3)
    path = save_net(tmp_path / "net.pt", net, "anb2nc3n", {"L": 4})
    ckpt = checkpoints.load(path)
    assert (ckpt.experiment, ckpt.architecture) == ("recurrent", "LSTM-3 on anb2nc3n")
    assert load_net(path).hidden == 3
    wrong = export_course(tmp_path, make_model("srn", 2, 2), "anb2n", 5)
    with pytest.raises(UserError, match="does not fit"):
        load_net(wrong, lang="anb2n", model="srn", hidden=4)
    with pytest.raises(UserError, match="file name"):
        load_net(checkpoints.save_state_dict(tmp_path / "weights.pth", net.state_dict()))
    assert parse_course_filename("anb2nc3n_lstm3_100.pth") == ("anb2nc3n", "lstm", 3, 100)
