"""The typed filter builder: it compiles to exactly the JSON the dict form sends
(pinned by snapshots and compared with ``validate_filters``), covers every operator
and field the dict validator accepts, works through ``api.runs`` over HTTP, and
rejects nonsense when built (the same nonsense is a type error: test_query_typing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from wandb_typed import InputError, RunState
from wandb_typed.filters import (
    FIELDS,
    LOGICAL,
    MAX_DEPTH,
    MAX_NODES,
    OPERATORS,
    Config,
    CreatedAt,
    DisplayName,
    Duration,
    Entity,
    Filter,
    Group,
    HeartbeatAt,
    Host,
    JobType,
    Name,
    State,
    Summary,
    Sweep,
    Tags,
    Username,
    validate_filters,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.types import JSONValue

from .support import Recorder, make_api

JAN = datetime(2024, 1, 1, tzinfo=timezone.utc)

#: (id, the builder, the equivalent dict filter)
CASES: list[tuple[str, Callable[[], Filter], dict[str, Any]]] = [
    ("issue example", lambda: (Config("lr") > 0.01) & (Summary("acc") >= 0.9) & State.in_("finished", "running"),
     {"$and": [{"config.lr": {"$gt": 0.01}}, {"summary_metrics.acc": {"$gte": 0.9}}, {"state": {"$in": ["finished", "running"]}}]}),
    ("or", lambda: Tags.eq("baseline") | Tags.eq("v2"), {"$or": [{"tags": {"$eq": "baseline"}}, {"tags": {"$eq": "v2"}}]}),
    ("nor", lambda: ~State.eq("crashed"), {"$nor": [{"state": {"$eq": "crashed"}}]}),
    ("flattened and", lambda: Config("a").eq(1) & (Config("b").eq(2) & Config("c").eq(3)),
     {"$and": [{"config.a": {"$eq": 1}}, {"config.b": {"$eq": 2}}, {"config.c": {"$eq": 3}}]}),
    ("and of ors", lambda: (Group.eq("exp-a") | Group.eq("exp-b")) & (Host.ne("gpu-node-1") | JobType.eq("eval")),
     {"$and": [{"$or": [{"group": {"$eq": "exp-a"}}, {"group": {"$eq": "exp-b"}}]}, {"$or": [{"host": {"$ne": "gpu-node-1"}}, {"jobType": {"$eq": "eval"}}]}]}),
    ("ordered numbers", lambda: (Duration >= 10) & (Duration < 3600.5) & (Summary("loss") <= 0.5) & (Config("epochs") > 3),
     {"$and": [{"duration": {"$gte": 10}}, {"duration": {"$lt": 3600.5}}, {"summary_metrics.loss": {"$lte": 0.5}}, {"config.epochs": {"$gt": 3}}]}),
    ("times", lambda: (CreatedAt > JAN) & (HeartbeatAt <= date(2024, 6, 30)),
     {"$and": [{"createdAt": {"$gt": JAN}}, {"heartbeatAt": {"$lte": date(2024, 6, 30)}}]}),
    ("membership", lambda: Name.nin("abc", "def") & Username.in_("demo") & Sweep.in_("sw1"),
     {"$and": [{"name": {"$nin": ["abc", "def"]}}, {"username": {"$in": ["demo"]}}, {"sweep": {"$in": ["sw1"]}}]}),
    ("regex and exists", lambda: DisplayName.regex("^brave-") & Config("optimizer").exists() & ~Summary("best").exists(False),
     {"$and": [{"display_name": {"$regex": "^brave-"}}, {"config.optimizer": {"$exists": True}}, {"$nor": [{"summary_metrics.best": {"$exists": False}}]}]}),
    ("entity", lambda: Entity.eq("demo"), {"entity": {"$eq": "demo"}}),
    ("config values", lambda: Config("layers").eq([64, 64]) & Config("model").ne({"depth": 3}) & Config("dropout").eq(None) & Config("debug").eq(True),
     {"$and": [{"config.layers": {"$eq": [64, 64]}}, {"config.model": {"$ne": {"depth": 3}}}, {"config.dropout": {"$eq": None}}, {"config.debug": {"$eq": True}}]}),
    ("nested key and strings", lambda: (Config("model.name") >= "b") & Summary("phase").in_("train", "eval", 1),
     {"$and": [{"config.model.name": {"$gte": "b"}}, {"summary_metrics.phase": {"$in": ["train", "eval", 1]}}]}),
    ("run state enum", lambda: State.eq(RunState.FINISHED), {"state": {"$eq": "finished"}}),
    ("from a dict", lambda: Filter({"state": "finished"}) & (Config("lr") < 0.1),
     {"$and": [{"state": "finished"}, {"config.lr": {"$lt": 0.1}}]}),
]  # fmt: skip
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("build", "as_dict"), [c[1:] for c in CASES], ids=IDS)
def test_builder_compiles_to_what_the_dict_form_sends(
    build: Callable[[], Filter], as_dict: dict[str, Any]
) -> None:
    built = build()
    expected = validate_filters(as_dict)
    assert dict(built) == expected
    assert built.to_json() == expected and type(built.to_json()) is dict
    assert validate_filters(built) == expected  # what the facade calls


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=IDS)
def test_builder_output_is_pinned(build: Callable[[], Filter], snapshot: SnapshotAssertion) -> None:
    assert build().to_json() == snapshot


def _operators(value: JSONValue) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if k.startswith("$")} | {
            op for v in value.values() for op in _operators(v)
        }
    if isinstance(value, list):
        return {op for v in value for op in _operators(v)}
    return set()


def _fields(value: JSONValue) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if not k.startswith("$")} | {
            f for k, v in value.items() if k.startswith("$") for f in _fields(v)
        }
    if isinstance(value, list):
        return {f for v in value for f in _fields(v)}
    return set()


def test_builder_covers_every_operator_and_field() -> None:
    built = [build().to_json() for _, build, _ in CASES]
    assert set().union(*map(_operators, built)) == LOGICAL | OPERATORS
    keys = set().union(*map(_fields, built))
    aliases = {"created_at", "heartbeat_at", "displayName", "job_type"}  # other spellings
    assert {k for k in keys if "." not in k} | aliases == FIELDS
    assert {k.split(".")[0] for k in keys if "." in k} == {"config", "summary_metrics"}


def test_builder_filters_go_through_api_runs_unchanged(
    demo_server: LocalServer, demo: DemoInfo
) -> None:
    recorder = Recorder()
    api = make_api(demo_server, transport=recorder)
    built = (Config("lr") > 0.001) & State.in_("finished", "running") & ~Tags.eq("debug")
    as_dict = {
        "$and": [
            {"config.lr": {"$gt": 0.001}},
            {"state": {"$in": ["finished", "running"]}},
            {"$nor": [{"tags": {"$eq": "debug"}}]},
        ]
    }
    by_builder = [r.id for r in api.runs("demo/mnist", filters=built, per_page=100)]
    sent_by_builder = [b["variables"] for b in recorder.bodies]
    recorder.bodies.clear()
    by_dict = [r.id for r in api.runs("demo/mnist", filters=as_dict, per_page=100)]
    assert 0 < len(by_builder) < demo.run_counts["mnist"]
    assert by_builder == by_dict
    assert sent_by_builder == [b["variables"] for b in recorder.bodies]


def test_entity_is_a_filter_field(demo_server: LocalServer, demo: DemoInfo) -> None:
    api = make_api(demo_server)
    assert len(api.runs("demo/mnist", filters=Entity.eq("demo"))) == demo.run_counts["mnist"]
    assert len(api.runs("demo/mnist", filters={"entity": "someone-else"})) == 0


NONSENSE: list[tuple[str, Callable[[], object], str]] = [
    ("State.eq(3)", lambda: State.eq(3), r"State\.eq: expected str, got int 3"),  # type: ignore[arg-type]
    ("Tags.in_(1)", lambda: Tags.in_("a", 1), r"Tags\.in_: expected str, got int"),  # type: ignore[arg-type]
    ("Duration > 'x'", lambda: Duration > "x", r"Duration >: expected int or float, got str"),  # type: ignore[operator]
    ("Duration > True", lambda: Duration > True, r"Duration >: a bool cannot be compared"),
    ("CreatedAt < 5", lambda: CreatedAt < 5, r"CreatedAt <: expected date, got int"),  # type: ignore[operator]
    ("Config > list", lambda: Config("lr") > [1], r"Config\('lr'\) >: expected a number, string or datetime, got list"),  # type: ignore[operator]
    ("Config > bool", lambda: Config("lr") >= False, r"Config\('lr'\) >=: expected a number"),
    ("Config eq object", lambda: Config("lr").eq(object()), r"Config\('lr'\)\.eq: expected NoneType or bool"),  # type: ignore[arg-type]
    ("Config eq set", lambda: Config("lr").eq({1}), r"Config\('lr'\)\.eq: expected .*got set"),  # type: ignore[arg-type]
    ("regex not str", lambda: Summary("x").regex(3), r"Summary\('x'\)\.regex: expected str"),  # type: ignore[arg-type]
    ("bad regex", lambda: DisplayName.regex("("), "not a valid regular expression"),
    ("exists not bool", lambda: State.exists("yes"), r"State\.exists: expected True or False"),  # type: ignore[arg-type]
    ("empty in_", lambda: State.in_(), r"State\.in_\(\) needs at least one value"),
    ("and with a dict", lambda: State.eq("x") & {"state": "y"}, r"& combines two filters, got dict"),  # type: ignore[operator]
    ("or with a number", lambda: State.eq("x") | 3, r"\| combines two filters, got int"),  # type: ignore[operator]
    ("bool of a filter", lambda: bool(State.eq("x")), "a filter has no truth value"),
    ("chained comparison", lambda: 0 < Config("x") < 1, "a filter has no truth value"),
    ("and keyword", lambda: State.eq("x") and State.eq("y"), "a filter has no truth value"),  # type: ignore[unreachable]
    ("empty key", lambda: Config(""), "empty key part"),
    ("empty key part", lambda: Summary("a..b"), "empty key part"),
    ("key not str", lambda: Config(3), "a config key must be a string, got int"),  # type: ignore[arg-type]
    ("Filter of a str", lambda: Filter("state"), "Filter\\(\\) takes a filter dict, got str"),  # type: ignore[arg-type]
    ("Filter of a bad dict", lambda: Filter({"summary.acc": 1}), "summary_metrics"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in NONSENSE], ids=[c[0] for c in NONSENSE]
)
def test_nonsense_is_an_input_error_when_built(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        build()


def test_operators_python_lacks_are_type_errors_at_run_time() -> None:
    with pytest.raises(TypeError):
        ~State  # type: ignore[operator]  # noqa: B018
    with pytest.raises(TypeError):
        _ = State > "a"  # type: ignore[operator]


def test_misused_fields_get_a_hint_from_validate_filters() -> None:
    with pytest.raises(InputError, match=r"got bool \(== on a field compares objects"):
        validate_filters(State == "finished")  # type: ignore[comparison-overlap]
    with pytest.raises(InputError, match=r"a field alone is not a condition: write State\.eq"):
        validate_filters(State)


def test_builder_depth_and_size_match_the_validator() -> None:
    deep = State.eq("x")  # its value sits one level down
    for _ in range(MAX_DEPTH - 2):
        deep = ~deep
    assert validate_filters(~deep) == (~deep).to_json()  # MAX_DEPTH levels: fine for both
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} levels"):
        ~~deep  # noqa: B018
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} levels"):
        validate_filters({"$nor": [(~deep).to_json()]})
    wide = Name.in_(*[f"r{i}" for i in range(MAX_NODES // 2 - 100)])
    both = wide | Name.in_(*[f"s{i}" for i in range(MAX_NODES // 2 - 100)])
    assert len(validate_filters(both) or {}) == 1
    with pytest.raises(InputError, match=f"more than {MAX_NODES} values"):
        both | Name.in_(*[f"t{i}" for i in range(300)])


def test_a_filter_is_a_read_only_mapping_and_to_json_is_a_copy() -> None:
    built = Config("lr") > 0.1
    assert dict(built) == {"config.lr": {"$gt": 0.1}}
    assert list(built) == ["config.lr"] and len(built) == 1
    copy = built.to_json()
    copy["config.lr"] = 0
    assert built["config.lr"] == {"$gt": 0.1}
    assert not hasattr(built, "__setitem__")
    assert repr(built) == "Filter({'config.lr': {'$gt': 0.1}})"
    assert Filter(built) == built
    assert repr(Config("lr")) == "Config('lr')" and repr(State) == "State"
