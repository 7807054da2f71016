"""Users and entities: ``Query.viewer``/``entity``/``user``/``users``, the ``User``
and ``Entity`` fields, and the user mutations (``createUser``, ``generateApiKey``,
``deleteApiKey``).

Every logged-in user may look up any entity and their own user; searching users,
looking up another user by id and creating users are for instance admins. E-mail
addresses are shown only to their user and to admins, API keys only to their user.
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, QueryType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreConflict
from ._common import (
    EMPTY_CONNECTION,
    EMPTY_PAGE_INFO,
    RequestContext,
    gid,
    not_found,
    parse_gid,
    request_context,
)

__all__ = ["BINDABLES", "entity_node", "require_admin", "user_node"]

#: Users a search returns at most (``Query.users``): every request's work is bounded.
MAX_USERS = 1000


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


def require_admin(ctx: RequestContext, what: str) -> None:
    """Refuse (``PERMISSION_ERROR``) unless the viewer is an instance admin."""
    if not ctx.viewer["admin"]:
        raise GraphQLError(
            f"permission denied: only instance admins may {what}",
            extensions={"code": "PERMISSION_ERROR"},
        )


@query.field("viewer")
def resolve_viewer(_: None, info: GraphQLResolveInfo, **_args: object) -> Row:
    """``Query.viewer``: the user whose API key made the request."""
    return user_node(request_context(info).viewer)


@query.field("users")
def resolve_users(
    _: None, info: GraphQLResolveInfo, query: str | None = None, **_args: object
) -> Row:
    """``Query.users``: users whose username, e-mail or name contains ``query``
    (instance admins only; at most :data:`MAX_USERS`)."""
    ctx = request_context(info)
    require_admin(ctx, "search users")
    rows = ctx.store.search_users(query or "", MAX_USERS)
    return {
        "edges": [{"node": user_node(r), "cursor": str(r["id"])} for r in rows],
        "pageInfo": EMPTY_PAGE_INFO,
    }


@query.field("user")
def resolve_user(_: None, info: GraphQLResolveInfo, id: str | None = None) -> Row | None:
    """``Query.user``: a user by id: the viewer themself, or anyone for an admin."""
    ctx = request_context(info)
    if id is None:
        return None
    user_id = parse_gid(id, "User")
    if user_id != ctx.viewer["id"]:
        require_admin(ctx, "look up other users")
    row = ctx.store.user_by_id(user_id)
    return user_node(row) if row else None


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


def _api_key_node(row: Row) -> Row:
    """An ApiKey: W&B names a key by its secret, so ``name`` is the key itself."""
    return {
        "id": gid("ApiKey", int(row["id"])),
        "name": row["key"],
        "description": row["description"],
    }


@user_type.field("apiKeys")
def resolve_api_keys(user: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    """``User.apiKeys``: the viewer's own keys; empty for anyone else's user."""
    ctx = request_context(info)
    if user["_row"].get("id") != ctx.viewer["id"]:
        return EMPTY_CONNECTION
    rows = ctx.store.api_keys_of(int(ctx.viewer["id"]))
    return {
        "edges": [{"node": _api_key_node(r), "cursor": str(r["id"])} for r in rows],
        "pageInfo": EMPTY_PAGE_INFO,
    }


@user_type.field("defaultEntity")
def resolve_default_entity(user: Row, info: GraphQLResolveInfo) -> Row | None:
    """``User.defaultEntity``: the user's personal entity (where runs go by default)."""
    row = request_context(info).store.entity(str(user["username"]))
    return entity_node(row) if row else None


@user_type.field("userEntity")
def resolve_user_entity(user: Row, info: GraphQLResolveInfo) -> Row | None:
    """``User.userEntity``: the user's personal entity."""
    row = request_context(info).store.entity(str(user["username"]))
    return entity_node(row) if row else None


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


@entity_type.field("user")
def resolve_entity_user(entity: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Entity.user``: the user a personal entity belongs to (null for a team)."""
    user_id = entity["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("createUser")
def resolve_create_user(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createUser``: create a user by e-mail (username: the address's
    local part, made unique); instance admins only."""
    ctx = request_context(info)
    require_admin(ctx, "create users")
    email = str(input["email"]).strip()
    local, at, domain = email.partition("@")
    if not at or not local or not domain or any(c.isspace() for c in email):
        raise GraphQLError(f"not an e-mail address: {email[:100]!r}")
    if ctx.store.user_by_email(email) is not None:
        raise StoreConflict("a user with that e-mail address exists")
    base = "".join(c if c.isalnum() or c in "-_." else "-" for c in local)[:60] or "user"
    username, n = base, 1
    while ctx.store.user_by_name(username) is not None or ctx.store.entity(username) is not None:
        n += 1
        username = f"{base}-{n}"
    row = ctx.store.create_user(username, email=email, admin=bool(input.get("admin")))
    return {"user": user_node(row), "clientMutationId": input.get("clientMutationId")}


@mutation.field("generateApiKey")
def resolve_generate_api_key(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.generateApiKey``: a new API key for the viewer (its secret is in
    the payload's ``apiKey.name``, for the viewer only)."""
    ctx = request_context(info)
    description = input.get("description")
    row = ctx.store.add_api_key(
        int(ctx.viewer["id"]), None if description is None else str(description)[:1000]
    )
    return {"apiKey": _api_key_node(row), "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteApiKey")
def resolve_delete_api_key(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteApiKey``: delete an API key by id; its user or an admin only
    (another user's key is "not found" to anyone else)."""
    ctx = request_context(info)
    key = ctx.store.api_key_by_id(parse_gid(input["id"], "ApiKey"))
    if key is None or (key["user_id"] != ctx.viewer["id"] and not ctx.viewer["admin"]):
        raise not_found("API key")
    ctx.store.delete_api_key(int(key["id"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [query, user_type, entity_type, mutation]
