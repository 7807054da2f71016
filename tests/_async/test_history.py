"""History: sampled rows, full scans (complete, ordered, resumable), histories of many runs."""

from __future__ import annotations

import math
import sys

import pandas as pd
import pytest

from wandb_typed import AsyncApi, AsyncRun, HistoryRow, InputError, MissingDependencyError
from wandb_typed.testing import DemoInfo, LocalServer

pytestmark = pytest.mark.anyio


@pytest.fixture
async def long_run(api: AsyncApi, demo: DemoInfo) -> AsyncRun:
    return await api.run(f"demo/{demo.long_history_project}/{demo.long_history_run}")


def steps(rows: list[HistoryRow]) -> list[int]:
    out = []
    for row in rows:
        step = row["_step"]
        assert isinstance(step, int)
        out.append(step)
    return out


async def test_sampled_history(long_run: AsyncRun, demo: DemoInfo) -> None:
    rows = await long_run.history(samples=7, pandas=False)
    assert 0 < len(rows) <= 7
    assert steps(rows) == sorted(steps(rows))
    assert steps(rows)[0] == 0 and steps(rows)[-1] == demo.long_history_steps - 1
    assert {"_step", "loss"} <= set(rows[0])
    frame = await long_run.history(samples=7)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["_step"]) == steps(rows)


async def test_sampled_history_of_some_keys(long_run: AsyncRun) -> None:
    rows = await long_run.history(samples=5, keys=["loss"], pandas=False)
    assert rows and all(set(r) == {"_step", "loss"} for r in rows)
    by_epoch = await long_run.history(samples=5, keys=["loss"], x_axis="_runtime", pandas=False)
    assert all(set(r) == {"_runtime", "loss"} for r in by_epoch)


async def test_system_stream(api: AsyncApi) -> None:
    (run,) = await api.runs("demo/mnist", per_page=1).take(1)
    rows = await run.history(stream="system", pandas=False)
    assert rows and all(any(k.startswith("system.") for k in r) for r in rows)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"keys": "loss"}, "keys must be a list of strings"),
        ({"keys": [""]}, "non-empty strings"),
        ({"samples": 0}, "samples must be >= 1"),
        ({"samples": "10"}, "samples must be an int"),
        ({"stream": "gpu"}, "stream must be"),
        ({"keys": ["loss"], "stream": "system"}, "cannot be combined"),
        ({"x_axis": ""}, "x_axis"),
    ],
)
async def test_history_bad_input(
    demo_server: LocalServer, long_run: AsyncRun, kwargs: dict[str, object], message: str
) -> None:
    demo_server.requests.clear()
    with pytest.raises(InputError, match=message):
        await long_run.history(pandas=False, **kwargs)  # type: ignore[call-overload]
    assert demo_server.requests == []


async def test_scan_is_complete_ordered_and_paged(
    demo_server: LocalServer, long_run: AsyncRun, demo: DemoInfo
) -> None:
    demo_server.requests.clear()
    scan = long_run.scan_history(page_size=700)
    assert demo_server.requests == []  # lazy
    rows = [row async for row in scan]
    assert steps(rows) == list(range(demo.long_history_steps))
    ops = sorted(str(r.operation_name) for r in demo_server.requests)  # sent together
    assert ops == ["RunHistoryKeys"] + ["RunHistoryWindow"] * math.ceil(
        demo.long_history_steps / 700
    )
    assert steps([row async for row in scan]) == steps(rows)  # re-iterable, fresh each time


async def test_scan_with_keys_matches_the_full_scan(long_run: AsyncRun) -> None:
    full = [row async for row in long_run.scan_history(page_size=333)]
    with_keys = [row async for row in long_run.scan_history(keys=["loss", "acc"], page_size=333)]
    expected = [
        {k: r[k] for k in ("_step", "loss", "acc")} for r in full if "loss" in r and "acc" in r
    ]
    assert with_keys == expected


