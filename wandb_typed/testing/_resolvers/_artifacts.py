"""What the artifact resolver modules share: who may read or write which artifact,
collection, project or run, the per-request row budget, and binding one resolver
to both collection types.

Authorization follows runs and projects: a version is visible when its project,
or the project of a portfolio it is linked to, is readable (public, or the viewer
is a member of the entity); anything unreadable resolves to ``null`` or is left
out of a listing, and a mutation on it is "not found".  Writes need membership of
the entity that owns the collection being changed (for a link: the target
portfolio's; for use/log: the run's).

The page sizes the artifact listings of one request ask for add up to at most
:data:`REQUEST_ROW_BUDGET` (nested listings multiply).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLError

from .._store import Page, Row
from .._store.artifacts import MAX_PAGE, page_size
from ._common import RequestContext, not_found, parse_gid

__all__ = [
    "REQUEST_ROW_BUDGET",
    "CollectionTypes",
    "artifact_for_read",
    "artifact_for_write",
    "can_read_artifact",
    "charge",
    "collection_by_path",
    "collection_for_read",
    "filtered",
    "project_for_write",
    "readable",
    "require_write_project",
    "run_for_write",
]

#: Most rows the artifact listings of one request may ask for, nested listings
#: included (e.g. 1,000 collections x 1,000 versions each is refused).
REQUEST_ROW_BUDGET = 50_000


def charge(ctx: RequestContext, first: int | None, *, maximum: int = MAX_PAGE) -> None:
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


def readable(ctx: RequestContext, project_id: object) -> bool:
    """Whether the viewer may read the project with this id."""
    row = ctx.project_row(int(str(project_id)))
    return row is not None and ctx.can_read(row)


def can_read_artifact(ctx: RequestContext, row: Row) -> bool:
    """Readable through its own project or through a portfolio it is linked to."""
    if readable(ctx, row["project_id"]):
        return True
    return any(readable(ctx, pid) for pid in ctx.store.artifacts.project_ids_of(int(row["id"])))


def require_write_project(ctx: RequestContext, project_id: object) -> Row:
    """The project, if the viewer may write to it (unreadable = not found)."""
    project = ctx.project_row(int(str(project_id)))
    if project is None or not ctx.can_read(project):
        raise not_found("project")
    ctx.require_project_write(project)
    return project


def artifact_for_read(ctx: RequestContext, artifact_gid: object) -> Row:
    """The version a global id names, if the viewer may read it (else not found)."""
    row = ctx.store.artifacts.artifact_by_id(parse_gid(artifact_gid, "Artifact"))
    if row is None or not can_read_artifact(ctx, row):
        raise not_found(f"artifact {artifact_gid}")
    return row


def artifact_for_write(ctx: RequestContext, artifact_gid: object) -> Row:
    """A version the viewer may change (a member of its project's entity)."""
    row = artifact_for_read(ctx, artifact_gid)
    require_write_project(ctx, row["project_id"])
    return row


def collection_for_read(ctx: RequestContext, collection_id: int) -> Row:
    """A collection by id, if its project is readable (else not found)."""
    row = ctx.store.artifacts.collection_by_id(collection_id)
    if row is None or not readable(ctx, row["project_id"]):
        raise not_found("artifact collection")
    return row


def collection_by_path(ctx: RequestContext, entity: str, project: str, name: str) -> Row:
    """The collection ``entity/project/name``, if the project is readable (else not found)."""
    project_row = ctx.store.project(entity, project)
    if project_row is None or not ctx.can_read(project_row):
        raise not_found(f"project {entity}/{project}")
    row = ctx.store.artifacts.collection(int(project_row["id"]), name)
    if row is None:
        raise not_found(f"artifact collection {entity}/{project}/{name}")
    return row


def project_for_write(ctx: RequestContext, entity: str, project: str) -> Row:
    """The project ``entity/project``, if the viewer may write to it (unreadable = not
    found, readable = permission denied unless a member)."""
    row = ctx.store.project(entity, project)
    if row is None or not ctx.can_read(row):
        raise not_found(f"project {entity}/{project}")
    ctx.require_project_write(row)
    return row


def run_for_write(ctx: RequestContext, entity: str, project: str, run: str) -> Row:
    """The run ``entity/project/run``, if the viewer may write to its project."""
    project_row = project_for_write(ctx, entity, project)
    row = ctx.store.run(int(project_row["id"]), run)
    if row is None:
        raise not_found(f"run {entity}/{project}/{run}")
    return row


def filtered(page: Page, keep: Callable[[Row], bool]) -> Page:
    """A page without the rows the viewer may not see (cursors kept in step)."""
    pairs = [(r, c) for r, c in zip(page.rows, page.cursors, strict=True) if keep(r)]
    return Page([r for r, _ in pairs], [c for _, c in pairs], page.has_next)


class CollectionTypes:
    """``ArtifactSequence`` and ``ArtifactPortfolio`` of one module: most collection
    fields resolve alike for both, so :meth:`field` binds one resolver to both."""

    def __init__(self) -> None:
        self.sequence: ObjectType = ObjectType("ArtifactSequence")
        self.portfolio: ObjectType = ObjectType("ArtifactPortfolio")

    def field(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Bind the decorated resolver to the field ``name`` of both collection types."""

        def bind(resolver: Callable[..., Any]) -> Callable[..., Any]:
            # ObjectType.field(name) registers like set_field, whose `name` ariadne leaves
            # unannotated.
            self.sequence.field(name)(resolver)
            self.portfolio.field(name)(resolver)
            return resolver

        return bind

    @property
    def bindables(self) -> list[SchemaBindable]:
        """Both object types, for a module's ``BINDABLES``."""
        return [self.sequence, self.portfolio]
