"""The official SDK's artifact writes against the local server, in a subprocess:
``run.log_artifact`` (a new version, then one that changes a file: only that file
is uploaded), ``wandb artifact put`` and ``wandb artifact get``.  The files and
digests are read back through ``wandb.Api`` and ours."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import wandb  # the oracle extra: scripts/test installs it

from tests.support import make_api
from wandb_typed.testing import LocalServer

from .support import marker, run_sdk, script, sdk_env

pytestmark = pytest.mark.tooling


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_log_artifact_then_an_incremental_version(server: LocalServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("alpha\n")
    (data / "b.txt").write_text("beta\n")
    out = run_sdk(
        [script("log_artifact.py"), "--data", str(data)], sdk_env(server, tmp_path), tmp_path
    )
    assert (marker(out, "V0"), marker(out, "V1")) == ("v0", "v1")
    run_id = marker(out, "RUN_ID")
    uploads = [r for r in server.requests if r.path.startswith("/artifact-uploads/")]
    assert len(uploads) == 4  # v0: a, b, readme; v1: only the changed b.txt
    assert all(r.status == 200 for r in uploads)

    api = make_api(server)
    v0 = api.artifact(f"{server.entity}/sdk/corpus:first")
    assert v0.version == "v0"
    assert v0.description == "two files"
    assert v0.metadata == {"rows": 2}
    v1 = api.artifact(f"{server.entity}/sdk/corpus:latest")
    assert v1.version == "v1"
    assert sorted(v1.aliases) == ["latest"]
    assert v1.file_count == 2
    got = Path(v1.download(root=tmp_path / "ours"))
    assert (got / "b.txt").read_text() == "changed\n"
    assert (got / "a.txt").read_text() == "alpha\n"
    logged = [a.version for a in api.run(f"{server.entity}/sdk/{run_id}").logged_artifacts()]
    assert logged == ["v0", "v1"]

    theirs = wandb.Api(api_key=server.api_key, overrides={"base_url": server.base_url})
    art = theirs.artifact(f"{server.entity}/sdk/corpus:v0")
    entries = art.manifest.entries
    assert set(entries) == {"a.txt", "b.txt", "notes/readme.txt"}
    assert entries["a.txt"].digest == b64md5(b"alpha\n")
    assert entries["notes/readme.txt"].digest == b64md5(b"made by log_artifact.py\n")
    root = Path(art.download(root=str(tmp_path / "theirs")))
    assert (root / "b.txt").read_text() == "beta\n"
    assert art.digest == v0.digest
    assert [a.version for a in theirs.run(f"{server.entity}/sdk/{run_id}").logged_artifacts()] == [
        "v0",
        "v1",
    ]


def test_wandb_artifact_put_and_get(server: LocalServer, tmp_path: Path) -> None:
    source = tmp_path / "put"
    source.mkdir()
    (source / "weights.bin").write_bytes(bytes(range(256)) * 64)
    env = sdk_env(server, tmp_path)
    run_sdk(
        ["-m", "wandb", "artifact", "put", "-n", f"{server.entity}/sdk/putart", "-t", "model",
         "-a", "prod", str(source)],
        env,
        tmp_path,
    )  # fmt: skip
    art = make_api(server).artifact(f"{server.entity}/sdk/putart:prod")
    assert art.type == "model"
    assert [f.name for f in art.files()] == ["weights.bin"]
    root = tmp_path / "got"
    run_sdk(
        ["-m", "wandb", "artifact", "get", "--root", str(root), f"{server.entity}/sdk/putart:prod"],
        env,
        tmp_path,
    )
    assert (root / "weights.bin").read_bytes() == (source / "weights.bin").read_bytes()
