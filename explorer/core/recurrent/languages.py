"""The languages a^n b^(kn) c^(mn) and Dyck-1, and their training sequences, as the course generates them.

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

**Dyck-1** (balanced brackets) uses the same two symbols: A is ``(`` and B is
``)``; typed strings may use either spelling. One *string* (block) of the
training sequence is a balanced string that returns to depth 0 only at its end
(a primitive Dyck word; any balanced string is such strings back to back, so
the stream is Dyck-1 read back to back, as the course reads a^n b^2n). Its n
is its greatest depth. Deterministic steps, by the course's convention (scored
where the next symbol is certain), and why Dyck-1 is scored by label:

- After a ``)`` that closes to depth 0 the string must end there (it is
  primitive), and the next string starts with ``(``: the next symbol is certain,
  ``(``. These are Dyck-1's only steps with one possible next symbol.
- At depth ≥ 1 both ``(`` and ``)`` may follow (training opens with probability
  :data:`P_OPEN_DYCK` below the depth cap n): no single next symbol is right.

Scoring only the depth-0 steps by the top symbol, as a^n b^2n is scored, would
call a net that always predicts ``(`` perfect. So a Dyck-1 step is scored by
its *label*, the set of symbols given more than :data:`LABEL_THRESHOLD`: ``)``
must be in it exactly when the language allows a ``)`` next, i.e. at depth ≥ 1
(:data:`Language.label_columns`). That is the one thing Dyck-1 decides at every
step: whether the string may end here. Whether ``(`` may come is never decided
by the language (it always may), only by the depth cap of training, so it is
not scored, as the course does not score the guesses after an A. This is the
set-valued output of Gers & Schmidhuber (2001) and Suzgun et al. (2019)
restricted to the symbol that counting decides. Every step is scored
(:attr:`Sequence.scored`); only a net that knows when the depth is 0 gets them
all. The colour value of a step is the depth after it.
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

P_OPEN_DYCK = 0.5
"""Dyck-1: probability of ``(`` at depth ≥ 1 in training (below the string's depth cap)."""

LABEL_THRESHOLD = 0.3
"""A symbol is in a step's output label when the net gives it more than this probability
(the state-machine extraction uses the same value)."""

BRACKETS = {"(": "A", ")": "B"}
"""Dyck-1 typed with brackets: ``(`` is A, ``)`` is B."""


@dataclass(frozen=True)
class Language:
    """a^n b^(kn) [c^(mn)] (``m = 0`` means no C's), or Dyck-1 (``family == "dyck"``)."""

    name: str
    k: int = 2
    m: int = 0
    family: str = "anbn"  # "anbn" or "dyck"

    @property
    def is_dyck(self) -> bool:
        """True for Dyck-1 (A = ``(``, B = ``)``)."""
        return self.family == "dyck"

    @property
    def scores_labels(self) -> bool:
        """True where a step is scored by its label (Dyck-1), not by the top symbol."""
        return self.is_dyck

    @property
    def label_columns(self) -> tuple[int, ...]:
        """The symbols whose presence in a step's label is scored (Dyck-1: ``)``, index 1)."""
        return (1,) if self.is_dyck else ()

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
        """Readable form, e.g. ``"a^n b^2n c^3n"`` or ``"Dyck-1"``."""
        if self.is_dyck:
            return "Dyck-1"
        text = f"a^n b^{self.k}n"
        return text + (f" c^{self.m}n" if self.m else "")


LANGUAGES = {
    "anb2n": Language("anb2n", k=2, m=0),
    "anb2nc3n": Language("anb2nc3n", k=2, m=3),
    "dyck1": Language("dyck1", k=1, m=0, family="dyck"),
}


def get_language(name: str | Language) -> Language:
    """The language called ``name`` (``anb2n``, ``anb2nc3n``, ``anb<k>nc<m>n`` or ``dyck1``)."""
    if isinstance(name, Language):
        return name
    if name in LANGUAGES:
        return LANGUAGES[name]
    import re

    match = re.fullmatch(r"anb(\d*)n(?:c(\d*)n)?", name or "")
    if not match:
        shown = repr(name[:20]) if isinstance(name, str) else type(name).__name__
        raise UserError(f"unknown language {shown} (use anb2n, anb2nc3n, anb<k>nc<m>n or dyck1)")
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
        """(T,) True where the next symbol is certain (a^n…: the input is not an A; Dyck-1: depth 0)."""
        if self.language.is_dyck:
            return dyck_depths(self.symbols[:-1]) == 0
        return certain_mask(self.symbols[:-1])

    @property
    def allowed(self) -> np.ndarray:
        """(T, size) bool: the symbols the language allows after each step (its label)."""
        return self.targets > 0

    @property
    def scored(self) -> np.ndarray:
        """(T,) steps the accuracy scores: the certain ones (a^n…), every step (Dyck-1, by label)."""
        if self.language.scores_labels:
            return np.ones(len(self.symbols) - 1, dtype=bool)
        return self.certain


def certain_mask(inputs: np.ndarray) -> np.ndarray:
    """True at steps whose next symbol is certain: every step from a block's first B on."""
    return np.asarray(inputs) != 0


def dyck_depths(inputs: np.ndarray) -> np.ndarray:
    """(T,) the depth after each symbol read (0 = A = ``(``, 1 = B = ``)``), from depth 0."""
    steps = np.where(np.asarray(inputs) == 0, 1, -1)
    return np.cumsum(steps)


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


def dyck_block(n: int) -> list[int]:
    """The Dyck-1 string of depth n the app tests with (0 = ``(``, 1 = ``)``).

    Up to depth n, then down one level at a time with a ``()`` at each depth
    1..n−1 on the way, so both moves are read at every depth below n:
    ``()``, ``(()())``, ``((()())())``; 4n − 2 symbols, depth 0 only at the end.
    """
    out = [0] * n
    for depth in range(n, 0, -1):
        out.append(1)
        if depth > 1:
            out += [0, 1]
    return out


def random_dyck_block(rng: np.random.Generator, n: int, tries: int = 200) -> list[int]:
    """A random primitive Dyck-1 string of greatest depth n (``(`` with :data:`P_OPEN_DYCK` below n)."""
    for _ in range(tries):
        out, depth, deepest = [0], 1, 1
        while depth > 0:
            opens = depth < n and rng.random() < P_OPEN_DYCK
            out.append(0 if opens else 1)
            depth += 1 if opens else -1
            deepest = max(deepest, depth)
        if deepest == n:
            return out
    return dyck_block(n)  # deep n and bad luck: the test string of that depth


def dyck_sequence(lang: Language, symbols: list[int] | np.ndarray) -> Sequence:
    """A Dyck-1 sequence from its symbols: targets ``(`` at depth 0, ½/½ deeper; states = depth."""
    symbols = np.asarray(symbols, dtype=np.int64)
    depth = dyck_depths(symbols[:-1])
    targets = np.where(
        (depth == 0)[:, None], np.array([1.0, 0.0]), np.array([P_OPEN_DYCK, 1 - P_OPEN_DYCK])
    ).astype(np.float32)
    states = np.concatenate([[0], depth]).astype(np.float32)
    return Sequence(lang, symbols, targets, states)


def sequence_for_ns(lang: str | Language, ns: list[int]) -> Sequence:
    """The string of blocks with the given n's, starting with an A and ending with the next A."""
    lang = get_language(lang)
    if lang.is_dyck:
        body: list[int] = []
        for n in ns:
            if n < 1:
                raise UserError(f"n must be at least 1 (got {n})")
            body += dyck_block(int(n))
        return dyck_sequence(lang, [*body, 0])
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
    """A course training sequence: ``blocks`` blocks, each n uniform in 1..max_n.

    Dyck-1: each block a random primitive string of greatest depth n.
    """
    if max_n < 1:
        raise UserError(f"the largest n (L) must be at least 1 (got {max_n})")
    lang = get_language(lang)
    ns = list(rng.integers(1, max_n + 1, size=blocks))
    if lang.is_dyck:
        body = [s for n in ns for s in random_dyck_block(rng, int(n))]
        return dyck_sequence(lang, [*body, 0])
    return sequence_for_ns(lang, ns)


def string_for_n(lang: str | Language, n: int) -> str:
    """One block as text, ending with the next A, e.g. ``"AABBBBA"`` for a^n b^2n, n = 2
    (Dyck-1, n = 2: ``"AABABBA"``, i.e. ``(()())(``)."""
    return sequence_for_ns(lang, [n]).text


def parse_string(lang: str | Language, text: str) -> Sequence:
    """A typed string as a sequence, with targets and states; invalid symbols are refused.

    The string must start with A. Targets and states are exact for complete
    blocks; a trailing unfinished block gets the targets its symbols imply.
    Dyck-1 strings may be typed with brackets (``(()())(``); a ``)`` that
    closes nothing is refused.
    """
    lang = get_language(lang)
    text = (text or "").strip().upper()
    if lang.is_dyck:
        text = "".join(BRACKETS.get(ch, ch) for ch in text)
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
        if lang.is_dyck:
            raise UserError("the string must start with ( (A) (it starts with ')')")
        raise UserError(f"the string must start with A (it starts with '{text[0]}')")
    symbols = np.asarray([lang.symbols.index(ch) for ch in text], dtype=np.int64)
    if lang.is_dyck:
        depth = dyck_depths(symbols)
        if (depth < 0).any():
            pos = int(np.argmax(depth < 0)) + 1
            raise UserError(f"the ')' (B) at position {pos} closes no open bracket")
        return dyck_sequence(lang, symbols)
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
