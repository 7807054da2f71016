"""GraphQL resolvers: the project's ``schema.graphql`` bound to the SQLite store.

``build_schema()`` loads the SDL (the repository's ``schema.graphql``, or the
copy packaged with the generated client) and binds resolvers with ariadne
(``convert_names_case=False``: field names are W&B's camelCase).

Resolvers return plain dicts ("nodes") keyed by GraphQL field name; simple
fields are plain values, and fields that take arguments or cost a query are
bound below with ariadne ``ObjectType.field`` (binding fails at startup if the
schema lacks the field, so SDL drift is caught early).  Each node keeps the
store row under ``_row``.

Behaviour that mirrors W&B:

* global ids are base64 of ``"Type:N"`` (``UnVuOjE=`` = ``Run:1``);
* unknown entities/projects/runs resolve to ``null``, not errors;
* JSONString fields are JSON *text*; ``config(keys:)``/``summaryMetrics(keys:)``
  project onto the given top-level keys;
* a page of runs is one SQL query (user, sweep name and file count joined in).
"""

from __future__ import annotations

import base64
import binascii
import importlib.resources
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from ariadne import MutationType, ObjectType, QueryType, ScalarType, make_executable_schema
from graphql import GraphQLEnumType, GraphQLError, GraphQLResolveInfo, GraphQLSchema

from ._store import Page, Row, Store, StoreError, format_time
from ._store.projects import PUBLIC_ACCESS

__all__ = [
    "SERVER_FEATURES",
    "FileLinks",
    "RequestContext",
    "build_schema",
    "can_read_project",
    "gid",
    "schema_sdl",
]

#: Server feature flags the official client probes (ServerFeaturesQuery), and
#: whether this server implements the behaviour behind each one.
SERVER_FEATURES: dict[str, bool] = {
    "TOTAL_COUNT_IN_FILE_CONNECTION": True,
    "MARK_RUN_FILES_UPLOADED": True,
    "SWEEPS_QUERY_FILTERING": False,
    "SWEEPS_LOCAL_SCHEDULER": False,
    "LARGE_FILENAMES": True,
    "ARTIFACT_REGISTRY_SEARCH": False,
    "INCLUDE_ARTIFACT_TYPES_IN_REGISTRY_CREATION": False,
    "ARTIFACT_COLLECTIONS_FILTERING_SORTING": True,
    "ARTIFACT_DIGEST_ALGORITHM": True,
    "ARTIFACT_MEMBERSHIP_IN_LINK_ARTIFACT_RESPONSE": True,
    "ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID": False,
    "USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION": True,
    "QUERY_AUTOMATIONS_ON_ENTITY": False,
    "AUTOMATION_EVENT_RUN_METRIC": False,
    "AUTOMATION_EVENT_RUN_METRIC_CHANGE": False,
    "AUTOMATION_EVENT_RUN_METRIC_ZSCORE": False,
    "AUTOMATION_EVENT_RUN_STATE": False,
    "AUTOMATION_SCOPE_ENTITY": False,
    "AUTOMATION_ACTION_ARIA": False,
    "AUTOMATION_ACTION_PUSH_NOTIFICATION": False,
}

_EMPTY_PAGE_INFO: Row = {
    "startCursor": None,
    "endCursor": None,
    "hasNextPage": False,
    "hasPreviousPage": False,
}
_EMPTY_CONNECTION: Row = {"edges": [], "pageInfo": _EMPTY_PAGE_INFO, "totalCount": 0}


# ---------------------------------------------------------------------- schema file
def _schema_path() -> Path | None:
    repo_copy = Path(__file__).resolve().parents[2] / "schema.graphql"
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
        packaged = importlib.resources.files("wandb_typed_gql") / "schema.graphql"
        return packaged.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise RuntimeError(
            "schema.graphql not found (neither in the source tree nor in wandb_typed_gql)"
        ) from None


