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


class AsyncRecorder(httpx.AsyncBaseTransport):
    """The AsyncApi twin of :class:`Recorder` (``tests/_sync`` gets ``Recorder``)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.bodies: list[dict[str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql"):
            self.bodies.append(json.loads(request.content))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def seed_runs(server: LocalServer, count: int, project: str = "p") -> list[str]:
    """``count`` runs in ``demo/<project>`` (a new project), oldest first; their names."""
    server.store.create_project("demo", project)
    return [
        str(
            server.store.create_run(
                "demo",
                project,
                name=f"run{i:04d}",
                created_at=f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}",
            )["name"]
        )
        for i in range(count)
    ]


class Rewrite(httpx.BaseTransport):
    """Forwards to the real server, letting a test rewrite RunPage responses:
    ``edit(variables, data)`` changes the decoded reply in place."""

    def __init__(self, edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
        self.inner = httpx.HTTPTransport()
        self.edit = edit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = json.loads(request.content) if request.content else {}
        if body.get("operationName") != "RunPage":
            return response
        response.read()
        data = json.loads(response.content)
        self.edit(body["variables"], data)
        return httpx.Response(response.status_code, json=data, request=request)

    def close(self) -> None:
        self.inner.close()


class AsyncRewrite(httpx.AsyncBaseTransport):
    """The AsyncApi twin of :class:`Rewrite` (``tests/_sync`` gets ``Rewrite``)."""

    def __init__(self, edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.edit = edit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = json.loads(request.content) if request.content else {}
        if body.get("operationName") != "RunPage":
            return response
        await response.aread()
        data = json.loads(response.content)
        self.edit(body["variables"], data)
        return httpx.Response(response.status_code, json=data, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class Gate(httpx.BaseTransport):
    """Forwards to the real server, holding the ``hold``-th request of ``operation``
    (counted from 1) until :meth:`release`: ``arrived`` is set when it gets here (not
    yet sent on), ``answered`` once the server's answer is back."""

    def __init__(self, operation: str, hold: int) -> None:
        import threading

        self.inner = httpx.HTTPTransport()
        self.operation, self.hold, self.seen = operation, hold, 0
        self.arrived, self.answered = threading.Event(), threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        """Let the held request go on."""
        self._released.set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.seen += body.get("operationName") == self.operation
        held = body.get("operationName") == self.operation and self.seen == self.hold
        if held:
            self.arrived.set()
            self._released.wait()
        response = self.inner.handle_request(request)
        if held:
            self.answered.set()
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncGate(httpx.AsyncBaseTransport):
    """The AsyncApi twin of :class:`Gate` (``tests/_sync`` gets ``Gate``)."""

    def __init__(self, operation: str, hold: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.operation, self.hold, self.seen = operation, hold, 0
        self.arrived, self.answered = asyncio.Event(), asyncio.Event()
        self._released = asyncio.Event()

    def release(self) -> None:
        """Let the held request go on."""
        self._released.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.seen += body.get("operationName") == self.operation
        held = body.get("operationName") == self.operation and self.seen == self.hold
        if held:
            self.arrived.set()
            await self._released.wait()
        response = await self.inner.handle_async_request(request)
        if held:
            self.answered.set()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class HoldFrom(httpx.BaseTransport):
    """Forwards to the real server, holding every request of ``operation`` from the
    ``start``-th on (counted from 1) until :meth:`release`. ``all_held`` is set once
    ``expect`` requests wait here (none sent on yet), ``all_answered`` once ``expect``
    held requests have their answers. Thread-safe: the sync client's windows ahead
    arrive on threads of their own."""

    def __init__(self, operation: str, start: int, expect: int) -> None:
        import threading

        self.inner = httpx.HTTPTransport()
        self.operation, self.start, self.expect = operation, start, expect
        self.seen = self.held = self.answers = 0
        self.all_held, self.all_answered = threading.Event(), threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()

    def release(self) -> None:
        """Let every held request (and every later one) go on."""
        self._released.set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        with self._lock:
            self.seen += body.get("operationName") == self.operation
            held = body.get("operationName") == self.operation and self.seen >= self.start
            if held:
                self.held += 1
                if self.held == self.expect:
                    self.all_held.set()
        if held:
            self._released.wait()
        response = self.inner.handle_request(request)
        if held:
            with self._lock:
                self.answers += 1
                if self.answers == self.expect:
                    self.all_answered.set()
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncHoldFrom(httpx.AsyncBaseTransport):
    """The AsyncApi twin of :class:`HoldFrom` (``tests/_sync`` gets ``HoldFrom``)."""

    def __init__(self, operation: str, start: int, expect: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.operation, self.start, self.expect = operation, start, expect
        self.seen = self.held = self.answers = 0
        self.all_held, self.all_answered = asyncio.Event(), asyncio.Event()
        self._released = asyncio.Event()

    def release(self) -> None:
        """Let every held request (and every later one) go on."""
        self._released.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.seen += body.get("operationName") == self.operation
        held = body.get("operationName") == self.operation and self.seen >= self.start
        if held:
            self.held += 1
            if self.held == self.expect:
                self.all_held.set()
            await self._released.wait()
        response = await self.inner.handle_async_request(request)
        if held:
            self.answers += 1
            if self.answers == self.expect:
                self.all_answered.set()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class ScriptedClock:
    """A clock for :class:`~wandb_typed._core.paging.PageSizer`: each page is timed by
    two readings, which differ by the next of ``durations`` (then by ``after``)."""

    def __init__(self, durations: list[float], after: float = 0.0) -> None:
        import threading

        self._durations = iter(durations)
        self._after = after
        self._now = 0.0
        self._readings = 0
        self._lock = threading.Lock()  # the sync client reads it on its prefetch thread

    def __call__(self) -> float:
        with self._lock:
            if self._readings % 2:
                self._now += next(self._durations, self._after)
            self._readings += 1
            return self._now
