"""New artifact versions: :class:`AsyncArtifactDraft`, built like ``wandb.Artifact(name,
type, ...)`` (or from a version with ``AsyncArtifact.new_draft()``) and saved with
:meth:`AsyncArtifactDraft.save` or ``AsyncRun.log_artifact(draft)``. The upload
itself is :mod:`.artifact_uploads`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .._core.artifact_drafts import ArtifactDraftData
from .._core.checks import check_instance, check_optional_str
from .._core.progress import ProgressArg
from ..errors import InputError, NotFoundError
from ..paths import check_name
from ..types import JSONValue

if TYPE_CHECKING:
    from .api import AsyncApi
    from .artifacts import AsyncArtifact
    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["AsyncArtifactDraft"]

#: Uploads a save runs at once unless told otherwise.
DEFAULT_WORKERS = 16


class AsyncArtifactDraft(ArtifactDraftData):
    """A new artifact version, not saved yet: ``AsyncArtifactDraft("corpus", "dataset")``
    takes the arguments of ``wandb.Artifact(name, type, description, metadata,
    incremental)``. Add files with ``add_file``, ``add_dir``, ``new_file`` or
    ``add_reference``, then :meth:`save` it (or pass it to ``run.log_artifact``).
    ``incremental=True`` saves it as a patch of the collection's latest version."""

    def __init__(
        self,
        name: str,
        type: str,  # the official constructor's name
        description: str | None = None,
        metadata: Mapping[str, JSONValue] | None = None,
        incremental: bool = False,
    ) -> None:
        super().__init__(name, type, description, metadata, incremental)
        self._session: AsyncSession | None = None
        self._project: tuple[str, str] | None = None

    async def save(
        self,
        project: str | None = None,
        *,
        entity: str | None = None,
        aliases: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        api: AsyncApi | None = None,
        progress: ProgressArg = None,
        max_workers: int = DEFAULT_WORKERS,
    ) -> AsyncArtifact:
        """Save the draft as a new version of ``entity/project/<name>`` and return it.

        As ``wandb.Artifact.save()`` does outside a run, the version is logged by a new
        run of job type ``auto`` (finished once the version is committed). ``project``
        and ``entity`` default to the version it was drafted from, else to the
        settings; ``api`` is the client to use (default: one from the settings, as
        ``Api()`` resolves them). Only files the server lacks are uploaded,
        ``max_workers`` at a time; ``progress=True`` draws a bar. Contents that a
        version of the collection already has are not stored again: that version is
        returned. Interrupted, the version stays pending and saving again finishes it.
        """
        from .api import AsyncApi

        check_optional_str(project, "project")
        check_optional_str(entity, "entity")
        _check_options(aliases, tags, max_workers)
        if api is not None:
            check_instance(api, AsyncApi, "api")
        if api is not None:
            return await self._save_with(api._session, project, entity, aliases, tags, progress, max_workers)  # pyright: ignore[reportPrivateUsage]  # fmt: skip
        if self._session is not None:
            return await self._save_with(self._session, project, entity, aliases, tags, progress, max_workers)  # fmt: skip
        # the returned version keeps this client (as one from api.artifact() keeps its
        # Api), so new_draft(), download() ... work on it; it lives as long as they do
        self._session = AsyncApi()._session  # pyright: ignore[reportPrivateUsage]
        return await self._save_with(self._session, project, entity, aliases, tags, progress, max_workers)  # fmt: skip

    async def _save_with(
        self,
        session: AsyncSession,
        project: str | None,
        entity: str | None,
        aliases: Sequence[str] | None,
        tags: Sequence[str] | None,
        progress: ProgressArg,
        max_workers: int,
    ) -> AsyncArtifact:
        from _wandb_typed_gql.input_types import UpsertBucketInput

        from .artifact_uploads import save_draft
        from .runs import _random_run_id  # pyright: ignore[reportPrivateUsage]

        default_entity, default_project = self._project or (None, None)
        project_name = project or default_project or session.settings.project
        if not project_name:
            raise InputError("save() needs a project (or WANDB_PROJECT in the settings)")
        project_name = check_name(project_name, "project name")
        ent = await session.resolve_entity(entity or default_entity)
        run_id = _random_run_id()
        start = UpsertBucketInput(
            name=run_id, model_name=project_name, entity_name=ent, job_type="auto", state="running"
        )
        started = await session.gql.upsert_run(input=start, config_keys=None, summary_keys=None)
        if started.upsert_bucket is None or started.upsert_bucket.bucket is None:
            raise NotFoundError(f"could not create a run in {ent}/{project_name}")
        saved = await save_draft(
            session, self, entity=ent, project=project_name, run=run_id, aliases=aliases,
            tags=tags, progress=progress, max_workers=max_workers,
        )  # fmt: skip
        done = UpsertBucketInput(
            name=run_id, model_name=project_name, entity_name=ent, state="finished"
        )
        await session.gql.upsert_run(input=done, config_keys=None, summary_keys=None)
        return saved

    async def _log_to(
        self,
        run: AsyncRun,
        aliases: Sequence[str] | None,
        tags: Sequence[str] | None,
        progress: ProgressArg,
    ) -> AsyncArtifact:
        from .artifact_uploads import save_draft

        _check_options(aliases, tags, DEFAULT_WORKERS)
        return await save_draft(
            run._session, self, entity=run.entity, project=run.project, run=run.id,  # pyright: ignore[reportPrivateUsage]
            aliases=aliases, tags=tags, progress=progress, max_workers=DEFAULT_WORKERS,
        )  # fmt: skip


def _check_options(
    aliases: Sequence[str] | None, tags: Sequence[str] | None, max_workers: int
) -> None:
    """A save's options, checked before anything is sent (no run is created for a
    save that cannot succeed)."""
    from .._core.artifact_names import check_aliases, check_artifact_tags
    from .._core.checks import check_int
    from .artifact_uploads import MAX_WORKERS

    check_aliases(list(aliases) if aliases is not None else [], "aliases")
    check_artifact_tags(list(tags) if tags is not None else [], "tags")
    check_int(max_workers, "max_workers", 1, MAX_WORKERS)


async def draft_of(session: AsyncSession, artifact: AsyncArtifact) -> AsyncArtifactDraft:
    """A draft of a new version of ``artifact``'s collection, starting from its entries."""
    from .artifact_files import fetch_manifest

    collection = artifact.source_name.partition(":")[0]
    draft = AsyncArtifactDraft(collection, artifact.type, artifact.description, artifact.metadata)
    draft._seed_from(artifact.id, await fetch_manifest(session, artifact))  # pyright: ignore[reportPrivateUsage]
    draft._session = session  # pyright: ignore[reportPrivateUsage]
    draft._project = (artifact.source_entity, artifact.source_project)  # pyright: ignore[reportPrivateUsage]
    return draft
