"""Where to draw each state of a machine so a counter reads as a ladder.

Every visited point gets a place from what has been read in its string:
after j A's it sits on the a-row at x = j; after B's it sits on the b-row at
x = (B's still to come) / k, so the b-chain runs back to the left as the count
goes down; C's likewise on the c-row with x = (C's to come) / m. The end of a
string, which is also the start of the next, sits at (0, 0). A machine state
is drawn at the mean place of the points it holds, so an extracted counter
shows an a-ladder, a b-ladder (for a^n b^2n c^3n one per a-count, a little
apart) and a c-ladder; states that land on the same spot are fanned out.

The result is plain data, ``{state: (x, y)}`` with y growing downwards (a-row
0, b-row 1, c-row 2), so a view only has to draw it.
"""

from __future__ import annotations

import numpy as np

from explorer.core.recurrent.languages import Language, get_language

ROW_SPREAD = 1.2
"""How far the b-rows of different a-counts spread, first to last (a^n b^kn c^mn only): wide
enough that a view can print a state's prediction under it without touching the next row."""


def point_places(lang: str | Language, read: str, max_n: int) -> np.ndarray:
    """(P, 2) ladder place of each point, given the symbol read to reach it (point 0: the start)."""
    lang = get_language(lang)
    places = np.zeros((len(read), 2))
    a = b = c = 0
    for i, symbol in enumerate(read):
        if i == 0:
            continue  # the start: (0, 0)
        if symbol == "A":
            if b or c:
                a = b = c = 0  # a new string begins
            a += 1
            places[i] = (a, 0.0)
        elif symbol == "B":
            b += 1
            left = lang.k * a - b
            if left == 0 and not lang.m:
                places[i] = (0.0, 0.0)  # end of the string = start of the next
            else:
                row = 1.0 + (ROW_SPREAD * (a - 1) / max(max_n - 1, 1) if lang.m else 0.0)
                places[i] = (left / lang.k, row)
        else:
            c += 1
            left = lang.m * a - c
            places[i] = (0.0, 0.0) if left == 0 else (left / lang.m, 2.0 + ROW_SPREAD)
    return places


def ladder_layout(
    assignment: np.ndarray, places: np.ndarray, spread: float = 0.4
) -> dict[int, tuple[float, float]]:
    """Place of each machine state: the mean place of its points, coinciding states fanned out.

    Parameters
    ----------
    assignment
        (P,) machine state of each point.
    places
        (P, 2) from :func:`point_places`.
    spread
        Vertical distance between states that would otherwise overlap.
    """
    assignment = np.asarray(assignment)
    layout: dict[int, tuple[float, float]] = {}
    taken: dict[tuple[float, float], int] = {}
    for state in sorted(int(s) for s in np.unique(assignment) if s >= 0):
        x, y = places[assignment == state].mean(axis=0)
        key = (round(float(x), 3), round(float(y), 3))
        shift = taken.get(key, 0)
        taken[key] = shift + 1
        layout[state] = (float(x), float(y) + spread * shift)
    return layout


def machine_layout(extracted) -> dict[int, tuple[float, float]]:
    """Ladder layout of a :class:`~explorer.core.recurrent.state_machine.StateMachine`."""
    visited = extracted.visited
    places = point_places(visited.language, visited.read, visited.max_n)
    return ladder_layout(extracted.assignment, places)


def language_layout(lang: str | Language, max_n: int) -> dict[int, tuple[float, float]]:
    """Ladder layout of :func:`~explorer.core.recurrent.language_machine.language_machine`."""
    from explorer.core.recurrent.language_machine import prefix_machine
    from explorer.core.recurrent.moore import minimise

    trie, prefixes = prefix_machine(lang, max_n)
    _, new_of = minimise(trie)
    # Each trie node stands for a prefix; its place is that of the prefix's last symbol.
    places = np.array(
        [point_places(lang, "-" + p, max_n)[-1] if p else (0.0, 0.0) for p in prefixes]
    )
    return ladder_layout(new_of, places)
