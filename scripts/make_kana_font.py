"""Build resources/fonts/NotoSansJP-kana.otf: a kana subset of Noto Sans CJK JP Regular.

Build-time only (the app just loads the result). Needs fontTools and the Debian
package fonts-noto-cjk (SIL Open Font License 1.1)::

    apt-get install -y fonts-noto-cjk
    python -m venv /tmp/fonttools && /tmp/fonttools/bin/pip install fonttools
    /tmp/fonttools/bin/python scripts/make_kana_font.py

Writes the font and resources/fonts/OFL.txt (the font's copyright notice and
the licence). The subset is renamed "Noto Sans JP Kana" so it never shadows a
full Noto Sans CJK JP installed on the system (the licence's only Reserved
Font Name is "Source").
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
FACE = "NotoSansCJKjp-Regular"
FAMILY = "Noto Sans JP Kana"
POSTSCRIPT = "NotoSansJPKana-Regular"

CODEPOINTS = [
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x100),  # Latin-1: ×, ·, °, accents
    *range(0x2010, 0x2027),  # dashes, quotes, …
    *range(0x3000, 0x3040),  # CJK punctuation: 、。「」
    *range(0x3040, 0x3100),  # hiragana and katakana
    *map(ord, "←→−✓■□▲▼●○"),  # arrows, minus, tick, markers (no ✗ in Noto CJK: use ×)
]


def jp_face(ttc: Path):
    """The Noto Sans CJK JP Regular face out of the collection."""
    for font in TTCollection(str(ttc)).fonts:
        if font["name"].getDebugName(6) == FACE:
            return font
    raise SystemExit(f"{FACE} not found in {ttc}")


def rename(font) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (4,):
            record.string = f"{FAMILY} Regular"
        elif record.nameID in (3, 6, 20):
            record.string = POSTSCRIPT
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [POSTSCRIPT]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY


def ofl_text(font) -> str:
    """The font's copyright notice followed by the OFL 1.1 text from the Debian package."""
    notice = font["name"].getDebugName(0)
    text = COPYRIGHT.read_text(encoding="utf-8")
    # The licence paragraph is the "License: SIL-1.1" line followed by indented text.
    body = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, re.M).group(1)
    lines = [line[1:] if line.startswith(" ") else line for line in body.splitlines()]
    lines = ["" if line == "." else line for line in lines]
    header = (
        f"{FAMILY} (resources/fonts/NotoSansJP-kana.otf) is a subset of Noto Sans CJK JP\n"
        f"Regular made by scripts/make_kana_font.py from the Debian package fonts-noto-cjk\n"
        f"(upstream https://github.com/googlefonts/noto-cjk), renamed so that it never\n"
        f"shadows a full Noto Sans CJK JP installed on the system.\n\nCopyright notice in the original font: {notice}\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
    )
    return header + "\n".join(lines).strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttc", type=Path, default=TTC)
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "fonts")
    args = parser.parse_args()
    font = jp_face(args.ttc)
    cmap = font.getBestCmap()
    wanted = [cp for cp in CODEPOINTS if cp in cmap]
    missing = [f"U+{cp:04X}" for cp in CODEPOINTS if cp not in cmap]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    rename(font)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "NotoSansJP-kana.otf"
    font.save(str(target))
    (args.out / "OFL.txt").write_text(ofl_text(font), encoding="utf-8")
    print(f"{target}: {target.stat().st_size:,} bytes, {len(wanted)} characters")
    if missing:
        print("not in the font:", " ".join(missing))


if __name__ == "__main__":
    main()
