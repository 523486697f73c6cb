"""A settings file never carries a pickled object to Qt (see tests/qt/test_settings_file_qt.py)."""

from __future__ import annotations

from explorer.core.settings_file import drop_unsafe_values

# What QSettings writes for a Python object (PySide pickles it): the form.
PICKLED = (
    r"@Variant(\0\0\0\x7f\0\0\0\x18PySide::PyObjectWrapper\0\0\0\0\x33\x80\x4\x95(\0\0\0\0\0\0\0"
    r"\x8c\x2io\x94\x8c\x4open\x94\x93\x94\x8c\xe/tmp/vt/marker\x94\x8c\x1w\x94\x86\x94R\x94.)"
)


def test_variant_values_are_dropped_in_every_spelling(tmp_path):
    ini = tmp_path / "settings.ini"
    text = (
        "[General]\n"
        "size=3\n"
        f"evil={PICKLED}\n"
        "name=@@Variant is text\n"  # how Qt writes a plain string starting with @
        f"escaped=\\x40{PICKLED[1:]}\n"  # \x40 is '@' once Qt unescapes it
        f"wide=\\x10040{PICKLED[1:]}\n"  # Qt keeps the low 16 bits of a long escape
        f"octal=\\0100{PICKLED[1:]}\n"
        f"continued=\\\n{PICKLED}\n"  # a trailing backslash continues the line
        f'quoted="{PICKLED}"\n'
        "; a comment\n"
        "\n"
        "[tab]\n"
        f"list=1, {PICKLED}\n"
        "lr=0.01\r\n"
    )
    ini.write_text(text, encoding="latin-1", newline="")
    dropped = drop_unsafe_values(ini)
    assert dropped == ["evil", "escaped", "wide", "octal", "continued", "quoted", "tab/list"]
    left = ini.read_bytes().decode("latin-1")
    assert "Variant(" not in left
    assert left == "[General]\nsize=3\nname=@@Variant is text\n; a comment\n\n[tab]\nlr=0.01\r\n"


def test_a_safe_file_is_left_alone(tmp_path):
    ini = tmp_path / "settings.ini"
    ini.write_bytes(b"[General]\nsize=3\ngeometry=@ByteArray(\\x1\\xd9)\nname=\xe9t\xe9\n")
    before = ini.stat().st_mtime_ns, ini.read_bytes()
    assert drop_unsafe_values(ini) == []
    assert (ini.stat().st_mtime_ns, ini.read_bytes()) == before


def test_a_missing_file_stays_missing(tmp_path):
    assert drop_unsafe_values(tmp_path / "settings.ini") == []
    assert not (tmp_path / "settings.ini").exists()
