"""Running the official SDK (``wandb==0.31.0``) against a :class:`LocalServer` in a
subprocess, as a user's training script or CI job would, and reading back what it
stored with both clients.

The scripts live in ``scripts/`` beside this module; each is an ordinary training
script (``wandb.init``/``run.log``/``run.finish``, ``run.log_artifact``).  What a
test asserts is what the server stored, never only the exit code: the SDK exits 0
when its stream fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wandb_typed.testing import LocalServer

SCRIPTS = Path(__file__).parent / "scripts"

#: A hard bound on one SDK subprocess (it takes a few seconds; this only stops a hang).
SDK_TIMEOUT = 180


def sdk_env(
    server: LocalServer, wandb_dir: Path, *, api_key: str | None = None, mode: str = "online"
) -> dict[str, str]:
    """The environment a user sets to point ``wandb.init`` at the local server
    (what the pytest plugin's ``wandb_env`` fixture sets, plus a quiet, private
    ``WANDB_DIR`` and fast file_stream retries)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    env.update(
        WANDB_BASE_URL=server.base_url,
        WANDB_API_KEY=api_key or server.api_key,
        WANDB_MODE=mode,
        WANDB_DIR=str(wandb_dir),
        WANDB_CONFIG_DIR=str(wandb_dir / "config"),
        WANDB_CACHE_DIR=str(wandb_dir / "cache"),
        WANDB_DATA_DIR=str(wandb_dir / "data"),
        WANDB_ARTIFACT_DIR=str(wandb_dir / "artifacts"),
        WANDB_SILENT="true",
        WANDB_DISABLE_CODE="true",
        WANDB_DISABLE_GIT="true",
        WANDB_CONSOLE="wrap",
        WANDB_X_FILE_STREAM_RETRY_WAIT_MIN_SECONDS="0.05",
        WANDB_X_FILE_STREAM_RETRY_WAIT_MAX_SECONDS="0.2",
        WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL="0.1",
    )
    return env


def run_sdk(
    args: list[str], env: dict[str, str], cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` (a script of ``scripts/`` or ``-m wandb ...``) to the end."""
    out = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SDK_TIMEOUT,
        check=False,
    )
    if check and out.returncode != 0:
        pytest.fail(f"{args} exited {out.returncode}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}")
    return out


def script(name: str) -> str:
    """Path of a training script in ``scripts/``."""
    return str(SCRIPTS / name)


def marker(out: subprocess.CompletedProcess[str], name: str) -> str:
    """The value the script printed as ``NAME=value`` (its run id, say)."""
    for line in out.stdout.splitlines():
        if line.startswith(f"{name}="):
            return line.partition("=")[2].strip()
    raise AssertionError(f"no {name}= in the script's output:\n{out.stdout}\n{out.stderr}")
