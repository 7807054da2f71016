"""Artifacts over real HTTP against LocalServer: every write (edits sent in one request,
bad edits refused before any request, links, deletes, collection and portfolio edits,
use and log), on a ``fresh`` server each (reads: ``test_artifacts_versions.py`` and
``test_artifacts_collections.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from wandb_typed import (
    AsyncApi,
    AsyncArtifact,
    GraphQLError,
    InputError,
    UsageError,
)
from wandb_typed.testing import LocalServer

from ..support import make_async_api
from .artifact_helpers import graphql_ops

pytestmark = pytest.mark.anyio


# ---------------------------------------------------------------------- writes


def _sequence(server: LocalServer, name: str = "m", versions: int = 3) -> list[str]:
    """``demo/w/<name>`` with ``versions`` versions, each logged by its own run."""
    store = server.store
    if store.project("demo", "w") is None:
        store.create_project("demo", "w")
    runs: list[str] = []
    for i in range(versions):
        run = store.create_run("demo", "w", name=f"{name}-r{i}")
        runs.append(str(run["name"]))
        store.artifacts.create_artifact(
            "demo", "w", name, "model", {"w.bin": f"{name} {i}"}, run_id=int(run["id"])
        )
    return runs


@pytest.fixture
async def writable(fresh: LocalServer) -> AsyncIterator[tuple[LocalServer, AsyncApi]]:
    _sequence(fresh)
    async with make_async_api(fresh) as client:
        yield fresh, client


async def test_save_sends_only_what_changed_in_one_request(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v1")
    since = len(server.requests)
    await art.save()  # nothing changed
    assert server.requests[since:] == []
    art.aliases.append("staging")
    art.tags = ["reviewed"]
    art.description = "second"
    art.metadata["score"] = 1.5  # in place
    art.ttl = timedelta(days=2)
    await art.save()
    (saved,) = [r for r in server.requests[since:] if r.path.endswith("/graphql")]
    assert saved.operation_name == "SaveArtifact"
    assert saved.variables is not None
    assert saved.variables["aliasesToAdd"] == [
        {
            "alias": "staging",
            "artifactCollectionName": "m",
            "entityName": "demo",
            "projectName": "w",
        }
    ]
    assert (saved.variables["tagsToAdd"], saved.variables["ttlDurationSeconds"]) == (
        [{"tagName": "reviewed"}], 2 * 86400,
    )  # fmt: skip
    again = await api.artifact("demo/w/m:staging")
    assert again.version == "v1"
    assert (again.description, again.metadata, again.tags, again.ttl) == (
        "second", {"score": 1.5}, ["reviewed"], timedelta(days=2),
    )  # fmt: skip
    only = await api.artifact("demo/w/m:v1")
    only.description = "third"
    since = len(server.requests)
    await only.save()
    (sent,) = [r for r in server.requests[since:] if r.path.endswith("/graphql")]
    assert sent.variables is not None
    assert set(sent.variables) == {
        "id", "description", "aliasesToAdd", "aliasesToDelete", "addAliases", "deleteAliases",
    }  # fmt: skip
    only.aliases.append("latest")  # moves latest off v2
    only.aliases.remove("staging")
    only.ttl = None
    await only.save()
    assert (await api.artifact("demo/w/m:latest")).version == "v1"
    assert (await api.artifact("demo/w/m:v2")).aliases == []
    assert not await api.artifact_exists("demo/w/m:staging")
    assert (await api.artifact("demo/w/m:v1")).ttl is None


async def test_bad_edits_fail_before_any_request(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v0")
    since = len(server.requests)
    with pytest.raises(InputError):
        art.ttl = timedelta(seconds=-5)
    with pytest.raises(InputError):
        art.tags = "one"  # type: ignore[assignment]
    with pytest.raises(InputError):
        art.aliases = ["ok", "not/ok"]
    art.aliases.append("v7")  # a version label is not an alias
    with pytest.raises(InputError, match="version label"):
        await art.save()
    art.aliases.pop()
    art.tags.append("bad/tag")
    with pytest.raises(InputError, match="bad/tag"):
        await art.save()
    art.tags.pop()
    art.metadata["when"] = object()  # type: ignore[assignment]
    with pytest.raises(InputError, match="when"):
        await art.save()
    assert server.requests[since:] == []


async def test_link_unlink_and_linked_aliases(
    writable: tuple[LocalServer, AsyncApi], tmp_path: Path
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v0")
    linked = await art.link("m-portfolio", aliases=["production"])
    assert isinstance(linked, AsyncArtifact)
    assert (linked.name, linked.is_link, linked.source_name) == ("m-portfolio:v0", True, "m:v0")
    assert sorted(linked.aliases) == ["latest", "production"]
    through = await api.artifact("demo/w/m-portfolio:production")
    assert through.id == art.id and through.is_link
    assert await through.download(root=tmp_path / "p") == tmp_path / "p"
    assert (tmp_path / "p" / "w.bin").read_bytes() == b"m 0"
    portfolio = await through.collection
    assert portfolio.name == "m-portfolio"
    assert not portfolio.is_sequence()
    assert (await through.source_collection).name == "m"
    since = len(server.requests)
    through.aliases.append("canary")  # a link's aliases alone: the alias mutation only
    await through.save()
    assert graphql_ops(server, since) == ["AddArtifactAliases"]
    assert (await api.artifact("demo/w/m-portfolio:canary")).id == art.id
    await through.delete()  # a link is unlinked, not deleted
    assert not await api.artifact_exists("demo/w/m-portfolio:production")
    assert await api.artifact_exists("demo/w/m:v0")
    with pytest.raises(UsageError, match="not a link"):
        await art.unlink()
    with pytest.raises(InputError):
        await art.link("a/b/c/d")


async def test_delete_versions(writable: tuple[LocalServer, AsyncApi]) -> None:
    _, api = writable
    await (await api.artifact("demo/w/m:v0")).delete()
    assert not await api.artifact_exists("demo/w/m:v0")
    with pytest.raises(GraphQLError, match="has aliases"):
        await (await api.artifact("demo/w/m:v2")).delete()
    await (await api.artifact("demo/w/m:v2")).delete(delete_aliases=True)
    assert [a.version async for a in api.artifacts("model", "demo/w/m")] == ["v1"]
    with pytest.raises(InputError):
        await (await api.artifact("demo/w/m:v1")).delete(delete_aliases="yes")  # type: ignore[arg-type]


async def test_collection_save_change_type_and_delete(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    collection = await api.artifact_collection("model", "demo/w/m")
    since = len(server.requests)
    await collection.save()
    assert server.requests[since:] == []
    collection.description = "renamed"
    collection.tags = ["vision"]
    collection.name = "m-renamed"
    await collection.save()
    assert graphql_ops(server, since) == ["SaveArtifactSequence"]
    assert collection.path == "demo/w/m-renamed"
    renamed = await api.artifact_collection("model", "demo/w/m-renamed")
    assert (renamed.description, renamed.tags) == ("renamed", ["vision"])
    renamed.tags = []
    await renamed.save()
    assert (await api.artifact_collection("model", "demo/w/m-renamed")).tags == []
    await renamed.change_type("checkpoint")
    assert renamed.type == "checkpoint"
    assert (await api.artifact("demo/w/m-renamed:v0")).type == "checkpoint"
    with pytest.raises(InputError):
        await renamed.change_type("no spaces")
    await renamed.delete()
    assert not await api.artifact_collection_exists("demo/w/m-renamed", "checkpoint")
    assert not await api.artifact_exists("demo/w/m-renamed:v0")


async def test_portfolio_save_and_delete(writable: tuple[LocalServer, AsyncApi]) -> None:
    server, api = writable
    await (await api.artifact("demo/w/m:v1")).link("shelf")
    shelf = await api.artifact_collection("model", "demo/w/shelf")
    assert not shelf.is_sequence()
    shelf.description = "the shelf"
    since = len(server.requests)
    await shelf.save()
    assert graphql_ops(server, since) == ["SaveArtifactPortfolio"]
    assert (await api.artifact_collection("model", "demo/w/shelf")).description == "the shelf"
    with pytest.raises(UsageError, match="portfolio"):
        await shelf.change_type("other")
    await shelf.delete()
    assert not await api.artifact_collection_exists("demo/w/shelf", "model")
    assert await api.artifact_exists("demo/w/m:v1")  # the linked version stays


async def test_use_and_log_artifact(writable: tuple[LocalServer, AsyncApi]) -> None:
    server, api = writable
    consumer = await api.run("demo/w/m-r2")
    art = await api.artifact("demo/w/m:v0")
    assert await consumer.use_artifact(art) is art
    assert [a.name async for a in consumer.used_artifacts()] == ["m:v0"]
    assert "m-r2" in [r.id for r in await art.used_by()]
    logged = await consumer.log_artifact(art, aliases=["relogged"], tags=["again"])
    assert (logged.id, logged.aliases, logged.tags) == (art.id, ["relogged"], ["again"])
    assert "m:v0" in [a.name async for a in consumer.logged_artifacts()]
    server.store.create_project("demo", "other")
    server.store.create_run("demo", "other", name="elsewhere")
    since = len(server.requests)
    with pytest.raises(InputError, match="own project"):
        await (await api.run("demo/other/elsewhere")).log_artifact(art)
    with pytest.raises(InputError):
        await consumer.use_artifact("demo/w/m:v0")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        await consumer.log_artifact(art, aliases=["v3"])
    assert graphql_ops(server, since) == ["RunByName"]  # the run lookup only


async def test_single_file_artifacts(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact("demo", "w", "one", "data", {"d/only.txt": "hello"})
    fresh.store.artifacts.create_artifact("demo", "w", "two", "data", {"a": "1", "b": "2"})
    one = await fresh_api.artifact("demo/w/one:v0")
    assert (await one.file(tmp_path)).read_text() == "hello"
    two = await fresh_api.artifact("demo/w/two:v0")
    since = len(fresh.requests)
    with pytest.raises(UsageError, match="2 files"):
        await two.file(tmp_path)
    assert fresh.requests[since:] == []


async def test_one_sequence_read_and_written_end_to_end(
    writable: tuple[LocalServer, AsyncApi], tmp_path: Path
) -> None:
    _, api = writable
    art = await api.artifact("demo/w/m:v2")
    assert isinstance(art, AsyncArtifact)
    assert art.aliases == ["latest"]
    versions = api.artifacts("model", "demo/w/m", per_page=1)
    assert await versions.count() == 3
    assert [a.version async for a in versions] == ["v2", "v1", "v0"]
    assert (await versions.at(-1)).version == "v0"
    assert [t.name async for t in api.artifact_types("demo/w")] == ["model"]
    assert await (await art.collection).aliases == ["latest"]
    assert (await art.manifest).digest() == art.digest
    run = await art.logged_by()
    assert run is not None and run.id == "m-r2"
    art.tags.append("added")
    await art.save()
    assert (await api.artifact("demo/w/m:v2")).tags == ["added"]
    root = await art.download(tmp_path / "a")
    assert (root / "w.bin").read_bytes() == b"m 2"
    await art.verify(root)
    assert await api.artifact_exists("demo/w/m:v1")
