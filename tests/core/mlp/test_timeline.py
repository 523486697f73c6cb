"""The MLP training timeline: bounded, evenly thinned, first and last moment kept (issue 10)."""

from __future__ import annotations

import numpy as np

from explorer.core.mlp import data
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.timeline import WeightTimeline
from explorer.core.mlp.training import TrainConfig, initial_weights, train
from explorer.core.progress import run_to_end


def test_a_long_run_keeps_at_most_200_evenly_spread_snapshots_with_the_first_and_the_last():
    timeline = WeightTimeline(every=100, limit=200)
    net = reference_step_network()
    for epoch in range(0, 1_000_001, 100):
        timeline.record(epoch, net)
    timeline.record(1_000_037, net, final=True)
    epochs = [s.epoch for s in timeline.snapshots]
    assert len(epochs) <= 200 and epochs[0] == 0 and epochs[-1] == 1_000_037
    gaps = np.diff(epochs[:-1])
    assert len(set(gaps)) == 1  # evenly spread (the final moment comes when it comes)
    assert len(epochs) >= 100  # thinned to half at most, not to a handful


def test_training_returns_its_timeline_from_the_initial_weights_to_the_result():
    config = TrainConfig(hidden=1, max_epochs=30_000)  # one line never solves the checkerboard: runs to the cap
    result = run_to_end(train(data.checkerboard(), config))
    snaps = result.timeline
    assert 2 < len(snaps) <= 200
    assert snaps[0].epoch == 0 and snaps[0].weights == initial_weights(1, config.init_std, config.seed)
    assert snaps[-1].epoch == result.epochs == 30_000 and snaps[-1].weights == result.weights
    assert [s.epoch for s in snaps] == sorted({s.epoch for s in snaps})


def test_a_large_csv_is_read_with_progress_and_gives_the_same_set(tmp_path):
    rows = 45_000
    path = tmp_path / "big.csv"
    path.write_text("x, y, t\n" + "".join(f"{i % 7}, {i % 11}, {i % 2}\n" for i in range(rows)))
    assert data.count_lines(path) == rows + 1 > data.LARGE_CSV_ROWS
    seen = []
    dataset = run_to_end(data.load_csv_steps(path), seen.append)
    assert len(dataset) == rows and dataset == data.load_csv(path)
    assert [r.done for r in seen] == [20_000, 40_000] and all(r.total == rows + 1 for r in seen)


def test_only_a_small_csv_is_read_at_once_and_a_big_one_is_not_even_counted(tmp_path):
    few = tmp_path / "few.csv"
    few.write_text("x, y, t\n0, 0, 0\n1, 1, 1\n")
    assert data.reads_at_once(few)
    many_lines = tmp_path / "many_lines.csv"
    many_lines.write_text("x, y, t\n" + "0, 0, 0\n" * (data.LARGE_CSV_ROWS + 5))  # small in bytes, many lines
    assert many_lines.stat().st_size <= data.SMALL_CSV_BYTES and not data.reads_at_once(many_lines)
    long_rows = tmp_path / "long_rows.csv"  # few lines, but over the size limit: off the GUI thread too
    long_rows.write_text("x, y, t\n" + "".join(f"{'0' * 200_000}.5, 1, 0\n" for _ in range(6)))
    assert data.count_lines(long_rows) < data.LARGE_CSV_ROWS and long_rows.stat().st_size > data.SMALL_CSV_BYTES
    assert not data.reads_at_once(long_rows)
    assert data.reads_at_once(tmp_path / "missing.csv")  # the read itself says what is wrong
