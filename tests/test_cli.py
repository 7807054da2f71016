"""The command line: `wandb-typed demo`, `wandb-typed serve`, and scripts/fetch-schema."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from wandb_typed import Api
from wandb_typed.testing import LocalServer

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_and_prints_a_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Projects of demo (3):" in result.stdout
    assert re.search(r"mnist\s+40\s+2024-01-01", result.stdout)
    assert "Top runs of demo/mnist" in result.stdout


def test_serve_prints_url_and_key_and_serves(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "wandb_typed.cli", "serve", "--port", str(port), "--db", str(tmp_path / "w.db"), "--seed", "demo"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("API key" in line for line in lines):
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}" in text, text
        key = re.search(r"API key:?\s+([0-9a-f]{40})", text)
        assert key, text
        api = Api({"base_url": f"http://127.0.0.1:{port}"}, api_key=key.group(1))
        assert [p.name for p in api.projects()] == ["mnist", "llm-finetune", "empty"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (tmp_path / "w.db").exists()


def test_usage_without_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage: wandb-typed demo" in result.stderr


def test_fetch_schema_diff_against_the_local_server(demo_server: LocalServer) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fetch_schema.py"), "--base-url", demo_server.base_url,
         "--api-key", demo_server.api_key, "--diff", str(ROOT / "schema.graphql")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 missing on the server, 0 only on the server")
