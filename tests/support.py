"""Helpers shared by the tests: clients pointed at a LocalServer, a recording transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from wandb_typed import Api, AsyncApi, RetryPolicy
from wandb_typed.testing import LocalServer

T = TypeVar("T")

#: Retries fast enough for tests (same policy shape as the default).
FAST_RETRY = RetryPolicy(max_attempts=4, initial_delay=0.01, max_delay=0.05, max_retry_after=0.2)


def make_api(
    server: LocalServer,
    *,
    overrides: dict[str, str] | None = None,
    api_key: str | None = None,
    **kwargs: Any,
) -> Api:
    """An Api on ``server`` as its first user (or as the user whose ``api_key`` is
    given, e.g. from ``server.add_user(...)``), with fast retries unless ``retry=``."""
    kwargs.setdefault("retry", FAST_RETRY)
    settings = {"base_url": server.base_url, **(overrides or {})}
    return Api(settings, api_key=api_key or server.api_key, **kwargs)


def make_async_api(
    server: LocalServer,
    *,
    overrides: dict[str, str] | None = None,
    api_key: str | None = None,
    **kwargs: Any,
) -> AsyncApi:
    """The AsyncApi twin of :func:`make_api`."""
    kwargs.setdefault("retry", FAST_RETRY)
    settings = {"base_url": server.base_url, **(overrides or {})}
    return AsyncApi(settings, api_key=api_key or server.api_key, **kwargs)


def run_async(
    scenario: Callable[[AsyncApi], Awaitable[T]], server: LocalServer, **kwargs: Any
) -> T:
    """Run ``scenario(aapi)`` in a fresh event loop with an AsyncApi on ``server``."""

    async def main() -> T:
        async with make_async_api(server, **kwargs) as aapi:
            return await scenario(aapi)

    return asyncio.run(main())


class Recorder(httpx.BaseTransport):
    """Passes requests to the network and records each GraphQL body it sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.bodies: list[dict[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql"):
            self.bodies.append(json.loads(request.content))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
