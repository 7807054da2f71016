"""Error mapping and retries, against real faults injected by the server or a transport."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from wandb_typed import (
    Api,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    GraphQLError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    ServerError,
)
from wandb_typed.testing import FaultPlan, LocalServer

from .support import FAST_RETRY, make_api


def graphql_ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests if r.path == "/graphql"]


def make_api_at(url: str, api_key: str = "k" * 40, **kwargs: Any) -> Api:
    """An Api on any URL (make_api needs a LocalServer)."""
    return Api({"base_url": url}, api_key=api_key, retry=FAST_RETRY, **kwargs)


def test_wrong_key_is_an_authentication_error(fresh: LocalServer) -> None:
    wrong = "f" * 40
    api = make_api_at(fresh.base_url, api_key=wrong)
    with pytest.raises(AuthenticationError, match="API key was rejected") as info:
        api.viewer  # noqa: B018
    err = info.value
    assert (err.status_code, err.attempts, err.operation_name) == (401, 1, "Viewer")
    assert wrong not in str(err) and wrong not in repr(err)


@pytest.mark.parametrize(
    "kinds", [("500",), ("502", "503"), ("429",), ("reset",), ("truncated", "non_json")]
)
def test_queries_are_retried_until_they_succeed(fresh: LocalServer, kinds: tuple[str, ...]) -> None:
    fresh.faults.retry_after = 0.05
    fresh.faults.fail_next(*kinds)
    api = make_api(fresh)
    assert api.viewer.username == "demo"
    assert graphql_ops(fresh) == ["Viewer"] * (len(kinds) + 1)
    assert sum(fresh.faults.injected.values()) == len(kinds)


def test_retry_after_is_honoured(fresh: LocalServer) -> None:
    fresh.faults.retry_after = 0.15
    fresh.faults.fail_next("429")
    api = make_api(fresh, retry=RetryPolicy(initial_delay=0.0, jitter=0.0, max_retry_after=1.0))
    started = time.monotonic()
    api.viewer  # noqa: B018
    assert time.monotonic() - started >= 0.15


def test_retries_are_bounded_and_say_how_many_were_made(fresh: LocalServer) -> None:
    fresh.faults.fail_next("503", "503", "503", "503")
    with pytest.raises(ServerError, match=r"HTTP 503 .*gave up after 4 attempts") as info:
        make_api(fresh).viewer  # noqa: B018
    assert (info.value.status_code, info.value.attempts) == (503, 4)
    assert graphql_ops(fresh) == ["Viewer"] * 4
    fresh.faults.retry_after = 0.01
    fresh.faults.fail_next("429", "429", "429", "429")
    with pytest.raises(RateLimitError, match="rate limited") as limited:
        make_api(fresh).viewer  # noqa: B018
    assert limited.value.retry_after == pytest.approx(0.01)


def test_an_upsert_lost_on_the_wire_is_retried_and_applied_once(fresh: LocalServer) -> None:
    """UpsertProject is an upsert by name (_core/writes.py): retried like a query."""
    fresh.faults = FaultPlan(rate=1.0, kinds=("500",), when="after", operations=("UpsertProject",))
    api = make_api(fresh, overrides={"entity": "demo"})
    with pytest.raises(ServerError) as info:
        api.create_project("once")
    assert info.value.attempts == 4
    assert "may have been applied" not in str(info.value)
    assert graphql_ops(fresh).count("UpsertProject") == 4
    fresh.faults = FaultPlan()
    assert [p.name for p in api.projects()] == ["once"]  # applied once, whatever the resends


def test_a_rate_limited_mutation_is_retried(fresh: LocalServer) -> None:
    fresh.faults.retry_after = 0.01
    fresh.faults.fail_next("429")
    api = make_api(fresh, overrides={"entity": "demo"})
    assert api.create_project("p").name == "p"
    assert graphql_ops(fresh) == ["UpsertProject", "UpsertProject"]


def test_refused_connection_fails_fast(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = make_api_at(f"http://127.0.0.1:{port}")
    with (
        caplog.at_level("DEBUG", logger="wandb_typed"),
        pytest.raises(APIConnectionError, match="connection refused") as info,
    ):
        api.viewer  # noqa: B018
    assert info.value.attempts == 1  # no retries, so no backoff waits (the old 19 s)
    assert not [r for r in caplog.records if "retrying" in r.getMessage()]
    assert "base_url" in str(info.value)


def test_slow_responses_time_out(fresh: LocalServer) -> None:
    """The server holds each answer for ten minutes (released when the test ends), so
    the client's 0.2 s timeout fires first however busy the machine is."""
    fresh.faults = FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=600)
    api = make_api(fresh, timeout=0.2, retry=RetryPolicy(max_attempts=2, initial_delay=0.01))
    try:
        with pytest.raises(APITimeoutError, match=r"timed out waiting for .*gave up after 2"):
            api.viewer  # noqa: B018
    finally:
        fresh.faults.release_slow()
    assert graphql_ops(fresh) == ["Viewer", "Viewer"]


def test_graphql_errors_carry_messages_and_paths(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    with pytest.raises(GraphQLError, match="RunPage: the server returned errors") as info:
        api.client.run_page(
            entity="demo", project="mnist", filters={"$bogus": 1}, per_page=1, with_count=False,
        )  # fmt: skip
    detail = info.value.errors[0]
    assert detail.message and detail.path[:2] == ("project", "runs")
    assert info.value.operation_name == "RunPage"


class Corrupt(httpx.BaseTransport):
    """Forwards to the server and replaces the project's name with null (a schema violation)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        data = json.loads(response.content)
        if isinstance(data.get("data"), dict) and isinstance(data["data"].get("project"), dict):
            data["data"]["project"]["name"] = None
        return httpx.Response(response.status_code, json=data, request=request)


def test_a_response_that_breaks_the_schema_is_a_typed_error(demo_server: LocalServer) -> None:
    api = make_api_at(demo_server.base_url, api_key=demo_server.api_key, transport=Corrupt())
    with pytest.raises(ResponseValidationError, match=r"ProjectByName: .*project\.name") as info:
        api.project("mnist", entity="demo")
    assert info.value.operation_name == "ProjectByName"
    with pytest.raises(ResponseValidationError):  # the raw generated client is covered too
        api.client.project_by_name(entity="demo", name="mnist")


def test_missing_objects_are_not_found(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    for call in (
        lambda: api.project("nope", entity="demo"),
        lambda: api.run("demo/mnist/nope"),
        lambda: api.sweep("demo/mnist/nope"),
        lambda: list(api.runs("demo/nope")),
    ):
        with pytest.raises(NotFoundError) as info:
            call()
        assert info.value.status_code == 404


def test_http_errors_never_escape_raw() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    api = make_api_at("http://example.invalid", transport=httpx.MockTransport(boom))
    with pytest.raises(APIConnectionError, match="failed mid-request: RemoteProtocolError") as info:
        api.viewer  # noqa: B018
    assert info.value.attempts == FAST_RETRY.max_attempts
