"""Runs: filters and orders (checked against a Python re-implementation over the same
data), runCount, keyset paging, key projection, lookups."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import JSON, Gql, jdump

RUNS = """
query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50,
           $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges { node { id name displayName state tags group jobType host createdAt heartbeatAt
                     sweepName config summaryMetrics user { username } } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""


def fetch_all(gql: Gql, *, per_page: int = 50, **variables: Any) -> tuple[list[JSON], int]:
    """Every run matching the variables, paging with the last edge's cursor."""
    runs: list[JSON] = []
    cursor = None
    while True:
        project = gql(
            RUNS, project="mnist", entity="demo", perPage=per_page, cursor=cursor, **variables
        )["project"]
        edges = project["runs"]["edges"]
        runs += [e["node"] for e in edges]
        if not project["runs"]["pageInfo"]["hasNextPage"]:
            return runs, int(project["runCount"])
        cursor = edges[-1]["cursor"]


@pytest.fixture(scope="module")
def all_runs(demo_gql: Gql) -> list[JSON]:
    runs, count = fetch_all(demo_gql)
    assert count == len(runs) == 40
    for run in runs:
        run["cfg"] = {k: v["value"] for k, v in json.loads(run["config"]).items()}
        run["sm"] = json.loads(run["summaryMetrics"])
    return runs


Pred = Callable[[JSON], bool]

FILTER_CASES: list[tuple[str, Any, Pred]] = [
    ("state-eq", {"state": "finished"}, lambda r: r["state"] == "finished"),
    ("state-ne", {"state": {"$ne": "finished"}}, lambda r: r["state"] != "finished"),
    (
        "state-in",
        {"state": {"$in": ["crashed", "failed"]}},
        lambda r: r["state"] in ("crashed", "failed"),
    ),
    ("state-nin", {"state": {"$nin": ["running"]}}, lambda r: r["state"] != "running"),
    ("config-eq", {"config.optimizer": "adam"}, lambda r: r["cfg"]["optimizer"] == "adam"),
    (
        "config-explicit-value",
        {"config.optimizer.value": "sgd"},
        lambda r: r["cfg"]["optimizer"] == "sgd",
    ),
    ("config-lt", {"config.lr": {"$lt": 0.001}}, lambda r: r["cfg"]["lr"] < 0.001),
    (
        "config-range",
        {"config.batch_size": {"$gte": 64, "$lte": 128}},
        lambda r: 64 <= r["cfg"]["batch_size"] <= 128,
    ),
    ("config-nested", {"config.model.name": "cnn"}, lambda r: r["cfg"]["model"]["name"] == "cnn"),
    (
        "config-nested-gt",
        {"config.model.dropout": {"$gt": 0.1}},
        lambda r: r["cfg"]["model"]["dropout"] > 0.1,
    ),
    ("config-missing-ne", {"config.nope": {"$ne": 1}}, lambda r: True),
    ("config-missing-exists", {"config.nope": {"$exists": True}}, lambda r: False),
    ("config-exists", {"config.lr": {"$exists": True}}, lambda r: True),
    ("string-vs-number", {"config.optimizer": {"$gt": 1}}, lambda r: False),
    ("summary-lt", {"summary_metrics.loss": {"$lt": 0.2}}, lambda r: r["sm"]["loss"] < 0.2),
    (
        "summary-nested",
        {"summary_metrics.best.acc": {"$gte": 0.98}},
        lambda r: r["sm"]["best"]["acc"] >= 0.98,
    ),
    ("tags-contains", {"tags": "baseline"}, lambda r: "baseline" in r["tags"]),
    (
        "tags-in",
        {"tags": {"$in": ["v2", "debug"]}},
        lambda r: bool({"v2", "debug"} & set(r["tags"])),
    ),
    ("tags-nin", {"tags": {"$nin": ["best"]}}, lambda r: "best" not in r["tags"]),
    (
        "tags-all",
        {"tags": {"$all": ["baseline", "augment"]}},
        lambda r: {"baseline", "augment"} <= set(r["tags"]),
    ),
    ("tags-none", {"tags": None}, lambda r: r["tags"] == []),
    (
        "display-name-regex",
        {"display_name": {"$regex": "^(calm|swift)-"}},
        lambda r: re.search("^(calm|swift)-", r["displayName"]) is not None,
    ),
    (
        "displayName-alias",
        {"displayName": {"$regex": "river"}},
        lambda r: "river" in r["displayName"],
    ),
    ("group", {"group": "exp-a"}, lambda r: r["group"] == "exp-a"),
    ("group-missing", {"group": None}, lambda r: r["group"] is None),
    ("jobType", {"jobType": "eval"}, lambda r: r["jobType"] == "eval"),
    (
        "host",
        {"host": {"$in": ["gpu-node-1", "gpu-node-2"]}},
        lambda r: r["host"] in ("gpu-node-1", "gpu-node-2"),
    ),
    ("username", {"username": "demo"}, lambda r: True),
    ("name", {"name": {"$in": ["nope"]}}, lambda r: False),
    ("sweep-exists", {"sweep": {"$exists": True}}, lambda r: r["sweepName"] is not None),
    (
        "created-gte",
        {"createdAt": {"$gte": "2024-01-02T00:00:00"}},
        lambda r: r["createdAt"] >= "2024-01-02T00:00:00",
    ),
    (
        "created-tz",
        {"created_at": {"$lt": "2024-01-01T12:00:00+02:00"}},
        lambda r: r["createdAt"] < "2024-01-01T10:00:00",
    ),
    ("duration", {"duration": {"$gt": 600}}, lambda r: r["sm"]["_runtime"] > 600),
    (
        "and",
        {"$and": [{"state": "finished"}, {"config.optimizer": "adam"}]},
        lambda r: r["state"] == "finished" and r["cfg"]["optimizer"] == "adam",
    ),
    (
        "or",
        {"$or": [{"state": "failed"}, {"tags": "best"}]},
        lambda r: r["state"] == "failed" or "best" in r["tags"],
    ),
    (
        "nor",
        {"$nor": [{"state": "failed"}, {"group": "exp-a"}]},
        lambda r: not (r["state"] == "failed" or r["group"] == "exp-a"),
    ),
    ("not", {"config.lr": {"$not": {"$gt": 0.001}}}, lambda r: not r["cfg"]["lr"] > 0.001),
    ("empty-or-and", {"$or": [{"$and": []}]}, lambda r: True),
    ("empty", {}, lambda r: True),
]


@pytest.mark.parametrize(
    ("case", "filters", "pred"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES]
)
def test_filters(demo_gql: Gql, all_runs: list[JSON], case: str, filters: Any, pred: Pred) -> None:
    expected = [r["name"] for r in all_runs if pred(r)]
    runs, count = fetch_all(demo_gql, filters=jdump(filters), per_page=7)
    assert [r["name"] for r in runs] == expected
    assert count == len(expected)


def test_filter_cases_are_not_trivial(all_runs: list[JSON]) -> None:
    """Most cases select a proper, non-empty subset, so they prove something."""
    proper = [c for c in FILTER_CASES if 0 < sum(map(c[2], all_runs)) < len(all_runs)]
    assert len(proper) >= 25


def _missing_last(value: Any) -> tuple[int, Any]:
    return (value is None, value)


ORDER_CASES: list[tuple[str, Callable[[JSON], Any], bool]] = [
    ("+created_at", lambda r: r["createdAt"], False),
    ("-created_at", lambda r: r["createdAt"], True),
    ("created_at", lambda r: r["createdAt"], False),
    ("-heartbeat_at", lambda r: r["heartbeatAt"], True),
    ("+summary_metrics.loss", lambda r: r["sm"]["loss"], False),
    ("-summary_metrics.best.acc", lambda r: r["sm"]["best"]["acc"], True),
    ("+config.lr.value", lambda r: r["cfg"]["lr"], False),
    ("-config.batch_size", lambda r: r["cfg"]["batch_size"], True),
    ("+display_name", lambda r: r["displayName"], False),
]


@pytest.mark.parametrize(
    ("order", "key", "descending"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES]
)
def test_orders_with_stable_tie_breaker(
    demo_gql: Gql, all_runs: list[JSON], order: str, key: Callable[[JSON], Any], descending: bool
) -> None:
    # ties are broken by storage id, in the direction of the order
    def storage(r: JSON) -> int:
        return int(base64.b64decode(r["id"]).decode().split(":")[1])

    expected = sorted(all_runs, key=lambda r: (key(r), storage(r)), reverse=descending)
    runs, _ = fetch_all(demo_gql, order=order, per_page=6)
    assert [r["name"] for r in runs] == [r["name"] for r in expected]


def test_order_by_group_puts_missing_values_last(demo_gql: Gql) -> None:
    runs, _ = fetch_all(demo_gql, order="+group", per_page=9)
    groups = [r["group"] for r in runs]
    present = [g for g in groups if g is not None]
    assert present == sorted(present)
    assert groups[len(present) :] == [None] * (len(groups) - len(present))


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"color": "red"}, "unknown run filter field 'color'"),
        ({"state": {"$near": 1}}, "unsupported filter operator '$near'"),
        ({"$where": "1"}, "unsupported top-level operator"),
        ({"config.lr": {"$in": 3}}, "$in expects a list"),
        ({"display_name": {"$regex": "("}}, "invalid $regex"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_invalid_filters_are_graphql_errors(demo_gql: Gql, filters: Any, message: str) -> None:
    errors = demo_gql.errors(RUNS, project="mnist", entity="demo", filters=jdump(filters))
    assert any(message in e for e in errors), errors


def test_invalid_order_and_cursor_are_graphql_errors(demo_gql: Gql) -> None:
    errors = demo_gql.errors(RUNS, project="mnist", entity="demo", order="-colour")
    assert "unsupported run order" in errors[0]
    errors = demo_gql.errors(RUNS, project="mnist", entity="demo", cursor="garbage")
    assert "invalid cursor" in errors[0]


def test_not_json_filter_is_an_error(demo_gql: Gql) -> None:
    errors = demo_gql.errors(RUNS, project="mnist", entity="demo", filters="{nope")
    assert "not valid JSON" in errors[0]


def test_run_paging_survives_inserts_and_deletes(gql: Gql, server: LocalServer) -> None:
    for i in range(6):
        server.store.create_run("demo", "mnist", name=f"run{i}", created_at=f"2024-01-0{i + 1}")
    project = server.store.project("demo", "mnist")
    assert project is not None
    seen: list[str] = []
    cursor = None
    step = 0
    while True:
        data = gql(
            RUNS, project="mnist", entity="demo", perPage=2, cursor=cursor, order="-created_at"
        )["project"]["runs"]
        seen += [e["node"]["name"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        cursor = data["edges"][-1]["cursor"]
        step += 1
        # a newer run appears at the top (already passed), and the cursor row is deleted
        server.store.create_run("demo", "mnist", name=f"late{step}")
        row = server.store.run(int(project["id"]), seen[-1])
        assert row is not None
        server.store.delete_run(int(row["id"]))
    assert seen == [f"run{i}" for i in range(5, -1, -1)]


def test_key_projection(demo_gql: Gql, all_runs: list[JSON]) -> None:
    name = all_runs[0]["name"]
    run = demo_gql(
        """query($name: String!) { project(name: "mnist", entityName: "demo") { run(name: $name) {
            config(keys: ["lr", "missing"]) summaryMetrics(keys: ["loss", "best"])
            full: config } } }""",
        name=name,
    )["project"]["run"]
    assert json.loads(run["config"]) == {"lr": {"value": all_runs[0]["cfg"]["lr"], "desc": None}}
    assert set(json.loads(run["summaryMetrics"])) == {"loss", "best"}
    assert len(json.loads(run["full"])) > 2


def test_run_fields(
    demo: tuple[LocalServer, DemoInfo], demo_gql: Gql, all_runs: list[JSON]
) -> None:
    fields = """id name displayName state tags group jobType host notes description commit
        sweepName projectId readOnly createdAt heartbeatAt historyLineCount fileCount
        systemMetrics historyKeys user { name username } project { name }
        sweep { name method }"""
    with_sweep = next(r for r in all_runs if r["sweepName"])
    query = (
        'query($name: String!) { project(name: "mnist", entityName: "demo") {'
        f" internalId run(name: $name) {{ {fields} }} }} }}"
    )
    run = demo_gql(query, name=with_sweep["name"])["project"]["run"]
    assert re.fullmatch(r"[a-z0-9]{8}", run["name"])
    assert isinstance(run["projectId"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", run["createdAt"])
    assert run["sweep"] == {"name": demo[1].sweep_id, "method": "bayes"}
    assert run["fileCount"] == 3
    assert run["historyKeys"]["lastStep"] == run["historyLineCount"] - 1
    assert run["historyKeys"]["keys"]["loss"]["typeCounts"] == [
        {"type": "number", "count": run["historyLineCount"]}
    ]
    assert json.loads(run["systemMetrics"])["cpu"] > 0
    assert run["user"] == {"name": "demo", "username": "demo"}
    assert demo_gql(query, name="nosuchrun")["project"]["run"] is None


def test_runs_of_missing_project_is_null(demo_gql: Gql) -> None:
    assert demo_gql(RUNS, project="nope", entity="demo") == {"project": None}


def test_runs_page_is_one_sql_statement(demo: tuple[LocalServer, DemoInfo], demo_gql: Gql) -> None:
    """No N+1: a full page of runs (with user, sweep name and file count) costs one query."""
    store = demo[0].store
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)  # test-only peek at the SQL
    try:
        demo_gql(RUNS, project="mnist", entity="demo", perPage=40)
        page = demo_gql(
            """{ project(name: "mnist", entityName: "demo") { runs(first: 40) { edges { node {
                 name readOnly fileCount historyKeys user { username } project { name } } } } } }"""
        )
    finally:
        store._conn.set_trace_callback(None)
    assert len(page["project"]["runs"]["edges"]) == 40
    assert len([s for s in statements if "FROM runs r" in s]) == 3  # 2 pages + 1 runCount
    assert len(statements) < 20  # plus auth, project and membership lookups
