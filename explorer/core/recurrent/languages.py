"""The languages a^n b^(kn) c^(mn) and their training sequences, as the course generates them.

A training sequence is five blocks in a row (n uniform in 1..L each), starting
with one A and ending with the A that starts the next block. Step ``t`` reads
symbol ``t`` and is trained to predict symbol ``t + 1``.

State values (for colouring) follow the course's ``anb2n.py``: per symbol, 0
for a block's first A, 1..n−1 for the further A's, n for the first B and n
again for the second, then down by ½ per B to 1 at the last B; 0 for the first
C, then n, n−⅓, … down to ⅔. The course's ``seq_plot.py`` colours the hidden
state after reading symbol ``t`` with the value of symbol ``t + 1``
(``state[1:]``): that is :attr:`Sequence.states`, so the colour counts the A's
read so far, then counts down to 0 after the last B (or C).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.bounds import check_int
from explorer.core.errors import UserError

MAX_FACTOR = 9
"""Largest k and m in a^n b^(kn) c^(mn): anb99999999n... asked for strings of billions of symbols."""

MAX_STRING = 10_000
"""Longest typed string traced: a^2000 b^4000 c^... is already far beyond anything trained."""

MAX_LENGTH = 20
"""Largest n in training (L): the course uses 4, the GUI offers up to 12."""

P_A_WHILE_COUNTING = 0.8
"""Course's probability that another A follows an A (0.2 for a B)."""


@dataclass(frozen=True)
class Language:
    """a^n b^(kn) [c^(mn)]; ``m = 0`` means no C's."""

    name: str
    k: int = 2
    m: int = 0

    @property
    def symbols(self) -> str:
        """The alphabet, e.g. ``"AB"`` or ``"ABC"``."""
        return "ABC" if self.m else "AB"

    @property
    def size(self) -> int:
        """Number of symbols (input and output width)."""
        return len(self.symbols)

    @property
    def title(self) -> str:
        """Readable form, e.g. ``"a^n b^2n c^3n"``."""
        text = f"a^n b^{self.k}n"
        return text + (f" c^{self.m}n" if self.m else "")


LANGUAGES = {
    "anb2n": Language("anb2n", k=2, m=0),
    "anb2nc3n": Language("anb2nc3n", k=2, m=3),
}


def get_language(name: str | Language) -> Language:
    """The language called ``name`` (``anb2n``, ``anb2nc3n`` or ``anb<k>nc<m>n``)."""
    if isinstance(name, Language):
        return name
    if name in LANGUAGES:
        return LANGUAGES[name]
    import re

    match = re.fullmatch(r"anb(\d*)n(?:c(\d*)n)?", name or "")
    if not match:
        raise UserError(f"unknown language '{name}' (use anb2n, anb2nc3n or anb<k>nc<m>n)")
    if len(name) > 20:
        raise UserError(f"language name too long: '{name[:20]}…' (k and m are at most {MAX_FACTOR})")
    k = int(match.group(1) or 1)
    m = int(match.group(2) or 1) if match.group(2) is not None else 0
    check_int(f"k in {name}", k, 1, MAX_FACTOR)
    if match.group(2) is not None:
        check_int(f"m in {name}", m, 1, MAX_FACTOR)
    return Language(name, k=k, m=m)


@dataclass
class Sequence:
    """One string with per-step inputs, targets and state values.

    ``symbols`` has length T + 1; step ``t`` (0..T−1) reads ``symbols[t]``.
    """

    language: Language
    symbols: np.ndarray  # (T+1,) int symbol indices
    targets: np.ndarray  # (T, size) next-symbol distribution
    symbol_states: np.ndarray  # (T+1,) the course's state per symbol

    @property
    def text(self) -> str:
        """The string, e.g. ``"AABBBBA"``."""
        return "".join(self.language.symbols[i] for i in self.symbols)

    @property
    def inputs(self) -> np.ndarray:
        """(T, size) one-hot inputs, the symbols read at each step."""
        return np.eye(self.language.size, dtype=np.float32)[self.symbols[:-1]]

    @property
    def labels(self) -> np.ndarray:
        """(T,) the symbol that actually comes next at each step."""
        return self.symbols[1:]

    @property
    def states(self) -> np.ndarray:
        """(T,) colour value of the hidden state after each step (course ``state[1:]``)."""
        return self.symbol_states[1:]

    @property
    def certain(self) -> np.ndarray:
        """(T,) True where the next symbol is certain (the input is not an A)."""
        return certain_mask(self.symbols[:-1])


def certain_mask(inputs: np.ndarray) -> np.ndarray:
    """True at steps whose next symbol is certain: every step from a block's first B on."""
    return np.asarray(inputs) != 0


