"""Artifact versions (:class:`AsyncArtifact`): looking them up by name (registry
paths too), listing a collection's versions, editing and deleting them, linking,
lineage.

New versions are drafts (:mod:`.artifact_drafts`: ``new_draft()``, or built like
``wandb.Artifact``), uploaded by :mod:`.artifact_uploads`; existing versions are
recorded as a run's inputs or outputs by :mod:`.artifact_runs`.
Collections live in :mod:`.artifact_collections`, types in :mod:`.artifact_types`,
downloads in :mod:`.artifact_files`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._core.artifact_collections import CollectionRef
from .._core.artifact_names import (
    check_aliases,
    check_artifact_name_part,
    check_artifact_tags,
    parse_artifact_name,
    parse_collection_path,
)
from .._core.artifacts import ArtifactData
from .._core.checks import check_bool
from .._core.files import DOWNLOAD_WORKERS
from .._core.manifest import ArtifactManifest
from .._core.media import Table
from .._core.paging import Page, Walk, check_per_page
from .._core.progress import ProgressArg
from .._core.runs import FULL
from ..errors import (
    NotFoundError,
    ResponseValidationError,
    TypeMismatchError,
    UsageError,
)
from ..types import JSONObject
from .paging import AsyncSizedPaginator
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactFields, ArtifactMembershipFields

    from .artifact_collections import AsyncArtifactCollection
    from .artifact_drafts import AsyncArtifactDraft
    from .artifact_files import AsyncArtifactEntry, AsyncArtifactFile
    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["AsyncArtifact"]

logger = logging.getLogger("wandb_typed")

#: Runs per request of ``used_by()`` (one request for any ordinary artifact).
USED_BY_PAGE = 1000


class AsyncArtifact(ArtifactData):
    """An artifact version. Attributes are typed values; edit ``description``,
    ``metadata``, ``aliases``, ``tags`` or ``ttl`` and call :meth:`save`."""

    def __init__(
        self,
        session: AsyncSession,
        fields: ArtifactFields,
        collection: CollectionRef,
        version_index: int | None = None,
        label: str | None = None,
    ) -> None:
        self._session = session
        self._manifest: ArtifactManifest | None = None
        self._collections: dict[str, AsyncArtifactCollection] = {}
        super().__init__(fields, collection, version_index, session.settings.app_url, label)

    # -- writes --------------------------------------------------------------------

    async def new_draft(self) -> AsyncArtifactDraft:
        """A draft of the next version of this version's collection, starting from its
        files: change it (``add_file``, ``remove``, ...) and ``save()`` it; only the
        files that changed are uploaded."""
        from .artifact_drafts import draft_of

        return await draft_of(self._session, self)

    async def save(self) -> None:
        """Write local edits back: ``description``, ``metadata``, ``ttl``, ``tags``
        and ``aliases`` (in the collection it was found through), in one request.
        Nothing is sent when nothing changed. On a linked version whose only edits
        are aliases, only the aliases are written (its source project may be
        read-only to you)."""
        from _wandb_typed_gql.base_model import UNSET
        from _wandb_typed_gql.input_types import ArtifactCollectionAliasInput, TagInput

        changes = self._changes()
        if changes.empty:
            return

        def alias_inputs(aliases: Sequence[str]) -> list[ArtifactCollectionAliasInput]:
            where = {
                "artifact_collection_name": self.collection_name,
                "entity_name": self.entity,
                "project_name": self.project,
            }
            return [ArtifactCollectionAliasInput(alias=a, **where) for a in aliases]

        added, removed = alias_inputs(changes.aliases_added), alias_inputs(changes.aliases_removed)
        if self.is_link and changes.aliases_only:
            if added:
                await self._session.gql.add_artifact_aliases(id=self.id, aliases=added)
            if removed:
                gql = self._session.gql
                await delete_once(
                    lambda: gql.delete_artifact_aliases(id=self.id, aliases=removed),
                    f"aliases of {self.qualified_name}",
                )
            self._saved_aliases = tuple(self._aliases)
            return
        result = await self._session.gql.save_artifact(
            id=self.id,
            aliases_to_add=added, aliases_to_delete=removed,
            add_aliases=bool(added), delete_aliases=bool(removed),
            description=changes.description if changes.description_changed else UNSET,
            metadata=changes.metadata if changes.metadata is not None else UNSET,
            ttl_duration_seconds=changes.ttl_seconds if changes.ttl_seconds is not None else UNSET,
            tags_to_add=[TagInput(tag_name=t) for t in changes.tags_added] or UNSET,
            tags_to_delete=[TagInput(tag_name=t) for t in changes.tags_removed] or UNSET,
        )  # fmt: skip
        if result.update_artifact is None:
            raise NotFoundError(f"artifact {self.qualified_name} no longer exists", operation_name="SaveArtifact")  # fmt: skip
        self._apply(result.update_artifact.artifact, self._collection, int(self.version[1:]))

    async def delete(self, delete_aliases: bool = False) -> None:
        """Delete the version (a linked one is unlinked instead). A version with
        aliases is only deleted with ``delete_aliases=True``."""
        check_bool(delete_aliases, "delete_aliases")
        if self.is_link:
            await self.unlink()
            return
        gql = self._session.gql
        await delete_once(
            lambda: gql.delete_artifact(id=self.id, delete_aliases=delete_aliases),
            f"artifact {self.qualified_name}",
        )

    async def link(self, target_path: str, aliases: Sequence[str] | None = None) -> AsyncArtifact:
        """Link the version into the portfolio ``target_path``
        (``[entity/][project/]name``, default entity and project: the version's own;
        a registry path ``wandb-registry-<r>/<name>``), created on first link, with
        extra ``aliases``. Returns the version as found through the portfolio."""
        from _wandb_typed_gql.input_types import ArtifactAliasInput

        entity, project, portfolio = parse_collection_path(
            target_path, organization=self._session.settings.organization, what="target_path"
        )
        wanted = check_aliases(list(aliases) if aliases is not None else [], "aliases")
        result = await self._session.gql.link_artifact(
            id=self.id, entity=entity or self.source_entity, project=project or self.source_project,
            portfolio=portfolio,
            aliases=[ArtifactAliasInput(alias=a, artifact_collection_name=portfolio) for a in wanted],
        )  # fmt: skip
        link = result.link_artifact
        if link is None or link.artifact_membership is None:
            raise ResponseValidationError(
                f"LinkArtifact: the server returned no membership for {target_path}",
                operation_name="LinkArtifact",
            )
        return artifact_from_membership(self._session, link.artifact_membership, "LinkArtifact")

    async def unlink(self) -> None:
        """Remove this link (a version found through a portfolio) from its portfolio;
        the version stays in its sequence."""
        if not self.is_link:
            raise UsageError(
                f"artifact {self.qualified_name} is not a link (it was found through its own "
                "sequence); delete() removes a version"
            )
        gql, portfolio = self._session.gql, self._collection.id
        await delete_once(
            lambda: gql.unlink_artifact(id=self.id, portfolio_id=portfolio),
            f"the link {self.qualified_name}",
        )

    # -- related objects -----------------------------------------------------------

    @property
    def collection(self) -> Awaitable[AsyncArtifactCollection]:
        """The collection the version was found through (fetched once)."""
        return self._load_collection(self._collection)

    @property
    def source_collection(self) -> Awaitable[AsyncArtifactCollection]:
        """The sequence the version was logged to (fetched once)."""
        return self._load_collection(self._sequence)

    async def _load_collection(self, ref: CollectionRef) -> AsyncArtifactCollection:
        if ref.id not in self._collections:
            from .artifact_collections import fetch_collection_by_name

            self._collections[ref.id] = await fetch_collection_by_name(
                self._session, ref.entity, ref.project, ref.name, None
            )
        return self._collections[ref.id]

    @property
    def linked_artifacts(self) -> Awaitable[list[AsyncArtifact]]:
        """The version as linked into each portfolio (registry collection) it is in,
        fetched on each use (two requests)."""
        return self._linked()

    async def _linked(self) -> list[AsyncArtifact]:
        result = await self._session.gql.artifact_memberships(id=self.id)
        if result.artifact is None:
            raise NotFoundError.of(f"artifact {self.qualified_name}", "ArtifactMemberships")
        links = [
            (CollectionRef.of(m.artifact_collection, "ArtifactMemberships"), m.version_index)
            for m in (e.node for e in result.artifact.artifact_memberships.edges)
            if m is not None
            and m.artifact_collection is not None
            and m.artifact_collection.typename__ == "ArtifactPortfolio"
        ]
        if not links:
            return []
        fields = await self._fields()
        return [AsyncArtifact(self._session, fields, ref, index) for ref, index in links]

    @property
    def source_artifact(self) -> Awaitable[AsyncArtifact]:
        """The version in the sequence it was logged to: itself, unless it was found
        through a link (then fetched, one request)."""
        return self._source()

    async def _source(self) -> AsyncArtifact:
        if not self.is_link:
            return self
        return AsyncArtifact(self._session, await self._fields(), self._sequence, None)

    async def _fields(self) -> ArtifactFields:
        result = await self._session.gql.artifact_by_id(id=self.id)
        if result.artifact is None:
            raise NotFoundError.of(f"artifact {self.qualified_name}", "ArtifactById")
        return result.artifact

    async def logged_by(self) -> AsyncRun | None:
        """The run that logged the version (``None``: a user logged it, or the run is
        gone); one request."""
        from .runs import AsyncRun

        result = await self._session.gql.artifact_creator(id=self.id)
        if result.artifact is None:
            raise NotFoundError.of(f"artifact {self.qualified_name}", "ArtifactCreator")
        run = result.artifact.created_by
        if run is None or run.typename__ != "Run" or run.project is None:
            return None
        return AsyncRun(self._session, run.project.entity.name, run.project.name, run, FULL)

    async def used_by(self) -> list[AsyncRun]:
        """The runs that used the version (one request, unless there are more than
        1,000)."""
        from .runs import AsyncRun

        walk = Walk[AsyncRun](None, lambda r: r.storage_id, f"runs that used {self.name}")
        runs: list[AsyncRun] = []
        while not walk.done:
            result = await self._session.gql.artifact_used_by_page(
                id=self.id, per_page=USED_BY_PAGE, cursor=walk.cursor
            )
            if result.artifact is None:
                raise NotFoundError.of(f"artifact {self.qualified_name}", "ArtifactUsedByPage")
            conn = result.artifact.used_by
            items = tuple(
                AsyncRun(self._session, n.project.entity.name, n.project.name, n, FULL)
                for n in (e.node for e in conn.edges)
                if n.project is not None
            )
            page = Page(items, conn.page_info.end_cursor, conn.page_info.has_next_page)
            runs.extend(walk.accept(page).items)
        return runs

    # -- files ---------------------------------------------------------------------

    @property
    def manifest(self) -> Awaitable[ArtifactManifest]:
        """Every file of the version, by path (fetched once)."""
        return self._load_manifest()

    async def _load_manifest(self) -> ArtifactManifest:
        if self._manifest is None:
            from .artifact_files import fetch_manifest

            self._manifest = await fetch_manifest(self._session, self)
        return self._manifest

    def files(
        self, names: Sequence[str] | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncArtifactFile]:
        """The version's files (only ``names``, when given); lazy, sized."""
        from .artifact_files import list_files

        return list_files(self._session, self, names, per_page)

    async def get(self, name: str) -> Table | JSONObject | None:
        """The medium ``wandb`` stored as ``name`` (``name.table.json``, ...): a
        :class:`Table` of columns and rows for a ``wandb.Table``, the JSON object of any
        other medium, ``None`` if the version has none (``wandb`` is not needed)."""
        from .artifact_media import get_media

        return await get_media(self._session, self, name)

    async def get_entry(self, name: str) -> AsyncArtifactEntry:
        """The manifest entry at path ``name`` (:class:`NotFoundError` if none)."""
        from .artifact_files import entry_of

        return entry_of(self._session, self, await self._load_manifest(), name)

    async def download(
        self,
        root: str | Path | None = None,
        path_prefix: str | None = None,
        allow_missing_references: bool = False,
        max_workers: int = DOWNLOAD_WORKERS,
        progress: ProgressArg = None,
    ) -> Path:
        """Download every file (under ``path_prefix``, if given) into ``root``
        (default ``./artifacts/<name>``) and return ``root``.

        Files are fetched ``max_workers`` at a time (32 by default, as the official
        client does: over a wide-area link each file waits a round trip), streamed to
        disk and checked against the manifest's MD5; each lands under its name only
        when complete.
        A file already there with the right contents is not fetched again (so an
        interrupted download resumes). References to ``http(s)://`` URLs are
        fetched; others (``s3://``, ``gs://``, ...) raise
        :class:`UnresolvedReferenceError` before anything is written, unless
        ``allow_missing_references``. ``progress``: a callable receiving
        :class:`DownloadProgress`, or ``True`` for a tqdm bar.
        """
        from .artifact_files import download_artifact

        return await download_artifact(
            self._session, self, root, path_prefix, allow_missing_references, max_workers, progress
        )

    async def checkout(self, root: str | Path | None = None) -> Path:
        """Make ``root`` hold exactly the version's files: download, then delete any
        other file there."""
        from .artifact_files import checkout_artifact

        return await checkout_artifact(self._session, self, root)

    async def verify(self, root: str | Path | None = None) -> None:
        """Check that ``root`` holds exactly the version's files with the right
        contents; :class:`VerificationError` lists what differs."""
        from .artifact_files import verify_artifact

        await verify_artifact(self._session, self, root)

    async def file(self, root: str | Path | None = None) -> Path:
        """Download the only file of a single-file version and return its path."""
        from .artifact_files import download_single_file

        return await download_single_file(self._session, self, root)


