"""SRN, GRU and LSTM compared on one language and seed: trained one after another, then measured alike.

:func:`compare_models` is a progress generator (the GUI runs it in its worker,
the command line iterates it). For each model kind it trains a net with the
same recipe, seed, size and L, then measures what the issue's table shows:
solved or not, the accuracy for every n up to 3L (generalisation), the states
of the machine extracted from n ≤ L beside the language's minimal machine, and
the counting unit (:mod:`~explorer.core.recurrent.counting`): its R² and the n
where its count stops holding. :func:`comparison_table` turns the rows into a
table for :mod:`explorer.core.table_export` (CSV) and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from explorer.core.errors import UserError
from explorer.core.progress import Progress, ProgressGenerator
from explorer.core.recurrent.counting import probe_counting
from explorer.core.recurrent.kinds import MODEL_KINDS, MODEL_TITLES, kinds_text
from explorer.core.recurrent.language_machine import minimal_states
from explorer.core.recurrent.languages import get_language
from explorer.core.recurrent.models import RecurrentNet
from explorer.core.recurrent.state_machine import MAX_N as MAX_MACHINE_N
from explorer.core.recurrent.state_machine import extract_state_machine
from explorer.core.recurrent.training import TrainConfig, recipe, train


@dataclass
class CompareConfig:
    """One language, seed and recipe for every model; ``hidden`` None: each model's course default."""

    lang: str = "anb2n"
    hidden: int | None = None
    seed: int = 0
    recipe: str = "fast"
    L: int = 4
    sequences: int | None = None  # None: the recipe's
    models: tuple[str, ...] = MODEL_KINDS

    def configs(self) -> list[TrainConfig]:
        """The training config of each model, validated (a :class:`UserError` names the bad value)."""
        get_language(self.lang)
        if not self.models:
            raise UserError("no model to compare")
        for kind in self.models:
            if kind not in MODEL_KINDS:
                raise UserError(f"unknown model {kind!r} (use {kinds_text()})")
        changes = {"seed": self.seed, "L": self.L}
        if self.sequences is not None:
            changes["sequences"] = self.sequences
        out = []
        for kind in self.models:
            config = recipe(self.recipe, self.lang, kind, self.hidden, **changes)
            config.validate()
            out.append(config)
        return out


@dataclass
class ComparisonRow:
    """One model's line of the table."""

    model: str
    hidden: int
    solved: bool
    accuracy: float  # percent, n = 1..L
    per_n: dict[int, float]  # percent, n = 1..3L
    sequences: int
    seconds: float
    states: int  # the extracted machine's states (strings n ≤ L)
    language_states: int  # the language's minimal machine for n ≤ L
    machine_agrees_up_to: int
    counting_state: str  # "hidden" or "cell"
    counting_unit: int
    counting_counter: str
    counting_r2: float
    counting_holds_to: int  # the count holds up to this n
    counting_saturates_at: int | None  # the first n where it no longer holds (None: held to 3L)
    counting_sentence: str
    net: RecurrentNet | None = field(default=None, repr=False)

    @property
    def generalises_to(self) -> int:
        """The largest n such that every n' ≤ n is 100 % right."""
        reach = 0
        for n in sorted(self.per_n):
            if self.per_n[n] < 100.0:
                break
            reach = n
        return reach

    def to_json(self) -> dict:
        """The row for ``recurrent compare --json``."""
        return {
            "model": self.model,
            "hidden": self.hidden,
            "solved": self.solved,
            "accuracy": round(self.accuracy, 2),
            "per_n": {str(n): round(v, 2) for n, v in self.per_n.items()},
            "generalises_to": self.generalises_to,
            "sequences": self.sequences,
            "seconds": round(self.seconds, 2),
            "states": self.states,
            "language_states": self.language_states,
            "machine_agrees_up_to": self.machine_agrees_up_to,
            "counting": {
                "state": self.counting_state,
                "unit": self.counting_unit,
                "counter": self.counting_counter,
                "r2": round(self.counting_r2, 4),
                "holds_to": self.counting_holds_to,
                "saturates_at": self.counting_saturates_at,
                "sentence": self.counting_sentence,
            },
        }


