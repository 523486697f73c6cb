"""The Kuzushiji tab's data page: get the KMNIST images (download or import) and look at them.

With no data it says so and offers both ways; with data it shows where the
data came from and a gallery of random training images labelled in hiragana
and romaji. Download, import and the start-up load run as background tasks;
a failed import leaves the data that was there before in use.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
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
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.examples import examples as shipped_examples
from explorer.core.progress import Progress, ProgressGenerator
from explorer.qt.dialogs import choose_folder
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


def import_in_background(folder: str | os.PathLike) -> ProgressGenerator[kmnist.KMNIST]:
    """Import ``folder`` as a background task (the stored data is replaced only when it is good)."""
    yield Progress(0, 0, f"Reading {folder} and storing it in the user data folder…", keep=True)
    return kmnist.import_folder(folder)  # the same step as `explorer kuzushiji --import-dir`


def load_stored() -> ProgressGenerator[kmnist.KMNIST | None]:
    """Load the data stored by an earlier import or download."""
    yield Progress(0, 0, "Loading the stored KMNIST data…", keep=True)
    return kmnist.load_stored()


class DataPage(QWidget):
    """Status, download / import with progress, and a gallery of training images."""

    data_changed = Signal(object)
    """A new :class:`KMNIST` is in use."""
    data_failed = Signal(str)
    """Getting data failed or was cancelled (the message says which)."""

    def __init__(self, download_md5s: dict[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: kmnist.KMNIST | None = None
        self.download_md5s = download_md5s
        self.task: Task | None = None
        self._cancel: kmnist_download.Cancel | None = None
        self._rng = np.random.default_rng()
        self._build()

    def _build(self) -> None:
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
        box = QGroupBox("Kuzushiji-MNIST data")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.status)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.task_panel)
        box_layout.addWidget(self.error)
        box_layout.addStretch(1)

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

    def _show_state(self) -> None:
        if self.data is None:
            self.status.setText(NO_DATA_TEXT)
            self.download_button.setText("Download")
            self.import_button.setText("Import folder…")
        else:
            n_train, n_test = self.data.counts
            self.status.setText(
                f"<h3>KMNIST data ready</h3><p><b>{n_train:,}</b> training and <b>{n_test:,}</b> test images "
                f"of 10 hiragana.</p><p style='color:#555'>{self.data.source}</p>"
            )
            self.download_button.setText("Download again")
            self.import_button.setText("Import another folder…")
        self.count.setEnabled(self.data is not None)
        if self.data is None:
            self._show_shipped_examples()

    def _show_shipped_examples(self) -> None:
        """Before any data: the real examples shipped with the app, so the first screen is not empty."""
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
        captions = [f"{CLASSES[int(c)][0]} {CLASSES[int(c)][1]}" for c in labels]
        tips = [
            f"training image {int(i):,}: {CLASSES[int(c)][0]} ({CLASSES[int(c)][1]})"
            for i, c in zip(chosen, labels, strict=True)
        ]
        self.gallery.set_images(list(images), captions, chosen.tolist(), tips)
        self.gallery_note.setText(f"{len(chosen)} of {n:,} training images, picked at random")

    # tasks ---------------------------------------------------------------------------
    def load_stored_async(self) -> None:
        """Load the stored data in the background (at start)."""
        if kmnist.has_data():
            self.status.setText("<h3>Loading the stored KMNIST data…</h3>")
            self._run(load_stored(), "kmnist-load", "Loading the stored data…")

    @Slot()
    def start_download(self) -> None:
        """Download the data from the configured mirrors (``EXPLORER_KMNIST_MIRRORS`` overrides them)."""
        # Cancel (the button, or closing the window) also shuts the open connection: a read
        # blocked on a silent server would otherwise hold the worker for the whole read timeout.
        self._cancel = kmnist_download.Cancel()
        self._run(kmnist_download.download(md5s=self.download_md5s, cancel=self._cancel), "kmnist-download",
                  "Connecting…")

    def cancel(self) -> None:
        """Stop a running download, import or load (a download at once, whatever the server does)."""
        if self._cancel is not None:
            self._cancel.cancel()
        if self.task is not None:
            self.task.cancel()

    @Slot()
    def ask_import_folder(self) -> None:
        folder = choose_folder(self, "Folder with the KMNIST files", "import")
        if folder:
            self.import_folder(folder)

    def import_folder(self, folder: str | os.PathLike) -> None:
        """Read and store the KMNIST files in ``folder`` in the background."""
        self._run(import_in_background(folder), "kmnist-import", f"Importing {Path(folder).name}…")

    def _run(self, generator, name: str, message: str) -> None:
        if self.task is not None:
            generator.close()
            self.status_message(f"Wait for the current {self.task.name.removeprefix('kmnist-')} to finish")
            return
        self.error.setText("")
        self.task = Task(generator, name=name, parent=self).bind(
            succeeded=self._on_succeeded, failed=self._on_failed, cancelled=self._on_cancelled,
            finished=self._on_finished, panel=self.task_panel, message=message,
            disable=[self.download_button, self.import_button],
        ).start()

    def status_message(self, text: str) -> None:
        self.task_panel.label.setText(text)

    @Slot(object)
    def _on_succeeded(self, data) -> None:
        if data is None:  # nothing usable was stored
            self.task_panel.label.setText("The stored data could not be read: download or import it again")
            return
        done = {"kmnist-download": "Downloaded, checked and stored", "kmnist-import": "Imported and stored"}
        self.task_panel.label.setText(done.get(self.task.name, "Loaded the stored data"))
        self.set_data(data)
        self.data_changed.emit(data)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if isinstance(self.task.error, kmnist_download.DownloadCancelled):  # the user's own Cancel
            self._on_cancelled()
            return
        what = {"kmnist-download": "download", "kmnist-import": "import"}.get(self.task.name, "load")
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
