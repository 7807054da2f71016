"""Run files: listing, download (atomic, verified, no credential leaks), upload, delete."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from wandb_typed import AsyncApi, AsyncRun, InputError, NotFoundError
from wandb_typed.testing import LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


@pytest.fixture
async def run(fresh: LocalServer, fresh_api: AsyncApi) -> AsyncRun:
    row = fresh.store.create_run("demo", "p", name="r1")
    fresh.store.add_file(int(row["id"]), "config.yaml", "lr: 0.1\n")
    fresh.store.add_file(int(row["id"]), "media/table.json", b'{"a": 1}')
    fresh.store.add_file(int(row["id"]), "big.bin", bytes(range(256)) * 4096)
    return await fresh_api.run("demo/p/r1")


def file_requests(server: LocalServer) -> list[tuple[str, bool]]:
    """(host name without port, whether an Authorization header came) of each file request."""
    return [
        ((r.host or "").rsplit(":", 1)[0], r.had_authorization)
        for r in server.requests
        if r.path.startswith("/files")
    ]


async def test_list_count_and_lookup(run: AsyncRun) -> None:
    files = run.files(per_page=2)
    assert sorted([f.name async for f in files]) == ["big.bin", "config.yaml", "media/table.json"]
    assert await files.count() == 3
    assert [f.name async for f in run.files(names=["config.yaml"])] == ["config.yaml"]
    assert await run.files(names=["config.yaml", "nope"]).count() == 1
    big = await run.file("big.bin")
    assert (big.size, big.mimetype) == (1024 * 1024, "application/octet-stream")
    assert big.md5 and big.url and big.updated_at is not None
    with pytest.raises(NotFoundError, match="file 'nope' not found"):
        await run.file("nope")


async def test_download_is_complete_and_verified(run: AsyncRun, tmp_path: Path) -> None:
    big = await run.file("big.bin")
    path = await big.download(root=tmp_path)
    assert path == tmp_path / "big.bin"
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest()
        == hashlib.sha256(bytes(range(256)) * 4096).hexdigest()
    )
    nested = await (await run.file("media/table.json")).download(root=tmp_path)
    assert nested.read_bytes() == b'{"a": 1}'
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "big.bin",
        "media",
        "table.json",
    ]  # no leftovers


async def test_existing_files_need_replace_or_exist_ok(
    run: AsyncRun, tmp_path: Path, fresh: LocalServer
) -> None:
    config = await run.file("config.yaml")
    target = tmp_path / "config.yaml"
    target.write_text("local edits")
    fresh.requests.clear()
    with pytest.raises(InputError, match="already exists"):
        await config.download(root=tmp_path)
    assert await config.download(root=tmp_path, exist_ok=True) == target
    assert target.read_text() == "local edits"
    assert file_requests(fresh) == []
    await config.download(root=tmp_path, replace=True)
    assert target.read_text() == "lr: 0.1\n"


@pytest.mark.parametrize(
    "name", ["../escape.txt", "a/../../escape.txt", "/etc/passwd", "..\\evil", "a/./b", "."]
)
async def test_names_outside_the_root_are_refused(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path, name: str
) -> None:
    row = fresh.store.create_run("demo", "p", name="r2")
    fresh.store.add_file(int(row["id"]), name, "x")
    hostile = await (await fresh_api.run("demo/p/r2")).file(name)
    fresh.requests.clear()
    with pytest.raises(InputError, match="refusing to write"):
        await hostile.download(root=tmp_path / "root")
    assert file_requests(fresh) == []
    assert not (tmp_path / "escape.txt").exists()


async def test_no_authorization_to_another_host(tmp_path: Path) -> None:
    with LocalServer(file_host="localhost") as server:
        row = server.store.create_run("demo", "p", name="r1")
        server.store.add_file(int(row["id"]), "a.txt", "hello")
        async with make_async_api(server) as api:
            file = await (await api.run("demo/p/r1")).file("a.txt")
            assert file.url is not None and file.url.startswith("http://localhost:")
            server.requests.clear()
            assert (await file.download(root=tmp_path)).read_text() == "hello"
        assert file_requests(server) == [("localhost", False)]
        graphql = [r for r in server.requests if r.path == "/graphql"]
        assert graphql == []


class RedirectToOtherHost(httpx.AsyncBaseTransport):
    """Answers the first file GET with a redirect to the same server under another host name."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/files/") and request.url.host == "127.0.0.1":
            target = request.url.copy_with(host="localhost")
            return httpx.Response(302, headers={"Location": str(target)}, request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_no_authorization_after_a_redirect_to_another_host(
    fresh: LocalServer, tmp_path: Path
) -> None:
    row = fresh.store.create_run("demo", "p", name="r1")
    fresh.store.add_file(int(row["id"]), "a.txt", "hello")
    async with AsyncApi(
        {"base_url": fresh.base_url}, api_key=fresh.api_key, transport=RedirectToOtherHost()
    ) as api:
        file = await (await api.run("demo/p/r1")).file("a.txt")
        assert file.url is not None and file.url.startswith("http://127.0.0.1:")
        fresh.requests.clear()
        assert (await file.download(root=tmp_path)).read_text() == "hello"
    assert file_requests(fresh) == [("localhost", False)]


async def test_upload_download_delete(run: AsyncRun, tmp_path: Path) -> None:
    source = tmp_path / "out" / "sub" / "weights.bin"
    source.parent.mkdir(parents=True)
    source.write_bytes(b"\x00\x01" * 5000)
    uploaded = await run.upload_file(source, root=tmp_path / "out")
    assert (uploaded.name, uploaded.size) == ("sub/weights.bin", 10000)
    back = await (await run.file("sub/weights.bin")).download(root=tmp_path / "back")
    assert back.read_bytes() == source.read_bytes()
    assert await run.files().count() == 4
    await uploaded.delete()
    assert await run.files().count() == 3
    with pytest.raises(NotFoundError):
        await run.file("sub/weights.bin")


async def test_upload_bad_input(run: AsyncRun, tmp_path: Path, fresh: LocalServer) -> None:
    fresh.requests.clear()
    with pytest.raises(InputError, match="is not a file"):
        await run.upload_file(tmp_path / "missing.txt")
    outside = tmp_path / "x.txt"
    outside.write_text("x")
    with pytest.raises(InputError, match="is not under root"):
        await run.upload_file(outside, root=tmp_path / "elsewhere")
    with pytest.raises(InputError, match="names must be a list of strings"):
        run.files(names="config.yaml")
    assert fresh.requests == []