# ---------------------------------------------------------------------- ids & errors
def gid(type_name: str, pk: int) -> str:
    """W&B global id: base64 of ``"Type:N"``."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_gid(value: object, type_name: str) -> int:
    """``gid(type_name, n)`` (or a bare integer) -> ``n``; anything else is an error."""
    text = str(value)
    if text.isdigit():
        return int(text)
    try:
        kind, _, pk = base64.b64decode(text.encode(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        kind, pk = "", ""
    if kind != type_name or not pk.isdigit():
        raise GraphQLError(f"invalid {type_name} id {text!r}", extensions={"code": "BAD_ID"})
    return int(pk)


def not_found(what: str) -> GraphQLError:
    """The error of a missing object a mutation or lookup names (code ``NOT_FOUND``)."""
    return GraphQLError(f"{what} not found", extensions={"code": "NOT_FOUND"})


def _denied(username: str, entity: str) -> GraphQLError:
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
        path = file_path(entity, project, run, name)
        return f"{self.file_base_url}{path}?token={self.sign('GET', path)}"

    def upload(self, entity: str, project: str, run: str, name: str) -> str:
        path = file_path(entity, project, run, name)
        return f"{self.base_url}{path}?token={self.sign('PUT', path)}"


def file_path(entity: str, project: str, run: str, name: str) -> str:
    """URL path of a run file (``name`` may contain slashes)."""
    from urllib.parse import quote

    return f"/files/{quote(entity)}/{quote(project)}/{quote(run)}/{quote(name)}"


def can_read_project(store: Store, project: Row, user: Row) -> bool:
    """Public projects are readable by every logged-in user, the others by members of
    their entity only."""
    return project["access"] in PUBLIC_ACCESS or store.is_member(
        int(project["entity_id"]), int(user["id"])
    )


@dataclass
class RequestContext:
    """Per-request state handed to resolvers as ``info.context``.

    Authorization happens where objects are reached: a project only through
    :meth:`can_read` (lookups return null, listings filter in SQL), so everything
    below a project (runs, sweeps, files, views) is readable once the project is;
    every write goes through :meth:`require_write` (members of the entity only,
    whatever the project's access).
    """

    store: Store
    viewer: Row
    links: FileLinks
    _projects: dict[int, Row | None] = field(default_factory=dict)
    _memberships: dict[int, bool] = field(default_factory=dict)

    def project_row(self, project_id: int) -> Row | None:
        if project_id not in self._projects:
            self._projects[project_id] = self.store.project_by_id(project_id)
        return self._projects[project_id]

    def is_member(self, entity_id: int) -> bool:
        if entity_id not in self._memberships:
            self._memberships[entity_id] = self.store.is_member(entity_id, int(self.viewer["id"]))
        return self._memberships[entity_id]

    def can_read(self, project: Row) -> bool:
        return project["access"] in PUBLIC_ACCESS or self.is_member(int(project["entity_id"]))

    def can_write(self, project: Row) -> bool:
        return self.is_member(int(project["entity_id"]))

    def sees_private_fields_of(self, user_id: object) -> bool:
        """E-mail addresses: the user themself, or an admin."""
        return bool(self.viewer["admin"]) or user_id == self.viewer["id"]

    def require_write(self, entity_name: str) -> Row:
        entity = self.store.entity(entity_name)
        if entity is None:
            raise not_found(f"entity {entity_name!r}")
        if not self.is_member(int(entity["id"])):
            raise _denied(str(self.viewer["username"]), entity_name)
        return entity


def request_context(info: GraphQLResolveInfo) -> RequestContext:
    """The :class:`RequestContext` of the request a resolver serves."""
    context = info.context
    assert isinstance(context, RequestContext)
    return context


# ---------------------------------------------------------------------- nodes
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


def _run_user(row: Row) -> Row | None:
    if row.get("user_id") is None:
        return None
    return user_node(
        {
            "id": row["user_id"],
            "name": row["user_name"],
            "username": row["user_username"],
            "email": row["user_email"],
            "admin": row["user_admin"],
        }
    )


def entity_node(row: Row) -> Row:
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
        "triggers": _EMPTY_CONNECTION,
    }


def project_node(row: Row) -> Row:
    return {
        "_row": row,
        "id": gid("Project", int(row["id"])),
        "internalId": gid("ProjectInternalId", int(row["id"])),
        "name": row["name"],
        "entityName": row["entity_name"],
        "description": row["description"],
        "access": row["access"],
        "views": row["views"],
        "isBenchmark": False,
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "allowAllArtifactTypesInRegistry": False,
        "artifactTypes": _EMPTY_CONNECTION,
        "artifactCollections": _EMPTY_CONNECTION,
        "members": [],
        "teamMembers": [],
        "triggers": [],
        "runQueues": [],
    }


def run_node(row: Row) -> Row:
    state = row["state"]
    return {
        "_row": row,
        "id": gid("Run", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "state": state,
        "tags": json.loads(row["tags"]),
        "group": row["group_name"],
        "jobType": row["job_type"],
        "host": row["host"],
        "notes": row["notes"],
        "description": row["description"],
        "commit": row["commit_hash"],
        "sweepName": row["sweep_name"],
        "projectId": int(row["project_id"]),
        "createdAt": row["created_at"],
        "heartbeatAt": row["heartbeat_at"],
        "exitcode": row["exitcode"],
        "shouldStop": bool(row["should_stop"]),
        "failed": state in ("failed", "crashed"),
        "stopped": state == "killed" or bool(row["should_stop"]),
        "running": state == "running",
        "user": _run_user(row),
        "systemMetrics": row["system_metrics"],
        "historyLineCount": int(row["history_line_count"]),
        "fileCount": int(row["file_count"]),
        "inputArtifacts": _EMPTY_CONNECTION,
        "outputArtifacts": _EMPTY_CONNECTION,
    }


def sweep_node(row: Row) -> Row:
    return {
        "_row": row,
        "id": gid("Sweep", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "method": row["method"],
        "state": row["state"],
        "description": row["description"],
        "bestLoss": row["best_loss"],
        "config": row["config"],
        "controller": row["controller"],
        "scheduler": row["scheduler"],
        "earlyStopJobRunning": False,
        "runCount": int(row["run_count"]),
        "runCountExpected": row["run_count_expected"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "heartbeatAt": row["updated_at"],
        "agent": None,
        "agents": _EMPTY_CONNECTION,
    }


def view_node(row: Row) -> Row:
    return {
        "_row": row,
        "id": gid("View", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "description": row["description"],
        "type": row["type"],
        "spec": row["spec"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def file_node(row: Row, links: FileLinks, run: Row, *, writable: bool) -> Row:
    """A run File; ``run`` is a run row (for the entity/project/run URL path).  Upload
    URLs (signed for PUT) go only to viewers who may write the run's project."""
    args = (str(run["entity_name"]), str(run["project_name"]), str(run["name"]), str(row["name"]))
    download = links.download(*args)
    upload_url = links.upload(*args) if writable else None

    def url(info: GraphQLResolveInfo, upload: bool = False) -> str | None:
        return upload_url if upload else download

    return {
        "_row": row,
        "id": gid("File", int(row["id"])),
        "name": row["name"],
        "displayName": row["name"],
        "url": url,
        "directUrl": download,
        "uploadUrl": upload_url,
        "sizeBytes": int(row["size"]),
        "mimetype": row["mimetype"],
        "md5": row["md5"],
        "digest": row["md5"],
        "storagePath": "/".join(args),
        "updatedAt": row["updated_at"],
    }


def _project_json(text: str | None, keys: Sequence[str] | None) -> str | None:
    """W&B's ``config(keys:)``/``summaryMetrics(keys:)``: keep only the given keys."""
    if text is None or keys is None:
        return text
    data = json.loads(text)
    return json.dumps({key: data[key] for key in keys if key in data})


def json_arg(value: object, what: str) -> Any:
    """A JSONString argument arrives as text (or, leniently, already decoded)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise GraphQLError(f"{what} is not valid JSON: {exc}") from None
    return value


def _json_object_arg(value: object, what: str) -> str:
    """A JSONString argument that must hold a JSON object (run config, summary), as text."""
    parsed = json_arg(value, what)
    if not isinstance(parsed, dict):
        raise GraphQLError(f"{what} must be a JSON object, got {type(parsed).__name__}")
    return value if isinstance(value, str) else json.dumps(parsed)


def _json_text_arg(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


# ---------------------------------------------------------------------- scalars
def _serialize_json_string(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _serialize_datetime(value: object) -> str | None:
    if isinstance(value, datetime):
        return format_time(value)
    return None if value is None else str(value)


def _identity(value: object) -> object:
    return value


def _serialize_json(value: object) -> object:
    """A ``JSON`` value with NaN and infinities as the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"``: a response body must be strict JSON (Go's
    decoder in wandb-core rejects bare ``NaN``), and history may hold them."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {k: _serialize_json(v) for k, v in cast("dict[object, object]", value).items()}
    if isinstance(value, (list, tuple)):
        return [_serialize_json(v) for v in cast("Sequence[object]", value)]
    return value


