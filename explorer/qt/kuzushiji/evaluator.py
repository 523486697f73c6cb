"""Keeps the Kuzushiji tab's nets evaluated on the current test images, in the background."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from explorer.core.kuzushiji.dataset import KMNIST
from explorer.core.kuzushiji.results import NetResult, evaluate_nets
from explorer.qt.workers import Task

if TYPE_CHECKING:
    from torch import nn


class NetEvaluator(QObject):
    """Evaluates nets of ``results`` (name → :class:`NetResult`, shared with the tab) one task at a time.

    A result gets its evaluation only if it still holds the model that was
    evaluated and the data did not change meanwhile; nets left without one
    are evaluated next.

    Signals
    -------
    evaluated()
        Some results got their evaluation.
    failed(str)
        The evaluation failed, with a one-line message.
    """

    evaluated = Signal()
    failed = Signal(str)

    def __init__(self, results: dict[str, NetResult], parent: QObject | None = None):
        super().__init__(parent)
        self.results = results
        self.data: KMNIST | None = None
        self.task: Task | None = None
        self._models: dict[str, nn.Module] = {}
        self._data: KMNIST | None = None

    def evaluate(self, models: dict[str, nn.Module]) -> None:
        """Evaluate ``models`` (name → the model held now) on :attr:`data`'s test images."""
        if self.data is None or self.task is not None:
            return
        copies = {name: copy.deepcopy(model) for name, model in models.items()}
        self._models = dict(models)
        self._data = self.data
        self.task = Task(evaluate_nets(copies, self.data), name="kmnist-evaluate", parent=self).bind(
            succeeded=self._on_evaluated, failed=self.failed.emit, finished=self._on_finished).start()

    @Slot(object)
    def _on_evaluated(self, found: dict) -> None:
        if self._data is not self.data:  # the data changed meanwhile: evaluated again next
            return
        for name, evaluation in found.items():
            result = self.results.get(name)
            if result is not None and result.model is self._models.get(name):
                result.evaluation = evaluation
        self.evaluated.emit()

    @Slot()
    def _on_finished(self) -> None:
        failed = self.task.outcome != "succeeded"
        self.task = None
        self._models = {}
        if failed:
            return
        missing = {n: r.model for n, r in self.results.items() if r.evaluation is None}
        if missing and self.data is not None:
            self.evaluate(missing)
