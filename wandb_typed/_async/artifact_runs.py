"""A run's artifacts: the versions it logged (its outputs) and used (its inputs),
and recording an existing version as either. ``AsyncRun`` calls these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from .._core.artifact_names import check_aliases, check_artifact_tags
from .._core.checks import check_optional_str
from .._core.paging import Page, check_per_page, page_of
from ..errors import InputError, NotFoundError, ResponseValidationError
from .artifacts import AsyncArtifact, artifact_in_sequence
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactFields

    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["list_run_artifacts", "log_artifact", "use_artifact"]


def list_run_artifacts(
    session: AsyncSession, run: AsyncRun, mode: Literal["logged", "used"], per_page: int
) -> AsyncSizedPaginator[AsyncArtifact]:
    """A run's logged (outputs) or used (inputs) versions, in the order recorded."""
    check_per_page(per_page)
    operation = "RunOutputArtifactPage" if mode == "logged" else "RunInputArtifactPage"

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifact | None]:
        def convert(node: ArtifactFields) -> AsyncArtifact | None:
            return artifact_in_sequence(session, node)

        if mode == "logged":
            out = await session.gql.run_output_artifact_page(
                entity=run.entity, project=run.project, run=run.id,
                cursor=cursor, per_page=first, with_count=cursor is None,
            )  # fmt: skip
            found = out.project.run if out.project is not None else None
            if found is None:
                raise NotFoundError.of(f"run {run.path}", operation)
            conn = found.output_artifacts
            return page_of(conn, convert, conn.total_count if conn is not None else None)
        used = await session.gql.run_input_artifact_page(
            entity=run.entity, project=run.project, run=run.id,
            cursor=cursor, per_page=first, with_count=cursor is None,
        )  # fmt: skip
        found_in = used.project.run if used.project is not None else None
        if found_in is None:
            raise NotFoundError.of(f"run {run.path}", operation)
        conn_in = found_in.input_artifacts
        return page_of(conn_in, convert, conn_in.total_count if conn_in is not None else None)

    async def present(cursor: str | None, first: int) -> Page[AsyncArtifact]:
        page = await fetch(cursor, first)
        items = tuple(a for a in page.items if a is not None)
        return Page(items, page.end_cursor, page.has_next_page, page.total)

    what = f"artifacts {mode} by {run.path}"
    return AsyncSizedPaginator(present, per_page=per_page, what=what, key=lambda a: a.id)


def _check_artifact(artifact: object) -> AsyncArtifact:
    if not isinstance(artifact, AsyncArtifact):
        raise InputError(
            f"artifact must be an {AsyncArtifact.__name__} (from api.artifact()), "
            f"got {type(artifact).__name__}"
        )
    return artifact


async def use_artifact(
    session: AsyncSession, run: AsyncRun, artifact: AsyncArtifact, use_as: str | None
) -> AsyncArtifact:
    """Record ``artifact`` as an input of ``run``."""
    art = _check_artifact(artifact)
    used_as = check_optional_str(use_as, "use_as")
    result = await session.gql.use_artifact(
        entity=run.entity, project=run.project, run=run.id, id=art.id,
        used_as=used_as or art.name, artifact_entity=art.entity, artifact_project=art.project,
    )  # fmt: skip
    if result.use_artifact is None:
        raise NotFoundError.of(f"run {run.path} or artifact {art.qualified_name}", "UseArtifact")
    return art


async def log_artifact(
    session: AsyncSession,
    run: AsyncRun,
    artifact: AsyncArtifact,
    aliases: Sequence[str] | None,
    tags: Sequence[str] | None,
) -> AsyncArtifact:
    """Record an existing version of the run's project as an output of ``run``
    (found by its digest; no new version is created), adding ``aliases`` and
    ``tags``. Returns the version as the server has it now."""
    from _wandb_typed_gql.input_types import ArtifactAliasInput, TagInput

    art = _check_artifact(artifact)
    new_aliases = check_aliases(list(aliases) if aliases is not None else [], "aliases")
    new_tags = check_artifact_tags(list(tags) if tags is not None else [], "tags")
    if (art.source_entity, art.source_project) != (run.entity, run.project):
        raise InputError(
            f"run {run.path} cannot log {art.source_qualified_name}: a run logs artifacts of "
            "its own project only"
        )
    collection = art.source_name.partition(":")[0]
    result = await session.gql.log_run_artifact(
        entity=run.entity, project=run.project, run=run.id, type_=art.type,
        collection=collection, digest=art.digest,
        aliases=[ArtifactAliasInput(alias=a, artifact_collection_name=collection) for a in new_aliases],
        tags=[TagInput(tag_name=t) for t in new_tags],
    )  # fmt: skip
    if result.create_artifact is None:
        raise NotFoundError.of(f"run {run.path}", "LogRunArtifact")
    logged = artifact_in_sequence(session, result.create_artifact.artifact)
    if logged is None:
        raise ResponseValidationError(
            "LogRunArtifact: the logged version has no project", operation_name="LogRunArtifact"
        )
    return logged
