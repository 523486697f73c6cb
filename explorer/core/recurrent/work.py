"""The recurrent tab's work in the store: the chosen language, model and size, and every net trained.

Each trained (or opened) net is kept per (language, model, hidden) as
``<lang>_<model><hid>.pt`` (an app checkpoint, :func:`save_net`), so
switching to another language and back, or restarting, brings it back.

A net trained here also keeps its run (:class:`KeptRun`): the training
curves in ``work.json`` (thinned to :data:`~explorer.core.kept_curves.MAX_ROWS`
points) and the training timeline's snapshots -- each one's sequences and
weights -- as ``<stem>_timeline.npz`` (at most :data:`MAX_SNAPSHOTS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from explorer.core.bounds import check_int
from explorer.core.checkpoints import MAX_TEXT, kind_of
from explorer.core.errors import UserError
from explorer.core.kept_curves import checked_rows, thinned
from explorer.core.recurrent.languages import get_language
from explorer.core.recurrent.models import MAX_HIDDEN, MODEL_KINDS, kinds_text, make_model
from explorer.core.recurrent.snapshots import Snapshot
from explorer.core.recurrent.weights import NetState, check_length, load_net, save_net
from explorer.core.work_store import META, WorkStore, file_name

#: Most training-timeline snapshots kept per net (training keeps 200 at most).
MAX_SNAPSHOTS = 400


@dataclass
class KeptRun:
    """What a training run leaves beside its net: its curves and its timeline."""

    loss: list[list[float]] = field(default_factory=list)  # [sequences, loss] per record
    accuracy: list[list[float]] = field(default_factory=list)  # [sequences, accuracy %] per check
    snapshots: list[Snapshot] = field(default_factory=list)  # oldest first, the trained net last


def _timeline_arrays(snapshots: list[Snapshot]) -> dict[str, np.ndarray]:
    kept = snapshots[-MAX_SNAPSHOTS:] if len(snapshots) <= MAX_SNAPSHOTS else \
        [snapshots[int(i * len(snapshots) / MAX_SNAPSHOTS)] for i in range(MAX_SNAPSHOTS - 1)] + [snapshots[-1]]
    arrays = {"sequences": np.array([s.sequences for s in kept], dtype=np.int64)}
    for key in kept[0].state_dict:
        arrays[f"w_{key}"] = np.stack([s.state_dict[key].detach().cpu().numpy() for s in kept])
    return arrays


def save_net_state(store: WorkStore, state: NetState, nets: dict[str, NetState], run: KeptRun | None = None) -> None:
    """Write ``state``'s weights (and its run's timeline), then the list of kept nets.

    ``nets`` is stem → state, ``state`` among them; ``run`` the training run that gave ``state``
    (``None`` for an opened net: an older run of the same stem no longer describes it).
    """
    target = file_name(state.stem, ".pt")
    save_net(store.writable_path(target), state.model, state.language.name,
             hyperparameters={**state.hyperparameters, "L": state.L})
    entry = {"file": target, "label": state.label}
    timeline = file_name(f"{state.stem}_timeline", ".npz")
    if run is not None:
        entry["curves"] = {"loss": thinned(run.loss), "accuracy": thinned(run.accuracy)}
        if run.snapshots:
            entry["timeline"] = store.save_arrays(f"{state.stem}_timeline", **_timeline_arrays(run.snapshots))
    work = store.load()
    kept = work.get("nets", {}) if isinstance(work.get("nets"), dict) else {}
    kept[state.stem] = entry
    work["nets"] = {stem: entry for stem, entry in kept.items() if stem in nets}
    store.save(work)
    if "timeline" not in entry:
        store.remove(timeline)  # an older run's, no longer named


def save_choice(store: WorkStore, lang: str, model: str, hidden: int, L: int) -> None:
    """Remember the net on display (by language, model and size) and L."""
    work = store.load()
    work["choice"] = {"lang": lang, "model": model, "hidden": hidden, "L": L}
    store.save(work)


def checked_choice(choice: object) -> tuple[str, str, int, int]:
    """The kept choice as ``(lang, model, hidden, L)``, each checked as the command line checks it."""
    if not isinstance(choice, dict):
        raise UserError(f"'choice' should be a table of lang, model, hidden and L, not {kind_of(choice)}")
    lang, model = choice.get("lang"), choice.get("model")
    if not isinstance(lang, str):
        raise UserError(f"'choice.lang' should be a language name, not {kind_of(lang)}")
    language = get_language(lang)
    if model not in MODEL_KINDS:
        shown = repr(model[:20]) if isinstance(model, str) else kind_of(model)
        raise UserError(f"'choice.model' should be {kinds_text()}, not {shown}")
    hidden = check_int("'choice.hidden' (hidden units)", choice.get("hidden"), 1, MAX_HIDDEN)
    return language.name, model, hidden, check_length(choice.get("L"), "'choice.L'")


def checked_nets(store: WorkStore, nets: object) -> dict[str, tuple[Path, str]]:
    """The kept nets' entries as stem → (file in the store, label); every name a plain file name there."""
    return {stem: entry[:2] for stem, entry in checked_entries(store, nets).items()}


