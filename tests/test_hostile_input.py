"""Hostile input, from the audit: each test is named after its finding (F6, F7, F8,
F21, F22, F23) and failed before the fix it pins.

Typed errors survive pickling (a ``ProcessPoolExecutor`` worker may raise one),
server-provided text is bounded before it reaches a message, malformed URLs,
retry policies and filters are :class:`InputError` s, and no frame of a settings
error holds the API key.
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wandb_typed
from wandb_typed import errors
from wandb_typed.config import RetryPolicy, resolve_settings
from wandb_typed.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    GraphQLError,
    GraphQLErrorDetail,
    InputError,
    MissingDependencyError,
    NotFoundError,
    PaginationError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnsupportedServerFeatureError,
    WandbError,
)
from wandb_typed.filters import MAX_NODES, validate_filters
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY
from .test_corpus import Hostile

KEY = "k3y" * 13 + "z"  # 40 characters, easy to search for

# ---------------------------------------------------------------- F7: pickling

DETAIL = GraphQLErrorDetail(
    message="boom", path=("project", "runs", 0), locations=((1, 2),), extensions={"code": "X"}
)
STATUS: dict[str, Any] = {
    "status_code": 418,
    "url": "https://api.example/graphql",
    "operation_name": "RunPage",
    "attempts": 3,
    "body": '{"error": "teapot"}',
    "request_id": "req-1",
}


def make_error(name: str) -> WandbError:
    """One instance of every error class, with every attribute set to a non-default."""
    if name == "WandbError":
        return WandbError("base")
    if name == "InputError":
        return InputError("bad argument")
    if name == "APIConnectionError":
        return APIConnectionError("refused", url="http://x", attempts=2)
    if name == "APITimeoutError":
        return APITimeoutError("slow", url="http://x", attempts=4)
    if name in ("APIStatusError", "BadRequestError", "AuthenticationError",
                "PermissionDeniedError", "ConflictError", "ServerError"):  # fmt: skip
        cls: type[APIStatusError] = getattr(errors, name)
        return cls(f"{name} happened", **STATUS)
    if name == "NotFoundError":
        return NotFoundError.of("run e/p/r", "RunByName")
    if name == "TypeMismatchError":
        return errors.TypeMismatchError("artifact e/p/a:v0 of type 'x' not found", **STATUS)
    if name == "RateLimitError":
        return RateLimitError("slow down", retry_after=1.5, **STATUS)
    if name == "GraphQLError":
        return GraphQLError("errors", errors=[DETAIL], data={"a": 1}, operation_name="RunPage")
    if name in ("GraphQLPermissionDeniedError", "GraphQLNotFoundError", "GraphQLConflictError"):
        refusal: type[errors.GraphQLPermissionDeniedError] = getattr(errors, name)
        return refusal(
            "refused", errors=[DETAIL], data={"a": 1}, operation_name="UpsertRun", url="http://x"
        )
    if name == "ResponseValidationError":
        return ResponseValidationError("bad shape", operation_name="Viewer")
    if name == "MissingDependencyError":
        return MissingDependencyError("pip install 'wandb-typed[pandas]'")
    if name == "PaginationError":
        return PaginationError("cursor stuck")
    if name == "UnsupportedServerFeatureError":
        return UnsupportedServerFeatureError("too old", feature="sampledHistory")
    if name == "ConfigValidationError":
        return errors.ConfigValidationError(
            "run e/p/r: config does not match Cfg: lr: Input should be a valid number",
            run_path="e/p/r",
            part="config",
            type_name="Cfg",
            errors=[("lr", "Input should be a valid number"), ("model.layers.1", "bad")],
        )
    if name == "UnresolvedReferenceError":
        return errors.UnresolvedReferenceError(
            "cannot fetch", references={"data/a.bin": "s3://bucket/a.bin?sig=x"}
        )
    if name == "VerificationError":
        return errors.VerificationError(
            "differs", missing=["a"], mismatched=["b", "c"], unexpected=["d"]
        )
    # -- teams, users, launch queues and custom charts
    if name == "WaitTimeoutError":
        return errors.WaitTimeoutError("queued run 1 did not start within 5 s", state="pending")
    if name == "LaunchError":
        from wandb_typed import QueueItemError

        return errors.LaunchError(
            "queued run 1 failed: boom", error=QueueItemError("boom", "build", ("Dockerfile",))
        )
    if name == "IncompleteHistoryError":
        return errors.IncompleteHistoryError("run e/p/r: 5 steps not exported", live_steps=5)
    if name == "UsageError":
        error = errors.UsageError("closed")
        error.attempts = 2
        return error
    raise AssertionError(name)


ERROR_CLASSES = sorted(
    name
    for name in errors.__all__
    if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), Exception)
)


def state(error: BaseException) -> tuple[object, ...]:
    return (type(error), error.args, str(error), repr(error), vars(error))


def test_f7_every_error_class_is_covered() -> None:
    assert len(ERROR_CLASSES) == 25 + 3  # + WaitTimeoutError, LaunchError, IncompleteHistoryError
    for name in ERROR_CLASSES:
        assert type(make_error(name)).__name__ == name


@pytest.mark.parametrize("name", ERROR_CLASSES)
def test_f7_errors_round_trip_through_pickle(name: str) -> None:
    error = make_error(name)
    error.__dict__["__notes__"] = ["while listing runs"]  # what add_note() (3.11+) stores
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        restored = pickle.loads(pickle.dumps(error, protocol=protocol))
        assert state(restored) == state(error)
        assert restored.__dict__["__notes__"] == ["while listing runs"]


def test_f7_errors_keep_attributes_changed_after_construction() -> None:
    error = make_error("ServerError")
    assert isinstance(error, ServerError)
    error.message = f"{error.message} [gave up after 5 attempts]"  # what the retry loop does
    error.args = (error.message,)
    error.attempts = 5
    restored = pickle.loads(pickle.dumps(error))
    assert isinstance(restored, ServerError)
    assert (str(restored), restored.attempts) == (str(error), 5)
    missing = pickle.loads(pickle.dumps(MissingDependencyError("x")))
    assert isinstance(missing, ImportError) and missing.msg == "x"


def _raise_typed_error(name: str) -> None:
    """Runs in a worker process."""
    raise make_error(name)


def _square(n: int) -> int:
    return n * n


@pytest.mark.tooling  # starts a process
def test_f7_a_process_pool_worker_can_raise_every_error() -> None:
    context = multiprocessing.get_context("spawn")  # no fork of a threaded test process
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        for name in ERROR_CLASSES:
            raised = pool.submit(_raise_typed_error, name).exception(timeout=120)
            assert raised is not None
            assert state(raised) == state(make_error(name))
        assert pool.submit(_square, 7).result(timeout=60) == 49  # the pool still works


# ---------------------------------------------------------------- F21: server text

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
ERROR_KEYS = st.sampled_from(["message", "locations", "path", "extensions", "line", "column"])
ERROR_LIKE = st.dictionaries(ERROR_KEYS, JSON, max_size=5) | st.dictionaries(
    st.just("locations"), st.lists(st.dictionaries(ERROR_KEYS, JSON, max_size=3), max_size=3)
)


@given(raw=JSON | ERROR_LIKE)
def test_f21_graphql_error_detail_from_json_is_total(raw: object) -> None:
    detail = GraphQLErrorDetail.from_json(raw)
    assert isinstance(detail.message, str) and len(detail.message) <= errors.MAX_SERVER_TEXT + 40
    assert all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in detail.path)
    assert all(type(line) is int and type(col) is int for line, col in detail.locations)
    restored = pickle.loads(pickle.dumps(detail))
    assert repr(restored) == repr(detail)  # repr: NaN in extensions is not == itself
    assert restored.full_message == detail.full_message


@pytest.mark.parametrize(
    ("raw", "locations"),
    [
        ({"message": "m", "locations": [{"line": "abc", "column": 3}]}, ()),
        ({"message": "m", "locations": [{"line": None}, {"line": 4, "column": 5}]}, ((4, 5),)),
        ({"message": "m", "locations": [{"line": [1], "column": {}}]}, ()),
        ({"message": "m", "locations": [{"line": 1e400, "column": 1}]}, ()),
        ({"message": "m", "locations": [{"line": True, "column": 1}]}, ()),
        ({"message": "m", "locations": "line 3"}, ()),
    ],
)
def test_f21_non_integer_location_line_is_not_a_raw_error(
    raw: dict[str, Any], locations: tuple[tuple[int, int], ...]
) -> None:
    assert GraphQLErrorDetail.from_json(raw).locations == locations


def test_f21_odd_paths_and_messages() -> None:
    detail = GraphQLErrorDetail.from_json({"message": {"nested": [1, 2]}, "path": "abc"})
    assert detail.path == ()  # a string is not a list of path segments
    assert "nested" in detail.message
    deep: object = []
    for _ in range(10_000):
        deep = [deep]
    assert GraphQLErrorDetail.from_json({"message": deep}).message  # no RecursionError
    assert GraphQLErrorDetail.from_json({"message": "m", "path": [True, 1, "a"]}).path == (1, "a")


def test_f21_clip_bounds_text_and_says_how_much_was_cut() -> None:
    assert errors.clip("short", 10) == "short"
    clipped = errors.clip("x" * 1000, 10)
    assert clipped.startswith("x" * 10) and "990 more characters" in clipped
    assert len(clipped) < 60
    with pytest.raises(InputError):
        errors.clip("x", -1)


def _graphql_api(server: LocalServer, body: object) -> wandb_typed.Api:
    return wandb_typed.Api(
        {"base_url": server.base_url, "entity": "demo"},
        api_key=server.api_key,
        retry=FAST_RETRY,
        transport=Hostile(lambda op, _: body if op == "Viewer" else None),
    )


def test_f21_a_5mb_server_message_is_clipped_in_the_error(fresh: LocalServer) -> None:
    huge = "A" * 5_000_000
    api = _graphql_api(fresh, {"errors": [{"message": huge, "path": ["viewer"]}], "data": None})
    with pytest.raises(GraphQLError, match=r"^Viewer: the server returned errors: A+") as info:
        api.viewer  # noqa: B018
    assert len(str(info.value)) < 5_000
    assert len(repr(info.value)) < 5_000
    assert info.value.errors[0].full_message == huge  # nothing is lost
    assert len(info.value.errors[0].message) < 2_000


def test_f21_any_huge_message_is_bounded_by_the_error_itself() -> None:
    error = APIStatusError("x" * 1_000_000, status_code=500)
    assert len(str(error)) <= errors.MAX_MESSAGE + 40
    assert str(error).endswith("more characters]")


def test_f21_a_non_integer_location_from_the_server_is_a_typed_error(
    fresh: LocalServer,
) -> None:
    body = {"errors": [{"message": "bad", "locations": [{"line": "one", "column": 1}]}]}
    with pytest.raises(GraphQLError, match="bad") as info:
        _graphql_api(fresh, body).viewer  # noqa: B018
    assert info.value.errors[0].locations == ()


# ---------------------------------------------------------------- F22: settings, filters


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("WANDB_API_KEY", "WANDB_BASE_URL", "WANDB_HTTP_TIMEOUT", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "not a valid URL"),
        ("http://localhost:99999", "port"),
        ("http://localhost:0", "port"),
        ("http://localhost:-1", "port"),
        ("http://localhost:abc", "port"),
        ("http://exa mple.com", "whitespace or control"),
        ("ftp://example.com", r"http\(s\) URL with a host"),
        ("http:///path", r"http\(s\) URL with a host"),
    ],
)
def test_f22_malformed_base_url_is_an_input_error(home: Path, url: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        resolve_settings({"base_url": url}, api_key=KEY)
    with pytest.raises(InputError, match=message):
        wandb_typed.Api({"base_url": url}, api_key=KEY)


def test_f22_ipv6_base_url_with_a_port_is_accepted(home: Path) -> None:
    settings = resolve_settings({"base_url": "http://[::1]:8080/"}, api_key=KEY)
    assert settings.base_url == "http://[::1]:8080"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initial_delay": math.inf}, "initial_delay"),
        ({"max_delay": math.inf}, "max_delay"),
        ({"max_retry_after": math.nan}, "max_retry_after"),
        ({"initial_delay": math.nan}, "initial_delay"),
        ({"jitter": math.nan}, "jitter"),
        ({"jitter": math.inf}, "jitter"),
        ({"jitter": "0.1"}, "jitter"),
        ({"jitter": True}, "jitter"),
        ({"initial_delay": True}, "initial_delay"),
        ({"max_delay": False}, "max_delay"),
        ({"max_attempts": True}, "max_attempts"),
        ({"max_attempts": 2.0}, "max_attempts"),
        ({"retry_statuses": {500, "502"}}, "retry_statuses"),
        ({"retry_statuses": {99}}, "retry_statuses"),
        ({"retry_statuses": [True]}, "retry_statuses"),
        ({"retry_statuses": 500}, "retry_statuses"),
    ],
)
def test_f22_retry_policy_rejects_non_finite_numbers_and_bools(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_f22_retry_policy_accepts_plain_numbers_and_any_status_collection() -> None:
    statuses: Any = [503]  # a list, where the type says frozenset
    policy = RetryPolicy(
        max_attempts=2, initial_delay=0, max_delay=1, jitter=0, retry_statuses=statuses
    )
    assert policy.retry_statuses == frozenset({503})
    assert hash(policy)  # still a usable frozen value


def nested(depth: int, leaf: dict[str, object]) -> dict[str, object]:
    node = leaf
    for _ in range(depth):
        node = {"$and": [node]}
    return node


def test_f22_a_3000_deep_filter_is_an_input_error() -> None:
    with pytest.raises(InputError, match="nested more than 64 levels"):
        validate_filters(nested(3000, {"state": "finished"}))
    deep_value: object = "x"
    for _ in range(3000):
        deep_value = [deep_value]
    with pytest.raises(InputError, match="nested more than 64 levels"):
        validate_filters({"config.a": {"$eq": deep_value}})
    assert validate_filters(nested(60, {"state": "finished"}))  # a deep but sane filter


def test_f22_a_filter_with_too_many_nodes_is_an_input_error() -> None:
    wide = {"$or": [{"name": f"run{i}"} for i in range(200_000)]}
    with pytest.raises(InputError, match=f"more than {MAX_NODES}"):
        validate_filters(wide)
    many_ids = {"name": {"$in": [f"run{i}" for i in range(5_000)]}}
    assert validate_filters(many_ids) == many_ids  # a long $in is fine


# ---------------------------------------------------------------- F23: the key in frames


def frames(tb: TracebackType | None) -> Iterator[Any]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def leaked(error: BaseException) -> list[str]:
    """Frames of wandb_typed, in the error's traceback and its chain, holding the key."""
    package = str(Path(wandb_typed.__file__).parent)
    found: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in frames(current.__traceback__):
            if not frame.f_code.co_filename.startswith(package):
                continue
            for name, value in frame.f_locals.items():
                if KEY in repr(value) or (isinstance(value, str) and KEY in value):
                    found.append(f"{frame.f_code.co_name}:{name}")
        current = current.__cause__ or current.__context__
    return found


