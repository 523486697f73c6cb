"""The State machine page's "Find where they part": the shortest string where the machine and its net differ (issue 22).

:class:`PartingFinder` adds a row under the machine panel: the button, a line
that says what the search found, and "Step through it". The search is
:func:`~explorer.core.recurrent.counterexample.search_counterexample` over the
language's strings, shortest first, run in a :class:`~explorer.qt.workers.Task`
(progress per string length). It says "agrees with the net on all … strings up
to length N", or shows the string and the first step where they part; one
click puts that string in the stepper at that step, where the diagram and the
views ring the machine's state red.

A result belongs to the machine it was searched on: a new machine (net,
snapshot, k or state kind) clears it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy

from explorer.core.progress import Progress
from explorer.core.recurrent.counterexample import Counterexample, search_counterexample
from explorer.core.recurrent.languages import parse_string
from explorer.qt.workers import Task


def _row_holding(layout, widget) -> QHBoxLayout:
    """The row of ``layout`` that holds ``widget`` (a new row at the end if none does)."""
    for i in range(layout.count()):
        inner = layout.itemAt(i).layout()
        if isinstance(inner, QHBoxLayout) and inner.indexOf(widget) >= 0:
            return inner
    row = QHBoxLayout()
    layout.addLayout(row)
    return row


class PartingFinder(QObject):
    """The button, the result line and the "Step through it" button under the machine panel."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self.task: Task | None = None
        self.result: Counterexample | None = None
        self._study = None  # the machine the result (or the running search) belongs to
        self.button = QPushButton("Find where they part")
        self.button.setObjectName("findPartingButton")
        self.button.setToolTip("Where do the machine and the net first disagree? Reads the language's strings,"
                               " shortest first, through both, and stops at the first step where they differ")
        self.label = QLabel("")
        self.label.setObjectName("partingResult")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.step_button = QPushButton("Step through it")
        self.step_button.setObjectName("stepPartingButton")
        self.step_button.setToolTip("Put the string in the stepper at the first step where machine and net part")
        self.step_button.setEnabled(False)
        # The buttons join the overlay switches' row, and the result takes a line under it only once there is
        # one: at 1024×700 a row of its own left the fidelity curve too short for its ticks.
        panel = tab.machine_panel
        row = _row_holding(panel.layout(), next(iter(panel.boxes.values())))
        row.addWidget(self.button)
        row.addWidget(self.step_button)
        panel.layout().addWidget(self.label)
        self.label.setVisible(False)
        self.button.clicked.connect(self.search)
        self.step_button.clicked.connect(self.step_through)
        tab.machine.machine_shown.connect(self._on_machine)

    @Slot()
    def search(self) -> None:
        """Start the search on the machine on display (nothing while it is being extracted)."""
        machine = self.tab.machine
        if self.task is not None:
            return
        if machine.study is None or machine.model is None or machine.busy():
            self._say("The machine is still being extracted; search when it is shown.")
            return
        self._study = machine.study
        self.result = None
        self.step_button.setEnabled(False)
        self._say("searching…")
        self.task = Task(search_counterexample, machine.study.found, machine.model, name="recurrent-parting",
                         parent=self.tab, threads=1)
        self.task.bind(progress=self._on_progress, succeeded=self._on_found, failed=self._on_failed,
                       finished=self._on_finished, disable=[self.button]).start()

    def _say(self, text: str) -> None:
        """The result line (rich text, escaped by the callers); hidden when empty."""
        self.label.setText(text)
        self.label.setVisible(bool(text))

    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        if self._study is self.tab.machine.study:
            self._say(f"searching {escape(record.message)} (up to {record.total})…")

    @Slot(object)
    def _on_found(self, result: Counterexample) -> None:
        if self._study is not self.tab.machine.study:
            return  # another machine is on display now
        self.result = result
        if not result.found:
            self._say(f"The machine {escape(result.summary)}.")
            return
        step = result.step
        machine = result.machine_label if result.machine_label is not None else "nothing (stuck)"
        self._say(
            f"Parts with the net on <b>{escape(result.text)}</b> at step {step + 1}: the machine predicts"
            f" {escape(machine or '-')}, the net {escape(result.net_label or '-')} ({result.checked} strings"
            " checked, shortest first)")
        self.step_button.setEnabled(True)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._study is self.tab.machine.study:
            self._say(f"The search failed: {escape(message)}")

    @Slot()
    def _on_finished(self) -> None:
        self.task = None

    @Slot()
    def _on_machine(self) -> None:
        """A new machine is shown: the last result was about another."""
        if self.tab.machine.study is not self._study:
            self.result = None
            self.step_button.setEnabled(False)
            self._say("")

    @Slot()
    def step_through(self) -> None:
        """Put the string where they part in the stepper, at the first step where they differ."""
        result = self.result
        if result is None or not result.found:
            return
        if self._study is not self.tab.machine.study:
            self._on_machine()
            return
        tab = self.tab
        tab.sequence_bar.pause()
        tab.show_sequence(parse_string(tab.state.language, result.text), result.step)
        tab.status_message.emit(f"Step {result.step + 1} of {result.text}: the machine and the net part here")
