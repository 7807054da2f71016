"""The command line: `wandb-typed demo`, `wandb-typed serve`, and scripts/fetch-schema."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import wandb_typed
from wandb_typed import Api
from wandb_typed.testing import DemoInfo, LocalServer

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_and_prints_a_table(demo: DemoInfo) -> None:
    """``wandb-typed demo`` seeds what ``seed_demo()`` does: the ``demo`` fixture's data."""
    result = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"Projects of demo ({len(demo.projects)}):" in result.stdout
    assert re.search(rf"mnist\s+{demo.run_counts['mnist']}\s+2024-01-01", result.stdout)
    assert "Top runs of demo/mnist" in result.stdout
    assert f"registry wandb-registry-{demo.registry} (organization)" in result.stdout
    assert f"team {demo.teams.team}: [('{demo.teams.team_admin}', True, False)" in result.stdout
    assert f"launch queue {demo.teams.queue}: " in result.stdout
    assert f"new version demo/{demo.artifact_project}/demo-notes:v0: 1 file" in result.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """`wandb-typed serve --seed demo` in a subprocess: (base URL, API key, db path)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path_factory.mktemp("serve") / "w.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "wandb_typed.cli", "serve", "--port", str(port), "--db", str(db), "--seed", "demo"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not any("API key" in line for line in lines):
            line = proc.stdout.readline()  # blocks until the server prints, or exits
            if not line:
                break
            lines.append(line)
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}" in text, text
        key = re.search(r"API key:?\s+([0-9a-f]{40})", text)
        assert key, text
        yield f"http://127.0.0.1:{port}", key.group(1), db
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_prints_url_and_key_and_serves(served: tuple[str, str, Path], demo: DemoInfo) -> None:
    base_url, key, db = served
    api = Api({"base_url": base_url}, api_key=key)
    assert [p.name for p in api.projects()] == list(demo.projects)  # what seed_demo() makes
    assert db.exists()


def test_the_references_examples_run_with_only_the_import_changed(
    served: tuple[str, str, Path],
) -> None:
    base_url, key, _ = served
    env = {**os.environ, "WANDB_BASE_URL": base_url, "WANDB_API_KEY": key}
    for name in ("WANDB_ENTITY", "WANDB_PROJECT"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "seed_examples.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "viewer: demo | default entity: demo" in result.stdout
    assert re.search(r"adam or sgd runs: \d+", result.stdout)
    source = (ROOT / "scripts" / "seed_examples.py").read_text()
    assert "import wandb_typed as wandb" in source and "wandb_typed." not in source.replace(
        "import wandb_typed as wandb", ""
    )


def test_serve_rejects_a_bad_fault_rate(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", "serve", "--db", str(tmp_path / "x.db"), "--fault-rate", "2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--fault-rate must be between 0 and 1" in result.stderr


def test_usage_without_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage: wandb-typed COMMAND" in result.stderr
    for command in ("runs", "history", "demo", "serve", "schema"):
        assert f"\n  {command} " in result.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", "--help"], capture_output=True, text=True
    )
    assert (helped.returncode, helped.stderr) == (0, "")
    assert helped.stdout == result.stderr
    version = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", "--version"], capture_output=True, text=True
    )
    assert (version.returncode, version.stdout) == (0, f"wandb-typed {wandb_typed.__version__}\n")


def test_fetch_schema_diff_against_the_local_server(demo_server: LocalServer) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fetch_schema.py"), "--base-url", demo_server.base_url,
         "--api-key", demo_server.api_key, "--diff", str(ROOT / "schema.graphql")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 missing on the server, 0 only on the server")
