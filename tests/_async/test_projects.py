"""Viewer, default entity, projects and from_path, over real HTTP against LocalServer."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

import pytest

from wandb_typed import (
    AsyncApi,
    AsyncProject,
    AsyncReport,
    AsyncRun,
    AsyncSweep,
    InputError,
    NotFoundError,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


async def test_viewer_and_default_entity(api: AsyncApi, demo_server: LocalServer) -> None:
    viewer = await api.viewer
    assert (viewer.username, viewer.entity, viewer.email) == ("demo", "demo", "demo@example.com")
    assert viewer.id and isinstance(viewer.flags, dict)
    assert await api.default_entity == "demo"
    demo_server.requests.clear()
    assert await api.viewer is viewer  # cached: no second request
    assert demo_server.requests == []
    api.flush()
    assert await api.viewer == viewer
    assert [r.operation_name for r in demo_server.requests] == ["Viewer"]


async def test_configured_entity_is_used_without_asking_the_viewer(
    demo_server: LocalServer,
) -> None:
    async with make_async_api(demo_server, overrides={"entity": "demo"}) as api:
        demo_server.requests.clear()
        assert (await api.project("mnist")).entity == "demo"
        assert [r.operation_name for r in demo_server.requests] == ["ProjectByName"]
    async with make_async_api(demo_server, overrides={"entity": "someone"}) as other:
        assert other.settings.entity == "someone"
        assert await other.default_entity == "demo"  # the viewer's, as in wandb.Api


async def test_project(api: AsyncApi, demo_server: LocalServer, demo: DemoInfo) -> None:
    project = await api.project("mnist")
    assert (project.name, project.entity, project.path) == ("mnist", "demo", "demo/mnist")
    assert project.run_count == demo.run_counts["mnist"]
    assert project.created_at.tzinfo is timezone.utc
    assert isinstance(project.updated_at, datetime)
    assert project.owner is not None and project.owner.username == "demo"
    assert project.url == f"{demo_server.base_url}/demo/mnist/workspace"
    assert await api.project("mnist", entity="demo") == project


async def test_missing_project_is_not_found(api: AsyncApi) -> None:
    with pytest.raises(NotFoundError, match=r"project demo/nope not found") as info:
        await api.project("nope")
    assert info.value.status_code == 404
    assert isinstance(info.value, LookupError)


async def test_projects_are_lazy_fresh_and_complete(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    _ = await api.viewer
    demo_server.requests.clear()
    projects = api.projects(per_page=2)
    assert demo_server.requests == []  # nothing fetched until iterated
    names = [p.name async for p in projects]
    assert names == list(demo.projects)
    pages = math.ceil(len(demo.projects) / 2)
    assert pages > 1
    assert len(demo_server.requests) == pages  # one request per page of 2
    assert [p.name async for p in projects] == names  # each walk starts afresh
    assert len(demo_server.requests) == 2 * pages


async def test_projects_pages_and_resume(api: AsyncApi, demo: DemoInfo) -> None:
    pages = [page async for page in api.projects("demo", per_page=2).pages()]
    sizes = [2] * (len(demo.projects) // 2) + [1] * (len(demo.projects) % 2)
    assert [len(p.items) for p in pages] == sizes
    assert len(pages) > 1
    assert all(p.has_next_page for p in pages[:-1]) and not pages[-1].has_next_page
    rest = api.projects("demo", per_page=2).from_cursor(pages[0].end_cursor)
    assert [p.name async for p in rest] == [p.name for page in pages[1:] for p in page.items]


async def test_create_project_then_update(fresh_api: AsyncApi) -> None:
    api = fresh_api
    created = await api.create_project("new-proj", description="first")
    assert (created.path, created.description, created.run_count) == ("demo/new-proj", "first", 0)
    again = await api.create_project("new-proj", entity="demo", description="second")
    assert again.id == created.id and again.description == "second"
    assert (await api.project("new-proj")).description == "second"
    assert [p.name async for p in api.projects()] == ["new-proj"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda api: api.project(""), "project name must not be empty"),
        (lambda api: api.project("a/b"), "character '/'"),
        (lambda api: api.project("x", entity=" e"), "whitespace"),
        (lambda api: api.create_project("p", description=5), "description must be a string"),
        (lambda api: api.from_path("a/b/c/d/e"), "5 parts"),
        (lambda api: api.from_path("a//b"), "empty part"),
        (lambda api: api.from_path("e/p/widgets/x"), "unknown kind 'widgets'"),
    ],
)
async def test_bad_input_fails_before_any_request(
    demo_server: LocalServer, call: Callable[[AsyncApi], Awaitable[object]], message: str
) -> None:
    async with make_async_api(demo_server, overrides={"entity": "demo"}) as api:
        demo_server.requests.clear()
        with pytest.raises(InputError, match=message):
            await call(api)
        assert demo_server.requests == []


@pytest.mark.parametrize(
    ("per_page", "message"),
    [(0, "per_page must be between 1 and 1000"), (True, "per_page must be an int")],
)
async def test_bad_listing_input_fails_before_any_request(
    api: AsyncApi, demo_server: LocalServer, per_page: int, message: str
) -> None:
    demo_server.requests.clear()
    with pytest.raises(InputError, match=message):
        api.projects(per_page=per_page)
    assert demo_server.requests == []


async def test_from_path_every_kind(api: AsyncApi, demo: DemoInfo) -> None:
    project = await api.from_path("mnist")
    assert isinstance(project, AsyncProject) and project.path == "demo/mnist"
    assert isinstance(await api.from_path("demo/mnist"), AsyncProject)
    other = await api.from_path(f"demo/{demo.long_history_project}")
    assert isinstance(other, AsyncProject)
    assert other.path == f"demo/{demo.long_history_project}"
    run_id = (await api.runs("demo/mnist", per_page=1).first_page()).items[0].id
    for path in (f"demo/mnist/{run_id}", f"demo/mnist/runs/{run_id}"):
        run = await api.from_path(path)
        assert isinstance(run, AsyncRun) and run.id == run_id
    sweep = await api.from_path(f"demo/{demo.sweep_project}/sweeps/{demo.sweep_id}")
    assert isinstance(sweep, AsyncSweep) and sweep.id == demo.sweep_id
    report = await api.from_path(f"demo/{demo.report_project}/reports/{demo.report_name}")
    assert isinstance(report, AsyncReport) and report.name == demo.report_name
    by_url = await api.from_path(report.url)
    assert isinstance(by_url, AsyncReport) and by_url.id == report.id
    official_form = report.url.split("/", 3)[
        3
    ]  # entity/project/reports/Title--id, as wandb.Api takes it
    assert (
        official_form.startswith(f"demo/{demo.report_project}/reports/") and "--" in official_form
    )
    by_slug = await api.from_path(official_form)
    assert isinstance(by_slug, AsyncReport) and by_slug.id == report.id
    with pytest.raises(NotFoundError, match="run demo/mnist/nosuchrun not found"):
        await api.from_path("demo/mnist/nosuchrun")
