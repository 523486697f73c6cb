"""Every tab is readable at the smallest supported window (1024×700), the default (1280×860) and a large one (1600×1000).

The main window is built with the real tabs at each size; every tab and every
page inside it (the Kuzushiji pages, the recurrent views…) is shown in turn,
and each plot, 3-D view and table on screen must

- be at least :data:`MIN_PLOT` pixels (a plot that small still shows its
  title, tick labels and axis labels; a table shows its header and a row),
- lie inside the window and inside every parent that would clip it (a widget
  in a scroll area may be scrolled out of view, but must fit its width: no
  sideways scrolling to see a plot),
- and a table must show every one of its columns without scrolling sideways
  (its horizontal scroll range is 0 and each column ends inside its viewport):
  the MLP activation table once lost its output, target and ✓ columns off the
  right edge while the check passed (issue 19). A table whose columns may
  scroll by design says so with the ``columnsMayScroll`` property.

The window itself must keep the asked size: a layout whose minimum is bigger
than the window would grow it off the screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QScrollArea,
    QTableView,
    QTabWidget,
    QWidget,
)

from explorer.qt.main_window import MainWindow

#: Smallest width × height at which a plot still shows its title, tick labels and axis labels.
MIN_PLOT = (160, 120)
#: A table at least this wide, and tall enough for its header and one row.
MIN_TABLE_WIDTH = 160
SIZES = [(1024, 700), (1280, 860), (1600, 1000)]


def _figure_like(widget: QWidget) -> bool:
    import pyqtgraph as pg

    if isinstance(widget, (pg.PlotWidget, pg.GraphicsLayoutWidget, pg.ImageView)):
        return True
    try:
        from pyqtgraph.opengl import GLViewWidget
    except Exception:  # noqa: BLE001 - no PyOpenGL: no 3-D views to check
        return False
    return isinstance(widget, GLViewWidget)


def _on_screen(root: QWidget) -> list[QWidget]:
    """The plots and tables the user sees now (visible, and not inside another checked plot)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if _figure_like(widget) or isinstance(widget, QTableView):
            found.append(widget)
    return found


def _name(widget: QWidget) -> str:
    owner = widget.parentWidget()
    chain = []
    while owner is not None and len(chain) < 3:
        chain.append(owner.objectName() or type(owner).__name__)
        owner = owner.parentWidget()
    return f"{type(widget).__name__} {widget.objectName()!r} in {' < '.join(chain)}"


def _problems(window: QWidget, where: str) -> list[str]:
    problems = []
    for widget in _on_screen(window):
        label = f"{where}: {_name(widget)}"
        w, h = widget.width(), widget.height()
        if isinstance(widget, QTableView):
            header = widget.horizontalHeader().height() if widget.horizontalHeader().isVisible() else 0
            row = widget.verticalHeader().defaultSectionSize()
            if w < MIN_TABLE_WIDTH or h < header + row:
                problems.append(f"{label} is {w}×{h} px; a table needs {MIN_TABLE_WIDTH}×{header + row}")
            problems.extend(f"{label}: {p}" for p in _columns_cut(widget))
        elif w < MIN_PLOT[0] or h < MIN_PLOT[1]:
            problems.append(f"{label} is {w}×{h} px; a plot needs at least {MIN_PLOT[0]}×{MIN_PLOT[1]}")
        else:
            problems.extend(f"{label}: {p}" for p in _crowded_ticks(widget))
        problems.extend(_clipped(widget, window, label))
    return problems


def _columns_cut(table: QTableView) -> list[str]:
    """Columns of ``table`` that are not all in view without scrolling sideways."""
    if table.property("columnsMayScroll"):
        return []
    header = table.horizontalHeader()
    model = table.model()
    if model is None or not header.isVisible():
        return []
    width = table.viewport().width()
    found = []
    bar = table.horizontalScrollBar()
    if bar.maximum() > bar.minimum():
        found.append(f"scrolls sideways ({bar.maximum() - bar.minimum()} px) to show its columns")
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        end = header.sectionPosition(column) + header.sectionSize(column)
        if end > width + 1:
            name = model.headerData(column, Qt.Orientation.Horizontal) or f"column {column}"
            found.append(f"column {name!r} ends at {end} px, past the table's {width} px view")
            break
    return found


