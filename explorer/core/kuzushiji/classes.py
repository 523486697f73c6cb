"""The KMNIST classes under their old names, and the font that draws every kana label.

The classes themselves are described in :mod:`explorer.core.kuzushiji.datasets`;
``CLASSES`` and :func:`label` are KMNIST's, kept for the modules that use them.
"""

from __future__ import annotations

from pathlib import Path

from explorer.core import paths
from explorer.core.kuzushiji.datasets import KMNIST

CLASSES: list[tuple[str, str]] = list(zip(KMNIST.glyphs, KMNIST.class_names, strict=True))
"""KMNIST's (hiragana, romaji) per class."""

# An OFL subset of Noto Sans CJK JP (ASCII + kana) shipped in resources/ so the
# labels render on machines with no Japanese font; see scripts/make_kana_font.py.
KANA_FONT = "fonts/NotoSansJP-kana.otf"


def label(i: int) -> str:
    """Hiragana and romaji of KMNIST's class ``i``, e.g. ``"お (o)"``."""
    return KMNIST.label(i)


def kana_font_path() -> Path:
    """The shipped font file that covers every kana label."""
    return paths.resource(KANA_FONT)
