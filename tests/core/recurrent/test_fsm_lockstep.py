"""The machine and the net in lockstep along a typed string: what the stepper highlights and marks."""

import numpy as np

from explorer.core.recurrent.fsm_lockstep import follow_string, state_of_cluster
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.weights import load_pretrained

from .test_state_machine import hand_set_srn


def test_hand_set_net_and_its_machine_move_together():
    net = hand_set_srn()
    found = extract_state_machine(net, "anb2n", max_n=1)
    step = follow_string(found, net, "ABBABBA")
    assert step.machine_states == [1, 2, 0, 1, 2, 0]
    assert step.net_states.tolist() == step.machine_states
    assert step.agree.all() and step.net_labels == ["B", "B", "A", "B", "B", "A"]
    # Past what it was extracted from (n = 2), the machine is stuck and the steps are marked.
    step = follow_string(found, net, "AABBBBA")
    assert step.machine_states[1] is None and not step.agree[1:].any()


def test_shipped_lstm_agrees_at_every_certain_step_and_parts_ways_past_training():
    loaded = load_pretrained("anb2nc3n", "lstm", 3)
    found = extract_state_machine(loaded.model, "anb2nc3n", max_n=4)
    assert sorted(set(state_of_cluster(found))) == list(range(found.machine.size))
    text = "AAABBBBBBCCCCCCCCCA"
    step = follow_string(found, loaded.model, text)
    certain = np.array([ch != "A" for ch in text[:-1]])
    assert step.agree[certain].all()
    # The net's own state sits in the cluster of the state the machine is in.
    assert (step.net_states[certain] == np.array(step.machine_states)[certain]).all()
    five = follow_string(found, loaded.model, "AAAAABBBBBBBBBBCCCCCCCCCCCCCCCA")
    assert not five.agree.all()
