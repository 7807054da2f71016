"""Runs: listing (full, light, projected), filters, orders, count, one run, writes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from wandb_typed import (
    AsyncApi,
    AsyncLightRun,
    AsyncRun,
    InputError,
    NotFoundError,
    RunState,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.types import JSONValue

from ..support import make_async_api

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
async def all_runs(demo_server: LocalServer) -> list[AsyncRun]:
    """Every mnist run, fully fetched: the reference the filter tests compare against."""
    async with make_async_api(demo_server) as api:
        return [r async for r in api.runs("demo/mnist", per_page=1000)]


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests]


async def test_full_listing_is_one_request_per_page(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    runs = api.runs("demo/mnist", per_page=75, include_sweeps=False)
    demo_server.requests.clear()
    listed = [r async for r in runs]
    total = demo.run_counts["mnist"]
    assert len(listed) == total > 75
    pages = math.ceil(total / 75)
    assert ops(demo_server) == ["RunPage"] * pages
    for run in listed:
        assert isinstance(run.config, dict) and isinstance(run.summary, dict)
        assert "_wandb" not in run.config
        assert run.config and run.summary and run.system_metrics
    assert len({r.storage_id for r in listed}) == total
    assert ops(demo_server) == ["RunPage"] * pages  # touching fields fetched nothing


async def test_count_is_the_server_count_and_the_next_walk_reuses_its_page(
    api: AsyncApi, demo_server: LocalServer
) -> None:
    runs = api.runs("demo/mnist", filters={"state": "finished"}, per_page=10, include_sweeps=False)
    demo_server.requests.clear()
    total = await runs.count()
    assert ops(demo_server) == ["RunPage"]  # the first page carries runCount
    assert total > 10
    demo_server.requests.clear()
    listed = [r async for r in runs]  # the first page comes from count()
    assert len(listed) == total
    assert ops(demo_server) == ["RunPage"] * (math.ceil(total / 10) - 1)
    demo_server.requests.clear()
    assert len([r async for r in runs]) == total  # used once: this walk fetches every page
    assert ops(demo_server) == ["RunPage"] * math.ceil(total / 10)


def _get(run: AsyncRun, dotted: str) -> JSONValue:
    scope, _, key = dotted.partition(".")
    value: JSONValue = run.config if scope == "config" else run.summary
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _num(value: JSONValue) -> float:
    return (
        float(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        else math.nan
    )


FILTER_CASES: list[tuple[dict[str, Any], Callable[[AsyncRun], bool]]] = [
    ({"state": "finished"}, lambda r: r.state == RunState.FINISHED),
    ({"state": {"$ne": "finished"}}, lambda r: r.state != RunState.FINISHED),
    ({"config.lr": {"$gt": 0.001}}, lambda r: _num(_get(r, "config.lr")) > 0.001),
    (
        {"config.optimizer": {"$in": ["adam", "sgd"]}},
        lambda r: _get(r, "config.optimizer") in ("adam", "sgd"),
    ),
    ({"config.optimizer": {"$nin": ["adam"]}}, lambda r: _get(r, "config.optimizer") != "adam"),
    ({"config.model.name": "cnn"}, lambda r: _get(r, "config.model.name") == "cnn"),
    (
        {"summary_metrics.acc": {"$gte": 0.95}},
        lambda r: _num(_get(r, "summary_metrics.acc")) >= 0.95,
    ),
    (
        {"summary_metrics.loss": {"$lt": 0.15}},
        lambda r: _num(_get(r, "summary_metrics.loss")) < 0.15,
    ),
    ({"tags": "debug"}, lambda r: "debug" in r.tags),
    ({"display_name": {"$regex": "fire"}}, lambda r: re.search("fire", r.name) is not None),
    (
        {"$or": [{"state": "crashed"}, {"state": "failed"}]},
        lambda r: r.state in (RunState.CRASHED, RunState.FAILED),
    ),
    (
        {"$and": [{"state": "finished"}, {"config.batch_size": {"$lte": 64}}]},
        lambda r: r.state == RunState.FINISHED and _num(_get(r, "config.batch_size")) <= 64,
    ),
    ({"$nor": [{"state": "finished"}]}, lambda r: r.state != RunState.FINISHED),
    ({"group": {"$exists": True}}, lambda r: r.group is not None),
]


@pytest.mark.parametrize(
    ("filters", "expected"), FILTER_CASES, ids=[str(f) for f, _ in FILTER_CASES]
)
async def test_filters_select_what_python_selects(
    api: AsyncApi,
    all_runs: list[AsyncRun],
    filters: dict[str, Any],
    expected: Callable[[AsyncRun], bool],
) -> None:
    want = sorted(r.id for r in all_runs if expected(r))
    runs = api.runs("demo/mnist", filters=filters, per_page=70)
    got = [r.id async for r in runs]
    assert sorted(got) == want
    assert 0 < len(want) < len(all_runs), "the case should select some but not all runs"
    assert await runs.count() == len(want)


@pytest.mark.parametrize(
    ("order", "key", "descending"),
    [
        ("+created_at", lambda r: r.created_at.timestamp(), False),
        ("-created_at", lambda r: r.created_at.timestamp(), True),
        ("-summary_metrics.acc", lambda r: _num(_get(r, "summary_metrics.acc")), True),
        ("+config.lr", lambda r: _num(_get(r, "config.lr")), False),
        ("-config.lr.value", lambda r: _num(_get(r, "config.lr")), True),
    ],
)
async def test_orders(
    api: AsyncApi,
    demo: DemoInfo,
    order: str,
    key: Callable[[AsyncRun], float],
    descending: bool,
) -> None:
    runs = [r async for r in api.runs("demo/mnist", order=order, per_page=90)]
    values = [key(r) for r in runs]
    assert len(runs) == demo.run_counts["mnist"]
    assert values == sorted(values, reverse=descending)


async def test_light_listing_fetches_identity_only(
    api: AsyncApi, demo_server: LocalServer, all_runs: list[AsyncRun]
) -> None:
    demo_server.requests.clear()
    light = [r async for r in api.runs("demo/mnist", light=True, per_page=1000)]
    assert [r.operation_name for r in demo_server.requests] == ["LightRunPage"]
    assert [r.id for r in light] == [r.id for r in all_runs]
    assert [(r.path, r.name, r.state) for r in light] == [
        (r.path, r.name, r.state) for r in all_runs
    ]
    first = light[0]
    assert isinstance(first, AsyncLightRun)
    assert first.path == all_runs[0].path
    assert not hasattr(first, "config")  # and a type checker says so too
    full = await first.load()
    assert isinstance(full, AsyncRun)
    assert full.config == all_runs[0].config
    assert full == first
    light_bytes = sum(
        r.response_bytes for r in demo_server.requests if r.operation_name == "LightRunPage"
    )
    demo_server.requests.clear()
    assert len([r async for r in api.runs("demo/mnist", per_page=1000)]) == len(all_runs)
    full_bytes = sum(
        r.response_bytes for r in demo_server.requests if r.operation_name == "RunPage"
    )
    assert light_bytes * 10 < full_bytes


async def test_key_projection(fresh_api: AsyncApi) -> None:
    """A run listed with only some keys can still be edited: only the edited key is
    written, on top of the server's full current config."""
    api = fresh_api
    full = await api.create_run("r1", project="p")
    full.config.update({"lr": 0.1, "epochs": 5, "optimizer": "adam"})
    full.summary.update({"acc": 0.5, "loss": 0.7, "f1": 0.4})
    await full.update()
    (run,) = await api.runs("demo/p", config_keys=["lr"], summary_keys=["acc", "loss"]).take(1)
    assert set(run.config) == {"lr"}
    assert set(run.summary) == {"acc", "loss"}
    run.config["lr"] = 1.0
    del run.summary["loss"]
    await run.update()
    await full.reload()
    assert full.config == {"lr": 1.0, "epochs": 5, "optimizer": "adam"}
    assert full.summary == {"acc": 0.5, "f1": 0.4}


