"""Fault injection: every kind is observable, ``when`` and ``operations`` behave, and a
seeded plan is deterministic."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from wandb_typed.testing import FaultPlan, LocalServer

from .helpers import Gql

VIEWER = "query Who { viewer { username } }"


@pytest.fixture
def fast_faults(server: LocalServer) -> FaultPlan:
    server.faults = FaultPlan(slow_seconds=0.3, retry_after=2.5)
    return server.faults


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_errors(gql: Gql, fast_faults: FaultPlan, kind: str) -> None:
    fast_faults.fail_next(kind)
    response = gql.raw(VIEWER)
    assert response.status_code == int(kind)
    assert response.json()["errors"]
    assert gql.raw(VIEWER).status_code == 200  # only the next request failed
    assert fast_faults.injected[kind] == 1


def test_rate_limited(gql: Gql, fast_faults: FaultPlan) -> None:
    fast_faults.fail_next("429")
    response = gql.raw(VIEWER)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2.5"


def test_connection_reset(gql: Gql, fast_faults: FaultPlan) -> None:
    fast_faults.fail_next("reset")
    with pytest.raises(httpx.TransportError):
        gql.raw(VIEWER)
    assert gql.server.requests[-1].fault == "reset"
    assert gql.raw(VIEWER).status_code == 200


def test_slow(gql: Gql, fast_faults: FaultPlan) -> None:
    fast_faults.fail_next("slow")
    started = time.monotonic()
    assert gql(VIEWER) == {"viewer": {"username": "demo"}}
    assert time.monotonic() - started >= 0.3


def test_truncated_and_non_json(gql: Gql, fast_faults: FaultPlan) -> None:
    fast_faults.fail_next("truncated", "non_json")
    truncated = gql.raw(VIEWER)
    assert truncated.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated.content)
    html = gql.raw(VIEWER)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")


def test_when_after_applies_the_mutation(gql: Gql, server: LocalServer) -> None:
    server.faults = FaultPlan(when="after", operations={"CreateProject"})
    server.faults.fail_next("503")
    mutation = (
        "mutation CreateProject($input: UpsertModelInput!) {"
        " upsertModel(input: $input) { inserted } }"
    )
    assert gql.raw(mutation, input={"name": "p", "entityName": "demo"}).status_code == 503
    assert server.store.project("demo", "p") is not None  # executed, response lost
    retry = gql(mutation, input={"name": "p", "entityName": "demo"})
    assert retry == {"upsertModel": {"inserted": False}}


def test_when_before_does_not_execute(gql: Gql, server: LocalServer) -> None:
    server.faults.fail_next("500")
    gql.raw(
        "mutation CreateProject($input: UpsertModelInput!) { upsertModel(input: $input) { inserted } }",
        input={"name": "p", "entityName": "demo"},
    )
    assert server.store.project("demo", "p") is None


def test_operations_filter(gql: Gql, server: LocalServer) -> None:
    server.faults = FaultPlan(rate=1.0, kinds=("500",), operations={"Target"})
    assert gql.raw(VIEWER).status_code == 200
    assert gql.raw("query Target { viewer { id } }").status_code == 500


def test_rate_is_seeded_and_deterministic() -> None:
    def statuses(seed: int) -> list[int]:
        with LocalServer(faults=FaultPlan(rate=0.5, kinds=("500", "503"), seed=seed)) as srv:
            with Gql(srv) as client:
                result = [client.raw(VIEWER).status_code for _ in range(30)]
            assert srv.faults.total_injected == sum(s != 200 for s in result)
            return result

    first = statuses(7)
    assert first == statuses(7)
    assert first != statuses(8)
    assert 5 < sum(s != 200 for s in first) < 25


def test_runtime_changes_and_reset(gql: Gql, server: LocalServer) -> None:
    server.faults.rate = 1.0
    server.faults.kinds = ("502",)
    assert gql.raw(VIEWER).status_code == 502
    server.faults.rate = 0.0
    assert gql.raw(VIEWER).status_code == 200
    assert server.faults.injected == {"502": 1}
    server.faults.reset()
    assert server.faults.total_injected == 0


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("boom",))
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan().fail_next("boom")


def test_faults_do_not_touch_file_routes(gql: Gql, server: LocalServer) -> None:
    run = server.store.create_run("demo", "p", name="r")
    server.store.add_file(int(run["id"]), "a.txt", "a")
    server.faults.rate = 1.0
    response = httpx.get(
        f"{server.base_url}/files/demo/p/r/a.txt",
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert response.content == b"a"


# -- faults aimed at one operation or one route -------------------------------------


def test_a_fault_can_target_one_operation(gql: Gql, fast_faults: FaultPlan) -> None:
    fast_faults.fail_next("503", target="Other")
    assert gql.raw(VIEWER).status_code == 200  # "Who" is not the target
    assert gql.raw("query Other { viewer { username } }").status_code == 503
    assert gql.raw("query Other { viewer { username } }").status_code == 200
    assert fast_faults.injected["503"] == 1


def _file_url(server: LocalServer, gql: Gql) -> str:
    server.store.create_project("demo", "p")
    run = server.store.create_run("demo", "p", name="r1")
    server.store.add_file(int(run["id"]), "a.txt", "0123456789" * 10)
    query = 'query { project(name: "p", entityName: "demo") { run(name: "r1") { files(names: ["a.txt"]) { edges { node { directUrl } } } } } }'
    data = gql(query)
    url: str = data["project"]["run"]["files"]["edges"][0]["node"]["directUrl"]
    return url


@pytest.mark.parametrize("kind", ["503", "429", "non_json", "truncated", "reset"])
def test_a_fault_can_target_a_file_route(
    server: LocalServer, gql: Gql, fast_faults: FaultPlan, kind: str
) -> None:
    url = _file_url(server, gql)
    fast_faults.fail_next(kind, target="GET /files")
    if kind == "reset":
        with pytest.raises(httpx.TransportError):
            httpx.get(url, headers=gql.http.headers)
    else:
        failed = httpx.get(url, headers=gql.http.headers)
        expected = {"503": 503, "429": 429, "non_json": 200, "truncated": 200}[kind]
        assert failed.status_code == expected
        assert failed.content != b"0123456789" * 10
    assert server.requests.files()[-1].fault == kind
    again = httpx.get(url, headers=gql.http.headers)  # only the targeted request failed
    assert (again.status_code, again.content) == (200, b"0123456789" * 10)


def test_routes_fail_only_when_targeted_or_listed(server: LocalServer, gql: Gql) -> None:
    url = _file_url(server, gql)
    server.faults = FaultPlan(rate=1.0, kinds=("503",))  # every GraphQL request...
    assert httpx.get(url, headers=gql.http.headers).status_code == 200  # ...not the files
    server.faults = FaultPlan(rate=1.0, kinds=("503",), routes=["GET /files"])
    assert httpx.get(url, headers=gql.http.headers).status_code == 503
