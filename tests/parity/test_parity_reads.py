"""Parity of the read API: viewer, entity, projects and runs (filters x orders x pages)."""

from __future__ import annotations

from typing import Any

import pytest

from . import _norm as n
from .conftest import ENTITY, PARITY, TEAM, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


# ---------------------------------------------------------------------- viewer & entity
def test_viewer(world: World) -> None:
    ours = world.ours.viewer
    official = world.official.viewer
    assert n.our_user(ours) == n.official_user(official)
    assert list(ours.teams) == [world.demo.teams.team, TEAM]  # the demo's team, then parity's


def test_default_entity(world: World) -> None:
    assert world.ours.default_entity == world.official.default_entity == ENTITY


# ---------------------------------------------------------------------- projects
@pytest.mark.parametrize("name", ["mnist", "llm-finetune", "empty", PARITY])
def test_project(world: World, name: str) -> None:
    official = world.fresh_official().project(name, entity=ENTITY)
    assert n.our_project(world.ours.project(name, entity=ENTITY)) == n.official_project(official)


def test_project_of_team(world: World) -> None:
    official = world.fresh_official().project("team-proj-03", entity=TEAM)
    ours = world.ours.project("team-proj-03", entity=TEAM)
    assert n.our_project(ours) == n.official_project(official)


@pytest.mark.parametrize("entity", [None, ENTITY, TEAM])
@pytest.mark.parametrize("per_page", [1, 5, 200])
def test_projects(world: World, entity: str | None, per_page: int) -> None:
    official = [
        n.official_project(p) for p in world.fresh_official().projects(entity, per_page=per_page)
    ]
    ours = [n.our_project(p) for p in world.ours.projects(entity, per_page=per_page)]
    assert ours == official
    assert len(ours) >= 3


# ---------------------------------------------------------------------- runs
FILTERS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "state": {"state": "finished"},
    "state-in": {"state": {"$in": ["crashed", "failed"]}},
    "tag": {"tags": "baseline"},
    "tags-in": {"tags": {"$in": ["v2", "best"]}},
    "tags-nin": {"tags": {"$nin": ["debug"]}},
    "config-gt": {"config.lr": {"$gt": 0.001}},
    "config-in": {"config.optimizer": {"$in": ["adam", "sgd"]}},
    "config-regex": {"config.optimizer": {"$regex": "^ada"}},
    "config-nested": {"config.model.name": "cnn"},
    "config-float-in": {"config.lr": {"$in": [0.001, 0.01]}},
    "summary-gte": {"summary_metrics.acc": {"$gte": 0.9}},
    "summary-nested": {"summary_metrics.best.acc": {"$gt": 0.95}},
    "and": {"$and": [{"state": "finished"}, {"config.batch_size": {"$lte": 64}}]},
    "or": {"$or": [{"tags": {"$in": ["v2"]}}, {"group": "exp-a"}]},
    "display-regex": {"display_name": {"$regex": "^(swift|calm|happy)-"}},
    "job-and-exists": {"$and": [{"jobType": "eval"}, {"group": {"$exists": True}}]},
    "sweep": {"sweep": "__SWEEP__"},
    "created-range": {
        "$and": [
            {"createdAt": {"$gte": "2024-01-01T10:00:00"}},
            {"createdAt": {"$lt": "2024-01-02T02:00:00"}},
        ]
    },
    "nothing": {"config.optimizer": "no-such-optimizer"},
}
ORDERS = ["+created_at", "-created_at", "+summary_metrics.acc", "-config.lr"]
PER_PAGE = [1, 7, 50]


def _filters(world: World, key: str) -> dict[str, Any] | None:
    value = FILTERS[key]
    if key == "sweep":
        return {"sweep": world.demo.sweep_id}
    return value


def _ids_official(world: World, path: str, filters: Any, order: str, per_page: int) -> list[str]:
    runs = world.fresh_official().runs(path, filters=filters, order=order, per_page=per_page)
    return [r.id for r in runs]


@pytest.mark.parametrize("per_page", PER_PAGE)
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("key", list(FILTERS))
def test_runs_order_and_pages(world: World, key: str, order: str, per_page: int) -> None:
    """Same runs in the same order, whatever the page size."""
    filters = _filters(world, key)
    path = f"{ENTITY}/mnist"
    official = _ids_official(world, path, filters, order, per_page)
    ours = [r.id for r in world.ours.runs(path, filters, order, per_page, light=True)]
    assert ours == official
    if per_page == 50:
        # the count comes from the server (runCount) in both clients
        official_runs = world.fresh_official().runs(path, filters=filters, order=order)
        assert len(world.ours.runs(path, filters, order)) == len(official_runs) == len(ours)


