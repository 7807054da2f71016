"""History: sampled and paged ``history``, ``sampledHistory``, ``historyKeys``,
``parquetHistory`` live data, system-metric ``events`` and console lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wandb_typed.testing import LocalServer

from .helpers import JSON, Gql, jdump

RUN = 'query($name: String!) { project(name: "p", entityName: "demo") { run(name: $name) { %s } } }'


@pytest.fixture
def history_run(server: LocalServer) -> str:
    """Run ``h`` with 100 steps; ``val`` is logged every 10 steps; 12 system events."""
    row = server.store.create_run("demo", "p", name="h")
    rows: list[dict[str, Any]] = []
    for step in range(100):
        item: dict[str, Any] = {"_step": step, "loss": 1 / (step + 1), "_runtime": step * 2.0}
        if step % 10 == 0:
            item["val"] = step
        rows.append(item)
    server.store.add_history_rows(int(row["id"]), rows)
    server.store.add_events(int(row["id"]), [{"system.cpu": i} for i in range(12)])
    server.store.add_log_lines(int(row["id"]), [f"line {i}" for i in range(5)])
    return "h"


def run_field(gql: Gql, selection: str, **variables: Any) -> Any:
    run = gql(RUN % selection, name="h", **variables)["project"]["run"]
    return run[next(iter(run))]


def steps(rows: list[Any]) -> list[int]:
    return [json.loads(r)["_step"] if isinstance(r, str) else r["_step"] for r in rows]


def test_history_samples_evenly_with_first_and_last(gql: Gql, history_run: str) -> None:
    rows = run_field(gql, "history(samples: 5)")
    assert all(isinstance(r, str) for r in rows)
    assert steps(rows) == [0, 25, 50, 74, 99]
    assert steps(run_field(gql, "history(samples: 500)")) == list(range(100))
    assert len(run_field(gql, "history")) == 100


def test_history_pages_by_step_range(gql: Gql, history_run: str) -> None:
    query = "history(minStep: $lo, maxStep: $hi, samples: $n)"
    selection = RUN.replace("$name: String!", "$name: String!, $lo: Int64!, $hi: Int64!, $n: Int")
    collected: list[int] = []
    for lo in range(0, 100, 30):
        rows = gql(selection % query, name="h", lo=lo, hi=lo + 30, n=30)["project"]["run"][
            "history"
        ]
        collected += steps(rows)
    assert collected == list(range(100))
    rows = gql(selection % query, name="h", lo=10, hi=90, n=5)["project"]["run"]["history"]
    assert steps(rows) == [10, 11, 12, 13, 14]  # at most `samples` rows of the range


def test_history_row_content(gql: Gql, history_run: str) -> None:
    first = json.loads(run_field(gql, "history(samples: 1)")[0])
    assert first == {"_step": 0, "loss": 1.0, "_runtime": 0.0, "val": 0}


def test_sampled_history_projects_and_requires_all_keys(gql: Gql, history_run: str) -> None:
    specs = [
        jdump({"keys": ["_step", "loss"], "samples": 3}),
        jdump({"keys": ["_step", "val"], "samples": 100}),
        jdump({"keys": ["_step", "loss"], "samples": 100, "minStep": 20, "maxStep": 24}),
        jdump({"keys": ["_step", "nope"], "samples": 10}),
    ]
    out = gql(
        RUN.replace("$name: String!", "$name: String!, $specs: [JSONString!]!")
        % "sampledHistory(specs: $specs)",
        name="h",
        specs=specs,
    )
    loss3, val, window, nope = out["project"]["run"]["sampledHistory"]
    assert loss3 == [
        {"_step": 0, "loss": 1.0},
        {"_step": 50, "loss": 1 / 51},
        {"_step": 99, "loss": 0.01},
    ]
    assert val == [{"_step": s, "val": s} for s in range(0, 100, 10)]
    assert steps(window) == [20, 21, 22, 23, 24]  # maxStep inclusive, as wandb-core expects
    assert nope == []


def test_sampled_history_spec_must_have_keys(gql: Gql, history_run: str) -> None:
    query = RUN.replace("$name: String!", "$name: String!, $specs: [JSONString!]!") % (
        "sampledHistory(specs: $specs)"
    )
    errors = gql.errors(query, name="h", specs=[jdump({"samples": 3})])
    assert "keys" in errors[0]


@pytest.mark.parametrize(
    ("field", "value"), [("samples", "many"), ("minStep", [1]), ("maxStep", 1e400)]
)
def test_sampled_history_spec_numbers_are_checked(
    gql: Gql, history_run: str, field: str, value: object
) -> None:
    """A number the spec cannot hold is the client's error, named (not an internal one)."""
    query = RUN.replace("$name: String!", "$name: String!, $specs: [JSONString!]!") % (
        "sampledHistory(specs: $specs)"
    )
    spec = {"keys": ["_step", "loss"], field: value}
    errors = gql.errors(query, name="h", specs=[jdump(spec)])
    assert errors == [f"sampledHistory spec {field} must be an integer, got {value!r}"]


