"""The async path (``wandb_typed.AsyncApi``) returns what the official client returns.

Each test runs one ``asyncio.run`` with its own ``AsyncApi`` on the shared server.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

import wandb_typed

from . import _norm as n
from .conftest import ENTITY, PARITY, TEAM, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]

T = TypeVar("T")


def run_async(world: World, body: Callable[[wandb_typed.AsyncApi], Awaitable[T]]) -> T:
    async def main() -> T:
        async with wandb_typed.AsyncApi(
            overrides={"base_url": world.server.base_url}, api_key=world.server.api_key
        ) as aapi:
            return await body(aapi)

    return asyncio.run(main())


def test_async_viewer_and_projects(world: World) -> None:
    async def body(aapi: wandb_typed.AsyncApi) -> tuple[Any, ...]:
        viewer = await aapi.viewer
        entity = await aapi.default_entity
        projects = [n.our_project(p) async for p in aapi.projects(TEAM, per_page=4)]
        project = n.our_project(await aapi.project("mnist", entity=ENTITY))
        return n.our_user(viewer), entity, projects, project

    viewer, entity, projects, project = run_async(world, body)
    official = world.fresh_official()
    assert viewer == n.official_user(official.viewer)
    assert entity == official.default_entity
    assert projects == [n.official_project(p) for p in official.projects(TEAM, per_page=4)]
    assert project == n.official_project(official.project("mnist", entity=ENTITY))


@pytest.mark.parametrize(
    ("filters", "order"),
    [
        (None, "+created_at"),
        ({"config.optimizer": {"$regex": "^ada"}}, "-config.lr"),
        ({"$or": [{"state": "crashed"}, {"summary_metrics.acc": {"$gt": 0.95}}]}, "-created_at"),
    ],
)
def test_async_runs(world: World, filters: dict[str, Any] | None, order: str) -> None:
    path = f"{ENTITY}/mnist"

    async def body(aapi: wandb_typed.AsyncApi) -> tuple[list[Any], list[Any], int]:
        runs = aapi.runs(path, filters, order, per_page=7)
        listed = [(n.our_run(r), n.our_run_data(r)) async for r in runs]
        first = await aapi.run(listed[0][0]["path"])
        return listed, [n.our_run(first), n.our_run_data(first)], await runs.count()

    listed, first, count = run_async(world, body)
    official = world.fresh_official().runs(path, filters=filters, order=order, per_page=7)
    expected = [(n.official_run(r), n.official_run_data(r)) for r in official]
    assert listed == expected
    assert count == len(official) == len(expected)
    assert first == list(expected[0])


def test_async_history_and_scan(world: World) -> None:
    path = f"{ENTITY}/{PARITY}/{world.history_run}"

    async def body(aapi: wandb_typed.AsyncApi) -> dict[str, Any]:
        run = await aapi.run(path)
        return {
            "sampled": await run.history(samples=25, pandas=False),
            "keys": await run.history(samples=25, keys=["loss", "eval/acc"], pandas=False),
            "system": await run.history(samples=5, stream="system", pandas=False),
            "scan": [n.loose(r) async for r in run.scan_history(page_size=64)],
            "scan_keys": [n.loose(r) async for r in run.scan_history(keys=["text"])],
        }

    got = run_async(world, body)
    official = world.fresh_official().run(path)
    assert n.typed(got["sampled"]) == n.typed(official.history(samples=25, pandas=False))
    expected_keys = official.history(samples=25, keys=["loss", "eval/acc"], pandas=False)
    assert n.typed(got["keys"]) == n.typed(expected_keys)
    expected_system = official.history(samples=5, stream="system", pandas=False)
    assert n.typed(got["system"]) == n.typed(expected_system)
    assert got["scan"] == [n.loose(r) for r in official.scan_history(page_size=64)]
    assert got["scan_keys"] == [n.loose(r) for r in official.scan_history(keys=["text"])]


def test_async_files_sweep_reports(world: World) -> None:
    run_path = f"{ENTITY}/{PARITY}/{world.files_run}"
    sweep_path = f"{ENTITY}/mnist/{world.demo.sweep_id}"
    root = world.download_root / "async"

    async def body(aapi: wandb_typed.AsyncApi) -> dict[str, Any]:
        run = await aapi.run(run_path)
        files = [n.our_file(f) async for f in run.files(per_page=25)]
        binary = await run.file("binary.bin")
        written = await binary.download(root=root, replace=True)
        sweep = await aapi.sweep(sweep_path)
        return {
            "files": files,
            "bytes": written.read_bytes(),
            "sweep": n.our_sweep(sweep),
            "sweep_runs": [r.id async for r in sweep.runs],
            "reports": [n.our_report(r) async for r in aapi.reports(f"{ENTITY}/{PARITY}")],
        }

    got = run_async(world, body)
    official = world.fresh_official()
    official_run = official.run(run_path)
    assert got["files"] == [n.official_file(f) for f in official_run.files(per_page=25)]
    official_run.file("binary.bin").download(root=str(root / "o"), replace=True).close()
    assert got["bytes"] == (root / "o" / "binary.bin").read_bytes()
    sweep = official.sweep(sweep_path)
    assert got["sweep"] == n.official_sweep(sweep)
    assert got["sweep_runs"] == [r.id for r in sweep.runs]
    assert got["reports"] == [n.official_report(r) for r in official.reports(f"{ENTITY}/{PARITY}")]


def test_async_writes(world: World) -> None:
    """Create, update and delete through AsyncApi; the official client reads each step."""
    run_id = f"async-{uuid.uuid4().hex[:8]}"
    path = f"{ENTITY}/{WRITES}/{run_id}"

    async def create(aapi: wandb_typed.AsyncApi) -> dict[str, Any]:
        run = await aapi.create_run(run_id, project=WRITES, entity=ENTITY)
        return n.our_run(run)

    created = run_async(world, create)
    assert created == n.official_run(world.fresh_official().run(path))

    async def update(aapi: wandb_typed.AsyncApi) -> None:
        run = await aapi.run(path)
        run.config = {"lr": 0.5, "layers": [1, 2]}
        run.summary = {"acc": 0.99}
        run.tags = ["async"]
        run.notes = "from async"
        run.name = "async-name"
        await run.update()

    run_async(world, update)
    official = world.fresh_official().run(path)
    assert official.config == {"lr": 0.5, "layers": [1, 2]}
    assert official.summary_metrics == {"acc": 0.99}
    assert (official.tags, official.notes, official.name) == (["async"], "from async", "async-name")

    async def delete(aapi: wandb_typed.AsyncApi) -> None:
        await (await aapi.run(path)).delete()

    run_async(world, delete)
    assert run_id not in [r.id for r in world.fresh_official().runs(f"{ENTITY}/{WRITES}")]
