"""What every resolver module uses: the schema file, global ids, errors, the request
context (who asks, and what they may read or write), connections and JSON arguments.

Nothing here is bound to the schema; the resource modules import from here.
"""

from __future__ import annotations

import base64
import binascii
import importlib.resources
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Page, Row, Store
from .._store.projects import PUBLIC_ACCESS
from .._text import ascii_int

__all__ = [
    "EMPTY_CONNECTION",
    "EMPTY_PAGE_INFO",
    "FileLinks",
    "RequestContext",
    "can_read_project",
    "connection",
    "denied",
    "file_path",
    "gid",
    "json_arg",
    "json_object_arg",
    "json_text_arg",
    "not_found",
    "parse_gid",
    "request_context",
    "schema_sdl",
]

#: ``pageInfo`` of an empty listing.
EMPTY_PAGE_INFO: Row = {
    "startCursor": None,
    "endCursor": None,
    "hasNextPage": False,
    "hasPreviousPage": False,
}
#: A connection with no edges (fields this server does not fill).
EMPTY_CONNECTION: Row = {"edges": [], "pageInfo": EMPTY_PAGE_INFO, "totalCount": 0}


# ---------------------------------------------------------------------- schema file
def _schema_path() -> Path | None:
    repo_copy = Path(__file__).resolve().parents[3] / "schema.graphql"
    if repo_copy.is_file():
        return repo_copy
    return None


@lru_cache(maxsize=1)
def schema_sdl() -> str:
    """The SDL: the repository's ``schema.graphql`` or the packaged copy."""
    path = _schema_path()
    if path is not None:
        return path.read_text(encoding="utf-8")
    try:
        packaged = importlib.resources.files("_wandb_typed_gql") / "schema.graphql"
        return packaged.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise RuntimeError(
            "schema.graphql not found (neither in the source tree nor in _wandb_typed_gql)"
        ) from None


# ---------------------------------------------------------------------- ids & errors
def gid(type_name: str, pk: int) -> str:
    """W&B global id: base64 of ``"Type:N"``."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_gid(value: object, type_name: str) -> int:
    """``gid(type_name, n)`` (or a bare integer) -> ``n``; anything else is an error."""
    text = str(value)
    number = ascii_int(text)
    if number is not None:
        return number
    try:
        raw = base64.b64decode(text.encode(), validate=True)
        kind, _, pk = raw.decode().partition(":")
    except (binascii.Error, UnicodeError, ValueError):
        kind, pk = "", ""
    number = ascii_int(pk)
    if kind != type_name or number is None:
        shown = text[:100].encode("unicode_escape").decode("ascii")
        raise GraphQLError(f"invalid {type_name} id {shown!r}", extensions={"code": "BAD_ID"})
    return number


def not_found(what: str) -> GraphQLError:
    """The error of a missing object a mutation or lookup names (code ``NOT_FOUND``)."""
    return GraphQLError(f"{what} not found", extensions={"code": "NOT_FOUND"})


def denied(username: str, entity: str) -> GraphQLError:
    """The error of a write by a non-member of the entity (code ``PERMISSION_ERROR``)."""
    return GraphQLError(
        f"permission denied: {username} cannot write to entity {entity!r}",
        extensions={"code": "PERMISSION_ERROR"},
    )


# ---------------------------------------------------------------------- request context
@dataclass
class FileLinks:
    """Builds signed file URLs for one request (host as the client reached us)."""

    base_url: str  # e.g. http://127.0.0.1:8080, used for upload URLs
    file_base_url: str  # same server, possibly a different host name
    sign: Callable[[str, str], str]  # (method, path) -> token

    def download(self, entity: str, project: str, run: str, name: str) -> str:
        """A run file's download URL, signed for GET by the requesting user."""
        path = file_path(entity, project, run, name)
        return f"{self.file_base_url}{path}?token={self.sign('GET', path)}"

    def upload(self, entity: str, project: str, run: str, name: str) -> str:
        """A run file's upload URL, signed for PUT by the requesting user."""
        path = file_path(entity, project, run, name)
        return f"{self.base_url}{path}?token={self.sign('PUT', path)}"


def file_path(entity: str, project: str, run: str, name: str) -> str:
    """URL path of a run file (``name`` may contain slashes)."""
    from urllib.parse import quote

    return f"/files/{quote(entity)}/{quote(project)}/{quote(run)}/{quote(name)}"


def can_read_project(store: Store, project: Row, user: Row) -> bool:
    """Public projects are readable by every logged-in user, the others by members of
    their entity only (a registry: by whoever has a role in it)."""
    return (
        project["access"] in PUBLIC_ACCESS
        or store.is_member(int(project["entity_id"]), int(user["id"]))
        or store.registry_role(int(project["id"]), int(user["id"])) is not None
    )


