"""Regression tests for the server findings of the second hostile-input audit
(issue 17: N5b, N8, N9). Each failed before its fix: raw requests over HTTP, as an
attacker or a buggy client would send them, answered with a clear error (HTTP 4xx
or a GraphQL error), never an internal error, and nothing stored.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from wandb_typed.testing import LocalServer
from wandb_typed.testing._filters import MAX_FILTER_VALUES

from .helpers import Gql, jdump

UPSERT_RUN = """mutation($input: UpsertBucketInput!) {
  upsertBucket(input: $input) { bucket { name tags } }
}"""
RUNS = """query($f: JSONString) {
  project(name: "p", entityName: "demo") { runs(filters: $f, first: 5) { edges { node { name tags } } } }
}"""
UPSERT_SWEEP = """mutation($config: String) {
  upsertSweep(input: {entityName: "demo", projectName: "p", config: $config}) { sweep { name } }
}"""


def _post(gql: Gql, body: dict[str, Any]) -> httpx.Response:
    """``body`` as JSON with ``\\uXXXX`` escapes, as any JSON encoder may send a lone
    surrogate (httpx's own ``json=`` cannot encode one)."""
    headers = {"Content-Type": "application/json"}
    return gql.http.post("/graphql", content=json.dumps(body), headers=headers)


def _no_internal_error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        assert "internal" not in str(error.get("message")), body
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", body
    return body


def _refused(response: httpx.Response, words: str) -> None:
    body = _no_internal_error(response)
    assert body.get("errors"), body
    assert words in json.dumps(body["errors"], ensure_ascii=False), body["errors"]


# -- N5b: no string input may hold a lone surrogate -----------------------------------


@pytest.mark.parametrize(
    "bucket",
    [
        {"tags": ["ok", "\ud800"]},
        {"description": "a\udfffb"},
        {"config": jdump({"lr": "\ud800"})},
        {"summaryMetrics": jdump({"\ud800": 1})},
    ],
)
def test_n5b_a_lone_surrogate_is_refused_and_nothing_stored(
    server: LocalServer, gql: Gql, bucket: dict[str, Any]
) -> None:
    server.store.create_project("demo", "p", access="PUBLIC")
    reader = Gql(server, api_key=server.add_user("eve"))
    payload = {"name": "r1", "modelName": "p", "entityName": "demo", **bucket}
    _refused(_post(gql, {"query": UPSERT_RUN, "variables": {"input": payload}}), "lone surrogate")
    project = server.store.project("demo", "p")
    assert project is not None and server.store.run(int(project["id"]), "r1") is None
    for client in (gql, reader):  # every listing of the project still works, for everyone
        assert client(RUNS)["project"]["runs"]["edges"] == []
    gql(UPSERT_RUN, input={"name": "r2", "modelName": "p", "entityName": "demo", "tags": ["é"]})
    assert reader(RUNS)["project"]["runs"]["edges"][0]["node"]["tags"] == ["é"]


def test_n5b_the_operation_name_and_query_are_checked_too(gql: Gql) -> None:
    response = _post(gql, {"query": "{ viewer { username } }", "operationName": "A\ud800"})
    assert response.status_code == 400
    _refused(response, "lone surrogate")


# -- N8: Unicode digits and overlong numbers ---------------------------------------------


def _gid(kind: str, pk: str) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


@pytest.mark.parametrize("digits", ["²", "١٢", "9" * 40, "1" * 5000])
def test_n8_file_routes_refuse_odd_digits_with_401(server: LocalServer, digits: str) -> None:
    server.store.create_project("demo", "p")
    server.store.artifacts.create_artifact("demo", "p", "a", "dataset", {"f.txt": "x"})
    with httpx.Client(base_url=server.base_url) as http:  # no API key: the routes are signed
        for url in (
            f"/artifact-files/1/f.txt?expires={digits}&token=abc",
            f"/artifact-manifests/1?expires={digits}&token=abc",
            f"/artifact-files/{digits}/f.txt?expires=1&token=abc",
            f"/artifact-manifests/{digits}?expires=1&token=abc",
            f"/files/demo/p/r/a.txt?token={digits}.abc",
        ):
            response = http.get(url)
            assert response.status_code in (401, 403, 404), (url, response.status_code)


@pytest.mark.parametrize(
    "gid", [_gid("Artifact", "²"), "²", _gid("Artifact", "9" * 5000), "9" * 30, "\u0661"]
)
def test_n8_a_global_id_with_odd_digits_is_a_clear_graphql_error(gql: Gql, gid: str) -> None:
    response = gql.raw("query($id: ID!) { artifact(id: $id) { id } }", id=gid)
    _refused(response, "invalid Artifact id")


# -- N9: inputs the client's checks let by (before issue 17) ---------------------------------


def _with_runs(server: LocalServer) -> None:
    server.store.create_project("demo", "p")
    server.store.create_run("demo", "p", name="r1", config={"a": 1})


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ('{"config.a": "\\ud800"}', "lone surrogate"),
        ('{"\\udfff": 1}', "lone surrogate"),
        ('{"config.a": 1' + "0" * 400 + "}", "beyond float range"),
        ('{"config.a": {"$gt": -1' + "0" * 400 + "}}", "beyond float range"),
        ('{"tags": {"$size": 1' + "0" * 30 + "}}", "$size"),
        ("[" * 5000 + "]" * 5000, "not valid JSON"),
        ('{"$and": [' * 300 + "{}" + "]}" * 300, "nested more than"),
        (json.dumps({"config.a": {"$in": list(range(MAX_FILTER_VALUES + 1))}}), "more than"),
    ],
)
def test_n9_filters_the_server_cannot_run_are_clear_errors(
    server: LocalServer, gql: Gql, filters: str, words: str
) -> None:
    _with_runs(server)
    _refused(gql.raw(RUNS, f=filters), words)


def test_n9_a_flat_and_of_5000_terms_runs(server: LocalServer, gql: Gql) -> None:
    _with_runs(server)
    terms = [{"config.a": {"$ne": i}} for i in range(2, 5002)]
    edges = gql(RUNS, f=jdump({"$and": terms}))["project"]["runs"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["r1"]


@pytest.mark.parametrize("config", ["method: grid\x01\n", "a: [" * 2000, "\tmethod: x", "a: *b"])
def test_n9_a_sweep_config_that_is_not_yaml_is_a_clear_error(
    server: LocalServer, gql: Gql, config: str
) -> None:
    server.store.create_project("demo", "p")
    _refused(gql.raw(UPSERT_SWEEP, config=config), "not valid YAML")
    project = server.store.project("demo", "p")
    assert project is not None
    assert server.store.sweeps_page(int(project["id"]), None, None).rows == []
