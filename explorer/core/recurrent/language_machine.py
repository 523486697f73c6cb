"""The smallest machine that predicts the language itself, for strings up to n = N.

The app reads strings back to back (as the course trains), so the end of one
string is the start of the next: the machine's start state is the state after
a complete string. Its output label is the set of symbols that may come next.

:func:`language_machine` builds the exact prefix machine (a trie of the
strings a^n b^kn [c^mn] for n = 1..N whose last symbol leads back to the root)
and Moore-minimises it, which gives the Myhill–Nerode classes of the prefixes.
:func:`minimal_states_formula` is the closed form of its size, derived in
``docs/state_machines.md``; the tests check one against the other.

Dyck-1 up to depth N is a counter: :func:`dyck_machine` has one state per
depth 0..N (label ``A`` at depth 0, ``AB`` at 1..N−1, ``B`` at the cap N,
as the a^n machines label the strings up to N); its prefix machine is the
same counter before minimisation, and minimisation keeps all N + 1 states.
"""

from __future__ import annotations

import numpy as np

from explorer.core.errors import UserError
from explorer.core.recurrent.languages import Language, get_language, string_for_n
from explorer.core.recurrent.moore import MooreMachine, Transition, minimise


def block_text(lang: str | Language, n: int) -> str:
    """One string without the A that starts the next, e.g. ``"AABBBB"`` for a^n b^2n, n = 2."""
    return string_for_n(lang, n)[:-1]


def dyck_machine(max_depth: int) -> tuple[MooreMachine, list[str]]:
    """Dyck-1 up to depth ``max_depth``: the depth counter, and a shortest prefix per state (``"(("``)."""
    if max_depth < 1:
        raise UserError(f"the largest depth must be at least 1 (got {max_depth})")
    labels = ["A"] + ["AB"] * (max_depth - 1) + ["B"]
    transitions = {}
    for depth in range(max_depth + 1):
        if depth < max_depth:
            transitions[(depth, "A")] = Transition(depth, "A", depth + 1, 1, 1)
        if depth > 0:
            transitions[(depth, "B")] = Transition(depth, "B", depth - 1, 1, 1)
    machine = MooreMachine("AB", labels, 0, transitions, [1] * (max_depth + 1))
    return machine, ["(" * depth for depth in range(max_depth + 1)]


def prefix_machine(lang: str | Language, max_n: int) -> tuple[MooreMachine, list[str]]:
    """The trie of the strings n = 1..max_n, each string's end tied back to the root.

    Returns the (unminimised) machine and the prefix each of its states stands
    for (``""`` for the root, the start). Dyck-1: :func:`dyck_machine` (its
    prefixes of all strings up to depth N fall into N + 1 classes already).
    """
    lang = get_language(lang)
    if max_n < 1:
        raise UserError(f"the largest n must be at least 1 (got {max_n})")
    if lang.is_dyck:
        return dyck_machine(max_n)
    prefixes = [""]
    index = {"": 0}
    edges: dict[tuple[int, str], int] = {}
    for n in range(1, max_n + 1):
        text = block_text(lang, n)
        for i, symbol in enumerate(text):
            source = index[text[:i]]
            if i + 1 == len(text):
                edges[(source, symbol)] = 0  # a finished string: the next one starts
                continue
            prefix = text[: i + 1]
            if prefix not in index:
                index[prefix] = len(prefixes)
                prefixes.append(prefix)
            edges[(source, symbol)] = index[prefix]
    labels = ["" for _ in prefixes]
    for source, symbol in edges:
        labels[source] += symbol
    labels = ["".join(s for s in lang.symbols if s in label) for label in labels]
    transitions = {(s, a): Transition(s, a, t, 1, 1) for (s, a), t in sorted(edges.items())}
    return MooreMachine(lang.symbols, labels, 0, transitions, [1] * len(prefixes)), prefixes


def language_machine(lang: str | Language, max_n: int) -> MooreMachine:
    """The minimal Moore machine that predicts every possible next symbol for n ≤ ``max_n``."""
    machine, _ = prefix_machine(lang, max_n)
    return minimise(machine)[0]


def minimal_states(lang: str | Language, max_n: int) -> int:
    """Number of states of :func:`language_machine`."""
    return language_machine(lang, max_n).size


def minimal_states_formula(lang: str | Language, max_n: int) -> int:
    """The closed form of :func:`minimal_states` (derivation in ``docs/state_machines.md``).

    a^n b^kn: (k + 1)·N, i.e. 3N for a^n b^2n. a^n b^kn c^mn: k·N(N+1)/2 + m·N + 1,
    i.e. N² + 4N + 1 for a^n b^2n c^3n. Dyck-1 up to depth N: N + 1.
    """
    lang = get_language(lang)
    n = max_n
    if lang.is_dyck:
        return n + 1
    if lang.m:
        return lang.k * n * (n + 1) // 2 + lang.m * n + 1
    return (lang.k + 1) * n


def states_needed(lang: str | Language, max_ns: list[int] | np.ndarray) -> list[int]:
    """The language machine's size for each N in ``max_ns`` (the chart's reference line)."""
    return [minimal_states(lang, int(n)) for n in max_ns]
