"""The mouse wheel scrolls the panel, not the spin box, slider or combo box that slides under the cursor.

API: ``install_wheel_guard(app=None) -> WheelGuard`` -- once, app-wide (the
main window calls it; calling it again returns the same guard).

A value control only takes wheel steps once it has focus (clicked or tabbed
into). Without focus the wheel event is ignored by the control, so Qt hands it
to the parent: the scroll area scrolls. The controls also get
``Qt.StrongFocus`` instead of Qt's default ``WheelFocus`` for them, because
with ``WheelFocus`` the first wheel step would give the control focus and then
change it anyway. Scroll bars are sliders too, and keep their wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

#: Controls whose value a stray wheel step would change.
GUARDED = (QAbstractSpinBox, QAbstractSlider, QComboBox)


def guarded(widget: QObject) -> bool:
    """Whether ``widget`` is a value control the guard looks after."""
    return isinstance(widget, GUARDED) and not isinstance(widget, QScrollBar)


def _calm_focus(widget: QWidget) -> None:
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class WheelGuard(QObject):
    """App-wide event filter: unfocused value controls pass wheel events on to their parent."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.Wheel and guarded(watched) and not watched.hasFocus():
            # Not accepted: QApplication offers the event to the parent next (the scroll area).
            event.ignore()
            return True
        if kind == QEvent.Type.Polish and guarded(watched):
            _calm_focus(watched)  # every control, whoever builds it, before it is first shown
        return False


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the guard on ``app`` (default: the running application) once; return it."""
    app = app or QApplication.instance()
    guard = app.findChild(WheelGuard, "wheelGuard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.installEventFilter(guard)
        # Those polished before the guard came; later ones pass its Polish filter. Only once:
        # walking allWidgets() again while an earlier window was being torn down crashed the
        # process (a segfault in the test run after a window with saved-work errors closed).
        for widget in QApplication.allWidgets():
            if guarded(widget):
                _calm_focus(widget)
    return guard
