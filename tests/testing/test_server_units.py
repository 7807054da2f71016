"""Small pure pieces: filter compilation, sampling, cursors, ids, demo determinism."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wandb_typed.testing import Store
from wandb_typed.testing._demo import seed_demo
from wandb_typed.testing._filters import FilterError, compile_filter, compile_order, sql_json
from wandb_typed.testing._resolvers import gid, parse_gid
from wandb_typed.testing._store import StoreError, decode_cursor, encode_cursor, evenly_spaced


def test_compile_filter_uses_parameters() -> None:
    sql, params = compile_filter({"config.lr": {"$lt": 0.1}, "display_name": "x'; DROP"})
    assert "DROP" not in sql
    assert "lr" not in sql  # JSON paths are parameters too
    assert params == ['$."lr"."value"'] * 2 + [0.1, "x'; DROP"]  # guard and comparison
    assert compile_filter(None) == ("1", [])
    assert compile_filter("") == ("1", [])


@pytest.mark.parametrize(
    "bad",
    [
        {"config.a..b": 1},
        {"tags": {"$gt": 1}},
        {"state": {"a": 1}},
        {"$or": {}},
        # A Python dict (Store.runs(filters=...)) may have non-string operator keys.
        {"config.a": {"$not": {5: 1}}},
        {"tags": {"$not": {5: 1}}},
    ],
)
def test_compile_filter_rejects(bad: object) -> None:
    with pytest.raises(FilterError):
        compile_filter(bad)


def test_compile_order() -> None:
    keys = compile_order("-summary_metrics.a.b")
    assert keys[1].expr.text == "json_extract(SQLJSON(r.summary), ?)"  # the path is bound
    assert keys[1].expr.params == ('$."a"."b"',)
    assert keys[1].descending
    assert keys[-1].expr.text == "r.id"
    assert compile_order("config.lr")[1].expr == compile_order("+config.lr.value")[1].expr
    assert compile_order(None)[1].expr.text == "r.created_at"
    unicode = compile_order("-summary_metrics.ünï")[1].expr  # SQLite paths cannot name it
    assert unicode.text == "SQLJSON_GET(r.summary, ?)"
    assert unicode.params == ('["\\u00fcn\\u00ef"]',)


def test_sql_json_makes_non_finite_numbers_readable() -> None:
    text = '{"a": NaN, "b": -Infinity, "c": "NaN and Infinity", "d": [Infinity]}'
    assert sql_json(text) == '{"a": null, "b": -1e999, "c": "NaN and Infinity", "d": [1e999]}'
    assert sql_json('{"a": 1}') == '{"a": 1}'
    assert sql_json(None) is None


def test_store_filters_and_samples_runs_with_non_finite_values() -> None:
    """A diverging run (NaN/inf in summary and history) must not break queries."""
    nan, inf = float("nan"), float("inf")
    store = Store()
    store.create_user("u")
    ok = store.create_run("u", "p", name="ok", summary={"loss": 1.0})
    bad = store.create_run("u", "p", name="bad", summary={"loss": nan, "top": inf})
    store.add_history_rows(int(bad["id"]), [{"loss": 1.0}, {"loss": nan}, {"loss": -inf}])
    project_id = int(ok["project_id"])
    page = store.runs_page(project_id, filters={"summary_metrics.top": {"$gt": 1e308}})
    assert [r["name"] for r in page.rows] == ["bad"]
    page = store.runs_page(project_id, order="-summary_metrics.loss")
    assert [r["name"] for r in page.rows] == ["ok", "bad"]  # NaN sorts with missing values
    rows = store.sampled_history(int(bad["id"]), ["_step", "loss"], samples=10)
    assert [r["_step"] for r in rows] == [0, 1, 2]
    store.close()


@pytest.mark.parametrize(
    ("count", "samples", "expected"),
    [(10, 3, [0, 4, 9]), (3, 10, [0, 1, 2]), (10, 1, [0]), (0, 5, []), (5, 0, []), (4, 2, [0, 3])],
)
def test_evenly_spaced(count: int, samples: int, expected: list[int]) -> None:
    assert evenly_spaced(count, samples) == expected


def test_cursor_round_trip() -> None:
    cursor = encode_cursor([0, "2024-01-01T00:00:00", 5])
    assert decode_cursor(cursor, 3) == [0, "2024-01-01T00:00:00", 5]
    with pytest.raises(StoreError):
        decode_cursor(cursor, 2)
    with pytest.raises(StoreError):
        decode_cursor("%%%", 1)


def test_global_ids() -> None:
    assert gid("Run", 1) == "UnVuOjE="
    assert parse_gid("UnVuOjE=", "Run") == 1
    assert parse_gid("7", "Run") == 7


def test_demo_is_deterministic() -> None:
    def snapshot() -> list[object]:
        store = Store()
        store.create_user("demo")
        info = seed_demo(store, mnist_runs=6, llm_runs=2, long_history_steps=300)
        project = store.project("demo", "mnist")
        assert project is not None
        rows = store.runs_page(int(project["id"]), first=100).rows
        store.close()
        return [
            info.sweep_id,
            *((r["name"], r["config"], r["summary"], r["created_at"]) for r in rows),
        ]

    assert snapshot() == snapshot()


def test_store_rejects_unknown_entity() -> None:
    store = Store()
    with pytest.raises(StoreError):
        store.create_project("nobody", "p")
    store.close()


def test_importing_the_package_is_light() -> None:
    code = (
        "import sys, wandb_typed.testing as t; t.FaultPlan; "
        "print(sorted(m for m in ('ariadne', 'uvicorn', 'graphql', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_demo_seeds_only_once() -> None:
    store = Store()
    store.create_user("demo")
    seed_demo(store, mnist_runs=1, llm_runs=0)
    with pytest.raises(ValueError, match="already"):
        seed_demo(store)
    store.close()


def test_json_fields_are_strict_json_with_non_finite_history() -> None:
    """sampledHistory of a run that logged NaN/inf is valid JSON (no bare NaN)."""
    import json

    import httpx

    from wandb_typed.testing import LocalServer

    def strict(token: str) -> object:
        raise AssertionError(f"bare {token} in a response body")

    with LocalServer() as server:
        run = server.store.create_run("demo", "p", name="r")
        rows = [{"loss": float("nan")}, {"loss": float("inf")}, {"loss": 1.0}]
        server.store.add_history_rows(int(run["id"]), rows)
        query = (
            'query($s: [JSONString!]!) { project(name: "p", entityName: "demo") {'
            ' run(name: "r") { sampledHistory(specs: $s) } } }'
        )
        reply = httpx.post(
            f"{server.base_url}/graphql",
            json={"query": query, "variables": {"s": [json.dumps({"keys": ["_step", "loss"]})]}},
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
        body = json.loads(reply.text, parse_constant=strict)
        rows_out = body["data"]["project"]["run"]["sampledHistory"][0]
        assert [r["loss"] for r in rows_out] == ["NaN", "Infinity", 1.0]
