"""Writes both clients offer: made with one client, read back with the other, both ways.

Everything here writes to the ``parity-writes`` project (or to new projects), so
the read tests' data never changes.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import wandb_typed

from . import _norm as n
from .conftest import ENTITY, TEAM, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


def _uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _both(world: World, path: str) -> tuple[Any, wandb_typed.Run]:
    """The run as each client reads it now (official caches dropped)."""
    return world.fresh_official().run(path), world.ours.run(path)


def _assert_same(world: World, path: str) -> tuple[Any, wandb_typed.Run]:
    official, ours = _both(world, path)
    assert n.our_run(ours) == n.official_run(official)
    assert n.our_run_data(ours) == n.official_run_data(official)
    return official, ours


# ---------------------------------------------------------------------- projects
@pytest.mark.parametrize("entity", [ENTITY, TEAM])
def test_create_project_official_then_ours(world: World, entity: str) -> None:
    name = _uid("proj-o")
    assert world.official.create_project(name, entity) is None
    ours = world.ours.project(name, entity=entity)
    official = world.fresh_official().project(name, entity=entity)
    assert n.our_project(ours) == n.official_project(official)
    assert ours.name == name and ours.entity == entity
    listed_o = [p.name for p in world.fresh_official().projects(entity)]
    listed_u = [p.name for p in world.ours.projects(entity)]
    assert listed_u == listed_o and name in listed_u


@pytest.mark.parametrize("entity", [ENTITY, TEAM])
def test_create_project_ours_then_official(world: World, entity: str) -> None:
    name = _uid("proj-u")
    created = world.ours.create_project(name, entity=entity)
    official = world.fresh_official().project(name, entity=entity)
    assert n.our_project(created) == n.official_project(official)
    assert n.our_project(world.ours.project(name, entity=entity)) == n.official_project(official)


def test_create_project_twice_is_an_upsert(world: World) -> None:
    name = _uid("proj-twice")
    first = world.ours.create_project(name, entity=ENTITY)
    world.official.create_project(name, ENTITY)
    again = world.ours.project(name, entity=ENTITY)
    assert again.id == first.id
    assert n.our_project(again) == n.official_project(world.fresh_official().project(name, ENTITY))


# ---------------------------------------------------------------------- runs
def test_create_run_official_then_ours(world: World) -> None:
    run_id = _uid("run-o")
    created = world.official.create_run(run_id=run_id, project=WRITES, entity=ENTITY)
    _, ours = _assert_same(world, f"{ENTITY}/{WRITES}/{run_id}")
    assert ours.state == wandb_typed.RunState.RUNNING
    assert created.id == ours.id == run_id
    assert created.storage_id == ours.storage_id
    assert "/".join(created.path) == ours.path


def test_create_run_ours_then_official(world: World) -> None:
    run_id = _uid("run-u")
    created = world.ours.create_run(run_id, project=WRITES, entity=ENTITY)
    official, ours = _assert_same(world, created.path)
    assert n.our_run(created) == n.official_run(official)
    assert n.our_run_data(created) == n.our_run_data(ours)


def test_create_run_in_new_project(world: World) -> None:
    """Creating a run creates its project (both clients, same result)."""
    project_o, project_u = _uid("auto-o"), _uid("auto-u")
    world.official.create_run(run_id="r1", project=project_o, entity=ENTITY)
    world.ours.create_run("r1", project=project_u, entity=ENTITY)
    for project in (project_o, project_u):
        _assert_same(world, f"{ENTITY}/{project}/r1")
        official = world.fresh_official().project(project, entity=ENTITY)
        assert n.our_project(world.ours.project(project, ENTITY)) == n.official_project(official)


def _seed_run(world: World, run_id: str) -> str:
    world.server.store.create_run(
        ENTITY,
        WRITES,
        name=run_id,
        display_name="before",
        state="finished",
        config={"lr": 0.1, "keep": {"a": [1, 2]}, "drop": "x"},
        summary={"acc": 0.5, "best": {"acc": 0.6}, "drop": 1},
        tags=["old"],
        group="grp",
        job_type="train",
        notes="old notes",
    )
    return f"{ENTITY}/{WRITES}/{run_id}"


def test_update_official_then_ours(world: World) -> None:
    path = _seed_run(world, _uid("upd-o"))
    run = world.fresh_official().run(path)
    run.config["lr"] = 0.02
    run.config["new"] = {"nested": [1, "two", None]}
    del run.config["drop"]
    run.summary["acc"] = 0.75
    run.summary["best"] = {"acc": 0.8, "step": 7}
    del run.summary["drop"]
    run.tags = ["new", "ünï tag"]
    run.notes = "new notes ✓"
    run.name = "after-official"
    run.group = "grp2"
    run.job_type = "eval"
    run.description = "a description"
    run.update()
    _, ours = _assert_same(world, path)
    assert ours.config == {"lr": 0.02, "keep": {"a": [1, 2]}, "new": {"nested": [1, "two", None]}}
    assert ours.summary == {"acc": 0.75, "best": {"acc": 0.8, "step": 7}}
    assert (ours.name, ours.tags, ours.notes) == (
        "after-official",
        ["new", "ünï tag"],
        "new notes ✓",
    )
    assert (ours.group, ours.job_type, ours.description) == ("grp2", "eval", "a description")


def test_update_ours_then_official(world: World) -> None:
    path = _seed_run(world, _uid("upd-u"))
    run = world.ours.run(path)
    run.config["lr"] = 0.02
    run.config["new"] = {"nested": [1, "two", None]}
    del run.config["drop"]
    run.summary["acc"] = 0.75
    run.summary["best"] = {"acc": 0.8, "step": 7}
    del run.summary["drop"]
    run.tags = ["new", "ünï tag"]
    run.notes = "new notes ✓"
    run.name = "after-ours"
    run.group = "grp2"
    run.job_type = "eval"
    run.description = "a description"
    run.update()
    official, _ = _assert_same(world, path)
    assert n.our_run(run) == n.official_run(official)
    assert n.our_run_data(run) == n.official_run_data(official)
    assert official.config == {
        "lr": 0.02,
        "keep": {"a": [1, 2]},
        "new": {"nested": [1, "two", None]},
    }
    assert official.summary_metrics == {"acc": 0.75, "best": {"acc": 0.8, "step": 7}}
    assert (official.name, official.tags, official.notes) == (
        "after-ours",
        ["new", "ünï tag"],
        "new notes ✓",
    )
    assert (official.group, official.job_type, official.description) == (
        "grp2",
        "eval",
        "a description",
    )


def test_summary_update_official_then_ours(world: World) -> None:
    """``run.summary.update({...})`` alone (no ``run.update()``) persists in the official
    client; ours writes the summary with ``run.update()``."""
    path = _seed_run(world, _uid("sum-o"))
    world.fresh_official().run(path).summary.update({"loss": 0.25, "best": {"acc": 0.9}})
    _, ours = _assert_same(world, path)
    assert ours.summary == {"acc": 0.5, "best": {"acc": 0.9}, "drop": 1, "loss": 0.25}


def test_alternating_updates(world: World) -> None:
    """Each client sees the other's previous edit and keeps it."""
    path = _seed_run(world, _uid("alt"))
    for i in range(3):
        official = world.fresh_official().run(path)
        official.config[f"o{i}"] = i
        official.tags = [*official.tags, f"o{i}"]
        official.update()
        ours = world.ours.run(path)
        assert ours.config[f"o{i}"] == i
        ours.config[f"u{i}"] = i
        ours.tags = [*ours.tags, f"u{i}"]
        ours.summary[f"s{i}"] = i
        ours.update()
        _assert_same(world, path)
    final = world.ours.run(path)
    assert final.tags == ["old", "o0", "u0", "o1", "u1", "o2", "u2"]


