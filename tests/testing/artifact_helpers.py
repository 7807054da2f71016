"""Helpers for the artifact server tests: our operations (queries/artifacts.graphql)
sent by name over raw GraphQL, and small fixtures' building blocks."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse

from wandb_typed.testing import LocalServer

from .helpers import JSON, Gql

QUERIES = Path(__file__).resolve().parents[2] / "queries"
#: Every operation of the project in one document (fragments are shared across files).
DOCUMENT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.graphql")))


def artifact_operations() -> set[str]:
    """Names of the operations in queries/artifacts.graphql."""
    document = parse((QUERIES / "artifacts.graphql").read_text(encoding="utf-8"))
    return {
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    }


class Ops:
    """Runs one of our operations by name against a server (through :class:`Gql`)."""

    def __init__(self, gql: Gql) -> None:
        self.gql = gql

    def raw(self, operation: str, **variables: Any) -> httpx.Response:
        return self.gql.http.post(
            "/graphql",
            json={"query": DOCUMENT, "variables": variables, "operationName": operation},
        )

    def __call__(self, operation: str, **variables: Any) -> JSON:
        """``data`` of a successful response (fails the test on any error)."""
        response = self.raw(operation, **variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: JSON = body["data"]
        return data

    def errors(self, operation: str, **variables: Any) -> list[str]:
        """Messages of a response that must carry GraphQL errors."""
        body = self.raw(operation, **variables).json()
        assert body.get("errors"), body
        return [str(e["message"]) for e in body["errors"]]


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def by_name(ops: Ops, entity: str, project: str, name: str) -> JSON | None:
    """The membership ``ArtifactByName`` returns (None when there is no such version)."""
    project_data = ops("ArtifactByName", entity=entity, project=project, name=name)["project"]
    if project_data is None:
        return None
    membership: JSON | None = project_data["artifactCollectionMembership"]
    return membership


def artifact_id(ops: Ops, name: str, entity: str = "demo", project: str = "mnist") -> str:
    membership = by_name(ops, entity, project, name)
    assert membership is not None, name
    return str(membership["artifact"]["id"])


def versions(ops: Ops, collection: str, *, per_page: int = 50, **variables: object) -> list[JSON]:
    """Every edge of a collection's versions, walking the cursors."""
    edges: list[JSON] = []
    cursor = None
    while True:
        page = ops(
            "ArtifactVersionPage",
            entity="demo",
            project="mnist",
            collection=collection,
            cursor=cursor,
            perPage=per_page,
            withCount=cursor is None,
            **variables,
        )["project"]["artifactCollection"]["artifacts"]
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return edges
        cursor = page["pageInfo"]["endCursor"]


def small_demo(server: LocalServer) -> None:
    """Demo data (artifacts included), small enough to seed per test."""
    server.seed_demo(mnist_runs=12, llm_runs=0, long_history_steps=0)
