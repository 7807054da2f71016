"""New artifact versions: the mutations wandb-core (``run.log_artifact``, ``wandb
artifact put``) and ``Artifact.save()`` send, in order: ``createArtifact`` (a pending
version, or the committed one with the same digest), ``createArtifactFiles`` (a
signed upload URL per file the server lacks, ``null`` for contents it has),
``createArtifactManifest``/``updateArtifactManifest`` (a signed manifest upload URL),
``commitArtifact``.  ``completeMultipartUploadArtifact`` and multipart file specs,
storage regions and distributed artifacts are answered with an ``UNSUPPORTED`` error
naming the feature.

Every mutation needs membership of the project's entity (a pending version is
reached through its project like any version); values reach the store as bound
parameters, and the list of file specs is bounded (``MAX_ITEMS``).  The uploads
themselves go to ``_routes_artifact_uploads``.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row, StoreError
from .._store.artifacts import bounded, validate_name
from .._store.artifacts.uploads import md5_hex_of
from ._artifacts import artifact_for_write, project_for_write
from ._common import RequestContext, gid, not_found, parse_gid, request_context
from .aliases import alias_targets
from .artifacts import artifact_nodes
from .tags import tag_names

__all__ = ["BINDABLES", "manifest_upload_path", "unsupported", "upload_path"]


def unsupported(feature: str) -> GraphQLError:
    """The error of a feature the local server does not build (code ``UNSUPPORTED``)."""
    return GraphQLError(
        f"{feature} is not supported by the local W&B server",
        extensions={"code": "UNSUPPORTED", "feature": feature},
    )


def upload_path(artifact_id: int, md5_hex: str) -> str:
    """URL path a pending version's file is uploaded to (signed, kind ``upload``)."""
    return f"/artifact-uploads/{artifact_id}/{md5_hex}"


def manifest_upload_path(manifest_id: int) -> str:
    """URL path a manifest is uploaded to (signed, kind ``manifest-upload``)."""
    return f"/artifact-manifest-uploads/{manifest_id}"


def _signed(ctx: RequestContext, path: str, kind: str, key: str) -> str:
    return f"{ctx.links.base_url}{path}?{ctx.store.artifacts.signed_query(kind, key)}"


def _int_or_none(value: object, what: str) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        raise GraphQLError(f"{what} must be an integer") from None


mutation = MutationType()


@mutation.field("createArtifact")
def resolve_create_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createArtifact``: a new pending version of the sequence (created with
    its type if missing), or, for contents a committed version already has, that
    version (the run becomes one of its outputs, the aliases and tags are added).
    Members of the project's entity only."""
    ctx = request_context(info)
    entity, project_name = str(input["entityName"]), str(input["projectName"])
    names = bounded(input.get("artifactCollectionNames"), "collection names")
    name = input.get("artifactCollectionName") or (names[0] if names else None)
    if not name:
        raise GraphQLError("createArtifact needs artifactCollectionName")
    if input.get("storageRegion"):
        raise unsupported("storage regions")
    if input.get("distributedID"):
        raise unsupported("distributed artifacts")
    if input.get("digestAlgorithm") not in (None, "MANIFEST_MD5"):
        raise unsupported(f"digest algorithm {input['digestAlgorithm']}")
    try:
        collection = validate_name(str(name), "artifact")
        type_name = validate_name(str(input["artifactTypeName"]), "artifact type")
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    if ctx.store.project(entity, project_name) is None:
        ctx.require_write(entity)
        ctx.store.create_project(entity, project_name)
    project = project_for_write(ctx, entity, project_name)
    run = None
    if input.get("runName"):
        run = ctx.store.run(int(project["id"]), str(input["runName"]))
        if run is None:
            raise not_found(f"run {entity}/{project_name}/{input['runName']}")
    alias_inputs: list[dict[str, Any]] = bounded(input.get("aliases"), "aliases")
    own = [str(a["alias"]) for a in alias_inputs if a.get("artifactCollectionName") == collection]
    store = ctx.store.artifacts
    row, committed = store.create_pending(
        int(project["id"]), collection, type_name, str(input["digest"]),
        run_id=int(run["id"]) if run else None, user_id=int(ctx.viewer["id"]),
        description=input.get("description"), metadata=input.get("metadata"), aliases=own,
        history_step=_int_or_none(input.get("historyStep"), "historyStep"),
        ttl_seconds=_int_or_none(input.get("ttlDurationSeconds"), "ttlDurationSeconds"),
        deduplicate=input.get("enableDigestDeduplication") is not False,
    )  # fmt: skip
    artifact_id = int(row["id"])
    if committed:
        sequence = store.collection(int(project["id"]), collection)
        for collection_id, aliases in alias_targets(
            ctx, row, alias_inputs, default=sequence
        ).items():
            store.add_aliases(collection_id, artifact_id, aliases)
        if run is not None:
            store.add_output(artifact_id, int(run["id"]))
    store.tag_artifact(artifact_id, add=tag_names(input.get("tags")))
    fresh = store.artifact_by_id(artifact_id)
    assert fresh is not None
    return {"artifact": artifact_nodes(ctx, [fresh])[0], "clientMutationId": None}