@dataclass
class Comparison:
    """The rows, in the order the models were asked for, and what they were trained with."""

    config: CompareConfig
    rows: list[ComparisonRow]

    def to_json(self) -> dict:
        """``recurrent compare --json``."""
        c = self.config
        return {
            "lang": get_language(c.lang).name,
            "seed": c.seed,
            "recipe": c.recipe,
            "L": c.L,
            "rows": [row.to_json() for row in self.rows],
        }


def measure(net: RecurrentNet, lang: str, L: int) -> dict:
    """States needed and the counting unit of a trained net (the table's right-hand columns)."""
    max_n = min(L, MAX_MACHINE_N)
    found = extract_state_machine(net, lang, max_n)
    probe = probe_counting(net, lang, L, with_prediction=False)
    best = probe.best
    return {
        "states": found.machine.size,
        "language_states": minimal_states(lang, max_n),
        "machine_agrees_up_to": found.agreement.horizon,
        "counting_state": best.state,
        "counting_unit": best.unit,
        "counting_counter": best.counter,
        "counting_r2": best.r2,
        "counting_holds_to": best.holds_to,
        "counting_saturates_at": best.breaks_at,
        "counting_sentence": best.sentence(),
    }


def compare_models(config: CompareConfig) -> ProgressGenerator[Comparison]:
    """Train and measure every model of ``config`` in turn; yields Progress, returns a :class:`Comparison`.

    Progress.done counts sequences over all models; ``data["model"]`` says which
    is training; each model's finished row comes as a kept record (``data["row"]``).
    """
    configs = config.configs()  # each checked as training checks it (L, hidden, seed, …)
    total = sum(c.sequences for c in configs)
    before = 0
    rows = []
    for c in configs:
        title = f"{MODEL_TITLES[c.model]}-{c.hidden}"
        gen = train(c)
        while True:
            try:
                record = next(gen)
            except StopIteration as stop:
                result = stop.value
                break
            yield replace(
                record,
                done=before + record.done,
                total=total,
                message=f"{title}: {record.message}",
                data={**record.data, "model": c.model},
            )
        yield Progress(before + c.sequences, total, f"{title}: measuring", {"model": c.model})
        row = ComparisonRow(
            model=c.model,
            hidden=c.hidden,
            solved=result.solved,
            accuracy=result.accuracy,
            per_n=result.per_n,
            sequences=result.sequences,
            seconds=result.seconds,
            net=result.model,
            **measure(result.model, c.lang, c.L),
        )
        rows.append(row)
        before += c.sequences
        yield Progress(before, total, f"{title}: done", {"model": c.model, "row": row}, keep=True)
    return Comparison(config, rows)


def comparison_table(comparison: Comparison) -> tuple[list[str], list[list]]:
    """Headers and rows (one per model) for CSV export and the report."""
    ns = sorted({n for row in comparison.rows for n in row.per_n})
    headers = [
        "model",
        "hidden",
        "solved",
        "accuracy",
        "generalises_to",
        *[f"accuracy_n{n}" for n in ns],
        "states",
        "language_states",
        "machine_agrees_up_to",
        "counting_unit",
        "counting_counter",
        "counting_r2",
        "counting_holds_to",
        "counting_saturates_at",
        "sequences",
        "seconds",
    ]
    rows = []
    for r in comparison.rows:
        rows.append(
            [
                r.model,
                r.hidden,
                r.solved,
                r.accuracy,
                r.generalises_to,
                *[r.per_n.get(n) for n in ns],
                r.states,
                r.language_states,
                r.machine_agrees_up_to,
                f"{r.counting_state} {r.counting_unit}",
                r.counting_counter,
                r.counting_r2,
                r.counting_holds_to,
                r.counting_saturates_at,
                r.sequences,
                r.seconds,
            ]
        )
    return headers, rows
