"""The ten KMNIST classes: hiragana and romaji, and the font that draws them."""

from __future__ import annotations

from pathlib import Path

from explorer.core import paths

CLASSES: list[tuple[str, str]] = [
    ("お", "o"),
    ("き", "ki"),
    ("す", "su"),
    ("つ", "tsu"),
    ("な", "na"),
    ("は", "ha"),
    ("ま", "ma"),
    ("や", "ya"),
    ("れ", "re"),
    ("を", "wo"),
]

# An OFL subset of Noto Sans CJK JP (ASCII + kana) shipped in resources/ so the
# labels render on machines with no Japanese font; see scripts/make_kana_font.py.
KANA_FONT = "fonts/NotoSansJP-kana.otf"


def label(i: int) -> str:
    """Hiragana and romaji of class ``i``, e.g. ``"お (o)"``."""
    kana, romaji = CLASSES[i]
    return f"{kana} ({romaji})"


def kana_font_path() -> Path:
    """The shipped font file that covers every kana label."""
    return paths.resource(KANA_FONT)
