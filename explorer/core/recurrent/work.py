"""The recurrent tab's work in the store: the chosen language, model and size, and every net trained.

Each trained (or opened) net is kept per (language, model, hidden) as
``<lang>_<model><hid>.pt`` (an app checkpoint, :func:`save_net`), so
switching to another language and back, or restarting, brings it back.
"""

from __future__ import annotations

from pathlib import Path

from explorer.core.bounds import check_int
from explorer.core.checkpoints import MAX_TEXT, kind_of
from explorer.core.errors import UserError
from explorer.core.recurrent.languages import get_language
from explorer.core.recurrent.models import MAX_HIDDEN, MODEL_KINDS, kinds_text
from explorer.core.recurrent.weights import NetState, check_length, load_net, save_net
from explorer.core.work_store import META, WorkStore, file_name


def save_net_state(store: WorkStore, state: NetState, nets: dict[str, NetState]) -> None:
    """Write ``state``'s weights, then the list of kept nets (``nets``, stem → state, ``state`` among them)."""
    target = file_name(state.stem, ".pt")
    save_net(store.writable_path(target), state.model, state.language.name,
             hyperparameters={**state.hyperparameters, "L": state.L})
    work = store.load()
    kept = work.get("nets", {}) if isinstance(work.get("nets"), dict) else {}
    kept[state.stem] = {"file": target, "label": state.label}
    work["nets"] = {stem: entry for stem, entry in kept.items() if stem in nets}
    store.save(work)


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
    if not isinstance(nets, dict):
        raise UserError(f"'nets' should be a table of kept nets, not {kind_of(nets)}")
    entries = {}
    for stem, entry in nets.items():
        if not isinstance(entry, dict):
            raise UserError(f"the kept net {stem[:40]!r} should be a table of file and label, not {kind_of(entry)}")
        label = entry.get("label", "kept")
        if not isinstance(label, str) or len(label) > MAX_TEXT:
            raise UserError(f"the label of the kept net {stem[:40]!r} should be short text, not {kind_of(label)}")
        entries[stem] = (store.path_of(entry.get("file")), label)
    return entries


def load_work(store: WorkStore) -> tuple[tuple[str, str, int, int] | None, dict[str, NetState]]:
    """The kept choice ``(lang, model, hidden, L)`` (or ``None``) and the kept nets by stem.

    Every field is checked by type and range first; a metadata file with any
    field wrong is set aside whole, a damaged weights file alone (see
    :class:`WorkStore`). A kept net is filed under the net it really holds.
    """
    work = store.load()
    try:
        choice = checked_choice(work["choice"]) if work.get("choice") is not None else None
        entries = checked_nets(store, work.get("nets", {}))
    except UserError as exc:
        store.set_aside(META, exc)
        return None, {}
    nets = {}
    for path, label in entries.values():
        if not path.is_file():
            continue
        try:
            loaded = load_net(path)
        except UserError as exc:
            store.set_aside(path.name, exc)
            continue
        state = NetState(loaded.model, loaded.language, loaded.L, label, dict(loaded.hyperparameters or {}))
        nets[state.stem] = state
    return choice, nets
