"""Sweep agents: ``Sweep.agents``/``agent`` (readable with the sweep's project) and
``createAgent`` (members of the project's entity only)."""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import gid, not_found, request_context

__all__ = ["BINDABLES", "agent_node"]


def agent_node(row: Row) -> Row:
    """An Agent from a ``sweep_agents`` row."""
    return {
        "_row": row,
        "id": gid("Agent", int(row["id"])),
        "name": row["name"],
        "host": row["host"],
        "state": row["state"],
        "totalRuns": int(row["total_runs"]),
        "createdAt": row["created_at"],
        "heartbeatAt": row["heartbeat_at"],
    }


sweep_type = ObjectType("Sweep")


@sweep_type.field("agents")
def resolve_agents(sweep: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    """``Sweep.agents``: the sweep's agents, oldest first (at most 1,000)."""
    rows = request_context(info).store.agents_of(int(sweep["_row"]["id"]))
    return {
        "edges": [{"node": agent_node(r), "cursor": str(r["id"])} for r in rows],
        "pageInfo": {
            "startCursor": None,
            "endCursor": str(rows[-1]["id"]) if rows else None,
            "hasNextPage": False,
            "hasPreviousPage": False,
        },
    }


@sweep_type.field("agent")
def resolve_agent(sweep: Row, info: GraphQLResolveInfo, agentName: str | None = None) -> Row | None:
    """``Sweep.agent``: one of the sweep's agents by name, or null."""
    row = request_context(info).store.agent(int(sweep["_row"]["id"]), agentName or "")
    return agent_node(row) if row else None


mutation = MutationType()


@mutation.field("createAgent")
def resolve_create_agent(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createAgent``: register an agent of a sweep; members of the sweep's
    entity only."""
    ctx = request_context(info)
    entity = str(input.get("entityName") or ctx.viewer["username"])
    project_name = str(input.get("projectName") or "uncategorized")
    ctx.require_write(entity)
    project = ctx.store.project(entity, project_name)
    sweep = ctx.store.sweep(int(project["id"]), str(input["sweep"])) if project else None
    if sweep is None:
        raise not_found(f"sweep {str(input['sweep'])[:100]!r}")
    row = ctx.store.create_agent(int(sweep["id"]), str(input["host"])[:1000])
    return {"agent": agent_node(row), "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [sweep_type, mutation]
