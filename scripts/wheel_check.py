"""Build the wheel, install it into a fresh virtualenv and run the demo from outside the repo.

Proves that both import packages (``wandb_typed`` and the generated
``wandb_typed_gql``, with its ``schema.graphql``) ship in the wheel and work
without the source tree on ``sys.path``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import pathlib, sys, wandb_typed, wandb_typed_gql
from wandb_typed_gql.client import WandbClient
from wandb_typed_gql.async_client import AsyncWandbClient
from importlib.resources import files
root = pathlib.Path(sys.argv[1])
for mod in (wandb_typed, wandb_typed_gql):
    assert root not in pathlib.Path(mod.__file__).parents, f"{mod.__name__} imported from the source tree"
assert files("wandb_typed_gql").joinpath("schema.graphql").is_file(), "schema.graphql missing from the wheel"
print("wheel ok:", wandb_typed.__version__, pathlib.Path(wandb_typed.__file__).parent)
"""


def run(*cmd: str, cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        run(
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
            cwd=tmp,
        )
        wheel = next((tmp / "dist").glob("wandb_typed-*.whl"))
        venv.create(tmp / "venv", with_pip=True)
        python = tmp / "venv" / "bin" / "python"
        run(
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            f"{wheel}[server]",
            cwd=tmp,
        )
        run(str(python), "-c", CHECK, str(ROOT), cwd=tmp)
        run(str(tmp / "venv" / "bin" / "wandb-typed"), "demo", cwd=tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
