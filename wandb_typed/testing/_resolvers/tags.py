"""Artifact tags: the collections' ``tags`` field and the collection tag mutations
(``createArtifactCollectionTagAssignments``/``deleteArtifactCollectionTagAssignments``).
Version tags are set by ``updateArtifact``/``createArtifact`` (with :func:`tag_names`).

Tags are readable with their collection; changing them needs membership of the
collection's entity.  A collection carries at most ``MAX_PER_VERSION`` tags, so
its tag listing is paged in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ariadne import MutationType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Page, Row
from .._store.artifacts import bounded, page_size
from ._artifacts import CollectionTypes, collection_by_path, require_write_project
from ._common import connection, gid, request_context

__all__ = ["BINDABLES", "tag_names", "tag_node"]


def tag_node(row: Row) -> Row:
    """A Tag from an ``artifact_tags`` row."""
    return {"id": gid("Tag", int(row["id"])), "name": row["name"]}


def tag_names(items: Sequence[Mapping[str, object]] | None) -> list[str]:
    """``[TagInput!]`` (``None`` when the argument is absent) -> tag names."""
    return [str(t["tagName"]) for t in bounded(items if isinstance(items, list) else [], "tags")]


collection_types = CollectionTypes()


@collection_types.field("tags")
def resolve_collection_tags(
    collection: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``ArtifactSequence.tags``/``ArtifactPortfolio.tags``: the collection's tags by
    name (at most ``MAX_PER_VERSION``, so paged in memory)."""
    tags = collection["_tags"]
    if tags is None:
        cid = int(collection["_row"]["id"])
        tags = request_context(info).store.artifacts.tags_of_collections([cid])[cid]
    size = page_size(first)
    start = next((i + 1 for i, t in enumerate(tags) if after == gid("Tag", int(t["id"]))), 0)
    window = tags[start : start + size]
    cursors = [gid("Tag", int(t["id"])) for t in window]
    page = Page(window, cursors, start + size < len(tags))
    return connection(page, tag_node)


mutation = MutationType()


def _collection_tags(info: GraphQLResolveInfo, input: Row, *, add: bool) -> Row:
    ctx = request_context(info)
    collection = collection_by_path(
        ctx,
        str(input["entityName"]),
        str(input["projectName"]),
        str(input["artifactCollectionName"]),
    )
    require_write_project(ctx, collection["project_id"])
    names = tag_names(input["tags"])
    added = ctx.store.artifacts.tag_collection(
        int(collection["id"]), add=names if add else (), remove=() if add else names
    )
    return {
        "tags": [tag_node(t) for t in added],
        "success": True,
        "clientMutationId": input.get("clientMutationID"),
    }


@mutation.field("createArtifactCollectionTagAssignments")
def resolve_add_collection_tags(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createArtifactCollectionTagAssignments``: tag a collection; members
    of its entity only."""
    return _collection_tags(info, input, add=True)


@mutation.field("deleteArtifactCollectionTagAssignments")
def resolve_delete_collection_tags(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteArtifactCollectionTagAssignments``: untag a collection; members
    of its entity only."""
    return _collection_tags(info, input, add=False)


BINDABLES: list[SchemaBindable] = [*collection_types.bindables, mutation]