# -- building objects ------------------------------------------------------------------


def artifact_from_membership(
    session: AsyncSession, m: ArtifactMembershipFields, operation: str, label: str | None = None
) -> AsyncArtifact:
    """The version a membership holds, as found through the membership's collection
    (named ``collection:label`` when it was asked for by an alias)."""
    if m.artifact is None or m.artifact_collection is None:
        raise ResponseValidationError(
            f"{operation}: a membership without its artifact or collection",
            operation_name=operation,
        )
    collection = CollectionRef.of(m.artifact_collection, operation)
    return AsyncArtifact(session, m.artifact, collection, m.version_index, label)


def artifact_in_sequence(session: AsyncSession, f: ArtifactFields) -> AsyncArtifact | None:
    """The version as found through its own sequence (``None`` if the sequence has
    no project: a deleted one)."""
    if f.artifact_sequence.project is None:
        return None
    return AsyncArtifact(session, f, CollectionRef.of(f.artifact_sequence, "artifact"), None)


async def project_of(
    session: AsyncSession, entity: str | None, project: str | None
) -> tuple[str, str]:
    """``(entity, project)``: the ones given, else the defaults (the entity as
    :meth:`AsyncSession.resolve_entity` finds it, the settings' project)."""
    return await session.resolve_entity(entity), project or session.settings.project


