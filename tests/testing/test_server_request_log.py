"""``LocalServer.requests``: the request log tests assert on (counts per operation,
the operations in order, file routes), with a clear failure when a count is off."""

from __future__ import annotations

from pathlib import Path

import pytest

from wandb_typed import Api
from wandb_typed.testing import LocalServer, RequestLog


def test_the_log_counts_operations_and_file_requests(server: LocalServer, tmp_path: Path) -> None:
    server.store.create_project("demo", "p")
    run = server.store.create_run("demo", "p", name="r1")
    server.store.add_file(int(run["id"]), "notes.txt", "hello")
    api = Api({"base_url": server.base_url}, api_key=server.api_key)
    assert isinstance(server.requests, RequestLog)
    api.viewer  # noqa: B018
    server.requests.reset()
    assert server.requests == []
    found = api.run("demo/p/r1")
    found.file("notes.txt").download(root=tmp_path)
    server.requests.assert_count("RunByName", 1)
    assert server.requests.operations()[0] == "RunByName"
    assert all(r.operation_name == "RunByName" for r in server.requests.graphql("RunByName"))
    downloads = server.requests.files()
    assert [r.method for r in downloads] == ["GET"] and downloads[0].status == 200
    assert not downloads[0].path.startswith("/graphql")


def test_a_wrong_count_says_what_was_sent(server: LocalServer) -> None:
    api = Api({"base_url": server.base_url}, api_key=server.api_key)
    api.viewer  # noqa: B018
    with pytest.raises(AssertionError, match=r"Viewer: expected 2 request\(s\), the server saw 1"):
        server.requests.assert_count("Viewer", 2)
    with pytest.raises(AssertionError, match=r"operations in order: \['Viewer'\]"):
        server.requests.assert_count("RunPage", 1)
