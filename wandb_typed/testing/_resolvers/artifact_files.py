"""Artifact files and manifests: ``Artifact.files``, ``ArtifactCollectionMembership.files``
and ``Artifact.currentManifest``.

Files are readable with their version; their URLs are signed and expire
(``_store.artifacts`` signs, ``_routes_artifacts`` serves and checks).  File pages
are paged in SQL (up to ``MAX_FILE_PAGE``) and charged to the request's row
budget; ``totalCount`` is a count query run only when asked for.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from .._store.artifacts import MAX_FILE_PAGE
from ._artifacts import charge
from ._common import RequestContext, connection, gid, request_context

__all__ = ["BINDABLES", "artifact_url_path", "manifest_bytes", "manifest_url_path"]


def artifact_url_path(artifact_id: int, path: str) -> str:
    """URL path of one artifact file (signed with kind ``file`` over ``id/path``)."""
    return f"/artifact-files/{artifact_id}/{quote(path)}"


def manifest_url_path(artifact_id: int) -> str:
    """URL path of a version's manifest (signed with kind ``manifest`` over the id)."""
    return f"/artifact-manifests/{artifact_id}"


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as served (compact JSON, stable key order)."""
    return json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()


def _signed(ctx: RequestContext, path: str, kind: str, key: str) -> str:
    return f"{ctx.links.file_base_url}{path}?{ctx.store.artifacts.signed_query(kind, key)}"


def _hex(b64: str) -> str:
    return base64.b64decode(b64).hex()


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


def _files_connection(
    ctx: RequestContext,
    artifact: Row,
    names: Sequence[str] | None,
    after: str | None,
    first: int | None,
) -> Row:
    store = ctx.store.artifacts
    artifact_id = int(artifact["id"])
    charge(ctx, first, maximum=MAX_FILE_PAGE)
    page = store.files_page(artifact_id, names=names, first=first, after=after)
    updated = artifact["updated_at"]

    def total(info: GraphQLResolveInfo) -> int:
        return store.file_count(artifact_id, names)

    return connection(page, lambda r: _file_node(ctx, r, updated), totalCount=total)


membership_type = ObjectType("ArtifactCollectionMembership")


@membership_type.field("files")
def resolve_membership_files(
    membership: Row,
    info: GraphQLResolveInfo,
    names: list[str] | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``ArtifactCollectionMembership.files``: the member version's files (see
    ``Artifact.files``)."""
    return _files_connection(
        request_context(info), membership["artifact"]["_row"], names, after, first
    )


artifact_type = ObjectType("Artifact")


@artifact_type.field("files")
def resolve_artifact_files(
    artifact: Row,
    info: GraphQLResolveInfo,
    names: list[str] | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Artifact.files``: the version's files by path (``names``: only those), with
    signed download URLs, paged in SQL."""
    return _files_connection(request_context(info), artifact["_row"], names, after, first)


@artifact_type.field("currentManifest")
def resolve_current_manifest(artifact: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Artifact.currentManifest``: the manifest behind a signed URL (null once deleted)."""
    row = artifact["_row"]
    if row["state"] == "DELETED":
        return None
    return _manifest_node(request_context(info), row)


BINDABLES: list[SchemaBindable] = [membership_type, artifact_type]
