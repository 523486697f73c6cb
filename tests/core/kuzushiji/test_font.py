"""The shipped kana font: small, licensed, and it draws every class label."""

from __future__ import annotations

import pytest

from explorer.core.kuzushiji.classes import CLASSES, kana_font_path
from explorer.core.kuzushiji.datasets import DATASETS


def test_font_is_shipped_small_with_its_licence():
    font = kana_font_path()
    assert 10_000 < font.stat().st_size < 1_000_000
    licence = (font.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_font_has_a_glyph_for_every_label(qapp):
    QtGui = pytest.importorskip("PySide6.QtGui")
    font_id = QtGui.QFontDatabase.addApplicationFont(str(kana_font_path()))
    assert font_id != -1
    try:
        assert QtGui.QFontDatabase.applicationFontFamilies(font_id) == ["Noto Sans JP Kana"]
        raw = QtGui.QRawFont(str(kana_font_path()), 16)
        # supportsCharacter(str) only handles Latin-1 in PySide6; the code point overload is right.
        text = "".join(kana + romaji for kana, romaji in CLASSES) + "×→✓−0123456789%"
        text += "".join(d.title + "".join(d.glyphs + d.class_names) for d in DATASETS.values())  # K49's 49 too
        assert [c for c in text if not raw.supportsCharacter(ord(c))] == []
        assert not raw.supportsCharacter(ord("漢"))  # a subset: no kanji
    finally:
        QtGui.QFontDatabase.removeApplicationFont(font_id)
