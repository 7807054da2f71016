"""The server's leaf-field shortcut (``_execution.LeafExecutionContext``) answers
exactly as graphql-core does: the same data and the same errors (message, path,
location) for every kind of field it takes or hands back, run through both."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from graphql import ExecutionContext, ExecutionResult, build_schema, execute, parse

from wandb_typed.testing._execution import EXECUTION_CONTEXT, LeafExecutionContext

SCHEMA = build_schema(
    """
    enum Color { RED GREEN }
    type Item { id: ID! name: String count: Int! color: Color tags: [String!] child: Item
                size(unit: String = "b"): Int flag: Boolean! }
    type Query { items: [Item]! item: Item! }
    """
)

ROWS: list[dict[str, Any]] = [
    {"id": 1, "name": "a", "count": 3, "color": "RED", "tags": ["x"], "flag": True,
     "size": 10, "child": {"id": "c", "count": 1, "flag": False}},
    {"id": "2", "name": None, "count": 4.0, "color": None, "tags": None, "flag": 0},
    {"id": 3, "name": lambda info, **_: "from a callable", "count": 5, "flag": True},
    {"id": 4, "name": 7, "count": "not a number", "flag": True},  # Int refuses a str
    {"id": 5, "count": None, "flag": True},  # null where Int! is required
    {"id": 6, "count": 1, "flag": True, "color": "BLUE"},  # not a value of the enum
    {"id": 7, "count": 1, "flag": True, "name": ValueError("stored error")},
]  # fmt: skip

QUERIES = [
    "{ items { id name count color tags flag } }",
    "{ items { __typename renamed: name n2: count child { id count flag } } }",
    '{ items { size big: size(unit: "kb") } }',
    "{ item { id count } }",
    "{ items { id ... on Item { name } ...F } } fragment F on Item { color }",
    "{ items { id @include(if: false) name @skip(if: true) count } }",
]


def run(query: str, context: type[ExecutionContext]) -> ExecutionResult:
    root = {"items": ROWS, "item": ROWS[4]}
    result = execute(SCHEMA, parse(query), root_value=root, execution_context_class=context)
    assert isinstance(result, ExecutionResult)
    return result


@pytest.mark.parametrize("query", QUERIES)
def test_same_data_and_errors_as_graphql_core(query: str) -> None:
    ours, theirs = run(query, LeafExecutionContext), run(query, ExecutionContext)
    assert ours.data == theirs.data
    assert [e.formatted for e in ours.errors or []] == [e.formatted for e in theirs.errors or []]


def test_the_cases_above_include_errors_and_values() -> None:
    """The comparison is not vacuous: the rows hold refused values and nulls."""
    result = run(QUERIES[0], LeafExecutionContext)
    messages = " ".join(e.message for e in result.errors or [])
    assert "Int cannot represent non-integer value: 'not a number'" in messages
    assert "Cannot return null for non-nullable field Item.count." in messages
    assert "Enum 'Color' cannot represent value: 'BLUE'" in messages
    assert "stored error" in messages
    assert result.data is not None
    assert [item is None for item in result.data["items"]] == [
        False,
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    clean = run("{ items { id name } }", LeafExecutionContext)
    assert clean.data is not None
    assert clean.data["items"][:3] == [
        {"id": "1", "name": "a"},
        {"id": "2", "name": None},
        {"id": "3", "name": "from a callable"},
    ]


def test_the_server_uses_it_on_graphql_core_3_2_only() -> None:
    expected = LeafExecutionContext if graphql.version_info[:2] == (3, 2) else ExecutionContext
    assert EXECUTION_CONTEXT is expected
