"""Teams: the data of a team entity and of its members (accepted or invited)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MemberData", "TeamData"]


@dataclass(frozen=True, eq=False)
class MemberData:
    """A member of a team, or a user invited to it (``pending``)."""

    id: str | None
    """The member's id (an invite's id while ``pending``): what :meth:`delete` removes."""
    team: str
    """The team's name."""
    name: str
    username: str | None
    email: str | None
    """Visible to the member themself and to instance admins only (else ``None``)."""
    admin: bool
    """Whether the member administers the team."""
    pending: bool
    """Invited, not yet a member."""
    account_type: str | None
    """``MEMBER``, ``SERVICE`` (a service account), ..."""
    photo_url: str | None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemberData) and (other.team, other.id) == (self.team, self.id)

    def __hash__(self) -> int:
        return hash((self.team, self.id))

    def __repr__(self) -> str:
        state = " (invited)" if self.pending else ""
        return f"<{type(self).__name__} {self.username or self.name} of {self.team}{state}>"


@dataclass(frozen=True, eq=False)
class TeamData:
    """A W&B team: an entity that several users share."""

    id: str
    name: str
    available: bool | None
    photo_url: str | None
    read_only: bool | None
    read_only_admin: bool
    is_team: bool
    entity_type: str | None
    private_only: bool
    storage_bytes: int
    code_saving_enabled: bool
    default_access: str
    is_paid: bool | None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TeamData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
