"""`python -m explorer kuzushiji …` (not built yet)."""

from __future__ import annotations


def register(experiments) -> None:
    parser = experiments.add_parser("kuzushiji", help="kuzushiji experiment (not available yet)")
    parser.set_defaults(run=lambda args: parser.error("the kuzushiji commands are not available yet"))
