"""Registry search: ``Entity.artifactCollections`` and ``Entity.artifactMemberships``
of an organization's entity, the collections of its registries and the versions
linked into them, across every registry the viewer may read.

Filters (JSON text, MongoDB-style) name registry fields (``projectFilters``: id,
name, entity_id, description, created_at, updated_at), collection fields and
version fields (the official client's basic and advanced search fields); orders
are ``[+-]field``. Pages are charged to the request's row budget; of any other
entity both listings are empty.
"""

from __future__ import annotations

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._artifacts import charge
from ._common import EMPTY_CONNECTION, connection, json_arg, request_context
from .artifact_collections import collection_nodes
from .memberships import membership_nodes

__all__ = ["BINDABLES"]

entity_type = ObjectType("Entity")


@entity_type.field("artifactCollections")
def resolve_entity_collections(
    entity: Row,
    info: GraphQLResolveInfo,
    projectFilters: object = None,
    filters: object = None,
    collectionTypes: list[str] | None = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Entity.artifactCollections``: the collections of an org entity's registries
    the viewer may read; ``totalCount`` is counted only when asked for."""
    ctx = request_context(info)
    entity_id = int(entity["_row"]["id"])
    if not ctx.store.is_org_entity(entity_id):
        return EMPTY_CONNECTION
    charge(ctx, first)
    viewer = int(ctx.viewer["id"])
    registry_filters = json_arg(projectFilters, "projectFilters")
    collection_filters = json_arg(filters, "filters")
    page = ctx.store.registry_collections_page(
        entity_id,
        viewer,
        registry_filters=registry_filters,
        collection_filters=collection_filters,
        kinds=collectionTypes,
        order=order,
        first=first,
        after=after,
    )
    nodes = iter(collection_nodes(ctx, page.rows))

    def count(info: GraphQLResolveInfo) -> int:
        return ctx.store.registry_collection_count(
            entity_id,
            viewer,
            registry_filters=registry_filters,
            collection_filters=collection_filters,
            kinds=collectionTypes,
        )

    return connection(page, lambda _row: next(nodes), totalCount=count)


@entity_type.field("artifactMemberships")
def resolve_entity_memberships(
    entity: Row,
    info: GraphQLResolveInfo,
    projectFilters: object = None,
    collectionFilters: object = None,
    filters: object = None,
    order: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Entity.artifactMemberships``: the live versions linked into an org entity's
    registries the viewer may read, newest link first unless ``order``."""
    ctx = request_context(info)
    entity_id = int(entity["_row"]["id"])
    if not ctx.store.is_org_entity(entity_id):
        return EMPTY_CONNECTION
    charge(ctx, first)
    page = ctx.store.registry_memberships_page(
        entity_id,
        int(ctx.viewer["id"]),
        registry_filters=json_arg(projectFilters, "projectFilters"),
        collection_filters=json_arg(collectionFilters, "collectionFilters"),
        version_filters=json_arg(filters, "filters"),
        order=order,
        first=first,
        after=after,
    )
    nodes = iter(membership_nodes(ctx, page.rows))
    return connection(page, lambda _row: next(nodes))


BINDABLES: list[SchemaBindable] = [entity_type]
