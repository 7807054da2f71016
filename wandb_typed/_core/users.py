"""Users: the data of a user account (the viewer, the owner of a project, a user an
admin looks up), their API keys, and the author of a run or report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..types import JSONObject

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import UserAccountFields, UserFields

__all__ = ["ApiKeyInfo", "NewApiKey", "SecretKey", "UserData", "UserRef", "api_keys_of", "teams_of"]


@dataclass(frozen=True)
class ApiKeyInfo:
    """One of a user's API keys as a listing shows it: its id and description, never
    the secret (W&B stores a key's secret as its name; this client never asks for it)."""

    id: str
    description: str | None


class SecretKey:
    """An API key's secret. Its repr and ``str()`` are ``**********``, so printing,
    logging or an error message never shows it; :meth:`get_secret_value` is the key
    (as pydantic's ``SecretStr``, without importing pydantic)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The key itself (e.g. for ``WANDB_API_KEY``)."""
        return self._value

    def __repr__(self) -> str:
        return "SecretKey('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class NewApiKey:
    """A key :meth:`User.generate_api_key` just made. ``key`` is the secret: its repr
    and ``str()`` show ``**********``; ``key.get_secret_value()`` is the key itself."""

    id: str
    description: str | None
    key: SecretKey = field(repr=False)


@dataclass(frozen=True, eq=False)
class UserData:
    """A W&B user account: what ``User`` and ``AsyncUser`` hold."""

    id: str
    name: str
    username: str | None
    email: str | None
    """Visible to the user themself and to instance admins only (else ``None``)."""
    admin: bool
    """Whether the user is an instance admin."""
    entity: str | None
    """The user's default entity (usually their username)."""
    flags: JSONObject
    deleted_at: datetime | None
    teams: tuple[str, ...]
    """Names of the team entities the user belongs to."""
    api_keys: tuple[ApiKeyInfo, ...]
    """The user's API keys (ids and descriptions; listed for the user themself only)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.username or self.name}>"


def teams_of(f: UserFields) -> tuple[str, ...]:
    """The team names of the ``UserFields`` fragment."""
    edges = f.teams.edges if f.teams is not None else []
    return tuple(e.node.name for e in edges if e.node is not None)


def api_keys_of(f: UserAccountFields) -> tuple[ApiKeyInfo, ...]:
    """The API keys of the ``UserAccountFields`` fragment."""
    edges = f.api_keys.edges if f.api_keys is not None else []
    return tuple(ApiKeyInfo(e.node.id, e.node.description) for e in edges if e.node is not None)


@dataclass(frozen=True)
class UserRef:
    """The author of a run or report, as listed with it (name and username only)."""

    name: str
    username: str | None
