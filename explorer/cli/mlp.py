"""`python -m explorer mlp …` (not built yet)."""

from __future__ import annotations


def register(experiments) -> None:
    parser = experiments.add_parser("mlp", help="mlp experiment (not available yet)")
    parser.set_defaults(run=lambda args: parser.error("the mlp commands are not available yet"))
