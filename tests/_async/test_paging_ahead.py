"""Adaptive page size and prefetch of the paginators: the items never depend on the
page sizes chosen, an explicit ``per_page`` is an upper bound, the next page is fetched
while the caller works on one, and closing an iteration leaves no request behind.

The adaptation is driven by a scripted clock (``ScriptedClock``), never by wall time;
prefetch is observed through a transport that holds one request (``AsyncGate``) and
the server's request log, never by sleeping."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest

from wandb_typed import AsyncApi, RetryPolicy
from wandb_typed._core.paging import FAST_PAGE_SECONDS, SLOW_PAGE_SECONDS, PageSizer
from wandb_typed.testing import LocalServer

from ..support import AsyncGate, ScriptedClock, make_async_api, seed_runs

pytestmark = pytest.mark.anyio

FAST, QUICK, SLOW = FAST_PAGE_SECONDS / 8, FAST_PAGE_SECONDS / 2, SLOW_PAGE_SECONDS * 2


def asked(server: LocalServer, operation: str = "RunPage") -> list[int]:
    """The page size of each request of a run listing the server saw."""
    return [int((r.variables or {})["perPage"]) for r in server.requests.graphql(operation)]


@pytest.mark.parametrize(
    ("durations", "after"),
    [([], FAST), ([], SLOW), ([QUICK, SLOW, FAST, QUICK, SLOW], FAST), ([SLOW, SLOW], QUICK)],
    ids=["all-fast", "all-slow", "mixed", "slow-then-quick"],
)
async def test_items_do_not_depend_on_page_sizes(
    fresh: LocalServer,
    fresh_api: AsyncApi,
    monkeypatch: pytest.MonkeyPatch,
    durations: list[float],
    after: float,
) -> None:
    names = seed_runs(fresh, 130)
    monkeypatch.setattr(PageSizer, "clock", ScriptedClock(durations, after))
    for order in ("+created_at", "-created_at"):
        fresh.requests.reset()
        default = [r.name async for r in fresh_api.runs("demo/p", order=order)]
        sizes = asked(fresh)
        assert default == (names if order == "+created_at" else names[::-1])
        explicit = [r.name async for r in fresh_api.runs("demo/p", order=order, per_page=7)]
        assert explicit == default
        assert len(set(sizes)) > 1  # the size did change along the walk
        assert max(sizes) <= 1000 and min(sizes) >= 1


async def test_default_call_grows_fast_pages_and_shrinks_slow_ones(
    fresh: LocalServer, fresh_api: AsyncApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_runs(fresh, 600)
    monkeypatch.setattr(PageSizer, "clock", ScriptedClock([FAST, QUICK], after=FAST))
    fresh.requests.reset()
    assert len([r async for r in fresh_api.runs("demo/p", light=True)]) == 600
    # 50 fast: x4; 200 quick: x2; then 400 (only 350 are left)
    assert asked(fresh, "LightRunPage") == [50, 200, 400]
    monkeypatch.setattr(PageSizer, "clock", ScriptedClock([], after=SLOW))
    fresh.requests.reset()
    assert len([r async for r in fresh_api.runs("demo/p", light=True)]) == 600
    assert asked(fresh, "LightRunPage")[:4] == [50, 25, 12, 6]


async def test_explicit_per_page_is_an_upper_bound(
    fresh: LocalServer, fresh_api: AsyncApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_runs(fresh, 40)
    monkeypatch.setattr(PageSizer, "clock", ScriptedClock([], after=FAST))
    fresh.requests.reset()
    assert len([r async for r in fresh_api.runs("demo/p", per_page=50)]) == 40
    assert len([r async for r in fresh_api.runs("demo/p", per_page=8)]) == 40
    assert asked(fresh) == [50, 8, 8, 8, 8, 8]  # fast pages never grow past per_page
    monkeypatch.setattr(PageSizer, "clock", ScriptedClock([SLOW], after=FAST))
    fresh.requests.reset()
    assert len([r async for r in fresh_api.runs("demo/p", per_page=8)]) == 40
    assert asked(fresh) == [8, 4, 8, 8, 8, 8]  # a slow page shrinks, then back up to 8


async def test_next_page_is_fetched_while_the_caller_works(fresh: LocalServer) -> None:
    names = seed_runs(fresh, 8)
    gate = AsyncGate("RunPage", hold=3)
    async with make_async_api(fresh, transport=gate) as api:
        runs = api.runs("demo/p", per_page=2).__aiter__()
        assert isinstance(runs, AsyncGenerator)
        assert (await anext(runs)).name == names[0]
        fresh.requests.assert_count("RunPage", 1)  # the first page alone: nothing ahead
        assert [(await anext(runs)).name for _ in range(2)] == names[1:3]
        # the caller holds the third run and asks nothing more: page 3 is on its way
        await gate.arrived.wait()
        gate.release()
        await gate.answered.wait()
        await runs.aclose()
        # page 3 reached the server, page 4 never did, nor does it after close
        fresh.requests.assert_count("RunPage", 3)
        _ = await api.viewer
        fresh.requests.assert_count("RunPage", 3)
        assert fresh.requests.operations()[-1] == "Viewer"
        assert gate.seen == 3


async def test_a_whole_walk_sends_one_request_per_page(fresh: LocalServer) -> None:
    names = seed_runs(fresh, 9)
    async with make_async_api(fresh) as api:
        fresh.requests.reset()
        pages = [p async for p in api.runs("demo/p", per_page=3).pages()]
        assert [r.name for p in pages for r in p.items] == names
        fresh.requests.assert_count("RunPage", 3)  # nothing fetched past the last page


async def test_prefetch_can_be_turned_off(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    names = seed_runs(fresh, 6)
    runs = fresh_api.runs("demo/p", per_page=2)
    runs.prefetch = False
    walk = runs.__aiter__()
    assert isinstance(walk, AsyncGenerator)
    fresh.requests.reset()
    assert [(await anext(walk)).name for _ in range(3)] == names[:3]
    await walk.aclose()
    fresh.requests.assert_count("RunPage", 2)


async def test_scan_history_fetches_the_next_window_ahead(fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="h")
    fresh.store.add_history_rows(int(row["id"]), [{"_step": s, "x": s} for s in range(9)])
    gate = AsyncGate("RunHistoryWindow", hold=0)  # holds nothing until told
    async with make_async_api(fresh, transport=gate) as api:
        run = await api.run("demo/p/h")
        scan = run.scan_history(page_size=3)
        assert [r["_step"] async for r in scan] == list(range(9))  # nothing lost or doubled
        assert gate.seen == 3  # windows of 3, 3, 3: no window past the end
        gate.hold = gate.seen + 3
        rows = scan.__aiter__()
        assert isinstance(rows, AsyncGenerator)
        assert [(await anext(rows))["_step"] for _ in range(4)] == [0, 1, 2, 3]
        await gate.arrived.wait()  # the third window is asked for before the caller does
        gate.release()
        await gate.answered.wait()
        await rows.aclose()
        before = len(fresh.requests.graphql("RunHistoryWindow"))
        _ = await api.viewer
        assert len(fresh.requests.graphql("RunHistoryWindow")) == before
        assert gate.seen == 6  # the three windows of that walk (test_history_ahead.py
        # has the walks with several windows ahead)
        assert [r["_step"] for r in await scan.take(4)] == [0, 1, 2, 3]
        assert gate.seen == 8  # take() fetches only the windows it needs


async def test_no_retry_is_sent_after_the_walk_is_closed(fresh: LocalServer) -> None:
    """The page fetched ahead got a 429 and waits five minutes to retry: closing the
    walk abandons it, and the retry is never sent."""
    seed_runs(fresh, 8)
    fresh.faults.retry_after = 300
    gate = AsyncGate("RunPage", hold=3)
    policy = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.01, max_retry_after=300)
    async with make_async_api(fresh, transport=gate, retry=policy) as api:
        runs = api.runs("demo/p", per_page=2).__aiter__()
        assert isinstance(runs, AsyncGenerator)
        for _ in range(3):
            await anext(runs)
        await gate.arrived.wait()  # page 3, fetched ahead
        fresh.faults.fail_next("429", target="RunPage")
        gate.release()
        await gate.answered.wait()  # the server said 429, retry in 300 s
        await runs.aclose()
        _ = await api.viewer
        fresh.requests.assert_count("RunPage", 3)
        assert fresh.faults.injected["429"] == 1


# unasync: begin async-only


async def test_aclose_cancels_the_page_in_flight(fresh: LocalServer) -> None:
    """The page ahead is cancelled before it reaches the server (async only: the sync
    client's thread cannot interrupt a blocking request, it lets it finish)."""
    seed_runs(fresh, 8)
    gate = AsyncGate("RunPage", hold=3)
    async with make_async_api(fresh, transport=gate) as api:
        runs = api.runs("demo/p", per_page=2).__aiter__()
        assert isinstance(runs, AsyncGenerator)
        for _ in range(3):
            await anext(runs)
        await gate.arrived.wait()  # page 3 is held in the transport, not yet sent
        await runs.aclose()
        gate.release()
        _ = await api.viewer
        fresh.requests.assert_count("RunPage", 2)
        assert not gate.answered.is_set()


# unasync: end async-only
