"""``python -m explorer kuzushiji …``: get the data, count parameters, train a net.

``train --data DIR`` takes a folder of KMNIST's or Kuzushiji-49's four files, or a
folder of pictures sorted into class sub-folders (a folder of images: class names
from the sub-folders, each picture prepared as a drawing or resized, a seeded split).

Each sub-command is a small function over the core (the GUI calls the same
functions). Progress goes to stderr; ``--json`` prints one object on stdout.
"""

from __future__ import annotations

import argparse
import sys

from explorer.cli.output import print_json
from explorer.core.bounds import check_int
from explorer.core.errors import UserError
from explorer.core.progress import Progress, run_to_end

LOG_INTERVAL = 10
"""Batches between ``Train Epoch`` lines, as in the course script."""

MAX_THREADS = 256


def register(experiments) -> None:
    """Add ``kuzushiji`` and its sub-commands to the experiments' sub-parsers."""
    parser = experiments.add_parser("kuzushiji", help="Kuzushiji-MNIST and Kuzushiji-49: data, nets, training")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    data = commands.add_parser("data", help="import or download the KMNIST or Kuzushiji-49 files")
    source = data.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--import",
        dest="import_dir",
        metavar="DIR",
        help="folder with KMNIST's four IDX (.gz) or .npz files, or Kuzushiji-49's four .npz files, "
        "or pictures in one sub-folder per class (it replaces the folder of images imported before)",
    )
    source.add_argument("--download", action="store_true", help="download from the mirrors")
    _dataset_option(data, "which data set --download fetches")
    _folder_options(data, test_fraction=False)
    data.set_defaults(run=run_data)

    params = commands.add_parser("params", help="trainable parameters of each net")
    params.add_argument("--json", action="store_true", help="print one JSON object")
    _dataset_option(params, "the data set whose classes the nets tell apart")
    params.set_defaults(run=run_params)

    train = commands.add_parser(
        "train", help="train a net with the course recipe (or your settings)"
    )
    train.add_argument("--net", default="conv", help="lin, full or conv (default conv)")
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--lr", type=float, default=0.01)
    train.add_argument("--momentum", type=float, default=0.5)
    train.add_argument("--batch", type=int, default=64)
    train.add_argument("--seed", type=int, default=1)
    train.add_argument(
        "--no-shuffle", action="store_true", help="keep the file order of the training images"
    )
    train.add_argument("--optimizer", default="sgd", help="sgd (default) or adam")
    train.add_argument("--device", default="cpu", help="cpu (default) or cuda, cuda:0, …")
    train.add_argument(
        "--data",
        metavar="DIR",
        help="read the data set's files from this folder instead of the stored data "
        "(which data set it is, from the file names), or a folder of pictures (PNG, JPEG, BMP, TIFF) "
        "in one sub-folder per class",
    )
    _dataset_option(train, "which stored data to train on (with --data: the data set the folder must hold)",
                    default=None, folder=True)
    _folder_options(train, test_fraction=True)
    train.add_argument("--save", metavar="FILE", help="also write the trained weights to FILE")
    train.add_argument(
        "--force",
        action="store_true",
        help="replace the stored net of this kind even if it scored better than this run",
    )
    train.add_argument(
        "--threads",
        type=int,
        help=f"CPU threads, 1-{MAX_THREADS} (default: all cores but one, or $EXPLORER_THREADS)",
    )
    train.add_argument("--json", action="store_true", help="print one JSON object with the results")
    train.set_defaults(run=run_train)

    try:  # `classify IMAGE` lives in its own module
        from explorer.cli.kuzushiji_classify import add_classify_parser
    except ImportError:
        return
    add_classify_parser(commands)


def _folder_options(parser, test_fraction: bool) -> None:
    parser.add_argument(
        "--preparation",
        metavar="HOW",
        help="a folder of pictures: 'drawing' prepares each picture as a drawing is (cropped to the ink, "
        "strokes brought to KMNIST's width, centred; the default), 'resize' shrinks the whole picture",
    )
    parser.add_argument(
        "--split-seed", type=int, metavar="N", help="a folder of pictures: the seed of its train/test split (default 0)"
    )
    if test_fraction:
        parser.add_argument(
            "--test-fraction",
            type=float,
            metavar="F",
            help="a folder of pictures: the share of each class's pictures kept for testing (default 0.2)",
        )


