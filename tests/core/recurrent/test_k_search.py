"""One k search: the command line's extraction and the tab's machine study choose k the same way, with the same cap."""

from __future__ import annotations

import pytest
import torch

from explorer.core.progress import run_to_end
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.state_machine import (
    MAX_AUTO_K,
    extract_state_machine,
    search_k,
    visited_states,
)
from explorer.core.recurrent.weights import shipped_state
from explorer.core.threads import one_thread


@pytest.fixture(autouse=True)
def tiny_tensors_on_one_thread():
    with one_thread():
        yield


def _visited(model, lang, max_n):
    return visited_states(model, lang, 3 * max_n, None, warm_up=max_n).upto(max_n)


def test_a_net_with_no_small_machine_gets_the_same_capped_k_in_the_cli_and_the_tab():
    torch.manual_seed(1)
    net = make_model("srn", 2, 8)
    with torch.no_grad():  # large random weights: every visited state apart, no small machine
        for p in net.parameters():
            p.normal_(0, 1.5)
    visited = _visited(net, "anb2n", 9)
    assert visited.distinct > MAX_AUTO_K  # an uncapped search would try more clusters than the cap

    cli = extract_state_machine(net, "anb2n", 9)  # `explorer recurrent fsm`
    k, found, curve = run_to_end(search_k(visited, 9, extend=True))  # the tab's study, with its k curve

    assert not cli.found and not found
    assert cli.k == k <= MAX_AUTO_K
    assert [row["k"] for row in curve] == list(range(1, MAX_AUTO_K + 1))


@pytest.mark.parametrize(("lang", "model", "hidden", "expected_k"), [("anb2n", "srn", 2, 20), ("anb2n", "lstm", 2, 12)])
def test_the_shipped_nets_keep_their_k_in_both(lang, model, hidden, expected_k):
    net = shipped_state(lang, model, hidden, 4)
    cli = extract_state_machine(net.model, net.language, 4)
    visited = _visited(net.model, net.language, 4)
    k, found, curve = run_to_end(search_k(visited, 4, extend=True))
    quick = run_to_end(search_k(visited, 4))
    assert cli.k == k == quick[0] == expected_k and cli.found and found and quick[1]
    assert curve[-1]["k"] > k  # the tab's curve runs on past the choice
    assert quick[2][-1]["k"] == k  # without the curve the search stops at the choice


def test_the_search_yields_once_per_k_means_so_the_gui_can_cancel():
    net = shipped_state("anb2n", "srn", 2, 4)
    visited = _visited(net.model, net.language, 4)
    records = []
    k, _, curve = run_to_end(search_k(visited, 4, extend=True), records.append)
    assert len(records) == len(curve) > k
    assert records[0].message == "trying k = 1…"