def _tick_labels(axis) -> tuple[list[float], list[str]]:
    """The values and texts of the labelled ticks ``axis`` draws now (its fixed ticks or its own choice)."""
    low, high = sorted(axis.range)
    length = axis.width() if axis.orientation in ("bottom", "top") else axis.height()
    fixed = getattr(axis, "_tickLevels", None)
    if fixed:
        pairs = [(v, str(t)) for v, t in fixed[0]]
    else:
        levels = axis.tickValues(low, high, length)
        if not levels:
            return [], []
        spacing, values = levels[0]
        values = list(values)
        pairs = list(zip(values, axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing), strict=False))
    pairs = sorted((v, t) for v, t in pairs if low <= v <= high and t.strip())
    return [v for v, _ in pairs], [t for _, t in pairs]


def _crowded_ticks(widget: QWidget) -> list[str]:
    """Tick labels that would overlap their neighbours (the "x labels run together" of the issue)."""
    import pyqtgraph as pg
    from PySide6.QtGui import QFont, QFontMetrics

    scene = widget.scene() if hasattr(widget, "scene") and callable(widget.scene) else None
    if scene is None:
        return []
    found = []
    for axis in scene.items():
        if not isinstance(axis, pg.AxisItem) or not axis.isVisible() or not axis.style.get("showValues", True):
            continue
        values, texts = _tick_labels(axis)
        if len(values) < 2:
            continue
        metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
        low, high = sorted(axis.range)
        across = axis.orientation in ("bottom", "top")
        length = axis.width() if across else axis.height()
        gap = min(b - a for a, b in zip(values, values[1:], strict=False)) * length / ((high - low) or 1.0)
        if across:
            need = max(metrics.horizontalAdvance(line) for t in texts for line in t.split("\n")) + 2
        else:
            need = max(metrics.height() * (t.count("\n") + 1) for t in texts)
        if need > gap:
            found.append(f"{axis.orientation} tick labels {texts[:3]}… need {need:.0f} px each, have {gap:.0f}")
    return found


def _clipped(widget: QWidget, window: QWidget, label: str) -> list[str]:
    """Where an ancestor cuts the widget off (a scroll area only sideways)."""
    rect = QRect(0, 0, widget.width(), widget.height())
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        rect = QRect(child.mapTo(parent, rect.topLeft()), rect.size())
        area = parent.parentWidget()
        if isinstance(area, QScrollArea) and parent is area.viewport():
            if rect.width() > parent.width() + 1:
                return [f"{label} is {rect.width()} px wide in a scroll area {parent.width()} px wide"]
            return _clipped(area, window, label)
        if not QRect(0, 0, parent.width(), parent.height()).contains(rect):
            return [f"{label} at {rect.x()},{rect.y()} {rect.width()}×{rect.height()} is cut off by "
                    f"{type(parent).__name__} {parent.objectName()!r} ({parent.width()}×{parent.height()})"]
        if parent is window:
            return []
        child, parent = parent, parent.parentWidget()
    return []


