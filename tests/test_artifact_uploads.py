"""What only the async mode has for saving drafts: a save cancelled mid-upload leaves
the version pending (nothing lists it) and saving again finishes it; uploads run at
most ``max_workers`` at a time. Blocks on events, never on time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wandb_typed import AsyncApi, AsyncArtifactDraft
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY

UPLOAD_ROUTE = "/artifact-uploads/"
#: Bounds a wait for an event the test itself causes (only a broken test waits this long).
GATE_LIMIT = 60


class Gate(httpx.AsyncBaseTransport):
    """Holds every artifact upload until released; counts what is in flight."""

    def __init__(self, *, hold: bool) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.hold = hold
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.in_flight = self.max_in_flight = self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.startswith(UPLOAD_ROUTE):
            return await self.inner.handle_async_request(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.reached.set()
            if self.hold:
                await self.release.wait()
            self.sent += 1
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def draft_of(tmp_path: Path, count: int) -> AsyncArtifactDraft:
    for i in range(count):
        (tmp_path / f"f{i}.txt").write_text(f"contents {i}\n")
    draft = AsyncArtifactDraft("corpus", "dataset")
    draft.add_dir(tmp_path)
    return draft


def test_a_cancelled_save_stays_pending_and_a_retry_finishes_it(
    server: LocalServer, tmp_path: Path
) -> None:
    draft = draft_of(tmp_path, 8)

    async def scenario() -> None:
        gate = Gate(hold=True)
        async with AsyncApi({"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY, transport=gate) as api:  # fmt: skip
            task = asyncio.create_task(draft.save("p", api=api, max_workers=2))
            await asyncio.wait_for(gate.reached.wait(), GATE_LIMIT)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert gate.sent == 0
            rows = server.store.artifacts._all("SELECT state, version_index FROM artifacts", ())
            assert [r["state"] for r in rows] == ["PENDING"]
            collection = await api.artifact_collection("dataset", "demo/p/corpus")
            assert [a async for a in collection.artifacts()] == []
        async with AsyncApi({"base_url": server.base_url}, api_key=server.api_key) as api:
            saved = await draft.save("p", api=api)
            assert saved.version == "v0"
            assert sorted([f.name async for f in saved.files()]) == [f"f{i}.txt" for i in range(8)]

    asyncio.run(scenario())
    rows = server.store.artifacts._all("SELECT state FROM artifacts", ())
    assert [r["state"] for r in rows] == ["COMMITTED"]  # the same version, finished


def test_uploads_run_at_most_max_workers_at_once(server: LocalServer, tmp_path: Path) -> None:
    draft = draft_of(tmp_path, 12)

    async def scenario() -> Gate:
        gate = Gate(hold=False)
        async with AsyncApi({"base_url": server.base_url}, api_key=server.api_key, transport=gate) as api:  # fmt: skip
            await draft.save("p", api=api, max_workers=3)
        return gate

    gate = asyncio.run(scenario())
    assert gate.sent == 12
    assert 1 <= gate.max_in_flight <= 3
