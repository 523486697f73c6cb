"""File → Export figures… and Export report… act on the tabs' hooks and say what they wrote."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout

from explorer.core.report import ReportSection, ReportTable
from explorer.qt.main_window import MainWindow
from explorer.qt.tab import ExperimentTab, PlaceholderTab


class PlotTab(ExperimentTab):
    title = "Plots"

    def __init__(self):
        super().__init__()
        self.plot = pg.PlotWidget(title="loss per epoch")
        self.plot.plot([1, 2, 3], [3, 1, 2])
        QVBoxLayout(self).addWidget(self.plot)

    def figures(self):
        return {"loss_curve": self.plot}

    def report_sections(self):
        from explorer.qt.widgets.figure_export import Figure
        from explorer.qt.widgets.report_figures import report_figure

        figure = report_figure(Figure(self.plot, title="Loss per epoch", x_label="epoch", y_label="loss"))
        return [ReportSection("Plots", settings={"epochs": 3}, seed=7, figures=[figure],
                              tables=[ReportTable("Result", ["accuracy"], [["91.5 %"]])])]


@pytest.fixture
def window(qtbot):
    window = MainWindow([PlotTab(), PlaceholderTab("Empty", "nothing")])
    qtbot.addWidget(window)
    window.show()
    return window


def test_export_figures_writes_png_and_svg_and_says_so(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.export_all_action.trigger()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss_curve.png", "loss_curve.svg"]
    assert "Exported 2 files" in window.statusBar().currentMessage()
    assert "loss_curve.png" in window.statusBar().currentMessage()
    # SVG 1.1 with clip paths: a curve zoomed past its plot does not run across the axes in a browser
    assert "<clipPath" in (tmp_path / "loss_curve.svg").read_text(encoding="utf-8")


def test_export_report_gathers_every_tab(window, tmp_path, monkeypatch):
    target = tmp_path / "report"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_report_action.trigger()
    written = tmp_path / "report.html"
    root = ET.parse(written).getroot()
    text = "".join(root.itertext())
    assert "91.5 %" in text and "seed 7" in text
    svg = "{http://www.w3.org/2000/svg}"
    figures = list(root.iter("{http://www.w3.org/1999/xhtml}figure"))
    assert len(figures) == 1 and figures[0].find(f"{svg}svg") is not None  # inline, vector
    drawn = " ".join("".join(t.itertext()) for t in figures[0].iter(f"{svg}text"))
    assert "Loss per epoch" in drawn and "epoch" in drawn and "loss" in drawn
    assert "lab report" in window.statusBar().currentMessage()


def test_a_folder_that_cannot_be_made_is_a_message_and_no_file(window, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(blocker / "figures"))
    window.export_all_action.trigger()
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert boxes and boxes[-1].windowTitle() == "Could not export the figures"
    assert "cannot make the folder" in boxes[-1].text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file"]


def test_the_tab_base_class_has_an_empty_report():
    assert ExperimentTab().report_sections() == []


def test_export_figure_opens_the_dialog_for_the_tabs_figure(window, tmp_path, qtbot):
    from explorer.qt.widgets.export_dialog import ExportDialog

    window.export_action.trigger()
    dialog = window.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert dialog.path.text().endswith("loss_curve.png")
    dialog.path.setText(str(tmp_path / "loss.png"))
    dialog.width_box.setValue(900)
    dialog.accept()
    assert (tmp_path / "loss.png").exists()
    assert f"Exported {tmp_path / 'loss.png'}" in window.statusBar().currentMessage()  # folder and file


def test_export_figure_offers_the_view_on_screen_first(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    class TwoPages(ExperimentTab):
        def __init__(self):
            super().__init__()
            self.hidden_plot, self.shown_plot = pg.PlotWidget(), pg.PlotWidget()
            layout = QVBoxLayout(self)
            layout.addWidget(self.hidden_plot)
            layout.addWidget(self.shown_plot)
            self.hidden_plot.hide()

        def figures(self):
            return {"first": self.hidden_plot, "second": self.shown_plot}

    window = MainWindow([TwoPages()])
    qtbot.addWidget(window)
    window.show()
    asked = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: asked.append(a) or ("second", False))
    window.export_action.trigger()
    assert asked and asked[0][3] == ["first", "second"] and asked[0][4] == 1


def test_every_experiment_in_the_list_names_a_real_tab_and_renderer():
    """The window builds the tab named in the list; the command line draws through the renderer named there."""
    from explorer.core.experiments import EXPERIMENTS
    from explorer.qt.exports import renderer, tab_class

    for each in EXPERIMENTS:
        cls = tab_class(each)
        assert issubclass(cls, ExperimentTab) and cls.title == each.title
        module = renderer(each.key)
        for name in ("load_model", "figures", "export_all", "report_sections"):
            assert callable(getattr(module, name, None)), f"{each.renderer} has no {name}()"


def test_switching_to_the_mlp_or_recurrent_tab_enables_export_without_drawing_its_figures(qtbot, monkeypatch):
    """The window enabled File → Export figure… by drawing the tab's whole figure set at each tab change:
    160-175 ms for the MLP tab, 360-430 ms for the recurrent tab, every time (issue 20)."""
    from explorer.qt.mlp import figures as mlp_figures
    from explorer.qt.recurrent import figures as recurrent_figures

    drawn: list[str] = []
    for name, module in (("mlp", mlp_figures), ("recurrent", recurrent_figures)):
        original = module.figures
        monkeypatch.setattr(module, "figures", lambda *a, _f=original, _n=name, **k: drawn.append(_n) or _f(*a, **k))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    for key in ("mlp", "recurrent", "kuzushiji", "mlp", "recurrent"):
        window.tabs.setCurrentWidget(window.tab(key))
        assert window.export_action.isEnabled() and window.export_all_action.isEnabled()
    assert drawn == []
    assert window.tab("recurrent").figures() and drawn == ["recurrent"]  # what File → Export figure… lists
    for tab in window.built_tabs():
        assert tab.shutdown()
