"""SRN, GRU and LSTM trained side by side: the rows, the progress and the CSV a user exports."""

import csv

import pytest
import torch

from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.compare import CompareConfig, compare_models, comparison_table
from explorer.core.recurrent.evaluation import accuracy_per_n
from explorer.core.table_export import write_csv


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_three_models_compared_with_progress_and_csv(tmp_path):
    records = []
    config = CompareConfig("anb2n", hidden=2, seed=1, sequences=4000)
    comparison = run_to_end(compare_models(config), records.append)
    assert [row.model for row in comparison.rows] == ["srn", "gru", "lstm"]
    for row in comparison.rows:
        assert row.hidden == 2 and row.solved and row.accuracy == 100.0
        assert set(row.per_n) == set(range(1, 13))
        # the row's accuracies are the net's own (measured again independently)
        assert row.per_n == accuracy_per_n(row.net, "anb2n", 12, 4)
        assert row.language_states == 12 and row.states >= 1
        assert 0.0 <= row.counting_r2 <= 1.0 and row.counting_holds_to >= 0
        assert row.counting_saturates_at in (row.counting_holds_to + 1, None)
        assert (row.counting_saturates_at is None) == (row.counting_holds_to == 12)
    lstm = comparison.rows[2]
    assert lstm.counting_state == "cell" and lstm.counting_r2 > 0.9
    done = [r.done for r in records]
    assert done == sorted(done) and records[-1].done == records[-1].total == 12_000
    kept_rows = [r.data["row"] for r in records if "row" in r.data]
    assert [r.model for r in kept_rows] == ["srn", "gru", "lstm"]
    assert {r.data["model"] for r in records} == {"srn", "gru", "lstm"}
    json = comparison.to_json()
    assert [r["model"] for r in json["rows"]] == ["srn", "gru", "lstm"]
    assert json["rows"][2]["counting"]["state"] == "cell"
    path = write_csv(tmp_path / "compare.csv", *comparison_table(comparison))
    with open(path, newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [r["model"] for r in table] == ["srn", "gru", "lstm"]
    assert table[2]["solved"] == "True" and float(table[2]["accuracy_n4"]) == 100.0
    assert float(table[2]["counting_r2"]) == lstm.counting_r2


def test_bad_comparison_refused_before_training():
    with pytest.raises(UserError, match="unknown model"):
        run_to_end(compare_models(CompareConfig(models=("srn", "transformer"))))
    with pytest.raises(UserError, match="unknown language"):
        run_to_end(compare_models(CompareConfig(lang="anbx")))
    with pytest.raises(UserError, match="hidden"):
        run_to_end(compare_models(CompareConfig(hidden=0)))
