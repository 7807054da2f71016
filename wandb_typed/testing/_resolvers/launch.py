"""Launch: run queues and their items (``Project.runQueue``/``runQueues``, the
``RunQueue`` fields, ``Entity.defaultResourceConfig``/``launchProject``) and the
launch mutations (resource configs, queues, pushing, deleting, and what a launch
agent sends: ``popFromRunQueue``, ``ackRunQueueItem``, ``failRunQueueItem``).

A queue is readable with its project; every write needs membership of the
project's entity. A resource config is readable by members of its entity only.
"""

from __future__ import annotations

import json
from typing import Any, cast

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row, StoreError
from ._common import (
    RequestContext,
    gid,
    json_arg,
    json_object_arg,
    json_text_arg,
    not_found,
    parse_gid,
    request_context,
)
from .projects import project_node, writable_project

__all__ = ["BINDABLES"]

#: The project of an entity that holds its queues (what the official client uses).
LAUNCH_PROJECT = "model-registry"
RESOURCES = ("local-container", "local-process", "kubernetes", "sagemaker", "gcp-vertex")


# ---------------------------------------------------------------------- nodes
def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def queue_node(row: Row, entity_name: str) -> Row:
    """A RunQueue from a ``run_queues`` row."""
    config_id = row["resource_config_id"]
    return {
        "_row": row,
        "_entity": entity_name,
        "id": gid("RunQueue", int(row["id"])),
        "name": row["name"],
        "entityName": entity_name,
        "createdBy": row["created_by"],
        "access": row["access"],
        "defaultResourceConfigID": None
        if config_id is None
        else gid("DefaultResourceConfig", int(config_id)),
        "prioritizationMode": row["prioritization_mode"],
        "externalLinks": _json(row["external_links"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def item_node(row: Row) -> Row:
    """A RunQueueItem from a ``run_queue_items`` row."""
    return {
        "id": gid("RunQueueItem", int(row["id"])),
        "state": row["state"],
        "associatedRunId": row["associated_run_id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "runSpec": row["run_spec"],
        "priority": row["priority"],
        "templateVariableValues": row["template_variable_values"],
        "launchAgentId": None,
        "error": _json(row["error"]),
        "warnings": _json(row["warnings"]) or [],
    }


def _template_variables(text: str) -> list[Row]:
    """``{"name": {"schema": {...}, "description": ...}}`` (or ``{"name": schema}``)
    -> the ``TemplateVariable`` list."""
    parsed: object = json.loads(text or "{}")
    out: list[Row] = []
    if isinstance(parsed, dict):
        for name, value in cast("dict[str, object]", parsed).items():
            spec = cast("dict[str, object]", value) if isinstance(value, dict) else None
            if spec is not None and isinstance(spec.get("schema"), dict):
                out.append(
                    {"name": name, "description": spec.get("description"), "schema": spec["schema"]}
                )
            else:
                out.append({"name": name, "description": None, "schema": value})
    return out


def config_node(row: Row) -> Row:
    """A DefaultResourceConfig from a ``resource_configs`` row."""
    return {
        "id": gid("DefaultResourceConfig", int(row["id"])),
        "resource": row["resource"],
        "config": json.loads(row["config"]),
        "templateVariables": _template_variables(row["template_variables"]),
    }


def _readable_project(ctx: RequestContext, entity: str, name: str) -> Row | None:
    row = ctx.store.project(entity, name)
    return row if row is not None and ctx.can_read(row) else None


def _writable_queue(ctx: RequestContext, queue_gid: object) -> Row:
    """The queue a global id names, if the viewer may write its project."""
    row = ctx.store.queue_by_id(parse_gid(queue_gid, "RunQueue"))
    if row is None:
        raise not_found("run queue")
    writable_project(ctx, int(row["project_id"]))
    return row


def _writable_item(ctx: RequestContext, item_gid: object) -> Row:
    """The queue item a global id names, if the viewer may write its queue's project."""
    item = ctx.store.queue_item(parse_gid(item_gid, "RunQueueItem"))
    if item is None:
        raise not_found("run queue item")
    _writable_queue(ctx, gid("RunQueue", int(item["queue_id"])))
    return item


def _writable_project_named(ctx: RequestContext, entity: str, project: str) -> Row:
    """The project ``entity/project`` if the viewer may write it (``NOT_FOUND`` if missing)."""
    ctx.require_write(entity)
    row = ctx.store.project(entity, project)
    if row is None:
        raise not_found(f"project {entity}/{project}")
    return row


def _resource_config_id(ctx: RequestContext, entity: Row, value: object) -> int | None:
    if value is None:
        return None
    config_id = parse_gid(value, "DefaultResourceConfig")
    if ctx.store.resource_config(int(entity["id"]), config_id) is None:
        raise not_found("default resource config")
    return config_id


# ---------------------------------------------------------------------- Project / Entity
project_type = ObjectType("Project")


@project_type.field("runQueue")
def resolve_run_queue(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``Project.runQueue``: one of the project's queues by name (readable with it)."""
    row = request_context(info).store.queue(int(project["_row"]["id"]), name or "")
    return queue_node(row, str(project["entityName"])) if row else None


@project_type.field("runQueues")
def resolve_run_queues(project: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Project.runQueues``: the project's queues (readable with it)."""
    rows = request_context(info).store.queues(int(project["_row"]["id"]))
    return [queue_node(r, str(project["entityName"])) for r in rows]


@project_type.field("launchAgents")
def resolve_launch_agents(project: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Project.launchAgents``: always empty. The local server runs no launch agents
    (``createLaunchAgent`` has no resolver), so none ever polls a queue here."""
    return []


entity_type = ObjectType("Entity")


@entity_type.field("defaultResourceConfig")
def resolve_default_resource_config(
    entity: Row, info: GraphQLResolveInfo, id: str | None = None
) -> Row | None:
    """``Entity.defaultResourceConfig``: a resource config of the entity by id;
    members of the entity only (null for anyone else)."""
    ctx = request_context(info)
    if id is None or not ctx.is_member(int(entity["_row"]["id"])):
        return None
    row = ctx.store.resource_config(
        int(entity["_row"]["id"]), parse_gid(id, "DefaultResourceConfig")
    )
    return config_node(row) if row else None


@entity_type.field("launchProject")
def resolve_launch_project(entity: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Entity.launchProject``: the entity's ``model-registry`` project, if readable."""
    row = _readable_project(request_context(info), str(entity["name"]), LAUNCH_PROJECT)
    return project_node(row) if row else None


# ---------------------------------------------------------------------- RunQueue
run_queue_type = ObjectType("RunQueue")


@run_queue_type.field("defaultResourceConfig")
def resolve_queue_config(queue: Row, info: GraphQLResolveInfo) -> Row | None:
    """``RunQueue.defaultResourceConfig``: the queue's config (readable with the queue)."""
    row = queue["_row"]
    if row["resource_config_id"] is None:
        return None
    project = request_context(info).project_row(int(row["project_id"]))
    if project is None:
        return None
    config = request_context(info).store.resource_config(
        int(project["entity_id"]), int(row["resource_config_id"])
    )
    return config_node(config) if config else None


@run_queue_type.field("runQueueItems")
def resolve_queue_items(
    queue: Row, info: GraphQLResolveInfo, first: int | None = None, **_: object
) -> Row:
    """``RunQueue.runQueueItems``: the queue's items, oldest first (at most 100)."""
    rows = request_context(info).store.queue_items(int(queue["_row"]["id"]), first or 100)
    return {
        "edges": [{"node": item_node(r), "cursor": str(r["id"])} for r in rows],
        "pageInfo": {
            "startCursor": None,
            "endCursor": str(rows[-1]["id"]) if rows else None,
            "hasNextPage": False,
            "hasPreviousPage": False,
        },
    }


@run_queue_type.field("runQueueItem")
def resolve_queue_item(queue: Row, info: GraphQLResolveInfo, id: str | None = None) -> Row | None:
    """``RunQueue.runQueueItem``: one item of the queue by id, or null."""
    if id is None:
        return None
    row = request_context(info).store.queue_item(parse_gid(id, "RunQueueItem"))
    if row is None or row["queue_id"] != queue["_row"]["id"]:
        return None
    return item_node(row)


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("createDefaultResourceConfig")
def resolve_create_config(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createDefaultResourceConfig``: store a resource config for the
    entity's queues; members of the entity only."""
    ctx = request_context(info)
    entity = ctx.require_write(str(input["entityName"]))
    if input["resource"] not in RESOURCES:
        raise StoreError(f"unknown resource {str(input['resource'])[:50]!r}")
    config_id = ctx.store.create_resource_config(
        int(entity["id"]),
        str(input["resource"]),
        json_object_arg(input["config"], "config"),
        json_text_arg(input.get("templateVariables")),
    )
    return {
        "success": True,
        "defaultResourceConfigID": gid("DefaultResourceConfig", config_id),
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("createRunQueue")
def resolve_create_run_queue(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createRunQueue``: a new queue in a project; members only; a name
    the project has is a conflict."""
    ctx = request_context(info)
    entity_name, project_name = str(input["entityName"]), str(input["projectName"])
    project = _writable_project_named(ctx, entity_name, project_name)
    entity = ctx.require_write(entity_name)
    row = ctx.store.create_queue(
        int(project["id"]),
        str(input["queueName"]),
        access=str(input["access"]),
        prioritization_mode=input.get("prioritizationMode"),
        resource_config_id=_resource_config_id(ctx, entity, input.get("defaultResourceConfigID")),
        created_by=int(ctx.viewer["id"]),
    )
    return {
        "success": True,
        "queueID": gid("RunQueue", int(row["id"])),
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("upsertRunQueue")
def resolve_upsert_run_queue(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.upsertRunQueue``: create a queue, or replace its resource config,
    template variables, links and prioritization; members only."""
    ctx = request_context(info)
    entity_name, project_name = str(input["entityName"]), str(input["projectName"])
    project = _writable_project_named(ctx, entity_name, project_name)
    entity = ctx.require_write(entity_name)
    if input["resourceType"] not in RESOURCES:
        raise StoreError(f"unknown resource {str(input['resourceType'])[:50]!r}")
    config_id = ctx.store.create_resource_config(
        int(entity["id"]),
        str(input["resourceType"]),
        json_object_arg(input["resourceConfig"], "resourceConfig"),
        json_text_arg(input.get("templateVariables")),
    )
    links = json_text_arg(input.get("externalLinks"))
    mode = input.get("prioritizationMode")
    existing = ctx.store.queue(int(project["id"]), str(input["queueName"]))
    if existing is None:
        ctx.store.create_queue(
            int(project["id"]),
            str(input["queueName"]),
            access="PROJECT",
            prioritization_mode=mode,
            resource_config_id=config_id,
            external_links=links,
            created_by=int(ctx.viewer["id"]),
        )
    else:
        ctx.store.update_queue(
            int(existing["id"]),
            prioritization_mode=mode,
            resource_config_id=config_id,
            external_links=links,
        )
    return {
        "success": True,
        "configSchemaValidationErrors": [],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteRunQueues")
def resolve_delete_run_queues(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteRunQueues``: delete queues (and their items); members of each
    queue's entity only (all are checked before any is deleted)."""
    ctx = request_context(info)
    ids = list(input["queueIDs"])
    if len(ids) > 100:
        raise StoreError("at most 100 queues per request")
    rows = [_writable_queue(ctx, queue_id) for queue_id in ids]
    for row in rows:
        ctx.store.delete_queue(int(row["id"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


def _push(ctx: RequestContext, queue: Row, input: Row) -> Row:
    priority = input.get("priority")
    if priority is not None and not 0 <= int(priority) <= 4:
        raise StoreError("priority must be between 0 (highest) and 4")
    item = ctx.store.push_queue_item(
        int(queue["id"]),
        json_object_arg(input["runSpec"], "runSpec"),
        priority=priority,
        template_variable_values=json_text_arg(input.get("templateVariableValues")),
    )
    return {
        "runQueueItemId": gid("RunQueueItem", int(item["id"])),
        "runSpec": item["run_spec"],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("pushToRunQueueByName")
def resolve_push_by_name(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.pushToRunQueueByName``: enqueue a launch spec on a queue named by
    entity, project and name; members only."""
    ctx = request_context(info)
    project = _writable_project_named(ctx, str(input["entityName"]), str(input["projectName"]))
    queue = ctx.store.queue(int(project["id"]), str(input["queueName"]))
    if queue is None:
        raise not_found(f"run queue {str(input['queueName'])[:100]!r}")
    return _push(ctx, queue, input)


@mutation.field("pushToRunQueue")
def resolve_push(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.pushToRunQueue``: enqueue a launch spec on a queue by id; members only."""
    ctx = request_context(info)
    return _push(ctx, _writable_queue(ctx, input["queueID"]), input)


@mutation.field("deleteFromRunQueue")
def resolve_delete_from_run_queue(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteFromRunQueue``: take an item off a queue; members only."""
    ctx = request_context(info)
    queue = _writable_queue(ctx, input["queueID"])
    item_id = parse_gid(input["runQueueItemId"], "RunQueueItem")
    if not ctx.store.delete_queue_item(int(queue["id"]), item_id):
        raise not_found("run queue item")
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("popFromRunQueue")
def resolve_pop(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.popFromRunQueue``: a launch agent takes the next pending item of a
    queue (lowest priority first, then oldest): it becomes LEASED; members only."""
    ctx = request_context(info)
    project = _writable_project_named(ctx, str(input["entityName"]), str(input["projectName"]))
    queue = ctx.store.queue(int(project["id"]), str(input.get("queueName") or ""))
    if queue is None:
        raise not_found("run queue")
    pending = [r for r in ctx.store.queue_items(int(queue["id"]), 100) if r["state"] == "PENDING"]
    if not pending:
        return {"runQueueItemId": None, "runSpec": None}
    item = min(pending, key=lambda r: (r["priority"] if r["priority"] is not None else 2, r["id"]))
    ctx.store.lease_queue_item(int(item["id"]))
    return {"runQueueItemId": gid("RunQueueItem", int(item["id"])), "runSpec": item["run_spec"]}


@mutation.field("ackRunQueueItem")
def resolve_ack(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.ackRunQueueItem``: a launch agent started the item's run: the item
    is CLAIMED and bound to the run; members only."""
    ctx = request_context(info)
    item = _writable_item(ctx, input["runQueueItemId"])
    ctx.store.claim_queue_item(int(item["id"]), str(input["runName"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("failRunQueueItem")
def resolve_fail(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.failRunQueueItem``: a launch agent could not start the item: it is
    FAILED, with the agent's message; members only."""
    ctx = request_context(info)
    item = _writable_item(ctx, input["runQueueItemId"])
    paths = json_arg(input.get("filePaths") or [], "filePaths")
    ctx.store.fail_queue_item(
        int(item["id"]),
        str(input.get("message") or "")[:10_000],
        str(input.get("stage") or "agent")[:100],
        [str(p)[:1000] for p in paths][:100],
    )
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [project_type, entity_type, run_queue_type, mutation]
