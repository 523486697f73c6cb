import numpy as np
import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.evaluation import accuracy
from explorer.core.recurrent.languages import sequence_for_ns
from explorer.core.recurrent.models import forward, make_model
from explorer.core.recurrent.parallel import ParallelNets
from explorer.core.recurrent.training import course_recipe, fast_recipe, train


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("kind", ["srn", "lstm"])
def test_each_parallel_replica_is_a_course_net(kind):
    torch.manual_seed(0)
    nets = ParallelNets(kind, 3, 2, replicas=3, init_std=0.5)
    x = torch.from_numpy(sequence_for_ns("anb2nc3n", [2, 3]).inputs)[None]
    logits = nets(x)
    for r in range(3):
        net = make_model(kind, 3, 2)
        net.load_state_dict(nets.replica_state_dict(r))
        _, own = forward(net, x)
        torch.testing.assert_close(logits[r], own, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(("lang", "model"), [("anb2n", "srn"), ("anb2nc3n", "lstm")])
def test_fast_recipe_solves_default_task(lang, model):
    records = []
    result = run_to_end(train(fast_recipe(lang, model, seed=0, sequences=8000)), records.append)
    assert result.solved and result.accuracy == 100.0
    assert accuracy(result.model, lang) == 100.0  # the returned net really solves it
    assert all(result.per_n[n] == 100.0 for n in range(1, 5))
    assert set(result.per_n) == set(range(1, 13))
    kept = [r for r in records if r.keep]
    assert kept and {"sequences", "loss", "accuracy", "state_dict", "solved"} <= set(kept[-1].data)
    assert kept[-1].data["solved"] and result.sequences == kept[-1].data["sequences"]
    assert all(np.isfinite(r.data["loss"]) for r in records)


def test_course_recipe_values_and_short_run():
    config = course_recipe("anb2nc3n", "srn")
    assert (config.hidden, config.sequences, config.lr, config.optimizer, config.batch) == (
        4,
        200_000,
        0.005,
        "sgd",
        1,
    )
    assert course_recipe("anb2n", "srn").sequences == 100_000
    result = run_to_end(train(course_recipe("anb2n", "srn", sequences=50, eval_every=25)))
    assert result.sequences == 50 and not result.solved


def test_bad_config_refused():
    with pytest.raises(UserError, match="optimiser"):
        run_to_end(train(fast_recipe("anb2n", "srn", optimizer="rmsprop")))
    with pytest.raises(UserError, match="hidden"):
        run_to_end(train(fast_recipe("anb2n", "srn", hidden=0)))


def test_cancelled_run_leaves_usable_weights_in_its_last_kept_record():
    gen = train(fast_recipe("anb2n", "srn", seed=1, eval_every=64))
    kept = next(r for r in gen if r.keep)
    gen.close()  # what the GUI does on cancel
    net = make_model("srn", 2, 2)
    net.load_state_dict(kept.data["state_dict"])
    assert kept.data["sequences"] == 64 and 0 <= accuracy(net, "anb2n") <= 100
    assert kept.fraction == 64 / 60_000
