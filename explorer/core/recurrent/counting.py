"""Counting units, found and fitted: which unit of a net counts, what it counts, and how far.

The course asks how an SRN or LSTM "knows" when the B's (and C's) end. The
literature's answer (Weiss, Goldberg & Yahav 2018; Suzgun et al. 2019;
El-Naggar et al. 2022) is a *counter*: a unit whose value moves by a fixed
step per symbol. :func:`probe_counting` measures that for every hidden (and
LSTM cell) unit:

1. The net reads a warm-up string (n = L), then the strings n = 1..N back to
   back, as the course trains and the state-machine extraction reads them. The
   unit's value after every symbol is kept, with the *phase* (the symbol just
   read: A, B, C; for Dyck-1 ``(`` or ``)``) and the counters the language
   needs, counted from the start of the string: ``#A``, ``#B − k·#A``,
   ``#C − m·#A`` (a^n b^kn c^mn), or the depth (Dyck-1).
2. Per unit and counter, a least-squares line per phase on the strings
   n ≤ L (those seen in training): value = intercept_phase + slope_phase ·
   counter. Its R² is the share of the unit's variation *within* the phases
   that the counter explains (a unit that only says which phase it is in
   counts nothing, R² 0); the counter with the highest R² is the unit's *best
   counter*. A slope times the counter's change per symbol is the unit's
   change per symbol read (``+0.21 per A, −0.10 per B``).
3. The fit, made on n ≤ L, then predicts the unit on every string up to N:
   the count *holds* for string n when the prediction's root-mean-square error
   there (as a share of the unit's range over the training strings) is at most
   :data:`HOLD_TOLERANCE`, or at most :data:`HOLD_SLACK` times the error on
   the worst training string: as good as in training. ``holds_to`` is the largest n up to which every string
   holds (the count saturates or drifts past it); the net's own predictions are
   compared the same way (``prediction_holds_to``: every string's accuracy is
   100 % up to there).

Everything is plain data for a chart (:meth:`CountingProbe.chart`), a
sentence (:meth:`UnitFit.sentence`) and JSON (:meth:`CountingProbe.to_json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explorer.core.bounds import check_int
from explorer.core.recurrent.evaluation import MAX_N, accuracy_per_n
from explorer.core.recurrent.language_machine import block_text
from explorer.core.recurrent.languages import Language, get_language, sequence_for_ns
from explorer.core.recurrent.models import RecurrentNet, trace

HOLD_TOLERANCE = 0.1
"""The count holds on a string when the fit's RMS error there is at most this share of the
unit's range over the training strings, or at most :data:`HOLD_SLACK` times its worst
training string's error, whichever is larger."""
HOLD_SLACK = 1.5

MAX_PROBE_N = 40
"""Largest n probed: a^40 b^80 c^120 is far past any training length (L ≤ 20) and one trace."""


@dataclass(frozen=True)
class Counter:
    """A count the language needs: ``weights`` per symbol of the alphabet (change per symbol read)."""

    name: str
    weights: tuple[float, ...]


def counters_for(lang: str | Language) -> list[Counter]:
    """The counters of ``lang``: ``#A``, ``#B − k·#A`` (, ``#C − m·#A``); Dyck-1: ``depth``."""
    lang = get_language(lang)
    if lang.is_dyck:
        return [Counter("depth", (1.0, -1.0))]
    out = [
        Counter("#A", (1.0, 0.0) + ((0.0,) if lang.m else ())),
        Counter(f"#B − {lang.k}·#A", (-float(lang.k), 1.0) + ((0.0,) if lang.m else ())),
    ]
    if lang.m:
        out.append(Counter(f"#C − {lang.m}·#A", (-float(lang.m), 0.0, 1.0)))
    return out


def phase_names(lang: Language) -> list[str]:
    """How the phases are written: ``A``, ``B``, ``C``, or ``(`` and ``)`` for Dyck-1."""
    return ["(", ")"] if lang.is_dyck else list(lang.symbols)


