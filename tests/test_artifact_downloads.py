"""Artifact downloads over real HTTP against LocalServer: byte-identical files,
resuming, references, hostile names, faults (5xx, resets, truncated and corrupt
bodies), bounded concurrency, credentials, progress, and clean exits (an error in
one transfer, ``KeyboardInterrupt``, a cancelled task) that leave no partial file.

Faults come from httpx transports wrapped around the real transport: the bodies
are the server's, cut short, corrupted or stalled here.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wandb_typed import (
    Api,
    APIConnectionError,
    AsyncApi,
    DownloadProgress,
    InputError,
    MissingDependencyError,
    NotFoundError,
    ResponseValidationError,
    ServerError,
    UnresolvedReferenceError,
    VerificationError,
)
from wandb_typed.testing import LocalServer
from wandb_typed.testing._store.artifacts import md5_b64

from .support import FAST_RETRY, make_api

FILE_ROUTE = "/artifact-files/"
PIECE = 16 * 1024


def blobs() -> dict[str, bytes]:
    """Contents of ``demo/w/blobs:v0``: big files (many chunks) and awkward names."""
    rng = random.Random(7)
    files = {f"part-{i}.bin": rng.randbytes(200_000 + i * 1000) for i in range(6)}
    files["epoch:3.ckpt"] = rng.randbytes(1000)
    files["dir/with space/données é.txt"] = "ünïcode ✓\n".encode()
    files["empty.txt"] = b""
    return files


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        s.store.create_project("demo", "w")
        s.store.artifacts.create_artifact("demo", "w", "blobs", "dataset", blobs())
        s.store.artifacts.create_artifact("demo", "w", "other", "dataset", {"o.txt": "other"})
        yield s


def on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.name.endswith(".part"))


def file_gets(server: LocalServer, since: int) -> int:
    return sum(1 for r in server.requests[since:] if r.path.startswith(FILE_ROUTE))


# ---------------------------------------------------------------------- transports


#: How long a gated body waits before failing the test: only a bug waits this long
#: (a gate is opened by an event the test controls, never by time passing).
GATE_LIMIT = 120.0


class _Body(httpx.SyncByteStream):
    """The server's body in 16 KiB pieces, with ``fault`` applied half-way."""

    def __init__(self, content: bytes, fault: str | None, owner: Faulty) -> None:
        self.content, self.fault, self.owner = content, fault, owner

    def __iter__(self) -> Iterator[bytes]:
        data = self.content
        if self.fault == "corrupt" and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        pieces = [data[start : start + PIECE] for start in range(0, len(data), PIECE)]
        middle = len(pieces) // 2
        for i, piece in enumerate([*pieces, None]):
            if i == middle:
                if self.fault == "reset":
                    raise httpx.ReadError("connection reset by peer")
                if self.fault == "truncate":
                    return
                if self.fault == "interrupt":
                    raise KeyboardInterrupt
                if self.fault == "gate":
                    self.owner.wait_at_gate(more=i < len(pieces))
            if piece is not None:
                if self.owner.gate.is_set() and self.fault == "gate":
                    with self.owner.lock:
                        self.owner.pieces_after_gate += 1
                yield piece

    def close(self) -> None:
        with self.owner.lock:
            self.owner.closed += 1
            self.owner.in_flight -= 1


