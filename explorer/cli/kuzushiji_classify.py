"""``python -m explorer kuzushiji classify IMAGE_OR_FOLDER...``: what a trained net thinks pictures show.

Uses the same preprocessing as the drawing canvas (``core.kuzushiji.preprocess``).
Several images and folders (their image files, not sub-folders) can be given;
an image that cannot be read or holds no ink is reported and the others are
still classified, and the exit code is 2 if any failed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.datasets import (
    DATASETS,
    FOLDER_KEY,
    FOLDER_TITLE,
    KMNIST,
    DataSet,
    dataset,
    folder_dataset,
)
from explorer.core.kuzushiji.preprocess import Preprocessed, classify, preprocess_file, top_k

TEXT_TOP = 3
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}
"""Files taken from a folder (any file named on the command line is tried, whatever its name)."""


def add_classify_parser(commands) -> None:
    """Add the ``classify`` sub-command to the kuzushiji command's sub-parsers."""
    cl = commands.add_parser(
        "classify",
        help="classify a picture of a hiragana (a drawing, photo or scan)",
        description="Classify a picture of a hiragana (KMNIST's 10 or Kuzushiji-49's 49, as the net was trained), "
        "or of a class of a folder of images the net was trained on. The picture is "
        "preprocessed as in the app's drawing canvas (inverted if light, cropped, strokes brought to "
        "KMNIST's width, scaled to fill the 28×28 frame, centred; a folder net's pictures as its folder's were). "
        "Several images and folders may be given.",
    )
    cl.add_argument(
        "images",
        nargs="+",
        metavar="IMAGE_OR_FOLDER",
        help="image files (PNG, JPEG, …) and folders of them",
    )
    cl.add_argument("--weights", metavar="FILE", help="weights file (default: the last trained weights)")
    cl.add_argument(
        "--net",
        choices=list(nets.NETS),
        help="which net's last trained weights (default conv, else any trained net); "
        "with --weights, the kind of net for a bare state dict",
    )
    cl.add_argument(
        "--dataset",
        choices=[*DATASETS, FOLDER_KEY],
        default=KMNIST.key,
        help="whose last trained nets to use: "
        + ", ".join(f"{k} ({d.title})" for k, d in DATASETS.items())
        + f", {FOLDER_KEY} ({FOLDER_TITLE.lower()} last trained on)"
        + f"; default {KMNIST.key} (a weights file says its own)",
    )
    cl.add_argument(
        "--top", type=int, metavar="K", help=f"how many classes to list (default {TEXT_TOP}; all with --json)"
    )
    cl.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per image, one per line (with an 'error' key for an image that failed)",
    )
    cl.set_defaults(run=run_classify)


def choose_net(weights: str | None, net: str | None, data_set: DataSet = KMNIST) -> trained.TrainedNet:
    """The net to classify with: from ``weights``, else the last trained ``net`` of ``data_set`` (conv first)."""
    if weights:
        return trained.load(weights, net)
    on = "" if data_set is KMNIST else f" on {data_set.title}"
    if net:
        found = trained.latest(net, data_set)
        if found is None:
            raise UserError(f"{nets.display_name(net)} has not been trained{on} yet: {trained.HOW_TO_TRAIN}")
        return found
    for name in ("conv", "full", "lin"):
        found = trained.latest(name, data_set)
        if found is not None:
            return found
    raise UserError(f"no trained Kuzushiji net{on}: {trained.HOW_TO_TRAIN}")


def image_paths(arguments: list[str]) -> list[Path]:
    """The files to classify: each file as given, each folder's image files in name order.

    A folder with no image file, or a path that does not exist, is kept as
    it is so that classifying it reports the problem.
    """
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            paths.extend(found or [path])
        else:
            paths.append(path)
    return paths


def run_classify(args) -> int:
    # A folder net's own file names its classes: any folder's description lets it in.
    chosen = choose_net(args.weights, args.net, folder_dataset(()) if args.dataset == FOLDER_KEY else dataset(args.dataset))
    preparation = _preparation(chosen)
    classes = chosen.dataset.num_classes
    if args.top is not None and not 1 <= args.top <= classes:
        raise UserError(f"--top must be between 1 and {classes}")
    paths = image_paths(args.images)
    k = args.top or (classes if args.json else TEXT_TOP)
    failed = 0
    if not args.json and len(paths) > 1:
        print(f"{nets.display_name(chosen.name)} ({chosen.source}):")
    for path in paths:
        try:
            if path.is_dir():
                raise UserError(f"{path}: no image files in this folder")
            pre = _prepared(path, preparation)
        except UserError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
            if args.json:
                print(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        ranked = top_k(classify({chosen.name: chosen.model}, pre)[chosen.name], k)
        if args.json:
            print(json.dumps(_as_json(path, chosen, pre, ranked), ensure_ascii=False), flush=True)
        elif len(paths) > 1:
            print(f"{path}: " + ", ".join(_verdict(chosen, i, p) for i, p in ranked))
        else:
            print(f"{nets.display_name(chosen.name)} ({chosen.source}):")
            for rank, (i, p) in enumerate(ranked, 1):
                print(f"{rank:>3}. {_verdict(chosen, i, p)}")
    return 2 if failed else 0


def _preparation(chosen: trained.TrainedNet) -> str:
    """How the net's training pictures became 28×28: ``"drawing"`` unless a folder net's file says ``"resize"``."""
    if chosen.dataset.key != FOLDER_KEY or chosen.checkpoint is None:
        return "drawing"
    return chosen.checkpoint.extra.get("preparation", "drawing")  # checked by trained.load


def _prepared(path: Path, preparation: str) -> Preprocessed:
    """The picture as the net's input: as a drawing, or (a folder net's ``"resize"``) the whole picture shrunk."""
    if preparation == "drawing":
        return preprocess_file(path)
    from explorer.core.kuzushiji.image_folder import READ_SIDE, net_input
    from explorer.core.kuzushiji.preprocess import read_image

    return net_input(read_image(path, READ_SIDE), preparation, source=path.name)


def _verdict(chosen: trained.TrainedNet, i: int, p: float) -> str:
    if chosen.dataset.key == FOLDER_KEY:
        width = max(len(name) for name in chosen.dataset.class_names)
        return f"{chosen.dataset.class_names[i]:<{width}} {100 * p:6.1f} %"
    kana, romaji = chosen.dataset.glyphs[i], chosen.dataset.class_names[i]
    return f"{kana} {romaji:<4}{100 * p:6.1f} %"


def _entry(data_set: DataSet, i: int, p: float) -> dict:
    """One class of the ``top`` list: a folder's class by its name, a kana by its name, glyph and romaji."""
    if data_set.key == FOLDER_KEY:
        return {"class": i, "name": data_set.class_names[i], "probability": p}
    return {"class": i, "name": data_set.class_names[i], "kana": data_set.glyphs[i],
            "romaji": data_set.class_names[i], "probability": p}


def _as_json(path: Path, chosen: trained.TrainedNet, pre, ranked: list[tuple[int, float]]) -> dict:
    return {
        "file": str(path),
        "net": nets.display_name(chosen.name),
        "weights": chosen.source,
        "inverted": pre.inverted,
        "top": [_entry(chosen.dataset, i, p) for i, p in ranked],
        "input28": pre.array28.tolist(),
    }
