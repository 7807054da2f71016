"""Authentication like W&B: Basic ``api:<key>`` or Bearer; 401 with a JSON body otherwise."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from wandb_typed.testing import LocalServer

from .helpers import Gql

VIEWER = "{ viewer { username entity } }"


def test_api_key_is_40_lowercase_hex(server: LocalServer) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", server.api_key)
    assert server.username == server.entity == "demo"
    assert server.base_url.startswith("http://127.0.0.1:")
    assert not server.base_url.endswith("/")


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_valid_key_is_accepted(server: LocalServer, scheme: str) -> None:
    if scheme == "basic":
        header = "Basic " + base64.b64encode(f"api:{server.api_key}".encode()).decode()
    else:
        header = f"Bearer {server.api_key}"
    response = httpx.post(
        f"{server.base_url}/graphql", json={"query": VIEWER}, headers={"Authorization": header}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"username": "demo", "entity": "demo"}}}
    assert server.requests[-1].had_authorization


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer " + "0" * 40}, {"Authorization": "Basic !!notbase64"}],
    ids=["missing", "wrong-key", "malformed"],
)
def test_bad_or_missing_key_is_401_with_json_errors(
    server: LocalServer, headers: dict[str, str]
) -> None:
    response = httpx.post(f"{server.base_url}/graphql", json={"query": VIEWER}, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["errors"][0]["message"]
    assert server.requests[-1].status == 401
    assert server.requests[-1].had_authorization == bool(headers)


def test_second_user_has_own_key_and_entity(server: LocalServer) -> None:
    key = server.add_user("alice")
    assert key != server.api_key
    assert len(key) == 40
    with Gql(server, api_key=key) as alice:
        assert alice(VIEWER) == {"viewer": {"username": "alice", "entity": "alice"}}


def test_given_api_key_is_used() -> None:
    with LocalServer(api_key="k" * 40, username="bob") as server:
        assert server.api_key == "k" * 40
        with Gql(server) as client:
            assert client(VIEWER)["viewer"]["username"] == "bob"


def test_invalid_documents_are_400(gql: Gql) -> None:
    response = gql.raw("{ viewer { nope } }")
    assert response.status_code == 400
    assert "nope" in response.json()["errors"][0]["message"]
    assert gql.raw("query {").status_code == 400
    bad_body = gql.http.post("/graphql", content=b"not json")
    assert bad_body.status_code == 400


def test_non_string_operation_name_is_400_and_stats_stay_served(gql: Gql) -> None:
    """A number or list as ``operationName`` once became a stats key: a list crashed the
    request, a number broke ``GET /_local/stats`` (sorting ints with strings) for good."""
    for name in (5, ["Who"], {"a": 1}):
        body = {"query": "query Who { viewer { id } }", "operationName": name}
        response = gql.http.post("/graphql", json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == "operationName must be a string or null"
    stats = gql.http.get("/_local/stats")
    assert stats.status_code == 200
    assert stats.json()["operations"]["POST /graphql"]["requests"] >= 3


def test_request_log_records_operation_names_and_variables(gql: Gql) -> None:
    gql.server.requests.clear()
    gql("query Who { viewer { id } }")
    gql("query Proj($name: String) { project(name: $name) { id } }", name="x")
    log = gql.server.requests
    assert [r.operation_name for r in log] == ["Who", "Proj"]
    assert log[1].variables == {"name": "x"}
    assert all(r.status == 200 and r.path == "/graphql" for r in log)
