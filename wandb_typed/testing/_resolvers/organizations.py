"""Organizations: ``Query.organization``, the ``Organization`` fields (``orgEntity``,
``teams``), and what ties entities and users to organizations
(``Entity.organization``, ``Entity.entityType`` of an org entity,
``User.organizations``).

An organization is visible to its members only (anyone else gets null, as for a
missing one); every user sees the organizations they belong to.
"""

from __future__ import annotations

from ariadne import ObjectType, QueryType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import gid, request_context
from .users import entity_node

__all__ = ["BINDABLES", "organization_node"]


def organization_node(row: Row) -> Row:
    """An Organization from an ``organizations`` row (with ``entity_name``)."""
    return {
        "_row": row,
        "id": gid("Organization", int(row["id"])),
        "name": row["name"],
        "advancedRegistryFeatures": {"advancedSearch": bool(row["advanced_search"])},
    }


query = QueryType()


@query.field("organization")
def resolve_organization(_: None, info: GraphQLResolveInfo, name: str | None = None) -> Row | None:
    """``Query.organization``: an organization by name, for its members (else null)."""
    ctx = request_context(info)
    row = ctx.store.organization(name) if name else None
    if row is None or ctx.store.organization_role(int(row["id"]), int(ctx.viewer["id"])) is None:
        return None
    return organization_node(row)


organization_type = ObjectType("Organization")


@organization_type.field("orgEntity")
def resolve_org_entity(organization: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Organization.orgEntity``: the entity that owns the organization's registries."""
    row = request_context(info).store.entity_by_id(int(organization["_row"]["entity_id"]))
    return entity_node(row) if row else None


@organization_type.field("teams")
def resolve_organization_teams(organization: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Organization.teams``: its team entities (the organization itself is shown to
    its members only), at most 1,000, by name."""
    rows = request_context(info).store.organization_teams(int(organization["_row"]["id"]))
    return [entity_node(row) for row in rows]


entity_type = ObjectType("Entity")


@entity_type.field("organization")
def resolve_entity_organization(entity: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Entity.organization``: the organization an org entity or a team belongs to,
    shown to that organization's members only (else null)."""
    ctx = request_context(info)
    row = ctx.store.organization_of_entity(int(entity["_row"]["id"]))
    if row is None or ctx.store.organization_role(int(row["id"]), int(ctx.viewer["id"])) is None:
        return None
    return organization_node(row)


@entity_type.field("entityType")
def resolve_entity_type(entity: Row, info: GraphQLResolveInfo) -> str | None:
    """``Entity.entityType``: ``organization`` for an org entity (the official client
    requires that value), else what the entity node says (``USER``/``TEAM``)."""
    if request_context(info).store.is_org_entity(int(entity["_row"]["id"])):
        return "organization"
    value = entity.get("entityType")
    return str(value) if value is not None else None


user_type = ObjectType("User")


@user_type.field("organizations")
def resolve_user_organizations(user: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``User.organizations``: the viewer's own organizations; another user's are not
    shown (an empty list)."""
    ctx = request_context(info)
    user_id = user["_row"].get("id")
    if user_id != ctx.viewer["id"]:
        return []
    return [organization_node(r) for r in ctx.store.organizations_of(int(user_id))]


BINDABLES: list[SchemaBindable] = [query, organization_type, entity_type, user_type]
