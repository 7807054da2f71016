"""Viewer, default entity, projects and from_path, over real HTTP against LocalServer."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from wandb_typed import (
    AsyncApi,
    AsyncProject,
    InputError,
    NotFoundError,
    Project,
    Report,
    Run,
    Sweep,
)
from wandb_typed.testing import DemoInfo, LocalServer

from .support import make_api, run_async


def test_viewer_and_default_entity(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    viewer = api.viewer
    assert (viewer.username, viewer.entity, viewer.email) == ("demo", "demo", "demo@example.com")
    assert viewer.id and isinstance(viewer.flags, dict)
    assert api.default_entity == "demo"
    demo_server.requests.clear()
    assert api.viewer is viewer  # cached: no second request
    assert demo_server.requests == []
    api.flush()
    assert api.viewer == viewer
    assert [r.operation_name for r in demo_server.requests] == ["Viewer"]


def test_configured_entity_is_used_without_asking_the_viewer(demo_server: LocalServer) -> None:
    api = make_api(demo_server, overrides={"entity": "demo"})
    demo_server.requests.clear()
    assert api.project("mnist").entity == "demo"
    assert [r.operation_name for r in demo_server.requests] == ["ProjectByName"]
    other = make_api(demo_server, overrides={"entity": "someone"})
    assert other.settings.entity == "someone"
    assert other.default_entity == "demo"  # the viewer's, as in wandb.Api


def test_project(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    project = api.project("mnist")
    assert (project.name, project.entity, project.path) == ("mnist", "demo", "demo/mnist")
    assert project.run_count == demo.run_counts["mnist"]
    assert project.created_at.tzinfo is timezone.utc
    assert isinstance(project.updated_at, datetime)
    assert project.owner is not None and project.owner.username == "demo"
    assert project.url == f"{demo_server.base_url}/demo/mnist/workspace"
    assert api.project("mnist", entity="demo") == project


def test_missing_project_is_not_found(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    with pytest.raises(NotFoundError, match=r"project demo/nope not found") as info:
        api.project("nope")
    assert info.value.status_code == 404
    assert isinstance(info.value, LookupError)


def test_projects_are_lazy_fresh_and_complete(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    _ = api.viewer
    demo_server.requests.clear()
    projects = api.projects(per_page=2)
    assert demo_server.requests == []  # nothing fetched until iterated
    names = [p.name for p in projects]
    assert names == list(demo.projects)
    assert len(demo_server.requests) == 2  # 3 projects, 2 per page
    assert [p.name for p in projects] == names  # each for starts a fresh walk
    assert len(demo_server.requests) == 4


def test_projects_pages_and_resume(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    pages = list(api.projects("demo", per_page=2).pages())
    assert [len(p.items) for p in pages] == [2, 1]
    assert pages[0].has_next_page and not pages[1].has_next_page
    rest = api.projects("demo", per_page=2).from_cursor(pages[0].end_cursor)
    assert [p.name for p in rest] == [p.name for p in pages[1].items]


def test_create_project_then_update(fresh: LocalServer) -> None:
    api = make_api(fresh)
    created = api.create_project("new-proj", description="first")
    assert (created.path, created.description, created.run_count) == ("demo/new-proj", "first", 0)
    again = api.create_project("new-proj", entity="demo", description="second")
    assert again.id == created.id and again.description == "second"
    assert api.project("new-proj").description == "second"
    assert [p.name for p in api.projects()] == ["new-proj"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda api: api.project(""), "project name must not be empty"),
        (lambda api: api.project("a/b"), "character '/'"),
        (lambda api: api.project("x", entity=" e"), "whitespace"),
        (lambda api: api.projects(per_page=0), "per_page must be between 1 and 1000"),
        (lambda api: api.projects(per_page=True), "per_page must be an int"),
        (lambda api: api.create_project("p", description=5), "description must be a string"),
        (lambda api: api.from_path("a/b/c/d/e"), "5 parts"),
        (lambda api: api.from_path("a//b"), "empty part"),
        (lambda api: api.from_path("e/p/widgets/x"), "unknown kind 'widgets'"),
    ],
)
def test_bad_input_fails_before_any_request(
    demo_server: LocalServer, call: object, message: str
) -> None:
    api = make_api(demo_server, overrides={"entity": "demo"})
    demo_server.requests.clear()
    with pytest.raises(InputError, match=message):
        call(api)  # type: ignore[operator]
    assert demo_server.requests == []


def test_from_path_every_kind(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    project = api.from_path("mnist")
    assert isinstance(project, Project) and project.path == "demo/mnist"
    assert isinstance(api.from_path("demo/mnist"), Project)
    run_id = next(iter(api.runs("demo/mnist", per_page=1))).id
    for path in (f"demo/mnist/{run_id}", f"demo/mnist/runs/{run_id}"):
        run = api.from_path(path)
        assert isinstance(run, Run) and run.id == run_id
    sweep = api.from_path(f"demo/{demo.sweep_project}/sweeps/{demo.sweep_id}")
    assert isinstance(sweep, Sweep) and sweep.id == demo.sweep_id
    report = api.from_path(f"demo/{demo.report_project}/reports/{demo.report_name}")
    assert isinstance(report, Report) and report.name == demo.report_name
    by_url = api.from_path(report.url)
    assert isinstance(by_url, Report) and by_url.id == report.id
    with pytest.raises(NotFoundError, match="run demo/mnist/nosuchrun not found"):
        api.from_path("demo/mnist/nosuchrun")


def test_async_api_matches_sync(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)

    async def scenario(aapi: AsyncApi) -> tuple[object, ...]:
        viewer = await aapi.viewer
        entity = await aapi.default_entity
        project = await aapi.project("mnist")
        names = [p.name async for p in aapi.projects(per_page=1)]
        pages = [len(page.items) async for page in aapi.projects(per_page=2).pages()]
        found = await aapi.from_path("demo/llm-finetune")
        assert isinstance(found, AsyncProject)
        return viewer, entity, project.path, project.run_count, names, pages, found.path

    viewer, entity, path, count, names, pages, found = run_async(scenario, demo_server)
    assert viewer == api.viewer and entity == api.default_entity
    assert (path, count) == ("demo/mnist", api.project("mnist").run_count)
    assert names == [p.name for p in api.projects()]
    assert pages == [2, 1]
    assert found == "demo/llm-finetune"
