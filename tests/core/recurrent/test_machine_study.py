"""The tab's machine study agrees with the core extraction it stands in for, and yields so it can be cancelled."""

from __future__ import annotations

import numpy as np

from explorer.core.recurrent.machine_study import (
    point_values,
    restudy_at_k,
    study_machine,
)
from explorer.core.recurrent.models import make_model
from explorer.core.recurrent.state_machine import MAX_AUTO_K, extract_state_machine, visited_states
from explorer.core.recurrent.weights import shipped_state


def _run(generator):
    steps = 0
    try:
        while True:
            next(generator)
            steps += 1
    except StopIteration as end:
        return end.value, steps


def test_study_matches_the_core_extraction_of_the_shipped_srn():
    s = shipped_state("anb2n", "srn", 2, 4)
    study, steps = _run(study_machine(s.model, s.language, 4))
    core = extract_state_machine(s.model, s.language, 4)
    assert study.auto_k == core.k == study.found.k and study.found.found
    assert study.found.machine.labels == core.machine.labels
    assert steps > study.auto_k  # a yield per k-means: the GUI can cancel between them
    row = next(r for r in study.curve if r["k"] == study.auto_k)
    assert row["states"] == core.machine.size
    assert [r["k"] for r in study.curve] == list(range(1, len(study.curve) + 1))
    assert len(study.curve) > study.auto_k  # the curve runs past the chosen k
    assert [r["language_states"] for r in study.needed] == [3, 6, 9, 12]
    assert study.needed[-1]["net_states"] == core.machine.size
    assert len(study.baseline) == 4
    assert len(study.values) == len(study.found.visited.points)
    again = restudy_at_k(study, s.model, 5)
    assert again.found.k == 5 and again.curve is study.curve


def test_point_values_are_the_course_counter_of_each_visited_point():
    s = shipped_state("anb2n", "srn", 2, 4)
    visited = visited_states(s.model, s.language, 2)
    values = point_values("anb2n", 2)
    assert len(values) == len(visited.points)
    # After "A" the count is 1; after "AA" 2; the B's count down to 0.
    reads = visited.read
    assert values[0] == 0 and values[reads.index("A", 1)] == 1
    assert np.all(values >= 0)


def test_an_untrained_net_ends_its_search_within_the_cap():
    net = make_model("srn", 2, 6)  # many distinct states, no small machine
    study, _ = _run(study_machine(net, "anb2n", 3))
    assert len(study.curve) <= MAX_AUTO_K
    assert 1 <= study.found.k <= MAX_AUTO_K
