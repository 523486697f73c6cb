"""An exception inside a Qt override reaches the user as one plain box per failure, in its own words."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from explorer.core.errors import UserError
from explorer.qt.app import install_excepthook
from explorer.qt.messages import failure_text

pytestmark = pytest.mark.qt_no_exception_capture  # the app's own hook must see the exceptions


class _Watcher(QObject):
    """An event filter like the app's (it lets every event through)."""

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        return False


class _Faulty(QWidget):
    """A widget whose handling of custom events fails, as a bug in a view would."""

    def __init__(self, kind: type[BaseException], message: str):
        super().__init__()
        self.kind, self.message = kind, message

    def customEvent(self, event):  # noqa: N802 - Qt's name
        raise self.kind(self.message)


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def _boxes(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "errorBox") if b.isVisible()]


def _fail(widget, times: int) -> None:
    """Post ``times`` events the widget fails on; the event loop (qtbot's waits) delivers them."""
    for _ in range(times):
        QCoreApplication.postEvent(widget, QEvent(QEvent.Type.User))


def test_five_repeats_of_one_failure_inside_an_event_filter_are_one_plain_box(window, qtbot):
    boxes = install_excepthook(window)
    faulty = _Faulty(ValueError, "the curve has no points")
    faulty.setParent(window)
    watchers = [_Watcher(window) for _ in range(3)]
    for watcher in watchers:
        faulty.installEventFilter(watcher)  # each wraps the message once more, as PySide does
    _fail(faulty, 5)
    qtbot.waitUntil(lambda: len(_boxes(window)) == 1)
    _fail(faulty, 2)
    # the repeats were seen, and only logged: 7 failures, 1 box
    qtbot.waitUntil(lambda: boxes.repeats.get("ValueError: the curve has no points") == 6)
    shown = _boxes(window)
    assert len(shown) == 1
    text = shown[0].text()
    assert text.startswith("ValueError: the curve has no points\n\nDetails are in ")
    assert "Error calling Python override" not in text and "eventFilter" not in text
    shown[0].close()
    qtbot.waitUntil(lambda: not _boxes(window))
    _fail(faulty, 1)  # after the box is closed, the next failure is shown again
    qtbot.waitUntil(lambda: len(_boxes(window)) == 1)
    _boxes(window)[0].close()


def test_two_different_failures_get_a_box_each_and_a_user_error_is_its_message(window, qtbot):
    install_excepthook(window)
    first, second = _Faulty(UserError, "weights.json: out_bias[0] is true, not a number"), _Faulty(KeyError, "w1")
    for widget in (first, second):
        widget.setParent(window)
        widget.installEventFilter(_Watcher(window))
        _fail(widget, 2)
    qtbot.waitUntil(lambda: len(_boxes(window)) == 2)
    texts = sorted(box.text().split("\n\n")[0] for box in _boxes(window))
    assert texts == ["KeyError: w1", "weights.json: out_bias[0] is true, not a number"]
    for box in _boxes(window):
        box.close()


def test_the_wrapper_text_is_removed_however_often_it_is_repeated():
    wrapped = ValueError("Error calling Python override of QObject::eventFilter(): "
                         "Error calling Python override of QWidget::resizeEvent(): bad size")
    assert failure_text(wrapped) == "ValueError: bad size"
    assert failure_text(KeyError("Error calling Python override of QObject::eventFilter(): k")) == "KeyError: k"
