"""Fixtures of the behaviour tests: clients on the shared demo server and on a fresh
one, closed when the test ends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from wandb_typed import AsyncApi
from wandb_typed.testing import LocalServer

from ..support import make_async_api

# unasync: begin async-only


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """anyio's pytest plugin runs the tests (and fixtures) of this tree on asyncio."""
    return "asyncio"


# unasync: end async-only


@pytest.fixture
async def api(demo_server: LocalServer) -> AsyncIterator[AsyncApi]:
    """A client on the shared demo server (read only: do not change its data)."""
    async with make_async_api(demo_server) as client:
        yield client


@pytest.fixture
async def fresh_api(fresh: LocalServer) -> AsyncIterator[AsyncApi]:
    """A client on this test's own empty server (``fresh``)."""
    async with make_async_api(fresh) as client:
        yield client
