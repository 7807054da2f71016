"""Parity at the edges: more orders, short path forms, ``from_path``, raw config,
empty scan ranges, runs with their sweeps, and another user's view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import wandb_typed

from . import _norm as n
from .conftest import ENTITY, PARITY, TEAM, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


@pytest.mark.parametrize(
    "order",
    [
        "+summary_metrics.best.acc",
        "-summary_metrics.best.step",
        "+config.model.dropout",
        "-config.batch_size",
        "+config.optimizer",
        "-name",
        "+display_name",
        "-state",
        "+heartbeat_at",
        "-heartbeat_at",
        "created_at",
        "summary_metrics.acc",
    ],
)
def test_more_orders(world: World, order: str) -> None:
    path = f"{ENTITY}/mnist"
    official = [r.id for r in world.fresh_official().runs(path, order=order, per_page=9)]
    assert [r.id for r in world.ours.runs(path, order=order, per_page=9, light=True)] == official


def test_short_paths(world: World) -> None:
    """Paths without the entity resolve to the viewer's default entity in both."""
    official = world.fresh_official()
    assert [r.id for r in world.ours.runs("mnist", per_page=13)] == [
        r.id for r in official.runs("mnist", per_page=13)
    ]
    run_id = world.parity_runs[4]
    for path in (f"{PARITY}/{run_id}", f"{ENTITY}/{PARITY}/runs/{run_id}"):
        assert n.our_run(world.ours.run(path)) == n.official_run(official.run(path)), path
    sweep = world.demo.sweep_id
    for path in (f"mnist/{sweep}", f"{ENTITY}/mnist/sweeps/{sweep}"):
        assert n.our_sweep(world.ours.sweep(path)) == n.official_sweep(official.sweep(path)), path
    assert [n.our_report(r) for r in world.ours.reports("mnist")] == [
        n.official_report(r) for r in official.reports("mnist")
    ]


def test_from_path(world: World) -> None:
    official = world.fresh_official()
    project = world.ours.from_path(f"{ENTITY}/{PARITY}")
    assert isinstance(project, wandb_typed.Project)
    assert n.our_project(project) == n.official_project(official.from_path(f"{ENTITY}/{PARITY}"))
    project = world.ours.from_path("mnist")
    assert isinstance(project, wandb_typed.Project)
    assert n.our_project(project) == n.official_project(official.from_path("mnist"))
    for path in (f"{ENTITY}/{PARITY}/p01", f"{ENTITY}/{PARITY}/runs/p02"):
        run = world.ours.from_path(path)
        assert isinstance(run, wandb_typed.Run)
        assert n.our_run(run) == n.official_run(official.from_path(path)), path
    path = f"{ENTITY}/mnist/sweeps/{world.demo.sweep_id}"
    sweep = world.ours.from_path(path)
    assert isinstance(sweep, wandb_typed.Sweep)
    assert n.our_sweep(sweep) == n.official_sweep(official.from_path(path))
    # the official client builds a report from its URL slug without fetching it
    report = next(iter(world.ours.reports(f"{ENTITY}/mnist")))
    slug = report.url.rsplit("/", 1)[1]
    official_report = official.from_path(f"{ENTITY}/mnist/reports/{slug}")
    ours = world.ours.from_path(f"{ENTITY}/mnist/reports/{slug}")
    assert isinstance(ours, wandb_typed.Report)
    assert (ours.id, ours.display_name, ours.url) == (
        official_report.id,
        official_report.display_name,
        official_report.url,
    )


def test_raw_config(world: World) -> None:
    """Internal keys go to rawconfig only; descriptions and unwrapped values are read
    the same way; media-like summary values are plain dicts in both."""
    path = f"{ENTITY}/{PARITY}/rawcfg"
    official, ours = world.fresh_official().run(path), world.ours.run(path)
    assert n.our_run_data(ours) == n.official_run_data(official)
    assert (
        ours.config
        == official.config
        == {
            "lr": 0.1,
            "plain": 5,
            "dictish": {"a": 1},
            "valueish": None,
        }
    )
    assert "_wandb" in official.rawconfig and "_wandb" in ours.raw_config


def test_raw_config_survives_the_other_clients_update(world: World) -> None:
    """After each client rewrites the config, both still read the same values."""
    path = f"{ENTITY}/{PARITY}/rawcfg"
    before = world.ours.run(path).raw_config
    try:
        ours = world.ours.run(path)
        ours.config["plain"] = 6
        ours.update()
        official = world.fresh_official().run(path)
        assert n.official_run_data(official) == n.our_run_data(world.ours.run(path))
        assert official.config["plain"] == 6
        official.config["plain"] = 7
        official.update()
        assert n.our_run_data(world.ours.run(path)) == n.official_run_data(
            world.fresh_official().run(path)
        )
        assert world.ours.run(path).config["plain"] == 7
    finally:
        world.server.store.update_run(_run_pk(world, path), config=_json(before))


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


