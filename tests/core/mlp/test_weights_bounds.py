"""Weights and data files from strangers: numbers out of range, booleans, FIFOs; one message naming the place."""

from __future__ import annotations

import json
import os

import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.data import count_lines, load_csv
from explorer.core.mlp.network import reference_step_network
from explorer.core.mlp.weights_io import (
    load_weights_file,
    parse_python_block,
    to_python_block,
)

HUGE = "9" * 401


def _json_weights(tmp_path, **changes) -> object:
    """The reference net as a JSON file, with some fields' text replaced as given."""
    values = {k: json.dumps(v) for k, v in reference_step_network().to_lists().items()}
    values.update(changes)
    path = tmp_path / "w.json"
    path.write_text("{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}")
    return path


@pytest.mark.parametrize("digits", [401, 5000])
def test_a_huge_integer_in_json_is_out_of_range_naming_the_weight(tmp_path, digits):
    path = _json_weights(tmp_path, in_hid_weight=f"[[{'9' * digits}, 1], [1, 1]]")
    with pytest.raises(UserError) as caught:
        load_weights_file(path)
    assert str(caught.value) == f"w.json: in_hid_weight[0][0] is out of range (a whole number of {digits:,} digits)"


@pytest.mark.parametrize("digits", [401, 5000])
def test_a_huge_integer_in_a_pasted_python_block_is_out_of_range(digits):
    block = to_python_block(reference_step_network()).replace("out_bias       = [", f"out_bias       = [{'9' * digits}, ")
    block = block.replace(f"{'9' * digits}, -0.5]", f"{'9' * digits}]")
    with pytest.raises(UserError) as caught:
        parse_python_block(block)
    assert "out of range" in str(caught.value) and "sys.set_int_max_str_digits" not in str(caught.value)
    if digits == 401:
        assert str(caught.value) == "out_bias[0] is out of range (a whole number of 401 digits)"


def test_a_huge_integer_in_a_python_file_names_the_file(tmp_path):
    path = tmp_path / "w.py"
    path.write_text(to_python_block(reference_step_network()).replace("[-0.5]", f"[{HUGE}]"))
    with pytest.raises(UserError, match=r"^w.py: out_bias\[0\] is out of range"):
        load_weights_file(path)


@pytest.mark.parametrize("value", ["[true]", "[false]"])
def test_a_boolean_is_not_a_weight(tmp_path, value):
    path = _json_weights(tmp_path, out_bias=value)
    with pytest.raises(UserError) as caught:
        load_weights_file(path)
    assert str(caught.value) == f"w.json: out_bias[0] is {value[1:-1]}, not a number"


def test_a_boolean_in_a_python_block_is_not_a_weight():
    with pytest.raises(UserError, match=r"out_bias\[0\] is true, not a number"):
        parse_python_block(to_python_block(reference_step_network()).replace("[-0.5]", "[True]"))


@pytest.mark.parametrize("suffix", [".json", ".py", ".pt"])
def test_a_fifo_as_weights_is_refused_without_blocking(tmp_path, suffix):
    fifo = tmp_path / f"weights{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(UserError) as caught:
        load_weights_file(fifo)
    assert str(caught.value) == f"{fifo}: a named pipe (FIFO), not a regular weights file"


def test_a_fifo_or_folder_as_csv_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    assert count_lines(fifo) == 0  # the window's quick size check must not wait either
    with pytest.raises(UserError, match=r"data.csv: a named pipe \(FIFO\), not a regular CSV file"):
        load_csv(fifo)
    with pytest.raises(UserError, match=r"a folder, not a regular CSV file"):
        load_csv(tmp_path)
