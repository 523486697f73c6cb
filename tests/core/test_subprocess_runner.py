"""Progress generators run in a child process, under both start methods.

One :class:`Runner` per start method is shared by all tests, so each test
mostly takes the warm child the previous one left (a spawned child imports
torch: seconds each).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys

import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.data import checkerboard
from explorer.core.mlp.training import TrainConfig, train
from explorer.core.progress import run_to_end
from explorer.core.subprocess_runner import (
    Runner,
    default_start_method,
    fork_server_pid,
    in_subprocess,
)
from tests.core import runner_jobs


@pytest.fixture(scope="module", params=["forkserver", "spawn"])
def runner(request):
    if request.param not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{request.param} does not exist on {sys.platform}")
    runner = Runner(request.param)
    yield runner
    runner.close()


def alive_children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children()}


def test_records_stream_and_the_result_returns(runner):
    records = []
    result = run_to_end(runner.run(runner_jobs.counting, 5), records.append)
    assert result == 5
    # The first record always comes, the kept last one too (throttling may drop those between).
    assert records[0].data["i"] == 0 and records[-1].data["i"] == 4 and records[-1].keep
    assert records[0].data["pid"] != os.getpid()


def test_training_in_a_child_gives_the_same_result_as_in_process(runner):
    config = TrainConfig(hidden=5, seed=5, max_epochs=20_000)
    here = run_to_end(train(checkerboard(), config))
    records = []
    there = run_to_end(runner.run(train, checkerboard(), config), records.append)
    assert there.weights == here.weights and there.epochs == here.epochs
    assert records and records[-1].data["epoch"] == there.epochs


def test_an_error_in_the_child_is_raised_in_the_parent(runner):
    gen = runner.run(train, checkerboard(), TrainConfig(hidden=99))
    with pytest.raises(UserError, match="hidden units must be between 1 and 30"):
        next(gen)


def test_a_base_exception_in_the_child_is_raised_in_the_parent(runner):
    gen = runner.run(runner_jobs.interrupted)
    next(gen)
    with pytest.raises(KeyboardInterrupt, match="stopped from the keyboard"):
        next(gen)


def test_closing_stops_the_child_and_runs_its_finally_there(runner, tmp_path):
    stop_file = tmp_path / "stopped"
    gen = runner.run(runner_jobs.counting, 100_000, 0.01, str(stop_file))
    pid = next(gen).data["pid"]
    assert pid in alive_children()
    gen.close()
    assert pid not in alive_children()
    assert stop_file.read_text() == "closed"


def test_a_killed_child_gives_a_readable_error(runner):
    gen = runner.run(runner_jobs.counting, 100_000, 0.01)
    pid = next(gen).data["pid"]
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(UserError, match=r"training process stopped unexpectedly \(exit code -9, killed by SIGKILL\)"):
        for _ in range(100_000):
            next(gen)


def test_stop_children_ends_a_running_job_the_warm_child_and_the_fork_server(runner):
    gen = runner.run(runner_jobs.counting, 100_000, 0.01)
    pid = next(gen).data["pid"]
    runner.wait_for_refill(60)
    warm = runner.warm_pid()
    server = fork_server_pid() if runner.start_method == "forkserver" else None
    runner.stop_children()
    assert runner.pids() == [] and pid not in alive_children() and warm not in alive_children()
    if server is not None:
        assert fork_server_pid() is None
        with pytest.raises(ProcessLookupError):
            os.kill(server, 0)  # ended and collected
    with pytest.raises(UserError, match="training process stopped unexpectedly"):
        for _ in range(100_000):
            next(gen)
    assert run_to_end(runner.run(runner_jobs.counting, 3)) == 3  # the runner still works: a new child


def test_ctrl_c_sent_to_the_child_does_not_stop_it(runner):
    gen = runner.run(runner_jobs.counting, 30, 0.01)
    first = next(gen)
    os.kill(first.data["pid"], signal.SIGINT)
    assert run_to_end(gen) == 30


def test_the_warm_child_is_used_and_a_new_one_is_started(runner):
    warm = runner.warm_up()
    pid = next(runner.run(runner_jobs.counting, 1)).data["pid"]
    assert pid == warm
    runner.wait_for_refill(60)
    assert runner.warm_pid() not in (None, warm)


def test_the_child_sees_the_parent_environment_at_job_time(runner, monkeypatch):
    runner.warm_up()  # started before the variable is set
    monkeypatch.setenv("EXPLORER_TEST_VALUE", "late")
    monkeypatch.setenv("EXPLORER_THREADS", "1")
    assert run_to_end(runner.run(runner_jobs.environment, "EXPLORER_TEST_VALUE")) == "late"
    assert run_to_end(runner.run(runner_jobs.threads)) == 1


def test_a_bad_thread_count_is_reported_from_the_child(runner, monkeypatch):
    monkeypatch.setenv("EXPLORER_THREADS", "many")
    with pytest.raises(UserError, match="EXPLORER_THREADS must be a whole number"):
        run_to_end(runner.run(runner_jobs.threads))


def test_the_start_method_follows_the_platform_or_the_environment(monkeypatch):
    monkeypatch.delenv("EXPLORER_START_METHOD", raising=False)
    assert default_start_method() == ("forkserver" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setenv("EXPLORER_START_METHOD", "spawn")
    assert default_start_method() == "spawn"
    monkeypatch.setenv("EXPLORER_START_METHOD", "fork")
    with pytest.raises(UserError, match=r"EXPLORER_START_METHOD must be one of .*spawn \(got 'fork'\)"):
        default_start_method()
    gen = in_subprocess(runner_jobs.counting, 1)  # nothing starts before the first record is asked for
    with pytest.raises(UserError, match="EXPLORER_START_METHOD"):
        next(gen)


def test_torch_results_survive_the_child_exiting():
    from explorer.core.recurrent.training import fast_recipe
    from explorer.core.recurrent.training import train as train_recurrent

    config = fast_recipe("anb2n", "srn", sequences=320)
    result = run_to_end(in_subprocess(train_recurrent, config))
    assert result.sequences > 0 and set(result.state_dict) >= {"W", "U", "V"}
