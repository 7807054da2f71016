"""GraphQL resolvers for artifacts: types, collections, versions, aliases, tags,
files, lineage and every artifact mutation the official client sends.

Bound next to ``_resolvers`` (``BINDABLES`` here is added by ``build_schema``).
Nodes are plain dicts keyed by GraphQL field name, like the rest of the server;
the store row stays under ``_row``.  Global ids are base64 of ``"Artifact:N"``,
``"ArtifactCollection:N"`` (sequences and portfolios), ``"ArtifactType:N"``,
``"ArtifactCollectionMembership:N"``, ``"ArtifactAlias:N"``, ``"Tag:N"`` and
``"ArtifactFile:N"``.

Authorization follows runs and projects: a version is visible when its
project, or the project of a portfolio it is linked to, is readable (public, or
the viewer is a member of the entity); anything unreadable resolves to ``null``
or is left out of a listing, and a mutation on it is "not found".  Writes need
membership of the entity that owns the collection being changed (for a link:
the target portfolio's; for use/log: the run's).

A page of versions costs three queries (rows, aliases, tags) whatever its size,
and the page sizes the artifact listings of one request ask for add up to at most
:data:`REQUEST_ROW_BUDGET` (nested listings multiply).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from ariadne import ObjectType
from graphql import GraphQLError, GraphQLResolveInfo

from ._resolvers import (
    RequestContext,
    connection,
    gid,
    json_arg,
    not_found,
    parse_gid,
    request_context,
    run_node,
    user_node,
)
from ._store import Page, Row, StoreError
from ._store.artifacts import (
    MAX_FILE_PAGE,
    MAX_PAGE,
    bounded,
    page_size,
    split_name,
    validate_name,
    validate_tag,
)

__all__ = ["BINDABLES", "artifact_url_path", "manifest_url_path"]


#: Most rows the artifact listings of one request may ask for, nested listings
#: included (e.g. 1,000 collections x 1,000 versions each is refused).
REQUEST_ROW_BUDGET = 50_000


# ---------------------------------------------------------------------- helpers
def _charge(ctx: RequestContext, first: int | None, *, maximum: int = MAX_PAGE) -> None:
    """Count a listing's page size against the request's :data:`REQUEST_ROW_BUDGET`
    (kept on the request context, which lives for one request)."""
    rows = page_size(first, maximum=maximum)
    spent = int(vars(ctx).get("_artifact_rows", 0)) + rows
    vars(ctx)["_artifact_rows"] = spent
    if spent > REQUEST_ROW_BUDGET:
        raise GraphQLError(
            f"request too large: its artifact listings ask for more than {REQUEST_ROW_BUDGET}"
            " rows; ask for smaller pages",
            extensions={"code": "TOO_LARGE"},
        )


def _readable(ctx: RequestContext, project_id: object) -> bool:
    row = ctx.project_row(int(str(project_id)))
    return row is not None and ctx.can_read(row)


def _can_read_artifact(ctx: RequestContext, row: Row) -> bool:
    """Readable through its own project or through a portfolio it is linked to."""
    if _readable(ctx, row["project_id"]):
        return True
    return any(_readable(ctx, pid) for pid in ctx.store.artifacts.project_ids_of(int(row["id"])))


def _require_write_project(ctx: RequestContext, project_id: object) -> Row:
    """The project, if the viewer may write to it (unreadable = not found)."""
    project = ctx.project_row(int(str(project_id)))
    if project is None or not ctx.can_read(project):
        raise not_found("project")
    ctx.require_write(str(project["entity_name"]))
    return project


def _artifact_for_read(ctx: RequestContext, artifact_gid: object) -> Row:
    row = ctx.store.artifacts.artifact_by_id(parse_gid(artifact_gid, "Artifact"))
    if row is None or not _can_read_artifact(ctx, row):
        raise not_found(f"artifact {artifact_gid}")
    return row


def _artifact_for_write(ctx: RequestContext, artifact_gid: object) -> Row:
    """A version the viewer may change (a member of its project's entity)."""
    row = _artifact_for_read(ctx, artifact_gid)
    _require_write_project(ctx, row["project_id"])
    return row


def _collection_for_read(ctx: RequestContext, collection_id: int) -> Row:
    row = ctx.store.artifacts.collection_by_id(collection_id)
    if row is None or not _readable(ctx, row["project_id"]):
        raise not_found("artifact collection")
    return row


def _collection_by_path(ctx: RequestContext, entity: str, project: str, name: str) -> Row:
    project_row = ctx.store.project(entity, project)
    if project_row is None or not ctx.can_read(project_row):
        raise not_found(f"project {entity}/{project}")
    row = ctx.store.artifacts.collection(int(project_row["id"]), name)
    if row is None:
        raise not_found(f"artifact collection {entity}/{project}/{name}")
    return row


def _project_for_write(ctx: RequestContext, entity: str, project: str) -> Row:
    row = ctx.store.project(entity, project)
    if row is None or not ctx.can_read(row):
        raise not_found(f"project {entity}/{project}")
    ctx.require_write(entity)
    return row


def _run_for_write(ctx: RequestContext, entity: str, project: str, run: str) -> Row:
    project_row = _project_for_write(ctx, entity, project)
    row = ctx.store.run(int(project_row["id"]), run)
    if row is None:
        raise not_found(f"run {entity}/{project}/{run}")
    return row


def _filtered(page: Page, keep: Callable[[Row], bool]) -> Page:
    """A page without the rows the viewer may not see (cursors kept in step)."""
    pairs = [(r, c) for r, c in zip(page.rows, page.cursors, strict=True) if keep(r)]
    return Page([r for r, _ in pairs], [c for _, c in pairs], page.has_next)


def artifact_url_path(artifact_id: int, path: str) -> str:
    """URL path of one artifact file (signed with kind ``file`` over ``id/path``)."""
    return f"/artifact-files/{artifact_id}/{quote(path)}"


def manifest_url_path(artifact_id: int) -> str:
    return f"/artifact-manifests/{artifact_id}"


def _signed(ctx: RequestContext, path: str, kind: str, key: str) -> str:
    return f"{ctx.links.file_base_url}{path}?{ctx.store.artifacts.signed_query(kind, key)}"


# ---------------------------------------------------------------------- nodes
def type_node(row: Row) -> Row:
    """An ArtifactType from an ``artifact_types`` row."""
    return {
        "_row": row,
        "id": gid("ArtifactType", int(row["id"])),
        "name": row["name"],
        "description": row["description"],
        "createdAt": row["created_at"],
    }


def _type_of(row: Row) -> Row:
    """The type joined into a version or collection row."""
    return type_node(
        {
            "id": row["type_id"],
            "name": row["type_name"],
            "description": row["type_description"],
            "created_at": row["type_created_at"],
            "project_id": row["project_id"],
        }
    )


def collection_node(row: Row, tags: Sequence[Row] | None = None) -> Row:
    """An ArtifactSequence/ArtifactPortfolio from a collection row (``COLLECTION_COLUMNS``)."""
    return {
        "__typename": "ArtifactSequence" if row["kind"] == "SEQUENCE" else "ArtifactPortfolio",
        "_row": row,
        "_tags": tags,
        "id": gid("ArtifactCollection", int(row["id"])),
        "name": row["name"],
        "description": row["description"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "state": "READY",
        "defaultArtifactType": _type_of(row),
    }


def _collection_nodes(ctx: RequestContext, rows: Sequence[Row]) -> list[Row]:
    tags = ctx.store.artifacts.tags_of_collections([int(r["id"]) for r in rows])
    return [collection_node(r, tags[int(r["id"])]) for r in rows]


def _sequence_of(row: Row) -> Row:
    """The sequence joined into a version row (``ARTIFACT_COLUMNS``)."""
    return collection_node(
        {
            "id": row["sequence_id"],
            "kind": row["seq_kind"],
            "name": row["seq_name"],
            "description": row["seq_description"],
            "created_at": row["seq_created_at"],
            "updated_at": row["seq_updated_at"],
            "project_id": row["project_id"],
            "type_id": row["type_id"],
            "type_name": row["type_name"],
            "type_description": row["type_description"],
            "type_created_at": row["type_created_at"],
        }
    )


def _tag_node(row: Row) -> Row:
    return {"id": gid("Tag", int(row["id"])), "name": row["name"]}


def artifact_node(row: Row, aliases: Sequence[Row], tags: Sequence[Row]) -> Row:
    """An Artifact from a version row plus its (visible) aliases and tags."""
    ttl = int(row["ttl_seconds"])
    return {
        "_row": row,
        "id": gid("Artifact", int(row["id"])),
        "artifactSequence": _sequence_of(row),
        "versionIndex": int(row["version_index"]),
        "artifactType": _type_of(row),
        "description": row["description"],
        "metadata": row["metadata"],
        "ttlDurationSeconds": ttl,
        "ttlIsInherited": ttl == -1,
        "tags": [_tag_node(t) for t in tags],
        "historyStep": row["history_step"],
        "state": row["state"],
        "size": int(row["size"]),
        "digest": row["digest"],
        "digestAlgorithm": "MANIFEST_MD5",
        "commitHash": row["commit_hash"],
        "fileCount": int(row["file_count"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "aliases": [
            {
                "id": gid("ArtifactAlias", int(a["alias_id"])),
                "alias": a["alias"],
                "artifactCollection": collection_node(a),
            }
            for a in aliases
        ],
    }


def artifact_nodes(ctx: RequestContext, rows: Sequence[Row]) -> list[Row]:
    """Artifacts for a page of version rows: aliases and tags in one query each."""
    ids = [int(r["id"]) for r in rows]
    aliases = ctx.store.artifacts.aliases_of_artifacts(ids)
    tags = ctx.store.artifacts.tags_of_artifacts(ids)
    return [
        artifact_node(
            r,
            [a for a in aliases[int(r["id"])] if _readable(ctx, a["project_id"])],
            tags[int(r["id"])],
        )
        for r in rows
    ]


def _membership_nodes(
    ctx: RequestContext,
    rows: Sequence[Row],
    collection: Row | None = None,
    *,
    artifacts: Sequence[Row | None] | None = None,
) -> list[Row]:
    """Memberships from rows with ``MEMBERSHIP_COLUMNS`` (+ version columns unless
    ``artifacts`` is given); ``collection`` is their collection's node if shared."""
    store = ctx.store.artifacts
    aliases = store.aliases_of_memberships([int(r["membership_id"]) for r in rows])
    nodes_of_artifacts = artifacts if artifacts is not None else artifact_nodes(ctx, rows)
    collections: dict[int, Row | None] = {}
    out: list[Row] = []
    for row, art in zip(rows, nodes_of_artifacts, strict=True):
        cid = int(row["membership_collection_id"])
        if collection is None and cid not in collections:
            crow = store.collection_by_id(cid)
            collections[cid] = collection_node(crow) if crow else None
        coll = collection if collection is not None else collections[cid]
        out.append(
            {
                "_row": row,
                "id": gid("ArtifactCollectionMembership", int(row["membership_id"])),
                "versionIndex": int(row["membership_version"]),
                "createdAt": row["membership_created_at"],
                "aliases": [
                    {
                        "id": gid("ArtifactAlias", int(a["alias_id"])),
                        "alias": a["alias"],
                        "artifactCollection": coll,
                    }
                    for a in aliases[int(row["membership_id"])]
                ],
                "artifactCollection": coll,
                "artifact": art,
            }
        )
    return out


def _file_node(ctx: RequestContext, row: Row, updated_at: object) -> Row:
    """An artifact file: ``name`` is its path inside the artifact; URLs are signed."""
    artifact_id, path = int(row["artifact_id"]), str(row["path"])
    url = _signed(ctx, artifact_url_path(artifact_id, path), "file", f"{artifact_id}/{path}")

    def url_field(info: GraphQLResolveInfo, upload: bool | None = None) -> str:
        if upload:
            raise GraphQLError("artifact files cannot be uploaded to this server")
        return url

    return {
        "_row": row,
        "id": gid("ArtifactFile", int(row["id"])),
        "name": path,
        "displayName": path,
        "url": url_field,
        "directUrl": url,
        "uploadUrl": None,
        "sizeBytes": int(row["size"]),
        "mimetype": row["mimetype"] or "application/octet-stream",
        "md5": row["digest"],
        "digest": row["digest"],
        "storagePath": f"artifacts/{_hex(str(row['digest']))}",
        "updatedAt": updated_at,
    }


def _hex(b64: str) -> str:
    return base64.b64decode(b64).hex()


def _manifest_node(ctx: RequestContext, artifact: Row) -> Row:
    """``currentManifest``: a File whose signed URL serves the manifest JSON."""
    artifact_id = int(artifact["id"])
    url = _signed(ctx, manifest_url_path(artifact_id), "manifest", str(artifact_id))

    @cache
    def body() -> bytes:
        return manifest_bytes(ctx.store.artifacts.manifest(artifact_id))

    def md5(info: GraphQLResolveInfo) -> str:
        return base64.b64encode(hashlib.md5(body()).digest()).decode()

    def url_of(info: GraphQLResolveInfo, upload: bool | None = None) -> str:
        return url

    def size(info: GraphQLResolveInfo) -> int:
        return len(body())

    return {
        "file": {
            "id": gid("ArtifactManifest", artifact_id),
            "name": "wandb_manifest.json",
            "displayName": "wandb_manifest.json",
            "url": url_of,
            "directUrl": url,
            "uploadUrl": None,
            "sizeBytes": size,
            "mimetype": "application/json",
            "md5": md5,
            "digest": md5,
            "storagePath": None,
            "updatedAt": artifact["updated_at"],
        }
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as served (compact JSON, stable key order)."""
    return json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()


# ---------------------------------------------------------------------- Query
query = ObjectType("Query")


@query.field("artifact")
def resolve_artifact(_: None, info: GraphQLResolveInfo, id: str | None = None) -> Row | None:
    if id is None:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.artifact_by_id(parse_gid(id, "Artifact"))
    if row is None or not _can_read_artifact(ctx, row):
        return None
    return artifact_nodes(ctx, [row])[0]


@query.field("artifactCollection")
def resolve_artifact_collection(
    _: None, info: GraphQLResolveInfo, id: str | None = None
) -> Row | None:
    if id is None:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.collection_by_id(parse_gid(id, "ArtifactCollection"))
    if row is None or not _readable(ctx, row["project_id"]):
        return None
    return _collection_nodes(ctx, [row])[0]


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


def _project_id(project: Row) -> int:
    return int(project["_row"]["id"])


def _membership_by_name(ctx: RequestContext, project_id: int, name: str) -> Row | None:
    collection_name, alias = split_name(name)
    store = ctx.store.artifacts
    collection = store.collection(project_id, collection_name)
    if collection is None:
        return None
    row = store.membership(int(collection["id"]), alias)
    if row is None:
        return None
    return _membership_nodes(ctx, [row], _collection_nodes(ctx, [collection])[0])[0]


@project_type.field("artifactCollectionMembership")
def resolve_project_membership(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    if not name:
        return None
    return _membership_by_name(request_context(info), _project_id(project), name)


@project_type.field("artifact")
def resolve_project_artifact(
    project: Row, info: GraphQLResolveInfo, name: str | None = None, **_: object
) -> Row | None:
    if not name:
        return None
    membership = _membership_by_name(request_context(info), _project_id(project), name)
    return membership["artifact"] if membership else None


@project_type.field("artifactType")
def resolve_project_artifact_type(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    if not name:
        return None
    row = request_context(info).store.artifacts.artifact_type(_project_id(project), name)
    return type_node(row) if row else None


@project_type.field("artifactTypes")
def resolve_project_artifact_types(
    project: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    ctx = request_context(info)
    _charge(ctx, first)
    page = ctx.store.artifacts.artifact_types_page(_project_id(project), first, after)
    return connection(page, type_node)


@project_type.field("artifactCollection")
def resolve_project_artifact_collection(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    if not name:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.collection(_project_id(project), name)
    return _collection_nodes(ctx, [row])[0] if row else None


def _collections_connection(
    ctx: RequestContext,
    project_id: int,
    type_id: int | None,
    filters: object,
    order: str | None,
    after: str | None,
    first: int | None,
) -> Row:
    store = ctx.store.artifacts
    _charge(ctx, first)
    page = store.collections_page(
        project_id, type_id=type_id, filters=filters, order=order, first=first, after=after
    )
    nodes = iter(_collection_nodes(ctx, page.rows))

    def total(info: GraphQLResolveInfo) -> int:
        return store.collection_count(project_id, type_id=type_id, filters=filters)

    return connection(page, lambda _row: next(nodes), totalCount=total)


@project_type.field("artifactCollections")
def resolve_project_artifact_collections(
    project: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    return _collections_connection(
        request_context(info), _project_id(project), None, filters, order, after, first
    )


# ---------------------------------------------------------------------- ArtifactType
artifact_type_type = ObjectType("ArtifactType")


@artifact_type_type.field("artifactCollection")
def resolve_type_collection(
    type_: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    if not name:
        return None
    ctx = request_context(info)
    row = type_["_row"]
    found = ctx.store.artifacts.collection(int(row["project_id"]), name, type_id=int(row["id"]))
    return _collection_nodes(ctx, [found])[0] if found else None


@artifact_type_type.field("artifactCollections")
def resolve_type_collections(
    type_: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    row = type_["_row"]
    return _collections_connection(
        request_context(info), int(row["project_id"]), int(row["id"]), filters, order, after, first
    )


# ---------------------------------------------------------------------- collections
sequence_type = ObjectType("ArtifactSequence")
portfolio_type = ObjectType("ArtifactPortfolio")


def _on_collections(field: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Bind one resolver to the field on both collection types."""

    def bind(resolver: Callable[..., Any]) -> Callable[..., Any]:
        # ObjectType.field(name) registers like set_field, whose `name` ariadne leaves
        # unannotated.
        sequence_type.field(field)(resolver)
        portfolio_type.field(field)(resolver)
        return resolver

    return bind


@_on_collections("project")
def resolve_collection_project(collection: Row, info: GraphQLResolveInfo) -> Row | None:
    from ._resolvers import project_node

    row = request_context(info).project_row(int(collection["_row"]["project_id"]))
    return project_node(row) if row else None


@_on_collections("tags")
def resolve_collection_tags(
    collection: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """The collection's tags by name (at most ``MAX_PER_VERSION``, so paged in memory)."""
    tags = collection["_tags"]
    if tags is None:
        cid = int(collection["_row"]["id"])
        tags = request_context(info).store.artifacts.tags_of_collections([cid])[cid]
    size = page_size(first)
    start = next((i + 1 for i, t in enumerate(tags) if after == gid("Tag", int(t["id"]))), 0)
    window = tags[start : start + size]
    cursors = [gid("Tag", int(t["id"])) for t in window]
    page = Page(window, cursors, start + size < len(tags))
    return connection(page, _tag_node)


@_on_collections("aliases")
def resolve_collection_aliases(
    collection: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    ctx = request_context(info)
    _charge(ctx, first)
    page = ctx.store.artifacts.collection_aliases_page(int(collection["_row"]["id"]), first, after)
    return connection(
        page,
        lambda a: {
            "id": gid("ArtifactAlias", int(a["alias_id"])),
            "alias": a["alias"],
            "artifactCollection": collection,
        },
    )


@_on_collections("artifacts")
def resolve_collection_artifacts(
    collection: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """Versions of the collection; ``version`` is their label in this collection."""
    ctx = request_context(info)
    store = ctx.store.artifacts
    cid = int(collection["_row"]["id"])
    _charge(ctx, first)
    page = store.versions_page(cid, filters=filters, order=order, first=first, after=after)
    nodes = artifact_nodes(ctx, page.rows)

    def total(info: GraphQLResolveInfo) -> int:
        return store.version_count(cid, filters)

    return {
        "edges": [
            {"node": node, "version": f"v{row['membership_version']}", "cursor": cursor}
            for row, node, cursor in zip(page.rows, nodes, page.cursors, strict=True)
        ],
        "pageInfo": {
            "startCursor": page.cursors[0] if page.cursors else None,
            "endCursor": page.end_cursor,
            "hasNextPage": page.has_next,
            "hasPreviousPage": False,
        },
        "totalCount": total,
    }


@_on_collections("artifactMembership")
def resolve_collection_membership(
    collection: Row, info: GraphQLResolveInfo, aliasName: str | None = None
) -> Row | None:
    if not aliasName:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.membership(int(collection["_row"]["id"]), aliasName)
    return _membership_nodes(ctx, [row], collection)[0] if row else None


@sequence_type.field("latestArtifact")
def resolve_latest_artifact(collection: Row, info: GraphQLResolveInfo) -> Row | None:
    ctx = request_context(info)
    row = ctx.store.artifacts.latest_version(int(collection["_row"]["id"]))
    return artifact_nodes(ctx, [row])[0] if row else None


# ---------------------------------------------------------------------- memberships
membership_type = ObjectType("ArtifactCollectionMembership")


@membership_type.field("files")
def resolve_membership_files(
    membership: Row,
    info: GraphQLResolveInfo,
    names: list[str] | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    return _files_connection(
        request_context(info), membership["artifact"]["_row"], names, after, first
    )


# ---------------------------------------------------------------------- Artifact
artifact_type = ObjectType("Artifact")


def _files_connection(
    ctx: RequestContext,
    artifact: Row,
    names: Sequence[str] | None,
    after: str | None,
    first: int | None,
) -> Row:
    store = ctx.store.artifacts
    artifact_id = int(artifact["id"])
    _charge(ctx, first, maximum=MAX_FILE_PAGE)
    page = store.files_page(artifact_id, names=names, first=first, after=after)
    updated = artifact["updated_at"]

    def total(info: GraphQLResolveInfo) -> int:
        return store.file_count(artifact_id, names)

    return connection(page, lambda r: _file_node(ctx, r, updated), totalCount=total)


@artifact_type.field("files")
def resolve_artifact_files(
    artifact: Row,
    info: GraphQLResolveInfo,
    names: list[str] | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    return _files_connection(request_context(info), artifact["_row"], names, after, first)


@artifact_type.field("currentManifest")
def resolve_current_manifest(artifact: Row, info: GraphQLResolveInfo) -> Row | None:
    row = artifact["_row"]
    if row["state"] == "DELETED":
        return None
    return _manifest_node(request_context(info), row)


@artifact_type.field("createdBy")
def resolve_created_by(artifact: Row, info: GraphQLResolveInfo) -> Row | None:
    """The run that logged the version (if the viewer can read its project), else the user."""
    ctx = request_context(info)
    row = artifact["_row"]
    if row["run_id"] is not None:
        run = ctx.store.run_by_id(int(row["run_id"]))
        if run is not None and _readable(ctx, run["project_id"]):
            return {"__typename": "Run", **run_node(run)}
        return None
    if row["user_id"] is not None:
        user = ctx.store.user_by_id(int(row["user_id"]))
        if user is not None:
            return {"__typename": "User", **user_node(user)}
    return None


@artifact_type.field("usedBy")
def resolve_used_by(
    artifact: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """Runs that used the version (runs in projects the viewer cannot read are left out)."""
    ctx = request_context(info)
    _charge(ctx, first)
    page = ctx.store.artifacts.users_page(int(artifact["_row"]["id"]), first, after)
    runs: dict[int, Row | None] = {}
    for r in page.rows:
        runs[int(r["run_id"])] = ctx.store.run_by_id(int(r["run_id"]))

    def visible(r: Row) -> bool:
        run = runs[int(r["run_id"])]
        return run is not None and _readable(ctx, run["project_id"])

    page = _filtered(page, visible)
    return connection(page, lambda r: run_node(runs[int(r["run_id"])] or {}))


@artifact_type.field("artifactMemberships")
def resolve_artifact_memberships(
    artifact: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    ctx = request_context(info)
    _charge(ctx, first)
    page = ctx.store.artifacts.memberships_page(int(artifact["_row"]["id"]), first, after)
    page = _filtered(page, lambda r: _readable(ctx, r["project_id"]))
    nodes = iter(
        _membership_nodes(
            ctx,
            [{**r, "id": artifact["_row"]["id"]} for r in page.rows],
            None,
            artifacts=[artifact] * len(page.rows),
        )
    )
    return connection(page, lambda _row: next(nodes))


# ---------------------------------------------------------------------- Run
run_type = ObjectType("Run")


def _run_artifacts(
    info: GraphQLResolveInfo, run: Row, *, inputs: bool, after: str | None, first: int | None
) -> Row:
    ctx = request_context(info)
    store = ctx.store.artifacts
    run_id = int(run["_row"]["id"])
    _charge(ctx, first)
    page = store.run_artifacts_page(run_id, inputs=inputs, first=first, after=after)
    page = _filtered(page, lambda r: _can_read_artifact(ctx, r))
    nodes = iter(artifact_nodes(ctx, page.rows))

    def total(info: GraphQLResolveInfo) -> int:
        counts = store.run_artifact_counts(run_id, inputs=inputs)
        return sum(n for pid, n in counts.items() if _readable(ctx, pid))

    return connection(page, lambda _row: next(nodes), totalCount=total)


@run_type.field("inputArtifacts")
def resolve_input_artifacts(
    run: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    return _run_artifacts(info, run, inputs=True, after=after, first=first)


@run_type.field("outputArtifacts")
def resolve_output_artifacts(
    run: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    return _run_artifacts(info, run, inputs=False, after=after, first=first)


# ---------------------------------------------------------------------- mutations
mutation = ObjectType("Mutation")


def _tag_names(items: Sequence[Mapping[str, object]] | None) -> list[str]:
    """``[TagInput!]`` (``None`` when the argument is absent) -> tag names."""
    return [str(t["tagName"]) for t in bounded(items if isinstance(items, list) else [], "tags")]


def _alias_targets(
    ctx: RequestContext, artifact: Row, items: Sequence[Mapping[str, Any]], *, default: Row | None
) -> dict[int, list[str]]:
    """Alias inputs grouped by collection id (``ArtifactCollectionAliasInput`` names
    entity/project/collection; ``ArtifactAliasInput`` only the collection, in
    ``default``'s project)."""
    grouped: dict[int, list[str]] = {}
    for item in bounded(items, "aliases"):
        entity = item.get("entityName")
        project = item.get("projectName")
        if entity and project:
            collection = _collection_by_path(
                ctx, str(entity), str(project), str(item["artifactCollectionName"])
            )
        else:
            base = default or artifact
            found = ctx.store.artifacts.collection(
                int(base["project_id"]), str(item["artifactCollectionName"])
            )
            if found is None:
                raise not_found(f"artifact collection {item['artifactCollectionName']}")
            collection = found
        grouped.setdefault(int(collection["id"]), []).append(str(item["alias"]))
    return grouped


def _alias_mutation(info: GraphQLResolveInfo, input: Row, *, add: bool) -> Row:
    ctx = request_context(info)
    artifact = _artifact_for_read(ctx, input["artifactID"])
    if artifact["state"] == "DELETED":
        raise StoreError("the artifact is deleted")
    store = ctx.store.artifacts
    for collection_id, aliases in _alias_targets(
        ctx, artifact, input["aliases"], default=None
    ).items():
        collection = store.collection_by_id(collection_id)
        assert collection is not None
        _require_write_project(ctx, collection["project_id"])
        if add:
            store.add_aliases(collection_id, int(artifact["id"]), aliases)
        else:
            store.remove_aliases(collection_id, int(artifact["id"]), aliases)
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("addAliases")
def resolve_add_aliases(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _alias_mutation(info, input, add=True)


@mutation.field("deleteAliases")
def resolve_delete_aliases(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _alias_mutation(info, input, add=False)


@mutation.field("updateArtifact")
def resolve_update_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Fields given are set (``null`` clears a description); ``aliases`` (the legacy
    form) replaces the version's aliases in each collection named."""
    ctx = request_context(info)
    artifact = _artifact_for_write(ctx, input["artifactID"])
    if artifact["state"] == "DELETED":
        raise StoreError("the artifact is deleted")
    store = ctx.store.artifacts
    artifact_id = int(artifact["id"])
    changes: dict[str, object] = {}
    if "description" in input:
        changes["description"] = input["description"]
    if input.get("metadata") is not None:
        metadata = json_arg(input["metadata"], "metadata")
        if not isinstance(metadata, dict):
            raise GraphQLError("metadata must be a JSON object")
        changes["metadata"] = json.dumps(metadata)
    tags_to_add, tags_to_delete = (
        _tag_names(input.get("tagsToAdd")),
        _tag_names(input.get("tagsToDelete")),
    )
    for tag in tags_to_add:
        validate_tag(tag)  # before anything changes
    ttl = input.get("ttlDurationSeconds")
    if ttl is not None:
        if int(ttl) == 0 or int(ttl) < -2:
            raise GraphQLError("ttlDurationSeconds: positive seconds, -1 (inherit) or -2 (off)")
        changes["ttl_seconds"] = int(ttl)
    if input.get("aliases") is not None:
        groups: dict[int, list[str]] = _alias_targets(ctx, artifact, input["aliases"], default=None)
        if not groups:  # an empty list clears the aliases in the version's sequence
            groups = {int(artifact["sequence_id"]): []}
        for collection_id, aliases in groups.items():
            store.replace_aliases(collection_id, artifact_id, aliases)
    store.tag_artifact(artifact_id, add=tags_to_add, remove=tags_to_delete)
    row = store.update_artifact(artifact_id, changes)
    return {
        "artifact": artifact_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("deleteArtifact")
def resolve_delete_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    artifact = _artifact_for_write(ctx, input["artifactID"])
    row = ctx.store.artifacts.delete_artifact(
        int(artifact["id"]), delete_aliases=bool(input.get("deleteAliases"))
    )
    return {
        "artifact": artifact_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("linkArtifact")
def resolve_link_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Link a version into a portfolio, by ``artifactPortfolioID`` or by name in
    ``entityName``/``projectName`` (created on first link)."""
    ctx = request_context(info)
    if not input.get("artifactID"):
        raise GraphQLError("linkArtifact needs artifactID (client ids are not supported)")
    artifact = _artifact_for_read(ctx, input["artifactID"])
    if input.get("artifactPortfolioID"):
        portfolio = _collection_for_read(
            ctx, parse_gid(input["artifactPortfolioID"], "ArtifactCollection")
        )
        project = _require_write_project(ctx, portfolio["project_id"])
        name = str(portfolio["name"])
    else:
        entity, project_name = input.get("entityName"), input.get("projectName")
        name = str(input.get("artifactPortfolioName") or "")
        if not (entity and project_name and name):
            raise GraphQLError(
                "linkArtifact needs artifactPortfolioID or entityName, projectName and"
                " artifactPortfolioName"
            )
        project = _project_for_write(ctx, str(entity), str(project_name))
    aliases = [str(a["alias"]) for a in bounded(input.get("aliases"), "aliases")]
    validate_name(name, "artifact portfolio")
    row = ctx.store.artifacts.link(int(artifact["id"]), int(project["id"]), name, aliases)
    collection = ctx.store.artifacts.collection_by_id(int(row["membership_collection_id"]))
    assert collection is not None
    node = _membership_nodes(ctx, [row], _collection_nodes(ctx, [collection])[0])[0]
    return {
        "versionIndex": node["versionIndex"],
        "artifactMembership": node,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("unlinkArtifact")
def resolve_unlink_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx = request_context(info)
    artifact = _artifact_for_read(ctx, input["artifactID"])
    portfolio = _collection_for_read(
        ctx, parse_gid(input["artifactPortfolioID"], "ArtifactCollection")
    )
    _require_write_project(ctx, portfolio["project_id"])
    if portfolio["kind"] != "PORTFOLIO":
        raise GraphQLError("cannot unlink a version from its own sequence; delete it instead")
    if not ctx.store.artifacts.unlink(int(artifact["id"]), int(portfolio["id"])):
        raise not_found("link")
    return {
        "artifactID": input["artifactID"],
        "success": True,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("useArtifact")
def resolve_use_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Record the version as an input of the run (needs write access to the run)."""
    ctx = request_context(info)
    run = _run_for_write(ctx, input["entityName"], input["projectName"], input["runName"])
    artifact = _artifact_for_read(ctx, input["artifactID"])
    if artifact["state"] == "DELETED":
        raise StoreError("the artifact is deleted")
    entity, project = input.get("artifactEntityName"), input.get("artifactProjectName")
    if entity or project:  # the path the client used must hold the version
        holder = ctx.store.project(str(entity or ""), str(project or ""))
        held = ctx.store.artifacts.project_ids_of(int(artifact["id"]))
        if holder is None or int(holder["id"]) not in held:
            raise not_found(f"artifact {input['artifactID']} in {entity}/{project}")
    ctx.store.artifacts.use(int(artifact["id"]), int(run["id"]), input.get("usedAs"))
    return {
        "artifact": artifact_nodes(ctx, [artifact])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("createArtifact")
def resolve_create_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """Log an *existing* version again (digest deduplication, ``Run.log_artifact``):
    the run becomes one of its outputs and the aliases and tags are added.  New
    contents cannot be uploaded to this server, so an unknown digest is an error."""
    ctx = request_context(info)
    entity, project_name = str(input["entityName"]), str(input["projectName"])
    project = _project_for_write(ctx, entity, project_name)
    names = bounded(input.get("artifactCollectionNames"), "collection names")
    if not names:
        raise GraphQLError("createArtifact needs artifactCollectionNames")
    store = ctx.store.artifacts
    sequence = store.collection(int(project["id"]), str(names[0]))
    if sequence is None or sequence["kind"] != "SEQUENCE":
        raise GraphQLError(
            f"no artifact sequence {names[0]!r} in {entity}/{project_name}; this server"
            " records existing versions only (uploading new contents is not supported)"
        )
    if sequence["type_name"] != input["artifactTypeName"]:
        raise GraphQLError(
            f"artifact {names[0]!r} has type {sequence['type_name']!r},"
            f" not {input['artifactTypeName']!r}"
        )
    artifact = store.version_by_digest(int(sequence["id"]), str(input["digest"]))
    if artifact is None:
        raise GraphQLError(
            f"no version of {names[0]!r} has digest {input['digest']!r}; this server records"
            " existing versions only (uploading new contents is not supported)"
        )
    run = None
    if input.get("runName"):
        run = ctx.store.run(int(project["id"]), str(input["runName"]))
        if run is None:
            raise not_found(f"run {entity}/{project_name}/{input['runName']}")
    for collection_id, aliases in _alias_targets(
        ctx, artifact, input.get("aliases") or [], default=sequence
    ).items():
        store.add_aliases(collection_id, int(artifact["id"]), aliases)
    store.tag_artifact(int(artifact["id"]), add=_tag_names(input.get("tags")))
    if run is not None:
        store.add_output(int(artifact["id"]), int(run["id"]))
    row = store.artifact_by_id(int(artifact["id"]))
    assert row is not None
    return {"artifact": artifact_nodes(ctx, [row])[0], "clientMutationId": None}


def _collection_mutation(
    info: GraphQLResolveInfo, collection_gid: object, kind: str
) -> tuple[RequestContext, Row]:
    ctx = request_context(info)
    collection = _collection_for_read(ctx, parse_gid(collection_gid, "ArtifactCollection"))
    if collection["kind"] != kind:
        what = "sequence" if kind == "SEQUENCE" else "portfolio"
        raise GraphQLError(f"artifact collection {collection['name']!r} is not a {what}")
    _require_write_project(ctx, collection["project_id"])
    return ctx, collection


def _update_collection(info: GraphQLResolveInfo, input: Row, id_field: str, kind: str) -> Row:
    ctx, collection = _collection_mutation(info, input[id_field], kind)
    row = ctx.store.artifacts.update_collection(
        int(collection["id"]),
        name=input.get("name"),
        description=input.get("description"),
        set_description="description" in input,
    )
    return {
        "artifactCollection": _collection_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("updateArtifactSequence")
def resolve_update_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _update_collection(info, input, "artifactSequenceID", "SEQUENCE")


@mutation.field("updateArtifactPortfolio")
def resolve_update_portfolio(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _update_collection(info, input, "artifactPortfolioID", "PORTFOLIO")


@mutation.field("moveArtifactSequence")
def resolve_move_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    ctx, collection = _collection_mutation(info, input["artifactSequenceID"], "SEQUENCE")
    row = ctx.store.artifacts.move_collection(
        int(collection["id"]), str(input["destinationArtifactTypeName"])
    )
    return {
        "artifactCollection": _collection_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


def _delete_collection(info: GraphQLResolveInfo, input: Row, id_field: str, kind: str) -> Row:
    ctx, collection = _collection_mutation(info, input[id_field], kind)
    node = _collection_nodes(ctx, [collection])[0]
    ctx.store.artifacts.delete_collection(int(collection["id"]))
    node["state"] = "DELETED"
    return {"artifactCollection": node, "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteArtifactSequence")
def resolve_delete_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _delete_collection(info, input, "artifactSequenceID", "SEQUENCE")


@mutation.field("deleteArtifactPortfolio")
def resolve_delete_portfolio(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _delete_collection(info, input, "artifactPortfolioID", "PORTFOLIO")


def _collection_tags(info: GraphQLResolveInfo, input: Row, *, add: bool) -> Row:
    ctx = request_context(info)
    collection = _collection_by_path(
        ctx,
        str(input["entityName"]),
        str(input["projectName"]),
        str(input["artifactCollectionName"]),
    )
    _require_write_project(ctx, collection["project_id"])
    names = _tag_names(input["tags"])
    added = ctx.store.artifacts.tag_collection(
        int(collection["id"]), add=names if add else (), remove=() if add else names
    )
    return {
        "tags": [_tag_node(t) for t in added],
        "success": True,
        "clientMutationId": input.get("clientMutationID"),
    }


@mutation.field("createArtifactCollectionTagAssignments")
def resolve_add_collection_tags(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _collection_tags(info, input, add=True)


@mutation.field("deleteArtifactCollectionTagAssignments")
def resolve_delete_collection_tags(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    return _collection_tags(info, input, add=False)


# ---------------------------------------------------------------------- assembly
BINDABLES = [
    query,
    project_type,
    artifact_type_type,
    sequence_type,
    portfolio_type,
    membership_type,
    artifact_type,
    run_type,
    mutation,
]
