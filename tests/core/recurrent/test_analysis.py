import numpy as np
import torch

from explorer.core.recurrent.analysis import export_scatter_name, hidden_pairs, pca, trajectories
from explorer.core.recurrent.models import make_model, trace


def test_trajectories_rows_states_and_paths():
    torch.manual_seed(0)
    net = make_model("lstm", 3, 3)
    tr = trajectories(net, "anb2nc3n", [1, 2, "AABBBBCCCCCCA"])
    assert tr.hidden.shape == (6 + 12 + 12, 3) and tr.cell.shape == tr.hidden.shape
    assert tr.offsets.tolist() == [0, 6, 18, 30]
    np.testing.assert_allclose(
        tr.hidden[tr.path(1)], trace(net, tr.sequences[1].inputs).hidden, atol=1e-6
    )
    np.testing.assert_allclose(tr.states[:6], [1, 1, 0, 1, 2 / 3, 0], atol=1e-6)
    assert tr.states.max() <= 2 and tr.symbols[:3].tolist() == [0, 1, 1]
    srn = make_model("srn", 2, 2, init_std=0.5)
    assert trajectories(srn, "anb2n").cell is None
    np.testing.assert_allclose(
        trajectories(srn, "anb2n").initial_hidden, np.tanh(srn.H0.detach().numpy())
    )


def test_pca_finds_the_spread_direction():
    rng = np.random.default_rng(0)
    pts = np.outer(rng.normal(size=200), [3.0, 4.0, 0.0]) / 5 + 0.01 * rng.normal(size=(200, 3))
    p = pca(pts, k=3)
    assert abs(abs(p.components[0] @ [0.6, 0.8, 0.0]) - 1) < 1e-3
    assert p.explained[0] > 0.99 and p.project(pts).shape == (200, 3)
    assert pca(pts[:, :2], k=3).components.shape == (3, 2)


def test_pairs_and_names():
    assert hidden_pairs(3) == [(0, 1), (0, 2), (1, 2)]
    assert hidden_pairs(np.zeros((5, 2))) == [(0, 1)]
    assert export_scatter_name("anb2n", "srn", 2, 0, 1) == "anb2n_srn2_01.jpg"