async def test_include_sweeps_fetches_each_sweep_once(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    demo_server.requests.clear()
    runs = [r async for r in api.runs("demo/mnist", filters={"sweep": demo.sweep_id}, per_page=3)]
    assert len(runs) == demo.sweep_run_count > 3
    assert ops(demo_server).count("SweepByName") == 1
    demo_server.requests.clear()
    sweeps = {await r.sweep for r in runs}
    assert demo_server.requests == []
    assert [s.id for s in sweeps if s is not None] == [demo.sweep_id]


async def test_run_paths_and_defaults(demo_server: LocalServer, all_runs: list[AsyncRun]) -> None:
    target = all_runs[3]
    async with make_async_api(demo_server, overrides={"entity": "demo", "project": "mnist"}) as api:
        for path in (
            target.id,
            f"mnist/{target.id}",
            f"demo/mnist/{target.id}",
            f"demo/mnist/runs/{target.id}",
            f"demo/mnist:{target.id}",
            target.url,
        ):
            run = await api.run(path)
            assert (run.storage_id, run.path) == (target.storage_id, f"demo/mnist/{target.id}")
        assert run.config == target.config and run.summary == target.summary
        assert run.raw_config["lr"] == {"value": target.config["lr"], "desc": None}
        with pytest.raises(NotFoundError, match="run demo/mnist/zzzzzzzz not found"):
            await api.run("zzzzzzzz")
        with pytest.raises(NotFoundError, match="project demo/nope not found"):
            await api.run("nope/abc")


async def test_unknown_state_is_kept(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    fresh.store.create_run("demo", "p", name="r1", state="paused")
    run = await fresh_api.run("demo/p/r1")
    assert run.state == "paused"
    assert isinstance(run.state, RunState)
    assert run.state.value == "paused"


async def test_create_update_reload_delete(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    api = fresh_api
    run = await api.create_run(run_id="myrun01", project="proj")
    assert (run.path, run.state, run.config, run.summary) == (
        "demo/proj/myrun01",
        RunState.RUNNING,
        {},
        {},
    )
    generated = await api.create_run(project="proj")
    assert re.fullmatch(r"[a-z0-9]{8}", generated.id)

    run.config.update({"lr": 0.1, "layers": [64, 64]})
    run.summary["acc"] = 0.5
    run.tags.append("baseline")
    run.notes, run.name, run.group, run.job_type = "hello", "nice-name", "g1", "train"
    fresh.requests.clear()
    await run.update()
    assert ops(fresh) == ["RunByName", "UpsertRun"]  # current values, then the edits on top
    fresh.requests.clear()
    await run.update()  # nothing changed: no request
    assert fresh.requests == []

    again = await api.run("demo/proj/myrun01")
    assert again.config == {"lr": 0.1, "layers": [64, 64]}
    assert again.summary == {"acc": 0.5}
    assert (again.tags, again.notes, again.name, again.group, again.job_type) == (
        ["baseline"], "hello", "nice-name", "g1", "train"
    )  # fmt: skip
    again.config["lr"] = 0.2
    await again.update()
    await run.reload()
    assert run.config["lr"] == 0.2

    await run.delete()
    with pytest.raises(NotFoundError):
        await api.run("demo/proj/myrun01")


async def test_update_keeps_descriptions_and_internal_config(
    fresh: LocalServer, fresh_api: AsyncApi
) -> None:
    fresh.store.create_run(
        "demo", "p", name="r1",
        config='{"lr": {"value": 1, "desc": "learning rate"}, "_wandb": {"value": {"cli": "0.1"}}}',
    )  # fmt: skip
    run = await fresh_api.run("demo/p/r1")
    assert run.config == {"lr": 1}
    run.config["lr"] = 2
    await run.update()
    assert (await fresh_api.run("demo/p/r1")).raw_config == {
        "lr": {"value": 2, "desc": "learning rate"},
        "_wandb": {"value": {"cli": "0.1"}},
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": "state=finished"}, "filters must be a dict"),
        ({"filters": {"summary.loss": 1}}, "summary_metrics"),
        ({"filters": {"id": "abc"}}, "filter on 'name'"),
        ({"filters": {"state": {"$all": ["x"]}}}, "unknown operator '\\$all'"),
        ({"filters": {"$xor": []}}, "unknown operator '\\$xor'"),
        ({"filters": {"config.lr": {"$in": 3}}}, "must be a list"),
        ({"filters": {"config.lr": {"$exists": "yes"}}}, "must be True or False"),
        ({"filters": {"display_name": {"$regex": "("}}}, "not a valid regular expression"),
        ({"filters": {"$or": {"state": "x"}}}, "non-empty list"),
        ({"filters": {"config..x": 1}}, "empty key part"),
        ({"order": "loss"}, "unknown field 'loss'"),
        ({"order": "+summary.acc"}, "summary_metrics"),
        ({"order": ""}, "non-empty string"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 5000}, "per_page"),
        ({"config_keys": "lr"}, "list of strings"),
        ({"light": True, "config_keys": ["lr"]}, "light=True"),
        ({"light": 1}, "light must be True or False"),
        ({"path": "a/b/c"}, "3 parts"),
    ],
)
async def test_bad_runs_arguments_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer, kwargs: dict[str, Any], message: str
) -> None:
    demo_server.requests.clear()
    with pytest.raises(InputError, match=message):
        api.runs(**{"path": "demo/mnist", **kwargs})
    assert demo_server.requests == []


async def test_bad_run_paths_and_writes(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    api = fresh_api
    for bad in ("", "a/b/c/d/e", "e/p/sweeps/x", "e//x"):
        with pytest.raises(InputError):
            await api.run(bad)
    with pytest.raises(InputError, match="run id"):
        await api.create_run(run_id="bad/id")
    fresh.store.create_run("demo", "p", name="r1")
    run = await api.run("demo/p/r1")
    run.tags.append("")
    fresh.requests.clear()
    with pytest.raises(InputError, match=r"tags\[0\] must be a non-empty string"):
        await run.update()
    with pytest.raises(InputError, match=r"run\.config must be a dict"):
        run.config = "x"  # type: ignore[assignment]
    assert fresh.requests == []
