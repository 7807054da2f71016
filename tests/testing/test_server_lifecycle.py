"""Server lifecycle: concurrent clients, a file database, and the blocking ``serve``."""

from __future__ import annotations

import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import Gql


def test_concurrent_clients(demo: tuple[LocalServer, DemoInfo]) -> None:
    server, info = demo
    query = """query($c: String) { project(name: "mnist", entityName: "demo") {
        runs(first: 7, after: $c) { edges { node { name } cursor } pageInfo { hasNextPage } } } }"""

    def walk(_: int) -> list[str]:
        names: list[str] = []
        cursor = None
        with Gql(server) as gql:
            while True:
                runs = gql(query, c=cursor)["project"]["runs"]
                names += [e["node"]["name"] for e in runs["edges"]]
                if not runs["pageInfo"]["hasNextPage"]:
                    return names
                cursor = runs["edges"][-1]["cursor"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(walk, range(16)))
    assert all(r == results[0] for r in results)
    assert len(results[0]) == info.run_counts["mnist"]


def test_file_database_persists(tmp_path: Path) -> None:
    db = tmp_path / "wandb.db"
    with LocalServer(db) as first:
        first.seed_demo(mnist_runs=3, llm_runs=1, long_history_steps=20)
        key = first.api_key
    with LocalServer(db) as second, Gql(second) as gql:
        assert second.api_key == key
        count = gql('{ project(name: "mnist", entityName: "demo") { runCount } }')
        assert count == {"project": {"runCount": 3}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.tooling  # starts the server as a process
def test_serve_prints_url_and_key_and_serves_the_demo(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``serve(seed="demo")`` in a process of its own serves what ``seed_demo()`` loads
    (the suite's default-sized demo: the root conftest's ``_seeded``)."""
    info: DemoInfo = request.getfixturevalue("_seeded")[1]
    port = _free_port()
    code = (
        "from wandb_typed.testing import serve; "
        f"serve(port={port}, db={str(tmp_path / 'x.db')!r}, seed='demo')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert f"http://127.0.0.1:{port}" in lines[0]
        key = lines[2].split()[-1]
        assert len(key) == 40
        # The socket listens before the URL is printed: no retrying until it is up.
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": '{ project(name: "mnist", entityName: "demo") { runCount } }'},
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )
        assert response.json() == {"data": {"project": {"runCount": info.run_counts["mnist"]}}}
        proc.terminate()  # SIGTERM: a clean stop, the SQLite side files removed
        assert proc.wait(timeout=120) == 0
        # the demo's artifact contents beside the database; no half upload left
        assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db", "x.db.blobs"]
        assert not list((tmp_path / "x.db.blobs").glob(".upload-*"))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
