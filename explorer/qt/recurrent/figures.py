"""The recurrent experiment's figures, data files and report, drawn from its model (never from the tab).

The renderer of the experiment (see ``explorer.core.experiments``):

- :func:`load_model` -- the :class:`~explorer.core.recurrent.model.RecurrentModel`
  of the user's stored work (or the shipped net), with everything the tab
  computes after restoring (trajectories, accuracy, the string's trace, the
  state machine, the counting probe) computed now.
- :func:`figures` -- every view as a :class:`Figure` with a title (language,
  model, hidden units, the snapshot shown), axis labels and a colour key or
  legend, named as the course names its files: ``<lang>_<model><hid>_<j><k>``
  per unit pair, ``_3d``, then ``_fsm`` (the diagram), ``_fidelity_k``,
  ``_per_n`` (length chart), ``_states_needed``, ``_step``, ``_training_curves``
  and ``_counting``. Drawn on standalone widgets built from the model
  (:class:`~.drawing.Drawing`), or on the tab's own for its right-click Export….
- :func:`export_all` -- the standard set into a folder: 2-D figures as PNG and
  SVG (for an LSTM the hidden-state pairs ``…_01`` and the cell-state pairs
  ``…_cell_01`` both), the 3-D view at the model's camera and at the three
  presets (only where OpenGL can render), CSVs of the step numbers, the length
  chart, the machine and its curves, the counting units, and the training
  curves when there was a run.
- :func:`report_sections` -- settings, trajectories, 3-D views (PNG), the state
  machine (diagram SVG + table), the length chart; the counting units; the
  last comparison of SRN, GRU and LSTM.
- :func:`install_actions` -- right-click Export… on each of the tab's views, and
  on the step panel also "Export numbers…" (every step of the string, CSV or TSV).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError
from explorer.core.recurrent.analysis import export_scatter_name, jet
from explorer.core.recurrent.model import RecurrentModel, accuracy_points, loss_points
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import rows_to_csv, write_table
from explorer.qt.recurrent import counting_panel as counting
from explorer.qt.recurrent.compare_panel import comparison_section
from explorer.qt.recurrent.drawing import Drawing, ViewSet, set_camera
from explorer.qt.recurrent.fsm_diagram import SYMBOL_COLOURS
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.figure_export import ColourKey, Figure
from explorer.qt.widgets.figure_export import export_all as export_figures
from explorer.qt.widgets.report_figures import report_figure
from explorer.qt.widgets.table_export import save_table_as

log = logging.getLogger(__name__)

PRESET_ANGLES = ("front", "side", "top")


def load_model(store=None) -> RecurrentModel:
    """The model of the user's stored work (the tab's store), every result computed; damaged work in ``notes``."""
    from explorer.core.work_store import WorkStore

    model = RecurrentModel.from_store(store if store is not None else WorkStore("recurrent"))
    _restore_view_choices(model)
    return model.compute()


def _restore_view_choices(model: RecurrentModel) -> None:
    """The view choices the tab keeps in the settings (state kind, coordinates, overlays), where readable."""
    from explorer.qt.settings import app_settings

    settings = app_settings()
    kind = settings.value("recurrent/state_kind")
    if kind in ("hidden", "cell"):
        model.views.state_kind = kind
    mode = settings.value("recurrent/coordinates")
    if mode in ("units", "pca"):
        model.views.coordinates = mode
    for key in model.views.overlays:
        on = settings.value(f"recurrent/overlay_{key}")
        if isinstance(on, bool):
            model.views.overlays[key] = on


def state_key(model: RecurrentModel) -> ColourKey:
    """The views' jet colours: the course's state value (A's counted, then counting down)."""
    L = float(model.state.L)
    return ColourKey([tuple(row) for row in jet(np.linspace(0, L, 17), 0, L)], 0.0, L,
                     "state (course count)", ticks=list(range(int(L) + 1)))


def _symbol_legend(symbols) -> list[tuple[str, tuple]]:
    """The arrow colours of the language's own symbols (a^n b^2n reads no C)."""
    return [(f"reads {symbol}", colour) for symbol, colour in SYMBOL_COLOURS.items() if symbol in symbols]


def machine_note(model: RecurrentModel) -> str:
    study = model.study
    if study is None:
        return "no machine extracted yet"
    f = study.found
    return (f"{f.machine.size} states, k = {f.k} (automatic {study.auto_k}), {f.visited.state} state, n ≤ {f.max_n},"
            f" output threshold {f.visited.threshold:g}, fidelity {f.agreement.fidelity:.0%}")


def _marked(name: str, unit: int, marks: dict) -> str:
    return f"{name} ◆ counts" if unit in marks else name


def pair_figures(model: RecurrentModel, views) -> list[Figure]:
    """The pair views (drawn on ``views``' pair grid) under the course's names, then the 3-D view."""
    coords = model.coordinates()
    if coords is None:
        return []
    s, kind, units = model.state, model.state_kind, model.views.coordinates == "units"
    stem, cell = s.stem, "_cell" if kind == "cell" else ""
    head, when, key = model.heading, model.moment, state_key(model)
    marks = counting.marked_units(model.probe, kind) if units else {}
    found = []
    for view, (j, k) in zip(views.pairs.views, coords.pairs, strict=False):
        x, y = _marked(coords.names[j], j, marks), _marked(coords.names[k], k, marks)
        if units:
            name = export_scatter_name(s.language.name, s.kind, s.hidden, j, k, "png")[: -len(".png")]
            name = name.replace(stem, stem + cell, 1)
        else:
            name = f"{stem}{cell}_pc{j + 1}{k + 1}"
        found.append(Figure(view, title=f"{head}: {kind} states, {x} against {y}", note=when, x_label=x, y_label=y,
                            key=key, name=name, aspect=1.25))
    names = [*coords.names, f"state 0..{float(s.L):g}"]
    axes = model.axes(len(coords.names))
    labels = [_marked(names[a], a, marks) if a < len(coords.names) else names[a] for a in axes]
    described = ", ".join(f"{letter} {label}" for letter, label in zip("xyz", labels, strict=True))
    found.append(Figure(views.view3d, title=f"{head}: {kind} states in 3-D", note=f"{when}; axes: {described}",
                        kind="3d", key=key, name=f"{stem}{cell}_3d"))
    return found


def figures(model: RecurrentModel, on: ViewSet | None = None) -> list[Figure]:
    """Every view as a figure, in the course's names, drawn from ``model``.

    ``on``: the widgets to draw on (the tab's own, for its right-click Export…); by default
    standalone ones built from the model (:class:`~.drawing.Drawing`).
    """
    if on is None:
        drawing = Drawing(model)
        on = drawing.set
        for widget in _targets(on):
            drawing.keep_alive(widget)
    s, head, when = model.state, model.heading, model.moment
    stem = s.stem
    found = pair_figures(model, on.views)
    panel = on.machine_panel
    step = f"step {model.position + 1} of '{model.sequence.text}'" if model.sequence is not None else "step"
    found += [
        Figure(panel.diagram, title=f"{head}: the extracted state machine", note=f"{when}; {machine_note(model)}",
               legend=_symbol_legend(s.language.symbols), name=f"{stem}_fsm", aspect=1.6),
        Figure(panel.curve, title=f"{head}: fidelity and determinism against k", note=when, x_label="k (clusters)",
               y_label="share", legend=[("fidelity", (30, 90, 210)), ("determinism", (120, 120, 120))],
               name=f"{stem}_fidelity_k", aspect=1.6),
        # y label "accuracy": the axis adds its unit ("accuracy (%)"; this said "(%)" too: "accuracy (%) (%)").
        Figure(on.generalisation, title=f"{head}: length generalisation, accuracy per n", note=when, x_label="n",
               y_label="accuracy", legend=[("n ≤ L (trained)", (40, 90, 200)), ("n > L", (220, 120, 40)),
                                           ("100 %", (40, 150, 70)), ("chance", (60, 60, 60))],
               name=f"{stem}_per_n", aspect=1.6),
        Figure(on.needed_chart, title=f"{head}: states needed against N", note=when, x_label="N", y_label="states",
               name=f"{stem}_states_needed", aspect=1.6),
        Figure(on.step_panel, title=f"{head}: {step}", note=when, name=f"{stem}_step", aspect=2.2),
        Figure(on.curves, title=f"{head}: training loss and accuracy", note=model.history_note,
               name=f"{stem}_training_curves", aspect=1.6),  # two nets' curves in one folder: two files
    ]
    if on.counting_panel is not None:
        found += counting.figures(model, on.counting_panel)
    return found


def _targets(on: ViewSet) -> list[QWidget]:
    return [*on.views.pairs.views, on.views.view3d, on.machine_panel.diagram, on.machine_panel.curve,
            on.generalisation, on.needed_chart, on.step_panel, on.curves,
            *([on.counting_panel.chart] if on.counting_panel is not None else [])]


def figure_named(model: RecurrentModel, suffix: str, on: ViewSet | None = None) -> Figure:
    """The figure whose name ends with ``suffix``."""
    return next(f for f in figures(model, on) if f.name.endswith(suffix))


def install_actions(on: ViewSet, model: RecurrentModel, parent: QWidget) -> None:
    """Right-click Export… on every view in ``on`` (figures evaluated when the menu is used: titles follow the
    model); the step panel also exports its numbers. Views that already have them are left as they are."""
    def figure_of(widget) -> Callable[[], Figure]:
        return lambda: next(f for f in figures(model, on) if f.target is widget)

    for widget in _targets(on):
        if not getattr(widget, "_export_installed", False):
            install_export_action(widget, figure_of(widget))
            widget._export_installed = True
    if getattr(on.step_panel, "_numbers_installed", False):
        return
    on.step_panel._numbers_installed = True
    numbers = QAction("Export numbers (CSV/TSV)…", on.step_panel)
    numbers.setToolTip("Every step of the string: symbols, the net's probabilities, target, hidden (and cell, gates)")
    numbers.triggered.connect(lambda: _ask_numbers(parent, model))
    on.step_panel.addAction(numbers)


def step_rows(model: RecurrentModel) -> tuple[list[str], list[list]]:
    """The step panel's numbers for every step of the string on display (what it shows, step by step)."""
    seq, tr, symbols = model.sequence, model.trace, model.state.language.symbols
    headers = ["step", "read", "next", *(f"p({c})" for c in symbols), *(f"target({c})" for c in symbols),
               *(f"h{j}" for j in range(tr.hidden.shape[1]))]
    if tr.cell is not None:
        headers += [f"c{j}" for j in range(tr.cell.shape[1])]
    gates = sorted(tr.gates) if tr.gates else []
    for g in gates:
        headers += [f"{g}{j}" for j in range(tr.gates[g].shape[1])]
    states, agree = model.lockstep, None
    if states is not None:
        headers += ["machine state", "machine agrees"]
        agree = states.agree
    rows = []
    for t in range(len(tr.hidden)):
        row = [t + 1, symbols[seq.symbols[t]], symbols[seq.symbols[t + 1]], *tr.probabilities[t], *seq.targets[t],
               *tr.hidden[t]]
        if tr.cell is not None:
            row += list(tr.cell[t])
        for g in gates:
            row += list(tr.gates[g][t])
        if agree is not None:
            row += [states.machine_states[t], bool(agree[t])]
        rows.append([float(v) if isinstance(v, np.floating) else v for v in row])
    return headers, rows


def write_step_numbers(model: RecurrentModel, path: str | Path) -> Path:
    """The whole string's step numbers as CSV, or tab-separated for a ``.tsv`` path."""
    return write_table(path, *step_rows(model))


def _ask_numbers(parent: QWidget, model: RecurrentModel) -> None:
    save_table_as(parent, lambda: step_rows(model), f"{model.state.stem}_steps.csv", "Export the step numbers",
                  tab_separated=True)


def data_tables(model: RecurrentModel) -> dict[str, tuple[list[str], list[list]]]:
    """The numbers behind the charts and the machine, by file stem."""
    s, stem, r = model.state, model.state.stem, model.results
    tables = {}
    if r is not None:
        tables[f"{stem}_per_n"] = (["n", "accuracy (%)", "chance (%)", "trained on (n <= L)"],
                                   [[n, r.per_n[n], r.chance_per_n.get(n, ""), n <= s.L] for n in sorted(r.per_n)])
    study = model.study
    if study is not None:
        m = study.found.machine
        tables[f"{stem}_fsm_states"] = (["state", "start", "predicts", "visits"],
                                       [[i, i == m.start, m.labels[i], m.visits[i] if m.visits else ""]
                                        for i in range(m.size)])
        tables[f"{stem}_fsm_transitions"] = (["from", "symbol", "to", "count", "share"],
                                            [[t.source, t.symbol, t.target, t.count, round(t.share, 4)]
                                             for t in m.transitions.values()])
        tables[f"{stem}_fidelity_k"] = (["k", "fidelity", "determinism", "states"],
                                       [[r["k"], r["fidelity"], r["determinism"], r["states"]] for r in study.curve])
        tables[f"{stem}_states_needed"] = (
            ["N", "net's machine", "language's minimal", "untrained net", "k", "agrees up to"],
            [[r["max_n"], r["net_states"], r["language_states"], b, r["k"], r["agrees_up_to"]]
             for r, b in zip(study.needed, study.baseline, strict=False)])
    loss_x, loss_y = loss_points(model.history)
    if loss_x:
        acc = dict(zip(*accuracy_points(model.history), strict=True))
        tables[f"{stem}_training_curves"] = (["sequences", "loss", "accuracy (%)"],
                                             [[int(x), float(y), acc.get(int(x), "")]
                                              for x, y in zip(loss_x, loss_y, strict=True)])
    return tables


def export_all(model: RecurrentModel, folder: Path, formats: Sequence[str] = ("png", "svg"), size=None,
               say: Callable[[str], None] | None = None) -> list[Path]:
    """The standard set of files, drawn from ``model``; returns the paths written (a failed write raises UserError).

    Without OpenGL the 3-D views are skipped and ``say`` (else the log) is told so.
    """
    folder = Path(folder)
    drawing = Drawing(model)
    try:
        return _export_drawn(model, drawing, folder, formats, size, say)
    finally:
        drawing.discard()


def _export_drawn(model: RecurrentModel, drawing: Drawing, folder: Path, formats, size, say) -> list[Path]:
    shown = figures(model, drawing.set)
    flat = [f for f in shown if f.kind != "3d" and not f.name.endswith("_counting")
            and (not f.name.endswith("_training_curves") or model.history)]
    written = export_figures(flat, folder, formats=formats, size=size)
    written += _other_state_pairs(model, folder, formats, size)
    written += _export_3d(drawing, [f for f in shown if f.kind == "3d"], folder, size, say)
    if model.trace is not None:
        written.append(write_step_numbers(model, folder / f"{model.state.stem}_steps.csv"))
    for stem, (headers, rows) in data_tables(model).items():
        path = folder / f"{stem}.csv"
        write_bytes(path, rows_to_csv(headers, rows).encode("utf-8"))
        written.append(path)
    written += export_figures([f for f in shown if f.name.endswith("_counting")], folder, formats=formats, size=size)
    for stem, (headers, rows) in counting.data_tables(model).items():
        path = folder / f"{stem}.csv"
        write_bytes(path, rows_to_csv(headers, rows).encode("utf-8"))
        written.append(path)
    return written


def _other_state_pairs(model: RecurrentModel, folder: Path, formats, size) -> list[Path]:
    """An LSTM's pairs of the state kind the views do not show (issue 19: the cell view exported no hidden pairs)."""
    if model.trace is None or model.trace.cell is None or model.results is None:
        return []
    other = "hidden" if model.state_kind == "cell" else "cell"
    # A shallow copy with the other state plotted: the machine, extracted from one kind, is over neither.
    # No view on screen shows these pairs, so no zoom of the shown kind's pairs applies: they stay fitted.
    twin = replace(model, views=replace(model.views, state_kind=other, overlays=dict(model.views.overlays),
                                        pair_ranges={}))
    drawing = Drawing(twin)
    try:
        pairs = [f for f in pair_figures(twin, drawing.views) if f.kind != "3d"]
        return export_figures(pairs, folder, formats=formats, size=size)
    finally:
        drawing.discard()


def _export_3d(drawing: Drawing, views: list[Figure], folder: Path, size, say) -> list[Path]:
    """The 3-D view at the model's camera and at the three presets; nothing (and a note) without OpenGL."""
    written: list[Path] = []
    view = drawing.view3d
    try:
        for figure in views:
            written += export_figures([figure], folder, formats=("png",), size=size)
            for angle in PRESET_ANGLES:
                view.preset(angle)
                again = Figure(figure.target, title=f"{figure.title} ({angle})", note=figure.note, kind="3d",
                               key=figure.key, name=f"{figure.name}_{angle}")
                written += export_figures([again], folder, formats=("png",), size=size)
            set_camera(view, drawing.model.views.camera)
    except UserError as exc:
        message = f"The 3-D view could not be rendered ({exc}); the other figures were written"
        (say or log.warning)(message)
    return written


def recurrent_section(model: RecurrentModel) -> ReportSection:
    """The recurrent part of the lab report: every number and setting from the model."""
    s = model.state
    settings = {"language": s.language.title, "model": f"{s.kind.upper()}-{s.hidden}", "largest n (L)": s.L,
                "net": model.moment, "state plotted": model.state_kind, "coordinates": model.views.coordinates}
    settings.update(model.run_settings())
    drawing = Drawing(model)
    try:
        return _section_drawn(model, drawing, settings)
    finally:
        drawing.discard()


def _section_drawn(model: RecurrentModel, drawing: Drawing, settings: dict) -> ReportSection:
    s = model.state
    shown = {f.name: f for f in figures(model, drawing.set)}
    pictures = [report_figure(f) for f in shown.values() if f.target in drawing.views.pairs.views]
    try:
        pictures += [report_figure(f) for f in shown.values() if f.kind == "3d"]
    except UserError:
        pass  # no OpenGL here: the 2-D views still tell the story
    tables = []
    if model.study is not None:
        pictures.append(report_figure(shown[f"{s.stem}_fsm"]))
        every = data_tables(model)
        for stem in (f"{s.stem}_fsm_states", f"{s.stem}_fsm_transitions", f"{s.stem}_states_needed"):
            headers, rows = every[stem]
            tables.append(ReportTable(stem.split("_", 2)[-1].replace("_", " "), headers, rows))
    if model.results is not None:
        pictures.append(report_figure(shown[f"{s.stem}_per_n"]))
    if model.study is not None:
        pictures.append(report_figure(shown[f"{s.stem}_states_needed"]))
    text = [model.results.accuracy_text if model.results is not None else "", machine_note(model)]
    return ReportSection(title=f"Recurrent dynamics: {model.heading}", settings=settings, seed=model.seed,
                         text=text, tables=tables, figures=pictures)


def report_sections(model: RecurrentModel) -> list[ReportSection]:
    """The recurrent sections of the lab report: the net and its machine, its counting units, the comparison."""
    extra = [counting.report_section(model), comparison_section(model.comparison)]
    return [recurrent_section(model), *filter(None, extra)]
