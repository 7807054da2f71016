"""Artifact aliases (``latest``, ``best``): the collections' ``aliases`` field and
``addAliases``/``deleteAliases``.  :func:`alias_targets` reads the alias inputs of
those and of ``updateArtifact``/``createArtifact``.

Aliases are readable with their collection; changing one needs membership of the
entity that owns its collection.  The listing is paged in SQL and charged to the
request's row budget; input lists are bounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ariadne import MutationType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row, StoreError
from .._store.artifacts import bounded
from ._artifacts import (
    CollectionTypes,
    artifact_for_read,
    charge,
    collection_by_path,
    require_write_project,
)
from ._common import RequestContext, connection, gid, not_found, request_context

__all__ = ["BINDABLES", "alias_targets"]


def alias_targets(
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
            collection = collection_by_path(
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


collection_types = CollectionTypes()


@collection_types.field("aliases")
def resolve_collection_aliases(
    collection: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``ArtifactSequence.aliases``/``ArtifactPortfolio.aliases``: the collection's
    aliases by name, paged in SQL."""
    ctx = request_context(info)
    charge(ctx, first)
    page = ctx.store.artifacts.collection_aliases_page(int(collection["_row"]["id"]), first, after)
    return connection(
        page,
        lambda a: {
            "id": gid("ArtifactAlias", int(a["alias_id"])),
            "alias": a["alias"],
            "artifactCollection": collection,
        },
    )


mutation = MutationType()


def _alias_mutation(info: GraphQLResolveInfo, input: Row, *, add: bool) -> Row:
    ctx = request_context(info)
    artifact = artifact_for_read(ctx, input["artifactID"])
    if artifact["state"] == "DELETED":
        raise StoreError("the artifact is deleted")
    store = ctx.store.artifacts
    for collection_id, aliases in alias_targets(
        ctx, artifact, input["aliases"], default=None
    ).items():
        collection = store.collection_by_id(collection_id)
        assert collection is not None
        require_write_project(ctx, collection["project_id"])
        if add:
            store.add_aliases(collection_id, int(artifact["id"]), aliases)
        else:
            store.remove_aliases(collection_id, int(artifact["id"]), aliases)
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("addAliases")
def resolve_add_aliases(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.addAliases``: point aliases at a version (moving them off another);
    members of each collection's entity only."""
    return _alias_mutation(info, input, add=True)


@mutation.field("deleteAliases")
def resolve_delete_aliases(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteAliases``: drop aliases from a version; members of each
    collection's entity only."""
    return _alias_mutation(info, input, add=False)


BINDABLES: list[SchemaBindable] = [*collection_types.bindables, mutation]
