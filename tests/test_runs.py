"""Runs, the sync-only surface: ``len(runs)`` is the server's count, and ``list(runs)``
(which calls ``len()``) reuses that first page. Every other run behaviour is tested
in both modes by ``tests/_async/test_runs.py`` and its generated twin."""

from __future__ import annotations

import math

from wandb_typed import Api
from wandb_typed.testing import LocalServer


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests]


def test_len_is_the_server_count_and_list_costs_no_extra_request(
    api: Api, demo_server: LocalServer
) -> None:
    runs = api.runs("demo/mnist", filters={"state": "finished"}, per_page=10, include_sweeps=False)
    demo_server.requests.clear()
    total = len(runs)
    assert ops(demo_server) == ["RunPage"]  # the first page carries runCount
    assert runs.count() == total
    demo_server.requests.clear()
    listed = list(runs)  # list() calls len(): its first page is reused by the walk
    assert len(listed) == total
    assert ops(demo_server) == ["RunPage"] * math.ceil(total / 10)
    assert runs[0].id == listed[0].id and [r.id for r in runs[-2:]] == [r.id for r in listed[-2:]]