@dataclass
class RequestContext:
    """Per-request state handed to resolvers as ``info.context``.

    Authorization happens where objects are reached: a project only through
    :meth:`can_read` (lookups return null, listings filter in SQL), so everything
    below a project (runs, sweeps, files, views) is readable once the project is;
    every write goes through :meth:`require_write` (members of the entity only,
    whatever the project's access). A registry (a project of an organization's
    entity, whose members belong to no entity) is read and written by role instead
    (:meth:`registry_role`; writes through :meth:`require_project_write`).
    """

    store: Store
    viewer: Row
    links: FileLinks
    _projects: dict[int, Row | None] = field(default_factory=dict)
    _memberships: dict[int, bool] = field(default_factory=dict)
    _registry_roles: dict[int, str | None] = field(default_factory=dict)

    def project_row(self, project_id: int) -> Row | None:
        """The project row by id, looked up once per request (no access check)."""
        if project_id not in self._projects:
            self._projects[project_id] = self.store.project_by_id(project_id)
        return self._projects[project_id]

    def is_member(self, entity_id: int) -> bool:
        """Whether the viewer belongs to the entity (asked once per request)."""
        if entity_id not in self._memberships:
            self._memberships[entity_id] = self.store.is_member(entity_id, int(self.viewer["id"]))
        return self._memberships[entity_id]

    def registry_role(self, project: Row) -> str | None:
        """The viewer's role in a registry (asked once per request); ``None`` for a
        registry the viewer may not read, and for a project that is not a registry."""
        project_id = int(project["id"])
        if project_id not in self._registry_roles:
            self._registry_roles[project_id] = self.store.registry_role(
                project_id, int(self.viewer["id"])
            )
        return self._registry_roles[project_id]

    def can_read(self, project: Row) -> bool:
        """Public projects, or the viewer is a member of the project's entity, or has a
        role in the registry."""
        return (
            project["access"] in PUBLIC_ACCESS
            or self.is_member(int(project["entity_id"]))
            or self.registry_role(project) is not None
        )

    def can_write(self, project: Row) -> bool:
        """Members of the project's entity only, whatever its access; in a registry,
        its admins and members."""
        return self.is_member(int(project["entity_id"])) or self.registry_role(project) in (
            "admin",
            "member",
        )

    def require_project_write(self, project: Row) -> None:
        """Raise unless the viewer may write to the (readable) project: a registry
        needs the ``admin`` or ``member`` role, any other project membership of its
        entity (:meth:`require_write`)."""
        if self.store.is_registry(int(project["id"])):
            if self.registry_role(project) not in ("admin", "member"):
                raise GraphQLError(
                    f"permission denied: {self.viewer['username']} may not change registry"
                    f" {project['name']!r} (it needs the admin or member role)",
                    extensions={"code": "PERMISSION_ERROR"},
                )
            return
        self.require_write(str(project["entity_name"]))

    def sees_private_fields_of(self, user_id: object) -> bool:
        """E-mail addresses: the user themself, or an admin."""
        return bool(self.viewer["admin"]) or user_id == self.viewer["id"]

    def require_write(self, entity_name: str) -> Row:
        """The entity, if the viewer may write to it: else ``NOT_FOUND`` (no such
        entity) or ``PERMISSION_ERROR`` (not a member)."""
        entity = self.store.entity(entity_name)
        if entity is None:
            raise not_found(f"entity {entity_name!r}")
        if not self.is_member(int(entity["id"])):
            raise denied(str(self.viewer["username"]), entity_name)
        return entity


def request_context(info: GraphQLResolveInfo) -> RequestContext:
    """The :class:`RequestContext` of the request a resolver serves."""
    context = info.context
    assert isinstance(context, RequestContext)
    return context


# ---------------------------------------------------------------------- connections
def connection(page: Page, to_node: Callable[[Row], Row], **extra: object) -> Row:
    """A Relay connection dict: every edge has a cursor, ``endCursor`` = last edge's."""
    return {
        "edges": [
            {"node": to_node(row), "cursor": cursor}
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ],
        "pageInfo": {
            "startCursor": page.cursors[0] if page.cursors else None,
            "endCursor": page.end_cursor,
            "hasNextPage": page.has_next,
            "hasPreviousPage": False,
        },
        **extra,
    }


# ---------------------------------------------------------------------- JSON arguments
def json_arg(value: object, what: str) -> Any:
    """A JSONString argument arrives as text (or, leniently, already decoded)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise GraphQLError(f"{what} is not valid JSON: {exc}") from None
    return value


def json_object_arg(value: object, what: str) -> str:
    """A JSONString argument that must hold a JSON object (run config, summary), as text."""
    parsed = json_arg(value, what)
    if not isinstance(parsed, dict):
        raise GraphQLError(f"{what} must be a JSON object, got {type(parsed).__name__}")
    return value if isinstance(value, str) else json.dumps(parsed)


def json_text_arg(value: object) -> str | None:
    """A JSONString argument stored as given: text stays text, a decoded value is dumped."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
