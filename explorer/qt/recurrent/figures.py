"""The recurrent tab's figures, data files and report section (issue 11), through the shared export mechanism.

- :func:`figures` -- every view as a :class:`Figure` with a title (language,
  model, hidden units, the snapshot shown), axis labels and a colour key or
  legend, named as the course names its files: ``<lang>_<model><hid>_<j><k>``
  per unit pair, ``_3d``, then ``_fsm`` (the diagram), ``_fidelity_k``,
  ``_per_n`` (length chart), ``_states_needed``, ``_step`` and ``_training_curves``.
- :func:`install_actions` -- right-click Export… on each of them, and on the
  step panel also "Export numbers…" (every step of the string, CSV or TSV).
- :func:`export_all` -- the standard set into a folder: 2-D figures as PNG and
  SVG (for an LSTM the hidden-state pairs ``…_01`` and the cell-state pairs
  ``…_cell_01`` both, whichever the view shows), the 3-D view at its current camera and at the three presets (only
  when OpenGL can render), CSVs of the step numbers, the length chart, the
  machine and its curves, and the training curves when there was a run.
- :func:`report_section` -- settings, trajectories, 3-D views (PNG), the state
  machine (diagram SVG + table) and the length chart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QAction

from explorer.core.atomic import write_bytes
from explorer.core.errors import UserError
from explorer.core.recurrent.analysis import jet
from explorer.core.report import ReportSection, ReportTable
from explorer.core.table_export import rows_to_csv, write_table
from explorer.qt.recurrent.fsm_diagram import SYMBOL_COLOURS
from explorer.qt.widgets.export_dialog import install_export_action
from explorer.qt.widgets.figure_export import ColourKey, Figure
from explorer.qt.widgets.figure_export import export_all as export_figures
from explorer.qt.widgets.report_figures import report_figure
from explorer.qt.widgets.table_export import save_table_as

if TYPE_CHECKING:
    from explorer.qt.recurrent.tab import RecurrentTab

PRESET_ANGLES = ("front", "side", "top")


def moment(tab: RecurrentTab) -> str:
    """Which net the views show: the trained net, a timeline snapshot, or the live training net."""
    if tab._live_model is not None:
        return "during training"
    if tab._timeline_model is not None:
        return f"training snapshot {tab.timeline.label()}"
    return tab.state.label


def heading(tab: RecurrentTab) -> str:
    s = tab.state
    return f"{s.language.title} · {s.kind.upper()}-{s.hidden} · L = {s.L}"


def state_key(tab: RecurrentTab) -> ColourKey:
    """The views' jet colours: the course's state value (A's counted, then counting down)."""
    L = float(tab.state.L)
    return ColourKey([tuple(row) for row in jet(np.linspace(0, L, 17), 0, L)], 0.0, L,
                     "state (course count)", ticks=list(range(int(L) + 1)))


def _symbol_legend(symbols) -> list[tuple[str, tuple]]:
    """The arrow colours of the language's own symbols (a^n b^2n reads no C)."""
    return [(f"reads {symbol}", colour) for symbol, colour in SYMBOL_COLOURS.items() if symbol in symbols]


def machine_note(tab: RecurrentTab) -> str:
    study = tab.machine.study
    if study is None:
        return "no machine extracted yet"
    f = study.found
    return (f"{f.machine.size} states, k = {f.k} (automatic {study.auto_k}), {f.visited.state} state, n ≤ {f.max_n},"
            f" output threshold {f.visited.threshold:g}, fidelity {f.agreement.fidelity:.0%}")


def figures(tab: RecurrentTab) -> list[Figure]:
    """Every view of the tab as a figure, in the course's names."""
    s, views = tab.state, tab.views
    stem = f"{s.language.name}_{s.kind}{s.hidden}"
    head, when = heading(tab), moment(tab)
    found: list[Figure] = []
    for name, widget in views.figures(s.language.name, s.kind, s.hidden).items():
        if widget is views.view3d:
            axes = ", ".join(f"{letter} {name}" for letter, name in zip("xyz", widget.axis_names(), strict=True))
            found.append(Figure(widget, title=f"{head}: {views.state_kind} states in 3-D", note=f"{when}; axes: {axes}",
                                kind="3d",
                                key=state_key(tab), name=name))
            continue
        plot = widget.getPlotItem()
        x, y = plot.getAxis("bottom").labelText, plot.getAxis("left").labelText
        found.append(Figure(widget, title=f"{head}: {views.state_kind} states, {x} against {y}", note=when,
                            x_label=x, y_label=y, key=state_key(tab), name=name, aspect=1.25))
    panel = tab.machine_panel
    found += [
        Figure(panel.diagram, title=f"{head}: the extracted state machine", note=f"{when}; {machine_note(tab)}",
               legend=_symbol_legend(s.language.symbols), name=f"{stem}_fsm", aspect=1.6),
        Figure(panel.curve, title=f"{head}: fidelity and determinism against k", note=when, x_label="k (clusters)",
               y_label="share", legend=[("fidelity", (30, 90, 210)), ("determinism", (120, 120, 120))],
               name=f"{stem}_fidelity_k", aspect=1.6),
        # y label "accuracy": the axis adds its unit ("accuracy (%)"; this said "(%)" too: "accuracy (%) (%)").
        Figure(tab.generalisation, title=f"{head}: length generalisation, accuracy per n", note=when, x_label="n",
               y_label="accuracy", legend=[("n ≤ L (trained)", (40, 90, 200)), ("n > L", (220, 120, 40)),
                                           ("100 %", (40, 150, 70)), ("chance", (60, 60, 60))],
               name=f"{stem}_per_n", aspect=1.6),
        Figure(tab.needed_chart, title=f"{head}: states needed against N", note=when, x_label="N", y_label="states",
               name=f"{stem}_states_needed", aspect=1.6),
        Figure(tab.step_panel, title=f"{head}: step {tab.sequence_bar.position + 1} of '{tab.sequence.text}'",
               note=when, name=f"{stem}_step", aspect=2.2),
        Figure(tab.controls.curves, title=f"{head}: training loss and accuracy", note=tab.controls.curves.note(),
               name=f"{stem}_training_curves", aspect=1.6),  # two nets' curves in one folder: two files
    ]
    return found


def figure_named(tab: RecurrentTab, suffix: str) -> Figure:
    """The figure whose name ends with ``suffix`` (evaluated when a menu is used: titles follow the state)."""
    return next(f for f in figures(tab) if f.name.endswith(suffix))


def install_actions(tab: RecurrentTab) -> None:
    """Right-click Export… on every view; the step panel also exports its numbers."""
    for view in tab.views.pairs.views:
        if not getattr(view, "_export_installed", False):
            install_export_action(view, lambda v=view: next(f for f in figures(tab) if f.target is v))
            view._export_installed = True
    if getattr(tab, "_exports_installed", False):
        return
    tab._exports_installed = True
    for widget, suffix in ((tab.views.view3d, "_3d"), (tab.machine_panel.diagram, "_fsm"),
                           (tab.machine_panel.curve, "_fidelity_k"), (tab.generalisation, "_per_n"),
                           (tab.needed_chart, "_states_needed"), (tab.step_panel, "_step"),
                           (tab.controls.curves, "training_curves")):
        install_export_action(widget, lambda s=suffix: figure_named(tab, s))
    numbers = QAction("Export numbers (CSV/TSV)…", tab.step_panel)
    numbers.setToolTip("Every step of the string: symbols, the net's probabilities, target, hidden (and cell, gates)")
    numbers.triggered.connect(lambda: _ask_numbers(tab))
    tab.step_panel.addAction(numbers)


def step_rows(tab: RecurrentTab) -> tuple[list[str], list[list]]:
    """The step panel's numbers for every step of the string on display (what it shows, step by step)."""
    seq, tr, symbols = tab.sequence, tab.trace, tab.state.language.symbols
    headers = ["step", "read", "next", *(f"p({c})" for c in symbols), *(f"target({c})" for c in symbols),
               *(f"h{j}" for j in range(tr.hidden.shape[1]))]
    if tr.cell is not None:
        headers += [f"c{j}" for j in range(tr.cell.shape[1])]
    gates = sorted(tr.gates) if tr.gates else []
    for g in gates:
        headers += [f"{g}{j}" for j in range(tr.gates[g].shape[1])]
    states, agree = tab.machine.lockstep, None
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


def write_step_numbers(tab: RecurrentTab, path: str | Path) -> Path:
    """The whole string's step numbers as CSV, or tab-separated for a ``.tsv`` path."""
    return write_table(path, *step_rows(tab))


def _ask_numbers(tab: RecurrentTab) -> None:
    save_table_as(tab, lambda: step_rows(tab), f"{tab.state.stem}_steps.csv", "Export the step numbers",
                  tab_separated=True)


def data_tables(tab: RecurrentTab) -> dict[str, tuple[list[str], list[list]]]:
    """The numbers behind the charts and the machine, by file stem."""
    s, stem = tab.state, tab.state.stem
    g = tab.generalisation
    tables = {f"{stem}_per_n": (["n", "accuracy (%)", "chance (%)", "trained on (n <= L)"],
                                [[n, g.per_n[n], g.chance_n.get(n, ""), n <= s.L] for n in sorted(g.per_n)])}
    study = tab.machine.study
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
    xs, ys = tab.controls.curves.accuracy_points
    loss_x, loss_y = tab.controls.curves.loss_data()
    if len(loss_x):
        acc = dict(zip(xs, ys, strict=True))
        tables[f"{stem}_training_curves"] = (["sequences", "loss", "accuracy (%)"],
                                     [[int(x), float(y), acc.get(int(x), "")] for x, y in zip(loss_x, loss_y, strict=True)])
    return tables


def export_all(tab: RecurrentTab, folder: Path, formats: Sequence[str] = ("png", "svg"), size=None) -> list[Path]:
    """The standard set of files; returns the paths written (a failed write raises UserError)."""
    folder = Path(folder)
    tab.machine.ensure()  # headless export does not wait for the background extraction
    shown = figures(tab)
    flat = [f for f in shown if f.kind != "3d"
            and (not f.name.endswith("_training_curves") or tab.controls.curves.has_points())]
    written = export_figures(flat, folder, formats=formats, size=size)
    written += _other_state_pairs(tab, folder, formats, size)
    written += _export_3d(tab, [f for f in shown if f.kind == "3d"], folder, size)
    written.append(write_step_numbers(tab, folder / f"{tab.state.stem}_steps.csv"))
    for stem, (headers, rows) in data_tables(tab).items():
        path = folder / f"{stem}.csv"
        write_bytes(path, rows_to_csv(headers, rows).encode("utf-8"))
        written.append(path)
    return written


@contextmanager
def showing_state(tab: RecurrentTab, kind: str) -> Iterator[None]:
    """The pair views show ``kind`` ("hidden" or "cell") for a while, quietly (no re-extraction), then as before."""
    views = tab.views
    before = views.which.currentIndex()
    views.which.blockSignals(True)
    try:
        views.which.setCurrentIndex(views.which.findData(kind))
        views.set_batch(tab.batch, tab.state.L, srn=tab.state.kind == "srn", refit=False)
        views.set_sequence(tab.sequence, tab.trace)
        tab.machine.refresh_overlays()  # the machine was extracted from one kind: none over the other
        yield
    finally:
        views.which.setCurrentIndex(before)
        views.which.blockSignals(False)
        views.set_batch(tab.batch, tab.state.L, srn=tab.state.kind == "srn", refit=False)
        views.set_sequence(tab.sequence, tab.trace)
        tab.machine.refresh_overlays()


def _other_state_pairs(tab: RecurrentTab, folder: Path, formats, size) -> list[Path]:
    """An LSTM's pairs of the state kind the views do not show (issue 19: the cell view exported no hidden pairs)."""
    if tab.trace.cell is None:
        return []
    other = "hidden" if tab.views.state_kind == "cell" else "cell"
    with showing_state(tab, other):
        pairs = [f for f in figures(tab) if f.kind != "3d" and f.target in tab.views.pairs.views]
        return export_figures(pairs, folder, formats=formats, size=size)


def _export_3d(tab: RecurrentTab, views: list[Figure], folder: Path, size) -> list[Path]:
    """The 3-D view at its camera and at the three presets; nothing (and a status note) without OpenGL."""
    written: list[Path] = []
    view = tab.views.view3d
    camera = dict(view.opts)
    try:
        for figure in views:
            written += export_figures([figure], folder, formats=("png",), size=size)
            for angle in PRESET_ANGLES:
                view.preset(angle)
                again = Figure(figure.target, title=f"{figure.title} ({angle})", note=figure.note, kind="3d",
                               key=figure.key, name=f"{figure.name}_{angle}")
                written += export_figures([again], folder, formats=("png",), size=size)
    except UserError as exc:
        tab.status_message.emit(f"The 3-D view could not be rendered ({exc}); the other figures were written")
    finally:
        view.setCameraPosition(pos=camera["center"], distance=camera["distance"],
                               elevation=camera["elevation"], azimuth=camera["azimuth"])
    return written


def report_section(tab: RecurrentTab) -> ReportSection:
    """The recurrent part of the lab report: the numbers and views the tab shows now."""
    tab.machine.ensure()
    s, hp = tab.state, tab.state.hyperparameters or {}
    settings = {"language": s.language.title, "model": f"{s.kind.upper()}-{s.hidden}", "largest n (L)": s.L,
                "net": moment(tab), "state plotted": tab.views.state_kind, "coordinates": tab.views.coordinate_mode}
    settings.update({k: hp[k] for k in ("recipe", "optimizer", "lr", "sequences", "init_std") if k in hp})
    shown = {f.name: f for f in figures(tab)}
    pictures = [report_figure(f) for f in shown.values() if f.kind == "2d" and f.target in tab.views.pairs.views]
    try:
        pictures += [report_figure(f) for f in shown.values() if f.kind == "3d"]
    except UserError:
        pass  # no OpenGL here: the 2-D views still tell the story
    tables = []
    if tab.machine.study is not None:
        pictures.append(report_figure(shown[f"{s.stem}_fsm"]))
        for stem in (f"{s.stem}_fsm_states", f"{s.stem}_fsm_transitions", f"{s.stem}_states_needed"):
            headers, rows = data_tables(tab)[stem]
            tables.append(ReportTable(stem.split("_", 2)[-1].replace("_", " "), headers, rows))
    pictures.append(report_figure(shown[f"{s.stem}_per_n"]))
    if tab.machine.study is not None:
        pictures.append(report_figure(shown[f"{s.stem}_states_needed"]))
    text = [tab.accuracy_text, machine_note(tab)]
    return ReportSection(title=f"Recurrent dynamics: {heading(tab)}", settings=settings, seed=hp.get("seed"),
                         text=text, tables=tables, figures=pictures)
