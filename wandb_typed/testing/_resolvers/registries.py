"""Registries (projects of an organization's entity): the registries of an org entity
(``Entity.projects``), creating, editing, renaming and deleting them, the
``Project`` fields only registries fill (``allowAllArtifactTypesInRegistry``,
``members``, ``teamMembers``), and member management.

Who may do what (roles: :mod:`wandb_typed.testing._store.registries`): reading
needs any role (a registry nobody gave the viewer a role in does not exist for
them); linking and editing versions and collections needs ``admin`` or
``member``; settings, renames, deletion and members need ``admin``; creating a
registry needs membership of the organization. A restricted viewer does not see
the member lists.
"""

from __future__ import annotations

from typing import Any, cast

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreConflict, StoreError
from ._artifacts import charge
from ._common import (
    RequestContext,
    connection,
    gid,
    json_arg,
    not_found,
    parse_gid,
    request_context,
)
from .projects import project_node
from .users import entity_node

__all__ = [
    "BINDABLES",
    "check_link_type",
    "delete_registry_check",
    "registries_connection",
    "upsert_registry",
]


def _rows(input: Row, key: str) -> list[Any]:
    """A list argument of an input (absent or null: empty)."""
    return cast("list[Any]", input.get(key) or [])


def _denied(ctx: RequestContext, what: str) -> GraphQLError:
    return GraphQLError(
        f"permission denied: {ctx.viewer['username']} may not {what}",
        extensions={"code": "PERMISSION_ERROR"},
    )


def _registry_for(ctx: RequestContext, project_id: int, *, role: str | None = None) -> Row:
    """The registry, if the viewer may read it (else not found) and, with ``role``
    (``admin``), holds that role (else permission denied)."""
    project = ctx.project_row(project_id)
    if project is None or not ctx.store.is_registry(project_id) or not ctx.can_read(project):
        raise not_found("registry")
    if role is not None and ctx.registry_role(project) != role:
        raise _denied(ctx, f"manage registry {project['name']!r} (it needs the {role} role)")
    return project


# ---------------------------------------------------------------------- hooks
def registries_connection(
    ctx: RequestContext,
    entity_id: int,
    filters: object,
    order: str | None,
    first: int | None,
    after: str | None,
) -> Row:
    """``Entity.projects`` of an org entity: the registries the viewer may read,
    filtered and ordered in SQL."""
    charge(ctx, first)
    page = ctx.store.registries_page(
        entity_id,
        int(ctx.viewer["id"]),
        filters=json_arg(filters, "filters"),
        order=order,
        first=first,
        after=after,
    )
    return connection(page, project_node)


def upsert_registry(ctx: RequestContext, input: Row) -> Row | None:
    """``upsertModel`` of a registry (by ``id``, or by name in an org entity): create
    one (organization members) or change its settings (its admins); ``None`` when
    the input names an ordinary project (``upsertModel`` handles it)."""
    store = ctx.store
    if input.get("id"):
        project_id = parse_gid(input["id"], "Project")
        if not store.is_registry(project_id):
            return None
        project = _registry_for(ctx, project_id, role="admin")
        entity_id, name = int(project["entity_id"]), str(project["name"])
    else:
        entity = store.entity(str(input.get("entityName") or ""))
        if entity is None or not store.is_org_entity(int(entity["id"])):
            return None
        entity_id, name = int(entity["id"]), str(input.get("name") or "")
        existing = store.project(str(entity["name"]), name) if name else None
        if existing is not None:
            if not ctx.can_read(existing):
                raise StoreConflict(f"{name!r} is taken in this organization")
            _registry_for(ctx, int(existing["id"]), role="admin")
        else:
            org = store.organization_of_entity(entity_id)
            assert org is not None
            if store.organization_role(int(org["id"]), int(ctx.viewer["id"])) is None:
                raise _denied(ctx, f"create registries in organization {org['name']!r}")
    types = [str(t["name"]) for t in _rows(input, "artifactTypes")]
    row = store.upsert_registry(
        entity_id,
        name,
        access=input.get("access"),
        description=input.get("description"),
        allow_all=input.get("allowAllArtifactTypesInRegistry"),
        add_types=types,
        user_id=int(ctx.viewer["id"]),
    )
    node = project_node(row)
    return {
        "project": node,
        "model": node,
        "inserted": row["inserted"],
        "clientMutationId": input.get("clientMutationId"),
    }


def delete_registry_check(ctx: RequestContext, project_id: int) -> None:
    """Before ``deleteModel``: deleting a registry needs its ``admin`` role."""
    if ctx.store.is_registry(project_id):
        _registry_for(ctx, project_id, role="admin")


def check_link_type(ctx: RequestContext, project: Row, type_name: str) -> None:
    """Before ``linkArtifact``: a registry with a list of artifact types refuses others."""
    if not ctx.store.registry_accepts_type(int(project["id"]), type_name):
        raise StoreError(
            f"registry {project['name']!r} does not accept artifacts of type {type_name!r}"
        )


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("allowAllArtifactTypesInRegistry")
def resolve_allow_all_types(project: Row, info: GraphQLResolveInfo) -> bool:
    """``Project.allowAllArtifactTypesInRegistry``: whether a registry accepts every
    artifact type (true for a project that is not a registry)."""
    return request_context(info).store.registry_allows_all_types(int(project["_row"]["id"]))


