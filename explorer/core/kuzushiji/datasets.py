"""The data sets the classifier knows: classes, file names, checksums, sizes and the checkpoints each owns.

Everything that would otherwise write a literal class count or an official
file name reads it from a :class:`DataSet` here. Kuzushiji-MNIST (KMNIST) is
the course's data set; Kuzushiji-49 (K49) is its larger, imbalanced sibling
(rois-codh/kmnist README: 48 hiragana and the iteration mark ゝ, released as
``.npz`` only, evaluated by balanced accuracy).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.checkpoints import kind_of
from explorer.core.errors import UserError

ROLES = ("train_images", "train_labels", "test_images", "test_labels")
"""The four parts of every data set, in the order its files are listed."""


@dataclass(frozen=True)
class DataFile:
    """One official file of a data set, as it is downloaded."""

    name: str
    role: str
    """Which part it holds: one of :data:`ROLES`."""
    md5: str
    size: int
    """Bytes of the array it holds once unpacked (header included): the most the file can weigh."""


@dataclass(frozen=True)
class DataSet:
    """What the app knows about one data set of 28×28 grey character images."""

    key: str
    """Short name, e.g. ``"kmnist"``: the command line's ``--dataset`` and the data folder's sub-folder."""
    title: str
    class_names: tuple[str, ...]
    """Romaji of each class, in label order."""
    glyphs: tuple[str, ...]
    """Hiragana of each class, in label order."""
    files: tuple[DataFile, ...]
    """The official download, one file per role in :data:`ROLES` order."""
    layouts: tuple[tuple[str, tuple[str, ...]], ...]
    """Accepted folder layouts: (format, the four file names in :data:`ROLES` order); the download's first."""
    train_size: int
    test_size: int
    mirrors: tuple[str, ...]
    """Base URLs the download tries in turn."""
    mirrors_env: str
    """Environment variable that overrides :attr:`mirrors` (comma-separated URLs)."""
    metric: str = "accuracy"
    """The measure its publishers recommend: ``"accuracy"`` or ``"balanced accuracy"``."""
    image_size: int = 28

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def store_name(self) -> str:
        """The file the imported data is kept in, inside the data folder's ``datasets/<key>/``."""
        return f"{self.key}.npz"

    def label(self, i: int) -> str:
        """Hiragana and romaji of class ``i``, e.g. ``"お (o)"`` (a folder's class: its name alone)."""
        if self.glyphs[i] == self.class_names[i]:
            return self.class_names[i]
        return f"{self.glyphs[i]} ({self.class_names[i]})"

    def labels(self) -> list[str]:
        """:meth:`label` of every class, in label order."""
        return [self.label(i) for i in range(self.num_classes)]

    def checkpoint_name(self, net_name: str) -> str:
        """File name of net ``net_name``'s last trained weights for this data set.

        KMNIST keeps the name it always had (``kuzushiji_conv.pt``), so weights
        users trained before there was a second data set still load.
        """
        if self.key == KMNIST_KEY:
            return f"kuzushiji_{net_name}.pt"
        return f"kuzushiji_{self.key}_{net_name}.pt"

    def layout(self, fmt: str) -> tuple[str, ...]:
        """The four file names of format ``fmt`` (e.g. ``"npz"``), in :data:`ROLES` order."""
        return dict(self.layouts)[fmt]

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(fmt for fmt, _ in self.layouts)

    def md5s(self) -> dict[str, str]:
        """File name → md5 of the official download."""
        return {f.name: f.md5 for f in self.files}


KMNIST_KEY = "kmnist"
_KMNIST_IDX = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