@dataclass
class UnitFit:
    """How one unit counts: its best counter and the fit on the training strings."""

    state: str  # "hidden" or "cell"
    unit: int
    counter: str  # the best counter's name
    r2: float  # of the best counter's fit, strings n ≤ L
    intercept: float  # the fitted value at the start of a string (first phase, counter 0)
    slopes: dict[str, float]  # per phase: slope against the counter
    intercepts: dict[str, float]  # per phase: the fitted value at counter 0
    per_symbol: dict[str, float]  # per phase: the unit's change per symbol read
    end_value: float  # mean value after the last symbol of the training strings
    holds_to: int  # every string n' ≤ holds_to is predicted within the tolerance
    breaks_at: int | None  # holds_to + 1, or None if it held to the largest n tested
    L: int
    tested_up_to: int
    r2_by_counter: dict[str, float] = field(default_factory=dict)
    error_by_n: dict[int, float] = field(default_factory=dict)  # RMS error / training range

    def sentence(self) -> str:
        """In plain words: ``cell unit 2 counts #B − 2·#A: +0.21 per A, −0.10 per B, …``."""
        steps = ", ".join(f"{_signed(value)} per {phase}" for phase, value in self.per_symbol.items())
        where = f"{self.state} unit {self.unit}"
        if self.r2 < 0.5:
            return f"{where} does not count (best fit {self.counter}, R² = {self.r2:.2f})"
        holds = f"the count holds to n = {self.holds_to}" if self.holds_to else "the count holds for no n"
        if self.breaks_at is None:
            holds += f" (all tested, up to n = {self.tested_up_to})"
        return (
            f"{where} counts {self.counter} (R² = {self.r2:.3f}): {steps}, back to "
            f"{_signed(self.end_value).lstrip('+')} at the end; {holds}, training went to n = {self.L}"
        )

    def to_json(self) -> dict:
        """The unit's numbers for ``recurrent probe --json``."""
        return {
            "state": self.state,
            "unit": self.unit,
            "counter": self.counter,
            "r2": round(self.r2, 6),
            "intercept": round(self.intercept, 6),
            "slopes": {k: round(v, 6) for k, v in self.slopes.items()},
            "intercepts": {k: round(v, 6) for k, v in self.intercepts.items()},
            "per_symbol": {k: round(v, 6) for k, v in self.per_symbol.items()},
            "end_value": round(self.end_value, 6),
            "holds_to": self.holds_to,
            "breaks_at": self.breaks_at,
            "r2_by_counter": {k: round(v, 6) for k, v in self.r2_by_counter.items()},
            "sentence": self.sentence(),
        }


@dataclass
class CountingProbe:
    """Every unit's fit, the best counting unit, and the data behind them (for charts)."""

    language: Language
    L: int
    tested_up_to: int
    units: list[UnitFit]
    prediction_holds_to: int | None  # None when not measured
    values: dict[str, np.ndarray]  # "hidden"/"cell" → (P, H) the unit values after each symbol
    counts: dict[str, np.ndarray]  # counter name → (P,)
    phase: np.ndarray  # (P,) index of the symbol read (0 = A or "(")
    block: np.ndarray  # (P,) n of the string the point belongs to

    @property
    def best(self) -> UnitFit:
        """The unit that counts best (highest R²; a cell unit before a hidden one on a tie)."""
        return max(self.units, key=lambda u: (round(u.r2, 9), u.state == "cell", -u.unit))

    def unit(self, state: str, unit: int) -> UnitFit:
        """The fit of one unit."""
        return next(u for u in self.units if u.state == state and u.unit == unit)

    def chart(self, fit: UnitFit | None = None) -> dict:
        """What a chart of one unit draws: per phase its points (counter, value, n) and fitted line.

        Returns ``{"counter": name, "phases": {phase: {"x", "y", "n", "line_x", "line_y"}}}``;
        ``line_*`` span the counter's values in that phase.
        """
        fit = fit or self.best
        x = self.counts[fit.counter]
        y = self.values[fit.state][:, fit.unit]
        phases = {}
        for p, name in enumerate(phase_names(self.language)):
            sel = self.phase == p
            if not sel.any():
                continue
            span = np.array([x[sel].min(), x[sel].max()], dtype=float)
            phases[name] = {
                "x": x[sel],
                "y": y[sel],
                "n": self.block[sel],
                "line_x": span,
                "line_y": fit.intercepts[name] + fit.slopes[name] * span,
            }
        return {"counter": fit.counter, "phases": phases}

    def to_json(self) -> dict:
        """``recurrent probe --json``: ``best`` and one entry per unit."""
        return {
            "language": self.language.name,
            "L": self.L,
            "tested_up_to": self.tested_up_to,
            "prediction_holds_to": self.prediction_holds_to,
            "best": self.best.to_json(),
            "units": [u.to_json() for u in self.units],
        }


def _signed(value: float) -> str:
    """``+0.21``, ``−0.10``, ``+0.00`` (never ``-0.00``)."""
    return f"{round(value, 2) + 0.0:+.2f}".replace("-", "−")


def _counts(lang: Language, read: str, counters: list[Counter]) -> dict[str, np.ndarray]:
    """Each counter after each symbol of ``read`` (strings back to back), reset at every string's end."""
    per_symbol = np.zeros((len(read), lang.size))
    tally = np.zeros(lang.size)
    depth = 0
    for i, ch in enumerate(read):
        s = lang.symbols.index(ch)
        if lang.is_dyck:
            tally[s] += 1
            depth += 1 if s == 0 else -1
        else:
            if s == 0 and tally[1:].any():  # an A after B's or C's starts a new string
                tally[:] = 0
            tally[s] += 1
        per_symbol[i] = tally
        if lang.is_dyck and depth == 0:
            tally[:] = 0
    return {c.name: per_symbol @ np.asarray(c.weights) for c in counters}


