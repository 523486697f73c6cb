"""``python -m explorer mlp train|evaluate``: the two-layer MLP on the 9-point grid."""

from __future__ import annotations

import sys

from explorer.cli.output import print_json
from explorer.core.bounds import check_float
from explorer.core.mlp import analysis
from explorer.core.mlp.data import BUILTIN_SETS, Dataset2D, checkerboard, load_csv
from explorer.core.mlp.network import ACTIVATIONS, MAX_HIDDEN, reference_step_network
from explorer.core.mlp.training import TrainConfig, train
from explorer.core.mlp.weights_io import (
    load_weights_file,
    save_json,
    to_python_block,
)
from explorer.core.progress import run_to_end

_SET_NAMES = {
    name.split(" (")[0].lower().replace(" ", "-"): make for name, make in BUILTIN_SETS.items()
}


def register(experiments) -> None:
    parser = experiments.add_parser("mlp", help="two-layer MLP on the 9-point checkerboard")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tr = commands.add_parser("train", help="train a sigmoid 2-H-1 net by the course recipe")
    _data_options(tr)
    defaults = TrainConfig()
    tr.add_argument(
        "--hidden",
        type=int,
        default=defaults.hidden,
        help=f"hidden units, 1-{MAX_HIDDEN} (default %(default)s)",
    )
    tr.add_argument(
        "--seed", type=int, default=defaults.seed, help="random seed (default %(default)s)"
    )
    tr.add_argument(
        "--lr", type=float, default=defaults.lr, help="Adam learning rate (default %(default)s)"
    )
    tr.add_argument(
        "--init-std",
        type=float,
        default=defaults.init_std,
        help="initial weight size (default %(default)s)",
    )
    tr.add_argument(
        "--weight-decay", type=float, default=defaults.weight_decay, help="default %(default)s"
    )
    tr.add_argument(
        "--max-epochs", type=int, default=defaults.max_epochs, help="default %(default)s"
    )
    tr.add_argument(
        "--stable-epochs",
        type=int,
        default=defaults.stable_epochs,
        help="stop after this many epochs at 100 %% (default %(default)s)",
    )
    tr.add_argument("--save", metavar="FILE.json", help="also write the trained weights as JSON")
    tr.add_argument("--json", action="store_true", help="print one JSON object")
    tr.set_defaults(run=run_train)

    ev = commands.add_parser(
        "evaluate", help="evaluate given weights: accuracy, lines, activation table"
    )
    _data_options(ev)
    source = ev.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--weights", metavar="FILE", help="weights: .json, .py/.txt (Python block) or .pt/.pth"
    )
    source.add_argument(
        "--reference", action="store_true", help="the report's hand-designed step network"
    )
    ev.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        help="default: the one stored with the weights, else step",
    )
    ev.add_argument(
        "--scale", type=float, default=1.0, help="multiply every weight and bias (default 1)"
    )
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(run=run_evaluate)


def _data_options(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--data", metavar="FILE.csv", help="x, y, target CSV (default: the course's check.csv)"
    )
    group.add_argument("--builtin", choices=sorted(_SET_NAMES), help="a built-in data set instead")


def _dataset(args) -> Dataset2D:
    if args.data:
        return load_csv(args.data)
    if args.builtin:
        return _SET_NAMES[args.builtin]()
    return checkerboard()


def run_train(args) -> int:
    config = TrainConfig(
        hidden=args.hidden,
        init_std=args.init_std,
        lr=args.lr,
        weight_decay=args.weight_decay,
        max_epochs=args.max_epochs,
        stable_epochs=args.stable_epochs,
        seed=args.seed,
        report_every=max(1, min(10_000, args.max_epochs // 20)),
    ).validate()
    dataset = _dataset(args)

    def show(record) -> None:
        print(record.message, file=sys.stderr)

    result = run_to_end(train(dataset, config), show)
    if args.save:
        save_json(result.weights, args.save, "sigmoid")
    if args.json:
        out = {
            "accuracy": result.accuracy,
            "loss": result.loss,
            "epochs": result.epochs,
            "stopped_by_rule": result.stopped_by_rule,
            "weights": result.weights.to_lists(),
        }
        print_json(out)
        return 0
    rule = (
        "stopped: 100 % for" if result.stopped_by_rule else "max epochs reached without 100 % for"
    )
    print(f"epochs:   {result.epochs:,} ({rule} {config.stable_epochs:,} epochs)")
    print(f"loss:     {result.loss:.4f}")
    print(f"accuracy: {result.accuracy:.1f} %")
    print(to_python_block(result.weights, digits=6), end="")
    return 0


def run_evaluate(args) -> int:
    if args.reference:
        weights, stored = reference_step_network(), "step"
    else:
        weights, stored = load_weights_file(args.weights)
    activation = args.activation or stored or "step"
    # Beyond a million every sigmoid is a step already; far beyond, the sums overflow.
    check_float("--scale", args.scale, -1e6, 1e6)
    weights = weights.scaled(args.scale)
    dataset = _dataset(args)
    table = analysis.activation_table(weights, dataset, activation)
    acc = analysis.accuracy(weights, dataset, activation)
    lines = [line.equation() for line in analysis.hidden_lines(weights)]
    if args.json:
        out = {
            "accuracy": acc,
            "activation": activation,
            "scale": args.scale,
            "lines": lines,
            "table": [row.to_json() for row in table],
        }
        if activation == "sigmoid":
            out["max_sigmoid_step_difference"] = analysis.max_sigmoid_step_difference(
                weights, dataset, 1.0
            )
        print_json(out)
        return 0
    print(f"activation: {activation}, scale ×{args.scale:g}")
    for j, line in enumerate(lines, start=1):
        print(f"hidden unit {j}: {line}")
    hid_heads = "".join(f"{'h' + str(j):>8}" for j in range(1, weights.hidden + 1))
    print(f"{'x':>7}{'y':>7}{hid_heads}{'output':>9}{'target':>8}")
    for row in table:
        hid = "".join(f"{v:8.3f}" for v in row.hidden)
        mark = "ok" if row.correct else "WRONG"
        print(f"{row.x:7.3g}{row.y:7.3g}{hid}{row.output:9.3f}{row.target:8d}  {mark}")
    print(f"accuracy: {acc:.1f} %")
    if activation == "sigmoid":
        diff = analysis.max_sigmoid_step_difference(weights, dataset, 1.0)
        print(f"largest |sigmoid - step| output difference: {diff:.4f}")
    return 0
