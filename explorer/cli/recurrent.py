"""``python -m explorer recurrent train|evaluate|trace|fsm|probe|compare …``: the recurrent-net experiment."""

from __future__ import annotations

import sys

from explorer.cli.options import check_net_options
from explorer.cli.output import print_json
from explorer.core.recurrent.kinds import MODEL_KINDS


def register(experiments) -> None:
    """Add ``recurrent`` and its sub-commands to the dispatcher."""
    parser = experiments.add_parser(
        "recurrent", help="SRNs, GRUs and LSTMs learning a^n b^2n, a^n b^2n c^3n and Dyck-1"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser("train", help="train a net on a language")
    train.add_argument("--lang", default="anb2n", help="anb2n, anb2nc3n, anb<k>nc<m>n or dyck1")
    train.add_argument("--model", default="srn", choices=list(MODEL_KINDS))
    train.add_argument(
        "--hidden", type=int, default=None, help="hidden units (course default per language)"
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--sequences", type=int, default=None, help="most training sequences")
    train.add_argument("--recipe", default="fast", choices=["course", "fast"])
    train.add_argument("--length", type=int, default=4, help="largest n in training (L)")
    train.add_argument(
        "--save",
        default=None,
        help="write the net here (.pth: course state dict; else app checkpoint)",
    )
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(run=run_train)

    evaluate = commands.add_parser(
        "evaluate", help="deterministic-prediction accuracy of a saved net"
    )
    _weights_args(evaluate)
    evaluate.add_argument(
        "--max-n", type=int, default=None, help="largest n for the per-n accuracy (default 3L)"
    )
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(run=run_evaluate)

    trace = commands.add_parser("trace", help="hidden states and predictions along one string")
    _weights_args(trace)
    trace.add_argument("--string", required=True, help="e.g. AABBBBA")
    trace.add_argument("--json", action="store_true")
    trace.set_defaults(run=run_trace)

    from explorer.cli import recurrent_compare, recurrent_fsm, recurrent_probe

    recurrent_fsm.register(commands, _weights_args)
    recurrent_probe.register(commands, _weights_args)
    recurrent_compare.register(commands)


def _weights_args(parser) -> None:
    parser.add_argument("--weights", required=True, help="app checkpoint or course .pth file")
    parser.add_argument("--lang", default=None)
    parser.add_argument("--model", default=None, choices=list(MODEL_KINDS))
    parser.add_argument("--hidden", type=int, default=None)


def _progress(record) -> None:
    if record.keep:
        print(record.message, file=sys.stderr, flush=True)


def run_train(args) -> int:
    from explorer.core.progress import run_to_end
    from explorer.core.recurrent.training import recipe, train
    from explorer.core.recurrent.weights import save_net
    from explorer.core.threads import use_training_threads

    changes = {"seed": args.seed, "L": args.length}
    if args.sequences is not None:
        changes["sequences"] = args.sequences
    from explorer.core.bounds import check_int
    from explorer.core.recurrent.languages import MAX_LENGTH
    from explorer.core.recurrent.models import MAX_HIDDEN
    from explorer.core.recurrent.training import MAX_SEQUENCES

    # Named as typed, so the one-line error points at the option.
    if args.hidden is not None:
        check_int("--hidden", args.hidden, 1, MAX_HIDDEN)
    check_int("--length", args.length, 1, MAX_LENGTH)
    if args.sequences is not None:
        check_int("--sequences", args.sequences, 1, MAX_SEQUENCES)
    config = recipe(args.recipe, args.lang, args.model, args.hidden, **changes)
    use_training_threads()
    result = run_to_end(train(config), _progress)
    if args.save:
        from explorer.core import checkpoints

        if args.save.endswith(".pth"):
            checkpoints.save_state_dict(args.save, result.state_dict)
        else:
            save_net(args.save, result.model, config.lang, result.hyperparameters)
    summary = {
        "solved": result.solved,
        "accuracy": round(result.accuracy, 2),
        "sequences": result.sequences,
        "seconds": round(result.seconds, 2),
        "per_n": {str(k): round(v, 2) for k, v in result.per_n.items()},
    }
    if args.json:
        print_json(summary)
    else:
        state = "solved" if result.solved else "not solved"
        print(
            f"{state}: accuracy {result.accuracy:.1f} % after {result.sequences:,} sequences in {result.seconds:.1f} s"
        )
    return 0


def run_evaluate(args) -> int:
    from explorer.core.bounds import check_int
    from explorer.core.recurrent.evaluation import MAX_N, accuracy, accuracy_per_n
    from explorer.core.recurrent.weights import load_net

    check_net_options(args)
    if args.max_n is not None:
        check_int("--max-n", args.max_n, 1, MAX_N)
    net = load_net(args.weights, args.lang, args.model, args.hidden)
    max_n = args.max_n if args.max_n is not None else min(3 * net.L, MAX_N)
    acc = accuracy(net.model, net.language, net.L)
    per_n = accuracy_per_n(net.model, net.language, max_n, net.L)
    if args.json:
        print_json(
            {
                "accuracy": round(acc, 2),
                "per_n": {str(k): round(v, 2) for k, v in per_n.items()},
            }
        )
    else:
        print(f"accuracy (n = 1..{net.L}): {acc:.1f} %")
        for n, value in per_n.items():
            print(f"  n = {n:2d}: {value:5.1f} %")
    return 0


def run_trace(args) -> int:
    from explorer.core.recurrent.languages import parse_string
    from explorer.core.recurrent.models import trace
    from explorer.core.recurrent.weights import load_net

    check_net_options(args)
    net = load_net(args.weights, args.lang, args.model, args.hidden)
    seq = parse_string(net.language, args.string)
    tr = trace(net.model, seq.inputs)
    if args.json:
        out = {
            "string": seq.text,
            "symbols": list(seq.text[:-1]),
            "states": seq.states.tolist(),
            "hidden": tr.hidden.tolist(),
            "probabilities": tr.probabilities.tolist(),
            "targets": seq.targets.tolist(),
        }
        if tr.cell is not None:
            out["cell"] = tr.cell.tolist()
        if tr.gates is not None:  # LSTM i, f, g, o; GRU r, z, n
            out["gates"] = {k: v.tolist() for k, v in tr.gates.items()}
        print_json(out)
    else:
        symbols = net.language.symbols
        for t, ch in enumerate(seq.text[:-1]):
            probs = " ".join(f"{symbols[i]}={p:.2f}" for i, p in enumerate(tr.probabilities[t]))
            hid = " ".join(f"{v:+.2f}" for v in tr.hidden[t])
            print(f"{t:3d} {ch}  hidden [{hid}]  next: {probs}")
    return 0
