"""``python -m explorer recurrent compare …``: SRN, GRU and LSTM trained and measured side by side."""

from __future__ import annotations

import sys


def register(commands) -> None:
    """Add the ``compare`` sub-command to ``recurrent``'s sub-parsers."""
    compare = commands.add_parser(
        "compare", help="train an SRN, a GRU and an LSTM on one language and seed, and compare them"
    )
    compare.add_argument("--lang", default="anb2n", help="anb2n, anb2nc3n, anb<k>nc<m>n or dyck1")
    compare.add_argument(
        "--hidden", type=int, default=None, help="hidden units for every model (default: each one's course size)"
    )
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--recipe", default="fast", choices=["course", "fast"])
    compare.add_argument("--sequences", type=int, default=None, help="most training sequences per model")
    compare.add_argument("--length", type=int, default=4, help="largest n in training (L)")
    compare.add_argument("--csv", default=None, help="also write the table here as CSV")
    compare.add_argument("--json", action="store_true", help="print one JSON object")
    compare.set_defaults(run=run_compare)


def _progress(record) -> None:
    if record.keep and "row" in record.data:
        print(record.message, file=sys.stderr, flush=True)


def run_compare(args) -> int:
    from explorer.cli.output import print_json
    from explorer.core.bounds import check_int
    from explorer.core.progress import run_to_end
    from explorer.core.recurrent.compare import CompareConfig, compare_models, comparison_table
    from explorer.core.recurrent.languages import MAX_LENGTH
    from explorer.core.recurrent.models import MAX_HIDDEN
    from explorer.core.recurrent.training import MAX_SEQUENCES
    from explorer.core.table_export import write_csv
    from explorer.core.threads import use_training_threads

    # Named as typed, so the one-line error points at the option.
    if args.hidden is not None:
        check_int("--hidden", args.hidden, 1, MAX_HIDDEN)
    check_int("--length", args.length, 1, MAX_LENGTH)
    check_int("--seed", args.seed, 0, 2**32 - 1)
    if args.sequences is not None:
        check_int("--sequences", args.sequences, 1, MAX_SEQUENCES)
    config = CompareConfig(args.lang, args.hidden, args.seed, args.recipe, args.length, args.sequences)
    config.configs()  # refuse a bad language before any training
    use_training_threads()
    comparison = run_to_end(compare_models(config), _progress)
    if args.csv:
        write_csv(args.csv, *comparison_table(comparison))
    if args.json:
        print_json(comparison.to_json())
        return 0
    for row in comparison.rows:
        state = "solved" if row.solved else "not solved"
        print(
            f"{row.model.upper()}-{row.hidden}: {state} ({row.accuracy:.1f} %), right to n = {row.generalises_to},"
            f" {row.states} states (the language needs {row.language_states});"
            f" counting {row.counting_state} unit {row.counting_unit} R² = {row.counting_r2:.3f},"
            f" holds to n = {row.counting_holds_to}"
        )
    return 0
