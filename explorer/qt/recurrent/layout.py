"""How the recurrent tab's parts are arranged, so it reads from 1024×700 up (issue 12).

Left: the controls in a scroll area (never a sideways scroll), and below them,
outside it so a short window never clips them, the charts (training curves,
length chart, states needed) as tabs. Right, top to bottom: the string and
its stepper, the training timeline, the state views, and the step panel and
state machine as tabs (side by side they would need 1300 px or more).
Splitters let the user move the room around; combo boxes are only as wide
as a short name (the full text is in the popup).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QSplitter, QTabWidget

#: The charts under the controls keep this much height (their two stacked plots stay legible:
#: at 200 the training chart's plots were too short for "accuracy (%)" and three loss ticks).
CHARTS_AT_LEAST = 240


class _ControlsWhole(QObject):
    """Sizes the left column as it is shown and resized: the controls whole if the charts keep their room.

    Once the user drags the splitter their choice stands (QSplitter then scales it as usual).
    """

    def __init__(self, column: QSplitter, left: QScrollArea, tab):
        super().__init__(column)
        self.column, self.left, self.tab = column, left, tab
        column.splitterMoved.connect(self._user_moved)

    def _user_moved(self, *_args) -> None:
        self.column.removeEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Show, QEvent.Type.Resize) and self.column.height() > 0:
            total = self.column.height() - self.column.handleWidth()
            controls = self.tab.controls
            # Wrapped labels: the height at the panel's real width, not at sizeHint's guess.
            wide = controls.heightForWidth(self.left.viewport().width()) if controls.hasHeightForWidth() else -1
            need = (wide if wide > 0 else controls.sizeHint().height()) + 2 * self.left.frameWidth() + 2
            charts = max(self.tab.controls.charts.minimumSizeHint().height(), CHARTS_AT_LEAST, total - need)
            self.column.blockSignals(True)  # not the user's move
            self.column.setSizes([max(total - charts, 0), charts])
            self.column.blockSignals(False)
        return False


def compact_combos(tab) -> None:
    for box in [*tab.controls.findChildren(QComboBox), *tab.views.findChildren(QComboBox)]:
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)


def build_layout(tab) -> None:
    """Lay ``tab``'s widgets out; sets ``tab.bottom`` (the step/machine tabs)."""
    compact_combos(tab)
    left = QScrollArea()
    left.setWidgetResizable(True)
    left.setWidget(tab.controls)
    left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    left.setMinimumWidth(tab.controls.minimumSizeHint().width() + left.verticalScrollBar().sizeHint().width() + 4)
    charts = tab.controls.charts
    charts.addTab(tab.generalisation, "Length")
    charts.addTab(tab.needed_chart, "States needed")
    charts.setCurrentWidget(tab.generalisation)
    column = QSplitter(Qt.Orientation.Vertical)
    column.addWidget(left)
    column.addWidget(charts)
    column.setStretchFactor(1, 1)
    # The controls get the height they need, down to the Train button's progress bar and
    # status (560 : 300 cut them off at 1280×860), once the column has its real height
    # and the controls their real fonts; in a short window the charts keep their minimum
    # and the controls scroll.
    column.setSizes([560, 190])
    column.installEventFilter(_ControlsWhole(column, left, tab))
    bottom = QTabWidget()
    bottom.setObjectName("recurrentBottom")
    bottom.addTab(tab.step_panel, "Step")
    bottom.addTab(tab.machine_panel, "State machine")
    bottom.addTab(tab.counting_panel, "Counting")  # which unit counts, and how far (issue 22)
    tab.bottom = bottom
    right = QSplitter(Qt.Orientation.Vertical)
    for widget in (tab.sequence_bar, tab.timeline, tab.views, bottom):
        right.addWidget(widget)
    right.setStretchFactor(2, 1)
    right.setSizes([120, 30, 430, 300])
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(column)
    split.addWidget(right)
    split.setStretchFactor(1, 1)
    split.setSizes([410, 1010])
    layout = QHBoxLayout(tab)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(split)
