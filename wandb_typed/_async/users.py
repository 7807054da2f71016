"""Users: the viewer, users an instance admin looks up or creates, and API keys.

Searching and creating users is for instance admins (anyone else gets
``PermissionDeniedError`` from the server). A user's API keys are listed by id and
description only; :meth:`AsyncUser.generate_api_key` is the one call that hands a
secret back, wrapped so that no repr, log or error shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._core.checks import check_bool, check_optional_str, check_text
from .._core.users import ApiKeyInfo, NewApiKey, SecretKey, UserData, api_keys_of, teams_of
from ..errors import InputError, ResponseValidationError, UsageError
from ..types import as_object
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import UserAccountFields, UserFields

    from .session import AsyncSession

__all__ = ["AsyncUser", "create_user", "search_users", "user_by_name", "user_from"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncUser(UserData):
    """A W&B user account (``api_keys``: as fetched; generating or deleting a key
    returns the change, fetch the user again to list the keys anew)."""

    _session: AsyncSession = field(compare=False)

    async def generate_api_key(self, description: str | None = None) -> NewApiKey:
        """Make a new API key for this user, who must be the one this client's key
        belongs to (W&B makes keys for the requesting user only).

        Raises:
            UsageError: this user is not the key's owner (before any key is made).
        """
        check_optional_str(description, "description")
        viewer = await self._session.viewer()
        if viewer.id != self.id:
            raise UsageError(
                f"generate_api_key makes a key for the API key's own user "
                f"({viewer.username}), not for {self.username or self.name}; "
                "call it on api.viewer, with that user's key"
            )
        result = await self._session.gql.generate_api_key(description=description)
        payload = result.generate_api_key
        if payload is None or payload.api_key is None:
            raise ResponseValidationError(
                "the server made no API key", operation_name="GenerateApiKey"
            )
        made = payload.api_key
        return NewApiKey(id=made.id, description=made.description, key=SecretKey(made.name))

    async def delete_api_key(self, api_key: ApiKeyInfo | str) -> bool:
        """Delete one of this user's API keys: an entry of :attr:`api_keys` or its
        ``id`` (the secret is not accepted: the key is named by id, never by value).

        Returns ``True``; a refusal raises (``PermissionDeniedError``: neither the
        key's owner nor an admin; ``NotFoundError``: no such key).
        """
        key_id = _key_id(api_key)
        if key_id not in {k.id for k in self.api_keys}:
            # Never echo the argument: it may be a secret passed by mistake.
            raise InputError(
                f"user {self.username or self.name} has no API key with that id; "
                "pass an entry of user.api_keys"
            )
        gql = self._session.gql
        result = await delete_once(lambda: gql.delete_api_key(id=key_id), f"API key {key_id}")
        if result is None:  # deleted by an attempt whose answer was lost
            return True
        return result.delete_api_key is not None and bool(result.delete_api_key.success)


def _key_id(api_key: object) -> str:
    """The id an :class:`ApiKeyInfo` or a key id names (the argument is never echoed)."""
    if isinstance(api_key, ApiKeyInfo):
        return api_key.id
    if isinstance(api_key, str) and api_key:
        return api_key
    raise InputError("api_key must be an entry of user.api_keys or its id")


def user_from(session: AsyncSession, f: UserFields | UserAccountFields) -> AsyncUser:
    """Build from the generated ``UserFields`` or ``UserAccountFields`` fragment."""
    from _wandb_typed_gql.fragments import UserAccountFields

    return AsyncUser(
        id=f.id, name=f.name, username=f.username, email=f.email, admin=bool(f.admin),
        entity=f.entity, flags=as_object(f.flags, f"user {f.name}: flags"),
        deleted_at=f.deleted_at, teams=teams_of(f),
        api_keys=api_keys_of(f) if isinstance(f, UserAccountFields) else (),
        _session=session,
    )  # fmt: skip


async def search_users(session: AsyncSession, query: str) -> list[AsyncUser]:
    """Users whose username, e-mail or name contains ``query`` (instance admins)."""
    check_text(query, "username_or_email")
    result = await session.gql.search_users(query=query)
    if result.users is None:
        return []
    return [user_from(session, e.node) for e in result.users.edges if e.node is not None]


async def user_by_name(session: AsyncSession, username_or_email: str) -> AsyncUser | None:
    """The user whose username or e-mail is exactly ``username_or_email`` (case
    aside), or ``None``."""
    wanted = check_text(username_or_email, "username_or_email").casefold()
    for user in await search_users(session, username_or_email):
        if wanted in {(user.username or "").casefold(), (user.email or "").casefold()}:
            return user
    return None


async def create_user(session: AsyncSession, email: str, admin: bool) -> AsyncUser:
    """Create a user (instance admins only)."""
    check_text(email, "email")
    if "@" not in email or any(c.isspace() for c in email):
        raise InputError(f"email must be an e-mail address, got {email!r}")
    check_bool(admin, "admin")
    result = await session.gql.create_user(email=email, admin=admin)
    payload = result.create_user
    if payload is None or payload.user is None:
        raise ResponseValidationError("the server created no user", operation_name="CreateUser")
    return user_from(session, payload.user)
