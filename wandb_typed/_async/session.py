"""What an Api shares with every object fetched through it: the settings, the
connection, the generated GraphQL client and the viewer. Resource functions take
the session as their first argument; resource objects keep it in ``_session``."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

import httpx

from .._version import __version__
from ..config import Settings
from ..errors import InputError, UsageError
from ..paths import check_name
from ._mode import same_loop
from .connection import AsyncConnection

if TYPE_CHECKING:
    from _wandb_typed_gql.async_client import AsyncWandbClient

    from .users import AsyncUser

__all__ = ["AsyncSession"]


class AsyncSession:
    """One Api's state: created with it, closed with it."""

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self.settings: Settings = settings
        self.user_agent: str = (
            f"wandb-typed/{__version__} (python {platform.python_version()}; "
            f"httpx {httpx.__version__})"
        )
        self.http_client: httpx.AsyncClient | None = http_client
        self.transport: httpx.AsyncBaseTransport | None = transport
        self.viewer_cache: AsyncUser | None = None
        self.closed: bool = False
        self._loop: object | None = None
        self._connection: AsyncConnection | None = None
        self._gql: AsyncWandbClient | None = None

    @property
    def connection(self) -> AsyncConnection:
        """The connection (its HTTP client is created on first use)."""
        if self.closed:
            raise UsageError("this Api was closed; create a new one (or keep it open)")
        loop = same_loop(self._loop if self._connection is not None else None)
        if self._connection is None:
            self._loop = loop
            s = self.settings
            http = self.http_client or httpx.AsyncClient(
                transport=self.transport,
                timeout=httpx.Timeout(s.timeout, connect=min(s.connect_timeout, s.timeout)),
                follow_redirects=False,
            )
            self._connection = AsyncConnection(s, self.user_agent, http)
        return self._connection

    @property
    def gql(self) -> AsyncWandbClient:
        """The generated client, sending through :attr:`connection`."""
        connection = self.connection  # checks: still open, same event loop
        if self._gql is None:
            from _wandb_typed_gql.async_client import AsyncWandbClient

            self._gql = AsyncWandbClient(connection)
        return self._gql

    async def aclose(self) -> None:
        """Close the HTTP client this session created (a given one stays open); the
        session cannot be used afterwards."""
        self.closed = True
        connection, self._connection, self._gql = self._connection, None, None
        if connection is not None and self.http_client is None:
            await connection.http.aclose()

    async def viewer(self) -> AsyncUser:
        """The key's user (fetched once)."""
        if self.viewer_cache is None:
            from .users import user_from

            result = await self.gql.viewer()
            if result.viewer is None:
                raise InputError("the server returned no viewer for this API key")
            self.viewer_cache = user_from(self, result.viewer)
        return self.viewer_cache

    async def resolve_entity(self, entity: str | None) -> str:
        """``entity`` if given, else the configured default, else the viewer's."""
        if entity is not None:
            return check_name(entity, "entity name")
        if self.settings.entity:
            return self.settings.entity
        viewer = await self.viewer()
        if not viewer.entity:
            raise InputError("no entity given and the viewer has no default entity; pass entity=")
        return viewer.entity
