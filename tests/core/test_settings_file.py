"""Settings are plain values in the app's own JSON file (the app-level test: tests/qt/test_settings_file_qt.py)."""

from __future__ import annotations

import json
import os

import pytest

from explorer.core.settings_file import MAX_BYTES, SettingsFile


def test_values_round_trip_through_a_json_file(tmp_path):
    path = tmp_path / "settings.json"
    settings = SettingsFile(path)
    settings.set_value("window/tab", 2)
    settings.set_value("mlp/lr", 0.01)
    settings.set_value("kuzushiji/net", "conv")
    settings.set_value("mlp/shuffle", True)
    settings.set_value("recent", ("a", "b"))
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "window/tab": 2, "mlp/lr": 0.01, "kuzushiji/net": "conv", "mlp/shuffle": True, "recent": ["a", "b"]}
    again = SettingsFile(path)
    assert again.value("window/tab") == 2 and again.value("mlp/lr") == 0.01
    assert again.value("recent") == ["a", "b"] and again.value("missing", "default") == "default"
    again.remove("recent")
    assert SettingsFile(path).value("recent") is None


def test_only_plain_values_can_be_kept(tmp_path):
    settings = SettingsFile(tmp_path / "settings.json")
    for bad in (object(), {"a": 1}, float("nan"), 10**30, [[1]], "x" * 20_000, b"bytes"):
        with pytest.raises(TypeError):
            settings.set_value("key", bad)
    with pytest.raises(TypeError):
        settings.set_value("k" * 500, 1)


def test_a_file_with_other_values_keeps_only_the_plain_ones(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "window/tab": 1, "nested": {"a": 1}, "deep": [[1, 2]], "huge": 10**40,
        "text": "@Variant(\\0\\0\\0\\x7fPySide::PyObjectWrapper)", "k" * 300: 3,
    }), encoding="utf-8")
    settings = SettingsFile(path)
    assert settings.keys() == ["text", "window/tab"]
    # A string that looks like Qt's variant syntax is only text here: nothing decodes it.
    assert settings.value("text").startswith("@Variant(")
    assert settings.problems and "not plain" in settings.problems[0]


@pytest.mark.parametrize("content", [
    b"[General]\ngeometry=@Variant(\\0)\n",  # an INI file under the JSON name
    b'["a", "list"]',
    b"\xff\xfe not utf-8",
    b"[" * 100_000,  # nesting json.loads cannot follow
    b'{"a": 1',  # cut short
])
def test_a_damaged_file_is_set_aside_and_defaults_are_used(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings = SettingsFile(path)
    assert settings.keys() == []
    assert (tmp_path / "settings.json.damaged").read_bytes() == content
    assert "could not be read" in settings.problems[0]
    settings.set_value("window/tab", 1)  # and the app goes on with a fresh file
    assert SettingsFile(path).value("window/tab") == 1


def test_an_oversized_file_is_not_read(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"pad": "x" * 9_000, **{f"k{i}": i for i in range(MAX_BYTES // 8)}}))
    settings = SettingsFile(path)
    assert settings.keys() == [] and "larger than" in settings.problems[0]


def test_a_folder_or_a_fifo_in_its_place_gives_defaults(tmp_path):
    folder = tmp_path / "settings.json"
    folder.mkdir()
    assert SettingsFile(folder).keys() == []
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    settings = SettingsFile(fifo)  # never opened: reading a FIFO would block the start
    assert settings.keys() == [] and "not a regular file" in settings.problems[0]


def test_two_windows_keep_each_others_settings(tmp_path):
    path = tmp_path / "settings.json"
    first, second = SettingsFile(path), SettingsFile(path)
    first.set_value("mlp/lr", 0.5)
    second.set_value("window/tab", 2)
    kept = SettingsFile(path)
    assert kept.value("mlp/lr") == 0.5 and kept.value("window/tab") == 2


def test_a_read_only_folder_keeps_values_for_the_session(tmp_path, caplog):
    folder = tmp_path / "ro"
    folder.mkdir()
    settings = SettingsFile(folder / "missing" / "deeper" / "settings.json")
    (folder / "missing").write_text("a file where a folder should be")
    with caplog.at_level("WARNING"):
        settings.set_value("window/tab", 2)
        settings.set_value("window/tab", 1)
    assert settings.value("window/tab") == 1
    assert sum("changes are kept until the app closes" in r.getMessage() for r in caplog.records) == 1
