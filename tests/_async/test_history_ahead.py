"""``scan_history`` with several windows in flight: rows stay in step order, none is
lost or doubled, at most ``SCAN_WINDOWS_AHEAD`` windows run ahead of the caller, and
closing the walk (``break``, an error, ``aclose()``) leaves no request behind.

In-flight windows are observed through a transport that holds requests until told
(``AsyncHoldFrom``) and the server's request log, never by sleeping."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest

from wandb_typed import RetryPolicy, ServerError
from wandb_typed._core.history import SCAN_WINDOWS_AHEAD
from wandb_typed.testing import LocalServer

from ..support import AsyncHoldFrom, make_async_api

pytestmark = pytest.mark.anyio

PAGE = 3
#: Enough windows that the bound on those ahead matters.
DENSE_ROWS = PAGE * (SCAN_WINDOWS_AHEAD + 6) + 1


def history_run(server: LocalServer, steps: list[int], name: str = "h") -> None:
    row = server.store.create_run("demo", "p", name=name)
    server.store.add_history_rows(int(row["id"]), [{"_step": s, "x": s * 2} for s in steps])


def windows(server: LocalServer) -> int:
    return len(server.requests.graphql("RunHistoryWindow"))


async def test_rows_stay_in_order_with_windows_ahead(fresh: LocalServer) -> None:
    history_run(fresh, list(range(DENSE_ROWS)))
    async with make_async_api(fresh) as api:
        run = await api.run("demo/p/h")
        fresh.requests.reset()
        rows = [r async for r in run.scan_history(page_size=PAGE)]
        assert [r["_step"] for r in rows] == list(range(DENSE_ROWS))
        assert [r["x"] for r in rows] == [s * 2 for s in range(DENSE_ROWS)]
        # one request per window, none repeated, none past the last step
        assert windows(fresh) == -(-DENSE_ROWS // PAGE)
        pages = [p async for p in run.scan_history(page_size=PAGE).pages()]
        assert [len(p.items) for p in pages] == [PAGE] * (DENSE_ROWS // PAGE) + [1]
        assert [p.end_cursor for p in pages] == [
            str(min((i + 1) * PAGE, DENSE_ROWS)) for i in range(len(pages))
        ]


@pytest.mark.parametrize(
    "steps",
    [
        [0, 1, 2, 40, 41, 42, 43, 44, 45, 46, 47, 900, 5000, *range(5001, 5030), 10**9],
        [*range(0, 60, 7), *range(60, 90), 1000, *range(2000, 2010)],
    ],
    ids=["gaps", "sparse-then-dense"],
)
async def test_sparse_history_scans_as_without_prefetch(
    fresh: LocalServer, steps: list[int]
) -> None:
    history_run(fresh, steps)
    async with make_async_api(fresh) as api:
        run = await api.run("demo/p/h")
        scan = run.scan_history(page_size=PAGE)
        fresh.requests.reset()
        ahead = [r["_step"] async for r in scan]
        with_ahead = windows(fresh)
        scan.prefetch = False
        fresh.requests.reset()
        one_by_one = [r["_step"] async for r in scan]
        assert ahead == one_by_one == steps
        # windows ahead are fetched many at a time only while the history is dense: a
        # dense stretch followed by a gap costs at most SCAN_WINDOWS_AHEAD narrow windows
        # more, and a window that comes back full and must be asked again narrower
        # costs the one after it (as with one window ahead); the plan still widens
        # across gaps, so the scan does not fall back to page_size-wide windows
        assert with_ahead < 2 * windows(fresh)


async def test_windows_ahead_are_bounded_and_none_is_sent_after_close(
    fresh: LocalServer,
) -> None:
    history_run(fresh, list(range(DENSE_ROWS)))
    gate = AsyncHoldFrom("RunHistoryWindow", start=3, expect=SCAN_WINDOWS_AHEAD)
    async with make_async_api(fresh, transport=gate) as api:
        run = await api.run("demo/p/h")
        fresh.requests.reset()
        rows = run.scan_history(page_size=PAGE).__aiter__()
        assert isinstance(rows, AsyncGenerator)
        assert [(await anext(rows))["_step"] for _ in range(PAGE + 1)] == list(range(PAGE + 1))
        # the caller is on window 2: windows 3.. are fetched ahead, held in the transport
        await gate.all_held.wait()
        assert gate.seen == 2 + SCAN_WINDOWS_AHEAD  # bounded: no window further ahead
        gate.release()
        await gate.all_answered.wait()
        await rows.aclose()
        assert windows(fresh) == 2 + SCAN_WINDOWS_AHEAD
        _ = await api.viewer  # a later request: the walk sent nothing more meanwhile
        assert windows(fresh) == 2 + SCAN_WINDOWS_AHEAD
        assert gate.seen == 2 + SCAN_WINDOWS_AHEAD


async def test_an_error_in_a_window_ahead_ends_the_walk_in_order(fresh: LocalServer) -> None:
    """Whichever window ahead fails, the caller gets every row before it, in order,
    then the typed error; the other windows are stopped and nothing is sent after."""
    history_run(fresh, list(range(DENSE_ROWS)))
    counter = AsyncHoldFrom("RunHistoryWindow", start=DENSE_ROWS, expect=DENSE_ROWS)  # holds none
    async with make_async_api(fresh, retry=RetryPolicy.none(), transport=counter) as api:
        run = await api.run("demo/p/h")
        scan = run.scan_history(page_size=PAGE)
        seen: list[int] = []

        async def walk() -> None:
            async for row in scan:
                seen.append(int(str(row["_step"])))
                if len(seen) == PAGE + 1:  # windows ahead start once window 2 is in
                    fresh.faults.fail_next("500", target="RunHistoryWindow")

        with pytest.raises(ServerError):
            await walk()
        assert seen == list(range(len(seen)))
        assert len(seen) % PAGE == 0 and len(seen) >= 2 * PAGE
        sent = counter.seen  # requests the client made (a cancelled one may still be on
        # its way to the server, so the server's log is not the measure here)
        # the windows delivered, then the failed one and those behind it: at most
        # SCAN_WINDOWS_AHEAD were in flight when it was taken
        assert sent <= len(seen) // PAGE + SCAN_WINDOWS_AHEAD
        _ = await api.viewer
        assert counter.seen == sent


async def test_first_window_is_asked_with_the_last_step_and_ends_there(
    fresh: LocalServer,
) -> None:
    """The first window goes out with the run's last step (one round trip sooner);
    rows the run logged past that step (it is still running) are not part of the scan."""
    history_run(fresh, list(range(8)))
    async with make_async_api(fresh) as api:
        run = await api.run("demo/p/h")  # it says: steps 0..7, dense
        with fresh.store.transaction() as db:  # the scan will read a last step of 4 (as
            # if steps 5..7 came after): the windows asked for up to step 7 are cut there
            db.execute(
                "UPDATE runs SET history_keys = ? WHERE name = ?", ('{"keys":{},"lastStep":4}', "h")
            )
        for prefetch in (True, False):
            scan = run.scan_history(page_size=PAGE * 4)
            scan.prefetch = prefetch
            fresh.requests.reset()
            assert [r["_step"] async for r in scan] == [0, 1, 2, 3, 4]
            assert sorted(str(r.operation_name) for r in fresh.requests) == [
                "RunHistoryKeys",
                "RunHistoryWindow",
            ]


async def test_take_fetches_no_window_ahead(fresh: LocalServer) -> None:
    history_run(fresh, list(range(DENSE_ROWS)))
    async with make_async_api(fresh) as api:
        run = await api.run("demo/p/h")
        fresh.requests.reset()
        taken = await run.scan_history(page_size=PAGE).take(3 * PAGE)
        assert [r["_step"] for r in taken] == list(range(3 * PAGE))
        assert windows(fresh) == 3


# unasync: begin async-only


async def test_aclose_cancels_windows_ahead_before_they_are_sent(fresh: LocalServer) -> None:
    """Windows ahead still held before the server are cancelled by ``aclose()`` and
    never reach it (async only: a sync thread cannot interrupt its blocking request)."""
    history_run(fresh, list(range(DENSE_ROWS)))
    gate = AsyncHoldFrom("RunHistoryWindow", start=3, expect=SCAN_WINDOWS_AHEAD)
    async with make_async_api(fresh, transport=gate) as api:
        run = await api.run("demo/p/h")
        fresh.requests.reset()
        rows = run.scan_history(page_size=PAGE).__aiter__()
        assert isinstance(rows, AsyncGenerator)
        for _ in range(PAGE + 1):
            await anext(rows)
        await gate.all_held.wait()
        await rows.aclose()
        gate.release()
        _ = await api.viewer
        assert windows(fresh) == 2
        assert gate.answers == 0


async def test_a_dense_run_opens_with_windows_up_to_its_known_last_step(
    fresh: LocalServer,
) -> None:
    """The run object says its history is dense: the scan's first windows go out with
    its last step, as many as SCAN_WINDOWS_AHEAD (held here until all have arrived;
    async only: the sync caller's thread would be blocked in ``next()`` meanwhile)."""
    history_run(fresh, list(range(DENSE_ROWS)))
    gate = AsyncHoldFrom("RunHistoryWindow", start=1, expect=SCAN_WINDOWS_AHEAD)
    async with make_async_api(fresh, transport=gate) as api:
        run = await api.run("demo/p/h")
        assert run.history_line_count == DENSE_ROWS and run.last_step == DENSE_ROWS - 1
        fresh.requests.reset()
        rows = run.scan_history(page_size=PAGE).__aiter__()
        import asyncio

        first = asyncio.ensure_future(anext(rows))
        await gate.all_held.wait()  # before the caller has a row: 8 windows asked for
        assert gate.seen == SCAN_WINDOWS_AHEAD
        gate.release()
        assert (await first)["_step"] == 0
        assert [r["_step"] async for r in rows] == list(range(1, DENSE_ROWS))
        assert windows(fresh) == -(-DENSE_ROWS // PAGE)


# unasync: end async-only
