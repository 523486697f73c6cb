"""Keeps the machine views in step: extraction off the GUI thread, overlays, diagram, hover and stepping.

:class:`MachineController` owns no widgets of its own beyond the overlays it
adds to the state views. For each net (or timeline snapshot, or state kind)
it runs :func:`~explorer.core.recurrent.machine_study.study_machine` as a
:class:`~explorer.qt.workers.Task` in a training child process (a few seconds of
GIL-holding k-means: neither on the GUI thread nor in a thread beside it);
a k chosen on the slider re-extracts directly (one k-means, ~50 ms). A
newer request supersedes an older one still running: its result is dropped.

While stepping, :func:`~explorer.core.recurrent.fsm_lockstep.follow_string`
gives the machine's state at each step; the diagram and both overlays ring
it together, red where machine and net disagree.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from explorer.core.errors import UserError
from explorer.core.progress import run_to_end
from explorer.core.recurrent.fsm_lockstep import Lockstep, follow_string
from explorer.core.recurrent.machine_study import MachineStudy, restudy_at_k, study_machine
from explorer.core.recurrent.model import RecurrentModel, with_state
from explorer.core.recurrent.models import RecurrentNet
from explorer.qt.recurrent.fsm_overlays import GLOverlay, PairOverlay
from explorer.qt.recurrent.fsm_panel import MachinePanel, StatesNeededChart
from explorer.qt.recurrent.newest import NewestTask


class MachineController(QObject):
    """The glue between the extraction, the panel, the states-needed chart and the state views.

    The machine on display and its lockstep live in ``model`` (a
    :class:`~explorer.core.recurrent.model.RecurrentModel`): the figures read them there.
    """

    #: A new machine is on display (after extraction, a k change or a snapshot).
    machine_shown = Signal()

    def __init__(self, owner, views, panel: MachinePanel, chart: StatesNeededChart, model: RecurrentModel):
        super().__init__(owner)
        self.owner, self.views, self.panel, self.chart, self.data = owner, views, panel, chart, model
        self.model: RecurrentNet | None = None
        self.text = ""
        self.position = 0
        # In a child process: the k-means search is seconds of GIL-holding work (see NewestTask).
        self.jobs = NewestTask(self, "recurrent-fsm", study_machine, self.show_study, self._on_failed, process=True)
        self.pair_overlays: list[PairOverlay] = []
        self.gl_overlay = GLOverlay(views.view3d)
        panel.k_changed.connect(self.set_k)
        panel.overlay_toggled.connect(self.show_overlay)
        panel.diagram.state_hovered.connect(self._on_hovered)
        for box in views.axis_boxes:  # after the view's own handler has moved the points
            box.currentIndexChanged.connect(self._on_axes)

    @property
    def study(self) -> MachineStudy | None:
        return self.data.study

    @property
    def lockstep(self) -> Lockstep | None:
        return self.data.lockstep

    @property
    def shown(self) -> dict[str, bool]:
        """Which overlays are on (the model's view choice)."""
        return self.data.views.overlays

    @property
    def task(self):
        return self.jobs.task

    # extraction -------------------------------------------------------------------
    def extract(self, model: RecurrentNet, lang, max_n: int, state: str) -> None:
        """Study ``model``'s machine in the background; the views follow when it is done."""
        if self.jobs.busy() and self.jobs.request == (model, lang, max_n, state):
            return  # that very machine is on its way (a view setting changed meanwhile)
        # The machine on display belongs to the net before: nothing may follow a string with it
        # (another language's machine beside this net raised a shape error) or show it as this net's.
        self._drop(f"extracting the machine (strings n = 1..{max_n}, {state} state)…", "computing…")
        self.model = model
        self.jobs.ask(model, lang, max_n, state)

    def ensure(self) -> None:
        """Have the newest machine on display now (an export cannot wait for the background).

        The request still in the background is cancelled (its result, should it come, is ignored)
        and computed here instead.
        """
        request = self.jobs.request
        if request is None or not self.jobs.busy():
            return
        self.jobs.drop()
        try:
            self.show_study(run_to_end(study_machine(*request)))
        except UserError as exc:
            self._on_failed(str(exc))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.panel.show_busy(f"No machine extracted: {message}")
        self.chart.show_busy("no machine extracted")

    def stop(self) -> None:
        """The tab is closing: start nothing more (the running task is joined by the tab's shutdown)."""
        self.jobs.stop()

    def suspend(self, message: str) -> None:
        """Show no machine (e.g. while training moves the net): overlays and diagram emptied, the reason said."""
        self.jobs.drop()  # a result still on its way is for another net
        self._drop(message, "after training")

    def _drop(self, message: str, chart_note: str) -> None:
        """Forget the machine on display (its net is no longer shown): overlays, diagram, chart and lockstep."""
        self.data.study, self.data.lockstep = None, None
        self.refresh_overlays()
        self.panel.show_no_machine()
        self.panel.show_busy(message)
        self.chart.show_busy(chart_note)

    def busy(self) -> bool:
        return self.jobs.busy()

    @Slot(object)
    def show_study(self, study: MachineStudy) -> None:
        self.data.study = study
        self.panel.show_study(study)
        self.chart.show_rows(study.needed, study.baseline, study.found.agreement.parts_ways)
        self.refresh_overlays()
        if self.text:
            self.follow(self.text)  # the string on display, now with this machine beside it
        self.machine_shown.emit()

    @Slot(int)
    def set_k(self, k: int) -> None:
        """Re-extract at ``k`` (the slider), directly: a single k-means."""
        if self.study is None or self.model is None or k == self.study.found.k or self.busy():
            return  # (while a newer machine is being extracted, the slider's machine is already gone)
        try:
            study = restudy_at_k(self.study, self.model, k)
        except UserError as exc:
            self.panel.show_busy(f"k = {k} refused: {exc}")
            return
        self.show_study(study)

    # overlays -----------------------------------------------------------------------
    def refresh_overlays(self) -> None:
        """Place the overlays from the current machine in the views' current coordinates."""
        views, study = self.views, self.study
        pair_views = views.pairs.views
        # Views removed from the grid are deleted with their overlays: just forget those.
        self.pair_overlays = [o for o in self.pair_overlays if any(o.view is v for v in pair_views)]
        for view in pair_views:
            if not any(o.view is view for o in self.pair_overlays):
                overlay = PairOverlay(view)
                overlay.state_hovered.connect(self._on_hovered)
                self.pair_overlays.append(overlay)
        if study is None or views.coords is None or study.found.visited.state != views.state_kind:
            for overlay in self.pair_overlays:
                overlay.clear()
            self.gl_overlay.set_machine(np.zeros((0, 3)), [])
            return
        found = study.found
        project = views.coords.project
        centroids = project(found.state_centroids)
        points = project(found.visited.points)
        moves = [(t.source, t.target, t.symbol) for t in found.machine.transitions.values()]
        for overlay in self.pair_overlays:
            j, k = overlay.view.pair
            clouds = [points[found.assignment == s][:, [j, k]] for s in range(found.machine.size)]
            overlay.set_machine(centroids[:, [j, k]], clouds, moves)
        self._place_3d(centroids, moves)
        for what, on in self.shown.items():
            self.show_overlay(what, on)
        self.step(self.position)

    def _place_3d(self, centroids: np.ndarray, moves) -> None:
        found, values = self.study.found, self.study.values
        state_values = [values[: len(found.assignment)][found.assignment == s].mean() for s in range(found.machine.size)]
        full = with_state(centroids, state_values, self.views.L)
        self.gl_overlay.set_machine(full[:, self.views.axes()], moves)

    @Slot(int)
    def _on_axes(self, _index: int) -> None:
        if self.study is not None and self.views.coords is not None:
            self.refresh_overlays()

    @Slot(str, bool)
    def show_overlay(self, what: str, on: bool) -> None:
        self.data.views.overlays[what] = on
        for overlay in self.pair_overlays:
            overlay.show(what, on)
        self.gl_overlay.show(what, on)

    # hover and stepping ---------------------------------------------------------------
    @Slot(int)
    def _on_hovered(self, state: int) -> None:
        chosen = None if state < 0 else state
        self.panel.diagram.set_hovered(chosen)
        for overlay in self.pair_overlays:
            overlay.set_hovered(chosen)
        self.gl_overlay.set_hovered(chosen)

    def follow(self, text: str) -> None:
        """Run the machine beside the net over the string on display."""
        self.text, self.data.lockstep = text, None
        if self.study is not None and self.model is not None:
            try:
                self.data.lockstep = follow_string(self.study.found, self.model, text)
            except UserError:
                self.data.lockstep = None  # a string the machine cannot start on (not from an A): nothing to ring
        self.step(self.position)

    def current(self) -> tuple[int | None, bool]:
        """The machine's state at the current step and whether it predicts what the net predicts."""
        ls = self.lockstep
        if ls is None or not 0 <= self.position < len(ls.machine_states):
            return None, True
        return ls.machine_states[self.position], bool(ls.agree[self.position])

    def step(self, position: int) -> None:
        self.position = position
        state, agree = self.current()
        self.panel.diagram.set_current(state, agree)
        for overlay in self.pair_overlays:
            overlay.set_current(state, agree)
        self.gl_overlay.set_current(state, agree)

    def disagreements(self) -> list[int]:
        """Steps of the string on display where machine and net predict differently."""
        return [] if self.lockstep is None else [int(t) for t in np.flatnonzero(~self.lockstep.agree)]
