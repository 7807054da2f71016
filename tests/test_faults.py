"""Paging through faults: every item exactly once, mutations never doubled.

The fast cases run here; the large ones (10k runs under faults) are in
``scripts/bench.py``. Each test prints what was injected, for the record.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Literal

import pytest

from wandb_typed import AsyncApi, RetryPolicy, WandbError
from wandb_typed.testing import FaultPlan, LocalServer

from .support import make_api, make_async_api

#: Enough attempts that 20% faults almost never exhaust them (0.2**8 per request).
PATIENT = RetryPolicy(max_attempts=8, initial_delay=0.005, max_delay=0.02, max_retry_after=0.02)
KINDS = ("500", "502", "503", "429", "reset", "truncated", "non_json", "slow")


def seed(server: LocalServer, count: int) -> list[str]:
    server.store.create_project("demo", "big")
    return [
        str(
            server.store.create_run(
                "demo",
                "big",
                name=f"r{i:05d}",
                created_at=f"2024-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00",
            )["name"]
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("when", ["before", "after"])
def test_paging_under_20_percent_faults_sees_every_run_once(
    fresh: LocalServer, when: Literal["before", "after"]
) -> None:
    names = seed(fresh, 600)
    fresh.faults = FaultPlan(
        rate=0.2, kinds=KINDS, seed=7, retry_after=0.01, slow_seconds=0.05, when=when
    )
    api = make_api(fresh, retry=PATIENT, timeout=60)
    got = [run.id for run in api.runs("demo/big", per_page=25, include_sweeps=False)]
    injected = dict(fresh.faults.injected)
    print(f"\n600 runs, faults {when}: injected {sum(injected.values())} {injected}")
    assert got == names  # every run exactly once, in order
    assert sum(v for k, v in injected.items() if k != "slow") >= 5


def test_async_paging_under_faults(fresh: LocalServer) -> None:
    names = seed(fresh, 300)
    fresh.faults = FaultPlan(rate=0.2, kinds=KINDS, seed=11, retry_after=0.01, slow_seconds=0.05)

    async def main() -> list[str]:
        async with make_async_api(fresh, retry=PATIENT, timeout=60) as aapi:
            assert isinstance(aapi, AsyncApi)
            return [
                run.id async for run in aapi.runs("demo/big", per_page=20, include_sweeps=False)
            ]

    assert asyncio.run(main()) == names
    assert Counter(fresh.faults.injected).total() > 0


def test_idempotent_writes_under_faults_land_exactly_once(fresh: LocalServer) -> None:
    """UpsertRun is an upsert by run id (see _core/writes.py): a reply lost after the
    server applied it is retried, so every call succeeds and each run exists once."""
    fresh.store.create_project("demo", "big")
    fresh.faults = FaultPlan(
        rate=0.3, kinds=("500", "502", "reset", "non_json", "429"), seed=5, when="after",
        retry_after=0.01,
    )  # fmt: skip
    api = make_api(fresh, retry=PATIENT, timeout=60)
    outcomes: list[str] = []
    for i in range(40):
        try:
            api.create_run(run_id=f"m{i:03d}", project="big", entity="demo")
            outcomes.append("ok")
        except WandbError as exc:
            outcomes.append(type(exc).__name__)
    injected = sum(fresh.faults.injected.values())
    fresh.faults = FaultPlan()
    runs = [r.id for r in api.runs("demo/big", per_page=100, include_sweeps=False)]
    print(f"\n40 create_run calls under 30% faults (after execution): {Counter(outcomes)}")
    assert outcomes == ["ok"] * 40  # every lost answer was retried
    assert sorted(runs) == [f"m{i:03d}" for i in range(40)]  # each exactly once
    upserts = [r for r in fresh.requests if r.operation_name == "UpsertRun"]
    assert injected > 0
    assert len(upserts) == 40 + injected  # one resend per lost answer
