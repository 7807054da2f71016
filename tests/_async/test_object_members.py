"""The members users reach for on objects the client already returns: a report's
runs, a sweep's agents, a light listing upgraded to full runs, the listings'
descriptions, an artifact's links and source, and reloading collections and types."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wandb_typed import (
    Agent,
    AsyncApi,
    AsyncLightRuns,
    AsyncRuns,
    InputError,
    NotFoundError,
    Table,
)
from wandb_typed.testing import DemoInfo, LocalServer

pytestmark = pytest.mark.anyio


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests if r.path == "/graphql"]


# ---------------------------------------------------------------------- reports
async def test_report_runs(api: AsyncApi, demo: DemoInfo) -> None:
    report = await api.reports(f"demo/{demo.report_project}", name=demo.report_name).at(0)
    section = report.sections[0]
    assert isinstance(section, dict)
    run_set: Any = section["runSets"][0]  # type: ignore[index]
    selected = set(run_set["selections"]["tree"])
    runs = report.runs(section)
    assert isinstance(runs, AsyncRuns)
    ids = [r.id async for r in runs]
    assert set(ids) == selected
    created = [r.created_at async for r in report.runs(0)]
    assert created == sorted(created, reverse=True)  # the run set sorts by createdAt, descending
    finished = await api.runs(f"demo/{demo.report_project}", {"state": "finished"}).count()
    everything = report.runs(0, only_selected=False)
    assert await everything.count() == finished
    assert everything.filters == {"$or": [{"$and": [{"state": "finished"}]}]}
    assert everything.order == "-created_at"
    with pytest.raises(InputError):
        report.runs(5)
    with pytest.raises(InputError):
        report.runs({"runSets": []})


# ---------------------------------------------------------------------- sweeps
async def test_sweep_agents(api: AsyncApi, demo: DemoInfo) -> None:
    sweep = await api.sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    agents = await sweep.agents()
    assert [a.name for a in agents] == list(demo.teams.sweep_agents)
    assert all(isinstance(a, Agent) and a.sweep == sweep.path for a in agents)
    assert await sweep.agent(agents[-1].name) == agents[-1]
    with pytest.raises(NotFoundError):
        await sweep.agent("no-such-agent")
    with pytest.raises(InputError):
        await sweep.agent("")


# ---------------------------------------------------------------------- runs listings
async def test_light_listing_upgraded_to_full_runs(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    light = api.runs(
        "demo/mnist", {"state": "finished"}, order="-created_at", per_page=7, light=True
    )
    assert isinstance(light, AsyncLightRuns)
    assert (light.entity, light.project, light.order) == ("demo", "mnist", "-created_at")
    assert light.filters == {"state": "finished"}
    light_ids = [r.id async for r in light]
    demo_server.requests.clear()
    full = light.upgrade_to_full()
    assert isinstance(full, AsyncRuns)
    assert (full.entity, full.project, full.filters, full.order, full.per_page) == (
        "demo", "mnist", {"state": "finished"}, "-created_at", 7,
    )  # fmt: skip
    runs = [r async for r in full]
    assert [r.id for r in runs] == light_ids
    assert all(r.config for r in runs)  # full runs
    pages = -(-len(light_ids) // 7)
    assert ops(demo_server).count("RunPage") == pages  # one request per page, not per run
    assert "RunByName" not in ops(demo_server)


async def test_listing_descriptions_are_copies(api: AsyncApi) -> None:
    runs = api.runs("demo/mnist", {"tags": "v2"})
    described = runs.filters
    assert described == {"tags": "v2"}
    assert described is not None
    described["tags"] = "x"
    assert runs.filters == {"tags": "v2"}
    default = api.runs("mnist")
    assert default.project == "mnist" and default.order == "+created_at"


# ---------------------------------------------------------------------- artifacts
async def test_linked_and_source_artifacts(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact("demo", "w", "m", "model", {"w.bin": "x"})
    version = await fresh_api.artifact("demo/w/m:v0")
    assert await version.linked_artifacts == []
    assert await version.source_artifact is version
    linked = await version.link("shelf", aliases=["prod"])
    links = await version.linked_artifacts
    assert [(a.name, a.is_link, a.aliases) for a in links] == [("shelf:v0", True, linked.aliases)]
    assert "prod" in linked.aliases
    source = await linked.source_artifact
    assert (source.name, source.is_link, source.id) == ("m:v0", False, version.id)


async def test_collection_and_type_load(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact("demo", "w", "m", "model", {"w.bin": "x"})
    collection = await fresh_api.artifact_collection("model", "demo/w/m")
    collection.description = "edited, not saved"
    await collection.load()
    assert collection.description != "edited, not saved"
    kind = await fresh_api.artifact_type("model", "demo/w")
    again = await kind.load()
    assert again == kind and again is not kind


async def test_artifact_get_reads_tables_and_media(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    table = {
        "_type": "table",
        "columns": ["id", "label", "image"],
        "data": [[1, "cat", {"_type": "image-file", "path": "media/1.png"}], [2, "dog", None]],
        "ncols": 3,
        "nrows": 2,
        "column_types": {"params": {"type_map": {}}, "wb_type": "typedDict"},
    }
    plot = {"_type": "plotly-file", "path": "media/plot.json"}
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact(
        "demo", "w", "evals", "run_table",
        {"preds.table.json": json.dumps(table), "curve.plotly-file.json": json.dumps(plot)},
    )  # fmt: skip
    version = await fresh_api.artifact("demo/w/evals:v0")
    preds = await version.get("preds")
    assert isinstance(preds, Table)
    assert preds.columns == ("id", "label", "image") and len(preds) == 2
    assert preds.column("label") == ["cat", "dog"]
    assert preds.to_dicts()[1] == {"id": 2, "label": "dog", "image": None}
    assert await version.get("preds.table.json") == preds
    assert await version.get("curve") == plot
    assert await version.get("missing") is None
    with pytest.raises(KeyError):
        preds.column("nope")
    with pytest.raises(InputError):
        await version.get("")