def _parse_json_string(value: object) -> object:
    """A JSONString input must be JSON text (NaN and infinities allowed, as W&B clients
    write them): anything else is refused here, before any resolver runs, so no
    malformed text is ever stored (it would break every later read of it)."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
    return value


json_string = ScalarType(
    "JSONString", serializer=_serialize_json_string, value_parser=_parse_json_string
)
json_scalar = ScalarType("JSON", serializer=_serialize_json, value_parser=_identity)
datetime_scalar = ScalarType("DateTime", serializer=_serialize_datetime, value_parser=_identity)
int64_scalar = ScalarType("Int64", serializer=int, value_parser=int)


# ---------------------------------------------------------------------- Query
query = QueryType()


@query.field("viewer")
def resolve_viewer(_: None, info: GraphQLResolveInfo) -> Row:
    return user_node(request_context(info).viewer)


@query.field("entity")
def resolve_entity(_: None, info: GraphQLResolveInfo, name: str | None = None) -> Row | None:
    ctx = request_context(info)
    row = ctx.store.entity(name or str(ctx.viewer["username"]))
    return entity_node(row) if row else None


def _projects_connection(
    ctx: RequestContext, entity: str, first: int | None, after: str | None
) -> Row:
    """An entity's projects the viewer may see, filtered in SQL before paging."""
    if ctx.store.entity(entity) is None:
        return _EMPTY_CONNECTION
    page = ctx.store.projects_page(entity, first, after, viewer_id=int(ctx.viewer["id"]))
    return connection(page, project_node)