def _fit(y: np.ndarray, x: np.ndarray, phase: np.ndarray, phases: int) -> tuple[np.ndarray, float]:
    """Least squares ``y ≈ a_p + b_p·x`` in each phase p; returns ((a_p, b_p) per phase, R²).

    R² = 1 − SSE / the variation around each phase's mean: how much of what the
    unit does inside the phases the counter explains.
    """
    coef = np.zeros((phases, 2))
    sse = total = 0.0
    for p in range(phases):
        sel = phase == p
        if not sel.any():
            continue
        # The closed form of a straight-line fit (no LAPACK call: this runs on a background thread
        # beside the machine's k-means, and two threads in BLAS at once is what hung a test run).
        xs, ys = x[sel], y[sel]
        dx = xs - xs.mean()
        sxx = float(dx @ dx)
        slope = float(dx @ (ys - ys.mean())) / sxx if sxx > 1e-24 * max(len(xs), 1) else 0.0
        coef[p] = (float(ys.mean()) - slope * float(xs.mean()), slope)
        sse += float(((ys - coef[p, 0] - coef[p, 1] * xs) ** 2).sum())
        total += float(((y[sel] - y[sel].mean()) ** 2).sum())
    if total <= 1e-24 * max(len(y), 1):
        return coef, 0.0  # constant within every phase: it counts nothing
    return coef, max(0.0, 1.0 - sse / total)


def _predict(coef: np.ndarray, x: np.ndarray, phase: np.ndarray) -> np.ndarray:
    return coef[phase, 0] + coef[phase, 1] * x


def probe_counting(
    model: RecurrentNet,
    lang: str | Language,
    L: int = 4,
    max_n: int | None = None,
    with_prediction: bool = True,
) -> CountingProbe:
    """Fit every hidden (and cell) unit of ``model`` to the counters of ``lang``.

    Parameters
    ----------
    L
        The largest n in training: the fit uses strings n = 1..L.
    max_n
        The largest n the fit is tested on (default 3L, at most :data:`MAX_PROBE_N`).
    with_prediction
        Also find where the net's own predictions stop being right (one evaluation).
    """
    lang = get_language(lang)
    check_int("L (the largest n in training)", L, 1, MAX_N)
    max_n = min(3 * L, MAX_PROBE_N) if max_n is None else max_n
    check_int("the largest n probed", max_n, L, MAX_PROBE_N)
    seq = sequence_for_ns(lang, [L, *range(1, max_n + 1)])
    tr = trace(model, seq.inputs)
    warm = len(block_text(lang, L))
    read = seq.text[warm:-1]  # the symbols read after the warm-up; point i is after read[i]
    values = {"hidden": np.asarray(tr.hidden[warm:], dtype=np.float64)}
    if tr.cell is not None:
        values["cell"] = np.asarray(tr.cell[warm:], dtype=np.float64)
    block = np.asarray([n for n in range(1, max_n + 1) for _ in block_text(lang, n)])
    phase = np.asarray([lang.symbols.index(ch) for ch in read])
    counters = counters_for(lang)
    counts = _counts(lang, read, counters)
    names = phase_names(lang)
    train = block <= L
    ends = np.r_[block[1:] != block[:-1], True]
    units = []
    for state, matrix in values.items():
        for j in range(matrix.shape[1]):
            y = matrix[:, j]
            fits = {
                c.name: _fit(y[train], counts[c.name][train], phase[train], lang.size) for c in counters
            }
            best = max(counters, key=lambda c: fits[c.name][1])
            coef, r2 = fits[best.name]
            span = float(np.ptp(y[train])) or 1.0
            errors = {}
            for n in range(1, max_n + 1):
                sel = block == n
                pred = _predict(coef, counts[best.name][sel], phase[sel])
                errors[n] = float(np.sqrt(np.mean((y[sel] - pred) ** 2)) / span)
            # A string holds when the fit is as good there as on the training strings (or
            # within the tolerance): where it gets worse, the count has saturated or drifted.
            limit = max(HOLD_TOLERANCE, HOLD_SLACK * max(errors[n] for n in range(1, L + 1)))
            holds_to = 0
            for n in range(1, max_n + 1):
                if errors[n] > limit:
                    break
                holds_to = n
            units.append(
                UnitFit(
                    state=state,
                    unit=j,
                    counter=best.name,
                    r2=float(r2),
                    intercept=float(coef[0, 0]),
                    slopes={names[p]: float(coef[p, 1]) for p in range(lang.size)},
                    intercepts={names[p]: float(coef[p, 0]) for p in range(lang.size)},
                    per_symbol={names[p]: float(coef[p, 1] * best.weights[p]) for p in range(lang.size)},
                    end_value=float(y[train & ends].mean()),
                    holds_to=holds_to,
                    breaks_at=holds_to + 1 if holds_to < max_n else None,
                    L=L,
                    tested_up_to=max_n,
                    r2_by_counter={name: float(f[1]) for name, f in fits.items()},
                    error_by_n=errors,
                )
            )
    prediction = None
    if with_prediction:
        per_n = accuracy_per_n(model, lang, min(max_n, MAX_N), L)
        prediction = 0
        for n in sorted(per_n):
            if per_n[n] < 100.0:
                break
            prediction = n
    return CountingProbe(lang, L, max_n, units, prediction, values, counts, phase, block)
