"""The figure sets and the lab report, for File → Export figures…/Export report… and the command line.

API:

- ``TAB_NAMES`` -- the command line's names for the tabs: mlp, kuzushiji, recurrent.
- ``tab_key(tab) -> str`` -- which of those a tab is.
- ``build_tab(name) -> ExperimentTab`` -- one tab, as the window builds it
  (the user's stored work restored, shipped defaults otherwise).
- ``WINDOW_TABS``, ``tab_slots()`` -- the tabs in the window's order, each built on first visit.
- ``export_tab(tab, folder, formats, size) -> list[Path]`` -- the tab's
  standard figure set (``tab.export_all``), into a folder that is made if missing.
- ``gather_sections(tabs) -> list[ReportSection]`` -- every tab's
  ``report_sections()``; a tab that fails to report gets a section saying why
  instead of losing the whole report.
- ``write_lab_report(path, tabs) -> Path`` -- the one-file HTML report.

The window and ``python -m explorer export|report`` both call these, so the
files are the same.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.report import ReportSection, write_report

log = logging.getLogger(__name__)

TAB_NAMES = ("mlp", "kuzushiji", "recurrent")
DEFAULT_FORMATS = ("png", "svg")


def tab_key(tab) -> str | None:
    """``"mlp"``, ``"kuzushiji"`` or ``"recurrent"`` from the tab's package (``explorer.qt.<name>.tab``)."""
    parts = type(tab).__module__.split(".")
    return next((name for name in TAB_NAMES if name in parts), None)


def build_tab(name: str):
    """The tab called ``name``, built as the window builds it (restores the stored work)."""
    if name == "mlp":
        from explorer.qt.mlp.tab import MLPTab as cls
    elif name == "kuzushiji":
        from explorer.qt.kuzushiji.tab import KuzushijiTab as cls
    elif name == "recurrent":
        from explorer.qt.recurrent.tab import RecurrentTab as cls
    else:
        raise UserError(f"no tab called {name!r}; choose one of {', '.join(TAB_NAMES)}")
    return cls()


#: The experiments in the window's order: the command-line name, the tab's title (its class's ``title``,
#: known here without importing the tab) and the Qt-free modules its tab imports, the slow part of
#: building it, which may be imported on a background thread first.
WINDOW_TABS = (
    ("kuzushiji", "Kuzushiji-MNIST", ("explorer.core.kuzushiji.engine", "explorer.core.kuzushiji.evaluation",
                                      "explorer.core.kuzushiji.work", "explorer.core.kuzushiji.preprocess",
                                      "explorer.core.kuzushiji.examples", "explorer.core.kuzushiji.inputs")),
    ("mlp", "MLP on a grid", ("explorer.core.mlp.training", "explorer.core.mlp.work", "explorer.core.mlp.analysis",
                              "explorer.core.mlp.timeline")),
    ("recurrent", "Recurrent dynamics", ("explorer.core.recurrent.analysis", "explorer.core.recurrent.training",
                                         "explorer.core.recurrent.machine_study", "explorer.core.recurrent.work",
                                         "explorer.core.recurrent.weights", "explorer.core.recurrent.fsm_lockstep")),
)


def tab_slots() -> list:
    """The window's tabs as :class:`~explorer.qt.tab.TabSlot`, each built (by :func:`build_tab`) on first visit."""
    from explorer.qt.tab import TabSlot

    return [TabSlot(key, title, lambda key=key: build_tab(key), ("torch", *modules))
            for key, title, modules in WINDOW_TABS]


def _accepts(method, *names: str) -> bool:
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    return all(n in parameters for n in names) or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def export_tab(tab, folder: str | Path, formats: Sequence[str] = ("png", "svg"), size=None) -> list[Path]:
    """Write ``tab``'s standard figure set into ``folder``; return the paths written.

    Raises
    ------
    UserError
        The folder cannot be made, or a file cannot be written (the files
        written before it stay; none is left half-written).
    """
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from explorer.core.atomic import reason

        why = "a file has that name" if folder.exists() and not folder.is_dir() else reason(exc)
        raise UserError(f"cannot make the folder {folder}: {why}") from exc
    formats = tuple(f.lower() for f in formats)
    if _accepts(tab.export_all, "formats", "size"):
        return list(tab.export_all(folder, formats=formats, size=size))
    if size is None and formats == DEFAULT_FORMATS:
        return list(tab.export_all(folder))
    # The tab's own set takes no size or formats: its figures, under the same names, as asked.
    log.info("%s.export_all takes no formats/size; exporting its figures() as asked", type(tab).__name__)
    return export_figures(tab.figures(), folder, formats, size)


def export_figures(figures, folder: Path, formats: Sequence[str], size=None) -> list[Path]:
    """Each figure in each format it supports; a 3-D view that cannot be drawn here (no OpenGL) is skipped."""
    from explorer.qt.widgets.figure_export import Figure, export_figure

    written = []
    for name, each in figures.items():
        figure = Figure.of(each)
        for fmt in formats:
            if fmt not in figure.formats():
                continue
            try:
                written.append(export_figure(figure, folder / f"{name}.{fmt}", size=size))
            except UserError:
                if figure.kind != "3d":
                    raise
                log.warning("the 3-D view %s could not be drawn here (no OpenGL); skipped", name)
    return written


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
    sections = gather_sections(tabs)
    if not sections:
        sections = [ReportSection("Nothing to report yet",
                                  text=["Train a net or load one in any tab, then export the report again."])]
    return write_report(Path(path).expanduser(), sections)
