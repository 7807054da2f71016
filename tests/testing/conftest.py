"""Fixtures for the local-server tests: servers, a raw GraphQL helper, and our artifact
operations on the shared demo server (``ops``) and on a fresh one (``wops``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wandb_typed.testing import DemoInfo, LocalServer

from .artifact_helpers import Ops, small_demo
from .helpers import Gql


@pytest.fixture(scope="session")
def demo() -> Iterator[tuple[LocalServer, DemoInfo]]:
    """One seeded server shared by read-only tests (do not mutate its data)."""
    with LocalServer() as server:
        yield (
            server,
            server.seed_demo(mnist_runs=40, long_history_steps=5000),
        )  # sizes these tests assume


@pytest.fixture(scope="session")
def demo_gql(demo: tuple[LocalServer, DemoInfo]) -> Iterator[Gql]:
    client = Gql(demo[0])
    yield client
    client.close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A fresh, empty server (user ``demo``) for tests that write."""
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def gql(server: LocalServer) -> Iterator[Gql]:
    client = Gql(server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def ops(demo_gql: Gql) -> Ops:
    """Our operations on the shared demo server (read-only)."""
    return Ops(demo_gql)


@pytest.fixture
def wops(server: LocalServer, gql: Gql) -> Ops:
    """Our operations on a fresh server with the (small) demo data, for writes."""
    small_demo(server)
    return Ops(gql)
