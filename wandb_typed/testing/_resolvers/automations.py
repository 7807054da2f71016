"""Automations (W&B "triggers"): ``Entity.triggers``, ``Organization.triggers``,
``Project.triggers``, the ``Trigger`` fields, and ``createFilterTrigger``,
``updateFilterTrigger`` and ``deleteTrigger``.

A trigger belongs to the entity of its scope: a project, a registry or an artifact
collection (an entity scope is refused: this server reports
``AUTOMATION_SCOPE_ENTITY`` off). It is visible to whoever may read its scope, and
created, changed or deleted by whoever may write to it (a registry's: its admins).
Its action sends through an integration the writer may use (:mod:`.integrations`):
a Slack one for a notification, a webhook for a webhook. What the client sent is
kept as sent: the event filter is answered as stored for run events and wrapped as
``{"filter": ...}`` for artifact events, as W&B answers it.
"""

from __future__ import annotations

import json
from typing import Any, cast

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from ._common import (
    RequestContext,
    connection,
    gid,
    json_arg,
    not_found,
    parse_gid,
    request_context,
)
from .artifact_collections import collection_nodes
from .integrations import integration_node, uses_entity
from .projects import project_node
from .users import entity_node, user_node

__all__ = ["BINDABLES"]

RUN_EVENTS = frozenset({"RUN_METRIC", "RUN_METRIC_CHANGE", "RUN_METRIC_ZSCORE", "RUN_STATE"})
ARTIFACT_EVENTS = frozenset(
    {
        "CREATE_ARTIFACT", "LINK_MODEL", "UNLINK_ARTIFACT", "ADD_ARTIFACT_ALIAS",
        "ADD_ARTIFACT_TAG", "REMOVE_ARTIFACT_TAG", "ADD_COLLECTION_TAG", "REMOVE_COLLECTION_TAG",
    }
)  # fmt: skip
#: Action type -> (its key in ``triggeredActionConfig``, the integration kind it needs).
ACTIONS: dict[str, tuple[str, str | None]] = {
    "NOTIFICATION": ("notificationActionInput", "SLACK"),
    "GENERIC_WEBHOOK": ("genericWebhookActionInput", "WEBHOOK"),
    "NO_OP": ("noOpActionInput", None),
}