def _member_list_visible(ctx: RequestContext, project: Row) -> bool:
    role = ctx.registry_role(project)
    return role is not None and role != "restricted_viewer"


@project_type.field("members")
def resolve_project_members(project: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Project.members``: the users given a role in a registry (e-mails to
    themselves and admins only); empty for restricted viewers and plain projects."""
    ctx = request_context(info)
    if not _member_list_visible(ctx, project["_row"]):
        return []
    return [
        {
            "id": gid("User", int(u["id"])),
            "name": u["name"],
            "username": u["username"],
            "email": u["email"] if ctx.sees_private_fields_of(u["id"]) else None,
            "role": {"name": u["role"]},
        }
        for u in ctx.store.registry_user_members(int(project["_row"]["id"]))
    ]


@project_type.field("teamMembers")
def resolve_project_team_members(project: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Project.teamMembers``: the teams given a role in a registry; empty for
    restricted viewers and plain projects."""
    ctx = request_context(info)
    if not _member_list_visible(ctx, project["_row"]):
        return []
    return [
        {"team": entity_node(t), "role": {"name": t["role"]}}
        for t in ctx.store.registry_team_members(int(project["_row"]["id"]))
    ]


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


def _member_ids(ctx: RequestContext, project: Row, input: Row) -> tuple[list[int], list[int]]:
    """The users and teams an input names; each must belong to the registry's
    organization (users as members, teams as teams of it)."""
    org = ctx.store.organization_of_entity(int(project["entity_id"]))
    assert org is not None
    users = [parse_gid(u, "User") for u in _rows(input, "userIds")]
    teams = [parse_gid(t, "Entity") for t in _rows(input, "teamIds")]
    for user_id in users:
        if ctx.store.organization_role(int(org["id"]), user_id) is None:
            raise StoreError(f"user {gid('User', user_id)} is not a member of {org['name']!r}")
    for team_id in teams:
        if not ctx.store.team_in_organization(int(org["id"]), team_id):
            raise StoreError(f"team {gid('Entity', team_id)} is not a team of {org['name']!r}")
    return users, teams


@mutation.field("createProjectMembers")
def resolve_create_project_members(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createProjectMembers``: give users and teams of the organization the
    ``member`` role in a registry; its admins only."""
    ctx = request_context(info)
    project = _registry_for(ctx, parse_gid(input["projectId"], "Project"), role="admin")
    users, teams = _member_ids(ctx, project, input)
    ctx.store.set_registry_members(int(project["id"]), user_ids=users, team_ids=teams)
    return {"success": True}


@mutation.field("deleteProjectMembers")
def resolve_delete_project_members(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteProjectMembers``: take users' and teams' roles in a registry
    away; its admins only."""
    ctx = request_context(info)
    project = _registry_for(ctx, parse_gid(input["projectId"], "Project"), role="admin")
    users = [parse_gid(u, "User") for u in _rows(input, "userIds")]
    teams = [parse_gid(t, "Entity") for t in _rows(input, "teamIds")]
    ctx.store.remove_registry_members(int(project["id"]), user_ids=users, team_ids=teams)
    return {"success": True}


@mutation.field("updateProjectMember")
def resolve_update_project_member(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateProjectMember``: change a member user's role in a registry
    (``admin``, ``member``, ``viewer``, ``restricted_viewer``); its admins only."""
    ctx = request_context(info)
    project = _registry_for(ctx, parse_gid(input["projectId"], "Project"), role="admin")
    ctx.store.set_registry_members(
        int(project["id"]),
        user_ids=[parse_gid(input["userId"], "User")],
        role=str(input["userProjectRole"]),
        only_existing=True,
    )
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("updateProjectTeamMember")
def resolve_update_project_team_member(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateProjectTeamMember``: change a member team's role in a
    registry; its admins only."""
    ctx = request_context(info)
    project = _registry_for(ctx, parse_gid(input["projectId"], "Project"), role="admin")
    ctx.store.set_registry_members(
        int(project["id"]),
        team_ids=[parse_gid(input["teamId"], "Entity")],
        role=str(input["teamProjectRole"]),
        only_existing=True,
    )
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("renameProject")
def resolve_rename_project(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.renameProject``: rename a project (its entity's members) or a
    registry (its admins); a taken name is a conflict."""
    ctx = request_context(info)
    entity, old = str(input["entityName"]), str(input["oldProjectName"])
    project = ctx.store.project(entity, old)
    if project is None or not ctx.can_read(project):
        raise not_found(f"project {entity}/{old}")
    if ctx.store.is_registry(int(project["id"])):
        _registry_for(ctx, int(project["id"]), role="admin")
    else:
        ctx.require_write(entity)
    row = ctx.store.rename_project(int(project["id"]), str(input["newProjectName"]))
    return {
        "project": project_node(row),
        "inserted": False,
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [project_type, mutation]
