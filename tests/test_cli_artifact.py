"""``wandb-typed artifact download``, run as a subprocess against the plugin's local
server (``wandb_env`` points the command's settings at it): the files land verified,
byte for byte what the server stores, a repeat fetches nothing, and failures are one
line with the documented exit code."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from wandb_typed import Api
from wandb_typed.testing import DemoInfo, LocalServer

from .test_cli_export import cli, failed, ok

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling


def test_download_writes_every_file_verified(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    root = tmp_path / "model"
    name = f"demo/{demo.artifact_project}/{demo.model_artifact}:latest"
    out = ok(cli("artifact", "download", name, "--root", str(root)))
    assert out.strip() == str(root)
    artifact = wandb_api.artifact(name)
    entries = {entry.path: entry for entry in artifact.manifest}
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == sorted(
        entries
    )
    for path, entry in entries.items():
        data = (root / path).read_bytes()
        assert len(data) == entry.size
        md5 = hashlib.md5(data, usedforsecurity=False).digest()
        assert base64.b64encode(md5).decode() == entry.digest
    requests = len(wandb_env.requests)
    ok(cli("artifact", "download", name, "--root", str(root)))
    file_requests = [r for r in wandb_env.requests[requests:] if "artifact-files" in r.path]
    assert file_requests == []  # every file already in place: nothing fetched again


def test_download_failures_are_one_line(
    wandb_env: LocalServer, tmp_path: Path, demo: DemoInfo
) -> None:
    where = f"demo/{demo.artifact_project}"
    failed(
        cli("artifact", "download", f"{where}/no-such:v0", "--root", str(tmp_path)),
        1,
        "not found",
    )
    failed(
        cli(
            "artifact", "download", f"{where}/{demo.model_artifact}:v0", "--type", demo.dataset_type
        ),
        1,
        f"TypeMismatchError: artifact {where}/{demo.model_artifact}:v0 of type '{demo.dataset_type}'",
    )
    failed(cli("artifact", "download", "a/b/c/d/e:v0"), 1, "has 5 parts")
    failed(cli("artifact", "download", "x:v0", "--max-workers", "0"), 2, "--max-workers")
    failed(cli("artifact", "upload", "x"), 2, "invalid choice")
    assert list(tmp_path.iterdir()) == []
