"""The Kuzushiji tab's data page: choose the data set, get its images (download or import) and look at them.

Three kinds of data: Kuzushiji-MNIST (10 classes), Kuzushiji-49 (49 classes, imbalanced), or a
folder of images sorted into class folders (made 28×28 as a drawing or by a plain resize, split
into training and test with a seed; the files it could not read are listed). With no data it says
so and offers the ways to get it; with data it shows where the data came from, how many images
each class has, and a gallery of random training images. Download, import and the start-up load
run as background tasks; a failed import leaves the data that was there before in use.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.core.kuzushiji import dataset as kmnist
from explorer.core.kuzushiji import download as kmnist_download
from explorer.core.kuzushiji import folder_data
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.datasets import DATASETS, KMNIST_KEY, DataSet
from explorer.core.kuzushiji.examples import examples as shipped_examples
from explorer.core.kuzushiji.model import class_labels
from explorer.core.progress import Progress, ProgressGenerator
from explorer.qt.dialogs import choose_folder
from explorer.qt.kuzushiji.data_views import ClassCounts, FolderPanel
from explorer.qt.kuzushiji.image_gallery import ImageGallery
from explorer.qt.kuzushiji.prediction_panel import kana_font
from explorer.qt.messages import show_error
from explorer.qt.widgets.task_panel import TaskPanel
from explorer.qt.workers import Task

GALLERY_SIZE = 60
NO_DATA_TEXT = (
    "<h3>No Kuzushiji-MNIST data yet</h3>"
    "<p>Training and evaluation need the 70,000 KMNIST images (about 20 MB). "
    "Get them either way:</p>"
    "<ul><li><b>Download</b> them from the original host or its mirror "
    "(each file is checked against its published md5 sum).</li>"
    "<li><b>Import a folder</b> you already have: the four IDX <tt>.gz</tt> files, "
    "the four uncompressed IDX files, or the four official <tt>.npz</tt> files.</li></ul>"
    "<p>The rest of the app works without this data.</p>"
)


ATTRIBUTION_SHORT = "CC BY-SA 4.0, CODH / NIJL"


CHOICES = (
    ("Kuzushiji-MNIST: 10 hiragana, 70,000 images", KMNIST_KEY),
    ("Kuzushiji-49: 49 hiragana, 270,912 images (imbalanced)", "k49"),
    ("A folder of images: your own classes", folder_data.FOLDER_KEY),
)
"""The data set choice: (text, key)."""


def import_in_background(folder: str | os.PathLike) -> ProgressGenerator[kmnist.KMNIST]:
    """Import ``folder`` as a background task (the stored data is replaced only when it is good).

    Which data set it holds (KMNIST or Kuzushiji-49) comes from its file names."""
    yield Progress(0, 0, f"Reading {folder} and storing it in the user data folder…", keep=True)
    return kmnist.import_folder(folder)  # the same step as `explorer kuzushiji --import-dir`


def load_stored(key: str = KMNIST_KEY) -> ProgressGenerator[kmnist.KMNIST | folder_data.FolderData | None]:
    """Load the data of data set ``key`` stored by an earlier import or download."""
    if key == folder_data.FOLDER_KEY:
        yield Progress(0, 0, "Loading the stored folder of images…", keep=True)
        return folder_data.load_stored_folder()
    yield Progress(0, 0, f"Loading the stored {DATASETS[key].title} data…", keep=True)
    return kmnist.load_stored(DATASETS[key])


def described(key: str) -> DataSet:
    """The description of data set ``key``: a folder's from its stored class names (none yet: no classes)."""
    if key == folder_data.FOLDER_KEY:
        return folder_data.folder_dataset(folder_data.stored_class_names() or ())
    return DATASETS[key]