@mutation.field("createArtifactFiles")
def resolve_create_artifact_files(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createArtifactFiles``: record files of pending versions; each gets a
    signed upload URL, or none when the server has the contents already (an unchanged
    file of an incremental version).  Members of the versions' entities only."""
    ctx = request_context(info)
    specs: list[dict[str, Any]] = bounded(input.get("artifactFiles"), "artifact files")
    if any(spec.get("uploadPartsInput") for spec in specs):
        raise unsupported("multipart uploads")
    artifacts: dict[str, Row] = {}
    grouped: dict[str, list[tuple[str, str, str | None]]] = {}
    for spec in specs:
        key = str(spec["artifactID"])
        if key not in artifacts:
            artifacts[key] = artifact_for_write(ctx, key)
        grouped.setdefault(key, []).append(
            (str(spec["name"]), str(spec["md5"]), spec.get("mimetype"))
        )
    needed: dict[tuple[str, str], bool] = {}
    try:
        for key, files in grouped.items():
            flags = ctx.store.artifacts.add_draft_files(int(artifacts[key]["id"]), files)
            needed.update(
                {(key, path): flag for (path, _, _), flag in zip(files, flags, strict=True)}
            )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    nodes = {key: artifact_nodes(ctx, [row])[0] for key, row in artifacts.items()}
    edges: list[Row] = []
    for spec in specs:
        key, path, digest = str(spec["artifactID"]), str(spec["name"]), str(spec["md5"])
        artifact_id, md5_hex = int(artifacts[key]["id"]), md5_hex_of(digest)
        url = (
            _signed(ctx, upload_path(artifact_id, md5_hex), "upload", f"{artifact_id}/{md5_hex}")
            if needed[(key, path)]
            else None
        )
        node: Row = {
            "id": gid("ArtifactDraftFile", len(edges) + 1),
            "name": path,
            "displayName": path,
            "directUrl": "",
            "sizeBytes": 0,
            "md5": digest,
            "digest": digest,
            "mimetype": spec.get("mimetype"),
            "storagePath": f"{artifacts[key]['entity_name']}/{md5_hex}",
            "uploadUrl": url,
            "uploadHeaders": [],
            "uploadMultipartUrls": None,
            "artifact": nodes[key],
        }
        edges.append({"node": node, "cursor": str(len(edges))})
    page_info = {"hasNextPage": False, "endCursor": edges[-1]["cursor"] if edges else None}
    return {
        "files": {
            "edges": edges,
            "pageInfo": page_info,
            "totalCount": len(edges),
            "uploadHeaders": [],
        },
        "clientMutationId": input.get("clientMutationId"),
    }


def _manifest_payload(ctx: RequestContext, slot: Row, client_mutation_id: object) -> Row:
    manifest_id = int(slot["id"])
    url = _signed(ctx, manifest_upload_path(manifest_id), "manifest-upload", str(manifest_id))
    return {
        "artifactManifest": {
            "id": gid("ArtifactManifest", manifest_id),
            "file": {
                "id": gid("ArtifactManifestFile", manifest_id),
                "name": "wandb_manifest.json",
                "displayName": "wandb_manifest.json",
                "directUrl": "",
                "sizeBytes": 0,
                "uploadUrl": url,
                "uploadHeaders": [],
            },
        },
        "clientMutationId": client_mutation_id,
    }


def _base_id(ctx: RequestContext, value: object) -> int | None:
    if value is None:
        return None
    return int(artifact_for_write(ctx, value)["id"])


@mutation.field("createArtifactManifest")
def resolve_create_artifact_manifest(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createArtifactManifest``: a manifest upload slot (signed URL) for a
    pending version; ``INCREMENTAL``/``PATCH`` ones patch ``baseArtifactID``.
    Members of the version's entity only."""
    ctx = request_context(info)
    artifact = artifact_for_write(ctx, input["artifactID"])
    try:
        manifest_id = ctx.store.artifacts.create_manifest(
            int(artifact["id"]),
            str(input["type"]),
            input.get("digest"),
            _base_id(ctx, input.get("baseArtifactID")),
        )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    slot = ctx.store.artifacts.manifest_upload(manifest_id)
    assert slot is not None
    return _manifest_payload(ctx, slot, input.get("clientMutationId"))


@mutation.field("updateArtifactManifest")
def resolve_update_artifact_manifest(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.updateArtifactManifest``: change a manifest slot's digest or base and
    sign a new upload URL.  Members of the version's entity only."""
    ctx = request_context(info)
    manifest_id = parse_gid(input["artifactManifestID"], "ArtifactManifest")
    slot = ctx.store.artifacts.manifest_upload(manifest_id)
    if slot is None:
        raise not_found(f"artifact manifest {input['artifactManifestID']}")
    artifact_for_write(ctx, gid("Artifact", int(slot["artifact_id"])))
    try:
        updated = ctx.store.artifacts.update_manifest(
            manifest_id, input.get("digest"), _base_id(ctx, input.get("baseArtifactID"))
        )
    except StoreError as exc:
        raise GraphQLError(str(exc)) from None
    return _manifest_payload(ctx, updated, input.get("clientMutationId"))


@mutation.field("commitArtifact")
def resolve_commit_artifact(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.commitArtifact``: make a pending version a version once its manifest
    and files are uploaded (a committed one is returned as it is, so a retried commit
    succeeds).  Members of the version's entity only."""
    ctx = request_context(info)
    artifact = artifact_for_write(ctx, input["artifactID"])
    if artifact["state"] != "COMMITTED":
        try:
            artifact = ctx.store.artifacts.commit(int(artifact["id"]))
        except StoreError as exc:
            raise GraphQLError(str(exc)) from None
    return {
        "artifact": artifact_nodes(ctx, [artifact])[0],
        "clientMutationId": input.get("clientMutationId"),
    }


@mutation.field("completeMultipartUploadArtifact")
def resolve_complete_multipart(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.completeMultipartUploadArtifact``: refused (``UNSUPPORTED``): the
    local server takes each file in one PUT (up to ``ServerLimits.max_file_bytes``)."""
    request_context(info)
    raise unsupported("multipart uploads")


BINDABLES: list[SchemaBindable] = [mutation]