@query.field("models")
def resolve_models(
    _: None,
    info: GraphQLResolveInfo,
    entityName: str | None = None,
    after: str | None = None,
    first: int | None = None,
    order: str | None = None,
) -> Row:
    ctx = request_context(info)
    return _projects_connection(ctx, entityName or str(ctx.viewer["username"]), first, after)


def _lookup_project(ctx: RequestContext, entity: str | None, name: str | None) -> Row | None:
    if not name:
        return None
    row = ctx.store.project(entity or str(ctx.viewer["username"]), name)
    if row is None or not ctx.can_read(row):
        return None
    return row


@query.field("project")
def resolve_project(
    _: None,
    info: GraphQLResolveInfo,
    name: str | None = None,
    entityName: str | None = None,
) -> Row | None:
    row = _lookup_project(request_context(info), entityName, name)
    return project_node(row) if row else None


@query.field("serverInfo")
def resolve_server_info(_: None, info: GraphQLResolveInfo) -> Row:
    return {
        "features": [{"name": k, "isEnabled": v} for k, v in SERVER_FEATURES.items()],
        "cliVersionInfo": {},
        "latestLocalVersionInfo": None,
    }


# ---------------------------------------------------------------------- User / Entity
user_type = ObjectType("User")


@user_type.field("email")
def resolve_user_email(user: Row, info: GraphQLResolveInfo) -> str | None:
    """Only the user themself (or an admin) sees an e-mail address."""
    row = user["_row"]
    return row.get("email") if request_context(info).sees_private_fields_of(row.get("id")) else None


