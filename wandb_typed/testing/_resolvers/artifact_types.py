"""Artifact types (``model``, ``dataset``, ``job`` ...): ``Project.artifactType`` and
``Project.artifactTypes`` (readable with their project; the listing is charged to
the request's row budget)."""

from __future__ import annotations

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._artifacts import charge
from ._common import connection, gid, request_context

__all__ = ["BINDABLES", "type_node", "type_of"]


def type_node(row: Row) -> Row:
    """An ArtifactType from an ``artifact_types`` row."""
    return {
        "_row": row,
        "id": gid("ArtifactType", int(row["id"])),
        "name": row["name"],
        "description": row["description"],
        "createdAt": row["created_at"],
    }


def type_of(row: Row) -> Row:
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


project_type = ObjectType("Project")


@project_type.field("artifactType")
def resolve_project_artifact_type(
    project: Row, info: GraphQLResolveInfo, name: str | None = None
) -> Row | None:
    """``Project.artifactType``: one of the project's artifact types by name, or null."""
    if not name:
        return None
    row = request_context(info).store.artifacts.artifact_type(int(project["_row"]["id"]), name)
    return type_node(row) if row else None


@project_type.field("artifactTypes")
def resolve_project_artifact_types(
    project: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    **_: object,
) -> Row:
    """``Project.artifactTypes``: the project's artifact types, paged in SQL."""
    ctx = request_context(info)
    charge(ctx, first)
    page = ctx.store.artifacts.artifact_types_page(int(project["_row"]["id"]), first, after)
    return connection(page, type_node)


BINDABLES: list[SchemaBindable] = [project_type]
