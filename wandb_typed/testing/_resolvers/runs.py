"""Runs ("buckets"): ``Project.runs``/``runCount``/``run``, ``Sweep.runs``, the ``Run``
fields of the run itself, and the run mutations (``upsertBucket``, ``deleteRun``,
``updateRunState``, ``stopRun``).

A run is readable with its project (runs are reached only through a readable
project, or a sweep of one); writes need membership of the project's entity.  A
page of runs is one SQL query (user, sweep name and file count joined in), with
filters and order compiled to SQL by ``_filters``.  ``config(keys:)`` and
``summaryMetrics(keys:)`` project the JSON text onto the given top-level keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreError
from ._common import (
    EMPTY_CONNECTION,
    RequestContext,
    connection,
    gid,
    json_object_arg,
    not_found,
    parse_gid,
    request_context,
)
from .projects import project_node, writable_project
from .sweeps import sweep_node
from .users import user_node

__all__ = ["BINDABLES", "run_node"]


# ---------------------------------------------------------------------- nodes
def _run_user(row: Row) -> Row | None:
    if row.get("user_id") is None:
        return None
    return user_node(
        {
            "id": row["user_id"],
            "name": row["user_name"],
            "username": row["user_username"],
            "email": row["user_email"],
            "admin": row["user_admin"],
        }
    )


def run_node(row: Row) -> Row:
    """A Run from a run row (``RUN_COLUMNS``: user, sweep name, file count joined in)."""
    state = row["state"]
    return {
        "_row": row,
        "id": gid("Run", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "state": state,
        "tags": json.loads(row["tags"]),
        "group": row["group_name"],
        "jobType": row["job_type"],
        "host": row["host"],
        "notes": row["notes"],
        "description": row["description"],
        "commit": row["commit_hash"],
        "sweepName": row["sweep_name"],
        "projectId": int(row["project_id"]),
        "createdAt": row["created_at"],
        "heartbeatAt": row["heartbeat_at"],
        "exitcode": row["exitcode"],
        "shouldStop": bool(row["should_stop"]),
        "failed": state in ("failed", "crashed"),
        "stopped": state == "killed" or bool(row["should_stop"]),
        "running": state == "running",
        "user": _run_user(row),
        "systemMetrics": row["system_metrics"],
        "historyLineCount": int(row["history_line_count"]),
        "fileCount": int(row["file_count"]),
        "inputArtifacts": EMPTY_CONNECTION,
        "outputArtifacts": EMPTY_CONNECTION,
    }


def _project_json(text: str | None, keys: Sequence[str] | None) -> str | None:
    """W&B's ``config(keys:)``/``summaryMetrics(keys:)``: keep only the given keys."""
    if text is None or keys is None:
        return text
    data = json.loads(text)
    return json.dumps({key: data[key] for key in keys if key in data})


# ---------------------------------------------------------------------- Project / Sweep
project_type = ObjectType("Project")