def checked_entries(store: WorkStore, nets: object) -> dict[str, tuple[Path, str, KeptRun | None, Path | None]]:
    """Each kept net's file, label, run curves (no snapshots yet) and timeline file, every field checked."""
    if not isinstance(nets, dict):
        raise UserError(f"'nets' should be a table of kept nets, not {kind_of(nets)}")
    entries = {}
    for stem, entry in nets.items():
        if not isinstance(entry, dict):
            raise UserError(f"the kept net {stem[:40]!r} should be a table of file and label, not {kind_of(entry)}")
        label = entry.get("label", "kept")
        if not isinstance(label, str) or len(label) > MAX_TEXT:
            raise UserError(f"the label of the kept net {stem[:40]!r} should be short text, not {kind_of(label)}")
        run = None
        if entry.get("curves") is not None:
            curves = entry["curves"]
            if not isinstance(curves, dict):
                raise UserError(f"the curves of the kept net {stem[:40]!r} should be a table, not {kind_of(curves)}")
            run = KeptRun(checked_rows(f"nets.{stem[:40]}.curves.loss", curves.get("loss", []), 2),
                          checked_rows(f"nets.{stem[:40]}.curves.accuracy", curves.get("accuracy", []), 2))
        timeline = store.path_of(entry["timeline"]) if entry.get("timeline") is not None else None
        entries[stem] = (store.path_of(entry.get("file")), label, run, timeline)
    return entries


def _snapshots(store: WorkStore, path: Path, state: NetState) -> list[Snapshot]:
    """The timeline in ``path`` as snapshots of ``state``'s net, each array checked against its weights."""
    arrays = store.load_arrays(path.name)
    if arrays is None:
        return []
    try:
        sequences = arrays.get("sequences")
        if sequences is None or sequences.ndim != 1 or sequences.dtype.kind not in "iu":
            raise UserError("its 'sequences' should be a list of whole numbers")
        count = len(sequences)
        if not 1 <= count <= MAX_SNAPSHOTS:
            raise UserError(f"it holds {count:,} snapshots (1 to {MAX_SNAPSHOTS:,} are kept)")
        shapes = {key: tuple(value.shape) for key, value in make_model(
            state.kind, state.language.size, state.hidden).state_dict().items()}
        stacks = {}
        for key, shape in shapes.items():
            stack = arrays.get(f"w_{key}")
            if stack is None or tuple(stack.shape) != (count, *shape) or stack.dtype.kind != "f":
                raise UserError(f"its weights {key!r} do not fit a {state.kind.upper()}-{state.hidden}")
            if not np.isfinite(stack).all():
                raise UserError(f"its weights {key!r} hold NaN or infinity")
            stacks[key] = stack
    except UserError as exc:
        store.set_aside(path, exc)
        return []
    return [Snapshot(int(sequences[i]), {key: torch.from_numpy(np.array(stack[i], dtype=np.float32))
                                          for key, stack in stacks.items()}) for i in range(count)]


def load_work(store: WorkStore) -> tuple[tuple[str, str, int, int] | None, dict[str, NetState]]:
    """The kept choice ``(lang, model, hidden, L)`` (or ``None``) and the kept nets by stem.

    Every field is checked by type and range first; a metadata file with any
    field wrong is set aside whole, a damaged weights file alone (see
    :class:`WorkStore`). A kept net is filed under the net it really holds.
    """
    choice, nets, _runs = load_work_runs(store)
    return choice, nets


def load_work_runs(store: WorkStore) -> tuple[tuple[str, str, int, int] | None, dict[str, NetState],
                                                dict[str, KeptRun]]:
    """As :func:`load_work`, and the runs kept beside the nets (curves and timeline), by stem."""
    work = store.load()
    try:
        choice = checked_choice(work["choice"]) if work.get("choice") is not None else None
        entries = checked_entries(store, work.get("nets", {}))
    except UserError as exc:
        store.set_aside(META, exc)
        return None, {}, {}
    nets, runs = {}, {}
    for path, label, run, timeline in entries.values():
        if not path.is_file():
            continue
        try:
            loaded = load_net(path)
        except UserError as exc:
            store.set_aside(path.name, exc)
            continue
        state = NetState(loaded.model, loaded.language, loaded.L, label, dict(loaded.hyperparameters or {}))
        nets[state.stem] = state
        if run is not None:
            if timeline is not None and timeline.is_file():
                run.snapshots = _snapshots(store, timeline, state)
            runs[state.stem] = run
    return choice, nets, runs