async def test_scan_window_and_resume(long_run: AsyncRun) -> None:
    window = [row async for row in long_run.scan_history(min_step=100, max_step=250, page_size=40)]
    assert steps(window) == list(range(100, 250))
    scan = long_run.scan_history(page_size=1000)
    first = await anext(scan.pages())
    resumed = [row async for row in scan.from_cursor(first.end_cursor)]
    assert steps(list(first.items)) + steps(resumed) == steps([row async for row in scan])
    start = steps(list(first.items))[-1] + 1
    again = [row async for row in long_run.scan_history(min_step=start)]
    assert again == resumed


async def test_scan_of_sparse_and_empty_histories(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    run_row = fresh.store.create_run("demo", "p", name="sparse")
    fresh.store.add_history_rows(
        int(run_row["id"]), [{"_step": s, "x": s * 2} for s in (0, 5000, 12000)]
    )
    fresh.store.create_run("demo", "p", name="nohist")
    sparse = await fresh_api.run("demo/p/sparse")
    assert [row async for row in sparse.scan_history(page_size=1000)] == [
        {"_step": 0, "x": 0}, {"_step": 5000, "x": 10000}, {"_step": 12000, "x": 24000},
    ]  # fmt: skip
    nohist = await fresh_api.run("demo/p/nohist")
    assert [row async for row in nohist.scan_history()] == []
    empty_range = sparse.scan_history(min_step=5, max_step=5)
    assert [row async for row in empty_range] == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size must be between 1 and 10000"),
        ({"min_step": -1}, "min_step must be between 0 and"),
        ({"min_step": 5, "max_step": 4}, "must not be less than min_step"),
        ({"keys": "loss"}, "list of strings"),
    ],
)
async def test_scan_bad_input(long_run: AsyncRun, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        long_run.scan_history(**kwargs)  # type: ignore[arg-type]


async def test_histories_of_a_collection(api: AsyncApi, demo: DemoInfo) -> None:
    runs = api.runs(f"demo/{demo.long_history_project}")
    rows = await runs.histories(samples=3, keys=["loss"])
    ids = {r.id async for r in runs}
    assert len(ids) == demo.run_counts[demo.long_history_project] > 1
    assert {row["run_id"] for row in rows} == ids
    assert all(set(row) == {"_step", "loss", "run_id"} for row in rows)
    frame = await runs.histories(samples=3, keys=["loss"], format="pandas")
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == len(rows)
    with pytest.raises(InputError, match="format must be"):
        await runs.histories(format="arrow")  # type: ignore[call-overload]


async def test_histories_of_more_runs_than_run_at_once(
    fresh: LocalServer, fresh_api: AsyncApi
) -> None:
    """``histories`` fetches several runs at once: the rows still come run by run in
    the listing's order, each run's rows exactly what its own ``history`` returns."""
    from wandb_typed._async.history import HISTORIES_AT_ONCE

    names = [f"r{i:02d}" for i in range(HISTORIES_AT_ONCE * 2 + 3)]
    for i, name in enumerate(names):
        row = fresh.store.create_run("demo", "many", name=name)
        fresh.store.add_history_rows(
            int(row["id"]), [{"_step": s, "loss": i + s / 10} for s in range(4 + i % 3)]
        )
    runs = fresh_api.runs("demo/many", order="+created_at", per_page=5)
    listed = [run async for run in runs]
    rows = await runs.histories(samples=10, keys=["loss"])
    expected: list[HistoryRow] = []
    for run in listed:
        for one in await run.history(samples=10, keys=["loss"], pandas=False):
            expected.append({**one, "run_id": run.id})
    assert rows == expected
    assert rows[0]["run_id"] == listed[0].id
    assert {r["run_id"] for r in rows} == set(names)


async def test_pandas_frames_without_pandas_are_a_missing_dependency(
    api: AsyncApi, long_run: AsyncRun, demo_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pandas, a DataFrame is never silently a list: history(pandas=True) and
    histories(format="pandas") raise MissingDependencyError naming the extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    demo_server.requests.clear()
    with pytest.raises(MissingDependencyError, match=r"wandb-typed\[pandas\]"):
        await long_run.history(samples=10)
    runs = api.runs("demo/mnist", per_page=2)
    with pytest.raises(MissingDependencyError, match=r"wandb-typed\[pandas\]"):
        await runs.histories(samples=2, format="pandas")
    assert demo_server.requests == []  # both failed before any request
    assert isinstance(await long_run.history(samples=10, pandas=False), list)
