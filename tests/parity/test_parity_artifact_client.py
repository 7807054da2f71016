"""Parity of the artifact client: the official ``wandb.Api`` (0.31.0) and ours on the
same server report the same versions, collections, types, files and lineage, and
download byte-identical files."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import _norm as n
from .conftest import ENTITY, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]

MNIST = f"{ENTITY}/mnist"
NAMES = [
    "mnist-cnn:v0", "mnist-cnn:v1", "mnist-cnn:v2", "mnist-cnn:latest", "mnist-cnn:best",
    "mnist-train:v0", "train-mnist:latest",
]  # fmt: skip


def _files(root: str | Path) -> dict[str, bytes]:
    base = Path(root)
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", NAMES)
def test_artifact(world: World, name: str) -> None:
    official = world.fresh_official().artifact(f"{MNIST}/{name}")
    ours = world.ours.artifact(f"{MNIST}/{name}")
    assert n.our_artifact(ours) == n.official_artifact(official)
    assert ours.manifest.digest() == official.manifest.digest() == ours.digest


@pytest.mark.parametrize(
    ("per_page", "tags"),
    [(1, None), (2, None), (50, None), (2, ["candidate"]), (50, ["candidate"])],
)
def test_artifacts(world: World, per_page: int, tags: list[str] | None) -> None:
    official = world.fresh_official().artifacts(
        "model", f"{MNIST}/mnist-cnn", per_page=per_page, tags=tags
    )
    ours = world.ours.artifacts("model", f"{MNIST}/mnist-cnn", per_page=per_page, tags=tags)
    assert [n.our_artifact(a) for a in ours] == [n.official_artifact(a) for a in official]
    if tags is None:
        assert len(ours) == len(official) == 3


def test_tag_filter_walks_past_pages_without_a_match(world: World) -> None:
    """An intended difference: the official client stops at the first page whose
    versions all lack the tags (here the first, ``v2``), so it finds nothing; ours
    keeps walking and finds ``v1``."""
    official = world.fresh_official().artifacts(
        "model", f"{MNIST}/mnist-cnn", per_page=1, tags=["candidate"]
    )
    assert [a.version for a in official] == []
    ours = world.ours.artifacts("model", f"{MNIST}/mnist-cnn", per_page=1, tags=["candidate"])
    assert [a.version for a in ours] == ["v1"]


def test_artifact_types(world: World) -> None:
    official = [(t.id, t.name) for t in world.fresh_official().artifact_types(MNIST)]
    assert [(t.id, t.name) for t in world.ours.artifact_types(MNIST)] == official
    assert (
        world.ours.artifact_type("job", MNIST).id == world.official.artifact_type("job", MNIST).id
    )


@pytest.mark.parametrize("type_name", ["model", "dataset", "job"])
def test_artifact_collections(world: World, type_name: str) -> None:
    official = world.fresh_official().artifact_collections(MNIST, type_name)
    ours = world.ours.artifact_collections(MNIST, type_name)
    assert [n.our_collection(c) for c in ours] == [n.official_collection(c) for c in official]
    assert len(ours) == len(official) == 1
    project = [n.our_collection(c) for c in world.ours.project("mnist", ENTITY).collections()]
    official_project = world.fresh_official().project("mnist", ENTITY).collections()
    assert project == [n.official_collection(c) for c in official_project]


def test_artifact_collection_by_name(world: World) -> None:
    official = world.fresh_official().artifact_collection("dataset", f"{MNIST}/mnist-train")
    ours = world.ours.artifact_collection("dataset", f"{MNIST}/mnist-train")
    assert n.our_collection(ours) == n.official_collection(official)
    assert [a.name for a in ours.artifacts()] == [a.name for a in official.artifacts()]


@pytest.mark.parametrize("per_page", [1, 50])
@pytest.mark.parametrize("name", ["mnist-cnn:v2", "mnist-train:v0"])
def test_files(world: World, name: str, per_page: int) -> None:
    official = world.fresh_official().artifact(f"{MNIST}/{name}").files(per_page=per_page)
    ours = world.ours.artifact(f"{MNIST}/{name}").files(per_page=per_page)
    assert [n.our_artifact_file(f) for f in ours] == [n.official_artifact_file(f) for f in official]
    assert len(ours) == len(official)
    named = world.ours.artifact(f"{MNIST}/mnist-cnn:v2").files(names=["model.pt"])
    official_named = world.official.artifact(f"{MNIST}/mnist-cnn:v2").files(names=["model.pt"])
    assert [f.id for f in named] == [f.id for f in official_named]


@pytest.mark.parametrize("version", [0, 1, 2])
def test_lineage(world: World, version: int) -> None:
    official = world.fresh_official().artifact(f"{MNIST}/mnist-cnn:v{version}")
    ours = world.ours.artifact(f"{MNIST}/mnist-cnn:v{version}")
    logged_by, official_logged_by = ours.logged_by(), official.logged_by()
    assert logged_by is not None and official_logged_by is not None
    assert n.our_run(logged_by) == n.official_run(official_logged_by)
    assert [n.our_run(r) for r in ours.used_by()] == [n.official_run(r) for r in official.used_by()]
    run = world.ours.run(logged_by.path)
    official_run = world.fresh_official().run(logged_by.path)
    assert [a.name for a in run.logged_artifacts()] == [
        a.name for a in official_run.logged_artifacts()
    ]
    assert [a.name for a in run.used_artifacts()] == [a.name for a in official_run.used_artifacts()]


@pytest.mark.parametrize("name", ["mnist-cnn:v0", "mnist-cnn:best", "mnist-train:v0"])
def test_download_is_byte_identical(world: World, name: str) -> None:
    root = world.download_root / "client-parity"
    official = world.fresh_official().artifact(f"{MNIST}/{name}")
    official_files = _files(official.download(root=str(root / "official" / name)))
    ours = world.ours.artifact(f"{MNIST}/{name}")
    ours_files = _files(ours.download(root / "ours" / name))
    assert ours_files == official_files
    assert len(ours_files) == ours.file_count
    official.verify(str(root / "ours" / name))  # the official check accepts our files
    ours.verify(root / "official" / name)  # and ours the official ones


def test_existence_checks(world: World) -> None:
    official = world.fresh_official()
    for name, type_name in [
        ("mnist-cnn:v1", None), ("mnist-cnn:best", "model"), ("mnist-cnn:v3", None),
        ("no-such:latest", None), ("mnist-cnn:v0", "dataset"),
    ]:  # fmt: skip
        assert world.ours.artifact_exists(f"{MNIST}/{name}", type_name) == official.artifact_exists(
            f"{MNIST}/{name}", type_name
        ), name
    for name, type_name in [("mnist-train", "dataset"), ("mnist-train", "model"), ("x", "model")]:
        assert world.ours.artifact_collection_exists(
            f"{MNIST}/{name}", type_name
        ) == official.artifact_collection_exists(f"{MNIST}/{name}", type_name)
