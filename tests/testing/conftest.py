"""Fixtures for the local-server tests: servers and a raw GraphQL helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wandb_typed.testing import DemoInfo, LocalServer

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
