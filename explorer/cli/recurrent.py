"""`python -m explorer recurrent …` (not built yet)."""

from __future__ import annotations


def register(experiments) -> None:
    parser = experiments.add_parser("recurrent", help="recurrent experiment (not available yet)")
    parser.set_defaults(run=lambda args: parser.error("the recurrent commands are not available yet"))
