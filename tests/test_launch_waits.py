"""What only the async mode has: a waiting method (``wait_until_running``) sleeps
without blocking the event loop, and cancelling its task stops it at once."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from wandb_typed.testing import LocalServer
from wandb_typed.testing._resolvers import gid

from ._async.test_launch import seed_pending_item
from .support import make_api, make_async_api


class SignalChecks(httpx.AsyncBaseTransport):
    """Counts the client's checks of a queue item and sets ``checked`` after the
    first one that follows the initial fetch."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.checks = 0
        self.checked = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = json.loads(request.content) if request.content else {}
        if body.get("operationName") == "RunQueueItemById":
            self.checks += 1
            if self.checks == 2:
                self.checked.set()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_async_wait_is_cancellable_and_leaves_the_loop_free(fresh: LocalServer) -> None:
    pk = seed_pending_item(fresh)

    async def main() -> None:
        transport = SignalChecks()
        async with make_async_api(fresh, transport=transport) as api:
            item = await api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
            task = asyncio.create_task(item.wait_until_running(poll_interval=3600))
            await transport.checked.wait()  # it checked once: now it sleeps an hour
            queue = await api.run_queue("demo", "q")  # meanwhile the loop serves others
            assert queue.name == "q"
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert task.cancelled()
            assert transport.checks == 2  # no check after the cancellation

    asyncio.run(main())


class InterruptOnCheck(httpx.BaseTransport):
    """Raises ``KeyboardInterrupt`` (Ctrl-C) at the client's second check of an item."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.checks = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        if body.get("operationName") == "RunQueueItemById":
            self.checks += 1
            if self.checks == 3:
                raise KeyboardInterrupt
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_sync_wait_stops_at_ctrl_c(fresh: LocalServer) -> None:
    """Nothing in the blocking wait swallows ``KeyboardInterrupt``."""
    pk = seed_pending_item(fresh)
    transport = InterruptOnCheck()
    with make_api(fresh, transport=transport) as api:
        item = api.queued_run("demo", "p", "q", gid("RunQueueItem", pk))
        with pytest.raises(KeyboardInterrupt):
            item.wait_until_running(poll_interval=0)
        assert transport.checks == 3
