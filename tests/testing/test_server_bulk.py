"""The store's public bulk-seeding API (``bulk_insert_runs``, ``bulk_insert_history``),
which ``scripts/bench.py`` seeds through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from wandb_typed.testing import LocalServer, RunSeed, Store
from wandb_typed.testing._store import StoreError

from .helpers import Gql

RUNS = """
query { project(name: "bulk", entityName: "demo") { runCount runs(first: 3) { edges { node {
  name displayName state config summaryMetrics tags group jobType host createdAt heartbeatAt
  historyLineCount historyKeys user { username } } } } } }
"""


def test_bulk_insert_runs_are_served_like_created_runs(server: LocalServer, gql: Gql) -> None:
    created = datetime(2025, 1, 1, tzinfo=timezone.utc)
    keys = {"keys": {"loss": {"typeCounts": [{"type": "number", "count": 10}]}}, "lastStep": 9}
    seeds = (
        RunSeed(
            name=f"r{i}",
            display_name=f"run {i}",
            config={"lr": 0.1 * i},
            summary={"loss": 1.0 / (i + 1)},
            system_metrics={"system.cpu": 5},
            tags=["a", f"t{i}"],
            group="g",
            job_type="train",
            host="node",
            created_at=created,
            history_line_count=10,
            history_keys=keys,
        )
        for i in range(1000)
    )
    assert server.store.bulk_insert_runs("demo", "bulk", seeds) == 1000
    project = gql(RUNS)["project"]
    assert project["runCount"] == 1000
    node = project["runs"]["edges"][0]["node"]
    assert node["name"] == "r0"
    assert node["displayName"] == "run 0"
    assert json.loads(node["config"]) == {"lr": {"value": 0.0, "desc": None}}
    assert json.loads(node["summaryMetrics"]) == {"loss": 1.0}
    assert node["tags"] == ["a", "t0"]
    assert (node["group"], node["jobType"], node["host"]) == ("g", "train", "node")
    assert node["createdAt"] == node["heartbeatAt"] == "2025-01-01T00:00:00"
    assert node["historyLineCount"] == 10
    assert node["historyKeys"] == keys
    assert node["user"] == {"username": "demo"}


def test_bulk_insert_runs_refuses_duplicates_and_bad_json() -> None:
    store = Store()
    store.create_user("u")
    store.bulk_insert_runs("u", "p", [RunSeed(name="a")])
    with pytest.raises(StoreError, match="UNIQUE"):
        store.bulk_insert_runs("u", "p", [RunSeed(name="b"), RunSeed(name="a")])
    project = store.project("u", "p")
    assert project is not None
    assert store.run(int(project["id"]), "b") is None  # the batch is one transaction
    with pytest.raises(StoreError, match="JSON"):
        store.bulk_insert_runs("u", "p", [RunSeed(name="c", config="{oops")])
    store.close()


def test_bulk_insert_history_streams_and_recomputes_keys() -> None:
    store = Store()
    store.create_user("u")
    store.bulk_insert_runs("u", "p", [RunSeed(name="h", summary={"final": 1})])
    project = store.project("u", "p")
    assert project is not None
    run = store.run(int(project["id"]), "h")
    assert run is not None
    consumed = 0

    def rows() -> Iterator[dict[str, object]]:
        nonlocal consumed
        for step in range(20_000):
            consumed += 1
            yield {"_step": step, "loss": 1.0 / (step + 1), "name": "x"}

    assert store.bulk_insert_history(int(run["id"]), rows()) == 20_000
    assert consumed == 20_000
    run = store.run_by_id(int(run["id"]))
    assert run is not None
    assert run["history_line_count"] == 20_000
    keys = json.loads(run["history_keys"])
    assert keys["lastStep"] == 19_999
    assert keys["keys"]["loss"] == {"typeCounts": [{"type": "number", "count": 20_000}]}
    assert keys["keys"]["name"] == {"typeCounts": [{"type": "string", "count": 20_000}]}
    assert json.loads(run["summary"]) == {"final": 1}  # left alone by default
    assert len(store.history(int(run["id"]), samples=5)) == 5
    store.close()


def test_history_keys_with_non_finite_values_are_strict_json(server: LocalServer, gql: Gql) -> None:
    """Stored ``historyKeys`` text holding NaN or an infinity is answered with them as
    strings (strict JSON); finite text is answered as stored."""
    finite = {"keys": {"loss": {"max": 2.5}}, "lastStep": 1}
    diverged = {"keys": {"loss": {"max": float("inf"), "min": float("nan")}}, "lastStep": 1}
    seeds = [
        RunSeed(name="finite", history_keys=finite),
        RunSeed(name="nan", history_keys=diverged),
    ]
    server.store.bulk_insert_runs("demo", "keys", seeds)
    query = 'query($n: String!) { project(name: "keys", entityName: "demo") { run(name: $n) { historyKeys } } }'
    raw = gql.raw(query, n="nan")
    assert "NaN" not in raw.text.replace('"NaN"', "")  # no bare NaN in the body
    assert raw.json()["data"]["project"]["run"]["historyKeys"] == {
        "keys": {"loss": {"max": "Infinity", "min": "NaN"}},
        "lastStep": 1,
    }
    assert gql(query, n="finite")["project"]["run"]["historyKeys"] == finite
