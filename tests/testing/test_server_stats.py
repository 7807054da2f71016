"""``GET /_local/stats`` and ``POST /_local/stats/reset``: per-operation traffic counters."""

from __future__ import annotations

import httpx

from wandb_typed.testing import LocalServer

from .helpers import Gql

VIEWER = "query Viewer { viewer { username } }"


def test_stats_count_requests_and_body_bytes_per_operation(server: LocalServer, gql: Gql) -> None:
    first = gql.raw(VIEWER)
    second = gql.raw(VIEWER)
    bad = gql.http.post("/graphql", content=b"not json")
    assert (first.status_code, second.status_code, bad.status_code) == (200, 200, 400)

    admin = {"Authorization": f"Bearer {server.api_key}"}  # the main user is an admin
    with httpx.Client(base_url=server.base_url, headers=admin) as http:
        stats = http.get("/_local/stats").json()
        viewer = stats["operations"]["Viewer"]
        assert viewer["requests"] == 2
        assert viewer["response_bytes"] == len(first.content) + len(second.content)
        assert viewer["request_bytes"] == len(first.request.content) * 2
        assert stats["operations"]["POST /graphql"]["request_bytes"] == len(b"not json")
        assert stats["total"]["requests"] == 3  # the stats routes themselves are not counted

        cleared = http.post("/_local/stats/reset").json()
        assert cleared == stats
        assert http.get("/_local/stats").json() == {
            "operations": {},
            "total": {"requests": 0, "request_bytes": 0, "response_bytes": 0},
            "faults": {},
        }
        assert http.get("/_local/nope").status_code == 404


def test_stats_count_injected_faults(server: LocalServer, gql: Gql) -> None:
    server.faults.fail_next("503", "429")
    assert [gql.raw(VIEWER).status_code for _ in range(3)] == [503, 429, 200]
    admin = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=admin) as http:
        assert http.get("/_local/stats").json()["faults"] == {"429": 1, "503": 1}