@pytest.mark.parametrize(
    "call",
    [
        lambda: resolve_settings(api_key=KEY, timeout=-1),
        lambda: resolve_settings(api_key=KEY, overrides={"entity": "a/b"}),
        lambda: resolve_settings(api_key=KEY, overrides={"project": "a b"}),
        lambda: resolve_settings(api_key=KEY, overrides={"base_url": "http://[::1"}),
        lambda: resolve_settings(environ={"WANDB_API_KEY": KEY, "WANDB_HTTP_TIMEOUT": "soon"}),
        lambda: resolve_settings(environ={"WANDB_API_KEY": KEY, "WANDB_ENTITY": "a/b"}),
        lambda: resolve_settings(api_key=KEY + " trailing"),
        lambda: resolve_settings(api_key=KEY + "\x00"),
        lambda: wandb_typed.Api(api_key=KEY, timeout=-1),
        lambda: wandb_typed.AsyncApi(api_key=KEY, overrides={"entity": "a/b"}),
    ],
    ids=[
        "timeout",
        "entity",
        "project",
        "base_url",
        "env-timeout",
        "env-entity",
        "space",
        "nul",
        "Api",
        "AsyncApi",
    ],
)
def test_f23_no_frame_of_a_settings_error_holds_the_key(home: Path, call: Any) -> None:
    with pytest.raises(InputError) as info:
        call()
    assert KEY not in str(info.value)
    assert leaked(info.value) == []


