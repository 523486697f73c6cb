"""Draw a character and see what every trained Kuzushiji net thinks it is.

A self-contained panel (canvas, controls, verdicts, a look inside the nets)
that the Kuzushiji tab embeds and feeds with :meth:`DrawingPanel.set_models`.
Run this module to try it alone with whatever weights were trained::

    python -m explorer.qt.kuzushiji.drawing_panel
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledSlider

from explorer.core.errors import UserError
from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji.datasets import KMNIST as KMNIST_SET
from explorer.core.kuzushiji.datasets import DataSet
from explorer.core.kuzushiji.preprocess import (
    MAX_IMAGE_PIXELS,
    Preprocessed,
    classify,
    read_image_steps,
    to_kmnist_input,
)
from explorer.qt.dialogs import open_file
from explorer.qt.kuzushiji.data_page import load_stored
from explorer.qt.kuzushiji.drawing_canvas import DEFAULT_PEN, RESOLUTION, DrawingCanvas
from explorer.qt.kuzushiji.net_insides import NetInsides
from explorer.qt.kuzushiji.own_drawings_panel import OwnDrawingsPanel, class_label, undo_name
from explorer.qt.kuzushiji.prediction_panel import PredictionPanel, class_text, kana_font
from explorer.qt.kuzushiji.ten_characters import TenCharacters
from explorer.qt.messages import show_error
from explorer.qt.workers import Task, shutdown_tasks

if TYPE_CHECKING:
    from torch import nn

LIVE_BUDGET_MS = 30.0
"""Classify while the pen moves only when one update takes less than this."""
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
READ_SIDE = 4 * RESOLUTION
"""An opened or pasted picture is reduced to this larger side (pixels) before it is fitted to the canvas."""
PREFERRED = ("conv", "full", "lin")
"""Whose top-1 picks the real examples shown: the most accurate net present."""


class _StackAction(QAction):
    """An Undo/Redo action whose text stays ``verb``; its tooltip names what it would undo.

    QUndoStack's own actions put the command in the text ("Undo Put a real o on
    the canvas"): on a button that widens the column and makes the canvas jump.
    The state comes from the signals' arguments only: a stack being destroyed
    still emits them, and must not be called back.
    """

    def __init__(self, parent: QWidget, stack: QUndoStack, verb: str, keys: str):
        super().__init__(verb, parent)
        self.verb, self.keys = verb, keys
        undo = verb == "Undo"
        self.triggered.connect(stack.undo if undo else stack.redo)
        (stack.canUndoChanged if undo else stack.canRedoChanged).connect(self.setEnabled)
        (stack.undoTextChanged if undo else stack.redoTextChanged).connect(self.show_text)
        self.setEnabled(stack.canUndo() if undo else stack.canRedo())
        self.show_text(stack.undoText() if undo else stack.redoText())

    @Slot(str)
    def show_text(self, what: str) -> None:
        verb = self.verb
        self.setToolTip(f"{verb} {what} ({self.keys})" if what else f"{verb} ({self.keys}): nothing to {verb.lower()}")


class DrawingPanel(QWidget):
    """Canvas + controls + every net's verdict + a look inside.

    ``classified`` carries ``{net name: probabilities (one per class)}`` after each
    classification (an empty dict when the canvas is empty or no net is set).
    """

    classified = Signal(dict)

    def __init__(self, parent: QWidget | None = None, undo_stack: QUndoStack | None = None):
        super().__init__(parent)
        self.models: dict[str, nn.Module] = {}
        self.preparations: dict[str, str] = {}
        """Net name → how its training pictures became 28×28, where not as a drawing (a folder net's "resize")."""
        self.preprocessed: Preprocessed | None = None
        self.probabilities: dict[str, np.ndarray] = {}
        self.last_update_ms = 0.0
        self._recent_ms: deque[float] = deque(maxlen=5)
        self._data: kmnist.KMNIST | None = None
        self._data_checked = False
        self._data_task: Task | None = None
        self._examples: dict[int, list[np.ndarray]] = {}
        self._rng = np.random.default_rng()
        self._image_task: Task | None = None

        self.canvas = DrawingCanvas(undo_stack=undo_stack)
        self.prediction = PredictionPanel()
        self.insides = NetInsides()
        self.characters = TenCharacters()
        self.characters.chosen.connect(self.canvas.set_background)
        self.own_drawings = OwnDrawingsPanel(self.canvas.undo_stack)
        self._build_controls()
        self._build_layout()
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._update_now)
        self._full_update = True
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.stroke_finished.connect(self._on_stroke_finished)
        self.prediction.sample_requested.connect(self.put_sample)
        self.set_data_set(KMNIST_SET)  # until the tab says which data set is in use
        self.classify_now()

    # layout ------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.pen_width = QLabeledSlider(Qt.Orientation.Horizontal)
        self.pen_width.setRange(4, 40)
        self.pen_width.setValue(int(DEFAULT_PEN))
        self.pen_width.setToolTip("Pen width (pixels of the 280×280 canvas)")
        self.pen_width.valueChanged.connect(self.canvas.set_pen_width)
        self.undo_button, self.redo_button = QToolButton(), QToolButton()
        self.undo_button.setDefaultAction(_StackAction(self, self.canvas.undo_stack, "Undo", "Ctrl+Z"))
        self.redo_button.setDefaultAction(_StackAction(self, self.canvas.undo_stack, "Redo", "Ctrl+Shift+Z"))
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("A photo or scan of one character (dark on light is inverted)")
        self.open_button.clicked.connect(self._ask_open_image)
        self.paste_button = QPushButton("Paste")
        self.paste_button.setToolTip("Paste a picture from the clipboard")
        self.paste_button.clicked.connect(self.paste)
        self.live_label = QLabel()
        self.live_label.setObjectName("liveLabel")
        self.live_label.setStyleSheet("color: #666;")
        self.keep_button = QPushButton("Keep as an example of")
        self.keep_button.setToolTip("Keep the drawing (its 28×28 input, the canvas and the strokes) in your own "
                                    "test set, as an example of the class beside; see them in the Kept tab")
        self.keep_button.clicked.connect(self.keep_drawing)
        self.keep_class = QComboBox()
        self.keep_class.setObjectName("keepClass")
        self.keep_class.setFont(kana_font(11))
        self.keep_class.setToolTip("The class the drawing is an example of")

    def _build_layout(self) -> None:
        pen_row = QHBoxLayout()
        pen_row.addWidget(QLabel("Pen"))
        pen_row.addWidget(self.pen_width, 1)
        buttons = QHBoxLayout()
        for w in (self.undo_button, self.redo_button, self.clear_button, self.open_button, self.paste_button):
            buttons.addWidget(w)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addLayout(pen_row)
        left_layout.addWidget(self.live_label)
        left_layout.addWidget(self.canvas, 1)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.keep_button)
        keep_row.addWidget(self.keep_class, 1)
        left_layout.addLayout(keep_row)
        left_layout.addWidget(self.characters)

        # The 28×28 input and the real examples open the tabs of looks inside the nets, below the
        # cards: the tabs get the height their thumbnails need (they were 25-30 px, below the fold at 1024).
        self.insides.insertTab(0, self.prediction.real_thing_page, "Input")
        self.insides.setTabToolTip(0, "What the nets see (28×28) and real examples of their answer")
        self.insides.addTab(self.own_drawings, "Kept")  # short: six tabs fit a 1024-pixel window
        self.insides.setTabToolTip(self.insides.count() - 1,
                                   "Your kept drawings: browse, relabel, delete, evaluate every net on them, export "
                                   "them as a folder")
        self.own_drawings.changed.connect(self._show_kept_count)
        self.insides.setCurrentIndex(0)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.prediction)
        right.addWidget(self.insides)
        right.setSizes([180, 620])  # the cards take their minimum, the tabs the rest
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 840])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

    # public ----------------------------------------------------------------------------
    def set_models(self, models: dict[str, nn.Module], captions: dict[str, str] | None = None,
                   test_accuracy: dict[str, float | None] | None = None,
                   preparations: dict[str, str] | None = None) -> None:
        """The nets to classify with (name → module), with a caption each (e.g. where the weights came from),
        where known their test accuracy (percent; the kept drawings' gap is measured from it) and how their
        training pictures were prepared (a folder net's ``"resize"``: it reads the canvas shrunk, not as a drawing)."""
        order = [name for name in ("lin", "full", "conv") if name in models]
        self.models = {name: models[name] for name in order}
        self.preparations = {n: p for n, p in (preparations or {}).items() if n in self.models and p != "drawing"}
        captions = captions or {}
        self.prediction.set_nets({name: captions.get(name, "") for name in order})
        self.insides.set_models(self.models)
        mine = self.models if test_accuracy is None else {n: m for n, m in self.models.items() if n in test_accuracy}
        self.own_drawings.set_nets(mine, test_accuracy or {})
        self.classify_now()

    def set_dataset(self, data: kmnist.KMNIST | None) -> None:
        """Real images for the samples and examples (default: the stored data, loaded in the background
        when first needed)."""
        self._data, self._data_checked = data, True
        self._examples.clear()
        self.classify_now()

    def set_data_set(self, data_set: DataSet) -> None:
        """The data set in use: the classes the nets' answers and bars name, the classes to keep drawings as,
        and its own kept drawings."""
        if data_set != self.prediction.data_set:
            self.prediction.set_data_set(data_set)
            self.insides.set_data_set(data_set)
            self.characters.set_data_set(data_set)
            self._examples.clear()  # cached by class number: another data set's numbers mean other classes
            self.classify_now()
        if self.keep_class.count() != data_set.num_classes or self.own_drawings.data_set is not data_set:
            chosen = self.keep_class.currentIndex()
            self.keep_class.clear()
            for i in range(data_set.num_classes):
                self.keep_class.addItem(class_label(data_set, i), i)
            self.keep_class.setCurrentIndex(chosen if 0 <= chosen < data_set.num_classes else 0)
        self.own_drawings.set_data_set(data_set)

    @Slot()
    def _show_kept_count(self) -> None:
        """The tab's title counts the kept drawings: keeping one shows at once, whatever tab is open."""
        store = self.own_drawings.store
        index = self.insides.indexOf(self.own_drawings)
        self.insides.setTabText(index, "Kept" if store is None else f"Kept ({len(store)})")

    @Slot()
    def keep_drawing(self) -> None:
        """Keep the drawing as an example of the chosen class (one undo step)."""
        if self._pending.isActive():  # the last stroke's input is not made yet
            self.classify_now()
        if self.preprocessed is None:
            show_error(self, "Keep the drawing", self.prediction.status.text() or
                       "the canvas is empty: draw a character first")
            return
        label = self.keep_class.currentData()
        if label is None:
            return
        strokes = [(x, y, n) for n, stroke in enumerate(self.canvas.strokes) for x, y, _pressure in stroke.points]
        self.own_drawings.keep(self.preprocessed.array28, int(label), original=self.canvas.image(),
                               strokes=np.array(strokes, np.float32).reshape(-1, 3) if strokes else None)

    def figures(self) -> dict[str, QWidget]:
        """Exportable views by file name."""
        return {"drawing_canvas": self.canvas, "drawing_predictions": self.prediction, "drawing_insides": self.insides}

    def live(self) -> bool:
        """Whether to classify while the pen moves: the median of the last few updates is within budget."""
        return not self._recent_ms or statistics.median(self._recent_ms) < LIVE_BUDGET_MS

    @Slot()
    def classify_now(self) -> None:
        """Preprocess the canvas and update every view now."""
        self._pending.stop()
        self._full_update = True
        self._update_now()

    def open_image(self, path) -> Task:
        """Put an image file on the canvas (a message box for an unreadable file).

        The file is decoded and reduced in a background task (a large photo
        takes seconds); the canvas changes when it is done. A newer request
        supersedes one still running.
        """
        task = Task(read_image_steps, path, READ_SIDE, name="draw-open-image", parent=self)
        self._image_task = task.bind(succeeded=self._on_image_read, failed=self._on_image_failed)
        return task.start()

    @Slot(object)
    def _on_image_read(self, grey: np.ndarray) -> None:
        if self.sender() is self._image_task:  # an older request finishing late changes nothing
            self.canvas.set_background(grey, "Open image")

    @Slot(str)
    def _on_image_failed(self, message: str) -> None:
        if self.sender() is self._image_task:
            show_error(self, "Open image", message)

    @Slot()
    def paste(self) -> None:
        """Put the clipboard's picture on the canvas (one larger than the app reads is refused)."""
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            show_error(self, "Paste", "the clipboard holds no picture")
            return
        if image.width() * image.height() > MAX_IMAGE_PIXELS:
            show_error(self, "Paste", f"the pasted picture is {image.width():,}×{image.height():,} pixels, larger "
                                      f"than the {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels the app reads")
            return
        if max(image.width(), image.height()) > READ_SIDE:
            image = image.scaled(READ_SIDE, READ_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        self.canvas.paste_image(image)

    @Slot(int)
    def put_sample(self, cls: int) -> None:
        """Put a random test image of class ``cls`` on the canvas."""
        data = self._dataset()
        described = self.prediction.data_set
        if data is None:
            if self._data_task is not None:
                show_error(self, "Samples", f"the stored {self._data_name()} data is still loading: try again in a "
                                            "moment")
            else:
                show_error(self, "Samples", f"no {self._data_name()} data yet: import it in the Kuzushiji tab "
                                            "(File → Open data)")
            return
        indices = np.flatnonzero(data.test_labels.numpy() == cls)
        if not len(indices):
            show_error(self, "Samples", f"the test data holds no {class_text(described, cls)}")
            return
        image = data.test_images[int(self._rng.choice(indices))].numpy()
        # A kana by its romaji (the Undo tooltip's text); a folder's class by its name, made tag-free.
        kana, name = described.glyphs[cls], described.class_names[cls]
        self.canvas.set_background(image, f"Put a real {name if kana != name else undo_name(described, cls)} "
                                          "on the canvas")

    def _data_name(self) -> str:
        """The data set in use as messages name it: "KMNIST", "Kuzushiji-49", "Folder of images"."""
        described = self.prediction.data_set
        return "KMNIST" if described.key == KMNIST_SET.key else described.title

    # updates ---------------------------------------------------------------------------------
    @Slot()
    def _on_canvas_changed(self) -> None:
        if self.canvas.is_drawing():
            if self.live():
                self._pending.start()
        else:
            self._full_update = True
            self._pending.start()

    @Slot()
    def _on_stroke_finished(self) -> None:
        self._full_update = True
        self._pending.start()

    @Slot()
    def _update_now(self) -> None:
        full, self._full_update = self._full_update, False
        start = time.perf_counter()
        try:
            pre = None if self.canvas.is_empty() else to_kmnist_input(self.canvas.image())
        except UserError as exc:
            pre, message = None, str(exc)
        else:
            message = "the canvas is empty: draw a character first"
        self.preprocessed = pre
        self.probabilities = self._read(pre) if pre is not None else {}
        if pre is None:
            self.prediction.show_message(message)
        else:
            self.prediction.show_result(pre.array28, self.probabilities)
            if not self.models:
                self.prediction.status.setText("")
        if pre is None:
            self.live_label.setText("")
        else:
            # Only this part runs while the pen moves: its time decides whether it does.
            self.last_update_ms = 1000 * (time.perf_counter() - start)
            self._recent_ms.append(self.last_update_ms)
            live = "live while drawing" if self.live() else "after each stroke"
            self.live_label.setText(f"Classified in {self.last_update_ms:.0f} ms ({live})")
        if full:
            self.insides.show_input(pre)
            self._show_examples()
        self.classified.emit(dict(self.probabilities))

    def _read(self, pre: Preprocessed) -> dict[str, np.ndarray]:
        """Each net's probabilities, each reading the canvas prepared as its training pictures were."""
        from explorer.core.kuzushiji.image_folder import net_input

        as_drawing = {n: m for n, m in self.models.items() if n not in self.preparations}
        found = classify(as_drawing, pre)
        for name, preparation in self.preparations.items():
            try:
                own = net_input(self.canvas.image(), preparation)
            except UserError:
                continue
            found.update(classify({name: self.models[name]}, own))
        return {n: found[n] for n in self.models if n in found}

    def _show_examples(self) -> None:
        top = next((int(np.argmax(self.probabilities[n])) for n in PREFERRED if n in self.probabilities), None)
        data = self._dataset() if top is not None else None  # nothing to show needs no data yet
        if top is None:
            self.prediction.show_examples(None, [])
        elif data is None:
            self.prediction.show_examples(top, [], f"Loading the stored {self._data_name()} data…"
                                          if self._data_task is not None
                                          else f"Import the {self._data_name()} data to see real examples.")
        else:
            if top not in self._examples:
                indices = np.flatnonzero(data.test_labels.numpy() == top)
                chosen = np.random.default_rng(top).choice(indices, size=min(3, len(indices)), replace=False)
                self._examples[top] = [data.test_images[int(i)].numpy() for i in chosen]
            # Only what exists: a class with no test image (a small folder's) shows none, and says so.
            self.prediction.show_examples(top, self._examples[top], "" if self._examples[top] else
                                          f"The test data holds no {class_text(self.prediction.data_set, top)}.")

    def _dataset(self) -> kmnist.KMNIST | None:
        """The data in use; the first call starts loading the stored data in the background (``None`` till then).

        Data of another data set than the one in use (its class numbers mean other classes) is none.
        """
        if not self._data_checked and self._data_task is None:
            self._data_task = Task(load_stored, name="draw-load-data", parent=self).bind(
                succeeded=self._on_stored_data, finished=self._on_stored_data_finished)
            self._data_task.start()
        if self._data is None or self._data.dataset.class_names != self.prediction.data_set.class_names:
            return None
        return self._data

    @Slot(object)
    def _on_stored_data(self, data: kmnist.KMNIST | None) -> None:
        self._data_task = None
        if not self._data_checked:  # data set meanwhile (the tab's) wins
            self._data, self._data_checked = data, True
            self._show_examples()  # only the examples wait for it (no new classification mid-stroke)

    @Slot()
    def _on_stored_data_finished(self) -> None:
        self._data_task = None
        if not self._data_checked:  # the load failed: say there is none rather than loading forever
            self._data_checked = True
            self._show_examples()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Run alone, the panel joins a picture still being read before it goes (the tab does it otherwise)."""
        shutdown_tasks(self)
        super().closeEvent(event)

    @Slot()
    def _ask_open_image(self) -> None:
        path = open_file(self, "Open a picture of a character", "image", IMAGE_FILTER)
        if path:
            self.open_image(path)


def main() -> int:
    """Run the panel alone with the last trained weights (or clearly labelled untrained nets)."""
    import sys

    from PySide6.QtWidgets import QApplication

    from explorer.core.kuzushiji import nets, trained

    app = QApplication.instance() or QApplication(sys.argv)
    panel = DrawingPanel()
    found = trained.all_latest()
    if found:
        panel.set_models({n: t.model for n, t in found.items()}, {n: t.source for n, t in found.items()})
    else:
        panel.set_models(
            {name: nets.create(name, seed=0) for name in nets.NETS},
            {name: "UNTRAINED (random weights): train in the Kuzushiji tab" for name in nets.NETS},
        )
    panel.setWindowTitle("Draw a character")
    panel.resize(1250, 760)
    panel.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