class Faulty(httpx.BaseTransport):
    """Passes requests to the real server. Artifact file GETs take the next fault in
    ``faults`` (then ``always``): ``503``/``500``/``404`` (no body from the server),
    ``reset``/``truncate``/``interrupt``/``gate`` half-way, ``corrupt``. A ``gate``
    body stops half-way until :attr:`gate` is set (by the test, on an event: never
    by time passing); :attr:`at_gate_event` is set once ``gate_quorum`` bodies wait
    there at once, and a ``404`` waits for that too when ``hold_failure`` (so the
    failure lands while those transfers are mid-way). Counts file requests, responses
    opened and closed, file transfers in flight, and pieces sent after the gate
    opened; remembers the thread a ``404`` was sent to. ``manifest`` may rewrite the
    manifest's JSON."""

    def __init__(
        self,
        faults: list[str] | None = None,
        always: str | None = None,
        manifest: Callable[[dict[str, Any]], None] | None = None,
        gate_quorum: int = 1,
        hold_failure: bool = False,
    ) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults = list(faults or [])
        self.always = always
        self.manifest = manifest
        self.lock = threading.Lock()
        self.requests = self.opened = self.closed = self.in_flight = self.max_in_flight = 0
        self.hold_failure = hold_failure
        self.gate = threading.Event()
        self.gate_quorum = gate_quorum
        self.at_gate = 0
        self.at_gate_event = threading.Event()
        self.pieces_after_gate = 0
        self.gated_with_more = 0  # gated bodies with pieces left after the gate
        self.failed_in: threading.Thread | None = None
        self.failed = threading.Event()

    def wait_at_gate(self, more: bool) -> None:
        with self.lock:
            self.gated_with_more += more
            self.at_gate += 1
            if self.at_gate >= self.gate_quorum:
                self.at_gate_event.set()
        opened = self.gate.wait(GATE_LIMIT)
        with self.lock:
            self.at_gate -= 1
        if not opened:
            raise AssertionError("the test never opened the gate")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/artifact-manifests/") and self.manifest is not None:
            response = self.inner.handle_request(request)
            doc = json.loads(response.read())
            self.manifest(doc)
            return httpx.Response(200, json=doc)
        if not path.startswith(FILE_ROUTE):
            return self.inner.handle_request(request)
        with self.lock:
            self.requests += 1
            fault = self.faults.pop(0) if self.faults else self.always
        if fault in ("503", "500", "404"):
            if fault == "404" and self.hold_failure and not self.at_gate_event.wait(GATE_LIMIT):
                raise AssertionError("the other transfers never reached the gate")
            if fault == "404":
                self.failed_in = threading.current_thread()
                self.failed.set()
            return httpx.Response(int(fault), json={"errors": [{"message": "injected"}]})
        with self.lock:
            self.opened += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        response = self.inner.handle_request(request)
        content = response.read()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(
            response.status_code, headers=headers, stream=_Body(content, fault, self)
        )


def open_gate_when(ready: Callable[[], object], transport: Faulty) -> threading.Thread:
    """A thread that opens ``transport.gate`` once ``ready()`` returns (it blocks on
    events, never on time); join it after the download."""

    def run() -> None:
        try:
            ready()
        finally:
            transport.gate.set()

    thread = threading.Thread(target=run, name="gate-opener")
    thread.start()
    return thread