def _folder_settings(args: argparse.Namespace) -> dict:
    """The folder options given, checked, as ``read_image_folder``'s keyword arguments."""
    settings = {}
    if args.preparation is not None:
        settings["preparation"] = args.preparation
    if args.split_seed is not None:
        settings["seed"] = check_int("--split-seed", args.split_seed, 0, 2**32 - 1)
    share = getattr(args, "test_fraction", None)
    if share is not None:
        if not 0.0 < share < 1.0:  # NaN too
            raise UserError(f"--test-fraction must be between 0 and 1 (got {share})")
        settings["test_fraction"] = share
    return settings


def _given_folder_options(args: argparse.Namespace) -> list[str]:
    names = ("preparation", "split_seed", "test_fraction")
    return [f"--{name.replace('_', '-')}" for name in names if getattr(args, name, None) is not None]


def _dataset_option(parser, what: str, default: str | None = "", folder: bool = False) -> None:
    from explorer.core.kuzushiji.datasets import DATASETS, FOLDER_KEY, FOLDER_TITLE, KMNIST

    keys = [*DATASETS, FOLDER_KEY] if folder else list(DATASETS)
    titles = {**{k: d.title for k, d in DATASETS.items()}, FOLDER_KEY: f"{FOLDER_TITLE.lower()}: --data DIR, else the imported one"}
    choices = ", ".join(f"{k} ({titles[k]})" for k in keys)
    parser.add_argument("--dataset", choices=keys, default=KMNIST.key if default == "" else default,
                        help=f"{what}: {choices}; default {KMNIST.key}")


def _print_progress(record: Progress) -> None:
    percent = f" ({100 * record.fraction:.0f}%)" if record.fraction is not None else ""
    end = "\n" if record.keep or record.data.get("error") else ""
    print(f"\r{record.message}{percent}".ljust(79), end=end, file=sys.stderr, flush=True)


def run_data(args: argparse.Namespace) -> int:
    """Import a folder or download, then store the data for every later use."""
    from explorer.core.kuzushiji import dataset
    from explorer.core.kuzushiji.datasets import dataset as data_set

    if args.import_dir and _is_class_folder(args.import_dir):
        from explorer.core.kuzushiji.folder_data import import_image_folder

        settings = _folder_settings(args)
        tty = sys.stderr.isatty()
        folder = run_to_end(import_image_folder(args.import_dir, **settings), _print_progress if tty else None)
        if tty:
            print(file=sys.stderr)
        for line in folder.unreadable:
            print(f"note: left out {line}", file=sys.stderr)
        data = folder.data
    elif _given_folder_options(args):
        raise UserError(f"{', '.join(_given_folder_options(args))}: only for a folder of pictures in class sub-folders")
    elif args.import_dir:
        data = dataset.import_folder(args.import_dir)
    else:
        from explorer.core.kuzushiji import download

        data = run_to_end(download.download(data_set=data_set(args.dataset)), _print_progress)
        print(file=sys.stderr)
    print(f"stored: {data.describe()}")
    return 0


def run_params(args: argparse.Namespace) -> int:
    """Trainable parameters of NetLin, NetFull and NetConv."""
    from explorer.core.kuzushiji import nets
    from explorer.core.kuzushiji.datasets import dataset

    chosen = dataset(args.dataset)
    counts = {name: nets.parameter_count(nets.create(name, dataset=chosen)) for name in nets.NETS}
    if args.json:
        print_json(counts)
    else:
        for name, count in counts.items():
            print(f"{nets.display_name(name):<8} {count:>9,}")
    return 0


def _load_data(args: argparse.Namespace):
    """The data to train on, and what a net of it keeps in ``extra`` (a folder's preparation; else ``None``)."""
    from explorer.core.kuzushiji.datasets import FOLDER_KEY

    folder, key = args.data, args.dataset
    if folder and (key == FOLDER_KEY or (key is None and _is_class_folder(folder))):
        return _read_class_folder(folder, args)
    if key == FOLDER_KEY:
        return _stored_class_folder(args)
    return _load_files(folder, key, _given_folder_options(args)), None


