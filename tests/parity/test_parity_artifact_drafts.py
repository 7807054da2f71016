"""New artifact versions written by our client (``ArtifactDraft``, ``new_draft()``),
downloaded and verified by the official client: the same files, digests and
manifest, for a first version and an incremental one."""

from __future__ import annotations

import base64
import hashlib
import uuid
from pathlib import Path

import pytest

import wandb_typed

from .conftest import ENTITY, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


def b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_our_versions_download_and_verify_with_wandb(world: World, tmp_path: Path) -> None:
    name = f"drafted-{uuid.uuid4().hex[:8]}"
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    contents = {"a.txt": b"alpha\n", "nested/b.bin": bytes(range(256)) * 8}
    for path, data in contents.items():
        (src / path).write_bytes(data)
    draft = wandb_typed.ArtifactDraft(name, "dataset", description="ours", metadata={"n": 2})
    draft.add_dir(src)
    v0 = draft.save(WRITES, entity=ENTITY, api=world.ours, aliases=["first"])

    theirs = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:first")
    assert (theirs.version, theirs.digest, theirs.type) == ("v0", v0.digest, "dataset")
    assert theirs.description == "ours"
    assert theirs.metadata == {"n": 2}
    entries = theirs.manifest.entries
    assert {p: e.digest for p, e in entries.items()} == {p: b64md5(d) for p, d in contents.items()}
    root = Path(theirs.download(root=str(tmp_path / "v0")))
    theirs.verify(root=str(root))  # their MD5 check of every file
    assert {p: (root / p).read_bytes() for p in contents} == contents

    nxt = v0.new_draft()
    (src / "a.txt").write_bytes(b"changed\n")
    nxt.add_file(src / "a.txt", overwrite=True)
    with nxt.new_file("c.txt") as f:
        f.write("new file\n")
    v1 = nxt.save()
    latest = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:latest")
    assert (latest.version, latest.digest) == ("v1", v1.digest)
    root1 = Path(latest.download(root=str(tmp_path / "v1")))
    latest.verify(root=str(root1))
    assert (root1 / "a.txt").read_bytes() == b"changed\n"
    assert (root1 / "c.txt").read_text() == "new file\n"
    assert (root1 / "nested/b.bin").read_bytes() == contents["nested/b.bin"]
