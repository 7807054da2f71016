"""Sweeps (config, runs, best run, listing without refetch) and reports."""

from __future__ import annotations

import pytest

from wandb_typed import AsyncApi, InputError, NotFoundError, Report
from wandb_typed.testing import DemoInfo, LocalServer

from .support import make_api, run_async


def test_sweep(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    sweep = api.sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    assert sweep.id == demo.sweep_id
    assert sweep.path == f"demo/{demo.sweep_project}/{demo.sweep_id}"
    assert sweep.url.endswith(f"/demo/{demo.sweep_project}/sweeps/{demo.sweep_id}")
    assert sweep.config["method"] == sweep.method == "bayes"
    assert sweep.config["metric"] == {"name": "loss", "goal": "minimize"}
    assert sweep.order == "+summary_metrics.loss"
    assert sweep.name == "mnist-lr-sweep"
    assert sweep.run_count == demo.sweep_run_count
    for path in (f"demo/{demo.sweep_project}/sweeps/{demo.sweep_id}", sweep.url):
        assert api.sweep(path) == sweep
    assert (
        make_api(demo_server, overrides={"project": demo.sweep_project}).sweep(demo.sweep_id)
        == sweep
    )


def test_sweep_runs_and_best_run(demo_server: LocalServer, demo: DemoInfo) -> None:
    sweep = make_api(demo_server).sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    runs = list(sweep.runs)
    assert len(runs) == len(sweep.runs) == demo.sweep_run_count
    assert all(r.sweep_name == demo.sweep_id for r in runs)
    losses = {r.id: r.summary["loss"] for r in runs}
    best = sweep.best_run()
    assert best is not None and best.id == min(losses, key=lambda k: float(losses[k]))  # type: ignore[arg-type]
    worst = sweep.best_run(order="-summary_metrics.loss")
    assert worst is not None and worst.id == max(losses, key=lambda k: float(losses[k]))  # type: ignore[arg-type]


def test_project_sweeps_are_built_from_their_page(demo_server: LocalServer, demo: DemoInfo) -> None:
    project = make_api(demo_server).project(demo.sweep_project)
    demo_server.requests.clear()
    sweeps = list(project.sweeps())
    assert [s.id for s in sweeps] == [demo.sweep_id]
    assert sweeps[0].config["method"] == "bayes"
    assert [r.operation_name for r in demo_server.requests] == ["SweepPage"]
    assert len(project.sweeps()) == 1


def test_missing_sweep_and_bad_paths(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    with pytest.raises(NotFoundError, match="sweep demo/mnist/nosweep not found"):
        api.sweep("demo/mnist/nosweep")
    for bad in ("demo/mnist/runs/x", "a/b/c/d/e", ""):
        with pytest.raises(InputError):
            api.sweep(bad)


def test_sweep_without_metric_needs_an_order(fresh: LocalServer) -> None:
    fresh.store.create_sweep("demo", "p", name="sw1", config="method: grid\nparameters: {}\n")
    sweep = make_api(fresh).sweep("demo/p/sw1")
    assert sweep.order is None
    with pytest.raises(InputError, match="has no metric"):
        sweep.best_run()
    assert sweep.best_run(order="+created_at") is None  # no runs


def test_reports(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    reports = list(api.reports(f"demo/{demo.report_project}"))
    assert [r.name for r in reports] == [demo.report_name]
    report = reports[0]
    assert isinstance(report, Report)
    assert isinstance(report.spec, dict) and report.spec
    assert report.user is not None and report.user.username == "demo"
    assert report.url.startswith(f"{demo_server.base_url}/demo/{demo.report_project}/reports/")
    assert "=" not in report.url.rsplit("--", 1)[1]
    assert isinstance(report.sections, list)
    assert [r.id for r in api.reports(f"demo/{demo.report_project}", name=demo.report_name)] == [
        report.id
    ]
    assert list(api.reports(f"demo/{demo.report_project}", name="no-such-report")) == []
    assert list(api.reports("demo/empty")) == []
    assert (
        list(make_api(demo_server, overrides={"project": demo.report_project}).reports()) == reports
    )


def test_async_sweep_and_reports(demo_server: LocalServer, demo: DemoInfo) -> None:
    async def scenario(aapi: AsyncApi) -> tuple[str, int, str | None, list[str | None]]:
        sweep = await aapi.sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
        count = await sweep.runs.count()
        best = await sweep.best_run()
        names = [r.name async for r in aapi.reports(f"demo/{demo.report_project}")]
        return sweep.id, count, best.id if best else None, names

    sweep_id, count, best, names = run_async(scenario, demo_server)
    sync_sweep = make_api(demo_server).sweep(f"demo/{demo.sweep_project}/{demo.sweep_id}")
    sync_best = sync_sweep.best_run()
    assert (sweep_id, count, names) == (demo.sweep_id, demo.sweep_run_count, [demo.report_name])
    assert sync_best is not None and best == sync_best.id
