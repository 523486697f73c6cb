"""The recurrent views drawn from a :class:`~explorer.core.recurrent.model.RecurrentModel`, with no tab.

:class:`Drawing` builds the same widgets the tab shows (state views, machine
panel, charts, step panel, training chart, counting panel), standalone and
never shown, and draws the model into them: the figures, exports and report
of :mod:`.figures` are made from it (``explorer export``/``report`` and the
window's File menu alike). Its 3-D view is a top-level GL view of its own, so
it can be rendered offscreen wherever OpenGL is available.

:func:`draw_step` and :func:`camera_of` are shared with the tab.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QVector3D
from PySide6.QtWidgets import QWidget

from explorer.core.recurrent.model import RecurrentModel
from explorer.qt.recurrent.controls import GeneralisationChart, TrainingChart
from explorer.qt.recurrent.counting_panel import CountingController, CountingPanel
from explorer.qt.recurrent.fsm_panel import MachinePanel, StatesNeededChart
from explorer.qt.recurrent.machine_view import MachineController
from explorer.qt.recurrent.step_panel import KIND_GATES, StepPanel
from explorer.qt.recurrent.views import StateViews


@dataclass
class ViewSet:
    """The widgets a figure may be drawn on (the tab's own, or a :class:`Drawing`'s)."""

    views: StateViews
    machine_panel: MachinePanel
    generalisation: GeneralisationChart
    needed_chart: StatesNeededChart
    step_panel: StepPanel
    curves: TrainingChart
    counting_panel: CountingPanel | None = None


def draw_step(step_panel: StepPanel, model: RecurrentModel) -> None:
    """Show the model's step of its string in ``step_panel``."""
    t, seq, position = model.trace, model.sequence, model.position
    if t is None or seq is None or not 0 <= position < len(t.hidden):
        return
    symbols = model.state.language.symbols
    step_panel.show_step(
        position, len(t.hidden), symbols[seq.symbols[position]], symbols[seq.symbols[position + 1]],
        t.probabilities[position], seq.targets[position], t.hidden[position],
        None if t.cell is None else t.cell[position],
        None if t.gates is None else {g: v[position] for g, v in t.gates.items()},
    )


def configure_step(step_panel: StepPanel, model: RecurrentModel) -> None:
    s = model.state
    step_panel.configure(s.language.symbols, s.hidden, s.kind == "lstm", gates=KIND_GATES.get(s.kind, ""))


def camera_of(view3d) -> dict:
    """The 3-D view's camera as plain values (kept in the model's view choices)."""
    o = view3d.opts
    center = o["center"]
    return {"center": (float(center.x()), float(center.y()), float(center.z())), "distance": float(o["distance"]),
            "elevation": float(o["elevation"]), "azimuth": float(o["azimuth"])}


def set_camera(view3d, camera: dict | None) -> None:
    if camera is None:
        view3d.reset_view()
        return
    view3d.setCameraPosition(pos=QVector3D(*camera["center"]), distance=camera["distance"],
                             elevation=camera["elevation"], azimuth=camera["azimuth"])


def show_history(curves: TrainingChart, model: RecurrentModel) -> None:
    """The model's training history in a training chart."""
    from explorer.core.recurrent.model import accuracy_points, loss_points

    if model.history:
        curves.restore(loss_points(model.history), accuracy_points(model.history))
    curves.set_note(model.history_note)


class Drawing(QWidget):
    """Every view of the recurrent experiment, built alone and drawn from a model (never shown)."""

    def __init__(self, model: RecurrentModel):
        super().__init__()
        self.model = model
        self.views = StateViews()
        self.machine_panel = MachinePanel()
        self.needed_chart = StatesNeededChart()
        self.generalisation = GeneralisationChart()
        self.step_panel = StepPanel()
        self.curves = TrainingChart()
        self.counting_panel = CountingPanel()
        # Each at about the size the tab gives it (a panel of numbers is painted as laid out).
        for widget, size in ((self.views, (930, 520)), (self.machine_panel, (930, 420)), (self.needed_chart, (480, 300)),
                             (self.generalisation, (480, 300)), (self.step_panel, (990, 450)),
                             (self.curves, (480, 300)), (self.counting_panel, (930, 420))):
            widget.setParent(self)
            widget.resize(*size)
        self.resize(1000, 1000)
        # The 3-D view on its own: a view with no parent can get an OpenGL context offscreen.
        self.view3d = self.views.view3d
        self.view3d.setParent(None)
        self.view3d.resize(600, 600)
        self.view3d._drawing = self  # a figure of the 3-D view keeps the rest alive
        self.machine = MachineController(self, self.views, self.machine_panel, self.needed_chart, model)
        self.counting = CountingController(self, self.counting_panel, self.views, self.step_panel, model)
        self.set = ViewSet(self.views, self.machine_panel, self.generalisation, self.needed_chart,
                           self.step_panel, self.curves, self.counting_panel)
        self._draw()
        # Shown once where no screen shows it: Qt lays the panels out on show (a hidden one keeps no layout).
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.show()
        self.hide()

    def _draw(self) -> None:
        m, s, views = self.model, self.model.state, self.views
        configure_step(self.step_panel, m)
        views.set_lstm(s.kind == "lstm")
        for box, data in ((views.which, m.views.state_kind), (views.mode, m.views.coordinates)):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(data), 0))
            box.blockSignals(False)
        if m.results is not None:
            views.set_batch(m.results.batch, s.L, srn=m.net.kind == "srn", refit=True)
            views.set_axes(m.axes(len(views.coords.names)))
            views.pairs.set_ranges(m.views.pair_ranges)  # the zoom on screen, as the 3-D view keeps its camera
            self.generalisation.show_accuracy(m.results.per_n, s.L, m.results.chance_per_n)
        if m.trace is not None and m.sequence is not None:
            views.position = m.position
            views.set_sequence(m.sequence, m.trace)
            draw_step(self.step_panel, m)
        set_camera(self.view3d, m.views.camera)
        machine = self.machine
        machine.model, machine.text, machine.position = m.net, m.sequence.text if m.sequence else "", m.position
        if m.study is not None:
            lockstep = m.lockstep
            machine.show_study(m.study)
            m.lockstep = lockstep  # as the tab computed it (show_study follows the string again)
        else:
            machine.refresh_overlays()
        if m.probe is not None:
            probe, unit = m.probe, m.counting_unit
            self.counting.show(probe)
            m.counting_unit = unit
        else:
            self.counting.mark()
        show_history(self.curves, m)

    def discard(self) -> None:
        """Done with this drawing: it and its 3-D view go at the next turn of the event loop."""
        self.view3d._drawing = None
        self.view3d.deleteLater()
        self.deleteLater()

    def keep_alive(self, widget: QWidget) -> QWidget:
        """``widget`` (one of this drawing's) keeps the whole drawing alive as long as it is referenced."""
        widget._drawing = self
        return widget
