"""Saving a new artifact version: the chain wandb-core sends, so the server (W&B or
the local one) sees the same requests as from ``run.log_artifact()``.

1. ``createArtifact`` with the draft's digest: a pending version, or the committed
   version that already has these contents (then nothing else is sent);
2. ``createArtifactFiles`` (batches of :data:`SPEC_BATCH`): an upload URL for each
   local file whose contents the server lacks (none for an unchanged file of an
   incremental version);
3. the PUTs, ``max_workers`` at a time through :func:`~._mode.run_bounded`, each
   retried through the connection's one retry loop;
4. ``createArtifactManifest`` and the manifest's PUT (a ``PATCH`` of the latest
   version for an incremental draft);
5. ``commitArtifact``.

An error, a cancellation or Ctrl-C stops the transfers still running and leaves the
version pending (nothing lists it); saving the same draft again finds that pending
version by its digest and sends only what the server still lacks.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from .._core.artifact_drafts import ArtifactDraftData, manifest_document
from .._core.artifact_names import check_aliases, check_artifact_tags
from .._core.checks import check_int
from .._core.exchange import Retryable, status_error, transport_failure
from .._core.files import Stop, Stopped, redact
from .._core.manifest import ArtifactManifest, ArtifactManifestEntry
from .._core.progress import Tally
from .._progress import progress_reporter
from ..errors import NotFoundError, ResponseValidationError
from ._mode import run_bounded

if TYPE_CHECKING:
    from .artifacts import AsyncArtifact
    from .connection import AsyncConnection
    from .session import AsyncSession

__all__ = ["save_draft"]

#: File specs per ``createArtifactFiles`` request (the server's list bound).
SPEC_BATCH = 1000
#: The most uploads one save runs at once.
MAX_WORKERS = 64


async def _put(connection: AsyncConnection, url: str, data: bytes, headers: dict[str, str], what: str) -> None:  # fmt: skip
    """PUT ``data`` to a signed URL, retried on transport failures and retryable statuses."""

    async def attempt(number: int) -> None:
        response = await connection.open("PUT", url, content=data, headers=headers)
        try:
            try:
                await response.aread()
            except httpx.HTTPError as exc:
                raise transport_failure(exc, redact(url), what, False) from None
        finally:
            await response.aclose()
        if response.status_code >= 300:
            error = status_error(
                response.status_code, response.headers, response.content, redact(url), what
            )
            if response.status_code in connection.settings.retry.retry_statuses:
                raise Retryable(error)
            raise error

    await connection.retrying(what, attempt)


def _headers(lines: Sequence[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines or ():
        key, _, value = line.partition(":")
        if key.strip():
            out[key.strip()] = value.strip()
    return out


async def _base_for(
    session: AsyncSession, draft: ArtifactDraftData, entity: str, project: str
) -> tuple[str | None, dict[str, ArtifactManifestEntry]]:
    """The version an incremental draft patches (the collection's latest) and its
    entries; ``(None, {})`` when the draft is not incremental or nothing exists yet."""
    from .artifact_files import fetch_manifest
    from .artifacts import fetch_artifact

    if not draft.incremental:
        return None, {}
    try:
        latest = await fetch_artifact(
            session, f"{entity}/{project}/{draft.name}:latest", draft.type
        )
    except NotFoundError:
        return None, {}
    return latest.id, dict((await fetch_manifest(session, latest)).entries)


async def save_draft(
    session: AsyncSession,
    draft: ArtifactDraftData,
    *,
    entity: str,
    project: str,
    run: str | None,
    aliases: Sequence[str] | None,
    tags: Sequence[str] | None,
    progress: object,
    max_workers: int,
) -> AsyncArtifact:
    """Save ``draft`` as a new version of ``entity/project/<draft.name>`` logged by
    ``run`` (see the module docstring); returns the committed version."""
    from _wandb_typed_gql.enums import ArtifactManifestType
    from _wandb_typed_gql.input_types import (
        ArtifactAliasInput,
        CreateArtifactFileSpecInput,
        TagInput,
    )

    from .artifacts import artifact_in_sequence

    new_aliases = check_aliases(list(aliases) if aliases is not None else [], "aliases")
    new_tags = check_artifact_tags(list(tags) if tags is not None else [], "tags")
    workers = check_int(max_workers, "max_workers", 1, MAX_WORKERS)
    base_id, base_entries = await _base_for(session, draft, entity, project)
    entries = draft.entries
    if base_id is not None:
        merged = {p: e for p, e in base_entries.items() if p not in draft.removed}
        merged.update(entries)
        entries = merged
    version_digest = ArtifactManifest(1, "", {}, entries).digest()
    created = await session.gql.create_draft_version(
        entity=entity, project=project, run=run, type_=draft.type, collection=draft.name,
        digest=version_digest, description=draft.description,
        metadata=json.dumps(draft.metadata) if draft.metadata else None,
        aliases=[ArtifactAliasInput(alias=a, artifact_collection_name=draft.name) for a in ["latest", *new_aliases]],
        tags=[TagInput(tag_name=t) for t in new_tags],
    )  # fmt: skip
    if created.create_artifact is None:
        raise NotFoundError.of(f"project {entity}/{project}", "CreateDraftVersion")
    artifact = created.create_artifact.artifact
    if artifact.state.value != "COMMITTED":
        uploads = draft._uploads()  # pyright: ignore[reportPrivateUsage]
        todo: list[tuple[str, Path, str, dict[str, str]]] = []
        queued: set[str] = set()
        paths = sorted(uploads)
        for start in range(0, len(paths), SPEC_BATCH):
            batch = paths[start : start + SPEC_BATCH]
            specs = [
                CreateArtifactFileSpecInput.model_validate(
                    {
                        "artifactID": artifact.id,
                        "name": p,
                        "md5": entries[p].digest,
                        "digest": entries[p].digest,
                    }
                )
                for p in batch
            ]
            answer = await session.gql.create_draft_files(files=specs)
            edges = answer.create_artifact_files.files.edges if answer.create_artifact_files else []
            if len(edges) != len(batch):
                raise ResponseValidationError(
                    f"CreateDraftFiles: {len(edges)} files answered for {len(batch)} asked",
                    operation_name="CreateDraftFiles",
                )
            for path, edge in zip(batch, edges, strict=True):
                node = edge.node
                if node is not None and node.upload_url and entries[path].digest not in queued:
                    queued.add(entries[path].digest)  # the same contents twice: sent once
                    todo.append(
                        (path, uploads[path], node.upload_url, _headers(node.upload_headers))
                    )
        await _upload_all(session, todo, draft.name, progress, workers)
        kind = ArtifactManifestType.PATCH if base_id is not None else ArtifactManifestType.FULL
        body = manifest_document(entries.values()) if base_id is None else _patch(draft)
        slot = await session.gql.create_draft_manifest(
            artifact_id=artifact.id, base_artifact_id=base_id, digest=version_digest,
            entity=entity, project=project, run=run or "", type_=kind,
        )  # fmt: skip
        manifest = slot.create_artifact_manifest
        url = manifest.artifact_manifest.file.upload_url if manifest else None
        if not url or manifest is None:
            raise ResponseValidationError(
                "CreateDraftManifest: no upload URL for the manifest",
                operation_name="CreateDraftManifest",
            )
        headers = _headers(manifest.artifact_manifest.file.upload_headers)
        await _put(
            session.connection, url, json.dumps(body).encode(), headers, f"manifest of {draft.name}"
        )
        committed = await session.gql.commit_draft_version(artifact_id=artifact.id)
        if committed.commit_artifact is None:
            raise NotFoundError.of(f"artifact {artifact.id}", "CommitDraftVersion")
        artifact = committed.commit_artifact.artifact
    draft._cleanup()  # pyright: ignore[reportPrivateUsage]
    saved = artifact_in_sequence(session, artifact)
    if saved is None:
        raise ResponseValidationError(
            "CommitDraftVersion: the version has no project", operation_name="CommitDraftVersion"
        )
    return saved


def _patch(draft: ArtifactDraftData) -> dict[str, object]:
    """An incremental manifest: the draft's entries, and ``null`` for removed paths."""
    doc = manifest_document(draft.entries.values())
    contents: dict[str, object] = dict(doc["contents"])
    contents.update(dict.fromkeys(sorted(draft.removed)))
    return {**doc, "contents": contents}


async def _upload_all(
    session: AsyncSession,
    todo: list[tuple[str, Path, str, dict[str, str]]],
    what: str,
    progress: object,
    workers: int,
) -> None:
    report, close = progress_reporter(progress, f"upload {what}")
    sizes = {path: local.stat().st_size for path, local, _, _ in todo}
    tally = Tally(sum(sizes.values()), len(todo), report)
    stop = Stop()

    def job(path: str, local: Path, url: str, headers: dict[str, str]) -> Callable[[], Awaitable[None]]:  # fmt: skip
        async def run() -> None:
            try:
                stop.check()
            except Stopped:
                return  # the save is ending: leave this file for the retry
            await _put(session.connection, url, local.read_bytes(), headers, f"upload of {path}")
            tally.file_done(sizes[path])

        return run

    try:
        await run_bounded([job(*t) for t in todo], workers, stop)
    finally:
        close()