def test_delete_official_then_ours(world: World) -> None:
    created = world.ours.create_run(_uid("del-o"), project=WRITES, entity=ENTITY)
    before = len(world.ours.runs(f"{ENTITY}/{WRITES}"))
    world.fresh_official().run(created.path).delete()
    with pytest.raises(wandb_typed.NotFoundError):
        world.ours.run(created.path)
    assert len(world.ours.runs(f"{ENTITY}/{WRITES}")) == before - 1
    assert len(world.fresh_official().runs(f"{ENTITY}/{WRITES}")) == before - 1


def test_delete_ours_then_official(world: World) -> None:
    run_id = _uid("del-u")
    world.official.create_run(run_id=run_id, project=WRITES, entity=ENTITY)
    path = f"{ENTITY}/{WRITES}/{run_id}"
    from wandb.errors import CommError

    world.ours.run(path).delete()
    with pytest.raises(CommError, match="Could not find run"):
        world.fresh_official().run(path)
    ids_o = [r.id for r in world.fresh_official().runs(f"{ENTITY}/{WRITES}")]
    ids_u = [r.id for r in world.ours.runs(f"{ENTITY}/{WRITES}")]
    assert ids_u == ids_o and run_id not in ids_u


@pytest.mark.parametrize("direction", ["official-then-ours", "ours-then-official"])
def test_upload_file(world: World, direction: str, tmp_path: Any) -> None:
    """A file uploaded by one client lists and downloads the same in the other."""
    run_id = _uid("upload")
    world.ours.create_run(run_id, project=WRITES, entity=ENTITY)
    path = f"{ENTITY}/{WRITES}/{run_id}"
    source = tmp_path / "src" / "sub dir" / "weights ✓.bin"
    source.parent.mkdir(parents=True)
    source.write_bytes(bytes(range(256)) * 40 + b"tail")
    root = tmp_path / "src"
    if direction == "official-then-ours":
        world.fresh_official().run(path).upload_file(str(source), root=str(root))
    else:
        world.ours.run(path).upload_file(source, root=root)
    official_files = list(world.fresh_official().run(path).files())
    ours_files = list(world.ours.run(path).files())
    assert [n.our_file(f) for f in ours_files] == [n.official_file(f) for f in official_files]
    assert [f.name for f in ours_files] == ["sub dir/weights ✓.bin"]
    official_files[0].download(root=str(tmp_path / "o"), replace=True).close()
    got = ours_files[0].download(root=tmp_path / "u", replace=True)
    assert got.read_bytes() == source.read_bytes()
    assert (tmp_path / "o" / "sub dir" / "weights ✓.bin").read_bytes() == source.read_bytes()