def _bad(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST"})


# ---------------------------------------------------------------------- nodes
def trigger_node(row: Row) -> Row:
    """A Trigger from a ``triggers`` row (scope, event and action resolve lazily)."""
    return {
        "_row": row,
        "id": gid("Trigger", int(row["id"])),
        "name": row["name"],
        "description": row["description"],
        "enabled": bool(row["enabled"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


trigger_type = ObjectType("Trigger")


@trigger_type.field("scope")
def resolve_trigger_scope(trigger: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Trigger.scope``: the project (registry), artifact collection or entity."""
    ctx = request_context(info)
    row = trigger["_row"]
    return _scope_node(ctx, str(row["scope_type"]), int(row["scope_id"]))


@trigger_type.field("triggeringCondition")
def resolve_trigger_event(trigger: Row, info: GraphQLResolveInfo) -> Row:
    """``Trigger.triggeringCondition``: the event type and its filter (JSON text)."""
    row = trigger["_row"]
    text = str(row["event_filter"])
    if row["event_type"] not in RUN_EVENTS:
        text = json.dumps({"filter": json.loads(text)}, separators=(",", ":"))
    return {"eventType": row["event_type"], "filter": text}


@trigger_type.field("triggeredAction")
def resolve_trigger_action(trigger: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Trigger.triggeredAction``: the action, with its integration."""
    ctx = request_context(info)
    row = trigger["_row"]
    config = cast("dict[str, Any]", json.loads(str(row["action_input"])))
    integration = (
        ctx.store.integration_by_id(int(row["integration_id"]))
        if row["integration_id"] is not None
        else None
    )
    kind = row["action_type"]
    if kind == "NOTIFICATION" and integration is not None:
        return {
            "__typename": "NotificationTriggeredAction",
            "integration": integration_node(integration),
            "title": config.get("title"),
            "message": config.get("message"),
            "severity": config.get("severity"),
        }
    if kind == "GENERIC_WEBHOOK" and integration is not None:
        return {
            "__typename": "GenericWebhookTriggeredAction",
            "integration": integration_node(integration),
            "requestPayload": config.get("requestPayload"),
        }
    if kind == "NO_OP":
        return {"__typename": "NoOpTriggeredAction", "noOp": True}
    raise GraphQLError(f"automation {trigger['name']!r} has lost its integration")


@trigger_type.field("createdBy")
def resolve_trigger_created_by(trigger: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Trigger.createdBy``: the user who created the automation, if still there."""
    user_id = trigger["_row"]["created_by"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


# ---------------------------------------------------------------------- listings
def _triggers_connection(
    ctx: RequestContext, entity_id: int, filters: object, first: int | None, after: str | None
) -> Row:
    page = ctx.store.triggers_page(
        entity_id,
        int(ctx.viewer["id"]),
        filters=json_arg(filters, "filters"),
        first=first,
        after=after,
    )
    return connection(page, trigger_node)


entity_type = ObjectType("Entity")


@entity_type.field("triggers")
def resolve_entity_triggers(
    entity: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Entity.triggers``: the entity's automations whose scope the viewer may read,
    oldest first; ``filters`` may name ``name``."""
    ctx = request_context(info)
    return _triggers_connection(ctx, int(entity["_row"]["id"]), filters, first, after)


organization_type = ObjectType("Organization")


@organization_type.field("triggers")
def resolve_organization_triggers(
    organization: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Organization.triggers``: the automations of the organization's entity (its
    registries'), as ``Entity.triggers``."""
    ctx = request_context(info)
    entity_id = int(organization["_row"]["entity_id"])
    return _triggers_connection(ctx, entity_id, filters, first, after)


project_type = ObjectType("Project")


@project_type.field("triggers")
def resolve_project_triggers(project: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Project.triggers``: the automations scoped to the (readable) project or to one
    of its collections."""
    ctx = request_context(info)
    return [trigger_node(r) for r in ctx.store.triggers_of_project(int(project["_row"]["id"]))]


# ---------------------------------------------------------------------- scopes
def _scope_project(ctx: RequestContext, scope_type: str, scope_id: int) -> Row | None:
    """The project a scope lives in (a collection's project), if it exists."""
    if scope_type == "PROJECT":
        return ctx.project_row(scope_id)
    if scope_type == "ARTIFACT_COLLECTION":
        collection = ctx.store.artifacts.collection_by_id(scope_id)
        return ctx.project_row(int(collection["project_id"])) if collection else None
    return None


def _scope_node(ctx: RequestContext, scope_type: str, scope_id: int) -> Row | None:
    if scope_type == "PROJECT":
        project = ctx.project_row(scope_id)
        return {**project_node(project), "__typename": "Project"} if project else None
    if scope_type == "ARTIFACT_COLLECTION":
        collection = ctx.store.artifacts.collection_by_id(scope_id)
        return collection_nodes(ctx, [collection])[0] if collection else None
    entity = ctx.store.entity_by_id(scope_id)
    return {**entity_node(entity), "__typename": "Entity"} if entity else None


def _writable_scope(ctx: RequestContext, scope_type: str, scope_gid: str) -> tuple[Row, int]:
    """(the scope's project, its entity id), if the viewer may manage automations
    there: a readable project (else not found) the viewer may write to; a registry
    needs its ``admin`` role."""
    if scope_type == "ENTITY":
        raise _bad("automations scoped to an entity are not supported by this server")
    if scope_type not in ("PROJECT", "ARTIFACT_COLLECTION"):
        raise _bad(f"unknown scopeType {scope_type!r}")
    kind = "Project" if scope_type == "PROJECT" else "ArtifactCollection"
    project = _scope_project(ctx, scope_type, parse_gid(scope_gid, kind))
    if project is None or not ctx.can_read(project):
        raise not_found(f"automation scope {scope_gid}")
    if ctx.store.is_registry(int(project["id"])):
        if ctx.registry_role(project) != "admin":
            raise GraphQLError(
                f"permission denied: only admins of registry {project['name']!r} manage its"
                " automations",
                extensions={"code": "PERMISSION_ERROR"},
            )
    else:
        ctx.require_write(str(project["entity_name"]))
    return project, int(project["entity_id"])


# ---------------------------------------------------------------------- validation
def _check_event(event_type: str, scope_type: str, project: Row, ctx: RequestContext) -> None:
    if event_type in RUN_EVENTS:
        if scope_type != "PROJECT" or ctx.store.is_registry(int(project["id"])):
            raise _bad(f"{event_type} automations are scoped to a project (not a registry)")
    elif event_type not in ARTIFACT_EVENTS:
        raise _bad(f"new automations cannot use the event type {event_type!r}")
    elif event_type == "CREATE_ARTIFACT" and scope_type != "ARTIFACT_COLLECTION":
        raise _bad("CREATE_ARTIFACT automations are scoped to an artifact collection")


def _event_filter(event_type: str, value: object) -> str:
    """The event filter as JSON text, checked: a JSON object; a run event's has a
    ``run_filter`` string (JSON text itself) and its metric or state condition."""
    text = value if isinstance(value, str) else json.dumps(value)
    parsed = json_arg(text, "eventFilter")
    if not isinstance(parsed, dict):
        raise _bad("eventFilter must be a JSON object")
    fields = cast("dict[str, object]", parsed)
    if event_type in RUN_EVENTS:
        run_filter = fields.get("run_filter")
        if not isinstance(run_filter, str) or not isinstance(
            json_arg(run_filter, "run_filter"), dict
        ):
            raise _bad("a run event's eventFilter needs run_filter: JSON text of an object")
        wanted = "run_state_filter" if event_type == "RUN_STATE" else "run_metric_filter"
        if not isinstance(fields.get(wanted), dict):
            raise _bad(f"a {event_type} eventFilter needs {wanted}")
    return text


def _action(ctx: RequestContext, action_type: str, config: Row) -> tuple[str, int | None]:
    """(the action's input as JSON text, its integration's id), checked: the input
    of the action type, and an integration of the right kind the viewer may use."""
    if action_type not in ACTIONS:
        raise _bad(f"actions of type {action_type!r} are not supported by this server")
    key, kind = ACTIONS[action_type]
    given = [k for k, v in config.items() if v is not None]
    if given != [key]:
        raise _bad(f"a {action_type} action is configured by {key} (alone)")
    action = cast("dict[str, object]", config[key])
    integration_id: int | None = None
    if kind is not None:
        integration_id = parse_gid(action.get("integrationID"), "Integration")
        row = ctx.store.integration_by_id(integration_id)
        if row is None or not uses_entity(ctx, int(row["entity_id"])):
            raise not_found(f"integration {action.get('integrationID')}")
        if row["kind"] != kind:
            raise _bad(f"a {action_type} action needs a {kind.lower()} integration")
    return json.dumps(action), integration_id


# ---------------------------------------------------------------------- mutations
mutation = MutationType()


@mutation.field("createFilterTrigger")
def resolve_create_trigger(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createFilterTrigger``: create an automation in its scope's entity;
    whoever may write to the scope (a registry's admins); a taken name conflicts."""
    ctx = request_context(info)
    scope_type, event_type = str(input["scopeType"]), str(input["triggeringEventType"])
    project, entity_id = _writable_scope(ctx, scope_type, str(input["scopeID"]))
    _check_event(event_type, scope_type, project, ctx)
    action_input, integration_id = _action(
        ctx, str(input["triggeredActionType"]), input["triggeredActionConfig"]
    )
    kind = "Project" if scope_type == "PROJECT" else "ArtifactCollection"
    row = ctx.store.create_trigger(
        {
            "entity_id": entity_id,
            "name": _name(input["name"]),
            "description": input.get("description"),
            "enabled": int(bool(input["enabled"])),
            "scope_type": scope_type,
            "scope_id": parse_gid(input["scopeID"], kind),
            "event_type": event_type,
            "event_filter": _event_filter(event_type, input["eventFilter"]),
            "action_type": str(input["triggeredActionType"]),
            "action_input": action_input,
            "integration_id": integration_id,
            "created_by": int(ctx.viewer["id"]),
        }
    )
    return {"trigger": trigger_node(row), "clientMutationId": input.get("clientMutationId")}


def _name(value: object) -> str:
    name = str(value)
    if not name.strip() or len(name) > 255:
        raise _bad("an automation's name is 1-255 characters")
    return name


def _trigger_for_write(ctx: RequestContext, trigger_gid: object) -> Row:
    """The trigger, if the viewer may see it (else not found) and manage it."""
    row = ctx.store.trigger_by_id(parse_gid(trigger_gid, "Trigger"))
    if row is None:
        raise not_found(f"automation {trigger_gid}")
    project = _scope_project(ctx, str(row["scope_type"]), int(row["scope_id"]))
    if project is None or not ctx.can_read(project):
        raise not_found(f"automation {trigger_gid}")
    kind = "Project" if row["scope_type"] == "PROJECT" else "ArtifactCollection"
    _writable_scope(ctx, str(row["scope_type"]), gid(kind, int(row["scope_id"])))
    return row


@mutation.field("updateFilterTrigger")
def resolve_update_trigger(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateFilterTrigger``: change an automation (what the input sets);
    whoever may manage it, in its scope and in a new scope."""
    ctx = request_context(info)
    row = _trigger_for_write(ctx, input["id"])
    changes: dict[str, object] = {}
    if input.get("name") is not None:
        changes["name"] = _name(input["name"])
    if "description" in input:
        changes["description"] = input.get("description")
    if input.get("enabled") is not None:
        changes["enabled"] = int(bool(input["enabled"]))
    scope_type = str(input.get("scopeType") or row["scope_type"])
    if input.get("scopeID") is not None:
        project, entity_id = _writable_scope(ctx, scope_type, str(input["scopeID"]))
        kind = "Project" if scope_type == "PROJECT" else "ArtifactCollection"
        changes.update(
            scope_type=scope_type,
            scope_id=parse_gid(input["scopeID"], kind),
            entity_id=entity_id,
        )
    else:
        current = _scope_project(ctx, str(row["scope_type"]), int(row["scope_id"]))
        assert current is not None  # _trigger_for_write found it
        project = current
    event_type = str(input.get("triggeringEventType") or row["event_type"])
    _check_event(event_type, scope_type, project, ctx)
    changes["event_type"] = event_type
    if input.get("eventFilter") is not None:
        changes["event_filter"] = _event_filter(event_type, input["eventFilter"])
    elif event_type != row["event_type"]:
        raise _bad("changing the event type needs its eventFilter too")
    if input.get("triggeredActionConfig") is not None:
        action_type = str(input.get("triggeredActionType") or row["action_type"])
        action_input, integration_id = _action(ctx, action_type, input["triggeredActionConfig"])
        changes.update(
            action_type=action_type, action_input=action_input, integration_id=integration_id
        )
    updated = ctx.store.update_trigger(int(row["id"]), changes)
    return {"trigger": trigger_node(updated), "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteTrigger")
def resolve_delete_trigger(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteTrigger``: delete an automation and answer ``success: true``
    (the payload is non-null); an automation the viewer cannot see is not found, one
    they may not manage is refused."""
    ctx = request_context(info)
    row = _trigger_for_write(ctx, input["triggerID"])
    if not ctx.store.delete_trigger(int(row["id"])):
        raise not_found(f"automation {input['triggerID']}")
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [
    trigger_type,
    entity_type,
    organization_type,
    project_type,
    mutation,
]