def faulty_api(server: LocalServer, transport: httpx.BaseTransport) -> Api:
    return Api(
        {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY,
        transport=transport,
    )  # fmt: skip


# ---------------------------------------------------------------------- happy paths


def test_download_is_byte_identical_and_checked(server: LocalServer, tmp_path: Path) -> None:
    api = make_api(server)
    art = api.artifact("demo/w/blobs:v0")
    since = len(server.requests)
    seen: list[DownloadProgress] = []
    root = art.download(tmp_path / "b", progress=seen.append)
    assert root == tmp_path / "b"
    assert on_disk(root) == blobs()
    art.verify(root)
    ops = [r.operation_name for r in server.requests[since:] if r.path == "/graphql"]
    assert ops == ["ArtifactManifestUrl", "ArtifactFileUrlPage"]
    assert file_gets(server, since) == len(blobs())
    total = sum(len(b) for b in blobs().values())
    assert seen[-1] == DownloadProgress(total, total, len(blobs()), len(blobs()))
    assert [p.files_done for p in seen] == sorted(p.files_done for p in seen)
    assert all(0 <= p.bytes_done <= total for p in seen)


def test_files_larger_than_a_write_block_are_byte_identical(
    server: LocalServer, tmp_path: Path
) -> None:
    """A download hashes and writes in blocks (``WRITE_BLOCK``): a file of several
    blocks and a remainder, and one of exactly one block, land byte for byte, and a
    corrupted block is caught by the MD5 check."""
    from wandb_typed._core.files import WRITE_BLOCK

    rng = random.Random(11)
    files = {
        "three.bin": rng.randbytes(3 * WRITE_BLOCK + 12_345),
        "one.bin": rng.randbytes(WRITE_BLOCK),
    }
    server.store.artifacts.create_artifact("demo", "w", "large", "dataset", files)
    root = make_api(server).artifact("demo/w/large:v0").download(tmp_path / "l")
    assert on_disk(root) == files
    assert leftovers(root) == []

    api = faulty_api(server, Faulty(always="corrupt"))  # the first block's first byte
    with pytest.raises(ResponseValidationError, match="MD5 mismatch"):
        api.artifact("demo/w/large:v0").download(tmp_path / "c", path_prefix="three")
    assert on_disk(tmp_path / "c") == {}


def test_demo_dataset_download(demo_server: LocalServer, tmp_path: Path) -> None:
    api = make_api(demo_server)
    root = api.artifact("demo/mnist/mnist-train:v0").download(tmp_path / "d", max_workers=16)
    files = on_disk(root)
    assert len(files) == 200
    assert sorted(files)[:2] == ["images/0/0.png", "images/0/1.png"]
    assert all(b.startswith(b"\x89PNG") for b in files.values())
    api.artifact("demo/mnist/mnist-train:v0").verify(root)


def test_repeats_are_free_and_interrupted_downloads_resume(
    server: LocalServer, tmp_path: Path
) -> None:
    api = make_api(server)
    art = api.artifact("demo/w/blobs:v0")
    root = art.download(tmp_path / "b")
    since = len(server.requests)
    art.download(root)  # same object: the manifest is kept, every file is in place
    assert server.requests[since:] == []
    (root / "part-1.bin").unlink()
    (root / "part-2.bin").write_bytes(b"corrupt")
    (root / "part-3.bin").write_bytes(blobs()["part-4.bin"])  # right size class, wrong MD5
    fresh_object = api.artifact("demo/w/blobs:v0")
    since = len(server.requests)
    fresh_object.download(root)
    assert file_gets(server, since) == 3
    assert on_disk(root) == blobs()


def test_path_prefix_selects_entries(server: LocalServer, tmp_path: Path) -> None:
    api = make_api(server)
    root = api.artifact("demo/w/blobs:v0").download(tmp_path / "p", path_prefix="dir/")
    assert on_disk(root) == {
        "dir/with space/données é.txt": blobs()["dir/with space/données é.txt"]
    }


def test_default_root_and_environment(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WANDB_ARTIFACT_DIR", str(tmp_path / "cache"))
    root = make_api(server).artifact("demo/w/other:latest").download()
    assert root == tmp_path / "cache" / "other:latest"  # the name as asked for
    assert on_disk(root) == {"o.txt": b"other"}


def test_checkout_and_verify(server: LocalServer, tmp_path: Path) -> None:
    api = make_api(server)
    art = api.artifact("demo/w/blobs:v0")
    root = art.download(tmp_path / "c")
    (root / "stray.txt").write_text("not mine")
    (root / "part-0.bin").write_bytes(b"x" * len(blobs()["part-0.bin"]))  # same size
    (root / "part-5.bin").unlink()
    with pytest.raises(VerificationError) as failed:
        art.verify(root)
    assert (failed.value.missing, failed.value.mismatched, failed.value.unexpected) == (
        ("part-5.bin",), ("part-0.bin",), ("stray.txt",),
    )  # fmt: skip
    assert isinstance(failed.value, ValueError)
    assert art.checkout(root) == root
    assert on_disk(root) == blobs()
    art.verify(root)


# ---------------------------------------------------------------------- names and references


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "a/../../evil", "ok/./x"])
def test_names_escaping_root_are_refused(server: LocalServer, tmp_path: Path, name: str) -> None:
    def add_hostile(doc: dict[str, Any]) -> None:
        doc["contents"][name] = {"digest": md5_b64(b"evil"), "size": 4}

    api = faulty_api(server, Faulty(manifest=add_hostile))
    root = tmp_path / "inside" / "root"
    with pytest.raises(InputError, match="refusing to write"):
        api.artifact("demo/w/blobs:v0").download(root)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []


def _with_references(server: LocalServer, doc: dict[str, Any], *, s3: bool) -> None:
    """Add an http(s) reference (a signed URL of another version's file) and, with
    ``s3``, an s3 one."""
    api = make_api(server)
    (other,) = list(api.artifact("demo/w/other:v0").files())
    doc["contents"]["refs/web.txt"] = {
        "digest": md5_b64(b"other"), "ref": other.direct_url, "size": 5,
    }  # fmt: skip
    if s3:
        doc["contents"]["refs/bucket.bin"] = {"digest": "etag-1", "ref": "s3://bucket/key.bin"}


