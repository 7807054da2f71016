"""Users: the viewer (the key's owner) and the owners of projects and runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..types import JSONObject, as_object

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import UserFields

__all__ = ["User", "UserRef", "user_from"]


@dataclass(frozen=True)
class User:
    """A W&B user. Read-only: fetched with the object that refers to it."""

    id: str
    name: str
    username: str | None
    email: str | None
    admin: bool
    entity: str | None
    """The user's default entity (usually their username)."""
    flags: JSONObject
    deleted_at: datetime | None
    teams: tuple[str, ...]
    """Names of the team entities the user belongs to."""


def user_from(f: UserFields) -> User:
    """Build from the generated ``UserFields`` fragment."""
    teams = f.teams.edges if f.teams is not None else []
    return User(
        id=f.id,
        name=f.name,
        username=f.username,
        email=f.email,
        admin=bool(f.admin),
        entity=f.entity,
        flags=as_object(f.flags, f"user {f.name}: flags"),
        deleted_at=f.deleted_at,
        teams=tuple(e.node.name for e in teams if e.node is not None),
    )


@dataclass(frozen=True)
class UserRef:
    """The author of a run or report, as listed with it (name and username only)."""

    name: str
    username: str | None