def test_history_keys(gql: Gql, history_run: str) -> None:
    keys = run_field(gql, "historyKeys")
    assert keys["lastStep"] == 99
    assert keys["keys"]["val"]["typeCounts"] == [{"type": "number", "count": 10}]
    assert set(keys["keys"]) == {"_step", "loss", "_runtime", "val"}
    assert run_field(gql, "historyLineCount") == 100


def test_adding_history_updates_summary(gql: Gql, server: LocalServer, history_run: str) -> None:
    summary = json.loads(run_field(gql, "summaryMetrics"))
    assert summary == {"_step": 99, "loss": 0.01, "_runtime": 198.0, "val": 90}


def test_parquet_history_has_live_steps_only(gql: Gql, history_run: str) -> None:
    parquet = run_field(gql, 'parquetHistory(liveKeys: ["_step"]) { parquetUrls liveData }')
    assert parquet["parquetUrls"] == []
    assert parquet["liveData"] == [{"_step": s} for s in range(100)]


def test_events_are_system_metric_rows(gql: Gql, history_run: str) -> None:
    rows = [json.loads(r) for r in run_field(gql, "events(samples: 4)")]
    assert [r["system.cpu"] for r in rows] == [0, 4, 7, 11]


def test_console_log_pages(gql: Gql, history_run: str) -> None:
    selection = "logLineCount logLines(first: 2, after: $after) { edges { node { number line level } } pageInfo { endCursor hasNextPage } }"
    query = RUN.replace("$name: String!", "$name: String!, $after: String") % selection
    lines: list[JSON] = []
    after = None
    while True:
        run = gql(query, name="h", after=after)["project"]["run"]
        assert run["logLineCount"] == 5
        lines += [e["node"] for e in run["logLines"]["edges"]]
        if not run["logLines"]["pageInfo"]["hasNextPage"]:
            break
        after = run["logLines"]["pageInfo"]["endCursor"]
    assert [line["line"] for line in lines] == [f"line {i}" for i in range(5)]
    tail = run_field(gql, "logLines(last: 2) { edges { node { number } } }")
    assert [e["node"]["number"] for e in tail["edges"]] == [3, 4]


def test_long_demo_history_pages_quickly(demo_gql: Gql) -> None:
    info = demo_gql("""{ project(name: "llm-finetune", entityName: "demo") {
        runs(first: 1) { edges { node { name historyLineCount } } } } }""")
    node = info["project"]["runs"]["edges"][0]["node"]
    assert node["historyLineCount"] == 5000
    query = """query($name: String!, $lo: Int64!, $hi: Int64!) {
      project(name: "llm-finetune", entityName: "demo") { run(name: $name) {
        history(minStep: $lo, maxStep: $hi, samples: 1000) } } }"""
    total = 0
    for lo in range(0, 5000, 1000):
        total += len(
            demo_gql(query, name=node["name"], lo=lo, hi=lo + 1000)["project"]["run"]["history"]
        )
    assert total == 5000
