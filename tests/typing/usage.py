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
from typing_extensions import assert_type

from wandb_typed import (
    Api,
    Async,
    AsyncApi,
    File,
    HistoryRow,
    HistoryScan,
    LightRun,
    Page,
    Paginator,
    Project,
    Report,
    Run,
    Runs,
    RunState,
    SizedPaginator,
    Sweep,
    Sync,
    User,
    UserRef,
)
from wandb_typed.types import JSONObject, JSONValue


def sync_usage(api: Api) -> None:
    assert_type(api.viewer, User)
    assert_type(api.viewer.teams, tuple[str, ...])
    assert_type(api.default_entity, str | None)
    assert_type(api.api_key, str)
    project = api.project("mnist")
    assert_type(project, Project[Sync])
    assert_type(project.created_at, datetime)
    assert_type(project.run_count, int)
    assert_type(api.projects(), Paginator[Project[Sync], Sync])
    for p in api.projects():
        assert_type(p, Project[Sync])
    runs = api.runs("demo/mnist", filters={"state": "finished"}, order="-summary_metrics.acc")
    assert_type(runs, Runs[Sync])
    assert_type(len(runs), int)
    for run in runs:
        assert_type(run, Run[Sync])
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
        assert_type(run.sweep, Sweep[Sync] | None)
    for light in api.runs("demo/mnist", light=True):
        assert_type(light, LightRun[Sync])
        assert_type(light.state, RunState | None)
        assert_type(light.load(), Run[Sync])
    flag = bool(len(api.viewer.teams))
    assert_type(api.runs(light=flag), Runs[Sync] | SizedPaginator[LightRun[Sync], Sync])
    run = api.run("demo/mnist/abc")
    assert_type(run.history(), DataFrame)
    assert_type(run.history(pandas=False), list[HistoryRow])
    assert_type(run.scan_history(keys=["loss"]), HistoryScan[Sync])
    for row in run.scan_history():
        assert_type(row, dict[str, JSONValue])
    for page in run.scan_history().pages():
        assert_type(page, Page[HistoryRow])
    assert_type(runs.histories(keys=["loss"]), list[HistoryRow])
    assert_type(runs.histories(format="pandas"), DataFrame)
    files = run.files()
    assert_type(files, SizedPaginator[File[Sync], Sync])
    assert_type(run.file("a.txt").download(root="."), Path)
    assert_type(run.file("a.txt").size, int)
    sweep = api.sweep("demo/mnist/sw")
    assert_type(sweep.best_run(), Run[Sync] | None)
    assert_type(sweep.config, JSONObject)
    for report in api.reports("demo/mnist"):
        assert_type(report, Report)
        assert_type(report.updated_at, datetime | None)
    assert_type(api.from_path("demo/mnist"), Project[Sync] | Run[Sync] | Sweep[Sync] | Report)


async def async_usage(aapi: AsyncApi) -> None:
    assert_type(aapi.viewer, Awaitable[User])
    project = await aapi.project("mnist")
    assert_type(project, Project[Async])
    runs = aapi.runs("demo/mnist")
    assert_type(runs, Runs[Async])
    assert_type(await runs.count(), int)
    async for run in runs:
        assert_type(run, Run[Async])
        assert_type(run.update(), Awaitable[None])
        assert_type(await run.history(pandas=False), list[HistoryRow])
        async for row in run.scan_history():
            assert_type(row, HistoryRow)
    async for page in aapi.projects().pages():
        assert_type(page, Page[Project[Async]])
