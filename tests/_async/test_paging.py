"""The lazy collection: page edges, cursor guard, de-duplication, changes while paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wandb_typed import AsyncApi, PaginationError
from wandb_typed.testing import LocalServer

from ..support import AsyncRewrite, seed_runs

pytestmark = pytest.mark.anyio


def page_ops(server: LocalServer) -> int:
    return sum(1 for r in server.requests if r.operation_name == "RunPage")


@pytest.mark.parametrize(
    ("count", "per_page"), [(0, 10), (1, 10), (10, 10), (11, 10), (25, 10), (7, 1)]
)
async def test_page_edges(
    fresh: LocalServer, fresh_api: AsyncApi, count: int, per_page: int
) -> None:
    names = seed_runs(fresh, count)
    runs = fresh_api.runs("demo/p", per_page=per_page, include_sweeps=False)
    fresh.requests.clear()
    pages = [page async for page in runs.pages()]
    assert [r.id for page in pages for r in page.items] == names
    assert not pages[-1].has_next_page
    assert all(p.has_next_page for p in pages[:-1])
    assert len(pages) in (max(1, -(-count // per_page)), -(-count // per_page) + 1)
    assert page_ops(fresh) == len(pages)
    assert await runs.count() == count


async def test_take_and_first_page(fresh: LocalServer, fresh_api: AsyncApi) -> None:
    names = seed_runs(fresh, 12)
    runs = fresh_api.runs("demo/p", per_page=5, include_sweeps=False)
    fresh.requests.clear()
    assert [r.id for r in await runs.take(7)] == names[:7]
    assert page_ops(fresh) == 2
    assert [r.id for r in (await runs.first_page()).items] == names[:5]
    assert await runs.take(0) == []


async def test_inserts_and_deletes_while_paging_never_duplicate(
    fresh: LocalServer, fresh_api: AsyncApi
) -> None:
    names = seed_runs(fresh, 20)
    seen: list[str] = []
    async for run in fresh_api.runs("demo/p", per_page=5, include_sweeps=False):
        seen.append(run.id)
        if len(seen) == 7:  # mid-walk: add older and newer runs, delete one not yet seen
            fresh.store.create_run("demo", "p", name="older", created_at="2023-01-01T00:00:00")
            fresh.store.create_run("demo", "p", name="newer", created_at="2025-01-01T00:00:00")
            victim = fresh.store.run(int(fresh.store.project("demo", "p")["id"]), names[15])  # type: ignore[index]
            assert victim is not None
            fresh.store.delete_run(int(victim["id"]))
    assert len(seen) == len(set(seen))
    assert [n for n in names if n != names[15]] == [s for s in seen if s in names]
    assert "older" not in seen  # sorted before the cursor: not revisited


def _runs_via(
    server: LocalServer, edit: Callable[[dict[str, Any], dict[str, Any]], None]
) -> AsyncApi:
    return AsyncApi(
        {"base_url": server.base_url}, api_key=server.api_key, transport=AsyncRewrite(edit)
    )


async def test_a_cursor_that_does_not_advance_is_an_error(fresh: LocalServer) -> None:
    seed_runs(fresh, 12)

    def stuck(variables: dict[str, Any], data: dict[str, Any]) -> None:
        if variables.get("cursor"):
            conn = data["data"]["project"]["runs"]
            for edge in conn["edges"]:
                edge["cursor"] = variables["cursor"]
            conn["pageInfo"]["endCursor"] = variables["cursor"]
            conn["pageInfo"]["hasNextPage"] = True

    async with _runs_via(fresh, stuck) as api:
        runs = api.runs("demo/p", per_page=5, include_sweeps=False)
        with pytest.raises(PaginationError, match="cursor did not advance"):
            [r async for r in runs]


async def test_items_repeated_across_pages_are_yielded_once(fresh: LocalServer) -> None:
    names = seed_runs(fresh, 12)
    previous: list[dict[str, Any]] = []

    def overlap(variables: dict[str, Any], data: dict[str, Any]) -> None:
        edges = data["data"]["project"]["runs"]["edges"]
        if previous:
            edges.insert(0, previous[-1])  # an offset cursor shifted by an insert
        previous[:] = list(edges)

    async with _runs_via(fresh, overlap) as api:
        runs = api.runs("demo/p", per_page=5, include_sweeps=False)
        assert [r.id async for r in runs] == names


async def test_many_empty_pages_stop_a_walk_but_not_a_history_scan(
    fresh: LocalServer, fresh_api: AsyncApi
) -> None:
    seed_runs(fresh, 3)

    def empty_forever(variables: dict[str, Any], data: dict[str, Any]) -> None:
        """Every page empty, each with a new cursor (the server rejects the made-up ones)."""
        data.pop("errors", None)
        cursor = f"{variables.get('cursor') or ''}x"
        page = {"edges": [], "pageInfo": {"endCursor": cursor, "hasNextPage": True}}
        data["data"] = {"project": {"runCount": 3, "runs": page}}

    async with _runs_via(fresh, empty_forever) as api:
        runs = api.runs("demo/p", per_page=5, include_sweeps=False)
        with pytest.raises(PaginationError, match="5 pages in a row brought no new item"):
            [r async for r in runs]
    row = fresh.store.create_run("demo", "p", name="sparse")
    fresh.store.add_history_rows(int(row["id"]), [{"_step": 0, "x": 1}, {"_step": 200_000, "x": 2}])
    scan = (await fresh_api.run("demo/p/sparse")).scan_history(page_size=1000)
    assert [r["x"] async for r in scan] == [1, 2]  # 200 empty windows in between