# -- versions --------------------------------------------------------------------------


async def fetch_artifact(session: AsyncSession, name: str, type: str | None) -> AsyncArtifact:
    """One version by name; :class:`NotFoundError` if absent or of another type."""
    path = parse_artifact_name(name, organization=session.settings.organization)
    if type is not None:
        check_artifact_name_part(type, "type")
    entity, project = await project_of(session, path.entity, path.project)
    result = await session.gql.artifact_by_name(entity=entity, project=project, name=path.name)
    if result.project is None:
        raise NotFoundError.of(f"project {entity}/{project}", "ArtifactByName")
    membership = result.project.artifact_collection_membership
    if membership is None:
        raise NotFoundError.of(f"artifact {entity}/{project}/{path.name}", "ArtifactByName")
    label = path.version if path.version_given else None
    artifact = artifact_from_membership(session, membership, "ArtifactByName", label)
    if type is not None and artifact.type != type:
        raise TypeMismatchError(
            f"artifact {entity}/{project}/{path.name} of type {type!r} not found "
            f"(it is of type {artifact.type!r})",
            operation_name="ArtifactByName",
        )
    return artifact


async def artifact_exists(session: AsyncSession, name: str, type: str | None) -> bool:
    """Whether the version exists (with that type, when given)."""
    try:
        await fetch_artifact(session, name, type)
    except NotFoundError:
        return False
    return True