def test_http_references_are_fetched_others_refused(server: LocalServer, tmp_path: Path) -> None:
    api = faulty_api(server, Faulty(manifest=lambda d: _with_references(server, d, s3=True)))
    art = api.artifact("demo/w/blobs:v0")
    with pytest.raises(
        UnresolvedReferenceError, match=r"refs/bucket\.bin -> s3://bucket/key\.bin"
    ) as e:
        art.download(tmp_path / "r")
    assert e.value.references == {"refs/bucket.bin": "s3://bucket/key.bin"}
    assert not (tmp_path / "r").exists()  # refused before anything was written
    root = art.download(tmp_path / "r", allow_missing_references=True)
    assert on_disk(root) == {**blobs(), "refs/web.txt": b"other"}
    entry = art.get_entry("refs/web.txt")
    assert entry.is_reference


def test_an_http_reference_with_other_contents_fails(server: LocalServer, tmp_path: Path) -> None:
    def wrong(doc: dict[str, Any]) -> None:
        _with_references(server, doc, s3=False)
        doc["contents"]["refs/web.txt"]["digest"] = md5_b64(b"changed")

    api = faulty_api(server, Faulty(manifest=wrong))
    with pytest.raises(ResponseValidationError, match="MD5 mismatch"):
        api.artifact("demo/w/blobs:v0").download(tmp_path / "r", path_prefix="refs/")
    assert on_disk(tmp_path) == {}


# ---------------------------------------------------------------------- faults


@pytest.mark.parametrize("fault", ["503", "500", "reset", "truncate", "corrupt"])
def test_transient_faults_are_retried(server: LocalServer, tmp_path: Path, fault: str) -> None:
    transport = Faulty(faults=[fault, fault, fault])  # three failed attempts of four
    api = faulty_api(server, transport)
    root = api.artifact("demo/w/blobs:v0").download(tmp_path / "f", max_workers=1)
    assert on_disk(root) == blobs()
    assert transport.closed == transport.opened


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ("corrupt", ResponseValidationError, "MD5 mismatch"),
        ("truncate", ResponseValidationError, "truncated"),
        ("reset", APIConnectionError, "broke off"),
        ("500", ServerError, "500"),
        ("404", NotFoundError, "404"),
    ],
)
def test_persistent_faults_are_typed_errors_and_leave_nothing(
    server: LocalServer, tmp_path: Path, fault: str, error: type[Exception], message: str
) -> None:
    transport = Faulty(always=fault)
    api = faulty_api(server, transport)
    with pytest.raises(error, match=message) as failed:
        api.artifact("demo/w/blobs:v0").download(tmp_path / "f", path_prefix="part-0")
    assert getattr(failed.value, "attempts", 1) == (1 if fault == "404" else 4)
    assert on_disk(tmp_path) == {}
    assert transport.closed == transport.opened


def test_one_failing_transfer_stops_the_others(server: LocalServer, tmp_path: Path) -> None:
    """The failure is held until three other transfers wait half-way; they are held
    there until the failed one's worker has ended (so the download is stopping), then
    each ends at its next chunk: one piece after the gate. None starts after it."""
    transport = Faulty(faults=["404"], always="gate", gate_quorum=3, hold_failure=True)
    api = faulty_api(server, transport)
    art = api.artifact("demo/w/blobs:v0")

    def failed_worker_ended() -> None:
        assert transport.failed.wait(GATE_LIMIT)
        assert transport.failed_in is not None
        transport.failed_in.join(GATE_LIMIT)

    opener = open_gate_when(failed_worker_ended, transport)
    try:
        with pytest.raises(NotFoundError):
            art.download(tmp_path / "s", max_workers=4)
    finally:
        opener.join()
    assert transport.opened == 3 and transport.requests == 4  # nothing after the failure
    # each stopped at its next chunk (an empty file has none: it may complete)
    assert transport.pieces_after_gate == transport.gated_with_more >= 2
    assert leftovers(tmp_path) == []
    assert set(on_disk(tmp_path)) <= {"s/empty.txt"}
    assert transport.closed == transport.opened


