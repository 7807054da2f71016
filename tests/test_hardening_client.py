"""Regression tests for the client findings of the second hostile-input audit
(issue 17: N1, N2, N5a, N6, N7, N12). Each failed before its fix.

Servers are real (LocalServer over HTTP); a manifest or a body is rewritten by an
httpx transport wrapped around the real one.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import pytest

from wandb_typed import (
    Api,
    APIConnectionError,
    InputError,
    ResponseValidationError,
    WandbError,
)
from wandb_typed.testing import LocalServer
from wandb_typed.testing._store.artifacts import md5_b64

from .support import FAST_RETRY, make_api


def secrets_of(key: str) -> list[str]:
    """The key, and the Basic credentials it is sent as."""
    return [key, base64.b64encode(f"api:{key}".encode()).decode()]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        s.store.create_project("demo", "w")
        s.store.artifacts.create_artifact("demo", "w", "small", "dataset", {"five.txt": "12345"})
        s.store.artifacts.create_artifact("demo", "w", "other", "dataset", {"o.txt": "other"})
        yield s


class Rewriting(httpx.BaseTransport):
    """The real server behind it; ``manifest`` may rewrite a manifest's JSON and
    ``body`` replaces an artifact file's body (pieces of 64 KiB, counted as read)."""

    def __init__(
        self,
        manifest: Callable[[dict[str, Any]], None] | None = None,
        body: bytes | None = None,
    ) -> None:
        self.inner = httpx.HTTPTransport()
        self.manifest, self.body = manifest, body
        self.file_gets = 0
        self.pieces_read = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/artifact-manifests/") and self.manifest is not None:
            doc = json.loads(self.inner.handle_request(request).read())
            self.manifest(doc)
            return httpx.Response(200, json=doc)
        if path.startswith("/artifact-files/"):
            self.file_gets += 1
            if self.body is not None:
                self.inner.handle_request(request).read()
                return httpx.Response(200, stream=_Pieces(self.body, self))
        return self.inner.handle_request(request)


class _Pieces(httpx.SyncByteStream):
    def __init__(self, body: bytes, owner: Rewriting) -> None:
        self.body, self.owner = body, owner

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 64 * 1024):
            self.owner.pieces_read += 1
            yield self.body[start : start + 64 * 1024]


