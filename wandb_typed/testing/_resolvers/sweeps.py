"""Sweeps: ``Project.sweep``/``sweeps``/``totalSweeps``, ``Sweep.project`` and
``upsertSweep``.  A sweep is readable with its project (reached only through a
readable one); writes need membership of the project's entity."""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreError
from ._common import (
    EMPTY_CONNECTION,
    connection,
    gid,
    json_text_arg,
    not_found,
    parse_gid,
    request_context,
)
from .projects import project_node, writable_project

__all__ = ["BINDABLES", "sweep_node"]


def sweep_node(row: Row) -> Row:
    """A Sweep from a ``sweeps`` row (with its run count)."""
    return {
        "_row": row,
        "id": gid("Sweep", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "method": row["method"],
        "state": row["state"],
        "description": row["description"],
        "bestLoss": row["best_loss"],
        "config": row["config"],
        "controller": row["controller"],
        "scheduler": row["scheduler"],
        "earlyStopJobRunning": False,
        "runCount": int(row["run_count"]),
        "runCountExpected": row["run_count_expected"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "heartbeatAt": row["updated_at"],
        "agent": None,
        "agents": EMPTY_CONNECTION,
    }


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("sweep")
def resolve_sweep(
    project: Row, info: GraphQLResolveInfo, sweepName: str | None = None
) -> Row | None:
    """``Project.sweep``: one of the (readable) project's sweeps by name, or null."""
    if not sweepName:
        return None
    row = request_context(info).store.sweep(int(project["_row"]["id"]), sweepName)
    return sweep_node(row) if row else None


@project_type.field("sweeps")
def resolve_sweeps(
    project: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    """``Project.sweeps``: the project's sweeps, paged in SQL."""
    page = request_context(info).store.sweeps_page(int(project["_row"]["id"]), first, after)
    return connection(page, sweep_node)


@project_type.field("totalSweeps")
def resolve_total_sweeps(project: Row, info: GraphQLResolveInfo) -> int:
    """``Project.totalSweeps``: how many sweeps the project has (one count query)."""
    return request_context(info).store.sweep_count(int(project["_row"]["id"]))


# ---------------------------------------------------------------------- Sweep
sweep_type = ObjectType("Sweep")


@sweep_type.field("project")
def resolve_sweep_project(sweep: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Sweep.project``: the project the sweep belongs to."""
    row = request_context(info).project_row(int(sweep["_row"]["project_id"]))
    return project_node(row) if row else None


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("upsertSweep")
def resolve_upsert_sweep(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.upsertSweep``: create a sweep (no ``id``; needs ``config`` YAML) or
    update one by global id; members of the project's entity only."""
    ctx = request_context(info)
    description = input.get("description")
    display_name = input.get("displayName")
    controller = json_text_arg(input.get("controller"))
    scheduler = json_text_arg(input.get("scheduler"))
    try:
        if input.get("id"):
            sweep = ctx.store.sweep_by_id(parse_gid(input["id"], "Sweep"))
            if sweep is None:
                raise not_found(f"sweep {input['id']}")
            writable_project(ctx, int(sweep["project_id"]))
            row = ctx.store.update_sweep(
                int(sweep["id"]),
                config=input.get("config"),
                state=input.get("state"),
                description=description,
                display_name=display_name,
                controller=controller,
                scheduler=scheduler,
            )
        else:
            if not input.get("config"):
                raise GraphQLError("upsertSweep needs a config to create a sweep")
            entity = str(input.get("entityName") or ctx.viewer["username"])
            ctx.require_write(entity)
            row = ctx.store.create_sweep(
                entity,
                str(input.get("projectName") or "uncategorized"),
                str(input["config"]),
                state=str(input.get("state") or "PENDING"),
                description=description,
                display_name=display_name,
                controller=controller,
                scheduler=scheduler,
                username=str(ctx.viewer["username"]),
            )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    return {
        "sweep": sweep_node(row),
        "configValidationWarnings": [],
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [project_type, sweep_type, mutation]