PARITY_FILTERS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "state-ne": {"state": {"$ne": "finished"}},
    "x-gt": {"config.x": {"$gt": 2}},
    "x-lte-neg": {"config.x": {"$lte": 0}},
    "x-exists": {"config.x": {"$exists": False}},
    "x-null": {"config.x": None},
    "name-regex-unicode": {"config.name": {"$regex": "^é"}},
    "name-regex-case": {"config.name": {"$regex": "^beta"}},
    "flag": {"config.flag": True},
    "nested-deep": {"config.nested.a.b": {"$in": [1, 2, 3, 12]}},
    "tag-unicode": {"tags": "ünï"},
    "tag-space": {"tags": {"$in": ["tag with space"]}},
    "summary-missing": {"summary_metrics.acc": {"$exists": False}},
    "summary-text": {"summary_metrics.text": {"$regex": "run 1"}},
    "or-nested-and": {
        "$or": [
            {"$and": [{"state": "finished"}, {"config.flag": False}]},
            {"group": {"$in": ["g2"]}},
        ]
    },
    "nor": {"$nor": [{"state": "running"}, {"tags": "a"}]},
    "username": {"username": "alice"},
    "big-int": {"config.big": {"$gt": 2**53 + 10}},
}
PARITY_ORDERS = [
    "+created_at",
    "-created_at",
    "+summary_metrics.acc",
    "-summary_metrics.acc",
    "-config.x",
    "+config.name",
    "+display_name",
    "-heartbeat_at",
]


@pytest.mark.parametrize("order", PARITY_ORDERS)
@pytest.mark.parametrize("key", list(PARITY_FILTERS))
def test_parity_project_runs(world: World, key: str, order: str) -> None:
    """Edge cases: ties in the sort key, missing keys, unicode, nested paths, $nor."""
    filters = PARITY_FILTERS[key]
    path = f"{ENTITY}/{PARITY}"
    for per_page in (1, 3):
        official = _ids_official(world, path, filters, order, per_page)
        ours = [r.id for r in world.ours.runs(path, filters, order, per_page, light=True)]
        assert ours == official, f"per_page={per_page}"
    assert len(world.ours.runs(path, filters, order)) == len(official)


@pytest.mark.parametrize("project", ["mnist", PARITY, "llm-finetune", "empty"])
def test_run_listing_attributes(world: World, project: str) -> None:
    """Every attribute of every listed run, official lazy listing vs ours."""
    path = f"{ENTITY}/{project}"
    official = [n.official_run(r) for r in world.fresh_official().runs(path, per_page=7)]
    ours = [n.our_run(r) for r in world.ours.runs(path, per_page=7)]
    assert ours == official


@pytest.mark.parametrize("project", ["mnist", PARITY, "llm-finetune"])
def test_run_listing_data(world: World, project: str) -> None:
    """config, summary, system metrics of a full (lazy=False) official listing vs ours."""
    path = f"{ENTITY}/{project}"
    official = {
        r.id: n.official_run_data(r, raw=False)
        for r in world.fresh_official().runs(path, per_page=50, lazy=False)
    }
    ours = {r.id: n.our_run_data(r, raw=False) for r in world.ours.runs(path, per_page=50)}
    assert ours == official


def test_lazy_listing_loads_the_same_data(world: World) -> None:
    """The official lazy listing fetches config/summary per run on access."""
    path = f"{ENTITY}/{PARITY}"
    official = {r.id: n.official_run_data(r) for r in world.fresh_official().runs(path)}
    ours = {r.id: n.our_run_data(r) for r in world.ours.runs(path)}
    assert ours == official


def test_one_run(world: World) -> None:
    for project, run_id in [
        ("mnist", world.demo.sweep_id and "__first__"),
        (PARITY, world.parity_runs[5]),
        (PARITY, world.alice_run),
        (PARITY, world.history_run),
        (world.demo.long_history_project, world.demo.long_history_run),
    ]:
        if run_id == "__first__":
            run_id = next(iter(world.ours.runs(f"{ENTITY}/{project}", per_page=1))).id
        path = f"{ENTITY}/{project}/{run_id}"
        official = world.fresh_official().run(path)
        ours = world.ours.run(path)
        assert n.our_run(ours) == n.official_run(official), path
        assert n.our_run_data(ours) == n.official_run_data(official), path


def test_run_path_forms(world: World) -> None:
    """``project/run_id`` and ``entity/project/run_id`` name the same run in both."""
    run_id = world.parity_runs[2]
    for path in (f"{PARITY}/{run_id}", f"{ENTITY}/{PARITY}/{run_id}"):
        official = world.fresh_official().run(path)
        assert n.our_run(world.ours.run(path)) == n.official_run(official), path


def test_runs_per_page_is_sent(world: World) -> None:
    """The page-size dimension above is real: both clients ask for pages of 7."""
    requests = world.server.requests
    start = len(requests)
    list(world.fresh_official().runs(f"{ENTITY}/mnist", per_page=7))
    list(world.ours.runs(f"{ENTITY}/mnist", per_page=7))
    sizes = [
        v.get("perPage", v.get("per_page", v.get("first")))
        for r in requests[start:]
        if (v := r.variables) and ("perPage" in v or "per_page" in v)
    ]
    assert sizes and set(sizes) == {7}, sizes
    pages = -(-world.demo.run_counts["mnist"] // 7)
    assert len(sizes) == 2 * pages  # the mnist runs in pages of 7, for each client