def _api(server: LocalServer, transport: httpx.BaseTransport) -> Api:
    return Api(
        {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY,
        transport=transport,
    )  # fmt: skip


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# -- N1: a reference on the server's own origin gets no credentials --------------------


def test_n1_a_reference_on_the_servers_origin_is_fetched_without_the_key(
    server: LocalServer, tmp_path: Path
) -> None:
    (other,) = list(make_api(server).artifact("demo/w/other:v0").files())
    ref = other.direct_url
    assert ref.startswith(server.base_url)  # the W&B server's own origin

    def add_reference(doc: dict[str, Any]) -> None:
        doc["contents"]["refs/web.txt"] = {"digest": md5_b64(b"other"), "ref": ref, "size": 5}

    api = _api(server, Rewriting(manifest=add_reference))
    since = len(server.requests)
    root = api.artifact("demo/w/small:v0").download(tmp_path / "r")
    assert (root / "refs/web.txt").read_bytes() == b"other"
    fetched = [r for r in server.requests[since:] if r.path == httpx.URL(ref).path]
    assert len(fetched) == 1
    assert not fetched[0].had_authorization
    stored = [r for r in server.requests[since:] if r.path.endswith("/five.txt")]
    assert len(stored) == 1  # the version's own file: a W&B route


# -- N2: a body longer than the manifest's size is cut off, not retried ---------------


def test_n2_a_body_longer_than_the_manifest_size_stops_at_once(
    server: LocalServer, tmp_path: Path
) -> None:
    transport = Rewriting(body=b"x" * (16 * 1024 * 1024))  # a 5-byte entry served as 16 MiB
    api = _api(server, transport)
    with pytest.raises(ResponseValidationError, match="longer than the 5 bytes expected"):
        api.artifact("demo/w/small:v0").download(tmp_path / "big")
    assert transport.file_gets == 1  # no retry of a body that is too long
    assert transport.pieces_read <= 2  # stopped reading after the first piece past 5 bytes
    assert _files(tmp_path) == []  # no .part left either


def test_n2_a_run_file_longer_than_its_size_stops_too(fresh: LocalServer, tmp_path: Path) -> None:
    row = fresh.store.create_run("demo", "p", name="r1")
    fresh.store.add_file(int(row["id"]), "a.txt", b"12345")

    class Long(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()
            self.gets = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = self.inner.handle_request(request)
            if not request.url.path.startswith("/files/"):
                return response
            self.gets += 1
            response.read()
            return httpx.Response(200, content=b"y" * (1 << 20))

    transport = Long()
    api = _api(fresh, transport)
    with pytest.raises(ResponseValidationError, match="longer than the 5 bytes"):
        api.run("demo/p/r1").file("a.txt").download(root=tmp_path)
    assert transport.gets == 1
    assert _files(tmp_path) == []


# -- N5a: lone surrogates and undecodable bytes in run.update() ------------------------


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda r: r.config.__setitem__("\ud800", 1), r"config\['\\ud800'\]"),
        (lambda r: r.config.__setitem__("lr", "a\ud800b"), r"config\['lr'\]"),
        (lambda r: r.summary.__setitem__("acc", ["ok", "\udfff"]), r"summary\['acc'\]\[1\]"),
        (lambda r: r.config.__setitem__("blob", b"\xff\xfe"), r"config\['blob'\]"),
        (lambda r: setattr(r, "notes", "\ud800"), "notes"),
        (lambda r: r.tags.append("\ud800"), r"tags\[0\]"),
    ],
)
def test_n5a_text_that_is_not_unicode_is_an_input_error_before_any_request(
    fresh: LocalServer, edit: Callable[[Any], None], named: str
) -> None:
    fresh.store.create_run("demo", "p", name="r1", config={"lr": 0.1})
    run = make_api(fresh).run("demo/p/r1")
    since = len(fresh.requests)
    edit(run)
    with pytest.raises(InputError, match=named):
        run.update()
    assert fresh.requests[since:] == []


def test_n5a_any_variable_that_is_not_unicode_is_refused_before_sending(
    fresh: LocalServer,
) -> None:
    api = make_api(fresh, overrides={"entity": "demo"})
    since = len(fresh.requests)
    with pytest.raises(InputError, match="surrogate"):
        api.create_project("p", description="bad \ud800 text")
    assert fresh.requests[since:] == []


# -- N6: entries that clash on disk ------------------------------------------------------


@pytest.mark.parametrize("names", [("a", "a/b"), ("d/x", "d/x/y/z"), ("a\\b", "a/b")])
def test_n6_entries_that_clash_on_disk_are_refused_before_any_transfer(
    server: LocalServer, tmp_path: Path, names: tuple[str, str]
) -> None:
    def clash(doc: dict[str, Any]) -> None:
        entry = doc["contents"]["five.txt"]
        doc["contents"] = {name: entry for name in names}

    transport = Rewriting(manifest=clash)
    with pytest.raises(InputError, match="manifest entries"):
        _api(server, transport).artifact("demo/w/small:v0").download(tmp_path / "c")
    assert transport.file_gets == 0
    assert _files(tmp_path) == []


# -- N7: an unparsable reference URL ----------------------------------------------------


@pytest.mark.parametrize("ref", ["http://[::1", "https://exa mple.com/x", "http://h:99999/x"])
def test_n7_an_unparsable_reference_is_a_typed_error_naming_the_entry(
    server: LocalServer, tmp_path: Path, ref: str
) -> None:
    def bad(doc: dict[str, Any]) -> None:
        doc["contents"]["refs/broken.bin"] = {"digest": "etag", "ref": ref, "size": 3}

    transport = Rewriting(manifest=bad)
    art = _api(server, transport).artifact("demo/w/small:v0")
    for allow in (False, True):
        with pytest.raises(ResponseValidationError, match=r"manifest entry 'refs/broken\.bin'"):
            art.download(tmp_path / "r", allow_missing_references=allow)
    assert transport.file_gets == 0
    assert _files(tmp_path) == []


