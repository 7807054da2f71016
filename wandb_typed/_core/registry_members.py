"""A registry's members: users and teams with a role (``admin``, ``member``,
``viewer``, ``restricted_viewer``), and how a member argument (a user, a member, or
a global id) becomes the ids the server takes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from ..errors import InputError
from .users import UserData

if TYPE_CHECKING:
    from _wandb_typed_gql.registry_team_members import RegistryTeamMembersProjectTeamMembers
    from _wandb_typed_gql.registry_user_members import RegistryUserMembersProjectMembers

__all__ = [
    "Member",
    "MemberArg",
    "MemberRole",
    "MemberTeam",
    "MemberUser",
    "TeamMember",
    "UserMember",
    "check_role",
    "member_ids",
    "team_member_from",
    "user_member_from",
]

#: A member's role in a registry.
MemberRole = Literal["admin", "member", "viewer", "restricted_viewer"]
_ROLES: tuple[MemberRole, ...] = ("admin", "member", "viewer", "restricted_viewer")


def check_role(role: object) -> MemberRole:
    """One of ``admin``, ``member``, ``viewer``, ``restricted_viewer``."""
    for known in _ROLES:
        if role == known:
            return known
    raise InputError(f"role must be one of {', '.join(_ROLES)}, got {role!r}")


@dataclass(frozen=True)
class MemberUser:
    """A user, as a registry lists its members."""

    id: str
    name: str | None
    username: str | None
    email: str | None
    """Shown to the user themself and to admins only."""


@dataclass(frozen=True)
class MemberTeam:
    """A team, as a registry lists its members."""

    id: str
    name: str


@dataclass(frozen=True)
class UserMember:
    """A user with a role in a registry."""

    user: MemberUser
    role: str
    """``admin``, ``member``, ``viewer`` or ``restricted_viewer`` (or a role a newer
    server adds)."""


@dataclass(frozen=True)
class TeamMember:
    """A team with a role in a registry."""

    team: MemberTeam
    role: str
    """``admin``, ``member``, ``viewer`` or ``restricted_viewer`` (or a role a newer
    server adds)."""


#: A registry member of either kind.
Member = UserMember | TeamMember
#: What ``add_members``/``remove_members``/``update_member`` take: a user (e.g.
#: ``api.viewer``), a member, a team member, or a user's or team's global id.
MemberArg = UserData | MemberUser | UserMember | MemberTeam | TeamMember | str


def user_member_from(f: RegistryUserMembersProjectMembers) -> UserMember:
    """Build from the generated ``RegistryUserMembers`` member."""
    user = MemberUser(id=f.id, name=f.name, username=f.username, email=f.email)
    return UserMember(user=user, role=f.role.name)


def team_member_from(f: RegistryTeamMembersProjectTeamMembers) -> TeamMember:
    """Build from the generated ``RegistryTeamMembers`` member."""
    return TeamMember(team=MemberTeam(id=f.team.id, name=f.team.name), role=f.role.name)


def _kind_of(global_id: str) -> Literal["User", "Entity"]:
    try:
        kind, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        kind, pk = "", ""
    if kind in ("User", "Entity") and pk.isdigit():
        return "User" if kind == "User" else "Entity"
    raise InputError(
        f"{global_id!r} is not a user's or team's id; pass a User, a member, or the id"
        " (base64 of 'User:N' or 'Entity:N')"
    )


def member_ids(members: tuple[MemberArg, ...]) -> tuple[list[str], list[str]]:
    """(user ids, team ids), sorted and without repeats; at least one member."""
    if not members:
        raise InputError("give at least one member")
    users: set[str] = set()
    teams: set[str] = set()
    for member in cast("tuple[object, ...]", members):
        if isinstance(member, (UserData, MemberUser)):
            users.add(member.id)
        elif isinstance(member, UserMember):
            users.add(member.user.id)
        elif isinstance(member, MemberTeam):
            teams.add(member.id)
        elif isinstance(member, TeamMember):
            teams.add(member.team.id)
        elif isinstance(member, str):
            (users if _kind_of(member) == "User" else teams).add(member)
        else:
            raise InputError(
                "a member is a User, UserMember, TeamMember or a global id, got"
                f" {type(member).__name__}"
            )
    return sorted(users), sorted(teams)
