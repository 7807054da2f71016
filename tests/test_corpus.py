"""A corpus of hostile responses: each is a typed error naming the problem, or a value
parsed leniently where a newer server is the likely cause. Never a raw pydantic or
httpx traceback, never a silently wrong answer.

Responses come from the real server and are then altered by an httpx transport.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from wandb_typed import (
    Api,
    GraphQLError,
    ResponseValidationError,
    RunState,
    WandbError,
)
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY

Edit = Callable[[str, dict[str, Any]], Any]


class Hostile(httpx.BaseTransport):
    """Forwards to the server, then lets ``edit(operation, body)`` rewrite the JSON body.

    ``edit`` may return a replacement body (any JSON value, or ``bytes`` sent verbatim).
    """

    def __init__(self, edit: Edit) -> None:
        self.inner = httpx.HTTPTransport()
        self.edit = edit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/graphql"):
            return response
        response.read()
        operation = json.loads(request.content).get("operationName", "")
        body = json.loads(response.content)
        replaced = self.edit(operation, body)
        if isinstance(replaced, bytes):
            return httpx.Response(200, content=replaced, request=request)
        return httpx.Response(
            response.status_code, json=body if replaced is None else replaced, request=request
        )


def first_node(body: dict[str, Any]) -> dict[str, Any]:
    node = body["data"]["project"]["runs"]["edges"][0]["node"]
    assert isinstance(node, dict)
    return node


def run_node(body: dict[str, Any]) -> dict[str, Any]:
    node = body["data"]["project"]["run"]
    assert isinstance(node, dict)
    return node


def on(operation: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    def edit(op: str, body: dict[str, Any]) -> Any:
        return change(body) if op == operation else None

    return edit


def setitem(
    get: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any
) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        get(body)[key] = value

    return change


def delitem(
    get: Callable[[dict[str, Any]], dict[str, Any]], key: str
) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        del get(body)[key]

    return change


@pytest.fixture
def server(fresh: LocalServer) -> LocalServer:
    fresh.store.create_run(
        "demo", "p", name="r1", config={"lr": 0.1}, summary={"acc": 0.5}, tags=["a"]
    )
    return fresh


def api_with(server: LocalServer, edit: Edit) -> Api:
    return Api(
        {"base_url": server.base_url, "entity": "demo"},
        api_key=server.api_key,
        retry=FAST_RETRY,
        transport=Hostile(edit),
    )


ERRORS: list[tuple[str, Edit, Callable[[Api], object], type[WandbError], str]] = [
    ("wrong type", on("RunPage", setitem(first_node, "projectId", "seven")), lambda a: list(a.runs("p")), ResponseValidationError, r"RunPage: .*projectId"),
    ("missing required field", on("RunPage", delitem(first_node, "name")), lambda a: list(a.runs("p")), ResponseValidationError, r"RunPage: .*name: Field required"),
    ("null for non-null", on("RunByName", setitem(run_node, "createdAt", None)), lambda a: a.run("p/r1"), ResponseValidationError, r"RunByName: .*createdAt"),
    ("bad timestamp", on("RunByName", setitem(run_node, "createdAt", "yesterday")), lambda a: a.run("p/r1"), ResponseValidationError, r"RunByName: .*createdAt"),
    # A run's JSONString fields are parsed on first access: the error comes from there.
    ("config is not JSON", on("RunByName", setitem(run_node, "config", "{not json")), lambda a: a.run("p/r1").config, ResponseValidationError, r"run r1: config is not JSON"),
    ("config is a list", on("RunByName", setitem(run_node, "config", "[1, 2]")), lambda a: a.run("p/r1").config, ResponseValidationError, r"run r1: config is a JSON list"),
    ("raw config is a list", on("RunByName", setitem(run_node, "config", "[1, 2]")), lambda a: a.run("p/r1").raw_config, ResponseValidationError, r"run r1: config is a JSON list"),
    ("summary is a number", on("RunByName", setitem(run_node, "summaryMetrics", "3")), lambda a: a.run("p/r1").summary, ResponseValidationError, r"run r1: summaryMetrics is a JSON int"),
    ("system metrics not JSON", on("RunByName", setitem(run_node, "systemMetrics", "{")), lambda a: a.run("p/r1").system_metrics, ResponseValidationError, r"run r1: systemMetrics is not JSON"),
    ("history keys a list", on("RunByName", setitem(run_node, "historyKeys", [1])), lambda a: a.run("p/r1").last_step, ResponseValidationError, r"run r1: historyKeys is a JSON list"),
    ("config not a string or object", on("RunPage", setitem(first_node, "config", 7)), lambda a: next(iter(a.runs("p"))).config, ResponseValidationError, r"run r1: config is a JSON int"),
    ("edges not a list", on("RunPage", lambda b: b["data"]["project"]["runs"].update(edges={"x": 1})), lambda a: list(a.runs("p")), ResponseValidationError, r"RunPage: .*edges"),
    ("data is null", on("Viewer", lambda b: {"data": None}), lambda a: a.viewer, ResponseValidationError, r"Viewer: the response has no data object"),
    ("body is a list", on("Viewer", lambda b: [1, 2]), lambda a: a.viewer, ResponseValidationError, r"Viewer: .*not a GraphQL JSON response.*gave up after 4 attempts"),
    ("body is empty", on("Viewer", lambda b: b""), lambda a: a.viewer, ResponseValidationError, r"Viewer: .*not a GraphQL JSON response"),
    ("errors without data", on("Viewer", lambda b: {"errors": [{"message": "boom", "path": ["viewer"]}]}), lambda a: a.viewer, GraphQLError, r"Viewer: the server returned errors: boom \(at viewer\)\.$"),
    ("errors with partial data", on("RunByName", lambda b: {**b, "errors": [{"message": "summary unavailable", "path": ["project", "run", "summaryMetrics"]}]}), lambda a: a.run("p/r1"), GraphQLError, r"summary unavailable \(at project\.run\.summaryMetrics\)\. Partial data was returned"),
    ("errors is not a list", on("Viewer", lambda b: {"errors": "kaput", "data": None}), lambda a: a.viewer, GraphQLError, r"kaput"),
    ("history row not JSON", on("RunHistorySample", lambda b: run_node(b).update(history=["{oops"])), lambda a: a.run("p/r1").history(pandas=False), ResponseValidationError, r"a history row is not JSON"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "call", "error", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_hostile_responses_raise_typed_errors(
    server: LocalServer,
    edit: Edit,
    call: Callable[[Api], object],
    error: type[WandbError],
    message: str,
) -> None:
    with pytest.raises(error, match=message) as info:
        call(api_with(server, edit))
    assert type(info.value) is error
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, httpx.HTTPError)


def test_partial_data_is_kept_on_the_error(server: LocalServer) -> None:
    def edit(op: str, body: dict[str, Any]) -> Any:
        return (
            {**body, "errors": [{"message": "late", "extensions": {"code": "TIMEOUT"}}]}
            if op == "RunByName"
            else None
        )

    with pytest.raises(GraphQLError) as info:
        api_with(server, edit).run("p/r1")
    data = info.value.data
    assert data is not None
    project = data["project"]
    assert isinstance(project, dict) and isinstance(project["run"], dict)
    assert project["run"]["name"] == "r1"
    assert info.value.errors[0].extensions == {"code": "TIMEOUT"}


LENIENT: list[tuple[str, Edit, Callable[[Api], Any], Any]] = [
    ("extra fields are ignored", on("RunByName", setitem(run_node, "brandNewField", {"x": 1})), lambda a: a.run("p/r1").config, {"lr": 0.1}),
    ("unknown run state is kept", on("RunByName", setitem(run_node, "state", "hibernating")), lambda a: a.run("p/r1").state, "hibernating"),
    ("decoded JSON instead of a JSON string", on("RunByName", setitem(run_node, "config", {"lr": {"value": 0.2}})), lambda a: a.run("p/r1").config, {"lr": 0.2}),
    ("null config is empty", on("RunByName", setitem(run_node, "config", None)), lambda a: a.run("p/r1").config, {}),
    ("null tags are empty", on("RunByName", setitem(run_node, "tags", None)), lambda a: a.run("p/r1").tags, []),
    ("timestamp with zone", on("RunByName", setitem(run_node, "createdAt", "2024-05-01T10:00:00+02:00")), lambda a: a.run("p/r1").created_at.isoformat(), "2024-05-01T10:00:00+02:00"),
    ("empty errors list", on("Viewer", lambda b: {**b, "errors": []}), lambda a: a.viewer.username, "demo"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "call", "expected"), [c[1:] for c in LENIENT], ids=[c[0] for c in LENIENT]
)
def test_newer_server_shapes_parse_leniently(
    server: LocalServer, edit: Edit, call: Callable[[Api], Any], expected: Any
) -> None:
    value = call(api_with(server, edit))
    assert value == expected
    if isinstance(value, RunState):
        assert value.value == expected