# -- N12: no chained object holds the key -----------------------------------------------


def _reachable(error: BaseException) -> Iterator[object]:
    """The error, everything its ``__cause__``/``__context__`` chain reaches, the
    requests and responses those hold, and the locals of the client's traceback
    frames (what ``rich`` or Sentry would print with locals)."""
    seen: set[int] = set()
    todo: list[object] = [error]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or obj is None:
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, BaseException):
            todo += [obj.__cause__, obj.__context__, *vars(obj).values()]
            tb = obj.__traceback__
            while tb is not None:
                if "wandb_typed" in tb.tb_frame.f_code.co_filename:  # the client's frames
                    todo.append(tb.tb_frame)
                tb = tb.tb_next
            for attr in ("request", "response"):
                with contextlib.suppress(AttributeError, RuntimeError):  # "no request set"
                    todo.append(getattr(obj, attr))
        elif isinstance(obj, FrameType):
            kept = (BaseException, httpx.Request, httpx.Response)
            todo += [v for v in obj.f_locals.values() if isinstance(v, kept)]
            yield from obj.f_locals.values()
        elif isinstance(obj, httpx.Response):
            todo.append(obj.request)


def _assert_holds_no_key(error: BaseException, key: str) -> None:
    forbidden = secrets_of(key)
    chain = list(_reachable(error))
    assert error in chain
    for obj in chain:
        if isinstance(obj, httpx.Request):
            assert "authorization" not in obj.headers, f"a chained request carries the key: {obj}"
        if isinstance(obj, httpx.HTTPError):
            raise AssertionError(f"an httpx exception is chained: {obj!r}")
        text = repr(obj)
        for secret in forbidden:
            assert secret not in text, f"{type(obj).__name__} shows the key"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_n12_a_refused_connection_chains_nothing_that_holds_the_key() -> None:
    key = "n12" * 13 + "k"
    api = Api({"base_url": f"http://127.0.0.1:{_closed_port()}"}, api_key=key, retry=FAST_RETRY)
    with pytest.raises(APIConnectionError, match="connection refused") as refused:
        api.viewer  # noqa: B018
    _assert_holds_no_key(refused.value, key)


class _Resetting(httpx.BaseTransport):
    """Every request breaks off mid-response (after it was sent)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset by peer", request=request)


@pytest.mark.parametrize("call", ["query", "mutation", "download"])
def test_n12_no_error_after_retries_chains_a_request(
    fresh: LocalServer, tmp_path: Path, call: str
) -> None:
    row = fresh.store.create_run("demo", "p", name="r1")
    fresh.store.add_file(int(row["id"]), "a.txt", b"abc")
    file = make_api(fresh).run("demo/p/r1").file("a.txt")
    api = _api(fresh, _Resetting())
    error: WandbError | None = None
    try:
        if call == "query":
            api.viewer  # noqa: B018
        elif call == "mutation":
            api.create_project("x", entity="demo")
        else:
            type(file)(**{**file.__dict__, "_session": api._session}).download(root=tmp_path)
    except WandbError as exc:
        error = exc
    assert isinstance(error, APIConnectionError)
    _assert_holds_no_key(error, fresh.api_key)


# -- N9: the client refuses what the server would refuse, before sending ---------------


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({"config.a": "\ud800"}, "lone surrogate"),
        ({"config.\udfff": 1}, "lone surrogate"),
        ({"config.a": {"$in": ["ok", "\ud800"]}}, "lone surrogate"),
        ({"config.a": 10**400}, "beyond the range"),
        ({"config.a": {"$gt": -(10**400)}}, "beyond the range"),
        ({"$and": [{"config.a": i} for i in range(6000)]}, "more than"),
        ({"config.a": {"$regex": "a\ud800"}}, "lone surrogate"),
    ],
)
def test_n9_filters_the_server_would_refuse_fail_before_any_request(
    fresh: LocalServer, filters: dict[str, Any], words: str
) -> None:
    api = make_api(fresh)
    since = len(fresh.requests)
    with pytest.raises(InputError, match=words):
        list(api.runs("demo/p", filters=filters))
    assert fresh.requests[since:] == []