@user_type.field("apiKeys")
def resolve_api_keys(user: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    ctx = request_context(info)
    if user["_row"].get("id") != ctx.viewer["id"]:
        return _EMPTY_CONNECTION
    key = str(ctx.viewer["api_key"])
    node = {"id": gid("ApiKey", int(ctx.viewer["id"])), "name": key, "description": None}
    return {"edges": [{"node": node, "cursor": "0"}], "pageInfo": _EMPTY_PAGE_INFO}


@user_type.field("teams")
def resolve_teams(user: Row, info: GraphQLResolveInfo, **_: object) -> Row:
    teams = request_context(info).store.teams_of(int(user["_row"]["id"]))
    return {
        "edges": [{"node": entity_node(t), "cursor": str(t["id"])} for t in teams],
        "pageInfo": _EMPTY_PAGE_INFO,
    }


@user_type.field("projects")
def resolve_user_projects(
    user: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    return _projects_connection(request_context(info), str(user["username"]), first, after)


entity_type = ObjectType("Entity")


@entity_type.field("project")
def resolve_entity_project(
    entity: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    row = _lookup_project(request_context(info), str(entity["name"]), name)
    return project_node(row) if row else None


@entity_type.field("projects")
def resolve_entity_projects(
    entity: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    return _projects_connection(request_context(info), str(entity["name"]), first, after)


@entity_type.field("members")
def resolve_members(entity: Row, info: GraphQLResolveInfo) -> list[Row]:
    ctx = request_context(info)
    return [
        {
            "id": gid("User", int(u["id"])),
            "name": u["name"],
            "username": u["username"],
            "email": u["email"] if ctx.sees_private_fields_of(u["id"]) else None,
            "photoUrl": None,
            "admin": bool(u["member_admin"]),
            "role": "admin" if u["member_admin"] else "member",
            "pending": False,
            "accountType": "MEMBER",
            "apiKey": u["api_key"] if u["id"] == ctx.viewer["id"] else None,
        }
        for u in ctx.store.members_of(int(entity["_row"]["id"]))
    ]


@entity_type.field("user")
def resolve_entity_user(entity: Row, info: GraphQLResolveInfo) -> Row | None:
    user_id = entity["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("entity")
def resolve_project_entity(project: Row, info: GraphQLResolveInfo) -> Row | None:
    row = request_context(info).store.entity_by_id(int(project["_row"]["entity_id"]))
    return entity_node(row) if row else None


@project_type.field("user")
def resolve_project_user(project: Row, info: GraphQLResolveInfo) -> Row | None:
    user_id = project["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


@project_type.field("readOnly")
def resolve_project_read_only(project: Row, info: GraphQLResolveInfo) -> bool:
    return not request_context(info).is_member(int(project["_row"]["entity_id"]))


@project_type.field("runs")
def resolve_runs(
    project: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    page = request_context(info).store.runs_page(
        int(project["_row"]["id"]), filters=filters, order=order, first=first, after=after
    )
    return connection(page, run_node)


@project_type.field("runCount")
def resolve_run_count(project: Row, info: GraphQLResolveInfo, filters: object = None) -> int:
    return request_context(info).store.run_count(int(project["_row"]["id"]), filters)


@project_type.field("run")
def resolve_run(project: Row, info: GraphQLResolveInfo, name: str) -> Row | None:
    row = request_context(info).store.run(int(project["_row"]["id"]), name)
    return run_node(row) if row else None


@project_type.field("sweep")
def resolve_sweep(
    project: Row, info: GraphQLResolveInfo, sweepName: str | None = None
) -> Row | None:
    if not sweepName:
        return None
    row = request_context(info).store.sweep(int(project["_row"]["id"]), sweepName)
    return sweep_node(row) if row else None


@project_type.field("sweeps")
def resolve_sweeps(
    project: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    page = request_context(info).store.sweeps_page(int(project["_row"]["id"]), first, after)
    return connection(page, sweep_node)


@project_type.field("totalSweeps")
def resolve_total_sweeps(project: Row, info: GraphQLResolveInfo) -> int:
    return request_context(info).store.sweep_count(int(project["_row"]["id"]))


@project_type.field("allViews")
def resolve_all_views(
    project: Row,
    info: GraphQLResolveInfo,
    viewType: str | None = None,
    viewName: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    page = request_context(info).store.views_page(
        int(project["_row"]["id"]), view_type=viewType, name=viewName, first=first, after=after
    )
    return connection(page, view_node)


# ---------------------------------------------------------------------- Run
run_type = ObjectType("Run")


@run_type.field("readOnly")
def resolve_run_read_only(run: Row, info: GraphQLResolveInfo) -> bool:
    ctx = request_context(info)
    project = ctx.project_row(int(run["projectId"]))
    return project is None or not ctx.is_member(int(project["entity_id"]))


@run_type.field("project")
def resolve_run_project(run: Row, info: GraphQLResolveInfo) -> Row | None:
    row = request_context(info).project_row(int(run["projectId"]))
    return project_node(row) if row else None


@run_type.field("sweep")
def resolve_run_sweep(run: Row, info: GraphQLResolveInfo) -> Row | None:
    sweep_id = run["_row"]["sweep_id"]
    row = request_context(info).store.sweep_by_id(int(sweep_id)) if sweep_id is not None else None
    return sweep_node(row) if row else None


@run_type.field("config")
def resolve_config(run: Row, info: GraphQLResolveInfo, keys: list[str] | None = None) -> str | None:
    return _project_json(run["_row"]["config"], keys)


@run_type.field("summaryMetrics")
def resolve_summary(
    run: Row, info: GraphQLResolveInfo, keys: list[str] | None = None, **_: object
) -> str | None:
    return _project_json(run["_row"]["summary"], keys)


@run_type.field("historyKeys")
def resolve_history_keys(run: Row, info: GraphQLResolveInfo, **_: object) -> Any:
    return json.loads(run["_row"]["history_keys"])


@run_type.field("history")
def resolve_history(
    run: Row,
    info: GraphQLResolveInfo,
    samples: int | None = None,
    minStep: int | None = None,
    maxStep: int | None = None,
) -> list[str]:
    return request_context(info).store.history(
        int(run["_row"]["id"]), samples=samples, min_step=minStep, max_step=maxStep
    )


@run_type.field("events")
def resolve_events(run: Row, info: GraphQLResolveInfo, samples: int | None = None) -> list[str]:
    return request_context(info).store.events(int(run["_row"]["id"]), samples)


@run_type.field("sampledHistory")
def resolve_sampled_history(
    run: Row, info: GraphQLResolveInfo, specs: list[object], **_: object
) -> list[list[dict[str, Any]]]:
    store = request_context(info).store
    out: list[list[dict[str, Any]]] = []
    for raw in specs:
        parsed: object = json_arg(raw, "sampledHistory spec")
        spec: Mapping[object, object] = (
            cast("Mapping[object, object]", parsed) if isinstance(parsed, Mapping) else {}
        )
        keys = spec.get("keys")
        if not isinstance(keys, list):
            raise GraphQLError('a sampledHistory spec needs {"keys": [...], "samples": N}')
        min_step, max_step = spec.get("minStep"), spec.get("maxStep")
        out.append(
            store.sampled_history(
                int(run["_row"]["id"]),
                [str(k) for k in cast("list[object]", keys)],
                samples=_spec_int(spec.get("samples") or 500, "samples"),
                min_step=None if min_step is None else _spec_int(min_step, "minStep"),
                max_step=None if max_step is None else _spec_int(max_step, "maxStep"),
            )
        )
    return out


def _spec_int(value: object, what: str) -> int:
    """A number of a sampledHistory spec, as ``int()`` reads it (``"5"``, ``5.0``)."""
    if isinstance(value, (int, float, str)):
        try:
            return int(value)
        except (ValueError, OverflowError):
            pass
    raise GraphQLError(f"sampledHistory spec {what} must be an integer, got {value!r:.100}")


@run_type.field("parquetHistory")
def resolve_parquet_history(run: Row, info: GraphQLResolveInfo, liveKeys: list[str]) -> Row:
    """No parquet exports here: every step is "live", so clients page it via history()."""
    live = request_context(info).store.live_history(int(run["_row"]["id"]), liveKeys)
    return {"parquetUrls": [], "liveData": live}


@run_type.field("logLineCount")
def resolve_log_line_count(run: Row, info: GraphQLResolveInfo) -> int:
    return request_context(info).store.log_line_count(int(run["_row"]["id"]))


@run_type.field("logLines")
def resolve_log_lines(
    run: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    last: int | None = None,
    **_: object,
) -> Row:
    page = request_context(info).store.log_lines_page(int(run["_row"]["id"]), first, after, last)
    return connection(
        page,
        lambda r: {
            "number": r["number"],
            "timestamp": r["timestamp"],
            "level": r["level"],
            "label": "",
            "line": r["line"],
        },
    )


@run_type.field("files")
def resolve_files(
    run: Row,
    info: GraphQLResolveInfo,
    names: list[str | None] | None = None,
    pattern: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    ctx = request_context(info)
    run_row = run["_row"]
    project = ctx.project_row(int(run_row["project_id"]))
    writable = project is not None and ctx.can_write(project)
    page = ctx.store.files_page(
        int(run_row["id"]),
        names=[n for n in names or [] if n],
        pattern=pattern,
        first=first,
        after=after,
    )
    return connection(
        page,
        lambda r: file_node(r, ctx.links, run_row, writable=writable),
        totalCount=run["fileCount"],
    )


# ---------------------------------------------------------------------- Sweep / View
sweep_type = ObjectType("Sweep")


@sweep_type.field("project")
def resolve_sweep_project(sweep: Row, info: GraphQLResolveInfo) -> Row | None:
    row = request_context(info).project_row(int(sweep["_row"]["project_id"]))
    return project_node(row) if row else None


@sweep_type.field("runs")
def resolve_sweep_runs(
    sweep: Row,
    info: GraphQLResolveInfo,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    row = sweep["_row"]
    page = request_context(info).store.runs_page(
        int(row["project_id"]), order=order, first=first, after=after, sweep_id=int(row["id"])
    )
    return connection(page, run_node)


view_type = ObjectType("View")


@view_type.field("user")
def resolve_view_user(view: Row, info: GraphQLResolveInfo) -> Row | None:
    user_id = view["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


def _writable_project(ctx: RequestContext, project_id: int) -> Row:
    """The project, if the viewer may write it; a project the viewer cannot even read
    is "not found" (its existence is not revealed), a readable one "permission denied"."""
    project = ctx.project_row(project_id)
    if project is None or not ctx.can_read(project):
        raise not_found("project")
    ctx.require_write(str(project["entity_name"]))
    return project


def _writable_run(ctx: RequestContext, run_gid: object) -> Row:
    row = ctx.store.run_by_id(parse_gid(run_gid, "Run"))
    if row is None:
        raise not_found(f"run {run_gid}")
    _writable_project(ctx, int(row["project_id"]))
    return row


def _run_by_path(ctx: RequestContext, entity: str, project: str, run: str) -> Row:
    """A run to write to (permission first, so a non-member learns nothing of its runs)."""
    ctx.require_write(entity)
    project_row = ctx.store.project(entity, project)
    row = ctx.store.run(int(project_row["id"]), run) if project_row else None
    if row is None:
        raise not_found(f"run {entity}/{project}/{run}")
    return row


@mutation.field("upsertModel")
def resolve_upsert_model(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Create or update a project (``CreateProject`` / ``Api.create_project``)."""
    ctx = request_context(info)
    if input.get("id"):
        existing = _writable_project(ctx, parse_gid(input["id"], "Project"))
        entity, name = str(existing["entity_name"]), str(input.get("name") or existing["name"])
    else:
        entity = str(input.get("entityName") or ctx.viewer["username"])
        name = str(input.get("name") or "")
        if not name:
            raise GraphQLError("upsertModel needs a project name")
    ctx.require_write(entity)
    row = ctx.store.create_project(
        entity,
        name,
        description=input.get("description"),
        access=input.get("access"),
        views=_json_text_arg(input.get("views")),
        user_id=int(ctx.viewer["id"]),
    )
    node = project_node(row)
    return {
        "project": node,
        "model": node,
        "inserted": row["inserted"],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteModel")
def resolve_delete_model(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    project_id = parse_gid(input["id"], "Project")
    _writable_project(ctx, project_id)
    return {"success": ctx.store.delete_project(project_id)}


_UPSERT_FIELDS = {
    "displayName": "display_name",
    "description": "description",
    "notes": "notes",
    "tags": "tags",
    "groupName": "group",
    "jobType": "job_type",
    "state": "state",
    "host": "host",
    "sweep": "sweep",
}


@mutation.field("upsertBucket")
def resolve_upsert_bucket(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Create a run (no ``id``) or update one (``id`` = storage id), like W&B."""
    ctx = request_context(info)
    changes: dict[str, Any] = {
        column: input[key] for key, column in _UPSERT_FIELDS.items() if input.get(key) is not None
    }
    if input.get("config") is not None:
        changes["config"] = _json_object_arg(input["config"], "config")
    if input.get("summaryMetrics") is not None:
        changes["summary"] = _json_object_arg(input["summaryMetrics"], "summaryMetrics")
    try:
        if input.get("id"):
            row = _writable_run(ctx, input["id"])
            inserted = False
            if changes:
                row = ctx.store.update_run(int(row["id"]), **changes)
        else:
            entity = str(input.get("entityName") or ctx.viewer["username"])
            project = str(input.get("modelName") or "uncategorized")
            ctx.require_write(entity)
            row, inserted = ctx.store.upsert_run(
                entity,
                project,
                input.get("name"),
                username=str(ctx.viewer["username"]),
                **changes,
            )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    return {
        "bucket": run_node(row),
        "inserted": inserted,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteRun")
def resolve_delete_run(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    if input.get("deleteArtifacts"):  # else they stay, without their creator
        ctx.store.artifacts.delete_logged_by(int(row["id"]))
    ctx.store.delete_run(int(row["id"]))
    return {"clientMutationId": input.get("clientMutationId")}


@mutation.field("updateRunState")
def resolve_update_run_state(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    ctx.store.update_run(int(row["id"]), state=str(input["state"]))
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("stopRun")
def resolve_stop_run(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    row = _writable_run(ctx, input["id"])
    ctx.store.update_run(int(row["id"]), should_stop=True)
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("createRunFiles")
def resolve_create_run_files(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Reserve files and hand out signed PUT URLs on this server."""
    ctx = request_context(info)
    run = _run_by_path(ctx, input["entityName"], input["projectName"], input["runName"])
    files: list[Row] = []
    for name in input["files"]:
        existing = ctx.store.file(int(run["id"]), name)
        row = existing or ctx.store.add_file(int(run["id"]), name, None, uploaded=False)
        files.append(file_node(row, ctx.links, run, writable=True))
    return {
        "runID": gid("Run", int(run["id"])),
        "uploadHeaders": [],
        "files": files,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("markRunFilesUploaded")
def resolve_mark_uploaded(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    _run_by_path(ctx, input["entityName"], input["projectName"], input["runName"])
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteFiles")
def resolve_delete_files(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    ids = [parse_gid(f, "File") for f in input["files"]]
    for file_id in ids:
        row = ctx.store.file_by_id(file_id)
        run = ctx.store.run_by_id(int(row["run_id"])) if row else None
        if run is not None:
            _writable_project(ctx, int(run["project_id"]))
    deleted = ctx.store.delete_files(ids, input.get("projectId"))
    return {"success": deleted > 0, "clientMutationId": input.get("clientMutationId")}


@mutation.field("upsertSweep")
def resolve_upsert_sweep(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Create a sweep (no ``id``; needs ``config`` YAML) or update one by global id."""
    ctx = request_context(info)
    description = input.get("description")
    display_name = input.get("displayName")
    controller = _json_text_arg(input.get("controller"))
    scheduler = _json_text_arg(input.get("scheduler"))
    try:
        if input.get("id"):
            sweep = ctx.store.sweep_by_id(parse_gid(input["id"], "Sweep"))
            if sweep is None:
                raise not_found(f"sweep {input['id']}")
            _writable_project(ctx, int(sweep["project_id"]))
            row = ctx.store.update_sweep(
                int(sweep["id"]),
                config=input.get("config"),
                state=input.get("state"),
                description=description,
                display_name=display_name,
                controller=controller,
                scheduler=scheduler,
            )
        else:
            if not input.get("config"):
                raise GraphQLError("upsertSweep needs a config to create a sweep")
            entity = str(input.get("entityName") or ctx.viewer["username"])
            ctx.require_write(entity)
            row = ctx.store.create_sweep(
                entity,
                str(input.get("projectName") or "uncategorized"),
                str(input["config"]),
                state=str(input.get("state") or "PENDING"),
                description=description,
                display_name=display_name,
                controller=controller,
                scheduler=scheduler,
                username=str(ctx.viewer["username"]),
            )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    return {
        "sweep": sweep_node(row),
        "configValidationWarnings": [],
        "clientMutationId": input.get("clientMutationId"),
    }


# ---------------------------------------------------------------------- assembly
BINDABLES = [
    query,
    mutation,
    user_type,
    entity_type,
    project_type,
    run_type,
    sweep_type,
    view_type,
    json_string,
    json_scalar,
    datetime_scalar,
    int64_scalar,
]


def build_schema(sdl: str | None = None) -> GraphQLSchema:
    """The executable schema: SDL + the resolvers above (built once per SDL text)."""
    return _build_schema(sdl or schema_sdl())


@lru_cache(maxsize=4)
def _build_schema(sdl: str) -> GraphQLSchema:
    from ._resolvers_artifacts import BINDABLES as ARTIFACT_BINDABLES  # imports this module

    schema = make_executable_schema(sdl, *BINDABLES, *ARTIFACT_BINDABLES, convert_names_case=False)
    _accept_enum_variables(schema)
    return schema


def _accept_enum_variables(schema: GraphQLSchema) -> None:
    """ariadne 1.1 replaces each enum's ``parse_value`` with a one-argument function,
    but graphql-core 3.2.14 calls it with two (``hide_suggestions``), so every enum
    *variable* (e.g. the official ``CreateArtifact``'s ``$digestAlgorithm``) failed."""
    for type_def in schema.type_map.values():
        patched = (
            vars(type_def).get("parse_value") if isinstance(type_def, GraphQLEnumType) else None
        )
        if patched is not None:

            def parse_value(value: object, *_: object, _parse: Any = patched) -> Any:
                return _parse(value)

            vars(type_def)["parse_value"] = parse_value
