"""``POST /files/<entity>/<project>/<run>/file_stream`` over HTTP: idempotent by
offset, the summary replaced whole (nested values kept), console lines replaced by
line number, the final state, bounds, authentication and authorization, and the
SDK's telemetry posts."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import make_api
from wandb_typed.testing import LocalServer, ServerLimits

from .helpers import Gql

UPSERT = """mutation Up($name: String, $project: String, $entity: String) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity}) {
    bucket { id name } inserted } }"""


@pytest.fixture
def small() -> Iterator[LocalServer]:
    limits = ServerLimits(max_stream_bytes=4096, max_stream_line_bytes=512)
    with LocalServer(limits=limits) as srv:
        yield srv


def start_run(
    server: LocalServer, name: str = "r1", api_key: str | None = None, entity: str = "demo"
) -> None:
    with Gql(server, api_key) as gql:
        gql(UPSERT, name=name, project="p", entity=entity)


def stream(
    server: LocalServer,
    body: Any,
    *,
    run: str = "r1",
    api_key: str | None = None,
    entity: str = "demo",
    **kw: Any,
) -> httpx.Response:
    key = api_key if api_key is not None else server.api_key
    auth = ("api", key) if key else None
    return httpx.post(
        f"{server.base_url}/files/{entity}/p/{run}/file_stream", json=body, auth=auth, **kw
    )


def history_chunk(start: int, count: int) -> dict[str, Any]:
    lines = [
        json.dumps({"_step": s, "loss": 1 / (s + 1), "nested": {"k": s}})
        for s in range(start, start + count)
    ]
    return {"files": {"wandb-history.jsonl": {"offset": start, "content": lines}}}


def run_row(server: LocalServer, name: str = "r1", entity: str = "demo") -> dict[str, Any]:
    project = server.store.project(entity, "p")
    assert project is not None
    row = server.store.run(int(project["id"]), name)
    assert row is not None
    return row


def test_a_resent_chunk_is_applied_once(server: LocalServer) -> None:
    start_run(server)
    for body in (
        history_chunk(0, 10),
        history_chunk(0, 10),
        history_chunk(5, 10),
        history_chunk(10, 5),
    ):
        assert stream(server, body).status_code == 200
    events = {
        "files": {
            "wandb-events.jsonl": {
                "offset": 0,
                "content": ['{"system.cpu": 1}', '{"system.cpu": 2}'],
            }
        }
    }
    assert stream(server, events).status_code == 200
    assert stream(server, events).status_code == 200
    row = run_row(server)
    assert row["history_line_count"] == 15
    keys = json.loads(row["history_keys"])
    assert keys["lastStep"] == 14
    assert keys["keys"]["loss"]["typeCounts"] == [{"type": "number", "count": 15}]
    assert keys["keys"]["nested"]["typeCounts"] == [{"type": "map", "count": 15}]
    run = make_api(server).run("demo/p/r1")
    assert [r["_step"] for r in run.scan_history()] == list(range(15))
    assert len(run.history(samples=5, keys=["loss"])) == 5
    assert json.loads(row["system_metrics"]) == {"system.cpu": 2}
    assert len(server.store.events(int(row["id"]))) == 2


def test_the_summary_is_replaced_whole_nested_values_kept(server: LocalServer) -> None:
    start_run(server)
    first = {"loss": 1.0, "best": {"loss": 1.0, "steps": [1, 2]}, "gone": 1}
    second = {"loss": 0.5, "best": {"loss": 0.5, "steps": [3], "deep": {"x": None}}}
    body = {
        "files": {
            "wandb-summary.json": {"offset": 0, "content": [json.dumps(first), json.dumps(second)]}
        }
    }
    assert stream(server, body).status_code == 200
    assert make_api(server).run("demo/p/r1").summary == second


def test_console_lines_are_numbered_by_offset_and_replaced(server: LocalServer) -> None:
    start_run(server)
    lines = ["2024-01-02T03:04:05.123456 epoch 1", "ERROR 2024-01-02T03:04:06.5 oops", "plain"]
    assert (
        stream(server, {"files": {"output.log": {"offset": 0, "content": lines}}}).status_code
        == 200
    )
    redrawn = ["2024-01-02T03:04:07.000001 progress 100%"]
    assert (
        stream(server, {"files": {"output.log": {"offset": 2, "content": redrawn}}}).status_code
        == 200
    )
    page = server.store.log_lines_page(int(run_row(server)["id"]), 10, None, None)
    assert [(r["level"], r["line"]) for r in page.rows] == [
        ("info", "epoch 1"),
        ("error", "oops"),
        ("info", "progress 100%"),
    ]
    assert page.rows[0]["timestamp"] == "2024-01-02T03:04:05"


@pytest.mark.parametrize(
    ("exitcode", "state"), [(0, "finished"), (1, "failed"), (None, "finished")]
)
def test_complete_sets_the_final_state(
    server: LocalServer, exitcode: int | None, state: str
) -> None:
    start_run(server)
    assert run_row(server)["state"] == "running"
    assert stream(server, {"files": {}}).status_code == 200
    assert run_row(server)["state"] == "running"  # a heartbeat only
    assert stream(server, {"complete": True, "exitcode": exitcode}).status_code == 200
    row = run_row(server)
    assert (row["state"], row["exitcode"]) == (state, exitcode if exitcode is not None else 0)


def test_a_gzip_body_is_inflated(server: LocalServer) -> None:
    start_run(server)
    body = gzip.compress(json.dumps(history_chunk(0, 3)).encode())
    response = httpx.post(
        f"{server.base_url}/files/demo/p/r1/file_stream",
        content=body,
        auth=("api", server.api_key),
        headers={"content-encoding": "gzip", "content-type": "application/json"},
    )
    assert response.status_code == 200
    assert run_row(server)["history_line_count"] == 3


def test_bounds_and_bad_chunks_change_nothing(small: LocalServer) -> None:
    start_run(small)
    assert stream(small, history_chunk(0, 200)).status_code == 413
    long_line = {
        "files": {"wandb-history.jsonl": {"offset": 0, "content": ['{"x": "' + "y" * 600 + '"}']}}
    }
    response = stream(small, long_line)
    assert response.status_code == 400
    assert "longer than 512" in response.text
    mixed = {"files": {"wandb-history.jsonl": {"offset": 0, "content": ['{"_step": 0}', "[1]"]}}}
    assert stream(small, mixed).status_code == 400  # one chunk, one transaction
    assert (
        stream(small, {"files": {"secrets.txt": {"offset": 0, "content": ["x"]}}}).status_code
        == 400
    )
    assert (
        stream(small, {"files": {"output.log": {"offset": -1, "content": []}}}).status_code == 400
    )
    assert stream(small, [1, 2]).status_code == 400
    assert stream(small, {"complete": True, "exitcode": "zero"}).status_code == 400
    inflated = gzip.compress(b" " * 10_000)
    bomb = httpx.post(
        f"{small.base_url}/files/demo/p/r1/file_stream",
        content=inflated,
        auth=("api", small.api_key),
        headers={"content-encoding": "gzip"},
    )
    assert bomb.status_code == 413
    row = run_row(small)
    assert row["history_line_count"] == 0
    assert row["state"] == "running"


def test_a_missing_or_unknown_key_is_refused(server: LocalServer) -> None:
    start_run(server)
    assert stream(server, history_chunk(0, 1), api_key="").status_code == 401
    assert stream(server, history_chunk(0, 1), api_key="not-a-key").status_code == 401
    graphql = httpx.post(
        f"{server.base_url}/graphql", json={"query": UPSERT, "variables": {"name": "x"}}
    )
    assert graphql.status_code == 401
    assert run_row(server)["history_line_count"] == 0


def test_another_user_cannot_write_my_run_and_has_their_own(server: LocalServer) -> None:
    start_run(server)
    eve = server.add_user("eve")
    # demo's project is private: eve cannot even see the run
    assert stream(server, history_chunk(0, 1), api_key=eve).status_code == 404
    with Gql(server, eve) as gql:
        errors = gql.errors(UPSERT, name="r1", project="p", entity="demo")
    assert "permission denied" in errors[0]
    server.store.create_project("demo", "p", access="PUBLIC")
    assert (
        stream(server, history_chunk(0, 1), api_key=eve).status_code == 403
    )  # readable, not writable
    # the same run id in eve's own entity is another run
    start_run(server, api_key=eve, entity="eve")
    assert stream(server, history_chunk(0, 4), api_key=eve, entity="eve").status_code == 200
    assert run_row(server, entity="eve")["history_line_count"] == 4
    assert run_row(server)["history_line_count"] == 0


def test_unknown_runs_are_not_found(server: LocalServer) -> None:
    assert stream(server, history_chunk(0, 1), run="nope").status_code == 404
    response = httpx.post(
        f"{server.base_url}/files/demo/p/file_stream", json={}, auth=("api", server.api_key)
    )
    assert response.status_code == 404


def test_telemetry_is_answered_quietly(server: LocalServer) -> None:
    for route in ("/sdk/otel/v1/metrics", "/sdk/otel/v1/logs"):
        response = httpx.post(f"{server.base_url}{route}", content=b"\x0a\x00")
        assert (response.status_code, response.json()) == (200, {})
