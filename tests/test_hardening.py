"""Regression tests for the client findings of the hostile-input audit (F3-F27).

Each test is named after its finding and failed before the fix. Servers are real
(LocalServer over HTTP); misbehaviour is injected by the server's FaultPlan or by an
httpx transport wrapped around the real transport, or comes from a tiny raw-socket
server where the fault is below HTTP (a trickling body).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wandb_typed import (
    Api,
    APITimeoutError,
    AsyncApi,
    GraphQLError,
    InputError,
    NotFoundError,
    PaginationError,
    ResponseValidationError,
    RetryPolicy,
    UsageError,
)
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY, make_api
from .test_paging import Rewrite, seed_runs


def _api_via(server: LocalServer, edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> Api:
    return Api(
        {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY,
        transport=Rewrite(edit),
    )  # fmt: skip


# -- F3: paging ends when a server repeats items under fresh cursors ----------------


def _repeat_first_page_forever(seen: list[str]) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    first: list[Any] = []

    def edit(variables: dict[str, Any], data: dict[str, Any]) -> None:
        if not first:
            first.extend(data["data"]["project"]["runs"]["edges"])
        seen.append(variables.get("cursor") or "")
        data.pop("errors", None)  # the server rejects the made-up cursors; answer anyway
        edges = [dict(e, cursor=f"c{len(seen)}") for e in first]  # fresh cursors
        page_info = {"endCursor": f"c{len(seen)}", "hasNextPage": True}
        data["data"] = {"project": {"runs": {"edges": edges, "pageInfo": page_info}}}

    return edit


def test_f3_repeated_items_under_fresh_cursors_stop_the_walk(fresh: LocalServer) -> None:
    seed_runs(fresh, 5)
    requests: list[str] = []
    runs = _api_via(fresh, _repeat_first_page_forever(requests)).runs(
        "demo/p", per_page=5, include_sweeps=False
    )
    with pytest.raises(PaginationError, match="brought no new item"):
        list(iter(runs))
    assert len(requests) <= 7  # a few pages, not forever


def test_f3_count_without_a_total_is_bounded_too(fresh: LocalServer) -> None:
    seed_runs(fresh, 5)
    requests: list[str] = []
    runs = _api_via(fresh, _repeat_first_page_forever(requests)).runs(
        "demo/p", per_page=5, include_sweeps=False
    )
    with pytest.raises(PaginationError):
        runs.count()
    assert len(requests) <= 7


# -- F4: scan_history walks by the data -----------------------------------------------


def test_f4_sparse_huge_steps_take_few_requests(fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="sparse")
    fresh.store.add_history_rows(
        int(row["id"]), [{"_step": 0, "x": 1}, {"_step": 1_700_000_000_000, "x": 2}]
    )
    api = make_api(fresh)
    fresh.requests.clear()
    rows = list(api.run("demo/p/sparse").scan_history(page_size=1000))
    assert [r["x"] for r in rows] == [1, 2]
    windows = [r for r in fresh.requests if r.operation_name == "RunHistoryWindow"]
    assert len(windows) < 40, len(windows)  # was 2,300 requests and counting


def test_f4_dense_windows_stay_one_request_per_page(fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="dense")
    fresh.store.add_history_rows(int(row["id"]), [{"_step": i, "x": i} for i in range(2500)])
    api = make_api(fresh)
    fresh.requests.clear()
    scan = api.run("demo/p/dense").scan_history(page_size=1000)
    assert [len(p.items) for p in scan.pages()] == [1000, 1000, 500]
    windows = [r for r in fresh.requests if r.operation_name == "RunHistoryWindow"]
    assert len(windows) == 3


def test_f4_a_window_that_comes_back_full_is_narrowed_not_lost(fresh: LocalServer) -> None:
    """Sparse start (the window widens), then dense: nothing may be sampled away."""
    row = fresh.store.create_run("demo", "p", name="mixed")
    steps = [0, 50_000, *range(100_000, 103_000)]
    fresh.store.add_history_rows(int(row["id"]), [{"_step": s} for s in steps])
    scanned = [r["_step"] for r in make_api(fresh).run("demo/p/mixed").scan_history(page_size=100)]
    assert scanned == steps


# -- F6 / F11 / F22: edits --------------------------------------------------------------


def test_f6_a_string_is_not_a_list_of_tags(fresh: LocalServer) -> None:
    run = make_api(fresh).create_run("r1", project="p")
    with pytest.raises(InputError, match="tags must be a list of strings"):
        run.tags = "baseline"  # type: ignore[assignment]
    run.tags = ["baseline"]
    run.update()
    assert make_api(fresh).run("demo/p/r1").tags == ["baseline"]


def test_f11_two_objects_editing_different_keys_both_survive(fresh: LocalServer) -> None:
    api = make_api(fresh)
    api.create_run("r1", project="p")
    a, b = api.run("demo/p/r1"), api.run("demo/p/r1")
    a.config["alpha"] = 1
    a.tags.append("from-a")
    a.update()
    b.config["beta"] = 2
    b.tags.append("from-b")
    b.summary["loss"] = 0.5
    b.update()
    final = api.run("demo/p/r1")
    assert final.config == {"alpha": 1, "beta": 2}
    assert sorted(final.tags) == ["from-a", "from-b"]
    assert final.summary == {"loss": 0.5}
    a.config.pop("alpha")
    a.update()
    assert api.run("demo/p/r1").config == {"beta": 2}  # a deletion is an edit too


def test_f22_unsetting_a_group_is_a_clear_error(fresh: LocalServer) -> None:
    api = make_api(fresh)
    run = api.create_run("r1", project="p")
    run.group = "g1"
    run.update()
    run.group = None
    fresh.requests.clear()
    with pytest.raises(InputError, match="cannot be unset"):
        run.update()
    assert fresh.requests == []


# -- F15: a mutation is recognised from the parsed document -------------------------------


def test_f15_a_mutation_after_a_fragment_is_not_retried(fresh: LocalServer) -> None:
    api = make_api(fresh)
    api.create_run("r1", project="p")
    document = (
        "fragment Ids on Project { id name }\n"
        "mutation Up($input: UpsertModelInput!) { upsertModel(input: $input) { project { ...Ids } } }"
    )
    fresh.faults.when = "after"  # the mutation runs, then its response is lost
    fresh.faults.fail_next("500")
    fresh.requests.clear()
    with pytest.raises(Exception, match="HTTP 500"):
        api.client.execute(
            document, "Up", {"input": {"name": "p", "entityName": "demo", "description": "x"}}
        )
    assert [r.operation_name for r in fresh.requests] == ["Up"]  # sent once, not retried


# -- F16-F20: downloads ---------------------------------------------------------------------


def _run_with_file(server: LocalServer, name: str, content: bytes = b"data") -> Api:
    row = server.store.create_run("demo", "p", name="r1")
    server.store.add_file(int(row["id"]), name, content)
    return make_api(server)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a" * 256, "longer than 255 bytes"),
        (".", "not a plain relative file path"),
        ("dir/.", "not a plain relative file path"),
        ("dir//x", "not a plain relative file path"),
    ],
)
def test_f16_unwritable_names_are_typed_errors(
    fresh: LocalServer, tmp_path: Path, name: str, message: str
) -> None:
    file = _run_with_file(fresh, name).run("demo/p/r1").file(name)
    with pytest.raises(InputError, match=message):
        file.download(root=tmp_path / "root")
    assert not (tmp_path / "root").exists() or list((tmp_path / "root").rglob("*")) == []


def test_f16_targets_that_are_directories_or_run_through_files(
    fresh: LocalServer, tmp_path: Path
) -> None:
    api = _run_with_file(fresh, "sub/inner.txt")
    (tmp_path / "sub").write_text("a file where a directory should be")
    with pytest.raises(InputError, match="exists and is not a directory"):
        api.run("demo/p/r1").file("sub/inner.txt").download(root=tmp_path)
    row = fresh.store.create_run("demo", "p", name="r2")
    fresh.store.add_file(int(row["id"]), "taken", b"x")
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        api.run("demo/p/r2").file("taken").download(root=tmp_path, replace=True)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_f16_no_part_file_outside_the_root(fresh: LocalServer, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)  # a directory link pointing out of the root
    api = _run_with_file(fresh, "link/escape.txt")
    with pytest.raises(InputError, match="outside"):
        api.run("demo/p/r1").file("link/escape.txt").download(root=root)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_f17_posix_names_with_colons_are_valid(fresh: LocalServer, tmp_path: Path) -> None:
    api = _run_with_file(fresh, "epoch:3.ckpt", b"weights")
    path = api.run("demo/p/r1").file("epoch:3.ckpt").download(root=tmp_path)
    assert path == tmp_path / "epoch:3.ckpt" and path.read_bytes() == b"weights"


class _Truncating(httpx.BaseTransport):
    """Serves file bodies cut to half, with the server's own headers and no MD5."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.startswith("/files"):
            return response
        body = response.read()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=body[: len(body) // 2])


def test_f19_a_short_body_without_md5_is_an_error(fresh: LocalServer, tmp_path: Path) -> None:
    _run_with_file(fresh, "big.bin", bytes(range(256)) * 64)
    api = Api(
        {"base_url": fresh.base_url}, api_key=fresh.api_key,
        retry=RetryPolicy(max_attempts=2, initial_delay=0.01), transport=_Truncating(),
    )  # fmt: skip
    file = api.run("demo/p/r1").file("big.bin")
    unchecked = type(file)(**{**file.__dict__, "md5": None})  # as a server without MD5s
    with pytest.raises(ResponseValidationError, match="received 8192 bytes, expected 16384"):
        unchecked.download(root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_f20_file_repr_hides_the_signed_token(fresh: LocalServer) -> None:
    file = _run_with_file(fresh, "a.txt").run("demo/p/r1").file("a.txt")
    assert file.url is not None and "?" in file.url
    query = file.url.split("?", 1)[1]
    assert query not in repr(file)
    assert "?…" in repr(file)


# -- F21: absurd counts -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [-3, 10**30])
def test_f21_absurd_run_counts_are_typed_errors(fresh: LocalServer, count: int) -> None:
    seed_runs(fresh, 2)

    def edit(variables: dict[str, Any], data: dict[str, Any]) -> None:
        data["data"]["project"]["runCount"] = count

    runs = _api_via(fresh, edit).runs("demo/p", include_sweeps=False)
    with pytest.raises(ResponseValidationError, match="not a valid count"):
        len(runs)


# -- F24: a trickling server is timed out -------------------------------------------------------


class Trickler:
    """A raw HTTP server that sends its headers, then one body byte every 0.3 s (each
    gap shorter than the client's read timeout), until the client hangs up: only the
    client's deadline for the whole exchange can end the call. ``hung_up`` is set when
    a send fails; ``sent`` counts body bytes."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stop = threading.Event()
        self.hung_up = threading.Event()
        self.sent = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000000\r\n\r\n")  # fmt: skip
            while not self.stop.wait(0.3):  # the pace of a trickle, not a race
                try:
                    conn.sendall(b" ")
                except OSError:
                    self.hung_up.set()
                    return
                self.sent += 1


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    server = Trickler()
    yield server
    server.stop.set()
    server.listener.close()


def test_f24_a_trickling_server_is_timed_out(trickler: Trickler) -> None:
    api = Api({"base_url": trickler.url}, api_key="k" * 40, timeout=0.5, retry=RetryPolicy.none())
    with pytest.raises(APITimeoutError):
        api.project("p", entity="e")
    # The client hung up (a send fails) long before the 1,000,000-byte body was sent.
    assert trickler.hung_up.wait(120)
    assert trickler.sent < 1_000


# -- F27: an AsyncApi bound to another event loop ---------------------------------------------


def test_f27_an_async_api_across_event_loops_is_a_clear_error(demo_server: LocalServer) -> None:
    aapi = AsyncApi({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
    asyncio.run(aapi.project("mnist", entity="demo"))
    with pytest.raises(UsageError, match=r"another event loop.*create the AsyncApi inside"):
        asyncio.run(aapi.project("mnist", entity="demo"))


def test_f27_aclose_while_another_task_iterates(demo_server: LocalServer) -> None:
    async def scenario() -> None:
        aapi = AsyncApi({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
        seen: list[str] = []
        three = asyncio.Event()

        async def walk() -> None:
            async for run in aapi.runs("demo/mnist", per_page=5, include_sweeps=False):
                seen.append(run.id)
                if len(seen) == 3:
                    three.set()
                await asyncio.sleep(0)

        task = asyncio.create_task(walk())
        seen_three = asyncio.create_task(three.wait())
        # Three runs seen, or the walk ended early (its error is raised below, not a hang).
        await asyncio.wait({task, seen_three}, return_when=asyncio.FIRST_COMPLETED)
        seen_three.cancel()
        assert three.is_set(), task.result()
        await aapi.aclose()
        with pytest.raises(UsageError, match="closed"):
            await task

    asyncio.run(scenario())


# -- F8: undecodable bodies and malformed file URLs -----------------------------------


class _CorruptGzip(httpx.BaseTransport):
    """Answers every GraphQL request with a gzip header and a body that is not gzip."""

    def __init__(self) -> None:
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(
            200, headers={"content-encoding": "gzip", "content-type": "application/json"},
            content=b"\x1f\x8b\x08\x00garbage, not a gzip stream",
        )  # fmt: skip


def test_f8_a_corrupt_gzip_body_is_a_typed_error() -> None:
    transport = _CorruptGzip()
    api = Api(
        {"base_url": "http://w.invalid"}, api_key="k" * 40, transport=transport,
        retry=RetryPolicy(max_attempts=2, initial_delay=0.01),
    )  # fmt: skip
    with pytest.raises(ResponseValidationError, match="could not be decoded"):
        api.project("p", entity="e")
    assert transport.calls == 2  # a query: retried, then given up


@pytest.mark.parametrize("url", ["http://[::1/files/x", "http://127.0.0.1:99999/files/x"])
def test_f8_a_malformed_file_url_from_the_server_is_a_typed_error(
    fresh: LocalServer, tmp_path: Path, url: str
) -> None:
    file = _run_with_file(fresh, "a.txt").run("demo/p/r1").file("a.txt")
    broken = type(file)(**{**file.__dict__, "url": url})  # as a server sending such a URL
    fresh.requests.clear()
    with pytest.raises(ResponseValidationError, match="URL"):
        broken.download(root=tmp_path)
    assert [r for r in fresh.requests if r.path.startswith("/files")] == []
    assert list(tmp_path.iterdir()) == []


# -- F25: a retried delete told "not found" is done -------------------------------------


def test_f25_a_retried_delete_that_finds_nothing_is_done(fresh: LocalServer) -> None:
    api = make_api(fresh)
    run = api.create_run("r1", project="p")
    fresh.faults.when = "after"  # the server deletes the run, then a limiter answers 429
    fresh.faults.operations = {"DeleteRun"}
    fresh.faults.fail_next("429")
    fresh.faults.retry_after = 0.0
    fresh.requests.clear()
    run.delete()  # no error: the first attempt did it
    assert [r.operation_name for r in fresh.requests] == ["DeleteRun", "DeleteRun"]
    with pytest.raises(NotFoundError):
        api.run("demo/p/r1")


def test_f25_a_first_attempt_not_found_is_still_an_error(fresh: LocalServer) -> None:
    api = make_api(fresh)
    run = api.create_run("r1", project="p")
    api.run("demo/p/r1").delete()
    with pytest.raises(GraphQLError, match="not found"):
        run.delete()  # nothing retried: the run was already gone
