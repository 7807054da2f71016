"""Artifact collections (sequences, where versions are logged, and portfolios, where
they are linked): lookups and listings (``Query``, ``Project``, ``ArtifactType``),
``project`` of both collection types, and the collection mutations (update, move,
delete).

A collection is readable with its project (unreadable: null, or left out); its
mutations need membership of the project's entity.  Listings are filtered,
ordered and paged in SQL (tags of a page in one query) and charged to the
request's row budget; ``totalCount`` is a count query run only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne import MutationType, ObjectType, QueryType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from ._artifacts import (
    CollectionTypes,
    charge,
    collection_for_read,
    readable,
    require_write_project,
)
from ._common import RequestContext, connection, gid, parse_gid, request_context
from .artifact_types import type_of
from .projects import project_node

__all__ = ["BINDABLES", "collection_node", "collection_nodes", "sequence_of"]


# ---------------------------------------------------------------------- nodes
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
        "defaultArtifactType": type_of(row),
    }


def collection_nodes(ctx: RequestContext, rows: Sequence[Row]) -> list[Row]:
    """Collections for a page of rows, their tags in one query."""
    tags = ctx.store.artifacts.tags_of_collections([int(r["id"]) for r in rows])
    return [collection_node(r, tags[int(r["id"])]) for r in rows]


def sequence_of(row: Row) -> Row:
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
    charge(ctx, first)
    page = store.collections_page(
        project_id, type_id=type_id, filters=filters, order=order, first=first, after=after
    )
    nodes = iter(collection_nodes(ctx, page.rows))

    def total(info: GraphQLResolveInfo) -> int:
        return store.collection_count(project_id, type_id=type_id, filters=filters)

    return connection(page, lambda _row: next(nodes), totalCount=total)


# ---------------------------------------------------------------------- Query
query = QueryType()


@query.field("artifactCollection")
def resolve_artifact_collection(
    _: None, info: GraphQLResolveInfo, id: str | None = None
) -> Row | None:
    """``Query.artifactCollection``: a collection by global id; null unless its
    project is readable."""
    if id is None:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.collection_by_id(parse_gid(id, "ArtifactCollection"))
    if row is None or not readable(ctx, row["project_id"]):
        return None
    return collection_nodes(ctx, [row])[0]


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("artifactCollection")
def resolve_project_artifact_collection(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``Project.artifactCollection``: one of the project's collections by name, or null."""
    if not name:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.collection(int(project["_row"]["id"]), name)
    return collection_nodes(ctx, [row])[0] if row else None


@project_type.field("artifactCollections")
def resolve_project_artifact_collections(
    project: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Project.artifactCollections``: the project's collections, filtered, ordered
    and paged in SQL."""
    return _collections_connection(
        request_context(info), int(project["_row"]["id"]), None, filters, order, after, first
    )


# ---------------------------------------------------------------------- ArtifactType
artifact_type_type = ObjectType("ArtifactType")


@artifact_type_type.field("artifactCollection")
def resolve_type_collection(
    type_: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``ArtifactType.artifactCollection``: a collection of this type by name, or null."""
    if not name:
        return None
    ctx = request_context(info)
    row = type_["_row"]
    found = ctx.store.artifacts.collection(int(row["project_id"]), name, type_id=int(row["id"]))
    return collection_nodes(ctx, [found])[0] if found else None


@artifact_type_type.field("artifactCollections")
def resolve_type_collections(
    type_: Row,
    info: GraphQLResolveInfo,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``ArtifactType.artifactCollections``: the collections of this type, filtered,
    ordered and paged in SQL."""
    row = type_["_row"]
    return _collections_connection(
        request_context(info), int(row["project_id"]), int(row["id"]), filters, order, after, first
    )


# ---------------------------------------------------------------------- collections
collection_types = CollectionTypes()


@collection_types.field("project")
def resolve_collection_project(collection: Row, info: GraphQLResolveInfo) -> Row | None:
    """``ArtifactSequence.project``/``ArtifactPortfolio.project``: the owning project."""
    row = request_context(info).project_row(int(collection["_row"]["project_id"]))
    return project_node(row) if row else None


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


def _collection_mutation(
    info: GraphQLResolveInfo, collection_gid: object, kind: str
) -> tuple[RequestContext, Row]:
    ctx = request_context(info)
    collection = collection_for_read(ctx, parse_gid(collection_gid, "ArtifactCollection"))
    if collection["kind"] != kind:
        what = "sequence" if kind == "SEQUENCE" else "portfolio"
        raise GraphQLError(f"artifact collection {collection['name']!r} is not a {what}")
    require_write_project(ctx, collection["project_id"])
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
        "artifactCollection": collection_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("updateArtifactSequence")
def resolve_update_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateArtifactSequence``: rename or describe a sequence; members only."""
    return _update_collection(info, input, "artifactSequenceID", "SEQUENCE")


@mutation.field("updateArtifactPortfolio")
def resolve_update_portfolio(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateArtifactPortfolio``: rename or describe a portfolio; members only."""
    return _update_collection(info, input, "artifactPortfolioID", "PORTFOLIO")


@mutation.field("moveArtifactSequence")
def resolve_move_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.moveArtifactSequence``: give a sequence (and its versions) another
    type; members of its entity only."""
    ctx, collection = _collection_mutation(info, input["artifactSequenceID"], "SEQUENCE")
    row = ctx.store.artifacts.move_collection(
        int(collection["id"]), str(input["destinationArtifactTypeName"])
    )
    return {
        "artifactCollection": collection_nodes(ctx, [row])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


def _delete_collection(info: GraphQLResolveInfo, input: Row, id_field: str, kind: str) -> Row:
    ctx, collection = _collection_mutation(info, input[id_field], kind)
    node = collection_nodes(ctx, [collection])[0]
    ctx.store.artifacts.delete_collection(int(collection["id"]))
    node["state"] = "DELETED"
    return {"artifactCollection": node, "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteArtifactSequence")
def resolve_delete_sequence(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteArtifactSequence``: delete a sequence and every version born
    there; members of its entity only."""
    return _delete_collection(info, input, "artifactSequenceID", "SEQUENCE")


@mutation.field("deleteArtifactPortfolio")
def resolve_delete_portfolio(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteArtifactPortfolio``: delete a portfolio (its links, not the
    versions); members of its entity only."""
    return _delete_collection(info, input, "artifactPortfolioID", "PORTFOLIO")


BINDABLES: list[SchemaBindable] = [
    query,
    project_type,
    artifact_type_type,
    *collection_types.bindables,
    mutation,
]
