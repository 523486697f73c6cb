"""``python -m explorer recurrent fsm …``: the state machine extracted from a saved net."""

from __future__ import annotations

from pathlib import Path


def register(commands, weights_args) -> None:
    """Add the ``fsm`` sub-command to ``recurrent``'s sub-parsers."""
    fsm = commands.add_parser(
        "fsm", help="extract the finite-state machine a saved net has built (k-means on its states)"
    )
    weights_args(fsm)
    fsm.add_argument(
        "--k",
        type=int,
        default=None,
        help="clusters (default: the smallest k that agrees with the net)",
    )
    fsm.add_argument(
        "--max-n",
        type=int,
        default=None,
        help="strings n = 1..N to extract from (default: training L)",
    )
    fsm.add_argument(
        "--state",
        default=None,
        choices=["hidden", "cell"],
        help="which state to cluster (default: cell for an LSTM, hidden for an SRN)",
    )
    fsm.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="a symbol is predicted above this probability (default 0.3)",
    )
    fsm.add_argument("--dot", default=None, help="also write the machine as Graphviz DOT here")
    fsm.add_argument(
        "--counterexample",
        action="store_true",
        help="also search the language's strings, shortest first, for the first where machine and net part",
    )
    fsm.add_argument(
        "--max-length",
        type=int,
        default=None,
        help="longest string searched with --counterexample (default: the string n = 3N; Dyck-1: 14)",
    )
    fsm.add_argument("--json", action="store_true", help="print one JSON object")
    fsm.set_defaults(run=run_fsm)


def summary(found, minimal: int) -> dict:
    """The JSON the command prints, from a :class:`~explorer.core.recurrent.state_machine.StateMachine`."""
    machine, fit = found.machine, found.agreement
    return {
        "states": [
            {
                "id": s,
                "start": s == machine.start,
                "predicts": list(label),
                "visits": int(machine.visits[s]),
            }
            for s, label in enumerate(machine.labels)
        ],
        "transitions": [
            {
                "from": t.source,
                "symbol": t.symbol,
                "to": t.target,
                "count": t.count,
                "share": round(t.share, 4),
            }
            for t in machine.transitions.values()
        ],
        "k": found.k,
        "k_found": found.found,
        "max_n": found.max_n,
        "state": found.visited.state,
        "threshold": found.visited.threshold,
        "determinism": round(found.determinism, 4),
        "fidelity": round(fit.fidelity, 4),
        "agrees_up_to": fit.horizon,
        "strings_correct": round(fit.strings, 4),
        "language": {
            "fidelity": round(fit.language_fidelity, 4),
            "strings_correct": round(fit.language_strings, 4),
            "agrees_up_to": fit.language_horizon,
        },
        "tested_up_to": fit.tested_up_to,
        "minimal_states": minimal,
    }


def run_fsm(args) -> int:
    from explorer.cli.options import check_net_options
    from explorer.cli.output import print_json
    from explorer.core.atomic import write_text
    from explorer.core.bounds import check_int
    from explorer.core.errors import UserError
    from explorer.core.recurrent.language_machine import minimal_states
    from explorer.core.recurrent.moore import to_dot
    from explorer.core.recurrent.state_machine import MAX_N, THRESHOLD, extract_state_machine
    from explorer.core.recurrent.weights import load_net
    from explorer.core.threads import one_thread

    # Checked before loading anything, and named as typed.
    check_net_options(args)
    if args.k is not None and args.k < 1:
        raise UserError(f"--k must be at least 1 (got {args.k})")
    if args.max_n is not None:
        check_int("--max-n", args.max_n, 1, MAX_N)
    if args.threshold is not None and not 0 < args.threshold < 1:
        raise UserError(f"--threshold must be between 0 and 1 (got {args.threshold})")
    if args.max_length is not None:
        from explorer.core.recurrent.counterexample import MAX_LENGTH

        if not args.counterexample:
            raise UserError("--max-length needs --counterexample")
        check_int("--max-length", args.max_length, 2, MAX_LENGTH)
    net = load_net(args.weights, args.lang, args.model, args.hidden)
    max_n = args.max_n if args.max_n is not None else min(net.L, MAX_N)
    with one_thread():  # tiny tensors: extra threads only add overhead
        found = extract_state_machine(
            net.model,
            net.language,
            max_n,
            k=args.k,
            state=args.state,
            threshold=THRESHOLD if args.threshold is None else args.threshold,
        )
        out = summary(found, minimal_states(net.language, max_n))
        parted = None
        if args.counterexample:
            from explorer.core.recurrent.counterexample import shortest_counterexample

            if args.max_length is not None and net.language.is_dyck:
                from explorer.core.recurrent.counterexample import MAX_DYCK_LENGTH

                check_int("--max-length (Dyck-1)", args.max_length, 2, MAX_DYCK_LENGTH)
            parted = shortest_counterexample(found, net.model, args.max_length)
            out.update(parted.to_json())
    if args.dot:
        write_text(Path(args.dot), to_dot(found.machine, Path(args.weights).stem))
    if args.json:
        print_json(out)
        return 0
    fit = found.agreement
    print(
        f"{found.machine.size} states from k = {found.k} clusters of the {found.visited.state} state"
        f" (strings n = 1..{max_n}; the language needs {out['minimal_states']})"
    )
    print(
        f"fidelity {fit.fidelity:.1%}, determinism {found.determinism:.1%},"
        f" agrees with the net up to n = {fit.horizon}, with the language up to n = {fit.language_horizon}"
    )
    for s, label in enumerate(found.machine.labels):
        moves = ", ".join(
            f"{t.symbol}→{t.target} ({t.count})"
            for t in found.machine.transitions.values()
            if t.source == s
        )
        mark = "start " if s == found.machine.start else ""
        print(f"  {mark}state {s}: predicts {label or '-'}; {moves}")
    if parted is not None:
        print(f"the machine {parted.summary}")
    return 0
