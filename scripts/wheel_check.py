"""Build the wheel, install it into a fresh virtualenv, run the demo from outside the
repo, and measure its type completeness.

Installs what uv.lock pins for the server, pandas and polars extras (hashes checked),
then the wheel: the frame types (``PandasFrame``, ``PolarsFrame``) are NewTypes of
those libraries' DataFrames, complete only where they are installed (a user without
them is checked by ``tests/test_typing_without_extras.py``).
Proves that both import packages (``wandb_typed`` and the generated
``_wandb_typed_gql``, with its ``schema.graphql``) ship in the wheel and work
without the source tree on ``sys.path``; then runs ``basedpyright --verifytypes
wandb_typed --ignoreexternal`` against the installed wheel (what Pylance users get)
and fails below 100% or on any ambiguous symbol.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import pathlib, sys, wandb_typed, _wandb_typed_gql
from _wandb_typed_gql.client import WandbClient
from _wandb_typed_gql.async_client import AsyncWandbClient
from importlib.resources import files
root = pathlib.Path(sys.argv[1])
for mod in (wandb_typed, _wandb_typed_gql):
    assert root not in pathlib.Path(mod.__file__).parents, f"{mod.__name__} imported from the source tree"
assert files("_wandb_typed_gql").joinpath("schema.graphql").is_file(), "schema.graphql missing from the wheel"
assert any(files("_wandb_typed_gql").joinpath("queries").iterdir()), "queries/ missing from the wheel"
print("wheel ok:", wandb_typed.__version__, pathlib.Path(wandb_typed.__file__).parent)
"""


def run(*cmd: str, cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True)


def main() -> int:
    uv = str(Path(sys.executable).parent / "uv")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # Built with the lock's hatchling (the dev extra), not a fresh one from PyPI.
        run(uv, "build", "--wheel", "--no-build-isolation", "-q", "-o", str(tmp / "dist"),
            str(ROOT), cwd=ROOT)  # fmt: skip
        wheel = next((tmp / "dist").glob("wandb_typed-*.whl"))
        # The fresh venv gets the extras' packages as the lock pins them (hashes
        # checked), then the wheel itself: what a user gets, minus the resolver's luck.
        pinned = tmp / "extras.txt"
        run(uv, "export", "--locked", "--no-emit-project", "--extra", "server",
            "--extra", "pandas", "--extra", "polars", "-q", "-o", str(pinned), cwd=ROOT)  # fmt: skip
        venv = tmp / "venv"
        run(uv, "venv", "-q", "--python", sys.executable, str(venv), cwd=tmp)
        python = venv / "bin" / "python"
        install = (uv, "pip", "install", "-q", "--python", str(python))
        run(*install, "--require-hashes", "-r", str(pinned), cwd=tmp)
        # pandas-stubs as the dev extra pins it: verifytypes does not infer types from a
        # library's code, and pandas ships none of its own.
        stubs = tmp / "stubs.txt"
        stubs.write_text(locked_block(uv, "dev", "pandas-stubs"))
        run(*install, "--require-hashes", "--no-deps", "-r", str(stubs), cwd=tmp)
        run(*install, "--no-deps", str(wheel), cwd=tmp)
        run(str(python), "-c", CHECK, str(ROOT), cwd=tmp)
        run(str(venv / "bin" / "wandb-typed"), "demo", cwd=tmp)
        # Outside the source tree: the diff reads the operations shipped in the wheel and
        # names the client methods and facade functions a change breaks.
        old = str(ROOT / "schema.graphql")
        new = tmp / "new.graphql"
        new.write_text(
            Path(old).read_text().replace("  displayName: String\n", "  renamed: String\n")
        )
        diff = subprocess.run(
            [str(venv / "bin" / "wandb-typed"), "schema", "diff", old, str(new)],
            cwd=tmp, capture_output=True, text=True, check=False,
        )  # fmt: skip
        print(diff.stdout.splitlines()[-1] if diff.stdout else diff.stderr)
        if (
            diff.returncode != 1
            or "client methods:" not in diff.stdout
            or "facade:" not in diff.stdout
        ):
            print(diff.stdout, diff.stderr)
            return 1
        return verify_types(venv, tmp)


def locked_block(uv: str, extra: str, package: str) -> str:
    """``package``'s requirement lines (with their hashes) from the lock's export of
    ``extra``."""
    exported = subprocess.run(
        [uv, "export", "--locked", "--no-emit-project", "--extra", extra, "-q"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    blocks = re.findall(rf"^{re.escape(package)}==.*?(?=^\S|\Z)", exported, re.M | re.S)
    if not blocks:
        raise SystemExit(f"{package} is not in the lock's {extra} extra")
    return "".join(blocks)


def verify_types(venv_dir: Path, cwd: Path) -> int:
    """``--verifytypes`` on the installed package: 100% and nothing ambiguous, or fail."""
    basedpyright = Path(sys.executable).parent / "basedpyright"
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(venv_dir),
        "PATH": f"{venv_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    out = subprocess.run(
        [str(basedpyright), "--verifytypes", "wandb_typed", "--ignoreexternal"],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    score = re.search(r"Type completeness score: ([\d.]+)%", out)
    ambiguous = [int(n) for n in re.findall(r"With ambiguous type: (\d+)", out)]
    print(f"verifytypes: {score.group(0) if score else 'no score'}; ambiguous {ambiguous}")
    if score is None or float(score.group(1)) < 100 or any(ambiguous):
        print(out)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