def test_f23_repr_of_a_half_built_api_does_not_raise() -> None:
    for cls in (wandb_typed.Api, wandb_typed.AsyncApi):
        half = cls.__new__(cls)  # as a crash reporter finds it when __init__ failed
        assert repr(half) == f"<{cls.__name__} (not configured)>"


def test_f23_the_key_from_netrc_is_not_read_before_other_settings_fail(home: Path) -> None:
    (home / ".netrc").write_text(f"machine api.wandb.ai login user password {KEY}\n")
    (home / ".netrc").chmod(0o600)
    with pytest.raises(InputError, match="timeout") as info:
        resolve_settings(timeout=math.inf)
    assert leaked(info.value) == []
    assert resolve_settings().api_key == KEY  # and it is found when nothing else fails


# ---------------------------------------------------------------- F6, F8: sans-I/O helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["baseline"], ["baseline"]), (("a", "b"), ["a", "b"]), ([], [])],
)
def test_f6_check_tags_accepts_lists_of_strings(value: object, expected: list[str]) -> None:
    from wandb_typed._encode import check_tags

    assert check_tags(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("baseline", r"a single string; write \['baseline'\]"),
        (["a", ""], r"tags\[1\] must be a non-empty string"),
        (["a", 3], r"tags\[1\] must be a non-empty string, got int"),
        ({"a", "b"}, "a list or tuple of strings, got set"),
        (None, "got NoneType"),
        (b"ab", "got bytes"),
    ],
)
def test_f6_check_tags_rejects_a_string_and_non_strings(value: object, message: str) -> None:
    from wandb_typed._encode import check_tags

    with pytest.raises(InputError, match=message):
        check_tags(value)


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://h:99999/f", "http://h:0/f", "https://h:x/f", "file:///etc/passwd",
     "http:///f", "http://a b/f", "http://h/f\n", 42],
)  # fmt: skip
def test_f8_parse_http_url_rejects_malformed_urls(url: object) -> None:
    from wandb_typed.paths import parse_http_url

    with pytest.raises(InputError, match="file URL"):
        parse_http_url(url, "file URL")
    with pytest.raises(ResponseValidationError, match="the server sent a file URL"):
        parse_http_url(url, "file URL", from_server=True)


def test_f8_parse_http_url_returns_the_parts() -> None:
    from wandb_typed.paths import parse_http_url

    parts = parse_http_url("https://[::1]:8443/files/a.txt?sig=1", "file URL")
    assert (parts.scheme, parts.hostname, parts.port, parts.path, parts.query) == (
        "https", "::1", 8443, "/files/a.txt", "sig=1",
    )  # fmt: skip
    assert parse_http_url("http://example.com", "u").port is None
