"""Teams: fetch one with its members, create one, invite users, remove members,
create service accounts.

Unlike the official client, a refused write is an error (``PermissionDeniedError``,
``ConflictError``, ...), never a swallowed ``None`` or ``False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._core.checks import check_bool, check_optional_str, check_text
from .._core.teams import MemberData, TeamData
from ..errors import InputError, NotFoundError, ResponseValidationError
from ..paths import check_name
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import TeamFields, TeamMemberFields

    from .session import AsyncSession

__all__ = ["AsyncMember", "AsyncTeam", "create_team", "fetch_team"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncMember(MemberData):
    """A member of a team, or a user invited to it (``pending``)."""

    _session: AsyncSession = field(compare=False)

    async def delete(self) -> bool:
        """Remove the member from the team (cancel the invite, if ``pending``).
        Returns ``True``; a refusal raises (team admins and instance admins may
        remove anyone, a member themself)."""
        if self.id is None:
            raise InputError(f"member {self.name} of {self.team} has no id to remove")
        member_id, gql = self.id, self._session.gql
        result = await delete_once(
            lambda: gql.delete_invite(id=member_id, entity=self.team),
            f"member {self.name} of {self.team}",
        )
        if result is None:  # deleted by an attempt whose answer was lost
            return True
        return result.delete_invite is not None and bool(result.delete_invite.success)


@dataclass(frozen=True, eq=False, repr=False)
class AsyncTeam(TeamData):
    """A W&B team with its members (as fetched; :meth:`reload` fetches it again)."""

    _members: tuple[AsyncMember, ...] = field(compare=False, repr=False)
    _session: AsyncSession = field(compare=False)

    @property
    def members(self) -> tuple[AsyncMember, ...]:
        """Members and pending invites, in the order the server lists them."""
        return self._members

    async def reload(self) -> AsyncTeam:
        """The team as the server has it now (members included)."""
        return await fetch_team(self._session, self.name)

    async def invite(self, username_or_email: str, admin: bool = False) -> bool:
        """Invite a user (an ``@`` in the argument means an e-mail address) to the
        team, as an admin of it if ``admin``. Returns ``True``; a refusal raises."""
        who = check_text(username_or_email, "username_or_email")
        check_bool(admin, "admin")
        by_email = "@" in who
        result = await self._session.gql.create_invite(
            entity=self.name,
            email=who if by_email else None,
            username=None if by_email else check_name(who, "username"),
            admin=admin,
        )
        payload = result.create_invite
        if payload is None or payload.invite is None:
            raise ResponseValidationError(
                f"the server made no invite to {self.name}", operation_name="CreateInvite"
            )
        return True

    async def create_service_account(self, description: str) -> AsyncMember:
        """Create a service account (a user for automation, with its own API key) in
        the team; returns it as a member (team admins only)."""
        check_text(description, "description")
        result = await self._session.gql.create_service_account(
            entity=self.name, description=description
        )
        payload = result.create_service_account
        if payload is None or payload.user is None:
            raise ResponseValidationError(
                f"the server made no service account in {self.name}",
                operation_name="CreateServiceAccount",
            )
        user_id = payload.user.id
        team = await self.reload()
        for member in team.members:
            if member.id == user_id:
                return member
        raise NotFoundError.of(f"service account {user_id} in team {self.name}", "TeamByName")


def member_from(session: AsyncSession, team: str, f: TeamMemberFields) -> AsyncMember:
    """Build from the generated ``TeamMemberFields`` fragment."""
    return AsyncMember(
        id=f.id, team=team, name=f.name, username=f.username, email=f.email,
        admin=bool(f.admin), pending=bool(f.pending), account_type=f.account_type,
        photo_url=f.photo_url, _session=session,
    )  # fmt: skip


def team_from(session: AsyncSession, f: TeamFields) -> AsyncTeam:
    """Build from the generated ``TeamFields`` fragment."""
    return AsyncTeam(
        id=f.id, name=f.name, available=f.available, photo_url=f.photo_url,
        read_only=f.read_only, read_only_admin=f.read_only_admin, is_team=f.is_team,
        entity_type=f.entity_type, private_only=f.private_only, storage_bytes=f.storage_bytes,
        code_saving_enabled=f.code_saving_enabled, default_access=f.default_access,
        is_paid=f.is_paid, _members=tuple(member_from(session, f.name, m) for m in f.members),
        _session=session,
    )  # fmt: skip


async def fetch_team(session: AsyncSession, name: str) -> AsyncTeam:
    """One team by name; :class:`NotFoundError` if there is none (or ``name`` is a
    user's personal entity)."""
    name = check_name(name, "team name")
    result = await session.gql.team_by_name(name=name)
    if result.entity is None or not result.entity.is_team:
        raise NotFoundError.of(f"team {name}", "TeamByName")
    return team_from(session, result.entity)


async def create_team(session: AsyncSession, team: str, admin_username: str | None) -> AsyncTeam:
    """Create a team administered by ``admin_username`` (default: the viewer)."""
    team = check_name(team, "team name")
    if admin_username is not None:
        check_name(admin_username, "admin_username")
    check_optional_str(admin_username, "admin_username")
    result = await session.gql.create_team(team_name=team, team_admin_user_name=admin_username)
    payload = result.create_team
    if payload is None or payload.entity is None:
        raise ResponseValidationError(
            f"the server created no team {team}", operation_name="CreateTeam"
        )
    return team_from(session, payload.entity)
