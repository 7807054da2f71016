"""Helpers shared by the local-server tests."""

from __future__ import annotations

import json
from typing import Any

import httpx

from wandb_typed.testing import LocalServer

JSON = dict[str, Any]


class Gql:
    """Posts raw GraphQL documents to a server (our typed client is not involved)."""

    def __init__(self, server: LocalServer, api_key: str | None = None) -> None:
        self.server = server
        key = api_key if api_key is not None else server.api_key
        self.http = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10
        )

    def raw(self, query: str, **variables: Any) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables})

    def __call__(self, query: str, **variables: Any) -> JSON:
        """``data`` of a successful response (fails the test on HTTP or GraphQL errors)."""
        response = self.raw(query, **variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data = body["data"]
        assert isinstance(data, dict)
        return data

    def errors(self, query: str, **variables: Any) -> list[str]:
        """Messages of a response that must contain GraphQL errors."""
        body = self.raw(query, **variables).json()
        assert body.get("errors"), body
        return [str(e["message"]) for e in body["errors"]]

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Gql:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def jdump(value: Any) -> str:
    """JSON text for JSONString variables."""
    return json.dumps(value)
