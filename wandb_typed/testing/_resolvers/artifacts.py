"""Artifact versions: ``Query.artifact``, a collection's ``artifacts`` and
``latestArtifact``, and ``updateArtifact``/``deleteArtifact``.

A version is visible when its project, or the project of a portfolio it is
linked to, is readable; its aliases are shown only in readable collections.
Changing or deleting it needs membership of its project's entity.  A page of
versions costs three queries (rows, aliases, tags) whatever its size, and is
charged to the request's row budget.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ariadne import MutationType, QueryType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreError
from .._store.artifacts import validate_tag
from ._artifacts import (
    CollectionTypes,
    artifact_for_write,
    can_read_artifact,
    charge,
    readable,
)
from ._common import RequestContext, gid, json_arg, parse_gid, request_context
from .aliases import alias_targets
from .artifact_collections import collection_node, sequence_of
from .artifact_types import type_of
from .tags import tag_names, tag_node

__all__ = ["BINDABLES", "artifact_node", "artifact_nodes"]


# ---------------------------------------------------------------------- nodes
def artifact_node(row: Row, aliases: Sequence[Row], tags: Sequence[Row]) -> Row:
    """An Artifact from a version row plus its (visible) aliases and tags."""
    ttl = int(row["ttl_seconds"])
    return {
        "_row": row,
        "id": gid("Artifact", int(row["id"])),
        "artifactSequence": sequence_of(row),
        "versionIndex": int(row["version_index"]) if row["state"] != "PENDING" else None,
        "artifactType": type_of(row),
        "description": row["description"],
        "metadata": row["metadata"],
        "ttlDurationSeconds": ttl,
        "ttlIsInherited": ttl == -1,
        "tags": [tag_node(t) for t in tags],
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
            [a for a in aliases[int(r["id"])] if readable(ctx, a["project_id"])],
            tags[int(r["id"])],
        )
        for r in rows
    ]


# ---------------------------------------------------------------------- Query
query = QueryType()


@query.field("artifact")
def resolve_artifact(_: None, info: GraphQLResolveInfo, id: str | None = None) -> Row | None:
    """``Query.artifact``: a version by global id (deleted ones too); null unless
    readable through its project or a portfolio."""
    if id is None:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.artifact_by_id(parse_gid(id, "Artifact"))
    if row is None or not can_read_artifact(ctx, row):
        return None
    return artifact_nodes(ctx, [row])[0]


# ---------------------------------------------------------------------- collections
collection_types = CollectionTypes()


@collection_types.field("artifacts")
def resolve_collection_artifacts(
    collection: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``ArtifactSequence.artifacts``/``ArtifactPortfolio.artifacts``: versions of the
    collection, filtered, ordered and paged in SQL; ``version`` is their label in
    this collection."""
    ctx = request_context(info)
    store = ctx.store.artifacts
    cid = int(collection["_row"]["id"])
    charge(ctx, first)
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


@collection_types.sequence.field("latestArtifact")
def resolve_latest_artifact(collection: Row, info: GraphQLResolveInfo) -> Row | None:
    """``ArtifactSequence.latestArtifact``: the newest live version, or null."""
    ctx = request_context(info)
    row = ctx.store.artifacts.latest_version(int(collection["_row"]["id"]))
    return artifact_nodes(ctx, [row])[0] if row else None


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("updateArtifact")
def resolve_update_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateArtifact``: fields given are set (``null`` clears a
    description); ``aliases`` (the legacy form) replaces the version's aliases in
    each collection named.  Members of the version's entity only."""
    ctx = request_context(info)
    artifact = artifact_for_write(ctx, input["artifactID"])
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
        tag_names(input.get("tagsToAdd")),
        tag_names(input.get("tagsToDelete")),
    )
    for tag in tags_to_add:
        validate_tag(tag)  # before anything changes
    ttl = input.get("ttlDurationSeconds")
    if ttl is not None:
        if int(ttl) == 0 or int(ttl) < -2:
            raise GraphQLError("ttlDurationSeconds: positive seconds, -1 (inherit) or -2 (off)")
        changes["ttl_seconds"] = int(ttl)
    if input.get("aliases") is not None:
        groups: dict[int, list[str]] = alias_targets(ctx, artifact, input["aliases"], default=None)
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
    """``Mutation.deleteArtifact``: mark a version deleted (its aliases too only with
    ``deleteAliases``); members of its entity only."""
    ctx = request_context(info)
    artifact = artifact_for_write(ctx, input["artifactID"])
    row = ctx.store.artifacts.delete_artifact(
        int(artifact["id"]), delete_aliases=bool(input.get("deleteAliases"))
    )
    return {
        "artifact": artifact_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [query, *collection_types.bindables, mutation]
