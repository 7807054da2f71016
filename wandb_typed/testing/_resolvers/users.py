"""Users and entities: ``Query.viewer``/``entity``, the ``User`` and ``Entity`` fields.

Every logged-in user may look up any user or entity; e-mail addresses (and API
keys) are shown only to their user (and e-mails to admins).
"""

from __future__ import annotations

from ariadne import ObjectType, QueryType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import EMPTY_CONNECTION, EMPTY_PAGE_INFO, gid, request_context

__all__ = ["BINDABLES", "entity_node", "user_node"]


# ---------------------------------------------------------------------- nodes
def user_node(row: Row) -> Row:
    """A User from a ``users`` row (or a run row's ``user_*`` columns)."""
    return {
        "_row": row,
        "id": gid("User", int(row["id"])),
        "name": row["name"],
        "username": row["username"],
        "email": row.get("email"),
        "admin": bool(row.get("admin")),
        "entity": row["username"],
        "flags": None,
        "photoUrl": None,
        "deletedAt": None,
        "organizations": [],
    }


def entity_node(row: Row) -> Row:
    """An Entity (a user's own or a team) from an ``entities`` row."""
    is_team = bool(row["is_team"])
    return {
        "_row": row,
        "id": gid("Entity", int(row["id"])),
        "name": row["name"],
        "available": False,
        "photoUrl": None,
        "readOnly": False,
        "readOnlyAdmin": False,
        "isTeam": is_team,
        "entityType": "TEAM" if is_team else "USER",
        "privateOnly": False,
        "storageBytes": 0,
        "codeSavingEnabled": True,
        "defaultAccess": "PRIVATE",
        "isPaid": False,
        "limits": None,
        "organization": None,
        "triggers": EMPTY_CONNECTION,
    }


# ---------------------------------------------------------------------- Query
query = QueryType()


@query.field("viewer")
def resolve_viewer(_: None, info: GraphQLResolveInfo) -> Row:
    """``Query.viewer``: the user whose API key made the request."""
    return user_node(request_context(info).viewer)


@query.field("entity")
def resolve_entity(_: None, info: GraphQLResolveInfo, name: str | None = None) -> Row | None:
    """``Query.entity``: an entity by name (default: the viewer's own), or null."""
    ctx = request_context(info)
    row = ctx.store.entity(name or str(ctx.viewer["username"]))
    return entity_node(row) if row else None


# ---------------------------------------------------------------------- User
user_type = ObjectType("User")


@user_type.field("email")
def resolve_user_email(user: Row, info: GraphQLResolveInfo) -> str | None:
    """``User.email``: only the user themself (or an admin) sees an e-mail address."""
    row = user["_row"]
    return row.get("email") if request_context(info).sees_private_fields_of(row.get("id")) else None


@user_type.field("apiKeys")
def resolve_api_keys(user: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    """``User.apiKeys``: the viewer's own key; empty for anyone else's user."""
    ctx = request_context(info)
    if user["_row"].get("id") != ctx.viewer["id"]:
        return EMPTY_CONNECTION
    key = str(ctx.viewer["api_key"])
    node = {"id": gid("ApiKey", int(ctx.viewer["id"])), "name": key, "description": None}
    return {"edges": [{"node": node, "cursor": "0"}], "pageInfo": EMPTY_PAGE_INFO}


@user_type.field("teams")
def resolve_teams(user: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    """``User.teams``: the team entities the user belongs to (one page)."""
    teams = request_context(info).store.teams_of(int(user["_row"]["id"]))
    return {
        "edges": [{"node": entity_node(t), "cursor": str(t["id"])} for t in teams],
        "pageInfo": EMPTY_PAGE_INFO,
    }


# ---------------------------------------------------------------------- Entity
entity_type = ObjectType("Entity")


@entity_type.field("members")
def resolve_members(entity: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Entity.members``: e-mails only to their user or admins, API key only to its user."""
    ctx = request_context(info)
    return [
        {
            "id": gid("User", int(u["id"])),
            "name": u["name"],
            "username": u["username"],
            "email": u["email"] if ctx.sees_private_fields_of(u["id"]) else None,
            "photoUrl": None,
            "admin": bool(u["member_admin"]),
            "role": "admin" if u["member_admin"] else "member",
            "pending": False,
            "accountType": "MEMBER",
            "apiKey": u["api_key"] if u["id"] == ctx.viewer["id"] else None,
        }
        for u in ctx.store.members_of(int(entity["_row"]["id"]))
    ]


@entity_type.field("user")
def resolve_entity_user(entity: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Entity.user``: the user a personal entity belongs to (null for a team)."""
    user_id = entity["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


BINDABLES: list[SchemaBindable] = [query, user_type, entity_type]
