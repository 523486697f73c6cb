"""The model kinds, in one list that every chooser reads (no torch here, so the CLI parser stays light).

:mod:`explorer.core.recurrent.models` builds them; the command line's choices,
the training config, checkpoint names and the work store's validation all read
:data:`MODEL_KINDS` (through ``models`` or straight from here).
"""

from __future__ import annotations

MODEL_KINDS = ("srn", "gru", "lstm")
"""Every model kind, in the order they are offered."""

MODEL_TITLES = {"srn": "SRN", "gru": "GRU", "lstm": "LSTM"}
"""How each kind is written for people."""


def kinds_text() -> str:
    """``"srn, gru or lstm"``: the kinds for a message."""
    return ", ".join(MODEL_KINDS[:-1]) + " or " + MODEL_KINDS[-1]
