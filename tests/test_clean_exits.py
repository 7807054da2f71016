"""Clean exits: whatever ends a transfer early (KeyboardInterrupt, a cancelled task,
an exception in the user's own loop body) closes the stream and deletes the
``.part`` file at once, in both modes; and resuming a collection after ``len()``.

The faults are injected by httpx transports wrapped around the real transport to a
real LocalServer: the response body is the server's, cut short or stalled here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from wandb_typed import Api, AsyncApi
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY, make_api

BIG = bytes(range(256)) * 8192  # 2 MiB: many chunks


class _Body(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, owner: Interrupting) -> None:
        self.inner, self.owner = inner, owner

    def __iter__(self) -> Iterator[bytes]:
        for n, chunk in enumerate(self.inner):
            if n == 1 and self.owner.interrupt is not None:
                raise self.owner.interrupt
            yield chunk

    def close(self) -> None:
        self.owner.closed += 1
        self.inner.close()


class Interrupting(httpx.BaseTransport):
    """Passes requests on; file bodies raise ``interrupt`` after their first chunk.
    Counts opened and closed responses."""

    def __init__(self, interrupt: BaseException | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.interrupt = interrupt
        self.opened = 0
        self.closed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.opened += 1
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Body(response.stream, self),
            extensions=response.extensions,
        )


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, owner: Stalling, stall: bool) -> None:
        self.inner, self.owner, self.stall = inner, owner, stall

    async def __aiter__(self) -> AsyncIterator[bytes]:
        n = 0
        async for chunk in self.inner:
            if n == 1 and self.stall:
                self.owner.stalled.set()
                await asyncio.Event().wait()  # never set: only a cancellation ends this
            n += 1
            yield chunk

    async def aclose(self) -> None:
        self.owner.closed += 1
        await self.inner.aclose()


class Stalling(httpx.AsyncBaseTransport):
    """Passes requests on; with ``stall``, file bodies hang after their first chunk.
    Counts opened and closed responses."""

    def __init__(self, stall: bool) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.stall = stall
        self.stalled = asyncio.Event()
        self.opened = 0
        self.closed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.opened += 1
        assert isinstance(response.stream, httpx.AsyncByteStream)
        stall = self.stall and request.url.path.startswith("/files")
        return httpx.Response(
            response.status_code, headers=response.headers,
            stream=_AsyncBody(response.stream, self, stall), extensions=response.extensions,
        )  # fmt: skip


def _server_with_big_file(server: LocalServer) -> None:
    row = server.store.create_run("demo", "p", name="r1")
    server.store.add_file(int(row["id"]), "big.bin", BIG)


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), RuntimeError("user code failed")])
def test_interrupted_sync_download_closes_and_cleans_up(
    fresh: LocalServer, tmp_path: Path, interrupt: BaseException
) -> None:
    _server_with_big_file(fresh)
    transport = Interrupting()
    api = Api(
        {"base_url": fresh.base_url}, api_key=fresh.api_key, retry=FAST_RETRY, transport=transport
    )
    big = api.run("demo/p/r1").file("big.bin")
    transport.interrupt = interrupt
    with pytest.raises(type(interrupt)):
        big.download(root=tmp_path)
    assert _leftovers(tmp_path) == []  # no .part file, no partial target
    assert transport.closed == transport.opened  # the stream was closed at once
    transport.interrupt = None
    assert big.download(root=tmp_path).read_bytes() == BIG


def test_cancelled_async_download_closes_and_cleans_up(fresh: LocalServer, tmp_path: Path) -> None:
    _server_with_big_file(fresh)

    async def scenario() -> tuple[int, int, list[str]]:
        transport = Stalling(stall=True)
        async with AsyncApi(
            {"base_url": fresh.base_url}, api_key=fresh.api_key, retry=FAST_RETRY,
            transport=transport,
        ) as aapi:  # fmt: skip
            big = await (await aapi.run("demo/p/r1")).file("big.bin")
            task = asyncio.create_task(big.download(root=tmp_path))
            await asyncio.wait_for(transport.stalled.wait(), 120)
            assert any(p.suffix == ".part" for p in tmp_path.rglob("*"))  # mid-transfer
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return transport.opened, transport.closed, _leftovers(tmp_path)

    opened, closed, leftovers = asyncio.run(scenario())
    assert leftovers == []
    assert closed == opened


def test_exception_in_the_loop_body_leaves_nothing_open(fresh: LocalServer) -> None:
    for n in range(12):
        fresh.store.create_run("demo", "p", name=f"run{n:02d}")
    transport = Interrupting()
    api = Api(
        {"base_url": fresh.base_url}, api_key=fresh.api_key, retry=FAST_RETRY, transport=transport
    )

    def user_loop() -> None:
        for n, _run in enumerate(api.runs("demo/p", per_page=5)):
            if n == 6:
                raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        user_loop()
    # two pages, and the third, fetched ahead while the loop body ran
    assert transport.opened == 3 and transport.closed == 3

    async def scenario() -> tuple[int, int]:
        stalling = Stalling(stall=False)
        async with AsyncApi(
            {"base_url": fresh.base_url}, api_key=fresh.api_key, retry=FAST_RETRY,
            transport=stalling,
        ) as aapi:  # fmt: skip

            async def user_loop() -> None:
                async for n, _run in _enumerate(aapi.runs("demo/p", per_page=5)):
                    if n == 6:
                        raise ZeroDivisionError

            with pytest.raises(ZeroDivisionError):
                await user_loop()
            return stalling.opened, stalling.closed

    assert asyncio.run(scenario()) == (2, 2)


async def _enumerate(items: AsyncIterable[object]) -> AsyncIterator[tuple[int, object]]:
    n = 0
    async for item in items:
        yield n, item
        n += 1


def test_from_cursor_after_len(fresh: LocalServer) -> None:
    """len() keeps the first page for the next walk; a resumed copy must not reuse it."""
    for n in range(7):
        fresh.store.create_run("demo", "p", name=f"run{n}")
    runs = make_api(fresh).runs("demo/p", per_page=3, include_sweeps=False)
    assert len(runs) == 7
    first = next(iter(runs.pages()))
    rest = runs.from_cursor(first.end_cursor)
    assert len(rest) == 7  # the count is the collection's, wherever it starts
    assert [r.id for r in rest] == [f"run{n}" for n in range(3, 7)]
    assert [r.id for r in runs] == [f"run{n}" for n in range(7)]