KMNIST = DataSet(
    key=KMNIST_KEY,
    title="Kuzushiji-MNIST",
    class_names=("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
    glyphs=("お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"),
    # torchvision's md5 sums (torchvision.datasets.KMNIST.resources), copied so that opening the
    # tab does not import torchvision (seconds at start-up) and the CPU-only bundle can download
    # too; tests/qt/test_startup.py checks they still equal torchvision's.
    files=(
        DataFile(f"{_KMNIST_IDX[0]}.gz", "train_images", "bdb82020997e1d708af4cf47b453dcf7", 16 + 60_000 * 28 * 28),
        DataFile(f"{_KMNIST_IDX[1]}.gz", "train_labels", "e144d726b3acfaa3e44228e80efcd344", 8 + 60_000),
        DataFile(f"{_KMNIST_IDX[2]}.gz", "test_images", "5c965bf0a639b31b8f53240b1b52f4d7", 16 + 10_000 * 28 * 28),
        DataFile(f"{_KMNIST_IDX[3]}.gz", "test_labels", "7320c461ea6c1c855c0b718fb2a4b134", 8 + 10_000),
    ),
    layouts=(
        ("idx.gz", tuple(f"{name}.gz" for name in _KMNIST_IDX)),
        ("idx", _KMNIST_IDX),
        ("npz", ("kmnist-train-imgs.npz", "kmnist-train-labels.npz", "kmnist-test-imgs.npz", "kmnist-test-labels.npz")),
    ),
    train_size=60_000,
    test_size=10_000,
    mirrors=(
        "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
        "https://huggingface.co/datasets/tanganke/kmnist/resolve/main/raw/",
    ),
    mirrors_env="EXPLORER_KMNIST_MIRRORS",
)

_NPY_HEADER = 128
"""Bytes of a ``.npy`` header as numpy writes it (the zip's own headers are in the download's margin)."""
_K49_NPZ = ("k49-train-imgs.npz", "k49-train-labels.npz", "k49-test-imgs.npz", "k49-test-labels.npz")

K49 = DataSet(
    key="k49",
    title="Kuzushiji-49",
    # Class order of k49_classmap.csv: the gojūon table, the archaic ゐ ゑ, を, ん and the iteration mark ゝ
    # (odoriji, one word so that tables of romaji stay aligned).
    class_names=(
        "a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so",
        "ta", "chi", "tsu", "te", "to", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho",
        "ma", "mi", "mu", "me", "mo", "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro",
        "wa", "wi", "we", "wo", "n", "odoriji",
    ),
    glyphs=tuple(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわゐゑをんゝ"
    ),
    # md5 sums of the official files as published alongside them (the same in every public loader
    # that checks them); the labels' sizes allow 8 bytes a label, whatever integer type they use.
    files=(
        DataFile(_K49_NPZ[0], "train_images", "7ac088b20481cf51dcd01ceaab89d821", _NPY_HEADER + 232_365 * 28 * 28),
        DataFile(_K49_NPZ[1], "train_labels", "44a8e1b893f81e63ff38d73cad420f7a", _NPY_HEADER + 232_365 * 8),
        DataFile(_K49_NPZ[2], "test_images", "d352e201d846ce6b94f42c990966f374", _NPY_HEADER + 38_547 * 28 * 28),
        DataFile(_K49_NPZ[3], "test_labels", "4da6f7a62e67a832d5eb1bd85c5ee448", _NPY_HEADER + 38_547 * 8),
    ),
    layouts=(("npz", _K49_NPZ),),
    train_size=232_365,
    test_size=38_547,
    mirrors=("http://codh.rois.ac.jp/kmnist/dataset/k49/",),
    mirrors_env="EXPLORER_K49_MIRRORS",
    metric="balanced accuracy",
)

DATASETS: dict[str, DataSet] = {d.key: d for d in (KMNIST, K49)}
"""Every data set by key, the course's first."""

FOLDER_KEY = "folder"
"""Key of a folder of images imported by the user (one at a time); its classes come from its folders."""
FOLDER_TITLE = "Folder of images"
MAX_FOLDER_CLASSES = 1000
"""Most classes a folder data set may have: each is one output of the nets."""
MAX_CLASS_NAME = 200
"""Longest class (folder) name kept."""


def folder_dataset(class_names: tuple[str, ...] | list[str]) -> DataSet:
    """The description of an imported folder of images with these classes (a class's glyph is its name).

    It has no official files or mirrors, and is measured by balanced accuracy (a folder's classes are
    rarely the same size). Its nets are ``kuzushiji_folder_<net>.pt``, apart from KMNIST's and K49's.
    """
    names = tuple(str(n) for n in class_names)
    return DataSet(
        key=FOLDER_KEY, title=FOLDER_TITLE, class_names=names, glyphs=names, files=(), layouts=(),
        train_size=0, test_size=0, mirrors=(), mirrors_env="", metric="balanced accuracy",
    )


def check_class_names(names: object, what: str) -> tuple[str, ...]:
    """``names`` as a folder data set's class names, checked as input from a stranger.

    A list of 2 to :data:`MAX_FOLDER_CLASSES` short, distinct texts, each a plain name (no control
    characters, no ``/`` or ``\\``, not ``.`` or ``..``); anything else is refused naming ``what``
    (e.g. ``"x.pt: meta field 'extra.class_names'"``).
    """
    if isinstance(names, str) or not isinstance(names, list | tuple):
        raise UserError(f"{what} should be a list of class names, not {kind_of(names)}")
    if not 2 <= len(names) <= MAX_FOLDER_CLASSES:
        raise UserError(f"{what} holds {len(names):,} class names, expected 2 to {MAX_FOLDER_CLASSES:,}")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise UserError(f"{what}: class name {i + 1} should be text, not {kind_of(name)}")
        if not name.strip() or len(name) > MAX_CLASS_NAME:
            raise UserError(f"{what}: class name {i + 1} is empty or longer than {MAX_CLASS_NAME} characters")
        if name in (".", "..") or any(c in "/\\" or not c.isprintable() for c in name):
            raise UserError(f"{what}: class name {i + 1} ({name[:40]!r}) is not a plain name")
    if len(set(names)) != len(names):
        raise UserError(f"{what}: a class name is repeated")
    return tuple(names)


def dataset(key: str) -> DataSet:
    """The data set called ``key``; an unknown key is refused naming the choices."""
    try:
        return DATASETS[key]
    except KeyError:
        raise UserError(f"unknown data set '{key}' (choose one of: {', '.join(DATASETS)})") from None
