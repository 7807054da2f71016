"""The seed's signatures, exactly, as a new user copies them from the reference:
``run(path)`` with a bare id when a project is configured, the ``run`` override,
the ``entity`` filter field, ``runs(...)[i]`` and slices, ``len()`` of projects and
reports. Each pins our answer to the official client's on the same server."""

from __future__ import annotations

from typing import Any

import pytest
import wandb

import wandb_typed

from .conftest import ENTITY, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


def _configured(world: World, **extra: str) -> tuple[Any, wandb_typed.Api]:
    overrides = {"base_url": world.server.base_url, "entity": ENTITY, "project": "mnist", **extra}
    official = wandb.Api(api_key=world.server.api_key, overrides=dict(overrides))
    return official, wandb_typed.Api(overrides=overrides, api_key=world.server.api_key)


def test_run_with_a_bare_id_when_the_project_is_configured(world: World) -> None:
    run_id = next(iter(world.ours.runs(f"{ENTITY}/mnist", per_page=1, light=True))).id
    official, ours = _configured(world)
    with ours:
        assert ours.run(run_id).path == "/".join(official.run(run_id).path)
        assert ours.run(f"mnist:{run_id}").id == official.run(f"mnist:{run_id}").id
        assert ours.run(f"/runs/{run_id}").id == official.run(f"/runs/{run_id}").id


def test_the_run_override_is_accepted_and_is_the_default_run(world: World) -> None:
    run_id = next(iter(world.ours.runs(f"{ENTITY}/mnist", per_page=1, light=True))).id
    official, ours = _configured(world, run=run_id)  # the official client accepts it too
    with ours:
        assert ours.settings.run == run_id == official.settings["run"]
        assert ours.run().id == official.run(run_id).id  # no path: the configured run


def test_the_entity_filter_field(world: World) -> None:
    path = f"{ENTITY}/mnist"
    filters = {"$and": [{"entity": ENTITY}, {"state": "finished"}]}
    official = [r.id for r in world.fresh_official().runs(path, filters=filters, per_page=50)]
    ours = [r.id for r in world.ours.runs(path, filters=filters, light=True)]
    assert ours == official and ours
    other = [r.id for r in world.ours.runs(path, filters={"entity": "nobody"}, light=True)]
    assert other == [r.id for r in world.fresh_official().runs(path, filters={"entity": "nobody"})]


@pytest.mark.parametrize("index", [0, 7, 25, -1, slice(0, 3), slice(18, 23), slice(5, None, 20)])
def test_runs_by_index_and_slice(world: World, index: int | slice) -> None:
    """(Pages of 20, so indexes cross pages.) Ours equals the official listing indexed; where the official ``[i]`` answers
    (it fails past its loaded pages, for negative indexes and open slices), it agrees."""
    path = f"{ENTITY}/mnist"
    listed = [r.id for r in world.fresh_official().runs(path, per_page=20)]
    ours = world.ours.runs(path, per_page=20, include_sweeps=False)[index]
    if isinstance(index, slice):
        assert isinstance(ours, list) and [r.id for r in ours] == listed[index]
    else:
        assert not isinstance(ours, list) and ours.id == listed[index]
    try:
        official = world.fresh_official().runs(path, per_page=20)[index]
    except (IndexError, TypeError):
        return  # the official client does not answer this one
    got = [r.id for r in official] if isinstance(index, slice) else official.id
    assert got == listed[index]


def test_len_of_projects_and_reports(world: World) -> None:
    official = world.fresh_official()
    projects = list(official.projects(ENTITY))
    assert len(world.ours.projects(ENTITY)) == len(projects)
    reports = list(official.reports(f"{ENTITY}/{world.demo.report_project}"))
    assert len(world.ours.reports(f"{ENTITY}/{world.demo.report_project}")) == len(reports)