def _stored_class_folder(args: argparse.Namespace):
    """The imported folder of images (``data --import``), and what its nets keep."""
    from explorer.core.kuzushiji.folder_data import load_stored_folder

    if _given_folder_options(args):
        raise UserError(f"{', '.join(_given_folder_options(args))}: the imported folder was prepared and split "
                        "when it was imported (import it again, or pass --data DIR)")
    stored = load_stored_folder()
    if stored is None:
        raise UserError("no folder of images yet: run `python -m explorer kuzushiji data --import DIR` "
                        "(pictures in one sub-folder per class), or pass --data DIR")
    return stored.data, {"preparation": stored.preparation}


def _load_files(folder: str | None, key: str | None, folder_options: list[str]):
    """KMNIST's or Kuzushiji-49's data: read from ``folder``'s four files, else the stored data."""
    from explorer.core.kuzushiji import dataset
    from explorer.core.kuzushiji.datasets import KMNIST
    from explorer.core.kuzushiji.datasets import dataset as data_set

    if folder_options:
        raise UserError(f"{', '.join(folder_options)}: only for a folder of pictures in class sub-folders (--data DIR)")
    if folder:
        try:
            return dataset.read_folder(folder, data_set(key) if key else None)
        except UserError as exc:
            if key or not str(exc).startswith("no "):
                raise
            raise UserError(f"{exc}; or pictures (PNG, JPEG, BMP, TIFF) in one sub-folder per class") from None
    chosen = data_set(key) if key else KMNIST
    data = dataset.load_stored(chosen)
    if data is None:
        which = "KMNIST" if chosen is KMNIST else chosen.title
        option = "" if chosen is KMNIST else f" --dataset {chosen.key}"
        raise UserError(
            f"no {which} data yet: run `python -m explorer kuzushiji data --download{option}` "
            "or `… data --import DIR`, or pass --data DIR"
        )
    return data


def _is_class_folder(folder: str) -> bool:
    """Whether ``folder`` holds class sub-folders and none of KMNIST's or Kuzushiji-49's files."""
    from pathlib import Path

    from explorer.core.kuzushiji.datasets import DATASETS

    root = Path(folder).expanduser()
    if not root.is_dir():
        return False
    official = {name for d in DATASETS.values() for _, names in d.layouts for name in names}
    if any((root / name).exists() for name in official):
        return False
    return any(entry.is_dir() for entry in root.iterdir())


def _read_class_folder(folder: str, args: argparse.Namespace):
    """The pictures in ``folder``'s class sub-folders as the data (not stored), and what its nets keep.

    Each file left out is a ``note:`` line on stderr.
    """
    from explorer.core.kuzushiji.dataset import from_image_folder
    from explorer.core.kuzushiji.image_folder import read_image_folder

    options = _folder_settings(args)
    tty = sys.stderr.isatty()  # a picture-by-picture count only where it can be redrawn in place
    read = run_to_end(read_image_folder(folder, **options), _print_progress if tty else None)
    print(f"\r{read.describe()}".ljust(79) if tty else read.describe(), file=sys.stderr)
    for unreadable in read.unreadable:
        print(f"note: left out {unreadable.describe()}", file=sys.stderr)
    return from_image_folder(read), {"preparation": read.preparation}