@pytest.mark.parametrize("workers", [1, 3])
def test_concurrency_is_bounded(server: LocalServer, tmp_path: Path, workers: int) -> None:
    """The first ``workers`` transfers meet half-way (the gate opens only when all of
    them wait there at once: so many ran together), and no more ever run at once."""
    transport = Faulty(always="gate", gate_quorum=workers)
    api = faulty_api(server, transport)
    art = api.artifact("demo/w/blobs:v0")
    opener = open_gate_when(lambda: transport.at_gate_event.wait(GATE_LIMIT), transport)
    try:
        root = art.download(tmp_path / "c", max_workers=workers)
    finally:
        opener.join()
    assert on_disk(root) == blobs()
    assert transport.max_in_flight == workers


def test_bad_download_arguments_fail_before_any_request(server: LocalServer) -> None:
    api = make_api(server)
    art = api.artifact("demo/w/blobs:v0")
    since = len(server.requests)
    bad: list[dict[str, Any]] = [
        {"max_workers": 0}, {"max_workers": 65}, {"max_workers": "4"}, {"root": 5},
        {"path_prefix": 3}, {"progress": "yes"}, {"allow_missing_references": "no"},
    ]  # fmt: skip
    for kwargs in bad:
        with pytest.raises(InputError):
            art.download(**kwargs)
    assert server.requests[since:] == []


