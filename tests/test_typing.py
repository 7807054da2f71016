"""The typing promise, checked by mypy itself: ``tests/typing/usage.py`` type-checks
under ``--strict --disallow-any-expr`` (no ``Any`` anywhere a user looks), and
misuse is rejected (``for`` or ``len()`` on an async collection, ``await`` on a sync
value, wrong keyword arguments)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Starts a tool (mypy, basedpyright): left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_user_code_sees_no_any() -> None:
    result = mypy("--disallow-any-expr", str(HERE / "typing" / "usage.py"))
    assert result.returncode == 0, result.stdout


MISUSE = """
from wandb_typed import Api, AsyncApi

async def misuse(api: Api, aapi: AsyncApi) -> None:
    for run in aapi.runs("e/p"):
        pass
    api.run("e/p/r").update(force=True)
    api.runs("e/p", per_pages=10)
    await api.viewer
    len(aapi.runs("e/p"))
"""


def test_misuse_is_rejected(tmp_path: Path) -> None:
    script = tmp_path / "misuse.py"
    script.write_text(MISUSE)
    result = mypy(str(script))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len({line.split(":")[1] for line in lines}) == 5, result.stdout  # one per misuse
    assert 'Unexpected keyword argument "force"' in result.stdout
    assert 'Unexpected keyword argument "per_pages"' in result.stdout