def run_train(args: argparse.Namespace) -> int:
    """Train one net, print the course's lines (or one JSON object) and save the weights."""

    from explorer.core.kuzushiji import evaluation, nets
    from explorer.core.kuzushiji.engine import TrainConfig, train
    from explorer.core.threads import use_training_threads

    config = TrainConfig(
        net=args.net,
        epochs=args.epochs,
        lr=args.lr,
        momentum=args.momentum,
        batch=args.batch,
        seed=args.seed,
        shuffle=not args.no_shuffle,
        optimizer=args.optimizer,
        device=args.device,
    )
    config.validate()
    if args.threads is not None:
        check_int("--threads", args.threads, 1, MAX_THREADS)
    if args.save:
        from explorer.core.atomic import check_target

        check_target(args.save)  # a device, folder or FIFO there: say so before minutes of training
    data, kept = _load_data(args)
    use_training_threads(args.threads)
    model = nets.create(config.net, seed=config.seed, dataset=data.dataset)
    n_train = len(data.train_images)
    out = sys.stderr if args.json else sys.stdout

    printed = {"line": None}

    def show(record: Progress) -> None:
        d = record.data
        if record.keep:  # an epoch's EpochRecord
            print(evaluation.format_confusion(d.confusion, data.dataset), file=out)
            print(f"\n{evaluation.format_test_line(d.evaluation)}\n", file=out, flush=True)
            return
        # one line per LOG_INTERVAL batches, whatever the engine's reporting interval
        line_number = (d["epoch"], (d["batch"] - 1) // LOG_INTERVAL)
        if line_number != printed["line"]:
            printed["line"] = line_number
            first = line_number[1] * LOG_INTERVAL
            line = evaluation.format_epoch_line(
                d["epoch"], first, config.batch, n_train, d["batches"], d["loss"]
            )
            print(line, file=out, flush=True)

    # A diverging run raises TrainingDiverged (a UserError: one line, nothing saved).
    result = run_to_end(train(model, data, config), show)
    _save(args, model, config, result, data.dataset, kept)
    if args.json:
        from explorer.core.kuzushiji.metrics import balanced_accuracy

        folder = {"class_names": list(data.dataset.class_names)} if kept is not None else {}
        print_json(
            {
                "net": config.net,
                "dataset": data.dataset.key,
                "classes": data.dataset.num_classes,
                **folder,
                "parameters": nets.parameter_count(model),
                "accuracy": result.evaluation.accuracy,
                "balanced_accuracy": 100.0 * balanced_accuracy(result.evaluation.confusion),
                "correct": result.evaluation.correct,
                "total": result.evaluation.total,
                "test_loss": result.evaluation.test_loss,
                "confusion": result.evaluation.confusion.tolist(),
                "epochs": result.epochs,
                "seconds": result.seconds,
                "images_per_second": result.images_per_second,
            }
        )
    else:
        print(
            f"{nets.display_name(config.net)}: {result.seconds:.1f} s, {result.images_per_second:,.0f} images/s"
        )
    return 0


def _stored_accuracy(name: str, data_set) -> float | None:
    """Test accuracy saved with the stored net ``name``; ``None`` if there is none (or it is unreadable)."""
    from explorer.core.kuzushiji import trained

    def warn(path, exc) -> None:
        print(f"warning: replacing the stored net: {exc}", file=sys.stderr)

    return trained.stored_accuracy(name, warn, data_set)


def _save(args: argparse.Namespace, model, config, result, data_set, kept: dict | None = None) -> None:
    """Write ``--save`` first, then the data folder's copy (only if not worse, or with ``--force``).

    Each write stands on its own, so one failing never costs the run while the
    other can keep it: a data folder that cannot be written (read-only, full, a
    file where a folder should be) costs a warning when ``--save`` worked, and a
    ``--save`` that failed after training still leaves the data folder's copy.
    """
    from explorer.core.kuzushiji import trained

    save_error: UserError | None = None
    if args.save:
        try:
            saved = trained.save(
                model, config.net, config, result.evaluation, result.seconds, path=args.save, dataset=data_set,
                extra=kept,
            )
            print(f"weights saved to {saved}", file=sys.stderr)
        except UserError as exc:
            save_error = exc
    try:
        kept_at = _keep_in_data_folder(args, model, config, result, data_set, kept)
    except (UserError, OSError) as exc:
        if save_error is not None:
            raise UserError(f"{save_error}; the data folder's copy failed too: {exc} "
                            "(the trained net was not kept)") from exc
        if not args.save:
            raise UserError(f"{exc} (the trained net was not kept; use --save FILE to write it elsewhere)") from exc
        print(f"warning: the data folder's copy was not written: {exc}", file=sys.stderr)
        return
    if save_error is not None:
        where = f"; the trained net was kept in the data folder ({kept_at})" if kept_at else ""
        raise UserError(f"{save_error}{where}") from save_error


def _keep_in_data_folder(args: argparse.Namespace, model, config, result, data_set, kept: dict | None = None):
    """The data folder's copy of the run (its path), unless the stored net is better (then ``None``)."""
    from explorer.core.kuzushiji import nets, trained

    stored = _stored_accuracy(config.net, data_set)
    if stored is not None and stored > result.evaluation.accuracy and not args.force:
        print(
            f"kept the stored {nets.display_name(config.net)} ({stored:.2f} % beats this run's "
            f"{result.evaluation.accuracy:.2f} %); use --force to replace it",
            file=sys.stderr,
        )
        return None
    return trained.save(model, config.net, config, result.evaluation, seconds=result.seconds, dataset=data_set,
                        extra=kept)
