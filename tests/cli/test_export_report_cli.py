"""``explorer export`` and ``explorer report``: the window's figure sets and lab report, made headless."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from explorer.cli import main

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _not_blank(path: Path) -> bool:
    """More than a few colours in a coarse sample: something was drawn, not an empty white page."""
    image = QImage(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    return len(colours) > 8


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text") if "".join(t.itertext()).strip()]


def test_export_mlp_writes_the_course_names_at_the_asked_size(tmp_path, capsys):
    out = tmp_path / "figures"
    assert main(["export", "--tab", "mlp", "--out", str(out), "--size", "800x600", "--format", "png,svg"]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    names = {p.name for p in out.iterdir()}
    assert {p.name for p in printed} <= names  # it says what it wrote
    hidden = sorted(n for n in names if re.fullmatch(r"hid_\d+_\d+\.png", n))
    assert hidden and any(re.fullmatch(r"out_\d+\.png", n) for n in names)
    h = int(hidden[0].split("_")[1])
    assert {f"hid_{h}_{j}.png" for j in range(h)} <= names and f"out_{h}.svg" in names
    for png in out.glob("*.png"):
        image = QImage(str(png))
        assert (image.width(), image.height()) == (800, 600), png.name
        assert _not_blank(png), png.name
    for svg in out.glob("*.svg"):
        assert _svg_texts(svg), f"{svg.name} has no text (title, tick or axis labels)"


def test_export_recurrent_names_every_unit_pair(tmp_path, capsys):
    out = tmp_path / "rec"
    assert main(["export", "--tab", "recurrent", "--out", str(out), "--size", "640x480", "--format", "png"]) == 0
    names = {p.name for p in out.iterdir()}
    pairs = [n for n in names if re.fullmatch(r"anb\d*n(c\d*n)?_(srn|lstm)\d+_\d\d\.png", n)]
    assert pairs, names
    assert all(QImage(str(out / n)).size().toTuple() == (640, 480) for n in pairs)
    assert not [n for n in names if n.endswith(".svg")]  # only the asked format


@pytest.mark.parametrize("argv, says", [
    (["export", "--tab", "mlp", "--out", "X", "--size", "big"], "not a size like 1600x1200"),
    (["export", "--tab", "mlp", "--out", "X", "--format", "gif"], "formats are png, svg, pdf"),
    (["export", "--tab", "tables", "--out", "X"], "invalid choice"),
    (["report", "--out", "report.txt"], "ending in .html"),
])
def test_bad_arguments_give_one_line(argv, says, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert err.startswith("error:") and len(err.splitlines()) == 1 and says in err, err


def test_the_command_line_offers_exactly_the_list_of_experiments(capsys):
    from explorer.cli import build_parser
    from explorer.core.experiments import EXPERIMENTS, KEYS

    with pytest.raises(SystemExit):
        main(["export", "--tab", "nope", "--out", "X"])
    offered = re.search(r"choose from (.*)\)", capsys.readouterr().err)[1]
    assert re.findall(r"'(\w+)'", offered) == list(KEYS)
    commands = re.findall(r"^    (\w+)", build_parser().format_help(), re.MULTILINE)
    assert commands == [*KEYS, "export", "report"]  # each experiment's commands, from its cli module
    for each in EXPERIMENTS:
        with pytest.raises(SystemExit) as done:
            main([each.key, "--help"])
        assert done.value.code == 0


def test_an_unwritable_folder_is_one_error_line_and_no_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["export", "--tab", "mlp", "--out", str(blocker / "sub")]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def test_report_is_one_self_contained_file_with_the_apps_numbers(tmp_path, capsys, qtbot):
    out = tmp_path / "lab.html"
    assert main(["report", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # parses as XML
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!data:|#)""", text), "refers to an outside file"
    titles = ["".join(h.itertext()) for h in root.iter(f"{XHTML}h2")]
    assert "MLP on a grid" in titles
    assert root.iter(f"{SVG}svg").__next__() is not None  # figures inline as SVG

    from explorer.qt.mlp.tab import MLPTab

    tab = MLPTab()  # the same stored work the report was made from
    qtbot.addWidget(tab)
    accuracy = tab.accuracy_label.text()
    assert accuracy and accuracy in "".join(root.itertext())
    tab.shutdown()


@pytest.mark.gl
def test_export_recurrent_under_x_has_the_3d_view(tmp_path, capsys):
    out = tmp_path / "rec3d"
    assert main(["export", "--tab", "recurrent", "--out", str(out), "--size", "640x480", "--format", "png"]) == 0
    views = sorted(out.glob("*_3d*.png"))
    assert views, sorted(p.name for p in out.iterdir())
    image = QImage(str(views[0]))
    assert (image.width(), image.height()) == (640, 480)
    assert _not_blank(views[0])
    assert "3-D views are skipped" not in capsys.readouterr().err


