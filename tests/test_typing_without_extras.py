"""A user with none of the optional extras (no pandas, no polars) gets a clean
basedpyright strict check: the frame overloads of ``run.history`` and
``runs.histories`` name our own ``PandasFrame``/``PolarsFrame``, never an import
that would be Unknown without the library.

The environment is a bare venv whose only packages are links to wandb-typed and
its runtime dependencies (their closure read from the installed metadata)."""

from __future__ import annotations

import importlib.metadata as metadata
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

#: Starts a tool (a venv, basedpyright): left out of the inner loop.
pytestmark = pytest.mark.tooling

USER_CODE = """
from wandb_typed import Api, HistoryRow

def main() -> None:
    api = Api()
    run = api.run("demo/mnist/abc")
    rows: list[HistoryRow] = run.history(pandas=False)
    scanned = [row for row in run.scan_history(keys=["loss"])]
    runs = api.runs("demo/mnist", per_page=10)
    tagged = runs.histories(samples=10, keys=["loss"])
    frame = run.history()  # a PandasFrame, even where pandas is absent
    print(rows, scanned, tagged, frame, run.config, run.summary)
"""

CONTROL = "import pandas\nimport polars\n"


def runtime_packages() -> list[Path]:
    """Where the import packages of wandb-typed's runtime dependencies live."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in metadata.requires("wandb-typed") or []]
    found: list[Path] = [ROOT / "wandb_typed", ROOT / "generated" / "_wandb_typed_gql"]
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-")
        if name in seen or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        dist = metadata.distribution(name)
        todo += [Requirement(r) for r in dist.requires or []]
        tops = {Path(str(f)).parts[0] for f in dist.files or []}
        for top in sorted(tops):
            path = Path(str(dist.locate_file(top)))
            if top.endswith((".dist-info", "__pycache__")) or top.startswith(".."):
                continue
            if path.is_dir() or path.suffix in (".py", ".pyi"):
                found.append(path)
    return found


def bare_venv(tmp_path: Path) -> Path:
    """A venv without pip whose site-packages sees only the runtime packages."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    links = tmp_path / "links"
    links.mkdir()
    for path in runtime_packages():
        (links / path.name).symlink_to(path, target_is_directory=path.is_dir())
    (Path(site) / "runtime.pth").write_text(f"{links}\n")
    return python


def test_strict_check_is_clean_without_pandas_or_polars(tmp_path: Path) -> None:
    assert sysconfig.get_paths()["purelib"]  # a normal install layout to copy
    python = bare_venv(tmp_path)
    (tmp_path / "user.py").write_text(USER_CODE)
    (tmp_path / "control.py").write_text(CONTROL)
    (tmp_path / "pyrightconfig.json").write_text('{"typeCheckingMode": "strict"}')
    result = subprocess.run(
        [sys.executable, "-m", "basedpyright", "--pythonpath", str(python), "user.py", "control.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if " - error: " in line]
    # the control proves the environment lacks both libraries...
    assert sum('Import "pandas" could not be resolved' in e for e in errors) == 1, result.stdout
    assert sum('Import "polars" could not be resolved' in e for e in errors) == 1, result.stdout
    # ...and the user's code has no error at all
    assert [e for e in errors if "user.py" in e] == [], result.stdout
    # and wandb_typed itself resolved (an unresolved import would be an error above)
    assert "wandb_typed" not in "".join(e for e in errors if "control.py" in e)