@project_type.field("runs")
def resolve_runs(
    project: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    """``Project.runs``: the project's runs, filtered, ordered and paged in SQL."""
    page = request_context(info).store.runs_page(
        int(project["_row"]["id"]), filters=filters, order=order, first=first, after=after
    )
    return connection(page, run_node)


@project_type.field("runCount")
def resolve_run_count(project: Row, info: GraphQLResolveInfo, filters: object = None) -> int:
    """``Project.runCount``: how many runs match ``filters`` (one count query)."""
    return request_context(info).store.run_count(int(project["_row"]["id"]), filters)


@project_type.field("run")
def resolve_run(project: Row, info: GraphQLResolveInfo, name: str) -> Row | None:
    """``Project.run``: one of the project's runs by name (its id), or null."""
    row = request_context(info).store.run(int(project["_row"]["id"]), name)
    return run_node(row) if row else None


sweep_type = ObjectType("Sweep")


@sweep_type.field("runs")
def resolve_sweep_runs(
    sweep: Row,
    info: GraphQLResolveInfo,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Sweep.runs``: the sweep's runs, ordered and paged in SQL."""
    row = sweep["_row"]
    page = request_context(info).store.runs_page(
        int(row["project_id"]), order=order, first=first, after=after, sweep_id=int(row["id"])
    )
    return connection(page, run_node)


# ---------------------------------------------------------------------- Run
run_type = ObjectType("Run")


@run_type.field("readOnly")
def resolve_run_read_only(run: Row, info: GraphQLResolveInfo) -> bool:
    """``Run.readOnly``: true unless the viewer is a member of the project's entity."""
    ctx = request_context(info)
    project = ctx.project_row(int(run["projectId"]))
    return project is None or not ctx.is_member(int(project["entity_id"]))


@run_type.field("project")
def resolve_run_project(run: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Run.project``: the project the run belongs to."""
    row = request_context(info).project_row(int(run["projectId"]))
    return project_node(row) if row else None


@run_type.field("sweep")
def resolve_run_sweep(run: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Run.sweep``: the sweep that started the run, if any."""
    sweep_id = run["_row"]["sweep_id"]
    row = request_context(info).store.sweep_by_id(int(sweep_id)) if sweep_id is not None else None
    return sweep_node(row) if row else None


@run_type.field("config")
def resolve_config(run: Row, info: GraphQLResolveInfo, keys: list[str] | None = None) -> str | None:
    """``Run.config``: the config as JSON text, only ``keys`` when given."""
    return _project_json(run["_row"]["config"], keys)


@run_type.field("summaryMetrics")
def resolve_summary(
    run: Row, info: GraphQLResolveInfo, keys: list[str] | None = None, **_: object
) -> str | None:
    """``Run.summaryMetrics``: the summary as JSON text, only ``keys`` when given."""
    return _project_json(run["_row"]["summary"], keys)


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


def _writable_run(ctx: RequestContext, run_gid: object) -> Row:
    """The run a global id names, if the viewer may write its project (else the
    errors of :func:`~.projects.writable_project`, or not found)."""
    row = ctx.store.run_by_id(parse_gid(run_gid, "Run"))
    if row is None:
        raise not_found(f"run {run_gid}")
    writable_project(ctx, int(row["project_id"]))
    return row


_UPSERT_FIELDS = {
    "displayName": "display_name",
    "description": "description",
    "notes": "notes",
    "tags": "tags",
    "groupName": "group",
    "jobType": "job_type",
    "state": "state",
    "host": "host",
    "sweep": "sweep",
    "commit": "commit",
}


@mutation.field("upsertBucket")
def resolve_upsert_bucket(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.upsertBucket``: create a run (no ``id``) or update one (``id`` =
    storage id), like W&B; members of the project's entity only."""
    ctx = request_context(info)
    changes: dict[str, Any] = {
        column: input[key] for key, column in _UPSERT_FIELDS.items() if input.get(key) is not None
    }
    if input.get("config") is not None:
        changes["config"] = json_object_arg(input["config"], "config")
    if input.get("summaryMetrics") is not None:
        changes["summary"] = json_object_arg(input["summaryMetrics"], "summaryMetrics")
    try:
        if input.get("id"):
            row = _writable_run(ctx, input["id"])
            inserted = False
            if changes:
                row = ctx.store.update_run(int(row["id"]), **changes)
        else:
            entity = str(input.get("entityName") or ctx.viewer["username"])
            project = str(input.get("modelName") or "uncategorized")
            ctx.require_write(entity)
            row, inserted = ctx.store.upsert_run(
                entity,
                project,
                input.get("name"),
                username=str(ctx.viewer["username"]),
                **changes,
            )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    return {
        "bucket": run_node(row),
        "inserted": inserted,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteRun")
def resolve_delete_run(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteRun``: delete a run (and, if asked, the artifacts it logged);
    members of the project's entity only."""
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    if input.get("deleteArtifacts"):  # else they stay, without their creator
        ctx.store.artifacts.delete_logged_by(int(row["id"]))
    ctx.store.delete_run(int(row["id"]))
    return {"clientMutationId": input.get("clientMutationId")}


@mutation.field("updateRunState")
def resolve_update_run_state(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateRunState``: set a run's state; members of the entity only."""
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    ctx.store.update_run(int(row["id"]), state=str(input["state"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("stopRun")
def resolve_stop_run(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.stopRun``: ask a run to stop (``shouldStop``); members only."""
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    ctx.store.update_run(int(row["id"]), should_stop=True)
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [project_type, sweep_type, run_type, mutation]
