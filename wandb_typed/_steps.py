"""Steps and runners: how one piece of logic serves both ``Api`` and ``AsyncApi``.

Client logic (facade methods, pagination, the HTTP retry loop) is written once,
as a generator that *yields* the I/O it needs and receives the result:

    def project(self, name: str) -> Steps[Project]:
        data = yield from call(lambda c: c.project_by_name(name=name, entity=...))
        return Project.from_fields(...)

A :class:`SyncRunner` performs each step with blocking calls, an
:class:`AsyncRunner` with awaits. These two loops are the only code that differs
between the sync and the async client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, cast

import httpx

from .errors import WandbError

if TYPE_CHECKING:
    from wandb_typed_gql.async_client import AsyncWandbClient
    from wandb_typed_gql.client import WandbClient

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Send:
    """Send an HTTP request. The reply is the response, or the ``httpx.TransportError``
    it failed with (returned, not raised, so retry logic can look at it). With
    ``stream`` the body is left unread and the logic must close the response."""

    request: httpx.Request
    stream: bool = False


@dataclass(frozen=True)
class Sleep:
    """Wait before the next step (retry backoff)."""

    seconds: float


@dataclass(frozen=True)
class Call(Generic[R]):
    """Run one generated-client method. The reply is its typed result; a
    :class:`WandbError` it raises is thrown into the generator at the ``yield``.

    ``fn`` is written against the sync client; the async runner hands it the async
    client, whose methods have the same names and parameters (both are generated
    from the same operations; a test pins that) and awaits what it returns.
    """

    fn: Callable[[WandbClient], R]


@dataclass(frozen=True)
class ReadBody:
    """Read the next chunk of a streamed response body (``b""`` at the end)."""

    response: httpx.Response
    chunk_size: int = 1 << 16


@dataclass(frozen=True)
class Close:
    """Close a streamed response early (after an error status or a redirect)."""

    response: httpx.Response


Step: TypeAlias = Send | Sleep | Call[Any] | ReadBody | Close
Steps: TypeAlias = Generator[Step, Any, T]


def call(fn: Callable[[WandbClient], R]) -> Generator[Step, Any, R]:
    """Yield one generated-client call and return its typed result."""
    return cast(R, (yield Call(fn)))


class SyncRunner:
    """Performs steps with blocking I/O."""

    def __init__(
        self,
        http: httpx.Client,
        client: Callable[[SyncRunner], WandbClient] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self._client_factory = client
        self._client: WandbClient | None = None
        self._sleep = sleep
        self._streams: dict[int, Any] = {}

    @property
    def client(self) -> WandbClient:
        if self._client is None:
            if self._client_factory is None:
                raise RuntimeError("this runner has no GraphQL client")
            self._client = self._client_factory(self)
        return self._client

    def run(self, steps: Steps[T]) -> T:
        reply: Any = None
        error: BaseException | None = None
        while True:
            try:
                step = steps.send(reply) if error is None else steps.throw(error)
            except StopIteration as stop:
                return cast(T, stop.value)
            reply, error = None, None
            if isinstance(step, Send):
                try:
                    reply = self.http.send(step.request, stream=step.stream)
                except httpx.TransportError as exc:
                    reply = exc
            elif isinstance(step, Sleep):
                self._sleep(step.seconds)
            elif isinstance(step, ReadBody):
                try:
                    reply = self._read(step)
                except httpx.TransportError as exc:
                    reply = exc
            elif isinstance(step, Close):
                self._streams.pop(id(step.response), None)
                step.response.close()
            else:
                try:
                    reply = step.fn(self.client)
                except WandbError as exc:
                    error = exc

    def _read(self, step: ReadBody) -> bytes:
        key = id(step.response)
        chunks = self._streams.get(key)
        if chunks is None:
            chunks = self._streams[key] = step.response.iter_bytes(step.chunk_size)
        chunk = next(chunks, b"")
        if not chunk:
            del self._streams[key]
        return cast(bytes, chunk)


class AsyncRunner:
    """Performs steps with awaits; the async twin of :class:`SyncRunner`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        client: Callable[[AsyncRunner], AsyncWandbClient] | None = None,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        import asyncio  # only async users pay for importing asyncio

        self.http = http
        self._client_factory = client
        self._client: AsyncWandbClient | None = None
        self._sleep = sleep or asyncio.sleep
        self._streams: dict[int, Any] = {}

    @property
    def client(self) -> AsyncWandbClient:
        if self._client is None:
            if self._client_factory is None:
                raise RuntimeError("this runner has no GraphQL client")
            self._client = self._client_factory(self)
        return self._client

    async def run(self, steps: Steps[T]) -> T:
        reply: Any = None
        error: BaseException | None = None
        while True:
            try:
                step = steps.send(reply) if error is None else steps.throw(error)
            except StopIteration as stop:
                return cast(T, stop.value)
            reply, error = None, None
            if isinstance(step, Send):
                try:
                    reply = await self.http.send(step.request, stream=step.stream)
                except httpx.TransportError as exc:
                    reply = exc
            elif isinstance(step, Sleep):
                await self._sleep(step.seconds)
            elif isinstance(step, ReadBody):
                try:
                    reply = await self._read(step)
                except httpx.TransportError as exc:
                    reply = exc
            elif isinstance(step, Close):
                self._streams.pop(id(step.response), None)
                await step.response.aclose()
            else:
                try:
                    reply = await cast(Any, step.fn)(self.client)
                except WandbError as exc:
                    error = exc

    async def _read(self, step: ReadBody) -> bytes:
        key = id(step.response)
        chunks = self._streams.get(key)
        if chunks is None:
            chunks = self._streams[key] = step.response.aiter_bytes(step.chunk_size)
        try:
            chunk = await chunks.__anext__()
        except StopAsyncIteration:
            chunk = b""
        if not chunk:
            del self._streams[key]
        return cast(bytes, chunk)


Runner: TypeAlias = SyncRunner | AsyncRunner
