"""Refused writes raise the typed error their GraphQL ``extensions.code`` names, with the
GraphQL details kept: a second user of the local server is refused for real."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from wandb_typed import (
    ConflictError,
    GraphQLError,
    NotFoundError,
    PermissionDeniedError,
)
from wandb_typed.testing import LocalServer

from .support import make_api, make_async_api


@pytest.fixture(scope="module")
def shared() -> Iterator[LocalServer]:
    """demo owns a public project ``open`` with run ``r1`` and two collections; eve is
    another user, not a member of entity demo."""
    with LocalServer() as server:
        server.store.create_project("demo", "open", access="PUBLIC")
        server.store.create_run("demo", "open", name="r1")
        for name in ("weights", "taken"):
            server.store.artifacts.create_artifact("demo", "open", name, "model", {"a": name})
        server.add_user("eve", api_key="e" * 40)
        yield server


def code_of(error: GraphQLError) -> object:
    return error.errors[0].extensions.get("code")


def test_a_refused_write_is_permission_denied_with_its_graphql_details(
    shared: LocalServer,
) -> None:
    eve = make_api(shared, api_key="e" * 40)
    run = eve.run("demo/open/r1")  # eve may read the public project...
    run.config["lr"] = 1.0
    with pytest.raises(PermissionDeniedError, match="permission denied") as info:
        run.update()  # ...but not write to it
    error = info.value
    assert isinstance(error, GraphQLError)  # both: `except GraphQLError` still catches it
    assert code_of(error) == "PERMISSION_ERROR"
    assert (error.status_code, error.operation_name) == (200, "UpsertRun")
    assert error.url == f"{shared.base_url}/graphql"
    assert error.attempts == 1  # a refusal is final: never retried
    with pytest.raises(PermissionDeniedError):
        eve.create_project("mine", entity="demo")


def test_a_missing_object_named_by_a_mutation_is_not_found(shared: LocalServer) -> None:
    api = make_api(shared)
    run = api.create_run(run_id="gone1", project="open", entity="demo")
    run.delete()
    with pytest.raises(NotFoundError, match="not found") as info:
        run.delete()  # its id no longer names a run
    assert isinstance(info.value, GraphQLError) and isinstance(info.value, LookupError)
    assert code_of(info.value) == "NOT_FOUND"


def test_a_name_clash_is_a_conflict(shared: LocalServer) -> None:
    api = make_api(shared)
    collection = api.artifact_collection("model", "demo/open/weights")
    collection.name = "taken"
    with pytest.raises(ConflictError, match="already exists") as info:
        collection.save()
    assert isinstance(info.value, GraphQLError) and code_of(info.value) == "CONFLICT"
    assert api.artifact_collection("model", "demo/open/weights").name == "weights"


def test_the_async_client_raises_the_same_refusal(shared: LocalServer) -> None:
    async def scenario() -> PermissionDeniedError:
        async with make_async_api(shared, api_key="e" * 40) as eve:
            run = await eve.run("demo/open/r1")
            run.tags.append("mine")
            try:
                await run.update()
            except PermissionDeniedError as error:
                return error
        raise AssertionError("the write was not refused")

    error = asyncio.run(scenario())
    assert isinstance(error, GraphQLError) and code_of(error) == "PERMISSION_ERROR"
