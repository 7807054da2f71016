"""The filter builder's typing promise, checked by mypy and by basedpyright (strict):
``tests/typing/filters_usage.py`` type-checks with no ``Any``, and each nonsensical
condition is an error for both checkers (the same conditions raise InputError at run
time: test_query)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_typing import HERE, ROOT, mypy

USAGE = HERE / "typing" / "filters_usage.py"

#: Starts a tool (mypy, basedpyright): left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling


def basedpyright(tmp_path: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """basedpyright in strict mode on ``target``, resolving imports from this venv."""
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"}))
    return subprocess.run(
        [sys.executable, "-m", "basedpyright", "-p", str(config), "--pythonpath", sys.executable, str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_filter_usage_has_no_any_for_mypy() -> None:
    result = mypy("--strict", "--disallow-any-expr", str(USAGE))
    assert result.returncode == 0, result.stdout


def test_filter_usage_is_clean_for_basedpyright_strict(tmp_path: Path) -> None:
    result = basedpyright(tmp_path, USAGE)
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout, result.stdout


#: One nonsensical condition per line, from line 5 on; each must be an error.
MISUSE = """
from wandb_typed.filters import Config, CreatedAt, Duration, State, Summary, Tags

def misuse() -> None:
    _ = State > 3
    _ = Tags >= "a"
    _ = Duration > "x"
    _ = CreatedAt < 5
    _ = ~Config("lr")
    _ = State.eq("x") & {"state": "y"}
    _ = State.eq("x") | 3
    _ = State.eq(3)
    _ = Tags.in_("a", 1)
    _ = Config("lr") > [1]
    _ = Config("lr").eq({1, 2})
    _ = Summary("x").regex(3)
    _ = State.exists("yes")
    _ = Config(3)
"""
MISUSE_LINES = set(range(5, 19))


def error_lines(output: str, pattern: str) -> set[int]:
    return {int(m) for m in re.findall(pattern, output)}


def test_nonsense_is_a_mypy_error(tmp_path: Path) -> None:
    script = tmp_path / "misuse.py"
    script.write_text(MISUSE)
    result = mypy(str(script))
    assert result.returncode == 1
    assert error_lines(result.stdout, r"misuse\.py:(\d+): error:") == MISUSE_LINES, result.stdout


def test_nonsense_is_a_basedpyright_error(tmp_path: Path) -> None:
    script = tmp_path / "misuse.py"
    script.write_text(MISUSE)
    result = basedpyright(tmp_path, script)
    assert result.returncode == 1
    assert error_lines(result.stdout, r"misuse\.py:(\d+):\d+ - error:") == MISUSE_LINES, (
        result.stdout
    )


def test_a_filter_used_as_a_condition_is_a_basedpyright_error(tmp_path: Path) -> None:
    """``Filter.__bool__`` returns ``NoReturn``: pyright flags ``if filter:``, mypy flags
    the dead branch of ``a and b``; both raise InputError at run time."""
    script = tmp_path / "truth.py"
    script.write_text(
        "from wandb_typed.filters import Filter, State\n"
        "def f(a: Filter) -> Filter | None:\n"
        "    return a if State.eq('x') else None\n"
    )
    result = basedpyright(tmp_path, script)
    assert 'Invalid conditional operand of type "Filter"' in result.stdout, result.stdout
    script.write_text(
        "from wandb_typed.filters import Filter, State\n"
        "def f(a: Filter) -> Filter:\n"
        "    return a and State.eq('x')\n"
    )
    assert "never evaluated" in mypy(str(script)).stdout
