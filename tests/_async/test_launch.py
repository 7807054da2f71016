"""Launch: run queues (create, upsert, fetch, items, delete), queued runs (fetch,
wait until running or finished, delete), Job.call and custom charts, over real HTTP
against LocalServer.

Nothing waits on time: the waits poll with ``poll_interval=0``, and the item or run
changes state when the test says so (a transport that plays the launch agent after
the client's first check), or ``timeout=0`` checks exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from wandb_typed import (
    AsyncApi,
    AsyncQueuedRun,
    AsyncRun,
    AsyncRunQueue,
    ConflictError,
    InputError,
    LaunchError,
    NotFoundError,
    PermissionDeniedError,
    RunState,
    TemplateVariable,
    WaitTimeoutError,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._resolvers import gid

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests if r.path == "/graphql"]


class AgentAfterPolls(httpx.AsyncBaseTransport):
    """Passes requests to the server; once the client has checked ``operation`` ``polls``
    times, runs ``act`` (what a launch agent or the run would do meanwhile)."""

    def __init__(self, operation: str, polls: int, act: Callable[[], None]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.operation = operation
        self.polls = polls
        self.act = act
        self.seen = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = json.loads(request.content) if request.content else {}
        if body.get("operationName") == self.operation:
            self.seen += 1
            if self.seen == self.polls:
                self.act()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---------------------------------------------------------------------- queues
async def test_demo_queue(api: AsyncApi, demo: DemoInfo) -> None:
    queue = await api.run_queue(demo.entity, demo.teams.queue)
    assert isinstance(queue, AsyncRunQueue)
    assert (queue.name, queue.entity, queue.access) == (demo.teams.queue, demo.entity, "project")
    assert queue.type == demo.teams.queue_resource
    assert queue.prioritization_mode == "V0"
    assert list(queue.default_resource_config) == ["resource_args"]
    assert [v.name for v in queue.template_variables] == ["epochs"]
    assert isinstance(queue.template_variables[0], TemplateVariable)
    items = await queue.items
    assert len(items) == demo.teams.queue_items
    by_id = {i.id: i for i in items}
    running, pending = by_id[demo.teams.running_item], by_id[demo.teams.pending_item]
    assert (running.state, running.associated_run_id) == ("claimed", demo.teams.running_item_run)
    assert (pending.state, pending.associated_run_id) == ("pending", None)
    assert running.run_spec["project"] == demo.teams.running_item_project
    assert pending.template_variable_values == {"epochs": 10}
    assert repr(queue) == f"<AsyncRunQueue {demo.entity}/{demo.teams.queue}>"
    assert await queue.reload() == queue


async def test_missing_queue_and_item(api: AsyncApi, demo: DemoInfo) -> None:
    with pytest.raises(NotFoundError):
        await api.run_queue(demo.entity, "no-such-queue")
    with pytest.raises(NotFoundError):
        await api.queued_run(demo.entity, "mnist", demo.teams.queue, "UnVuUXVldWVJdGVtOjk5OQ==")


async def test_bad_queue_arguments_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer
) -> None:
    demo_server.requests.clear()
    for call in (
        lambda: api.run_queue("demo", ""),
        lambda: api.run_queue("demo", "x" * 65),
        lambda: api.create_run_queue("q", "docker"),  # type: ignore[arg-type]
        lambda: api.create_run_queue("q", "kubernetes", prioritization_mode="DISABLED"),
        lambda: api.create_run_queue("q", "kubernetes", config={"bad": object()}),
        lambda: api.upsert_run_queue("q", [], "kubernetes"),  # type: ignore[arg-type]
        lambda: api.upsert_run_queue("q", {}, "kubernetes", prioritization_mode="V9"),  # type: ignore[arg-type]
        lambda: api.upsert_run_queue("q", {}, "kubernetes", external_links={"a": 1}),  # type: ignore[dict-item]
        lambda: api.queued_run("demo", "p", "q", ""),
        lambda: api.queued_run("demo", "p", "q", "i", priority=-1),
    ):
        with pytest.raises(InputError):
            await call()
    assert ops(demo_server) == []


async def test_create_run_queue(fresh_api: AsyncApi, fresh: LocalServer) -> None:
    queue = await fresh_api.create_run_queue(
        "gpu", "kubernetes", prioritization_mode="v0",  # type: ignore[arg-type]  # case aside
        config={"namespace": "ml"},
        template_variables={"gpus": {"schema": {"type": "integer", "minimum": 1}}},
    )  # fmt: skip
    assert (queue.type, queue.prioritization_mode, queue.access) == ("kubernetes", "V0", "project")
    assert queue.default_resource_config == {"resource_args": {"kubernetes": {"namespace": "ml"}}}
    assert queue.template_variables == (
        TemplateVariable("gpus", None, {"type": "integer", "minimum": 1}),
    )
    assert fresh.store.project("demo", "model-registry") is not None
    with pytest.raises(ConflictError):
        await fresh_api.create_run_queue("gpu", "kubernetes")
    assert await queue.items == []
    await queue.delete()
    with pytest.raises(NotFoundError):
        await fresh_api.run_queue("demo", "gpu")


async def test_upsert_run_queue(fresh_api: AsyncApi) -> None:
    queue = await fresh_api.upsert_run_queue(
        "cpu", {"cpus": 2}, "local-process", external_links={"docs": "https://example.com/q"}
    )
    assert (queue.type, queue.prioritization_mode) == ("local-process", "DISABLED")
    assert queue.external_links == {"docs": "https://example.com/q"}
    again = await fresh_api.upsert_run_queue(
        "cpu", {"cpus": 4}, "local-container", prioritization_mode="V0"
    )
    assert again.id == queue.id
    assert (again.type, again.prioritization_mode, again.external_links) == (
        "local-container",
        "V0",
        {},
    )
    assert again.default_resource_config == {"resource_args": {"local-container": {"cpus": 4}}}


async def test_queue_writes_need_membership(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    async with make_async_api(fresh) as api:
        queue = await api.create_run_queue("q", "local-container")
    async with make_async_api(fresh, api_key=eve) as as_eve:
        with pytest.raises(PermissionDeniedError):
            await as_eve.create_run_queue("q2", "local-container", entity="demo")
        with pytest.raises(NotFoundError):  # a private project's queue is not revealed
            await as_eve.run_queue("demo", queue.name)


# ---------------------------------------------------------------------- queued runs
async def test_queued_run(api: AsyncApi, demo: DemoInfo) -> None:
    item = await api.queued_run(
        demo.entity, demo.teams.running_item_project, demo.teams.queue, demo.teams.running_item
    )
    assert isinstance(item, AsyncQueuedRun)
    assert (item.id, item.state, item.queue_name) == (
        demo.teams.running_item,
        "claimed",
        demo.teams.queue,
    )
    run = await item.wait_until_running(timeout=0)
    assert isinstance(run, AsyncRun)
    assert run.id == demo.teams.running_item_run
    assert await item.wait_until_running(timeout=0) is run  # fetched once


async def test_wait_until_running_times_out_on_a_pending_item(
    api: AsyncApi, demo: DemoInfo
) -> None:
    item = await api.queued_run(
        demo.entity, demo.teams.running_item_project, demo.teams.queue, demo.teams.pending_item
    )
    with pytest.raises(WaitTimeoutError) as timed_out:
        await item.wait_until_running(timeout=0)
    assert timed_out.value.state == "pending"
    with pytest.raises(InputError):
        await item.wait_until_running(timeout=-1)
    with pytest.raises(InputError):
        await item.wait_until_running(poll_interval=float("nan"))


def seed_pending_item(fresh: LocalServer) -> int:
    """A queue ``q`` in ``demo/model-registry`` with one pending item whose run, once
    started, is ``demo/p/launched`` (already created, state running)."""
    store = fresh.store
    project = store.create_project("demo", "model-registry")
    queue = store.create_queue(
        int(project["id"]), "q", access="PROJECT", prioritization_mode=None,
        resource_config_id=None,
    )  # fmt: skip
    store.create_project("demo", "p")
    store.create_run("demo", "p", name="launched", state="running")
    spec = json.dumps({"entity": "demo", "project": "p"})
    return int(store.push_queue_item(int(queue["id"]), spec)["id"])


async def test_wait_until_running_sees_the_agent_claim_the_item(fresh: LocalServer) -> None:
    pk = seed_pending_item(fresh)
    transport = AgentAfterPolls(
        "RunQueueItemById", 2, lambda: fresh.store.claim_queue_item(pk, "launched")
    )
    async with make_async_api(fresh, transport=transport) as api:
        item = await api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
        assert item.state == "pending"
        run = await item.wait_until_running(poll_interval=0)
        assert run.id == "launched"
        assert (item.state, item.associated_run_id) == ("claimed", "launched")
        assert transport.seen == 3  # the fetch, the pending check, the claimed check


async def test_wait_until_running_raises_when_the_item_fails(fresh: LocalServer) -> None:
    pk = seed_pending_item(fresh)
    async with make_async_api(fresh) as api:
        item = await api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
        fresh.store.fail_queue_item(pk, "image not found", stage="build", file_paths=["Dockerfile"])
        with pytest.raises(LaunchError) as failed:
            await item.wait_until_running(poll_interval=0)
        assert "image not found" in str(failed.value)
        assert item.error is not None and item.error.stage == "build"
        assert item.error.file_paths == ("Dockerfile",)


async def test_wait_until_finished_sees_the_run_finish(fresh: LocalServer) -> None:
    def finish() -> None:
        project = fresh.store.project("demo", "p")
        assert project is not None
        row = fresh.store.run(int(project["id"]), "launched")
        assert row is not None
        fresh.store.update_run(int(row["id"]), state="finished")

    pk = seed_pending_item(fresh)
    fresh.store.claim_queue_item(pk, "launched")
    transport = AgentAfterPolls("RunState", 2, finish)
    async with make_async_api(fresh, transport=transport) as api:
        item = await api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
        run = await item.wait_until_finished(poll_interval=0)
        assert run.state == RunState.FINISHED
        assert transport.seen == 3  # running, running (then it finished), finished


async def test_delete_queued_run(fresh: LocalServer) -> None:
    pk = seed_pending_item(fresh)
    async with make_async_api(fresh) as api:
        item = await api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
        await item.delete()
        assert fresh.store.queue_item(pk) is None
        with pytest.raises(NotFoundError):
            await item.reload()


# ---------------------------------------------------------------------- custom charts
async def test_create_custom_chart(fresh_api: AsyncApi, fresh: LocalServer) -> None:
    spec = {"mark": "bar", "encoding": {"x": {"field": "${field:x}"}}}
    chart_id = await fresh_api.create_custom_chart(
        "demo", "bars", "Bars", spec_type="vega2", access="private", spec=spec
    )
    assert chart_id == "demo/bars"
    entity = fresh.store.entity("demo")
    assert entity is not None
    row = fresh.store.chart(int(entity["id"]), "bars")
    assert row is not None and (row["access"], row["type"]) == ("PRIVATE", "vega2")
    assert row["spec"] == json.dumps(spec)  # as json.dumps writes it, like the official client
    text = '{"mark": "line"}'
    assert (
        await fresh_api.create_custom_chart("demo", "lines", "L", "vega2", "public", text)
        == "demo/lines"
    )
    with pytest.raises(ConflictError):
        await fresh_api.create_custom_chart("demo", "bars", "B", "vega2", "public", spec)


async def test_bad_chart_arguments_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer
) -> None:
    demo_server.requests.clear()
    calls: list[Callable[[], Awaitable[str]]] = [
        lambda: api.create_custom_chart("demo", "c", "C", "vega3", "public", {}),  # type: ignore[arg-type]
        lambda: api.create_custom_chart("demo", "c", "C", "vega2", "team", {}),  # type: ignore[arg-type]
        lambda: api.create_custom_chart("demo", "c", "C", "vega2", "public", "{not json"),
        lambda: api.create_custom_chart("demo", "c", "C", "vega2", "public", {"x": {1, 2}}),
        lambda: api.create_custom_chart("demo", "a/b", "C", "vega2", "public", {}),
        lambda: api.create_custom_chart("demo", "c", "", "vega2", "public", {}),
    ]
    for call in calls:
        with pytest.raises(InputError):
            await call()
    assert ops(demo_server) == []


async def test_custom_chart_needs_membership(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    async with make_async_api(fresh, api_key=eve) as api:
        assert (await api.viewer).username == "eve"
        with pytest.raises(PermissionDeniedError):
            await api.create_custom_chart("demo", "c", "C", "vega2", "public", {})


# ---------------------------------------------------------------------- Job.call
async def test_job_call_enqueues_the_job(fresh: LocalServer, tmp_path: Path) -> None:
    from wandb_typed.testing._demo_artifacts import _job_files

    store = fresh.store
    store.create_project("demo", "jobs")
    store.artifacts.create_artifact("demo", "jobs", "train", "job", _job_files())
    project = store.create_project("demo", "model-registry")
    store.create_queue(
        int(project["id"]), "default", access="PROJECT", prioritization_mode="V0",
        resource_config_id=None,
    )  # fmt: skip
    async with make_async_api(fresh) as api:
        job = await api.job("demo/jobs/train:v0", tmp_path)
        queued = await job.call({"lr": 0.1}, project="runs-here", priority=1)
        assert isinstance(queued, AsyncQueuedRun)
        assert (queued.state, queued.project, queued.queue_name, queued.priority) == (
            "pending", "runs-here", "default", 1,
        )  # fmt: skip
        assert queued.run_spec["job"] == "demo/jobs/train:v0"
        assert queued.run_spec["overrides"] == {"run_config": {"lr": 0.1}}
        assert (queued.run_spec["entity"], queued.run_spec["project"]) == ("demo", "runs-here")
        with pytest.raises(NotFoundError):
            await job.call({}, queue="no-such-queue")
        with pytest.raises(InputError):
            await job.call({}, priority=9)
