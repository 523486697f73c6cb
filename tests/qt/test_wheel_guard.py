"""The wheel scrolls the panel: an unfocused spin box, slider or combo box keeps its value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QScrollArea,
    QScrollBar,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.qt.widgets.wheel_guard import install_wheel_guard


def _wheel(widget: QWidget, steps: int = 1) -> QWheelEvent:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


@pytest.fixture
def panel(qtbot):
    install_wheel_guard()
    inner = QWidget()
    layout = QVBoxLayout(inner)
    spin, slider, combo = QSpinBox(), QSlider(Qt.Orientation.Horizontal), QComboBox()
    spin.setRange(0, 100)
    spin.setValue(10)
    slider.setRange(0, 100)
    slider.setValue(10)
    combo.addItems(["×1", "×10", "×100"])
    combo.setCurrentIndex(1)
    for w in (spin, slider, combo):
        layout.addWidget(w)
    layout.addStretch()
    inner.setMinimumHeight(2000)  # a panel taller than its scroll area
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.activateWindow()
    area.setFocus()  # the panel, not its first control, has focus (as after a click on a label)
    qtbot.waitUntil(area.hasFocus)
    return area, spin, slider, combo


def test_wheel_over_unfocused_controls_changes_nothing_and_is_passed_on(panel):
    area, spin, slider, combo = panel
    for control in (spin, slider, combo):
        before = control.currentIndex() if isinstance(control, QComboBox) else control.value()
        event = _wheel(control)
        after = control.currentIndex() if isinstance(control, QComboBox) else control.value()
        assert after == before, type(control).__name__
        assert not event.isAccepted()  # so Qt offers it to the scroll area
        assert not control.hasFocus()  # the wheel did not give it focus either
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_focused_spin_box_takes_the_wheel(qtbot, panel):
    _area, spin, _slider, _combo = panel
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin)
    assert spin.value() == 11


def test_scroll_bars_keep_their_wheel(qtbot, panel):
    area, *_ = panel
    bar: QScrollBar = area.verticalScrollBar()
    assert bar.maximum() > 0
    _wheel(bar, steps=-1)
    assert bar.value() > 0


def test_the_main_window_guards_every_tab(qtbot):
    from explorer.qt.main_window import MainWindow
    from explorer.qt.tab import PlaceholderTab
    from explorer.qt.widgets.wheel_guard import WheelGuard

    app = QApplication.instance()
    for earlier in app.findChildren(WheelGuard):  # the other tests' guard: this one must come from the window
        app.removeEventFilter(earlier)
        earlier.setParent(None)
    assert app.findChild(WheelGuard) is None
    tab = PlaceholderTab("One", "a spin box in a tab")
    spin = QSpinBox()
    spin.setValue(10)
    tab.layout().addWidget(spin)
    window = MainWindow([tab])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setFocus()
    _wheel(spin)
    assert spin.value() == 10
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus
