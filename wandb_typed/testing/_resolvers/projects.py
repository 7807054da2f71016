"""Projects ("models"): lookups and listings (``Query``, ``User``, ``Entity``), the
``Project`` fields that are not a child resource's, and ``upsertModel``/``deleteModel``.

A project is the unit of access: public projects (``PUBLIC``/``OPEN``) are readable
by every logged-in user, the others by members of their entity only; lookups of
an unreadable project resolve to null and listings filter it out in SQL.  Writes
need membership of the entity (:func:`writable_project`).
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, QueryType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from ._common import (
    EMPTY_CONNECTION,
    RequestContext,
    connection,
    gid,
    json_text_arg,
    not_found,
    parse_gid,
    request_context,
)
from .users import entity_node, user_node

__all__ = ["BINDABLES", "project_node", "writable_project"]


# ---------------------------------------------------------------------- nodes & access
def project_node(row: Row) -> Row:
    """A Project from a ``projects`` row (with its entity's name)."""
    return {
        "_row": row,
        "id": gid("Project", int(row["id"])),
        "internalId": gid("ProjectInternalId", int(row["id"])),
        "name": row["name"],
        "entityName": row["entity_name"],
        "description": row["description"],
        "access": row["access"],
        "views": row["views"],
        "isBenchmark": False,
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "allowAllArtifactTypesInRegistry": False,
        "artifactTypes": EMPTY_CONNECTION,
        "artifactCollections": EMPTY_CONNECTION,
        "members": [],
        "teamMembers": [],
        "triggers": [],
        "runQueues": [],
    }


def _projects_connection(
    ctx: RequestContext,
    entity: str,
    first: int | None,
    after: str | None,
    filters: object = None,
    order: str | None = None,
) -> Row:
    """An entity's projects the viewer may see, filtered in SQL before paging (an
    organization's entity: its registries, see :mod:`.registries`)."""
    row = ctx.store.entity(entity)
    if row is None:
        return EMPTY_CONNECTION
    if ctx.store.is_org_entity(int(row["id"])):
        from .registries import registries_connection

        return registries_connection(ctx, int(row["id"]), filters, order, first, after)
    page = ctx.store.projects_page(entity, first, after, viewer_id=int(ctx.viewer["id"]))
    return connection(page, project_node)


def _lookup_project(ctx: RequestContext, entity: str | None, name: str | None) -> Row | None:
    """The project ``entity/name`` (default entity: the viewer's) if the viewer may
    read it, else ``None`` (an unreadable project is not revealed)."""
    if not name:
        return None
    row = ctx.store.project(entity or str(ctx.viewer["username"]), name)
    if row is None or not ctx.can_read(row):
        return None
    return row


def writable_project(ctx: RequestContext, project_id: int) -> Row:
    """The project, if the viewer may write it; a project the viewer cannot even read
    is "not found" (its existence is not revealed), a readable one "permission denied"."""
    project = ctx.project_row(project_id)
    if project is None or not ctx.can_read(project):
        raise not_found("project")
    ctx.require_project_write(project)
    return project


# ---------------------------------------------------------------------- Query
query = QueryType()


@query.field("models")
def resolve_models(
    _: None,
    info: GraphQLResolveInfo,
    entityName: str | None = None,
    after: str | None = None,
    first: int | None = None,
    order: str | None = None,
) -> Row:
    """``Query.models``: an entity's projects (default: the viewer's); readable ones only."""
    ctx = request_context(info)
    return _projects_connection(ctx, entityName or str(ctx.viewer["username"]), first, after)


@query.field("project")
def resolve_project(
    _: None,
    info: GraphQLResolveInfo,
    name: str | None = None,
    entityName: str | None = None,
) -> Row | None:
    """``Query.project``: a project by entity and name; null unless readable."""
    row = _lookup_project(request_context(info), entityName, name)
    return project_node(row) if row else None


# ---------------------------------------------------------------------- User / Entity
user_type = ObjectType("User")


@user_type.field("projects")
def resolve_user_projects(
    user: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``User.projects``: the projects of the user's entity; readable ones only."""
    return _projects_connection(request_context(info), str(user["username"]), first, after)


entity_type = ObjectType("Entity")


@entity_type.field("project")
def resolve_entity_project(
    entity: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``Entity.project``: one of the entity's projects by name; null unless readable."""
    row = _lookup_project(request_context(info), str(entity["name"]), name)
    return project_node(row) if row else None


@entity_type.field("projects")
def resolve_entity_projects(
    entity: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    filters: object = None,
    order: str | None = None,
) -> Row:
    """``Entity.projects``: the entity's projects; readable ones only, filtered in SQL
    (``filters``/``order`` apply to an organization's registries)."""
    ctx = request_context(info)
    return _projects_connection(ctx, str(entity["name"]), first, after, filters, order)


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("entity")
def resolve_project_entity(project: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Project.entity``: the entity that owns the project."""
    row = request_context(info).store.entity_by_id(int(project["_row"]["entity_id"]))
    return entity_node(row) if row else None


@project_type.field("user")
def resolve_project_user(project: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Project.user``: the user who created the project, if known."""
    user_id = project["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


@project_type.field("readOnly")
def resolve_project_read_only(project: Row, info: GraphQLResolveInfo) -> bool:
    """``Project.readOnly``: true unless the viewer may write to it (a member of its
    entity; in a registry, an admin or member)."""
    return not request_context(info).can_write(project["_row"])


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("upsertModel")
def resolve_upsert_model(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.upsertModel``: create or update a project (``CreateProject`` /
    ``Api.create_project``); members of the entity only (registries: see
    :func:`.registries.upsert_registry`)."""
    ctx = request_context(info)
    from .registries import upsert_registry

    registry = upsert_registry(ctx, input)
    if registry is not None:
        return registry
    if input.get("id"):
        existing = writable_project(ctx, parse_gid(input["id"], "Project"))
        entity, name = str(existing["entity_name"]), str(input.get("name") or existing["name"])
    else:
        entity = str(input.get("entityName") or ctx.viewer["username"])
        name = str(input.get("name") or "")
        if not name:
            raise GraphQLError("upsertModel needs a project name")
    ctx.require_write(entity)
    row = ctx.store.create_project(
        entity,
        name,
        description=input.get("description"),
        access=input.get("access"),
        views=json_text_arg(input.get("views")),
        user_id=int(ctx.viewer["id"]),
    )
    node = project_node(row)
    return {
        "project": node,
        "model": node,
        "inserted": row["inserted"],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteModel")
def resolve_delete_model(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteModel``: delete a project; members of its entity only (a
    registry: its admins)."""
    ctx = request_context(info)
    project_id = parse_gid(input["id"], "Project")
    from .registries import delete_registry_check

    delete_registry_check(ctx, project_id)
    writable_project(ctx, project_id)
    return {"success": ctx.store.delete_project(project_id)}


BINDABLES: list[SchemaBindable] = [query, user_type, entity_type, project_type, mutation]
