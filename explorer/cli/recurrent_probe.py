"""``python -m explorer recurrent probe …``: which unit of a saved net counts, and how far."""

from __future__ import annotations


def register(commands, weights_args) -> None:
    """Add the ``probe`` sub-command to ``recurrent``'s sub-parsers."""
    probe = commands.add_parser(
        "probe", help="find the counting units of a saved net (a line fitted per unit and phase)"
    )
    weights_args(probe)
    probe.add_argument(
        "--max-n", type=int, default=None, help="largest n the fit is tested on (default 3L)"
    )
    probe.add_argument("--json", action="store_true", help="print one JSON object")
    probe.set_defaults(run=run_probe)


def run_probe(args) -> int:
    from explorer.cli.output import print_json
    from explorer.core.bounds import check_int
    from explorer.core.recurrent.counting import MAX_PROBE_N, probe_counting
    from explorer.core.recurrent.weights import load_net
    from explorer.core.threads import one_thread

    if args.max_n is not None:
        check_int("--max-n", args.max_n, 1, MAX_PROBE_N)
    net = load_net(args.weights, args.lang, args.model, args.hidden)
    if args.max_n is not None and args.max_n < net.L:
        check_int("--max-n", args.max_n, net.L, MAX_PROBE_N)  # names the net's L as the floor
    with one_thread():  # tiny tensors: extra threads only add overhead
        probe = probe_counting(net.model, net.language, net.L, args.max_n)
    if args.json:
        print_json(probe.to_json())
        return 0
    print(probe.best.sentence())
    held = probe.prediction_holds_to
    print(f"the net's predictions are right up to n = {held} (tested to n = {probe.tested_up_to})")
    for fit in sorted(probe.units, key=lambda u: (u.state, u.unit)):
        print(f"  {fit.sentence()}")
    return 0
