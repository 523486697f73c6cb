"""Weights files: JSON, the course's Python block, torch checkpoints."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.errors import UserError
from explorer.core.mlp.network import MLPWeights, reference_step_network
from explorer.core.mlp.weights_io import (
    load_checkpoint,
    load_json,
    load_weights_file,
    parse_python_block,
    save_checkpoint,
    save_json,
    to_python_block,
)

REFERENCE_BLOCK = """\
in_hid_weight  = [[1, -1], [1, -1], [1, -1], [1, -1]]
hid_bias       = [-1.4, -0.6, 0.6, 1.4]
hid_out_weight = [[-1.1, 1.1, -1.1, 1.1]]
out_bias       = [-0.5]
"""


def test_python_block_is_written_as_in_the_course():
    assert to_python_block(reference_step_network()) == REFERENCE_BLOCK


def test_python_block_round_trip_keeps_every_value():
    net = MLPWeights([[0.123456789, -2.5e-7], [3, 4]], [1 / 3, -0.0], [[7.25, -1e10]], [0.1])
    assert parse_python_block(to_python_block(net)) == net
    rounded = parse_python_block(to_python_block(net, digits=3))
    assert rounded.in_hid_weight[0, 0] == 0.123
    assert rounded.hid_bias[0] == 0.333


def test_python_block_tolerates_order_comments_and_spacing():
    text = """
    # my weights
    out_bias = [ -0.5 ]   # output
    hid_out_weight=[[-1.1,1.1,-1.1,1.1]]
    hid_bias = [-1.4, -0.6,
                0.6, 1.4]
    in_hid_weight = [[1, -1], [1, -1], [1, -1], [1, -1]]
    print("not executed")
    """
    import textwrap

    assert parse_python_block(textwrap.dedent(text)) == reference_step_network()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hid_bias = [1]\nout_bias = [0]\n", "does not set in_hid_weight, hid_out_weight"),
        (
            REFERENCE_BLOCK.replace("[-0.5]", "[__import__('os')]"),
            "out_bias (line 4) is not a plain list",
        ),
        (REFERENCE_BLOCK.replace("[-0.5]", "['a']"), 'out_bias[0] is not a number ("a")'),
        (REFERENCE_BLOCK.replace("[-0.5]", "[-0.5, 1]"), "out_bias must hold exactly 1 number"),
        (REFERENCE_BLOCK + "oops = [", "not valid Python (line 5"),
    ],
)
def test_bad_python_blocks_are_refused(text, message):
    with pytest.raises(UserError) as info:
        parse_python_block(text)
    assert message in str(info.value)


def test_json_round_trip_with_activation(tmp_path):
    net = reference_step_network().scaled(10)
    path = save_json(net, tmp_path / "w.json", "sigmoid")
    saved = json.loads(path.read_text())
    assert saved["out_bias"] == [-5.0]
    assert saved["activation"] == "sigmoid"
    assert load_json(path) == (net, "sigmoid")
    assert load_weights_file(path)[0] == net


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "w.json: not valid JSON (line 1"),
        ("[1, 2]", "w.json: expected a JSON object"),
        (
            '{"in_hid_weight": [[1, 2]], "hid_bias": [0]}',
            "w.json: missing hid_out_weight, out_bias",
        ),
        (
            '{"in_hid_weight": [[1, 2]], "hid_bias": [0, 1], "hid_out_weight": [[1]], "out_bias": [0]}',
            "w.json: hid_bias must hold 1 numbers",
        ),
        (
            '{"in_hid_weight": [[1, 2]], "hid_bias": [NaN], "hid_out_weight": [[1]], "out_bias": [0]}',
            "w.json: hid_bias[0] is not a finite number (nan)",
        ),
        (
            '{"in_hid_weight": [[1, 2]], "hid_bias": [0], "hid_out_weight": [[1]], "out_bias": [0],'
            ' "activation": "tanh"}',
            "activation must be step or sigmoid",
        ),
    ],
)
def test_bad_json_files_are_refused(tmp_path, text, message):
    path = tmp_path / "w.json"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_json(path)
    assert message in str(info.value)


def test_missing_weights_file(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        load_weights_file(tmp_path / "none.json")


def test_python_block_file_and_checkpoint(tmp_path):
    block = tmp_path / "w.py"
    block.write_text(REFERENCE_BLOCK)
    assert load_weights_file(block) == (reference_step_network(), None)
    path = save_checkpoint(reference_step_network(), tmp_path / "w.pt", "step", {"note": "hand"})
    weights, activation = load_checkpoint(path)
    assert activation == "step"
    assert np.allclose(weights.hid_bias, [-1.4, -0.6, 0.6, 1.4])
