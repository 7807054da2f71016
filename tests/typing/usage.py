"""User-style code whose types are pinned with ``assert_type``.

Checked by mypy (the project's ``mypy`` run covers tests/) and, stricter, by
``test_typing.py`` with ``--disallow-any-expr``: no expression here may be
``Any``, so every attribute a user touches has a concrete type. Never executed.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path

from pandas import DataFrame
from pydantic import BaseModel
from typing_extensions import TypedDict, assert_type

from wandb_typed import (
    Api,
    AsyncApi,
    AsyncFile,
    AsyncHistoryScan,
    AsyncLightRun,
    AsyncProject,
    AsyncRun,
    AsyncRuns,
    AsyncSizedPaginator,
    AsyncSweep,
    AsyncTypedRun,
    AsyncTypedRuns,
    Config,
    File,
    HistoryRow,
    HistoryScan,
    LightRun,
    Page,
    Project,
    Report,
    Run,
    Runs,
    RunState,
    SizedPaginator,
    Summary,
    Sweep,
    TypedRun,
    TypedRuns,
    User,
    UserRef,
)
from wandb_typed.types import JSONObject, JSONValue


class TrainConfig(BaseModel):
    lr: float
    optimizer: str


class MnistSummary(TypedDict):
    acc: float


def typed_config_usage(api: Api, run: Run) -> None:
    assert_type(run.config_as(TrainConfig), TrainConfig)
    assert_type(run.config_as(TrainConfig).lr, float)
    assert_type(run.summary_as(MnistSummary), MnistSummary)
    assert_type(run.summary_as(MnistSummary)["acc"], float)
    typed = api.runs("demo/mnist", config_type=TrainConfig)
    assert_type(typed, TypedRuns[TrainConfig, JSONObject])
    assert_type(typed[0], TypedRun[TrainConfig, JSONObject])
    for t in typed:
        assert_type(t, TypedRun[TrainConfig, JSONObject])
        assert_type(t.typed_config, TrainConfig)
        assert_type(t.typed_config.optimizer, str)
        assert_type(t.typed_summary, JSONObject)
        assert_type(t.config, JSONObject)
    both = api.runs("demo/mnist", config_type=TrainConfig, summary_type=MnistSummary)
    assert_type(both, TypedRuns[TrainConfig, MnistSummary])
    assert_type(api.runs(summary_type=MnistSummary), TypedRuns[JSONObject, MnistSummary])
    assert_type(api.runs("demo/mnist", config_type=None), Runs)
    assert_type(both.histories(keys=["acc"]), list[HistoryRow])
    built = (Config("lr") > 0.01) & (Summary("acc") >= 0.9)
    assert_type(
        api.runs("demo/mnist", filters=built, config_type=TrainConfig),
        TypedRuns[TrainConfig, JSONObject],
    )


async def async_typed_config_usage(aapi: AsyncApi) -> None:
    typed = aapi.runs("demo/mnist", config_type=TrainConfig, summary_type=MnistSummary)
    assert_type(typed, AsyncTypedRuns[TrainConfig, MnistSummary])
    async for t in typed:
        assert_type(t, AsyncTypedRun[TrainConfig, MnistSummary])
        assert_type(t.typed_summary["acc"], float)
        assert_type(t.config_as(TrainConfig), TrainConfig)
    assert_type(await typed.at(0), AsyncTypedRun[TrainConfig, MnistSummary])


def sync_usage(api: Api) -> None:
    assert_type(api.viewer, User)
    assert_type(api.viewer.teams, tuple[str, ...])
    assert_type(api.default_entity, str | None)
    assert_type(api.api_key, str)
    project = api.project("mnist")
    assert_type(project, Project)
    assert_type(project.created_at, datetime)
    assert_type(project.run_count, int)
    assert_type(api.projects(), SizedPaginator[Project])
    for p in api.projects():
        assert_type(p, Project)
    runs = api.runs("demo/mnist", filters={"state": "finished"}, order="-summary_metrics.acc")
    assert_type(runs, Runs)
    assert_type(len(runs), int)
    assert_type(runs[0], Run)
    assert_type(runs[1:3], list[Run])
    assert_type(runs.count(), int)
    for run in runs:
        assert_type(run, Run)
        assert_type(run.id, str)
        assert_type(run.name, str)
        assert_type(run.state, RunState | None)
        assert_type(run.tags, list[str])
        assert_type(run.created_at, datetime)
        assert_type(run.heartbeat_at, datetime | None)
        assert_type(run.user, UserRef | None)
        assert_type(run.config, JSONObject)
        assert_type(run.summary, dict[str, JSONValue])
        lr = run.config.get("lr")
        assert_type(lr, JSONValue)
        if isinstance(lr, float):
            assert_type(lr * 2, float)
        assert_type(run.update(), None)
        assert_type(run.sweep, Sweep | None)
    for light in api.runs("demo/mnist", light=True):
        assert_type(light, LightRun)
        assert_type(light.state, RunState | None)
        assert_type(light.load(), Run)
    flag = bool(len(api.viewer.teams))
    assert_type(api.runs(light=flag), Runs | SizedPaginator[LightRun])
    run = api.run("demo/mnist/abc")
    assert_type(run.history(), DataFrame)
    assert_type(run.history(pandas=False), list[HistoryRow])
    assert_type(run.scan_history(keys=["loss"]), HistoryScan)
    for row in run.scan_history():
        assert_type(row, dict[str, JSONValue])
    for page in run.scan_history().pages():
        assert_type(page, Page[HistoryRow])
    assert_type(runs.histories(keys=["loss"]), list[HistoryRow])
    assert_type(runs.histories(format="pandas"), DataFrame)
    files = run.files()
    assert_type(files, SizedPaginator[File])
    assert_type(run.file("a.txt").download(root="."), Path)
    assert_type(run.file("a.txt").size, int)
    sweep = api.sweep("demo/mnist/sw")
    assert_type(sweep.best_run(), Run | None)
    assert_type(sweep.config, JSONObject)
    for report in api.reports("demo/mnist"):
        assert_type(report, Report)
        assert_type(report.updated_at, datetime | None)
    assert_type(api.from_path("demo/mnist"), Project | Run | Sweep | Report)


async def async_usage(aapi: AsyncApi) -> None:
    assert_type(aapi.viewer, Awaitable[User])
    assert_type(await aapi.viewer, User)
    assert_type(await aapi.default_entity, str | None)
    project = await aapi.project("mnist")
    assert_type(project, AsyncProject)
    assert_type(project.created_at, datetime)
    assert_type(aapi.projects(), AsyncSizedPaginator[AsyncProject])
    async for p in aapi.projects():
        assert_type(p, AsyncProject)
    assert_type(project.runs(), AsyncRuns)
    runs = aapi.runs("demo/mnist")
    assert_type(runs, AsyncRuns)
    assert_type(await runs.count(), int)
    assert_type(await runs.at(0), AsyncRun)
    assert_type(await runs.at(-1), AsyncRun)
    assert_type(await runs.take(3), list[AsyncRun])
    async for run in runs:
        assert_type(run, AsyncRun)
        assert_type(run.config, JSONObject)
        assert_type(await run.update(), None)
        assert_type(await run.history(pandas=False), list[HistoryRow])
        assert_type(await run.history(), DataFrame)
        assert_type(await run.sweep, AsyncSweep | None)
        assert_type(run.scan_history(), AsyncHistoryScan)
        async for row in run.scan_history():
            assert_type(row, HistoryRow)
        async for f in run.files():
            assert_type(f, AsyncFile)
            assert_type(await f.download(), Path)
    assert_type(await runs.histories(format="pandas"), DataFrame)
    async for light in aapi.runs("demo/mnist", light=True):
        assert_type(light, AsyncLightRun)
        assert_type(await light.load(), AsyncRun)
    sweep = await aapi.sweep("demo/mnist/sw")
    assert_type(sweep, AsyncSweep)
    assert_type(await sweep.best_run(), AsyncRun | None)
    async for page in aapi.projects().pages():
        assert_type(page, Page[AsyncProject])
    assert_type(await aapi.from_path("demo/mnist"), AsyncProject | AsyncRun | AsyncSweep | Report)
