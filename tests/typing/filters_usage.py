"""User-style code with the typed filter builder, its types pinned with ``assert_type``.

Checked by ``test_query_typing.py`` with mypy ``--strict --disallow-any-expr`` and
basedpyright in strict mode: a built filter is a ``Filter`` everywhere, and it is
accepted wherever a filter dict is. Never executed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone

from typing_extensions import assert_type

from wandb_typed import Api, AsyncApi, RunState
from wandb_typed.filters import (
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
from wandb_typed.types import JSONObject, JSONValue


def built_filters() -> list[Filter]:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    example = (Config("lr") > 0.01) & (Summary("acc") >= 0.9) & State.in_("finished", "running")
    assert_type(example, Filter)
    assert_type(Config("lr") > 1, Filter)
    assert_type(0.5 < Config("lr"), Filter)  # noqa: SIM300 (the reflected operator)
    assert_type(Config("name") <= "b", Filter)
    assert_type(Config("when") < since, Filter)
    assert_type(Config("layers").eq([64, 64]), Filter)
    assert_type(Config("model").ne({"depth": 3}), Filter)
    assert_type(Config("dropout").eq(None), Filter)
    assert_type(Config("opt").in_("adam", "sgd"), Filter)
    assert_type(Summary("phase").regex("^tr"), Filter)
    assert_type(Summary("best").exists(), Filter)
    assert_type(Duration >= 10, Filter)
    assert_type(Duration < 3600.5, Filter)
    assert_type(CreatedAt > since, Filter)
    assert_type(HeartbeatAt <= date(2024, 6, 30), Filter)
    assert_type(State.eq(RunState.FINISHED), Filter)
    assert_type(Tags.eq("baseline") | Tags.eq("v2"), Filter)
    assert_type(~DisplayName.regex("^brave-"), Filter)
    assert_type(Name.nin("a", "b") & Username.eq("demo") & Sweep.eq("sw1"), Filter)
    assert_type(Entity.eq("demo") & Group.ne("g") & Host.exists(False) & JobType.eq("eval"), Filter)
    assert_type(Filter({"state": "finished"}) & example, Filter)
    return [example, Filter({"config.lr": {"$gt": 0.1}})]


def as_json(built: Filter) -> None:
    assert_type(built.to_json(), JSONObject)
    assert_type(built["$and"], JSONValue)
    assert_type(validate_filters(built), JSONObject | None)
    mapping: Mapping[str, object] = built  # a Filter is a read-only filter mapping
    assert_type(len(mapping), int)


async def with_the_api(api: Api, aapi: AsyncApi) -> None:
    built = (Config("lr") > 0.01) & State.eq("finished")
    for run in api.runs("demo/mnist", filters=built):
        assert_type(run.id, str)
    assert_type(len(api.runs("demo/mnist", filters=Entity.eq("demo"))), int)
    async for arun in aapi.runs("demo/mnist", filters=~Tags.eq("debug")):
        assert_type(arun.id, str)
