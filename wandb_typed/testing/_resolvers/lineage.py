"""Lineage: which runs logged and used which versions.  ``Artifact.createdBy`` and
``usedBy``, ``Run.inputArtifacts``/``outputArtifacts``, and ``useArtifact``
(``createArtifact``, which also logs an existing version again, is in
``artifact_writes``).

Runs and versions in projects the viewer cannot read are left out (or null);
recording lineage needs membership of the run's entity and read access to the
version.  Listings are paged in SQL and charged to the request's row budget.
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row, StoreError
from ._artifacts import (
    artifact_for_read,
    can_read_artifact,
    charge,
    filtered,
    readable,
    run_for_write,
)
from ._common import connection, not_found, request_context
from .artifacts import artifact_nodes
from .runs import run_node
from .users import user_node

__all__ = ["BINDABLES"]


# ---------------------------------------------------------------------- Artifact
artifact_type = ObjectType("Artifact")


@artifact_type.field("createdBy")
def resolve_created_by(artifact: Row, info: GraphQLResolveInfo) -> Row | None:
    """``Artifact.createdBy``: the run that logged the version (if the viewer can read
    its project), else the user."""
    ctx = request_context(info)
    row = artifact["_row"]
    if row["run_id"] is not None:
        run = ctx.store.run_by_id(int(row["run_id"]))
        if run is not None and readable(ctx, run["project_id"]):
            return {"__typename": "Run", **run_node(run)}
        return None
    if row["user_id"] is not None:
        user = ctx.store.user_by_id(int(row["user_id"]))
        if user is not None:
            return {"__typename": "User", **user_node(user)}
    return None


@artifact_type.field("usedBy")
def resolve_used_by(
    artifact: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``Artifact.usedBy``: runs that used the version (runs in projects the viewer
    cannot read are left out)."""
    ctx = request_context(info)
    charge(ctx, first)
    page = ctx.store.artifacts.users_page(int(artifact["_row"]["id"]), first, after)
    runs: dict[int, Row | None] = {}
    for r in page.rows:
        runs[int(r["run_id"])] = ctx.store.run_by_id(int(r["run_id"]))

    def visible(r: Row) -> bool:
        run = runs[int(r["run_id"])]
        return run is not None and readable(ctx, run["project_id"])

    page = filtered(page, visible)
    return connection(page, lambda r: run_node(runs[int(r["run_id"])] or {}))


# ---------------------------------------------------------------------- Run
run_type = ObjectType("Run")


def _run_artifacts(
    info: GraphQLResolveInfo, run: Row, *, inputs: bool, after: str | None, first: int | None
) -> Row:
    ctx = request_context(info)
    store = ctx.store.artifacts
    run_id = int(run["_row"]["id"])
    charge(ctx, first)
    page = store.run_artifacts_page(run_id, inputs=inputs, first=first, after=after)
    page = filtered(page, lambda r: can_read_artifact(ctx, r))
    nodes = iter(artifact_nodes(ctx, page.rows))

    def total(info: GraphQLResolveInfo) -> int:
        counts = store.run_artifact_counts(run_id, inputs=inputs)
        return sum(n for pid, n in counts.items() if readable(ctx, pid))

    return connection(page, lambda _row: next(nodes), totalCount=total)


@run_type.field("inputArtifacts")
def resolve_input_artifacts(
    run: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``Run.inputArtifacts``: versions the run used, in order; unreadable ones left out."""
    return _run_artifacts(info, run, inputs=True, after=after, first=first)


@run_type.field("outputArtifacts")
def resolve_output_artifacts(
    run: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``Run.outputArtifacts``: versions the run logged, in order; unreadable ones left out."""
    return _run_artifacts(info, run, inputs=False, after=after, first=first)


# ---------------------------------------------------------------------- Mutation
mutation = MutationType()


@mutation.field("useArtifact")
def resolve_use_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.useArtifact``: record the version as an input of the run (needs
    write access to the run and read access to the version)."""
    ctx = request_context(info)
    run = run_for_write(ctx, input["entityName"], input["projectName"], input["runName"])
    artifact = artifact_for_read(ctx, input["artifactID"])
    if artifact["state"] == "DELETED":
        raise StoreError("the artifact is deleted")
    entity, project = input.get("artifactEntityName"), input.get("artifactProjectName")
    if entity or project:  # the path the client used must hold the version
        holder = ctx.store.project(str(entity or ""), str(project or ""))
        held = ctx.store.artifacts.project_ids_of(int(artifact["id"]))
        if holder is None or int(holder["id"]) not in held:
            raise not_found(f"artifact {input['artifactID']} in {entity}/{project}")
    ctx.store.artifacts.use(int(artifact["id"]), int(run["id"]), input.get("usedAs"))
    return {
        "artifact": artifact_nodes(ctx, [artifact])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


BINDABLES: list[SchemaBindable] = [artifact_type, run_type, mutation]
