"""``python -m explorer kuzushiji classify IMAGE``: what a trained net thinks a picture shows.

Uses the same preprocessing as the drawing canvas (``core.kuzushiji.preprocess``).
"""

from __future__ import annotations

import json

from explorer.core.errors import UserError
from explorer.core.kuzushiji import nets, trained
from explorer.core.kuzushiji.classes import CLASSES
from explorer.core.kuzushiji.preprocess import classify, preprocess_file, top_k

TEXT_TOP = 3


def add_classify_parser(commands) -> None:
    """Add the ``classify`` sub-command to the kuzushiji command's sub-parsers."""
    cl = commands.add_parser(
        "classify",
        help="classify a picture of a hiragana (a drawing, photo or scan)",
        description="Classify a picture of one of the ten KMNIST hiragana. The picture is "
        "preprocessed as in the app's drawing canvas (inverted if light, cropped, scaled to "
        "fill the 28×28 frame, centred, blurred).",
    )
    cl.add_argument("image", metavar="IMAGE", help="image file (PNG, JPEG, …)")
    cl.add_argument("--weights", metavar="FILE", help="weights file (default: the last trained weights)")
    cl.add_argument(
        "--net",
        choices=list(nets.NETS),
        help="which net's last trained weights (default conv, else any trained net); "
        "with --weights, the kind of net for a bare state dict",
    )
    cl.add_argument(
        "--top", type=int, metavar="K", help=f"how many classes to list (default {TEXT_TOP}; all ten with --json)"
    )
    cl.add_argument("--json", action="store_true", help="print one JSON object")
    cl.set_defaults(run=run_classify)


def choose_net(weights: str | None, net: str | None) -> trained.TrainedNet:
    """The net to classify with: from ``weights``, else the last trained ``net`` (conv first)."""
    if weights:
        return trained.load_weights(weights, net)
    if net:
        found = trained.latest(net)
        if found is None:
            raise UserError(f"{nets.display_name(net)} has not been trained yet: {trained.HOW_TO_TRAIN}")
        return found
    for name in ("conv", "full", "lin"):
        found = trained.latest(name)
        if found is not None:
            return found
    raise UserError(f"no trained Kuzushiji net: {trained.HOW_TO_TRAIN}")


def run_classify(args) -> int:
    if args.top is not None and not 1 <= args.top <= len(CLASSES):
        raise UserError(f"--top must be between 1 and {len(CLASSES)}")
    pre = preprocess_file(args.image)
    chosen = choose_net(args.weights, args.net)
    probs = classify({chosen.name: chosen.model}, pre)[chosen.name]
    k = args.top or (len(CLASSES) if args.json else TEXT_TOP)
    ranked = top_k(probs, k)
    if args.json:
        result = {
            "net": nets.display_name(chosen.name),
            "weights": chosen.source,
            "inverted": pre.inverted,
            "top": [
                {"class": i, "kana": CLASSES[i][0], "romaji": CLASSES[i][1], "probability": p}
                for i, p in ranked
            ],
            "input28": pre.array28.tolist(),
        }
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{nets.display_name(chosen.name)} ({chosen.source}):")
    for rank, (i, p) in enumerate(ranked, 1):
        kana, romaji = CLASSES[i]
        print(f"{rank:>3}. {kana} {romaji:<4}{100 * p:6.1f} %")
    return 0
