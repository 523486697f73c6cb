"""The shortest string where an extracted machine and its net part ways.

A machine is extracted from the strings n ≤ N and checked against the net on
those. The string a student should look at is the shortest one of the
language where the two say different things: :func:`search_counterexample`
runs the net and the machine in lockstep
(:func:`~explorer.core.recurrent.fsm_lockstep.follow_string`, as the stepper
does, from the net's own initial state) over the strings of the language in
order of length, and stops at the first scored step where their labels differ
(the certain steps for a^n b^kn c^mn, every step for Dyck-1, as the accuracy
scores them; see :mod:`~explorer.core.recurrent.languages`). Each string is
read with the first symbol of the next, so the prediction at its end is
checked too, and every prefix of it is checked on the way (the first step
where they differ is reported).

Strings in order of length: a^n b^kn c^mn has one per n; Dyck-1 has every
balanced string that returns to depth 0 only at its end (Catalan many), so
its search bound is kept small (:data:`MAX_DYCK_LENGTH`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from explorer.core.bounds import check_int
from explorer.core.progress import Progress, ProgressGenerator, run_to_end
from explorer.core.recurrent.fsm_lockstep import follow_string
from explorer.core.recurrent.language_machine import block_text
from explorer.core.recurrent.languages import Language, get_language, parse_string
from explorer.core.recurrent.models import RecurrentNet
from explorer.core.recurrent.state_machine import StateMachine

MAX_LENGTH = 400
"""Longest string searched for a^n b^kn c^mn (n = 66 for a^n b^2n c^3n)."""
MAX_DYCK_LENGTH = 20
"""Longest Dyck-1 string searched: 6,918 strings up to 20 symbols; 22 would be 23,714."""
DEFAULT_DYCK_LENGTH = 14


@dataclass
class Counterexample:
    """Where the search ended: the first string where machine and net part, or None."""

    text: str | None  # the string read, with the next string's first symbol (e.g. "AAAAABB…BA")
    step: int | None  # first step where they differ (step t reads text[t])
    machine_label: str | None  # what the machine predicts there (None: it is stuck)
    net_label: str | None  # what the net predicts there
    checked: int  # strings checked
    max_length: int  # strings up to this many symbols (without the next string's first) were searched

    @property
    def found(self) -> bool:
        """True when machine and net part on some string up to the bound."""
        return self.text is not None

    @property
    def summary(self) -> str:
        """``agrees on all strings up to length 36`` or where they part."""
        if self.text is None:
            return f"agrees with the net on all {self.checked} strings up to length {self.max_length}"
        machine = self.machine_label if self.machine_label is not None else "nothing (stuck)"
        return (
            f"parts with the net on {self.text} at step {self.step + 1} (after reading "
            f"{self.text[: self.step + 1]}): the machine predicts {machine or '-'}, the net {self.net_label or '-'}"
        )

    def to_json(self) -> dict:
        """The fields ``recurrent fsm --counterexample`` adds."""
        return {
            "counterexample": self.text,
            "counterexample_step": self.step,
            "counterexample_machine": self.machine_label,
            "counterexample_net": self.net_label,
            "counterexample_checked": self.checked,
            "counterexample_max_length": self.max_length,
        }


def language_strings(lang: str | Language, max_length: int) -> Iterator[str]:
    """The strings of ``lang`` of at most ``max_length`` symbols, shortest first, each followed by an A.

    a^n b^kn c^mn: n = 1, 2, …; Dyck-1: every primitive balanced string, shortest
    first and, within a length, ``(`` before ``)``.
    """
    lang = get_language(lang)
    if lang.is_dyck:
        for length in range(2, max_length + 1, 2):
            for inner in _balanced(length - 2):
                yield "A" + inner + "BA"
        return
    n = 1
    while len(block_text(lang, n)) <= max_length:
        yield block_text(lang, n) + "A"
        n += 1


def _balanced(length: int, depth: int = 0, prefix: str = "") -> Iterator[str]:
    """Balanced strings of ``length`` symbols (A = ``(``) in order, continuing ``prefix`` at ``depth``."""
    left = length - len(prefix)
    if left == 0:
        if depth == 0:
            yield prefix
        return
    if depth + 1 <= left - 1:
        yield from _balanced(length, depth + 1, prefix + "A")
    if depth > 0:
        yield from _balanced(length, depth - 1, prefix + "B")


def default_length(lang: str | Language, found: StateMachine) -> int:
    """The search bound: the string n = 3N (the horizons' test) or :data:`DEFAULT_DYCK_LENGTH`."""
    lang = get_language(lang)
    if lang.is_dyck:
        return DEFAULT_DYCK_LENGTH
    return len(block_text(lang, found.agreement.tested_up_to))


def search_counterexample(
    found: StateMachine, model: RecurrentNet, max_length: int | None = None
) -> ProgressGenerator[Counterexample]:
    """Search the strings up to ``max_length`` symbols, shortest first; yields Progress per string length."""
    lang = found.visited.language
    limit = MAX_DYCK_LENGTH if lang.is_dyck else MAX_LENGTH
    max_length = default_length(lang, found) if max_length is None else max_length
    check_int("the longest string searched", max_length, 2, limit)
    checked, length = 0, 0
    for text in language_strings(lang, max_length):
        if len(text) - 1 != length:
            length = len(text) - 1
            yield Progress(length, max_length, f"strings of length {length}", {"checked": checked})
        checked += 1
        step = follow_string(found, model, text)
        scored = parse_string(lang, text).scored
        for t, ok in enumerate(step.agree):
            if scored[t] and not ok:
                return Counterexample(
                    text, t, step.machine_labels[t], step.net_labels[t], checked, max_length
                )
    return Counterexample(None, None, None, None, checked, max_length)


def shortest_counterexample(
    found: StateMachine, model: RecurrentNet, max_length: int | None = None
) -> Counterexample:
    """:func:`search_counterexample` run to its end."""
    return run_to_end(search_counterexample(found, model, max_length))
