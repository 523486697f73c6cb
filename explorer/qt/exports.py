"""The figure sets and the lab report, for File → Export figures…/Export report… and the command line.

API:

- ``tab_key(tab) -> str | None`` -- which experiment (``explorer.core.experiments``) a tab shows.
- ``build_tab(key) -> ExperimentTab`` -- one tab, as the window builds it
  (the user's stored work restored, shipped defaults otherwise).
- ``tab_slots()`` -- the window's tabs, one per experiment in the list's order, each built on first visit.
- ``renderer(key)`` -- the experiment's renderer module (``load_model``, ``figures``, ``export_all``,
  ``report_sections``).
- ``export_tab(tab, folder, formats, size) -> list[Path]`` -- the tab's
  standard figure set (``tab.export_all``), into a folder that is made if missing.
- ``export_model(key, model, folder, formats, size) -> list[Path]`` -- the same files from the
  experiment's model, with no tab (the command line).
- ``gather_sections(tabs)``, ``model_sections(key, model)`` -- report sections; a part that fails to
  report gets a section saying why instead of losing the whole report.
- ``write_lab_report(path, tabs)``, ``write_sections(path, sections)`` -- the one-file HTML report.

The window and ``python -m explorer export|report`` both call these, so the
files are the same.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from explorer.core.errors import UserError
from explorer.core.experiments import EXPERIMENTS, Experiment, experiment, experiment_of_module
from explorer.core.report import ReportSection, write_report

DEFAULT_FORMATS = ("png", "svg")


def tab_key(tab) -> str | None:
    """The key of the experiment whose package the tab's class (or a class it derives from) is in."""
    for cls in type(tab).__mro__:
        found = experiment_of_module(cls.__module__)
        if found is not None:
            return found.key
    return None


def tab_class(which: Experiment) -> type:
    """The experiment's tab class (importing its module: Qt, and usually torch)."""
    module, _, name = which.tab.partition(":")
    return getattr(importlib.import_module(module), name)


def build_tab(key: str):
    """The tab of the experiment ``key``, built as the window builds it (restores the stored work)."""
    return tab_class(experiment(key))()


def tab_slots() -> list:
    """The window's tabs as :class:`~explorer.qt.tab.TabSlot`, each built (by :func:`build_tab`) on first visit."""
    from explorer.qt.tab import TabSlot

    return [TabSlot(e.key, e.title, lambda key=e.key: build_tab(key), ("torch", *e.preload)) for e in EXPERIMENTS]


def renderer(key: str) -> ModuleType:
    """The renderer module of the experiment ``key``."""
    return importlib.import_module(experiment(key).renderer)


def _made_folder(folder: str | Path) -> Path:
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from explorer.core.atomic import reason

        why = "a file has that name" if folder.exists() and not folder.is_dir() else reason(exc)
        raise UserError(f"cannot make the folder {folder}: {why}") from exc
    return folder


def export_tab(tab, folder: str | Path, formats: Sequence[str] = DEFAULT_FORMATS, size=None) -> list[Path]:
    """Write ``tab``'s standard figure set into ``folder``; return the paths written.

    Raises
    ------
    UserError
        The folder cannot be made, or a file cannot be written (the files
        written before it stay; none is left half-written).
    """
    folder = _made_folder(folder)
    return list(tab.export_all(folder, formats=tuple(f.lower() for f in formats), size=size))


def export_model(key: str, model, folder: str | Path, formats: Sequence[str] = DEFAULT_FORMATS,
                 size=None) -> list[Path]:
    """The experiment ``key``'s standard figure set drawn from ``model`` (its renderer's ``export_all``).

    The same files, under the same names, as :func:`export_tab` writes from the tab; raises
    :class:`UserError` as it does.
    """
    folder = _made_folder(folder)
    return list(renderer(key).export_all(model, folder, formats=tuple(f.lower() for f in formats), size=size))


def model_sections(key: str, model) -> list[ReportSection]:
    """The experiment's report sections drawn from ``model``; a section saying why if it cannot report."""
    try:
        return list(renderer(key).report_sections(model))
    except UserError as exc:
        return [ReportSection(experiment(key).title, text=[f"This part could not be reported: {exc}"])]


def gather_sections(tabs) -> list[ReportSection]:
    """Every tab's report sections, in tab order."""
    sections: list[ReportSection] = []
    for tab in tabs:
        try:
            sections.extend(tab.report_sections())
        except UserError as exc:
            sections.append(ReportSection(tab.title, text=[f"This part could not be reported: {exc}"]))
    return sections


def write_lab_report(path: str | Path, tabs) -> Path:
    """The HTML lab report of ``tabs`` at ``path`` (written atomically); raises :class:`UserError`."""
    return write_sections(path, gather_sections(tabs))


def write_sections(path: str | Path, sections: Sequence[ReportSection]) -> Path:
    """The HTML lab report of ``sections`` at ``path`` (written atomically); raises :class:`UserError`."""
    sections = list(sections)
    if not sections:
        sections = [ReportSection("Nothing to report yet",
                                  text=["Train a net or load one in any tab, then export the report again."])]
    return write_report(Path(path).expanduser(), sections)
