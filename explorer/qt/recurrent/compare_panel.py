"""SRN, GRU and LSTM compared on one language and seed, from the window (issue 22).

"Compare SRN, GRU and LSTM…" (a button on the Counting page, in the Actions
menu with its key) opens :class:`CompareDialog`: the language, hidden units
(each model's course size unless set), seed, recipe, L and sequences; Start
runs :func:`~explorer.core.recurrent.compare.compare_models` in a
:class:`~explorer.qt.workers.Task` in a child process (training holds the
interpreter the window needs), with progress and Cancel. Each model's row
joins the table as soon as it is measured: solved, accuracy for n ≤ L, how
far it generalises, accuracy per n up to 3L, the states its machine needs
beside the language's, and its counting unit (R², where its count stops
holding). The table copies and exports as CSV; the last finished comparison
goes into the report (:func:`comparison_section`, kept in the tab's model).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from explorer.core.errors import UserError
from explorer.core.progress import Progress
from explorer.core.recurrent.compare import (
    CompareConfig,
    Comparison,
    ComparisonRow,
    compare_models,
    comparison_table,
)
from explorer.core.recurrent.kinds import MODEL_TITLES
from explorer.core.recurrent.languages import LANGUAGES, get_language
from explorer.core.recurrent.training import MAX_SEQUENCES
from explorer.core.report import ReportSection, ReportTable
from explorer.qt.messages import show_error
from explorer.qt.recurrent.controls import RECIPE_NAMES
from explorer.qt.widgets.buttons import button as _button
from explorer.qt.widgets.table_export import export_table_csv, install_table_actions, save_table_as
from explorer.qt.widgets.task_panel import TaskPanel
from explorer.qt.workers import Task

COMPARE_KEYS = "Ctrl+Shift+M"

#: The table's columns: (header, how a row gives it). Accuracy per n follows "generalises to".
COLUMNS = ("model", "solved", "accuracy n ≤ L", "right up to n", "states (language)", "counting unit",
           "R²", "count holds to n", "saturates at n")


def _row_cells(row: ComparisonRow) -> list[str]:
    sat = "—" if row.counting_saturates_at is None else str(row.counting_saturates_at)
    return [
        f"{MODEL_TITLES[row.model]}-{row.hidden}",
        "yes" if row.solved else "no",
        f"{row.accuracy:.1f} %",
        str(row.generalises_to),
        f"{row.states} ({row.language_states})",
        f"{row.counting_state} {row.counting_unit}: {row.counting_counter}",
        f"{row.counting_r2:.3f}",
        str(row.counting_holds_to),
        sat,
    ]


class CompareDialog(QDialog):
    """The settings, Start with progress and Cancel, and the table of rows (copy, CSV)."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self.setWindowTitle("Compare SRN, GRU and LSTM")
        self.setObjectName("compareDialog")
        self.task: Task | None = None
        self.rows: list[ComparisonRow] = []
        self.comparison: Comparison | None = None
        self.config: CompareConfig | None = None
        self.language = QComboBox()
        for name, lang in LANGUAGES.items():
            self.language.addItem(lang.title, name)
        self.hidden = QSpinBox(minimum=0, maximum=8, value=0)
        self.hidden.setSpecialValueText("each model's course size")
        self.hidden.setToolTip("Hidden units for every model; the course's size for each (SRN 2 or 4, GRU and LSTM 3"
                               " on the C language) unless set")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setToolTip("The same seed for every model")
        self.recipe = QComboBox()
        for name, text in RECIPE_NAMES.items():
            self.recipe.addItem(text, name)
        self.L = QSpinBox(minimum=1, maximum=12, value=4)
        self.L.setToolTip("L: the largest n in training; accuracy is measured up to 3L")
        self.sequences = QSpinBox(minimum=0, maximum=MAX_SEQUENCES, singleStep=1000, value=0)
        self.sequences.setGroupSeparatorShown(True)
        self.sequences.setSpecialValueText("the recipe's")
        self.sequences.setObjectName("compareSequences")
        self.sequences.setToolTip("Most training sequences per model (each stops early once solved)")
        form = QFormLayout()
        form.addRow("Language", self.language)
        form.addRow("Hidden units", self.hidden)
        form.addRow("Seed", self.seed)
        form.addRow("Recipe", self.recipe)
        form.addRow("Largest n (L)", self.L)
        form.addRow("Sequences", self.sequences)
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("compareStart")
        self.start_button.setToolTip("Train SRN, GRU and LSTM one after another with these settings, then measure them")
        self.task_panel = TaskPanel()
        self.note = QLabel("Each model is trained with the same recipe, seed and L, then measured alike.")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        install_table_actions(self.table, "compare_models")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Every column of the comparison (accuracy for each n too) as a CSV file")
        self.export_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.task_panel)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.start_button.clicked.connect(self.start)
        self.export_button.clicked.connect(self._ask_export)
        self.close_button.clicked.connect(self.close)
        self.resize(860, 520)

    def follow_tab(self) -> None:
        """Start from the net on display: its language and L."""
        if self.task is None:
            self.language.setCurrentIndex(max(self.language.findData(self.tab.state.language.name), 0))
            self.L.setValue(self.tab.state.L)

    def settings(self) -> CompareConfig:
        return CompareConfig(
            lang=self.language.currentData(), hidden=self.hidden.value() or None, seed=self.seed.value(),
            recipe=self.recipe.currentData(), L=self.L.value(), sequences=self.sequences.value() or None,
        )

    @Slot()
    def start(self) -> None:
        if self.task is not None:
            return
        config = self.settings()
        try:
            config.configs()  # checked here: a bad value is said before anything starts
        except UserError as exc:
            show_error(self, "Cannot compare", str(exc))
            return
        self.config, self.rows, self.comparison = config, [], None
        self._fill()
        self.export_button.setEnabled(False)
        self.note.setText(f"Training on {escape(get_language(config.lang).title)}, seed {config.seed}…")
        self.task = Task(compare_models, config, process=True, name="recurrent-compare", parent=self.tab).bind(
            progress=self._on_progress, succeeded=self._on_done, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished, panel=self.task_panel,
            message="Comparing SRN, GRU and LSTM…",
            disable=[self.start_button, self.language, self.hidden, self.seed, self.recipe, self.L, self.sequences],
        ).start()

    @Slot(object)
    def _on_progress(self, record: Progress) -> None:
        row = record.data.get("row") if isinstance(record.data, dict) else None
        if row is not None:
            self.rows.append(row)
            self._fill()

    @Slot(object)
    def _on_done(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.rows = list(comparison.rows)
        self._fill()
        self.export_button.setEnabled(True)
        solved = [f"{MODEL_TITLES[r.model]}-{r.hidden}" for r in comparison.rows if r.solved]
        self.note.setText(f"Done: {', '.join(solved) if solved else 'no model'} solved "
                          f"{escape(get_language(comparison.config.lang).title)} (n = 1..{comparison.config.L}).")
        self.tab.compare.comparison = comparison

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.note.setText(f"The comparison failed: {escape(message)}")

    @Slot()
    def _on_cancelled(self) -> None:
        done = len(self.rows)
        self.note.setText(f"Cancelled; {done} model{'s' if done != 1 else ''} finished (shown).")
        self.export_button.setEnabled(bool(self.rows))

    @Slot()
    def _on_finished(self) -> None:
        self.task = None

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(_row_cells(row)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
            if row.per_n:
                tip = ", ".join(f"n={n}: {v:.0f} %" for n, v in sorted(row.per_n.items()))
                self.table.item(r, 3).setToolTip(f"accuracy per n: {tip}")
            self.table.item(r, 5).setToolTip(row.counting_sentence)

    def table_data(self) -> tuple[list[str], list[list]]:
        """Every column (accuracy per n included) of the rows shown, for CSV and the report."""
        return comparison_table(Comparison(self.config or self.settings(), self.rows))

    def export_csv(self, path) -> None:
        """The full table (core's comparison_table: accuracy for every n too) as CSV."""
        export_table_csv(self.table_data(), path)

    @Slot()
    def _ask_export(self) -> None:
        save_table_as(self, self.table_data, "compare_models.csv", "Export the comparison")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Closing the window while it runs cancels the comparison (nothing else is lost: it was not done)."""
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)


class CompareController(QObject):
    """The Compare button on the Counting page, its dialog and the last finished comparison."""

    def __init__(self, tab, buttons: QHBoxLayout):
        super().__init__(tab)
        self.tab = tab
        self.dialog: CompareDialog | None = None
        self.button = _button("Compare SRN, GRU and LSTM…", "Train the three models on one language and seed and"
                              " compare them: solved, generalisation, states needed, counting unit", COMPARE_KEYS)
        self.button.setObjectName("compareModelsButton")
        buttons.addWidget(self.button)
        self.button.clicked.connect(self.open)

    @Slot()
    def open(self) -> CompareDialog:
        if self.dialog is None:
            self.dialog = CompareDialog(self.tab)
        self.dialog.follow_tab()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    @property
    def comparison(self) -> Comparison | None:
        """The last finished comparison (kept in the tab's model: the report reads it there)."""
        return self.tab.model.comparison

    @comparison.setter
    def comparison(self, comparison: Comparison | None) -> None:
        self.tab.model.comparison = comparison

    def report_section(self) -> ReportSection | None:
        return comparison_section(self.comparison)


def comparison_section(c: Comparison | None) -> ReportSection | None:
    """The report's section of a finished comparison (none before one)."""
    if c is None:
        return None
    headers, rows = comparison_table(c)
    cfg = c.config
    text = [row.counting_sentence and f"{MODEL_TITLES[row.model]}-{row.hidden}: {row.counting_sentence}"
            for row in c.rows]
    return ReportSection(
        title=f"SRN, GRU and LSTM compared on {get_language(cfg.lang).title}",
        settings={"language": get_language(cfg.lang).title, "recipe": cfg.recipe, "largest n (L)": cfg.L,
                  "hidden units": cfg.hidden or "each model's course size",
                  "sequences": cfg.sequences or "the recipe's"},
        seed=cfg.seed, text=text, tables=[ReportTable("the three models", headers, rows)])