def _visit_pages(widget: QWidget, check, where: str) -> None:
    """Show every page of every tab widget below ``widget`` (nested ones too) and ``check`` each."""
    inner = [t for t in widget.findChildren(QTabWidget) if t.isVisible()]
    if not inner:
        check(where)
        return
    outer = inner[0]
    for t in inner:  # the outermost visible tab widget first
        if not any(t is not o and o.isAncestorOf(t) for o in inner):
            outer = t
            break
    for i in range(outer.count()):
        outer.setCurrentIndex(i)
        _settle()
        page = outer.widget(i)
        nested = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        if nested:
            _visit_pages(page, check, f"{where} / {outer.tabText(i)}")
        else:
            check(f"{where} / {outer.tabText(i)}")


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def open_window(qtbot, size: tuple[int, int], tab_type: type) -> tuple[MainWindow, QWidget]:
    """The main window shown at ``size`` with its tab of ``tab_type`` current (for checks of a trained state)."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    tab = next(t for t in window.all_tabs() if isinstance(t, tab_type))
    window.tabs.setCurrentWidget(tab)
    return window, tab


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_tab_fits_the_window(qtbot, size):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    problems: list[str] = []

    def check(where: str) -> None:
        window.resize(*size)  # a page seen before may have grown it; each page is judged on its own
        _settle()
        if (window.width(), window.height()) != size:
            need = window.minimumSizeHint()
            problems.append(f"{where}: the window grew to {window.width()}×{window.height()} "
                            f"(its layout needs at least {need.width()}×{need.height()})")
        problems.extend(_problems(window, where))

    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        _settle()
        _visit_pages(window.tabs.widget(i), check, f"{size[0]}×{size[1]} {window.tabs.tabText(i)}")
        if _show_three_units(qtbot, window.tabs.widget(i)):
            _visit_pages(window.tabs.widget(i), check, f"{size[0]}×{size[1]} LSTM-3 on a^n b^2n c^3n")
    window.close()
    assert not problems, "\n".join(dict.fromkeys(problems))


def _show_three_units(qtbot, tab) -> bool:
    """On the recurrent tab, the shipped LSTM-3: three pair views, the cell and gates (the issue's crowded case)."""
    from explorer.qt.recurrent.tab import RecurrentTab

    if not isinstance(tab, RecurrentTab):
        return False
    network = tab.controls.network
    network.language.setCurrentIndex(network.language.findData("anb2nc3n"))
    network.model.setCurrentIndex(network.model.findData("lstm"))
    network.hidden.setValue(3)  # swaps in the shipped LSTM-3
    qtbot.waitUntil(lambda: not tab.machine.busy(), timeout=60_000)
    _settle()
    return True


def test_the_check_sees_a_squeezed_plot(qtbot):
    """The check itself: a plot squeezed to 100×60 px in the window is reported."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QVBoxLayout

    from explorer.qt.tab import ExperimentTab

    tab = ExperimentTab()
    plot = pg.PlotWidget()
    plot.setFixedSize(100, 60)
    table = QTableView()
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    QVBoxLayout(tab).addWidget(plot)
    tab.layout().addWidget(table)
    window = MainWindow([tab])
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    _settle()
    problems = _problems(window, "test")
    assert any("PlotWidget" in p and "100×60" in p for p in problems), problems
    assert not any("QTableView" in p for p in problems), problems


def test_the_check_sees_table_columns_off_the_right_edge(qtbot):
    """Ten 64-px columns in a 400-px table are cut (the MLP table of issue 19); stretched to the width they fit."""
    from PySide6.QtWidgets import QHeaderView, QTableWidget

    table = QTableWidget(3, 10)
    table.setHorizontalHeaderLabels(["x", "y", "h0", "h1", "h2", "h3", "h4", "output", "target", "correct"])
    table.horizontalHeader().setDefaultSectionSize(64)
    qtbot.addWidget(table)
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    _settle()
    assert any("scrolls sideways" in p for p in _columns_cut(table))
    assert any("'h4'" in p for p in _columns_cut(table))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    _settle()
    assert _columns_cut(table) == []


def test_the_check_sees_tick_labels_running_together(qtbot):
    """Ten two-line kana labels on a 170-px bar chart overlap (the Draw page's issue); on 600 px they fit."""
    import pyqtgraph as pg

    kana = ["お\no", "き\nki", "す\nsu", "つ\ntsu", "な\nna", "は\nha", "ま\nma", "や\nya", "れ\nre", "を\nwo"]
    plot = pg.PlotWidget()
    plot.addItem(pg.BarGraphItem(x=list(range(10)), height=[1] * 10, width=0.8))
    plot.getAxis("bottom").setTicks([list(enumerate(kana))])
    qtbot.addWidget(plot)
    plot.resize(170, 160)
    plot.show()
    qtbot.waitExposed(plot)
    _settle()
    assert any("bottom tick labels" in p for p in _crowded_ticks(plot))
    plot.resize(600, 160)
    _settle()
    assert _crowded_ticks(plot) == []
