"""Each data set's nets are kept apart: checkpoints and epoch replays of Kuzushiji-49 never replace KMNIST's."""

from __future__ import annotations

import numpy as np
import torch

from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import engine, nets
from explorer.core.kuzushiji.datasets import K49, KMNIST
from explorer.core.kuzushiji.engine import TrainConfig
from explorer.core.kuzushiji.model import KuzushijiModel
from explorer.core.progress import run_to_end
from explorer.core.work_store import WorkStore
from tests.core.kuzushiji.fakedata import make_k49_arrays


def keep_one_epoch(model: KuzushijiModel, data, store: WorkStore):
    config = TrainConfig(net="lin", epochs=1, batch=32)
    model.start_run(config)
    result = run_to_end(engine.train(nets.create("lin", seed=1, dataset=data.dataset), data, config))
    for record in result.history:
        model.add_epoch(record)
    kept, error = model.keep_run(model.run_history, 1.0, False, "", store, lambda *_: True)
    assert error == ""
    return kept


def k49_data() -> kmnist.ImageData:
    arrays = make_k49_arrays()
    return kmnist.ImageData(*(torch.from_numpy(arrays[p]).long() if "labels" in p else torch.from_numpy(arrays[p])
                              for p in kmnist.PARTS), source="test", dataset=K49)


def test_a_k49_run_keeps_its_own_replay_and_leaves_kmnists(kmnist_folder, tmp_path):
    store = WorkStore("kuzushiji", tmp_path / "work")
    model = KuzushijiModel()
    kmnist_lin = keep_one_epoch(model, kmnist.import_folder(kmnist_folder), store)
    model.use_dataset(K49, store)
    assert model.results == {}  # KMNIST's NetLin is not K49's
    k49_lin = keep_one_epoch(model, k49_data(), store)
    assert k49_lin.model.linear.out_features == 49

    back = KuzushijiModel.from_store(store)  # KMNIST, as after a restart
    assert back.results["lin"].dataset is KMNIST and len(back.results["lin"].history) == 1
    assert back.results["lin"].accuracy == kmnist_lin.accuracy
    back.use_dataset(K49, store)
    again = back.results["lin"]
    assert again.dataset is K49 and len(again.history) == 1
    assert again.history[0].confusion.shape == (49, 49)
    assert np.array_equal(again.history[0].confusion, k49_lin.history[0].confusion)
    assert back.notes == []
