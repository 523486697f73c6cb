"""Checks of command-line options shared by several commands, named as the user typed them."""

from __future__ import annotations


def check_net_options(args) -> None:
    """``--hidden`` of ``recurrent evaluate|trace|fsm``, checked before any file is read.

    ``--hidden 0`` must not fall back, unnoticed, to the size in the file's name.
    """
    from explorer.core.bounds import check_int
    from explorer.core.recurrent.models import MAX_HIDDEN

    if args.hidden is not None:
        check_int("--hidden", args.hidden, 1, MAX_HIDDEN)