# A second real process, as a user runs it: a segfault (exit 139) or a note on stderr shows there.
def _explorer(args: list[str], platform: str | None, display: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    if platform is not None:
        env["QT_QPA_PLATFORM"] = platform
    if not display:
        env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-m", "explorer", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def _report_3d_images(path: Path) -> list[QImage]:
    root = ET.parse(path).getroot()
    images = []
    for img in root.iter(f"{XHTML}img"):
        if img.get("alt", "").endswith("in 3-D"):
            images.append(QImage.fromData(base64.b64decode(img.get("src").split(",", 1)[1])))
    return images


def _image_not_blank(image: QImage) -> bool:
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    return not image.isNull() and len(colours) > 8


UNDER_X = [pytest.param(None, id="QT_QPA_PLATFORM-unset"), pytest.param("offscreen", id="QT_QPA_PLATFORM-offscreen")]


@pytest.mark.gl
@pytest.mark.parametrize("platform", UNDER_X)
def test_report_with_a_display_has_the_3d_view(platform, tmp_path):
    out = tmp_path / "lab.html"
    done = _explorer(["report", "--out", str(out)], platform, display=True)
    assert done.returncode == 0, done.stderr[-2000:]  # not 139 (it segfaulted with a display set)
    assert "no OpenGL" not in done.stderr
    views = _report_3d_images(out)
    assert views and all(_image_not_blank(v) for v in views)


@pytest.mark.gl
@pytest.mark.parametrize("platform", UNDER_X)
def test_export_recurrent_with_a_display_writes_the_3d_views(platform, tmp_path):
    out = tmp_path / "rec"
    done = _explorer(["export", "--tab", "recurrent", "--out", str(out), "--format", "png"], platform, display=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no OpenGL" not in done.stderr
    views = sorted(out.glob("*_3d*.png"))
    assert {p.stem.rsplit("_3d", 1)[1] for p in views} == {"", "_front", "_side", "_top"}
    assert all(_image_not_blank(QImage(str(p))) for p in views)


def test_without_a_display_export_and_report_skip_the_3d_views_with_one_note(tmp_path):
    out = tmp_path / "rec"
    done = _explorer(["export", "--tab", "recurrent", "--out", str(out), "--format", "png"], None, display=False)
    assert done.returncode == 0, done.stderr[-2000:]
    err = done.stderr.strip().splitlines()
    assert [line for line in err if "OpenGL" in line] == [err[0]] and err[0].startswith("note: no OpenGL")
    assert err[-1].startswith("wrote ") and len(err) == 2
    names = {p.name for p in out.iterdir()}
    assert not [n for n in names if "_3d" in n]
    assert [n for n in names if re.fullmatch(r"anb\d*n_(srn|lstm)\d+_\d\d\.png", n)]  # the 2-D views are there

    report = tmp_path / "lab.html"
    done = _explorer(["report", "--out", str(report)], None, display=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if "OpenGL" in line] == [
        "note: no OpenGL here (no display, or one without GLX): the 3-D views are not in the report; "
        "run on a desktop or under Xvfb to get them"]
    assert not _report_3d_images(report)
    assert "Recurrent dynamics" in report.read_text(encoding="utf-8")


def test_asking_for_x_without_a_display_is_one_error_line_not_an_abort(tmp_path):
    done = _explorer(["export", "--tab", "mlp", "--out", str(tmp_path / "out")], "xcb", display=False)
    assert done.returncode == 2  # Qt's xcb platform aborts the process (134) when it finds no display
    assert done.stderr.strip().splitlines() == [
        "error: QT_QPA_PLATFORM=xcb needs a display and DISPLAY is not set; unset QT_QPA_PLATFORM to export without one"]
    assert not (tmp_path / "out").exists()


def test_export_and_report_never_build_a_tab(tmp_path):
    """The figures and the report come from each experiment's model: no tab module is even imported."""
    code = (
        "import sys\n"
        "from explorer.cli import main\n"
        "from explorer.core.experiments import EXPERIMENTS\n"
        f"codes = [main(['export', '--tab', e.key, '--out', {str(tmp_path)!r} + '/' + e.key, '--format', 'png'])\n"
        "         for e in EXPERIMENTS]\n"
        f"codes.append(main(['report', '--out', {str(tmp_path / 'lab.html')!r}]))\n"
        "tabs = sorted(e.tab.partition(':')[0] for e in EXPERIMENTS if e.tab.partition(':')[0] in sys.modules)\n"
        "print('RESULT', codes, tabs)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "RESULT [0, 0, 0, 0] []"
    assert (tmp_path / "lab.html").is_file() and any((tmp_path / "mlp").glob("*.png"))


def test_damaged_stored_work_is_set_aside_with_one_note_and_the_defaults_exported(tmp_path, capsys, user_data_dir):
    stored = user_data_dir / "work" / "mlp" / "work.json"
    stored.parent.mkdir(parents=True)
    stored.write_text("{not json", encoding="utf-8")
    out = tmp_path / "figures"
    assert main(["export", "--tab", "mlp", "--out", str(out), "--format", "png"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("note: ") and "work.json.damaged" in err[0], err
    assert (stored.parent / "work.json.damaged").read_text(encoding="utf-8") == "{not json"  # kept, not lost
    assert any(out.glob("*.png"))
