"""What else the run SDK (wandb-core) asks: ``Query.model`` (``Query.project`` by its
old name), ``Project.bucket`` (a run, when ``wandb.init(resume=...)`` asks whether it
exists), the resume fields of ``Run`` (``eventsLineCount``, ``historyTail``,
``eventsTail``, ``wandbConfig``), and the features the local server does not build,
answered with an ``UNSUPPORTED`` error naming them: resuming an existing run,
``rewindRun`` and ``notifyScriptableRunAlert`` (``wandb.alert``).

Readable with the project, like every run field; the refused mutations check the
caller's write access first, so a stranger learns nothing from them.
"""

from __future__ import annotations

import json
from typing import Any, cast

from ariadne import MutationType, ObjectType, QueryType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._artifacts import run_for_write
from ._common import request_context
from .artifact_writes import unsupported
from .projects import resolve_project

__all__ = ["BINDABLES"]

#: Rows of ``historyTail``/``eventsTail``.
TAIL_ROWS = 10

query = QueryType()


@query.field("model")
def resolve_model(
    _: None, info: GraphQLResolveInfo, name: str | None = None, entityName: str | None = None
) -> Row | None:
    """``Query.model``: ``Query.project`` under wandb-core's name; null unless readable."""
    found: Row | None = resolve_project(None, info, name=name, entityName=entityName)
    return found


project_type = ObjectType("Project")


@project_type.field("bucket")
def resolve_bucket(
    project: Row,
    info: GraphQLResolveInfo,
    name: str,
    missingOk: bool | None = None,
    desc: str | None = None,
) -> Row | None:
    """``Project.bucket``: null for a run that does not exist (``wandb.init`` then
    creates it); resuming an existing run is ``UNSUPPORTED`` (``desc`` does not
    change a lookup by name)."""
    row = request_context(info).store.run(int(project["_row"]["id"]), name)
    if row is None:
        return None
    raise unsupported(f"resuming run {name!r}")


run_type = ObjectType("Run")


@run_type.field("eventsLineCount")
def resolve_events_line_count(run: Row, info: GraphQLResolveInfo) -> int:
    """``Run.eventsLineCount``: how many system-metrics rows the run has."""
    store = request_context(info).store
    return int(store._scalar("SELECT count(*) FROM events WHERE run_id = ?", (run["_row"]["id"],)))  # pyright: ignore[reportPrivateUsage]


def _tail(info: GraphQLResolveInfo, run: Row, table: str, order: str) -> str:
    store = request_context(info).store
    rows = store._all(  # pyright: ignore[reportPrivateUsage]
        f"SELECT row FROM (SELECT row, {order} AS o FROM {table} WHERE run_id = ?"
        " ORDER BY o DESC LIMIT ?) ORDER BY o",
        (run["_row"]["id"], TAIL_ROWS),
    )
    return json.dumps([str(r["row"]) for r in rows])


@run_type.field("historyTail")
def resolve_history_tail(run: Row, info: GraphQLResolveInfo) -> str:
    """``Run.historyTail``: the last history rows, a JSON list of JSON-encoded rows."""
    return _tail(info, run, "history", "step")


@run_type.field("eventsTail")
def resolve_events_tail(run: Row, info: GraphQLResolveInfo) -> str:
    """``Run.eventsTail``: the last system-metrics rows, like ``historyTail``."""
    return _tail(info, run, "events", "seq")


@run_type.field("wandbConfig")
def resolve_wandb_config(run: Row, info: GraphQLResolveInfo, keys: list[str] | None = None) -> str:
    """``Run.wandbConfig``: the SDK's own ``_wandb`` config values, only ``keys`` when given."""
    config: dict[str, Any] = json.loads(run["_row"]["config"] or "{}")
    own: object = config.get("_wandb", {})
    if isinstance(own, dict) and "value" in own:
        own = cast("dict[str, object]", own)["value"]
    values: dict[str, object] = cast("dict[str, object]", own) if isinstance(own, dict) else {}
    if keys is not None:
        values = {k: v for k, v in values.items() if k in keys}
    return json.dumps(values)


mutation = MutationType()


@mutation.field("rewindRun")
def resolve_rewind_run(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.rewindRun``: ``UNSUPPORTED`` (after checking write access to the run)."""
    ctx = request_context(info)
    entity = str(input.get("entityName") or ctx.viewer["username"])
    run_for_write(ctx, entity, str(input.get("projectName") or ""), str(input["runName"]))
    raise unsupported("rewinding a run")


@mutation.field("notifyScriptableRunAlert")
def resolve_alert(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.notifyScriptableRunAlert`` (``wandb.alert``): ``UNSUPPORTED`` (after
    checking write access to the run)."""
    ctx = request_context(info)
    run_for_write(ctx, str(input["entityName"]), str(input["projectName"]), str(input["runName"]))
    raise unsupported("run alerts")


BINDABLES: list[SchemaBindable] = [query, project_type, run_type, mutation]
