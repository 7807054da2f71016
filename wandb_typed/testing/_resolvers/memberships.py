"""Memberships (a version in a collection, with its ``vN`` there) and links:
``Project.artifactCollectionMembership``/``artifact`` (``"collection:alias"`` names),
a collection's ``artifactMembership``, ``Artifact.artifactMemberships``, and
``linkArtifact``/``unlinkArtifact``.

Memberships are readable with their collection's project (``Artifact.artifactMemberships``
leaves out unreadable ones); linking needs read access to the version and
membership of the target portfolio's entity (in a registry: the ``admin`` or
``member`` role, and a version of a type the registry accepts).
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from .._store.artifacts import bounded, split_name, validate_name
from ._artifacts import (
    CollectionTypes,
    artifact_for_read,
    charge,
    collection_for_read,
    filtered,
    project_for_write,
    readable,
    require_write_project,
)
from ._common import RequestContext, connection, gid, not_found, parse_gid, request_context
from .artifact_collections import collection_node, collection_nodes
from .artifacts import artifact_nodes
from .registries import check_link_type

__all__ = ["BINDABLES", "membership_nodes"]


def membership_nodes(
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


def _membership_by_name(ctx: RequestContext, project_id: int, name: str) -> Row | None:
    collection_name, alias = split_name(name)
    store = ctx.store.artifacts
    collection = store.collection(project_id, collection_name)
    if collection is None:
        return None
    row = store.membership(int(collection["id"]), alias)
    if row is None:
        return None
    return membership_nodes(ctx, [row], collection_nodes(ctx, [collection])[0])[0]


# ---------------------------------------------------------------------- Project
project_type = ObjectType("Project")


@project_type.field("artifactCollectionMembership")
def resolve_project_membership(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``Project.artifactCollectionMembership``: the live version ``"collection:alias"``
    (or ``:vN``) names in the (readable) project, or null."""
    if not name:
        return None
    return _membership_by_name(request_context(info), int(project["_row"]["id"]), name)


@project_type.field("artifact")
def resolve_project_artifact(
    project: Row, info: GraphQLResolveInfo, name: str | None = None, **_: object
) -> Row | None:
    """``Project.artifact``: the version a ``"collection:alias"`` name resolves to, or null."""
    if not name:
        return None
    membership = _membership_by_name(request_context(info), int(project["_row"]["id"]), name)
    return membership["artifact"] if membership else None


# ---------------------------------------------------------------------- collections
collection_types = CollectionTypes()


@collection_types.field("artifactMembership")
def resolve_collection_membership(
    collection: Row, info: GraphQLResolveInfo, aliasName: str | None = None
) -> Row | None:
    """``ArtifactSequence.artifactMembership``/``ArtifactPortfolio.artifactMembership``:
    the live version an alias or ``vN`` names in the collection, or null."""
    if not aliasName:
        return None
    ctx = request_context(info)
    row = ctx.store.artifacts.membership(int(collection["_row"]["id"]), aliasName)
    return membership_nodes(ctx, [row], collection)[0] if row else None


# ---------------------------------------------------------------------- Artifact
artifact_type = ObjectType("Artifact")


@artifact_type.field("artifactMemberships")
def resolve_artifact_memberships(
    artifact: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``Artifact.artifactMemberships``: every collection the version is in (its
    sequence first), paged in SQL; unreadable projects' collections left out."""
    ctx = request_context(info)
    charge(ctx, first)
    page = ctx.store.artifacts.memberships_page(int(artifact["_row"]["id"]), first, after)
    page = filtered(page, lambda r: readable(ctx, r["project_id"]))
    nodes = iter(
        membership_nodes(
            ctx,
            [{**r, "id": artifact["_row"]["id"]} for r in page.rows],
            None,
            artifacts=[artifact] * len(page.rows),
        )
    )
    return connection(page, lambda _row: next(nodes))


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("linkArtifact")
def resolve_link_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.linkArtifact``: link a version into a portfolio, by
    ``artifactPortfolioID`` or by name in ``entityName``/``projectName`` (created on
    first link); the version readable, the viewer a member of the portfolio's entity."""
    ctx = request_context(info)
    if not input.get("artifactID"):
        raise GraphQLError("linkArtifact needs artifactID (client ids are not supported)")
    artifact = artifact_for_read(ctx, input["artifactID"])
    if input.get("artifactPortfolioID"):
        portfolio = collection_for_read(
            ctx, parse_gid(input["artifactPortfolioID"], "ArtifactCollection")
        )
        project = require_write_project(ctx, portfolio["project_id"])
        name = str(portfolio["name"])
    else:
        entity, project_name = input.get("entityName"), input.get("projectName")
        name = str(input.get("artifactPortfolioName") or "")
        if not (entity and project_name and name):
            raise GraphQLError(
                "linkArtifact needs artifactPortfolioID or entityName, projectName and"
                " artifactPortfolioName"
            )
        project = project_for_write(ctx, str(entity), str(project_name))
    aliases = [str(a["alias"]) for a in bounded(input.get("aliases"), "aliases")]
    validate_name(name, "artifact portfolio")
    check_link_type(ctx, project, str(artifact["type_name"]))
    row = ctx.store.artifacts.link(int(artifact["id"]), int(project["id"]), name, aliases)
    collection = ctx.store.artifacts.collection_by_id(int(row["membership_collection_id"]))
    assert collection is not None
    node = membership_nodes(ctx, [row], collection_nodes(ctx, [collection])[0])[0]
    return {
        "versionIndex": node["versionIndex"],
        "artifactMembership": node,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("unlinkArtifact")
def resolve_unlink_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.unlinkArtifact``: remove a version from a portfolio (never from its
    own sequence); members of the portfolio's entity only."""
    ctx = request_context(info)
    artifact = artifact_for_read(ctx, input["artifactID"])
    portfolio = collection_for_read(
        ctx, parse_gid(input["artifactPortfolioID"], "ArtifactCollection")
    )
    require_write_project(ctx, portfolio["project_id"])
    if portfolio["kind"] != "PORTFOLIO":
        raise GraphQLError("cannot unlink a version from its own sequence; delete it instead")
    if not ctx.store.artifacts.unlink(int(artifact["id"]), int(portfolio["id"])):
        raise not_found("link")
    return {
        "artifactID": input["artifactID"],
        "success": True,
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [
    project_type,
    *collection_types.bindables,
    artifact_type,
    mutation,
]
