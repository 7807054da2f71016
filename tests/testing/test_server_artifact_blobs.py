"""Artifact contents as files beside the SQLite file (``_store/artifacts/blobs``):
where uploads land, a restart, collection of unreferenced files, the storage limit's
running total, path traversal, and downloads streamed from disk (HEAD, ranges)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import make_api
from wandb_typed.testing import LocalServer, ServerLimits
from wandb_typed.testing._blob_responses import CHUNK, send_blob
from wandb_typed.testing._recording import RecordedRequest
from wandb_typed.testing._store.artifacts.blobs import blob_dir_of

from .test_server_artifact_uploads import Writer, md5

V0 = {"a.txt": b"alpha\n" * 100, "shared.bin": bytes(range(256)) * 40}
V1 = {"shared.bin": V0["shared.bin"], "c.txt": b"gamma\n" * 50}
PROJECT_ID = 'query P { project(name: "p", entityName: "demo") { id } }'
DELETE_PROJECT = "mutation D($id: String!) { deleteModel(input: {id: $id}) { success } }"


def gid_number(value: str) -> int:
    return int(base64.b64decode(value).split(b":")[1])


def blob_file(server: LocalServer, data: bytes) -> Path:
    root = blob_dir_of(server.store.path)
    assert root is not None
    hexdigest = hashlib.md5(data).hexdigest()
    return root / hexdigest[:2] / hexdigest


def index(server: LocalServer) -> list[tuple[str, int, bytes | None]]:
    with server.store.transaction() as db:
        rows = db.execute("SELECT digest, size, content FROM artifact_blobs ORDER BY digest")
        return [(str(d), int(s), c) for d, s, c in rows]


def stored_total(server: LocalServer) -> int:
    """What the running total must equal: the sizes in the index, summed."""
    return sum(size for _, size, _ in index(server))


@pytest.fixture
def disk_server(tmp_path: Path) -> Iterator[LocalServer]:
    with LocalServer(tmp_path / "w.sqlite3") as server:
        yield server


@pytest.fixture
def writer(disk_server: LocalServer) -> Iterator[Writer]:
    w = Writer(disk_server)
    yield w
    w.gql.close()


def test_uploaded_contents_are_files_beside_the_database_not_rows(
    disk_server: LocalServer, writer: Writer, tmp_path: Path
) -> None:
    writer.log(V0)
    for data in V0.values():
        assert blob_file(disk_server, data).read_bytes() == data
    rows = index(disk_server)
    assert sorted(size for _, size, _ in rows) == sorted(len(d) for d in V0.values())
    assert all(content is None for _, _, content in rows)  # the index only
    assert disk_server.store.artifacts.storage_bytes() == sum(len(d) for d in V0.values())
    assert not list(tmp_path.glob("w.sqlite3.blobs/.upload-*"))  # no temporary file left
    with make_api(disk_server) as api:
        root = api.artifact("demo/p/ds:v0").download(tmp_path / "out")
    assert {p: (Path(root) / p).read_bytes() for p in V0} == V0


def test_contents_survive_a_restart_on_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    with LocalServer(db) as first:
        Writer(first).log(V0)
        key = first.api_key
    with LocalServer(db) as again, make_api(again, api_key=key) as api:
        root = api.artifact("demo/p/ds:v0").download(tmp_path / "out")
        assert {p: (Path(root) / p).read_bytes() for p in V0} == V0
        assert again.store.artifacts.storage_bytes() == stored_total(again)


def test_an_in_memory_server_keeps_contents_in_sqlite_and_writes_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with LocalServer() as server:
        writer = Writer(server)
        writer.log(V0)
        assert sorted(c for _, _, c in index(server) if c is not None) == sorted(V0.values())
        assert server.store.artifacts.blobs.root is None
        with make_api(server) as api:
            root = api.artifact("demo/p/ds:v0").download(tmp_path / "out")
        assert (Path(root) / "a.txt").read_bytes() == V0["a.txt"]
        writer.gql.close()
    assert not list(tmp_path.rglob("*.blobs")) and not list(tmp_path.rglob(".upload-*"))


def test_deletes_collect_unreferenced_files_and_keep_the_total_exact(
    disk_server: LocalServer, writer: Writer, tmp_path: Path
) -> None:
    writer.log(V0)
    writer.log(V1)
    everything = {**V0, **V1}
    assert disk_server.store.artifacts.storage_bytes() == sum(len(d) for d in everything.values())
    with make_api(disk_server) as api:
        api.artifact("demo/p/ds:v0").delete(delete_aliases=True)
        assert not blob_file(disk_server, V0["a.txt"]).exists()  # only v0 had it
        assert blob_file(disk_server, V0["shared.bin"]).exists()  # v1 still has it
        assert disk_server.store.artifacts.storage_bytes() == stored_total(disk_server)
        assert stored_total(disk_server) == sum(len(d) for d in V1.values())
        writer.log({"other.txt": b"other\n"}, name="other")
        api.artifact_collection("dataset", "demo/p/ds").delete()
        assert not any(blob_file(disk_server, d).exists() for d in V1.values())
        assert disk_server.store.artifacts.storage_bytes() == len(b"other\n")
    project = writer.gql(PROJECT_ID)["project"]["id"]
    assert writer.gql(DELETE_PROJECT, id=project)["deleteModel"]["success"]
    assert not blob_file(disk_server, b"other\n").exists()
    assert disk_server.store.artifacts.storage_bytes() == 0 == stored_total(disk_server)
    assert list(disk_server.store.artifacts.blobs.files()) == []


def test_the_storage_limit_counts_a_running_total_that_deletes_give_back(
    tmp_path: Path,
) -> None:
    limits = ServerLimits(max_file_bytes=1000, max_artifact_storage_bytes=1500)
    with LocalServer(tmp_path / "w.sqlite3", limits=limits) as server:
        writer = Writer(server)
        first = {"a": b"x" * 900}
        writer.log(first, name="first")
        second = {"b": b"y" * 900}
        pending = writer.create(second, name="second")
        url = writer.file_urls(pending["id"], second)["b"]
        assert url is not None
        full = httpx.put(url, content=second["b"])
        assert full.status_code == 507
        assert "max_artifact_storage_bytes" in full.json()["errors"][0]["message"]
        assert not blob_file(server, second["b"]).exists()
        assert server.store.artifacts.storage_bytes() == 900
        with make_api(server) as api:
            api.artifact("demo/p/first:v0").delete(delete_aliases=True)
        assert server.store.artifacts.storage_bytes() == 0
        assert httpx.put(url, content=second["b"]).status_code == 200
        assert server.store.artifacts.storage_bytes() == 900 == stored_total(server)
        writer.gql.close()


def test_an_upload_of_contents_being_collected_keeps_its_file(
    disk_server: LocalServer, writer: Writer
) -> None:
    v0 = writer.log(V0)
    arts = disk_server.store.artifacts
    data = V0["a.txt"]
    pending = writer.create({"a.txt": data, "new.txt": b"n"}, name="again")
    staged = arts.blobs.stage(data)  # an upload's body, written before the lock is taken
    arts.delete_artifact(gid_number(v0["id"]), delete_aliases=True)  # collects a.txt's file
    assert not blob_file(disk_server, data).exists()
    arts.store_upload(gid_number(pending["id"]), hashlib.md5(data).hexdigest(), staged, 10**9)
    assert blob_file(disk_server, data).read_bytes() == data
    # a digest queued for collection whose contents are stored again keeps its file
    with disk_server.store.transaction() as db:
        db.execute("INSERT INTO artifact_blob_trash (digest) VALUES (?)", (md5(data),))
    assert arts.blob(md5(data)) == data


def test_paths_cannot_escape_the_blob_directory(
    disk_server: LocalServer, writer: Writer, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"not yours")
    writer.log(V0)
    arts = disk_server.store.artifacts
    for digest in ("../../secret", "Li4vLi4vc2VjcmV0", base64.b64encode(b"../secret").decode()):
        assert arts.blobs.locate(digest) is None
    headers = {"Authorization": f"Bearer {disk_server.api_key}"}
    for path in (
        "/artifacts/demo/..%2F..%2Fsecret",
        "/artifacts/demo/../../secret",
        "/artifacts/..%2F..%2F/" + hashlib.md5(b"not yours").hexdigest(),
        "/artifact-files/1/..%2F..%2F..%2Fsecret",
    ):
        response = httpx.get(disk_server.base_url + path, headers=headers)
        assert response.status_code in (401, 404), path
        assert b"not yours" not in response.content


def test_a_large_download_streams_with_head_and_ranges(
    disk_server: LocalServer, tmp_path: Path
) -> None:
    big = os.urandom(3 * CHUNK + 123)
    disk_server.store.create_project("demo", "p")
    disk_server.store.artifacts.create_artifact("demo", "p", "big", "dataset", {"big.bin": big})
    with make_api(disk_server) as api:
        (entry,) = api.artifact("demo/p/big:v0").files()
        url = entry.direct_url
    head = httpx.head(url)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(big))
    assert head.headers["accept-ranges"] == "bytes"
    with httpx.stream("GET", url) as response:
        received = b"".join(response.iter_bytes())
    assert received == big
    part = httpx.get(url, headers={"Range": f"bytes={CHUNK - 5}-{CHUNK + 4}"})
    assert (part.status_code, part.content) == (206, big[CHUNK - 5 : CHUNK + 5])
    assert part.headers["content-range"] == f"bytes {CHUNK - 5}-{CHUNK + 4}/{len(big)}"
    tail = httpx.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, big[-10:])
    beyond = httpx.get(url, headers={"Range": f"bytes={len(big)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(big)}"
    served = [r for r in disk_server.requests if r.path.startswith("/artifact-files/")]
    assert [r.response_bytes for r in served] == [0, len(big), 10, 10, 0]


def test_a_blob_is_sent_in_bounded_chunks(tmp_path: Path) -> None:
    data = os.urandom(5 * CHUNK + 7)
    path = tmp_path / "blob"
    path.write_bytes(data)
    messages: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        messages.append(dict(message))

    for source in (path, data):
        messages.clear()
        record = RecordedRequest("/artifact-files/1/x", None, None, 0, had_authorization=False)
        asyncio.run(send_blob(send, record, source, "application/octet-stream", head=False))
        bodies = [m["body"] for m in messages if m["type"] == "http.response.body"]
        assert len(bodies) == 6 and max(len(b) for b in bodies) <= CHUNK
        assert b"".join(bodies) == data and record.response_bytes == len(data)
        assert [m.get("more_body", False) for m in messages[1:]] == [True] * 5 + [False]


def test_a_database_written_with_contents_in_rows_is_moved_to_files(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    with LocalServer(db) as server:
        Writer(server).log(V0)
        key = server.api_key
    with sqlite3.connect(db) as conn:  # as a server before blob files wrote it
        conn.execute("DROP TRIGGER artifact_blobs_added")
        conn.execute("DROP TRIGGER artifact_blobs_removed")
        conn.execute("DROP TABLE artifact_blob_usage")
        conn.execute("DROP TABLE artifact_blobs")
        conn.execute(
            "CREATE TABLE artifact_blobs (digest TEXT PRIMARY KEY, content BLOB NOT NULL)"
            " WITHOUT ROWID"
        )
        conn.executemany(
            "INSERT INTO artifact_blobs VALUES (?, ?)", [(md5(d), d) for d in V0.values()]
        )
    for data in V0.values():
        blob_file(server, data).unlink()
    with LocalServer(db) as again, make_api(again, api_key=key) as api:
        root = api.artifact("demo/p/ds:v0").download(tmp_path / "out")
        assert {p: (Path(root) / p).read_bytes() for p in V0} == V0
        assert all(content is None for _, _, content in index(again))
        assert again.store.artifacts.storage_bytes() == sum(len(d) for d in V0.values())


def test_an_upload_restores_contents_lost_from_disk(
    disk_server: LocalServer, writer: Writer
) -> None:
    writer.log(V0)
    lost = blob_file(disk_server, V0["a.txt"])
    lost.unlink()  # e.g. removed by hand
    pending = writer.create({"a.txt": V0["a.txt"]}, name="again")
    arts = disk_server.store.artifacts
    staged = arts.blobs.stage(V0["a.txt"])
    arts.store_upload(
        gid_number(pending["id"]), hashlib.md5(V0["a.txt"]).hexdigest(), staged, 10**9
    )
    assert lost.read_bytes() == V0["a.txt"]
    assert arts.storage_bytes() == stored_total(disk_server)  # counted once


def test_opening_a_database_removes_abandoned_half_uploads_only(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    root = blob_dir_of(str(db))
    assert root is not None
    root.mkdir()
    abandoned, recent = root / ".upload-abandoned", root / ".upload-recent"
    abandoned.write_bytes(b"half")
    recent.write_bytes(b"being written by another process")
    os.utime(abandoned, (1_000_000_000, 1_000_000_000))  # 2001: long abandoned
    with LocalServer(db):
        assert not abandoned.exists()
        assert recent.exists()


def test_concurrent_identical_uploads_store_one_file_counted_once(
    disk_server: LocalServer, writer: Writer
) -> None:
    data = b"the same bytes, uploaded twice at once\n"
    first = writer.create({"x.txt": data}, name="first")
    second = writer.create({"x.txt": data}, name="second")
    arts = disk_server.store.artifacts
    staged = [arts.blobs.stage(data), arts.blobs.stage(data)]  # both bodies received
    assert staged[0].path != staged[1].path  # each in a temporary file of its own
    for version, blob in zip((first, second), staged, strict=True):
        arts.store_upload(gid_number(version["id"]), hashlib.md5(data).hexdigest(), blob, 10**9)
    assert blob_file(disk_server, data).read_bytes() == data
    assert arts.storage_bytes() == len(data) == stored_total(disk_server)
    root = blob_dir_of(disk_server.store.path)
    assert root is not None and not list(root.glob(".upload-*"))  # the loser's copy dropped