def _has_tags(artifact: AsyncArtifact, tags: tuple[str, ...]) -> bool:
    return all(t in artifact.tags for t in tags)


def list_artifacts(
    session: AsyncSession,
    type_name: str,
    name: str,
    per_page: int,
    tags: Sequence[str] | str | None,
) -> AsyncSizedPaginator[AsyncArtifact]:
    """The committed versions of a collection (``[entity/][project/]collection``),
    newest first; with ``tags``, only versions having all of them (filtered here, as
    the official client does, so the count walks the listing)."""
    check_artifact_name_part(type_name, "type_name")
    entity_name, project_name, collection = parse_collection_path(
        name, organization=session.settings.organization, what="name"
    )
    check_per_page(per_page)
    wanted = tuple(check_artifact_tags([tags] if isinstance(tags, str) else tags, "tags")) if tags is not None else ()  # fmt: skip

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifact]:
        entity, project = await project_of(session, entity_name, project_name)
        result = await session.gql.artifact_version_page(
            entity=entity, project=project, collection=collection, filters={"state": "COMMITTED"},
            cursor=cursor, per_page=first, with_count=cursor is None and not wanted,
        )  # fmt: skip
        where = f"artifact collection {entity}/{project}/{collection}"
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "ArtifactVersionPage")
        found = result.project.artifact_collection
        if found is None or found.default_artifact_type.name != type_name:
            raise NotFoundError.of(f"{where} of type {type_name!r}", "ArtifactVersionPage")
        ref = CollectionRef.of(found, "ArtifactVersionPage")
        conn = found.artifacts
        if conn is None:
            return Page((), None, False, 0)
        items = tuple(
            a
            for a in (
                AsyncArtifact(session, e.node, ref, _version_index(e.version)) for e in conn.edges
            )
            if _has_tags(a, wanted)
        )
        return Page(items, conn.page_info.end_cursor, conn.page_info.has_next_page, conn.total_count)  # fmt: skip

    return AsyncSizedPaginator(
        fetch, per_page=per_page, what=f"versions of {name}", key=lambda a: a.id
    )


def _version_index(label: str) -> int | None:
    """``"v3"`` -> 3 (``None`` for anything else)."""
    return int(label[1:]) if label[:1] == "v" and label[1:].isdigit() else None
