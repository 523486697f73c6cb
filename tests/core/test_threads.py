"""The one thread-count policy: all cores but one, overridden by EXPLORER_THREADS."""

from __future__ import annotations

import pytest
import torch

from explorer.core import threads
from explorer.core.errors import UserError


@pytest.fixture
def restore_torch_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 1), (8, 7)])
def test_all_cores_but_one_and_at_least_one(monkeypatch, cores, expected):
    monkeypatch.delenv(threads.ENV_VAR, raising=False)
    monkeypatch.setattr(threads, "available_cores", lambda: cores)
    assert threads.training_threads() == expected


def test_the_environment_variable_overrides_the_policy(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda: 2)
    monkeypatch.setenv(threads.ENV_VAR, " 3 ")
    assert threads.training_threads() == 3


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_a_bad_environment_variable_is_refused_naming_it(monkeypatch, bad):
    monkeypatch.setenv(threads.ENV_VAR, bad)
    with pytest.raises(UserError, match=f"EXPLORER_THREADS must be a whole number of at least 1 \\(got '{bad}'\\)"):
        threads.training_threads()


def test_use_training_threads_sets_torch(monkeypatch, restore_torch_threads):
    monkeypatch.setenv(threads.ENV_VAR, "1")
    torch.set_num_threads(2)
    assert threads.use_training_threads() == 1
    assert torch.get_num_threads() == 1
    assert threads.use_training_threads(2) == 2
    assert torch.get_num_threads() == 2
    with pytest.raises(UserError, match="at least 1"):
        threads.use_training_threads(0)


def test_one_thread_sets_one_and_restores_the_count(restore_torch_threads):
    torch.set_num_threads(2)
    with threads.one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    with pytest.raises(RuntimeError), threads.one_thread():
        raise RuntimeError("the work failed")
    assert torch.get_num_threads() == 2


def test_torch_thread_count_is_set_in_core_threads_only():
    """One thread rule: any other module goes through use_training_threads or one_thread."""
    import ast
    from pathlib import Path

    package = Path(threads.__file__).resolve().parents[1]
    setters = []
    for path in sorted(package.rglob("*.py")):
        if path == Path(threads.__file__).resolve():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"set_num_threads", "set_num_interop_threads"}:
                setters.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert setters == []
