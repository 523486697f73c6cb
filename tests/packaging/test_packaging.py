"""The packaging helpers that run without building a bundle: desktop install, icons, requirements."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


@pytest.fixture
def fake_bundle(tmp_path):
    """A folder shaped like dist/neural-explorer/, in a path with a space, as users have."""
    bundle = tmp_path / "My Apps" / "neural-explorer"
    (bundle / "_internal" / "resources" / "icons").mkdir(parents=True)
    exe = bundle / "neural-explorer"
    exe.write_text("#!/bin/sh\necho hello\n")
    exe.chmod(0o755)
    shutil.copy(PACKAGING / "neural-explorer.desktop", bundle)
    shutil.copy(PACKAGING / "install-desktop.sh", bundle)
    shutil.copy(ROOT / "resources" / "icons" / "app.svg", bundle / "_internal" / "resources" / "icons")
    return bundle


def _install(bundle: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    return subprocess.run(["bash", str(bundle / "install-desktop.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_install_desktop_writes_an_absolute_exec_and_the_icon(fake_bundle, tmp_path):
    home = tmp_path / "home"
    out = _install(fake_bundle, home)  # no argument: the bundle the script sits in
    assert out.returncode == 0, out.stderr
    entry = (home / ".local/share/applications/neural-explorer.desktop").read_text()
    lines = entry.splitlines()
    assert lines[0] == "[Desktop Entry]"
    assert f'Exec="{fake_bundle / "neural-explorer"}"' in lines
    assert f"TryExec={fake_bundle / 'neural-explorer'}" in lines
    assert "Icon=neural-explorer" in lines and "Terminal=false" in lines
    assert sum(line.startswith("Exec=") for line in lines) == 1
    svg = home / ".local/share/icons/hicolor/scalable/apps/neural-explorer.svg"
    assert svg.read_bytes() == (ROOT / "resources/icons/app.svg").read_bytes()

    out = _install(fake_bundle, home, "--uninstall")
    assert out.returncode == 0 and not svg.exists()
    assert not (home / ".local/share/applications/neural-explorer.desktop").exists()


def test_install_desktop_refuses_a_folder_without_the_program(tmp_path):
    out = _install(PACKAGING, tmp_path / "home", str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error:") and "no neural-explorer executable" in out.stderr
    assert not (tmp_path / "home" / ".local").exists()


def test_icons_for_windows_and_macos_are_made_from_the_svg(tmp_path):
    from PIL import Image

    out = subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    ico = Image.open(tmp_path / "neural-explorer.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    icns = Image.open(tmp_path / "neural-explorer.icns")
    assert icns.size == (1024, 1024)
    png = Image.open(tmp_path / "neural-explorer.png").convert("RGBA")
    assert png.size == (256, 256)
    assert png.getpixel((128, 128))[3] == 255 and png.getpixel((0, 0))[3] == 0  # drawn, rounded corners


def test_build_requirements_follow_pyproject():
    sys.path.insert(0, str(PACKAGING))
    try:
        import requirements
    finally:
        sys.path.remove(str(PACKAGING))
    gpu, cpu = requirements.requirements(cpu=False), requirements.requirements(cpu=True)
    assert any(r.startswith("torchvision") for r in gpu) and any(r.startswith("pyinstaller") for r in gpu)
    assert not any(r.startswith(("pytest", "ruff")) for r in gpu)  # never the test extra
    assert cpu[0] == "torch==2.13.0" and not any(r.startswith(("torchvision", "torch=")) for r in cpu[1:])
    assert set(gpu) - set(cpu) == {r for r in gpu if r.startswith("torch")}