def _block(lang: Language, n: int) -> tuple[list[int], list[list[float]], list[float]]:
    """Symbols (after the block's first A), targets and symbol states of one block."""
    size = lang.size
    counting = [P_A_WHILE_COUNTING, 1 - P_A_WHILE_COUNTING] + [0.0] * (size - 2)
    seq: list[int] = []
    prob: list[list[float]] = []
    state: list[float] = [0.0]
    for j in range(1, n):
        prob.append(counting)
        seq.append(0)
        state.append(float(j))
    prob.append(counting)
    seq.append(1)
    state.append(float(n))
    certain_b = [0.0, 1.0] + [0.0] * (size - 2)
    for j in range(1, lang.k * n):
        prob.append(certain_b)
        seq.append(1)
        state.append(n + (1 - j) / lang.k)
    if lang.m:
        certain_c = [0.0, 0.0, 1.0]
        prob.append(certain_c)
        seq.append(2)
        state.append(0.0)
        for j in range(1, lang.m * n):
            prob.append(certain_c)
            seq.append(2)
            state.append(n + (1 - j) / lang.m)
    prob.append([1.0] + [0.0] * (size - 1))
    seq.append(0)
    return seq, prob, state


def sequence_for_ns(lang: str | Language, ns: list[int]) -> Sequence:
    """The string of blocks with the given n's, starting with an A and ending with the next A."""
    lang = get_language(lang)
    symbols = [0]
    targets: list[list[float]] = []
    states: list[float] = []
    for n in ns:
        if n < 1:
            raise UserError(f"n must be at least 1 (got {n})")
        seq, prob, state = _block(lang, int(n))
        symbols += seq
        targets += prob
        states += state
    states.append(0.0)
    return Sequence(
        lang,
        np.asarray(symbols, dtype=np.int64),
        np.asarray(targets, dtype=np.float32),
        np.asarray(states, dtype=np.float32),
    )


def random_sequence(
    lang: str | Language, rng: np.random.Generator, max_n: int = 4, blocks: int = 5
) -> Sequence:
    """A course training sequence: ``blocks`` blocks, each n uniform in 1..max_n."""
    if max_n < 1:
        raise UserError(f"the largest n (L) must be at least 1 (got {max_n})")
    return sequence_for_ns(lang, list(rng.integers(1, max_n + 1, size=blocks)))


def string_for_n(lang: str | Language, n: int) -> str:
    """One block as text, ending with the next A, e.g. ``"AABBBBA"`` for a^n b^2n, n = 2."""
    return sequence_for_ns(lang, [n]).text


def parse_string(lang: str | Language, text: str) -> Sequence:
    """A typed string as a sequence, with targets and states; invalid symbols are refused.

    The string must start with A. Targets and states are exact for complete
    blocks; a trailing unfinished block gets the targets its symbols imply.
    """
    lang = get_language(lang)
    text = (text or "").strip().upper()
    if len(text) < 2:
        raise UserError("the string needs at least two symbols (e.g. AABBBBA)")
    if len(text) > MAX_STRING:
        raise UserError(f"the string is too long ({len(text):,} symbols; at most {MAX_STRING:,})")
    for pos, ch in enumerate(text, start=1):
        if ch not in lang.symbols:
            raise UserError(
                f"symbol '{ch}' at position {pos} is not in the alphabet {', '.join(lang.symbols)} of {lang.title}"
            )
    if text[0] != "A":
        raise UserError(f"the string must start with A (it starts with '{text[0]}')")
    symbols = np.asarray([lang.symbols.index(ch) for ch in text], dtype=np.int64)
    # Split into blocks at each A that follows a non-A; take n from each block's A count.
    starts = [0] + [i for i in range(1, len(text)) if text[i] == "A" and text[i - 1] != "A"]
    ns, complete = [], []
    for b, start in enumerate(starts):
        end = starts[b + 1] if b + 1 < len(starts) else len(text)
        block = text[start:end]
        n = len(block) - len(block.lstrip("A"))
        ns.append(n)
        complete.append(b + 1 < len(starts))
    full = sequence_for_ns(lang, [max(n, 1) for n in ns])
    # Align the exact course targets/states where the typed string matches them, else derive.
    if full.text[: len(text)] == text:
        return Sequence(
            lang, symbols, full.targets[: len(text) - 1], full.symbol_states[: len(text)]
        )
    return _derived(lang, symbols)


def _derived(lang: Language, symbols: np.ndarray) -> Sequence:
    """Targets and states for a string that is not a run of well-formed blocks (best effort)."""
    size = lang.size
    targets = np.zeros((len(symbols) - 1, size), dtype=np.float32)
    states = np.zeros(len(symbols), dtype=np.float32)
    for t in range(len(symbols) - 1):
        targets[t, symbols[t + 1]] = 1.0
        if symbols[t] == 0:
            targets[t, :2] = [P_A_WHILE_COUNTING, 1 - P_A_WHILE_COUNTING]
            targets[t, 2:] = 0
    return Sequence(lang, symbols, targets, states)
