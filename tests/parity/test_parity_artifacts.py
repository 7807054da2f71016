"""The official client (wandb 0.31.0) reading and writing artifacts on our server.

Reads use the demo artifacts in ``demo/mnist`` (see ``_demo_artifacts``) and check
what the official objects report against the server's own stored data (downloads
must be byte-identical to the stored contents).  Writes use collections created
here, in the ``parity-writes`` project.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from wandb_typed.testing._store.artifacts import manifest_digest, md5_b64

from .conftest import ENTITY, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]

MNIST = f"{ENTITY}/mnist"


def _stored(world: World, name: str) -> dict[str, bytes]:
    """The server's own files of ``demo/mnist/<name>`` (a collection:alias)."""
    arts = world.server.store.artifacts
    project = world.server.store.project(ENTITY, "mnist")
    assert project is not None
    collection_name, _, alias = name.partition(":")
    collection = arts.collection(int(project["id"]), collection_name)
    assert collection is not None
    row = arts.membership(int(collection["id"]), alias)
    assert row is not None
    out: dict[str, bytes] = {}
    for file in arts.files_page(int(row["id"]), first=5000).rows:
        content = arts.blob(str(file["digest"]))
        assert content is not None
        out[str(file["path"])] = content
    return out


def _downloaded(root: str | Path) -> dict[str, bytes]:
    base = Path(root)
    return {
        str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------------- reads
@pytest.mark.parametrize("version", [0, 1, 2])
def test_artifact_fields(world: World, version: int) -> None:
    art = world.fresh_official().artifact(f"{MNIST}/mnist-cnn:v{version}")
    stored = _stored(world, f"mnist-cnn:v{version}")
    assert art.type == "model"
    assert art.version == f"v{version}"
    assert art.name == f"mnist-cnn:v{version}"
    assert art.source_name == f"mnist-cnn:v{version}"
    assert (art.entity, art.project) == (ENTITY, "mnist")
    assert sorted(art.aliases) == (["best", "latest"] if version == 2 else [])
    assert art.tags == (["candidate"] if version == 1 else [])
    assert art.digest == manifest_digest((p, md5_b64(b)) for p, b in stored.items())
    assert art.manifest.digest() == art.digest
    assert art.size == sum(len(b) for b in stored.values())
    assert art.file_count == 2
    assert art.metadata["accuracy"] == [0.91, 0.95, 0.97][version]
    assert art.ttl is None
    assert art.state == "COMMITTED"
    assert art.is_link is False
    assert art.digest_algorithm.value == "MANIFEST_MD5"
    logged_by = art.logged_by()
    assert logged_by is not None
    assert art.history_step == logged_by.lastHistoryStep  # logged after its last step


def test_alias_and_version_name_the_same_artifact(world: World) -> None:
    from wandb.errors import CommError

    api = world.fresh_official()
    ids = {api.artifact(f"{MNIST}/mnist-cnn:{n}").id for n in ("v2", "latest", "best")}
    assert len(ids) == 1
    with pytest.raises(CommError, match="type 'dataset' specified"):
        api.artifact(f"{MNIST}/mnist-cnn:v0", type="dataset")


@pytest.mark.parametrize("name", ["mnist-cnn:v0", "mnist-cnn:v2", "mnist-train:v0"])
def test_download_is_byte_identical(world: World, name: str) -> None:
    art = world.fresh_official().artifact(f"{MNIST}/{name}")
    root = art.download(root=str(world.download_root / "artifacts" / name.replace(":", "-")))
    stored = _stored(world, name)
    assert _downloaded(root) == stored
    art.verify(root)  # the official client's own MD5 check against the manifest
    if name.startswith("mnist-train"):
        assert len(stored) == 200


def test_entry_download_uses_the_blob_route(world: World) -> None:
    """Without a signed URL the client falls back to ``/artifacts/{entity}/{md5 hex}``."""
    art = world.fresh_official().artifact(f"{MNIST}/mnist-cnn:v1")
    world.server.requests.clear()
    path = art.get_entry("config.json").download(root=str(world.download_root / "entry"))
    assert Path(path).read_bytes() == _stored(world, "mnist-cnn:v1")["config.json"]
    blob_gets = [r for r in world.server.requests if r.path.startswith("/artifacts/demo/")]
    assert len(blob_gets) == 1
    assert blob_gets[0].status == 200


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_artifacts_of_a_collection(world: World, per_page: int) -> None:
    api = world.fresh_official()
    versions = api.artifacts("model", f"{MNIST}/mnist-cnn", per_page=per_page)
    assert len(versions) == 3
    assert [a.name for a in versions] == ["mnist-cnn:v2", "mnist-cnn:v1", "mnist-cnn:v0"]
    tagged = api.artifacts("model", f"{MNIST}/mnist-cnn", tags="candidate")
    assert [a.version for a in tagged] == ["v1"]


def test_types_and_collections(world: World) -> None:
    api = world.fresh_official()
    assert [t.name for t in api.artifact_types(MNIST)] == ["dataset", "model", "job"]
    model = api.artifact_type("model", MNIST)
    assert model.name == "model"
    collections = api.artifact_collections(MNIST, "model")
    assert len(collections) == 1
    (collection,) = list(collections)
    assert (collection.name, collection.type, collection.entity) == ("mnist-cnn", "model", ENTITY)
    assert sorted(collection.aliases) == ["best", "latest"]
    assert [a.version for a in collection.artifacts()] == ["v2", "v1", "v0"]
    by_name = api.artifact_collection("dataset", f"{MNIST}/mnist-train")
    assert by_name.is_sequence()
    assert by_name.aliases == ["latest"]
    project_collections = [c.name for c in api.project("mnist", ENTITY).collections()]
    assert sorted(project_collections) == ["mnist-cnn", "mnist-train", "train-mnist"]
    filtered = model.collections(filters={"name": "mnist-cnn"}, order="-name")
    assert [c.name for c in filtered] == ["mnist-cnn"]


def test_existence_checks(world: World) -> None:
    api = world.fresh_official()
    assert api.artifact_exists(f"{MNIST}/mnist-cnn:v1")
    assert api.artifact_exists(f"{MNIST}/mnist-cnn:best", type="model")
    assert not api.artifact_exists(f"{MNIST}/mnist-cnn:v3")
    assert not api.artifact_exists(f"{MNIST}/no-such:latest")
    assert api.artifact_collection_exists(f"{MNIST}/mnist-train", "dataset")
    assert not api.artifact_collection_exists(f"{MNIST}/mnist-train", "model")


@pytest.mark.parametrize("per_page", [1, 50])
def test_files(world: World, per_page: int) -> None:
    art = world.fresh_official().artifact(f"{MNIST}/mnist-cnn:v2")
    stored = _stored(world, "mnist-cnn:v2")
    files = art.files(per_page=per_page)
    assert len(files) == 2
    listed = {f.name: f for f in files}
    assert {name: f.size for name, f in listed.items()} == {k: len(v) for k, v in stored.items()}
    assert all(f.md5 == md5_b64(stored[name]) for name, f in listed.items())
    (only,) = list(art.files(names=["model.pt"]))
    assert only.name == "model.pt"
    dataset = world.fresh_official().artifact(f"{MNIST}/mnist-train:v0")
    assert len(dataset.files(per_page=64)) == 200


def test_lineage(world: World) -> None:
    api = world.fresh_official()
    info = world.demo
    for version, run_id in enumerate(info.model_logged_by):
        logged_by = api.artifact(f"{MNIST}/mnist-cnn:v{version}").logged_by()
        assert logged_by is not None
        assert logged_by.id == run_id
    used_by = api.artifact(f"{MNIST}/mnist-cnn:v2").used_by()
    assert [r.id for r in used_by] == [info.model_used_by]
    assert api.artifact(f"{MNIST}/mnist-cnn:v0").used_by() == []
    first = api.run(f"{MNIST}/{info.model_logged_by[0]}")
    assert [a.name for a in first.logged_artifacts()] == [
        "mnist-train:v0",
        "mnist-cnn:v0",
        "train-mnist:v0",
    ]
    assert [a.name for a in first.used_artifacts()] == ["mnist-train:v0"]
    consumer = api.run(f"{MNIST}/{info.model_used_by}")
    assert [a.name for a in consumer.used_artifacts(per_page=1)] == ["mnist-cnn:v2"]
    assert len(consumer.logged_artifacts()) == 0


def test_jobs(world: World) -> None:
    from wandb.errors import CommError

    api = world.fresh_official()
    jobs = api.list_jobs(ENTITY, "mnist")
    assert len(jobs) == 1
    (edge,) = jobs[0]["edges"]
    assert edge["node"]["artifactSequence"]["name"] == "train-mnist"
    assert edge["node"]["aliases"] == [{"alias": "latest"}]
    job = api.job(f"{MNIST}/train-mnist:latest", path=str(world.download_root / "job"))
    assert job.name == f"{MNIST}/train-mnist:latest"
    assert job._entrypoint == ["python", "train.py"]
    assert sorted(job._input_types.params["type_map"]) == [
        "batch_size",
        "epochs",
        "lr",
        "optimizer",
    ]
    spec = json.loads((world.download_root / "job" / "wandb-job.json").read_text())
    assert spec == json.loads(_stored(world, "train-mnist:v0")["wandb-job.json"])
    with pytest.raises(CommError, match="not found"):  # not a job: the official message
        api.job(f"{MNIST}/mnist-cnn:latest", path=str(world.download_root / "not-a-job"))


# ---------------------------------------------------------------------- writes
def _writes_sequence(world: World, versions: int = 3) -> tuple[str, list[str]]:
    """A new model collection in parity-writes, its versions logged by new runs."""
    store = world.server.store
    name = f"model-{uuid.uuid4().hex[:8]}"
    runs: list[str] = []
    for i in range(versions):
        run = store.create_run(ENTITY, WRITES, name=f"{name}-r{i}")
        runs.append(str(run["name"]))
        store.artifacts.create_artifact(
            ENTITY, WRITES, name, "model", {"w.bin": f"{name} {i}"}, run_id=int(run["id"])
        )
    return name, runs


def test_official_save_changes_aliases_tags_metadata_ttl(world: World) -> None:
    name, _ = _writes_sequence(world)
    api = world.fresh_official()
    art = api.artifact(f"{ENTITY}/{WRITES}/{name}:v1")
    art.aliases.append("staging")
    art.tags = ["reviewed"]
    art.description = "second"
    art.metadata = {"score": 1.5}
    art.ttl = timedelta(days=2)
    art.save()
    again = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:staging")
    assert again.version == "v1"
    assert (again.description, again.metadata, again.tags) == (
        "second",
        {"score": 1.5},
        ["reviewed"],
    )
    assert again.ttl == timedelta(days=2)
    again.aliases.append("latest")  # moves latest off v2
    again.save()
    assert world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:latest").version == "v1"
    assert world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:v2").aliases == []


def test_official_link_unlink_and_linked_artifacts(world: World) -> None:
    name, _ = _writes_sequence(world)
    api = world.fresh_official()
    art = api.artifact(f"{ENTITY}/{WRITES}/{name}:v0")
    portfolio = f"{name}-portfolio"
    linked = art.link(f"{ENTITY}/{WRITES}/{portfolio}", aliases=["production"])
    assert linked.name == f"{portfolio}:v0"
    through = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{portfolio}:production")
    assert through.is_link
    assert through.source_name == f"{name}:v0"
    assert sorted(through.aliases) == ["latest", "production"]
    assert _downloaded(through.download(root=str(world.download_root / portfolio))) == {
        "w.bin": f"{name} 0".encode()
    }
    assert [a.name for a in art.linked_artifacts] == [f"{portfolio}:v0"]
    through.unlink()
    assert not world.fresh_official().artifact_exists(f"{ENTITY}/{WRITES}/{portfolio}:production")


def test_official_use_and_log_artifact(world: World) -> None:
    name, runs = _writes_sequence(world)
    api = world.fresh_official()
    art = api.artifact(f"{ENTITY}/{WRITES}/{name}:v0")
    consumer = api.run(f"{ENTITY}/{WRITES}/{runs[2]}")
    consumer.use_artifact(art)
    assert [a.name for a in consumer.used_artifacts()] == [f"{name}:v0"]
    assert runs[2] in [r.id for r in art.used_by()]
    consumer.log_artifact(art, aliases=["relogged"], tags=["again"])
    assert f"{name}:v0" in [a.name for a in consumer.logged_artifacts()]
    relogged = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:relogged")
    assert (relogged.version, relogged.tags) == ("v0", ["again"])


def test_official_collection_save_change_type_and_delete(world: World) -> None:
    name, _ = _writes_sequence(world, versions=1)
    api = world.fresh_official()
    collection = api.artifact_collection("model", f"{ENTITY}/{WRITES}/{name}")
    collection.description = "renamed"
    collection.tags = ["vision"]
    collection.name = f"{name}-renamed"
    collection.save()
    renamed = world.fresh_official().artifact_collection(
        "model", f"{ENTITY}/{WRITES}/{name}-renamed"
    )
    assert (renamed.description, renamed.tags) == ("renamed", ["vision"])
    renamed.change_type("checkpoint")
    moved: Any = world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}-renamed:v0")
    assert moved.type == "checkpoint"
    world.fresh_official().artifact_collection(
        "checkpoint", f"{ENTITY}/{WRITES}/{name}-renamed"
    ).delete()
    assert not world.fresh_official().artifact_collection_exists(
        f"{ENTITY}/{WRITES}/{name}-renamed", "checkpoint"
    )


def test_official_delete_versions(world: World) -> None:
    name, _ = _writes_sequence(world)
    api = world.fresh_official()
    api.artifact(f"{ENTITY}/{WRITES}/{name}:v0").delete()
    assert not world.fresh_official().artifact_exists(f"{ENTITY}/{WRITES}/{name}:v0")
    with pytest.raises(Exception, match="has aliases"):
        world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:v2").delete()
    world.fresh_official().artifact(f"{ENTITY}/{WRITES}/{name}:v2").delete(delete_aliases=True)
    remaining = world.fresh_official().artifacts("model", f"{ENTITY}/{WRITES}/{name}")
    assert [a.version for a in remaining] == ["v1"]
