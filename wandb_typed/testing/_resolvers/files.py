"""Run files: ``Run.files`` and ``createRunFiles``/``markRunFilesUploaded``/``deleteFiles``.

File URLs are signed for the requesting user (``FileLinks``); the bytes move over
``/files/...`` (``_file_routes``).  Files are readable with their run; upload URLs
go only to viewers who may write the run's project, and every file mutation
needs membership of the project's entity.
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import (
    FileLinks,
    RequestContext,
    connection,
    gid,
    not_found,
    parse_gid,
    request_context,
)
from .projects import writable_project

__all__ = ["BINDABLES", "file_node"]


def file_node(row: Row, links: FileLinks, run: Row, *, writable: bool) -> Row:
    """A run File; ``run`` is a run row (for the entity/project/run URL path).  Upload
    URLs (signed for PUT) go only to viewers who may write the run's project."""
    args = (str(run["entity_name"]), str(run["project_name"]), str(run["name"]), str(row["name"]))
    download = links.download(*args)
    upload_url = links.upload(*args) if writable else None

    def url(info: GraphQLResolveInfo, upload: bool = False) -> str | None:
        return upload_url if upload else download

    return {
        "_row": row,
        "id": gid("File", int(row["id"])),
        "name": row["name"],
        "displayName": row["name"],
        "url": url,
        "directUrl": download,
        "uploadUrl": upload_url,
        "sizeBytes": int(row["size"]),
        "mimetype": row["mimetype"],
        "md5": row["md5"],
        "digest": row["md5"],
        "storagePath": "/".join(args),
        "updatedAt": row["updated_at"],
    }


# ---------------------------------------------------------------------- Run
run_type = ObjectType("Run")


@run_type.field("files")
def resolve_files(
    run: Row,
    info: GraphQLResolveInfo,
    names: list[str | None] | None = None,
    pattern: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Run.files``: the run's uploaded files (by ``names`` or ``pattern``), paged in
    SQL; upload URLs only for members of the project's entity."""
    ctx = request_context(info)
    run_row = run["_row"]
    project = ctx.project_row(int(run_row["project_id"]))
    writable = project is not None and ctx.can_write(project)
    page = ctx.store.files_page(
        int(run_row["id"]),
        names=[n for n in names or [] if n],
        pattern=pattern,
        first=first,
        after=after,
    )
    return connection(
        page,
        lambda r: file_node(r, ctx.links, run_row, writable=writable),
        totalCount=run["fileCount"],
    )


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


def _run_by_path(ctx: RequestContext, entity: str, project: str, run: str) -> Row:
    """A run to write to (permission first, so a non-member learns nothing of its runs)."""
    ctx.require_write(entity)
    project_row = ctx.store.project(entity, project)
    row = ctx.store.run(int(project_row["id"]), run) if project_row else None
    if row is None:
        raise not_found(f"run {entity}/{project}/{run}")
    return row


@mutation.field("createRunFiles")
def resolve_create_run_files(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createRunFiles``: reserve files and hand out signed PUT URLs on this
    server; members of the entity only."""
    ctx = request_context(info)
    run = _run_by_path(ctx, input["entityName"], input["projectName"], input["runName"])
    files: list[Row] = []
    for name in input["files"]:
        existing = ctx.store.file(int(run["id"]), name)
        row = existing or ctx.store.add_file(int(run["id"]), name, None, uploaded=False)
        files.append(file_node(row, ctx.links, run, writable=True))
    return {
        "runID": gid("Run", int(run["id"])),
        "uploadHeaders": [],
        "files": files,
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("markRunFilesUploaded")
def resolve_mark_uploaded(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.markRunFilesUploaded``: acknowledged (a PUT already marks its file
    uploaded); members of the entity only."""
    ctx = request_context(info)
    _run_by_path(ctx, input["entityName"], input["projectName"], input["runName"])
    return {"success": True, "clientMutationId": input.get("clientMutationId")}


@mutation.field("deleteFiles")
def resolve_delete_files(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.deleteFiles``: delete run files by global id; members of each file's
    project's entity only."""
    ctx = request_context(info)
    ids = [parse_gid(f, "File") for f in input["files"]]
    for file_id in ids:
        row = ctx.store.file_by_id(file_id)
        run = ctx.store.run_by_id(int(row["run_id"])) if row else None
        if run is not None:
            writable_project(ctx, int(run["project_id"]))
    deleted = ctx.store.delete_files(ids, input.get("projectId"))
    return {"success": deleted > 0, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [run_type, mutation]
