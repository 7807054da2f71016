"""Shared fixtures: real servers over HTTP, and clients pointed at them.

``demo_server`` is one seeded :class:`LocalServer` per test process, for tests
that only read. Tests that write, inject faults or count requests take ``fresh``
(an empty server of their own) or write into a project of their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from wandb_typed import Api
from wandb_typed.testing import DemoInfo, LocalServer

from .support import make_api

# Property tests check correctness, not speed: on a busy 2-core machine, example
# generation can be slow, so the timing health check and deadline are off, and the
# examples are derived from the test (the same ones on every run, no flaky reds).
settings.register_profile(
    "wandb-typed", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("wandb-typed")


@pytest.fixture(scope="session")
def _seeded() -> Iterator[tuple[LocalServer, DemoInfo]]:
    with LocalServer() as server:
        yield server, server.seed_demo()


@pytest.fixture(scope="session")
def demo_server(_seeded: tuple[LocalServer, DemoInfo]) -> LocalServer:
    """The seeded server shared by read-only tests (do not change its demo data)."""
    return _seeded[0]


@pytest.fixture(scope="session")
def demo(_seeded: tuple[LocalServer, DemoInfo]) -> DemoInfo:
    """What ``seed_demo()`` loaded (entity, projects, sweep id, report name, ...)."""
    return _seeded[1]


@pytest.fixture
def fresh() -> Iterator[LocalServer]:
    """An empty server of this test's own (user and entity ``demo``)."""
    with LocalServer() as server:
        yield server


@pytest.fixture
def api(demo_server: LocalServer) -> Iterator[Api]:
    with make_api(demo_server) as client:
        yield client
