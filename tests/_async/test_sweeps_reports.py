"""Sweeps (config, runs, best run, listing without refetch) and reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from wandb_typed import AsyncApi, AsyncReport, InputError, NotFoundError
from wandb_typed.testing import DemoInfo, LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def best_first(metric: Mapping[str, Any]) -> str:
    """The order sign (``+`` or ``-``) that lists the best run of a sweep metric first."""
    return "+" if metric["goal"] == "minimize" else "-"


async def test_sweep(api: AsyncApi, demo_server: LocalServer, demo: DemoInfo) -> None:
    sweep = await api.sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    assert sweep.id == demo.sweep_id
    assert sweep.path == f"demo/{demo.sweep_project}/{demo.sweep_id}"
    assert sweep.url.endswith(f"/demo/{demo.sweep_project}/sweeps/{demo.sweep_id}")
    assert sweep.config == demo.sweep_config
    assert sweep.config["method"] == sweep.method == demo.sweep_config["method"]
    metric = demo.sweep_config["metric"]
    assert sweep.order == f"{best_first(metric)}summary_metrics.{metric['name']}"
    assert sweep.name == demo.sweep_display_name
    assert sweep.run_count == demo.sweep_run_count
    for path in (f"demo/{demo.sweep_project}/sweeps/{demo.sweep_id}", sweep.url):
        assert await api.sweep(path) == sweep
    async with make_async_api(demo_server, overrides={"project": demo.sweep_project}) as other:
        assert await other.sweep(demo.sweep_id) == sweep


async def test_sweep_runs_and_best_run(api: AsyncApi, demo: DemoInfo) -> None:
    sweep = await api.sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    runs = [r async for r in sweep.runs]
    assert len(runs) == await sweep.runs.count() == demo.sweep_run_count
    assert all(r.sweep_name == demo.sweep_id for r in runs)
    metric = demo.sweep_config["metric"]
    values = {r.id: float(r.summary[metric["name"]]) for r in runs}  # type: ignore[arg-type]
    best_of, worst_of = (min, max) if best_first(metric) == "+" else (max, min)
    best = await sweep.best_run()
    assert best is not None and best.id == best_of(values, key=values.__getitem__)
    reverse = "-" if best_first(metric) == "+" else "+"
    worst = await sweep.best_run(order=f"{reverse}summary_metrics.{metric['name']}")
    assert worst is not None and worst.id == worst_of(values, key=values.__getitem__)


async def test_project_sweeps_are_built_from_their_page(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    project = await api.project(demo.sweep_project)
    demo_server.requests.clear()
    sweeps = [s async for s in project.sweeps()]
    assert [s.id for s in sweeps] == [demo.sweep_id]
    assert sweeps[0].config == demo.sweep_config
    assert [r.operation_name for r in demo_server.requests] == ["SweepPage"]
    assert await project.sweeps().count() == len(sweeps)


async def test_missing_sweep_and_bad_paths(api: AsyncApi) -> None:
    with pytest.raises(NotFoundError, match="sweep demo/mnist/nosweep not found"):
        await api.sweep("demo/mnist/nosweep")
    for bad in ("demo/mnist/runs/x", "a/b/c/d/e", ""):
        with pytest.raises(InputError):
            await api.sweep(bad)


async def test_sweep_without_metric_needs_an_order(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    fresh.store.create_sweep("demo", "p", name="sw1", config="method: grid\nparameters: {}\n")
    sweep = await fresh_api.sweep("demo/p/sw1")
    assert sweep.order is None
    with pytest.raises(InputError, match="has no metric"):
        await sweep.best_run()
    assert await sweep.best_run(order="+created_at") is None  # no runs


async def test_reports(api: AsyncApi, demo_server: LocalServer, demo: DemoInfo) -> None:
    reports = [r async for r in api.reports(f"demo/{demo.report_project}")]
    assert [r.name for r in reports] == [demo.report_name]
    report = reports[0]
    assert isinstance(report, AsyncReport)
    assert isinstance(report.spec, dict) and report.spec
    assert report.user is not None and report.user.username == "demo"
    assert report.url.startswith(f"{demo_server.base_url}/demo/{demo.report_project}/reports/")
    assert "=" not in report.url.rsplit("--", 1)[1]
    assert isinstance(report.sections, list)
    named = api.reports(f"demo/{demo.report_project}", name=demo.report_name)
    assert [r.id async for r in named] == [report.id]
    unknown = api.reports(f"demo/{demo.report_project}", name="no-such-report")
    assert [r async for r in unknown] == []
    assert [r async for r in api.reports(f"demo/{demo.empty_project}")] == []
    async with make_async_api(demo_server, overrides={"project": demo.report_project}) as other:
        assert [r async for r in other.reports()] == reports