def _run_pk(world: World, path: str) -> int:
    entity, project, run_id = path.split("/")
    store = world.server.store
    project_row = store.project(entity, project)
    assert project_row is not None
    row = store.run(int(project_row["id"]), run_id)
    assert row is not None
    return int(row["id"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_step": 100_000},
        {"min_step": 5, "max_step": 5},  # an empty range (ours raises InputError)
        {"min_step": 10, "max_step": 13},  # a gap in the steps
        {"min_step": 11, "max_step": 12},
        {"keys": ["eval/acc"], "min_step": 1, "max_step": 7},
    ],
)
def test_empty_scans(world: World, kwargs: dict[str, Any]) -> None:
    path = f"{ENTITY}/{PARITY}/{world.history_run}"
    official = list(world.fresh_official().run(path).scan_history(**kwargs))
    assert list(world.ours.run(path).scan_history(**kwargs)) == official == []


def test_scan_of_run_without_history(world: World) -> None:
    path = f"{ENTITY}/{PARITY}/p00"
    official = world.fresh_official().run(path)
    ours = world.ours.run(path)
    assert list(ours.scan_history()) == list(official.scan_history()) == []
    assert ours.history(pandas=False) == official.history(pandas=False) == []
    assert ours.history(keys=["loss"], pandas=False) == official.history(
        keys=["loss"], pandas=False
    )


def test_runs_with_their_sweeps(world: World) -> None:
    """``include_sweeps``: every listed run carries its sweep (or none)."""
    path = f"{ENTITY}/{PARITY}"
    official = world.fresh_official().runs(path, per_page=5, include_sweeps=True)
    expected = [(r.id, n.official_sweep(r.sweep) if r.sweep else None) for r in official]
    got = [
        (r.id, n.our_sweep(r.sweep) if r.sweep else None) for r in world.ours.runs(path, per_page=5)
    ]
    assert got == expected
    assert any(sweep for _, sweep in got)


# ---------------------------------------------------------------------- another user
@pytest.fixture(scope="module")
def alice(world: World) -> Iterator[tuple[Any, wandb_typed.Api]]:
    """Both clients with the key of ``alice``: a member of the team, not of ``demo``."""
    import wandb

    user = world.server.store.user_by_name("alice")
    assert user is not None
    key = str(user["api_key"])
    official = wandb.Api(api_key=key, overrides={"base_url": world.server.base_url})
    ours = wandb_typed.Api(overrides={"base_url": world.server.base_url}, api_key=key)
    yield official, ours
    ours.close()


def test_other_user_view(world: World, alice: tuple[Any, wandb_typed.Api]) -> None:
    official, ours = alice
    assert n.our_user(ours.viewer) == n.official_user(official.viewer)
    assert ours.default_entity == official.default_entity == "alice"
    assert [n.our_project(p) for p in ours.projects(TEAM, per_page=3)] == [
        n.official_project(p) for p in official.projects(TEAM, per_page=3)
    ]
    # the demo user's private projects are invisible to alice
    assert [p.name for p in ours.projects(ENTITY)] == [p.name for p in official.projects(ENTITY)]


def test_other_user_team_runs(world: World, alice: tuple[Any, wandb_typed.Api]) -> None:
    """Runs in a team project written by demo, read by alice (read_only, user)."""
    official, ours = alice
    project = "team-proj-00"
    world.ours.create_run("by-demo", project=project, entity=TEAM)
    ours.create_run("by-alice", project=project, entity=TEAM)
    path = f"{TEAM}/{project}"
    expected = [n.official_run(r) for r in official.runs(path)]
    assert [n.our_run(r) for r in ours.runs(path)] == expected
    assert [r["user"]["username"] for r in expected] == ["demo", "alice"]
    as_demo = [n.official_run(r) for r in world.fresh_official().runs(path)]
    assert [n.our_run(r) for r in world.ours.runs(path)] == as_demo


def _configured(world: World) -> tuple[Any, wandb_typed.Api]:
    import wandb

    overrides = {"base_url": world.server.base_url, "entity": TEAM, "project": "team-proj-01"}
    official = wandb.Api(api_key=world.server.api_key, overrides=overrides)
    return official, wandb_typed.Api(overrides=overrides, api_key=world.server.api_key)


def test_configured_entity_and_project(world: World) -> None:
    """``overrides`` entity/project are the defaults for paths, runs and projects."""
    official, ours = _configured(world)
    with ours:
        world.ours.create_run("configured", project="team-proj-01", entity=TEAM)
        assert [n.our_run(r) for r in ours.runs()] == [n.official_run(r) for r in official.runs()]
        assert n.our_run(ours.run("configured")) == n.official_run(official.run("configured"))
        assert [n.our_project(p) for p in ours.projects(per_page=4)] == [
            n.official_project(p) for p in official.projects(per_page=4)
        ]
        assert n.our_project(ours.project("team-proj-02")) == n.official_project(
            official.project("team-proj-02")
        )


def test_default_entity_with_configured_entity(world: World) -> None:
    """The official ``default_entity`` is the viewer's default entity even when an
    entity is configured; ours returns the configured one. Unresolved: see the report."""
    official, ours = _configured(world)
    with ours:
        assert ours.default_entity == official.default_entity
