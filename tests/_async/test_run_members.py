"""What a run offers beyond its data: metadata, json_config, console logs, setting
its state, stopping it and waiting for it to finish (no test waits on time: the run
finishes when the test says so, or ``timeout=0`` checks once)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import polars
import pytest

from wandb_typed import (
    AsyncApi,
    AsyncPaginator,
    ConsoleLogLine,
    HistoryExports,
    IncompleteHistoryError,
    InputError,
    MissingDependencyError,
    PermissionDeniedError,
    RunState,
    WaitTimeoutError,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests if r.path == "/graphql"]


async def test_metadata(api: AsyncApi, demo: DemoInfo) -> None:
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    metadata = await run.metadata
    assert metadata is not None
    assert metadata["host"] == run.host and metadata["program"] == "train.py"
    assert await run.metadata is metadata  # fetched once


async def test_metadata_of_a_run_without_one(fresh_api: AsyncApi, fresh: LocalServer) -> None:
    fresh.store.create_run("demo", "p", name="bare")
    run = await fresh_api.run("demo/p/bare")
    assert await run.metadata is None


async def test_json_config(fresh_api: AsyncApi, fresh: LocalServer) -> None:
    fresh.store.create_run(
        "demo",
        "p",
        name="cfg",
        config='{"_wandb": {"value": {"cli_version": "0.31.0"}, "desc": null},'
        ' "lr": {"value": 0.1, "desc": "learning rate"}, "plain": 5}',
    )
    run = await fresh_api.run("demo/p/cfg")
    assert json.loads(run.json_config) == {
        "_wandb": {"value": {"cli_version": "0.31.0"}, "desc": None},
        "lr": {"value": 0.1, "desc": None},
        "plain": {"value": 5, "desc": None},
    }


async def test_console_logs(api: AsyncApi, demo_server: LocalServer, demo: DemoInfo) -> None:
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    logs = run.console_logs(per_page=3)
    assert isinstance(logs, AsyncPaginator)
    lines = [line async for line in logs]
    assert lines and all(isinstance(line, ConsoleLogLine) for line in lines)
    assert [line.number for line in lines] == list(range(len(lines)))
    assert lines[0].content == "Starting training" and lines[0].level == "info"
    assert lines[0].timestamp is not None and lines[0].timestamp.tzinfo is not None
    everything = [line async for line in run.console_logs()]
    assert everything == lines
    demo_server.requests.clear()
    tail = [line async for line in run.console_logs(last=2)]
    assert tail == lines[-2:]
    assert ops(demo_server) == ["RunConsoleLogTail"]
    with pytest.raises(InputError):
        run.console_logs(last=0)
    with pytest.raises(InputError):
        run.console_logs(per_page=0)


async def test_update_state_and_stop(fresh_api: AsyncApi, fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="r", state="running")
    run = await fresh_api.run("demo/p/r")
    assert await run.update_state("failed") is True
    assert run.state == RunState.FAILED
    assert (await fresh_api.run("demo/p/r")).state == RunState.FAILED
    with pytest.raises(InputError):
        await run.update_state("finished")  # type: ignore[arg-type]
    await run.stop()
    stopped = fresh.store.run_by_id(int(row["id"]))
    assert stopped is not None and stopped["should_stop"] == 1


async def test_state_and_stop_need_membership(fresh: LocalServer) -> None:
    fresh.store.create_project("demo", "open", access="PUBLIC")
    fresh.store.create_run("demo", "open", name="r", state="running")
    async with make_async_api(fresh, api_key=fresh.add_user("eve")) as api:
        run = await api.run("demo/open/r")  # readable: the project is public
        with pytest.raises(PermissionDeniedError):
            await run.update_state("failed")
        with pytest.raises(PermissionDeniedError):
            await run.stop()


class FinishAfter(httpx.AsyncBaseTransport):
    """Finishes the run ``r`` once the client has checked its state ``polls`` times."""

    def __init__(self, server: LocalServer, run_id: int, polls: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.server, self.run_id, self.polls, self.seen = server, run_id, polls, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.content and json.loads(request.content).get("operationName") == "RunState":
            self.seen += 1
            if self.seen == self.polls:
                self.server.store.update_run(self.run_id, state="finished", summary={"acc": 1})
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_wait_until_finished(fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="r", state="running")
    transport = FinishAfter(fresh, int(row["id"]), polls=3)
    async with make_async_api(fresh, transport=transport) as api:
        run = await api.run("demo/p/r")
        with pytest.raises(WaitTimeoutError) as timed_out:
            await run.wait_until_finished(timeout=0)  # checks once
        assert timed_out.value.state == "running" and transport.seen == 1
        await run.wait_until_finished(poll_interval=0)
        assert transport.seen == 4  # running, running, running (then it finished), finished
        assert run.state == RunState.FINISHED
        assert run.summary == {"acc": 1}  # fetched again
        with pytest.raises(InputError):
            await run.wait_until_finished(timeout=-1)


async def test_history_exports_of_a_server_that_exported_nothing(
    api: AsyncApi, demo: DemoInfo, tmp_path: Path
) -> None:
    """The local server exports no parquet: every step is live."""
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    with pytest.raises(IncompleteHistoryError) as incomplete:
        await run.download_history_exports(tmp_path / "exports")
    assert incomplete.value.live_steps == run.history_line_count > 0
    result = await run.download_history_exports(
        tmp_path / "exports", require_complete_history=False
    )
    assert isinstance(result, HistoryExports)
    assert (result.paths, result.contains_live_data) == ((), True)
    assert (tmp_path / "exports").is_dir()
    with pytest.raises(InputError):
        await run.download_history_exports(42)  # type: ignore[arg-type]


async def test_beta_scan_history_is_scan_history(api: AsyncApi, demo: DemoInfo) -> None:
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    beta = [row async for row in run.beta_scan_history(keys=["loss"], page_size=50)]
    assert beta == [row async for row in run.scan_history(keys=["loss"], page_size=50)]
    assert len(beta) == run.history_line_count


async def test_history_as_polars(api: AsyncApi, demo: DemoInfo) -> None:
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    rows = await run.history(samples=20, keys=["loss"], pandas=False)
    frame = await run.history(samples=20, keys=["loss"], polars=True)
    assert isinstance(frame, polars.DataFrame)
    assert frame.columns == ["_step", "loss"] and frame.to_dicts() == rows
    runs = api.runs(f"{demo.entity}/{demo.long_history_project}")
    every = await runs.histories(samples=5, keys=["loss"], format="polars")
    listed = await runs.histories(samples=5, keys=["loss"])
    assert isinstance(every, polars.DataFrame)
    assert every.columns == sorted({k for row in listed for k in row})
    assert every.height == len(listed)
    with pytest.raises(InputError):
        await run.history(polars="yes")  # type: ignore[call-overload]


async def test_polars_output_names_its_extra(
    api: AsyncApi, demo: DemoInfo, demo_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await api.run(f"{demo.entity}/mnist/{demo.teams.running_item_run}")
    monkeypatch.setitem(sys.modules, "polars", None)  # as if it were not installed
    demo_server.requests.clear()
    with pytest.raises(MissingDependencyError, match=r"wandb-typed\[polars\]"):
        await run.history(samples=5, polars=True)
    with pytest.raises(MissingDependencyError, match=r"wandb-typed\[polars\]"):
        await api.runs("demo/llm-finetune").histories(samples=5, format="polars")
    assert demo_server.requests == []  # both failed before any request