class DataPage(QWidget):
    """Status, download / import with progress, and a gallery of training images."""

    data_changed = Signal(object)
    """A new :class:`KMNIST` is in use."""
    data_failed = Signal(str)
    """Getting data failed or was cancelled (the message says which)."""
    dataset_chosen = Signal(object)
    """The user chose another data set: its :class:`DataSet` (its data follows by ``data_changed``)."""

    def __init__(self, download_md5s: dict[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: kmnist.KMNIST | None = None
        self.unreadable: list[str] = []
        """The files the last folder import could not read, one line each."""
        self.download_md5s = download_md5s
        self.task: Task | None = None
        self._cancel: kmnist_download.Cancel | None = None
        self._rng = np.random.default_rng()
        self._build()

    def _build(self) -> None:
        self.dataset_choice = QComboBox()
        self.dataset_choice.setObjectName("datasetChoice")
        for text, key in CHOICES:
            self.dataset_choice.addItem(text, key)
        self.dataset_choice.setToolTip("Which images the nets learn: each data set keeps its own data and trained nets")
        self.dataset_choice.currentIndexChanged.connect(self._on_choice_changed)
        self.folder_panel = FolderPanel()
        self.folder_panel.import_button.clicked.connect(self.start_folder_import)
        self.class_counts = ClassCounts()
        self.status = QLabel(NO_DATA_TEXT)
        self.status.setObjectName("dataStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("downloadButton")
        self.download_button.setToolTip(
            "Fetch the four IDX files (about 20 MB) from the original host, or its mirror when it times out (Ctrl+D)"
        )
        self.download_button.setShortcut("Ctrl+D")
        self.download_button.clicked.connect(self.start_download)
        self.import_button = QPushButton("Import folder…")
        self.import_button.setObjectName("importButton")
        self.import_button.setToolTip("Use KMNIST files you already have: IDX (.gz or not) or .npz (Ctrl+I)")
        self.import_button.setShortcut("Ctrl+I")
        self.import_button.clicked.connect(self.ask_import_folder)
        self.task_panel = TaskPanel()
        self.task_panel.cancel_button.clicked.connect(self.cancel)
        self.error = QLabel("")
        self.error.setObjectName("dataError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.import_button)
        box = QGroupBox("Data set")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.dataset_choice)
        box_layout.addWidget(self.status)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.folder_panel)
        box_layout.addWidget(self.task_panel)
        box_layout.addWidget(self.error)
        box_layout.addWidget(self.class_counts, 1)
        box_layout.addStretch(0)

        self.gallery = ImageGallery(zoom=3, font=kana_font(11))
        self.gallery.setObjectName("trainingGallery")
        self.gallery.setToolTip("Random training images with their class (hiragana and romaji)")
        self.shuffle_button = QPushButton("Shuffle")
        self.shuffle_button.setToolTip("Show other random training images (Ctrl+R)")
        self.shuffle_button.setShortcut("Ctrl+R")
        self.shuffle_button.clicked.connect(self.shuffle)
        self.count = QSpinBox(minimum=10, maximum=500, singleStep=10, value=GALLERY_SIZE)
        self.count.setToolTip("How many images the gallery shows")
        self.count.valueChanged.connect(self.shuffle)
        self.gallery_note = QLabel("", wordWrap=True)  # wraps: it never widens the window
        self.gallery_note.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(self.gallery_note, 1)
        top.addWidget(QLabel("Images"))
        top.addWidget(self.count)
        top.addWidget(self.shuffle_button)
        self.gallery_box = QGroupBox("Random training images")
        gallery_layout = QVBoxLayout(self.gallery_box)
        gallery_layout.addLayout(top)
        gallery_layout.addWidget(self.gallery, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(box)
        split.addWidget(self.gallery_box)
        split.setStretchFactor(1, 1)
        split.setSizes([430, 900])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        self._show_state()

    # state -------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.task is not None

    def key(self) -> str:
        """The key of the data set chosen."""
        return str(self.dataset_choice.currentData())

    def description(self) -> DataSet:
        """The chosen data set's description (a folder's: of the data imported, else of the stored one)."""
        if self.data is not None and self.data.dataset.key == self.key():
            return self.data.dataset
        return described(self.key())

    def choose_dataset(self, key: str) -> None:
        """Choose data set ``key`` as the user would in the combo box."""
        index = self.dataset_choice.findData(key)
        if index < 0:
            raise ValueError(f"unknown data set {key!r}")
        self.dataset_choice.setCurrentIndex(index)

    def can_download(self) -> bool:
        """Whether the chosen data set can be downloaded (a folder of images cannot)."""
        return self.key() in DATASETS

    def show_choice(self) -> None:
        """Show the chosen data set's state (after the choice was restored quietly)."""
        self._show_state()

    @Slot(int)
    def _on_choice_changed(self, _index: int) -> None:
        if self.data is not None and self.data.dataset.key == self.key():
            return  # an import switched the choice to the data it found
        self.data = None
        self.unreadable = []
        self._show_state()
        self.dataset_chosen.emit(self.description())
        self.load_stored_async()

    def _show_state(self) -> None:
        key = self.key()
        is_folder = key == folder_data.FOLDER_KEY
        self.folder_panel.setVisible(is_folder)
        self.download_button.setVisible(not is_folder)
        self.import_button.setVisible(not is_folder)
        self.folder_panel.show_unreadable(self.unreadable)
        if self.data is None:
            self.status.setText(NO_DATA_TEXT if key == KMNIST_KEY else self._no_data_text(key))
            self.download_button.setText("Download")
            self.import_button.setText("Import folder…")
            self.class_counts.show_counts(None)
        else:
            n_train, n_test = self.data.counts
            what = self.data.dataset
            self.status.setText(
                f"<h3>{escape(what.title)} data ready</h3><p><b>{n_train:,}</b> training and <b>{n_test:,}</b> "
                f"test images of {what.num_classes} classes.</p><p style='color:#555'>{escape(self.data.source)}</p>"
            )
            self.download_button.setText("Download again")
            self.import_button.setText("Import another folder…")
            self.class_counts.show_counts(self.data)
        self.count.setEnabled(self.data is not None)
        if self.data is None:
            self._show_shipped_examples()

    @staticmethod
    def _no_data_text(key: str) -> str:
        if key == folder_data.FOLDER_KEY:
            return ("<h3>No folder of images yet</h3><p>Choose a folder with one sub-folder per class "
                    "(PNG, JPEG, BMP or TIFF pictures of any size). Each picture is made 28×28 "
                    "either as a drawing is (cropped to the ink and centred) or by a plain resize; "
                    "the class names are the folders' names.</p>")
        data_set = DATASETS[key]
        return (f"<h3>No {escape(data_set.title)} data yet</h3><p>Training and evaluation need its "
                f"{data_set.train_size + data_set.test_size:,} images. <b>Download</b> them (each file is checked "
                f"against its published md5 sum) or <b>import a folder</b> holding the four official "
                f"<tt>{escape(', '.join(data_set.layouts[0][1]))}</tt> files.</p>"
                f"<p>Its classes are imbalanced: its own measure is <b>balanced accuracy</b>, the mean of the "
                f"per-class accuracies.</p>")

    def _show_shipped_examples(self) -> None:
        """Before any data: the real examples shipped with the app, so the first screen is not empty."""
        if self.key() != KMNIST_KEY:
            self.gallery_box.setTitle("Random training images")
            self.gallery.set_images([], [])
            self.gallery_note.setText("Get the data to see its training images.")
            return
        images, captions, tips = [], [], []
        for cls, (kana, romaji) in enumerate(CLASSES):
            for image in shipped_examples(cls):
                images.append(image)
                captions.append(f"{kana} {romaji}")
                tips.append(f"a real KMNIST {kana} ({romaji}), shipped with the app")
        self.gallery_box.setTitle("Real KMNIST examples (shipped with the app)")
        self.gallery.set_images(images, captions, list(range(len(images))), tips)
        self.gallery_note.setText(
            f"The ten characters, {len(images) // max(len(CLASSES), 1)} real examples each ({ATTRIBUTION_SHORT})."
            " Download or import the data to see the 60,000 training images.")

    def set_data(self, data: kmnist.KMNIST | None) -> None:
        """Use ``data`` (already stored) and show it."""
        self.data = data
        self.error.setText("")
        self._show_state()
        self.shuffle()

    @Slot()
    def shuffle(self) -> None:
        """Show a new random set of training images."""
        if self.data is None:
            return
        self.gallery_box.setTitle("Random training images")
        n = len(self.data.train_images)
        chosen = np.sort(self._rng.choice(n, size=min(self.count.value(), n), replace=False))
        images = self.data.train_images[chosen].numpy()
        labels = self.data.train_labels[chosen].numpy()
        names = class_labels(self.data.dataset)
        captions = [names[int(c)] for c in labels]
        tips = [
            f"training image {int(i):,}: {self.data.dataset.label(int(c))}"
            for i, c in zip(chosen, labels, strict=True)
        ]
        self.gallery.set_images(list(images), captions, chosen.tolist(), tips)
        self.gallery_note.setText(f"{len(chosen)} of {n:,} training images, picked at random")

    # tasks ---------------------------------------------------------------------------
    def load_stored_async(self) -> None:
        """Load the stored data in the background (at start)."""
        key = self.key()
        stored = folder_data.folder_path().is_file() if key == folder_data.FOLDER_KEY else kmnist.has_data(DATASETS[key])
        if stored:
            self.status.setText(f"<h3>Loading the stored {escape(self.description().title)} data…</h3>")
            self._run(load_stored(key), "kmnist-load", "Loading the stored data…")

    @Slot()
    def start_download(self) -> None:
        """Download the data from the configured mirrors (``EXPLORER_KMNIST_MIRRORS`` overrides them)."""
        # Cancel (the button, or closing the window) also shuts the open connection: a read
        # blocked on a silent server would otherwise hold the worker for the whole read timeout.
        data_set = DATASETS.get(self.key())
        if data_set is None:  # a folder of images has nothing to download
            return
        self._cancel = kmnist_download.Cancel()
        md5s = {**data_set.md5s(), **(self.download_md5s or {})}
        self._run(kmnist_download.download(md5s=md5s, cancel=self._cancel, data_set=data_set), "kmnist-download",
                  "Connecting…")

    def cancel(self) -> None:
        """Stop a running download, import or load (a download at once, whatever the server does)."""
        if self._cancel is not None:
            self._cancel.cancel()
        if self.task is not None:
            self.task.cancel()

    @Slot()
    def ask_import_folder(self) -> None:
        folder = choose_folder(self, f"Folder with the {self.description().title} files", "import")
        if folder:
            self.import_folder(folder)

    def import_folder(self, folder: str | os.PathLike) -> None:
        """Read and store the KMNIST or Kuzushiji-49 files in ``folder`` in the background."""
        self._run(import_in_background(folder), "kmnist-import", f"Importing {Path(folder).name}…")

    @Slot()
    def start_folder_import(self) -> None:
        """Import the folder of images chosen in the folder panel, with its preparation and seed."""
        folder = self.folder_panel.folder
        if folder is None:
            return
        self._run(folder_data.import_image_folder(folder, self.folder_panel.preparation(), self.folder_panel.seed()),
                  "kmnist-folder", f"Importing the pictures of {folder.name}…")

    def _run(self, generator, name: str, message: str) -> None:
        if self.task is not None:
            generator.close()
            self.status_message(f"Wait for the current {self.task.name.removeprefix('kmnist-')} to finish")
            return
        self.error.setText("")
        self.task = Task(generator, name=name, parent=self).bind(
            succeeded=self._on_succeeded, failed=self._on_failed, cancelled=self._on_cancelled,
            finished=self._on_finished, panel=self.task_panel, message=message,
            disable=[self.download_button, self.import_button, self.dataset_choice, *self.folder_panel.buttons()],
        ).start()

    def status_message(self, text: str) -> None:
        self.task_panel.label.setText(text)

    @Slot(object)
    def _on_succeeded(self, data) -> None:
        if data is None:  # nothing usable was stored
            again = "import the folder again" if self.key() == folder_data.FOLDER_KEY else "download or import it again"
            self.task_panel.label.setText(f"The stored data could not be read: {again}")
            return
        done = {"kmnist-download": "Downloaded, checked and stored", "kmnist-import": "Imported and stored",
                "kmnist-folder": "Imported and stored"}
        self.task_panel.label.setText(done.get(self.task.name, "Loaded the stored data"))
        self.unreadable = []
        if isinstance(data, folder_data.FolderData):
            self.unreadable = list(data.unreadable)
            self.folder_panel.set_preparation(data.preparation)
            data = data.data
        self.data = data  # before the choice follows it, so the choice keeps it
        if self.key() != data.dataset.key:
            self.choose_dataset(data.dataset.key)
        self.set_data(data)
        self.data_changed.emit(data)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if isinstance(self.task.error, kmnist_download.DownloadCancelled):  # the user's own Cancel
            self._on_cancelled()
            return
        what = {"kmnist-download": "download", "kmnist-import": "import",
                "kmnist-folder": "import"}.get(self.task.name, "load")
        kept = " The data imported before is still in use." if self.data is not None else ""
        self.error.setText(f"Could not {what} the data: {message}.{kept}")
        show_error(self, f"Could not {what} the data", message + kept)
        self.data_failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self.data_failed.emit("cancelled")

    @Slot()
    def _on_finished(self) -> None:
        if self.data is None:
            self._show_state()
        self.task = None
        self._cancel = None
