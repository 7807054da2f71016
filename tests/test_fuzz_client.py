"""The client's inputs, generated (issue 17; extends ``test_hostile_input.py``):
filters, config and summary values, paths and names, drawn from strategies that mix
what users write with what breaks parsers (lone surrogates, control characters,
numbers beyond float range, bytes, sets, deep nesting). Every call ends in one of
two ways, never a raw exception:

- a typed :class:`InputError`, raised before any request; or
- a correct request: the server accepts it (the client never sends what the server
  refuses) and what it stored is what was asked.

One server per module; examples are derandomized, so CI sees the same inputs
(``WANDB_TYPED_FUZZ_EXAMPLES=500`` runs more, with fresh randomness).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wandb_typed import Api, InputError, NotFoundError
from wandb_typed._core.files import safe_destination
from wandb_typed._encode import to_json_value
from wandb_typed.testing import LocalServer

from .support import make_api

_LONG = os.environ.get("WANDB_TYPED_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_LONG or 40), derandomize=_LONG is None, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip

#: Text users and attackers type: any characters, plus lone surrogates and controls.
ODD = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1f", "\t", "²", "é", "../", "/", ":", "."])
TEXT = st.one_of(
    st.text(max_size=12),
    st.lists(st.one_of(st.characters(), ODD), max_size=12).map("".join),
)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
ODD_VALUES = st.one_of(
    st.binary(max_size=4),
    st.sets(st.integers(0, 3), max_size=2),
    st.datetimes(timezones=st.just(timezone.utc)),
    st.builds(object),
)
VALUES = st.recursive(
    st.one_of(SCALARS, SCALARS, ODD_VALUES),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
FIELDS = st.one_of(
    st.sampled_from(
        [
            "state",
            "name",
            "display_name",
            "tags",
            "config.lr",
            "summary_metrics.acc",
            "created_at",
            "username",
            "sweep",
            "config.a.b",
            "summary.loss",
            "id",
            "config.",
        ]
    ),
    TEXT,
    TEXT.map(lambda t: "config." + t),
)
OPERATORS = st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"])
CONDITIONS = st.one_of(
    VALUES, st.dictionaries(OPERATORS, st.one_of(VALUES, st.lists(SCALARS, max_size=3)), max_size=2)
)
FILTERS = st.recursive(
    st.dictionaries(FIELDS, CONDITIONS, max_size=3),
    lambda inner: st.dictionaries(
        st.sampled_from(["$and", "$or", "$nor", "$not"]), st.lists(inner, max_size=3), max_size=1
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        s.store.create_project("demo", "p")
        s.store.create_run("demo", "p", name="r1", config={"lr": 0.1}, tags=["a"])
        yield s


@pytest.fixture(scope="module")
def api(server: LocalServer) -> Iterator[Api]:
    with make_api(server, overrides={"entity": "demo", "project": "p"}) as client:
        yield client


def _sent(server: LocalServer, since: int) -> list[str]:
    return [str(r.operation_name) for r in server.requests[since:]]


@FUZZ
@given(filters=FILTERS)
def test_a_filter_is_refused_before_any_request_or_accepted_by_the_server(
    server: LocalServer, api: Api, filters: dict[str, Any]
) -> None:
    since = len(server.requests)
    try:
        runs = list(api.runs("demo/p", filters=filters, include_sweeps=False))
    except InputError:
        assert _sent(server, since) == []
        return
    assert _sent(server, since) == ["RunPage"]  # one page, answered with data
    assert all(r.project == "p" for r in runs)


def _same(a: object, b: object) -> bool:
    """JSON equality with NaN equal to itself."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return (a == b and type(a) is type(b)) or (isinstance(a, (int, float)) and a == b)


@FUZZ
@given(key=TEXT, value=VALUES, where=st.sampled_from(["config", "summary"]))
def test_a_config_or_summary_edit_is_refused_first_or_stored_as_sent(
    server: LocalServer, api: Api, key: str, value: object, where: str
) -> None:
    run = api.run("demo/p/r1")
    getattr(run, where)[key] = value
    since = len(server.requests)
    try:
        run.update()
    except InputError:
        assert _sent(server, since) == []
        return
    assert set(_sent(server, since)) <= {"RunByName", "UpsertRun"}  # nothing, or the write
    stored = getattr(api.run("demo/p/r1"), where)
    expected = to_json_value(value, where)  # what the official client's encoder sends
    assert key in stored and _same(stored[key], expected), (stored.get(key), expected)


@FUZZ
@given(path=st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=4).map("/".join)))
def test_a_path_is_refused_first_or_looked_up(server: LocalServer, api: Api, path: str) -> None:
    since = len(server.requests)
    for lookup in (api.run, api.project, lambda p: api.artifact(p)):
        try:
            lookup(path)
        except InputError:
            continue
        except NotFoundError:  # looked up: the server said no such object (a clear error)
            assert _sent(server, since)
    assert all(name != "None" for name in _sent(server, since))


@FUZZ
@given(name=TEXT)
def test_a_name_is_refused_first_or_created_as_given(
    server: LocalServer, api: Api, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    since = len(server.requests)
    try:
        project = api.create_project(name)
    except InputError:
        assert _sent(server, since) == []
    else:
        assert project.name == name and project.entity == "demo"
    root = tmp_path_factory.mktemp("names")
    try:
        dest = safe_destination(root, name)
    except InputError:
        return
    assert Path(root).resolve() in dest.resolve().parents
