"""Teams: ``Entity.members`` (members, then pending invites) and the team mutations
(``createTeam``, ``createInvite``, ``deleteInvite``, ``createServiceAccount``).

Anyone may create a team they administer; naming another admin takes an instance
admin. Inviting, removing members and creating service accounts take an admin of
the team (or an instance admin); a member may also remove themself. E-mail
addresses are shown to their user and to admins (of the instance, or of the team
for its invites); a member's API key is never shown.
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreError
from ._common import RequestContext, denied, gid, not_found, parse_gid, request_context
from .users import entity_node, require_admin

__all__ = ["BINDABLES"]


def _team(ctx: RequestContext, name: str) -> Row:
    """The team entity ``name``, or ``NOT_FOUND`` (a user's personal entity is no team)."""
    row = ctx.store.entity(name)
    if row is None or not row["is_team"]:
        raise not_found(f"team {name!r}")
    return row


def _require_team_admin(ctx: RequestContext, team: Row) -> None:
    """Refuse unless the viewer administers the team or the instance."""
    if not ctx.viewer["admin"] and not ctx.store.is_team_admin(
        int(team["id"]), int(ctx.viewer["id"])
    ):
        raise denied(str(ctx.viewer["username"]), str(team["name"]))


def _member_node(ctx: RequestContext, team: Row, row: Row) -> Row:
    """A Member from a ``team_members`` row: a member, or an invite (``pending``)."""
    team_admin = bool(ctx.viewer["admin"]) or ctx.store.is_team_admin(
        int(team["id"]), int(ctx.viewer["id"])
    )
    if row["kind"] == "invite":
        return {
            "id": gid("Invite", int(row["id"])),
            "name": row["username"] or "invited user",
            "username": row["username"],
            "email": row["email"] if team_admin else None,
            "photoUrl": None,
            "admin": bool(row["admin"]),
            "role": "admin" if row["admin"] else "member",
            "pending": True,
            "accountType": "MEMBER",
            "apiKey": None,
        }
    return {
        "id": gid("User", int(row["id"])),
        "name": row["name"],
        "username": row["username"],
        "email": row["email"] if ctx.sees_private_fields_of(row["id"]) else None,
        "photoUrl": None,
        "admin": bool(row["member_admin"]),
        "role": "admin" if row["member_admin"] else "member",
        "pending": False,
        "accountType": row["account_type"],
        "apiKey": None,
    }


# ---------------------------------------------------------------------- Entity
entity_type = ObjectType("Entity")


@entity_type.field("members")
def resolve_members(entity: Row, info: GraphQLResolveInfo) -> list[Row]:
    """``Entity.members``: a team's members, then its pending invites (e-mails only
    to their user and admins; never an API key)."""
    ctx = request_context(info)
    team = entity["_row"]
    return [_member_node(ctx, team, r) for r in ctx.store.team_members(int(team["id"]))]


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("createTeam")
def resolve_create_team(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createTeam``: a new team administered by ``teamAdminUserName``
    (default: the viewer; another user takes an instance admin)."""
    ctx = request_context(info)
    admin_name = input.get("teamAdminUserName")
    admin = ctx.viewer
    if admin_name and admin_name != ctx.viewer["username"]:
        require_admin(ctx, "create a team for another user")
        found = ctx.store.user_by_name(str(admin_name))
        if found is None:
            raise StoreError(f"no user named {str(admin_name)[:100]!r}")
        admin = found
    row = ctx.store.new_team(str(input["teamName"]), int(admin["id"]))
    return {"entity": entity_node(row), "clientMutationId": input.get("clientMutationId")}


@mutation.field("createInvite")
def resolve_create_invite(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createInvite``: invite a user (by e-mail or username) to a team;
    admins of the team (or the instance) only."""
    ctx = request_context(info)
    team = _team(ctx, str(input["entityName"]))
    _require_team_admin(ctx, team)
    email, username = input.get("email"), input.get("username")
    row = ctx.store.invite(
        int(team["id"]),
        email=None if email is None else str(email),
        username=None if username is None else str(username),
        admin=bool(input.get("admin")),
        invited_by=int(ctx.viewer["id"]),
    )
    invite = {
        "id": gid("Invite", int(row["id"])),
        "name": row["username"] or row["email"] or "",
        "email": row["email"],
        "createdAt": row["created_at"],
        "toUser": None,
    }
    return {"invite": invite, "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteInvite")
def resolve_delete_invite(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteInvite``: cancel an invite (an ``Invite`` id) or remove a
    member (a ``User`` id) from the team ``entityName``; admins of the team or the
    instance, or the member themself."""
    ctx = request_context(info)
    if not input.get("id") or not input.get("entityName"):
        raise GraphQLError("deleteInvite needs an id and an entityName")
    team = _team(ctx, str(input["entityName"]))
    member_id = str(input["id"])
    if member_id.isdigit():
        raise GraphQLError(f"invalid member id {member_id!r}")
    try:
        user_id: int | None = parse_gid(member_id, "User")
    except GraphQLError:
        user_id = None
    if user_id is not None:
        if user_id != ctx.viewer["id"]:
            _require_team_admin(ctx, team)
        if not ctx.store.remove_member(int(team["id"]), user_id):
            raise not_found("member")
    else:
        _require_team_admin(ctx, team)
        invite = ctx.store.invite_by_id(parse_gid(member_id, "Invite"))
        if invite is None or invite["entity_id"] != team["id"]:
            raise not_found("invite")
        ctx.store.delete_invite(int(invite["id"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("createServiceAccount")
def resolve_create_service_account(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createServiceAccount``: a new user that belongs to the team as a
    service account (with its own API key); admins of the team or the instance."""
    ctx = request_context(info)
    team = _team(ctx, str(input["entityName"]))
    _require_team_admin(ctx, team)
    description = str(input["description"])[:1000]
    row = ctx.store.create_service_account(int(team["id"]), str(team["name"]), description)
    return {
        "user": {"_row": row, "id": gid("User", int(row["id"])), "name": row["name"]},
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [entity_type, mutation]
