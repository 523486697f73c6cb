"""``main.py --self-test``: the report, the exit codes, and where it writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from explorer import selftest

ROOT = Path(__file__).resolve().parent.parent


def test_self_test_passes_and_writes_only_under_the_data_folder(tmp_path):
    data, cwd = tmp_path / "data", tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "EXPLORER_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test"],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    for step in ("resources", "MLP", "recurrent", "Kuzushiji", "drawing", "3-D view"):
        assert f"ok  {step}" in out.stdout
    assert "drawing 0." in out.stdout and "picture 0." in out.stdout  # both classify paths ran
    assert "100 % after" in out.stdout  # the MLP really reached 100 %
    assert "skipped: Qt platform 'offscreen'" in out.stdout  # and says so when it cannot draw
    assert out.stdout.rstrip().splitlines()[-1].startswith("self-test passed")
    assert sorted(p.name for p in (data / "selftest").iterdir()) == ["mlp_check_5.json", "netconv.pt"]
    assert list(cwd.iterdir()) == []
    assert not (tmp_path / "home").exists()


def test_a_failing_step_gives_one_line_and_exit_1(monkeypatch, capsys):
    def broken() -> str:
        raise FileNotFoundError("resources/check.csv")

    monkeypatch.setattr(selftest, "STEPS", [("resources", broken), ("MLP", selftest.train_mlp)])
    assert selftest.run() == 1
    out = capsys.readouterr()
    assert out.err.strip() == "self-test failed: resources: FileNotFoundError: resources/check.csv"
    assert "ok  MLP" not in out.out  # it stops at the first failure
