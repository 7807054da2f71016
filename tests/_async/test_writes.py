"""Mutations under a reply lost after the server applied them (issue 17): the
idempotent ones (``_core/writes.py``) are retried and land exactly once; those that
add or create are sent once, and their error says the write may have been applied.

Each scenario injects one ``502`` after execution (``FaultPlan(when="after")``) for
the operation under test only, on a server of the test's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from wandb_typed import AsyncApi, ServerError
from wandb_typed.testing import FaultPlan, LocalServer

from ..support import make_async_api
from .artifact_helpers import graphql_ops

pytestmark = pytest.mark.anyio


def _lose_one_reply(server: LocalServer, operation: str) -> None:
    """The next ``operation`` is executed, then answered 502 (its answer is lost)."""
    server.faults = FaultPlan(when="after", operations=(operation,))
    server.faults.fail_next("502")


def _seed(server: LocalServer) -> None:
    store = server.store
    store.create_project("demo", "w")
    run = store.create_run("demo", "w", name="r0", config={"lr": 0.1})
    store.create_run("demo", "w", name="gone")
    for i in range(2):
        store.artifacts.create_artifact(
            "demo", "w", "m", "model", {"w.bin": f"m {i}"}, run_id=int(run["id"])
        )
    store.add_file(int(run["id"]), "notes.txt", b"notes")


async def _once(server: LocalServer, operation: str, call: Callable[[], Awaitable[object]]) -> None:
    """``call`` succeeds although the reply to its ``operation`` was lost once, and
    ``operation`` was sent exactly twice (the lost one and its retry)."""
    since = len(server.requests)
    _lose_one_reply(server, operation)
    await call()
    assert server.faults.injected["502"] == 1
    assert graphql_ops(server, since).count(operation) == 2
    server.faults = FaultPlan()


async def test_a_run_update_whose_reply_was_lost_lands_once(fresh: LocalServer) -> None:
    _seed(fresh)
    async with make_async_api(fresh) as api:
        run = await api.run("demo/w/r0")
        run.config["lr"] = 0.2
        run.summary["acc"] = 0.9
        run.tags.append("retried")
        await _once(fresh, "UpsertRun", run.update)
        again = await api.run("demo/w/r0")
        assert (again.config["lr"], again.summary["acc"], again.tags) == (0.2, 0.9, ["retried"])


async def test_idempotent_writes_whose_reply_was_lost_land_once(fresh: LocalServer) -> None:
    _seed(fresh)
    async with make_async_api(fresh, overrides={"entity": "demo"}) as api:
        await _once(fresh, "UpsertProject", lambda: api.create_project("made", description="d"))
        assert [p.name async for p in api.projects()].count("made") == 1
        await _once(fresh, "DeleteRun", (await api.run("demo/w/gone")).delete)
        assert not [r async for r in api.runs("demo/w", filters={"name": "gone"})]
        run = await api.run("demo/w/r0")
        (file,) = [f async for f in run.files()]
        await _once(fresh, "DeleteRunFiles", file.delete)
        assert [f async for f in run.files()] == []
        art = await api.artifact("demo/w/m:v0")
        linked = await art.link("portfolio", aliases=["prod"])
        linked.aliases.remove("prod")  # a link's aliases alone: the alias mutation only
        await _once(fresh, "DeleteArtifactAliases", linked.save)
        assert not await api.artifact_exists("demo/w/portfolio:prod")
        await _once(fresh, "UnlinkArtifact", linked.unlink)
        assert not await api.artifact_exists("demo/w/portfolio:v0")
        await _once(fresh, "DeleteArtifact", art.delete)
        assert not await api.artifact_exists("demo/w/m:v0")
        collection = await api.artifact_collection("model", "demo/w/m")
        await _once(fresh, "DeleteArtifactSequence", collection.delete)
        assert not await api.artifact_collection_exists("demo/w/m", "model")


async def _sent_once(
    server: LocalServer, operation: str, call: Callable[[], Awaitable[object]]
) -> ServerError:
    since = len(server.requests)
    _lose_one_reply(server, operation)
    with pytest.raises(ServerError, match="may have been applied") as lost:
        await call()
    assert lost.value.attempts == 1
    assert graphql_ops(server, since).count(operation) == 1
    server.faults = FaultPlan()
    return lost.value


async def test_writes_that_add_are_sent_once_and_say_so(fresh: LocalServer) -> None:
    _seed(fresh)
    async with make_async_api(fresh) as api:
        art = await api.artifact("demo/w/m:v0")
        error = await _sent_once(fresh, "LinkArtifact", lambda: art.link("portfolio"))
        assert "LinkArtifact adds or creates" in str(error)
        assert await api.artifact_exists("demo/w/portfolio:v0")  # it was applied, once
        run = await api.run("demo/w/r0")
        await _sent_once(fresh, "UseArtifact", lambda: run.use_artifact(art))
        assert [a.name async for a in run.used_artifacts()] == ["m:v0"]
        await _sent_once(fresh, "LogRunArtifact", lambda: run.log_artifact(art, aliases=["again"]))
        assert (await api.artifact("demo/w/m:again")).id == art.id
        linked = await api.artifact("demo/w/portfolio:v0")
        linked.aliases.append("canary")
        await _sent_once(fresh, "AddArtifactAliases", linked.save)
        assert (await api.artifact("demo/w/portfolio:canary")).id == art.id


async def test_a_write_that_adds_is_retried_when_refused_unprocessed(
    fresh_api: AsyncApi, fresh: LocalServer
) -> None:
    """A 429 before execution means nothing was applied: every write is retried."""
    _seed(fresh)
    art = await fresh_api.artifact("demo/w/m:v0")
    fresh.faults = FaultPlan(retry_after=0.01, operations=("LinkArtifact",))
    fresh.faults.fail_next("429")
    linked = await art.link("portfolio")
    assert linked.is_link
    assert fresh.faults.injected["429"] == 1