def test_a_root_that_is_a_file_is_refused(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file")
    art = make_api(server).artifact("demo/w/blobs:v0")
    since = len(server.requests)
    with pytest.raises(InputError, match="not a directory"):
        art.download(tmp_path / "taken")
    assert server.requests[since:] == []
    assert (tmp_path / "taken").read_text() == "a file"


def test_credentials_never_go_to_the_storage_host(tmp_path: Path) -> None:
    with LocalServer(file_host="localhost") as server:
        server.store.create_project("demo", "w")
        server.store.artifacts.create_artifact("demo", "w", "blobs", "dataset", blobs())
        api = make_api(server)
        art = api.artifact("demo/w/blobs:v0")
        art.download(tmp_path / "k")
        storage = [r for r in server.requests if r.path.startswith(("/artifact-", "/artifacts/"))]
        assert len(storage) == len(blobs()) + 1  # the files and the manifest
        assert {r.host.split(":")[0] for r in storage if r.host} == {"localhost"}
        assert not any(r.had_authorization for r in storage)
        assert all(r.had_authorization for r in server.requests if r.path == "/graphql")


# ---------------------------------------------------------------------- progress


def test_progress_bar_uses_tqdm(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_api(server).artifact("demo/w/blobs:v0").download(tmp_path / "t", progress=True)
    err = capsys.readouterr().err
    assert "blobs:v0" in err and f"{len(blobs())}/{len(blobs())} files" in err


def test_progress_bar_without_tqdm_names_the_extra(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = make_api(server)
    art = api.artifact("demo/w/blobs:v0")
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    since = len(server.requests)
    with pytest.raises(MissingDependencyError, match=r"wandb-typed\[progress\]"):
        art.download(tmp_path / "t", progress=True)
    assert server.requests[since:] == []


# ---------------------------------------------------------------------- clean exits


def test_keyboard_interrupt_leaves_no_partial_file(server: LocalServer, tmp_path: Path) -> None:
    transport = Faulty(faults=["ok", "ok", "interrupt"])
    api = faulty_api(server, transport)
    art = api.artifact("demo/w/blobs:v0")
    with pytest.raises(KeyboardInterrupt):
        art.download(tmp_path / "i", max_workers=4)
    assert leftovers(tmp_path) == []
    assert all(blobs()[n] == b for n, b in on_disk(tmp_path / "i").items())  # no partial target
    assert transport.closed == transport.opened
    transport.always = None
    assert on_disk(art.download(tmp_path / "i")) == blobs()


def test_keyboard_interrupt_in_the_calling_thread(server: LocalServer, tmp_path: Path) -> None:
    """A one-worker download runs in the caller's thread, where Ctrl-C lands."""
    transport = Faulty(faults=["interrupt"])
    api = faulty_api(server, transport)
    with pytest.raises(KeyboardInterrupt):
        api.artifact("demo/w/blobs:v0").download(tmp_path / "i", max_workers=1)
    assert leftovers(tmp_path) == []
    assert on_disk(tmp_path) == {}
    assert transport.closed == transport.opened


def test_ctrl_c_during_a_threaded_download(server: LocalServer, tmp_path: Path) -> None:
    """A real SIGINT while worker threads transfer: the main thread, waiting for
    them, raises ``KeyboardInterrupt`` once they have stopped and cleaned up. The
    transfers are held half-way until the signal has been delivered, so the download
    cannot finish first however busy the machine is."""
    transport = Faulty(always="gate", gate_quorum=2)
    api = faulty_api(server, transport)
    art = api.artifact("demo/w/blobs:v0")
    main = threading.main_thread().ident
    assert main is not None and threading.current_thread().ident == main
    delivered = threading.Event()

    def on_sigint(signum: int, frame: object) -> None:
        delivered.set()
        raise KeyboardInterrupt

    def interrupt_when_busy() -> None:
        assert transport.at_gate_event.wait(GATE_LIMIT)  # two transfers are open
        signal.pthread_kill(main, signal.SIGINT)
        assert delivered.wait(GATE_LIMIT)

    previous = signal.signal(signal.SIGINT, on_sigint)
    opener = open_gate_when(interrupt_when_busy, transport)
    try:
        with pytest.raises(KeyboardInterrupt):
            art.download(tmp_path / "c", max_workers=4)
    finally:
        opener.join()
        signal.signal(signal.SIGINT, previous)
    assert delivered.is_set()
    assert leftovers(tmp_path) == []
    assert all(blobs()[n] == b for n, b in on_disk(tmp_path / "c").items())
    assert transport.in_flight == 0
    assert transport.closed == transport.opened


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, owner: Stalling) -> None:
        self.inner, self.owner = inner, owner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = b"".join([chunk async for chunk in self.inner])
        pieces = [content[start : start + PIECE] for start in range(0, len(content), PIECE)]
        for i, piece in enumerate(pieces):
            if i == len(pieces) // 2 and self.owner.stall and len(pieces) > 1:
                self.owner.stalled.set()
                await asyncio.Event().wait()  # only a cancellation ends this
            yield piece

    async def aclose(self) -> None:
        self.owner.closed += 1
        await self.inner.aclose()


class Stalling(httpx.AsyncBaseTransport):
    """Passes requests on; with ``stall``, artifact file bodies hang half-way."""

    def __init__(self, stall: bool) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.stall = stall
        self.stalled = asyncio.Event()
        self.opened = self.closed = self.in_flight = self.max_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.startswith(FILE_ROUTE):
            return response
        self.opened += 1
        assert isinstance(response.stream, httpx.AsyncByteStream)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(
            response.status_code, headers=headers, stream=_AsyncBody(response.stream, self)
        )


def test_cancelled_async_download_leaves_no_partial_file(
    server: LocalServer, tmp_path: Path
) -> None:
    async def scenario() -> tuple[int, int]:
        transport = Stalling(stall=True)
        async with AsyncApi(
            {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY,
            transport=transport,
        ) as aapi:  # fmt: skip
            art = await aapi.artifact("demo/w/blobs:v0")
            task = asyncio.create_task(art.download(tmp_path / "a", max_workers=4))
            await asyncio.wait_for(transport.stalled.wait(), GATE_LIMIT)
            assert leftovers(tmp_path)  # mid-transfer
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return transport.opened, transport.closed

    opened, closed = asyncio.run(scenario())
    assert closed == opened
    assert leftovers(tmp_path) == []
    assert all(blobs()[n] == b for n, b in on_disk(tmp_path / "a").items())


def test_async_download_matches_and_is_concurrent(server: LocalServer, tmp_path: Path) -> None:
    async def scenario() -> tuple[Path, list[DownloadProgress]]:
        seen: list[DownloadProgress] = []
        async with AsyncApi({"base_url": server.base_url}, api_key=server.api_key) as aapi:
            art = await aapi.artifact("demo/w/blobs:v0")
            root = await art.download(tmp_path / "a", max_workers=3, progress=seen.append)
            await art.verify(root)
            entry = await art.get_entry("epoch:3.ckpt")
            assert (await entry.download(tmp_path / "e")).read_bytes() == blobs()["epoch:3.ckpt"]
            return root, seen

    root, seen = asyncio.run(scenario())
    assert on_disk(root) == blobs()
    assert seen[-1].files_done == seen[-1].files_total == len(blobs())
