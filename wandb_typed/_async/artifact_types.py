"""Artifact types (:class:`AsyncArtifactType`): one of a project by name, a project's
list, and each type's collections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._core.artifact_names import check_artifact_name_part
from .._core.artifact_types import ArtifactTypeData
from .._core.paging import Page, page_of
from ..errors import NotFoundError
from ..paths import parse_project_path
from .artifact_collections import (
    AsyncArtifactCollection,
    fetch_collection_by_name,
    list_collections,
)
from .artifacts import project_of
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactTypeFields

    from .session import AsyncSession

__all__ = ["AsyncArtifactType"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncArtifactType(ArtifactTypeData):
    """An artifact type of a project, with its collections."""

    _session: AsyncSession = field(compare=False)

    def collections(
        self,
        filters: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 50,
    ) -> AsyncSizedPaginator[AsyncArtifactCollection]:
        """This type's collections (``filters`` on ``name``, ``tag``, ``description``,
        ``created_at``, ``updated_at``; ``order`` e.g. ``-created_at``)."""
        return list_collections(
            self._session, f"{self.entity}/{self.project}", self.name, per_page, filters, order
        )

    async def load(self) -> AsyncArtifactType:
        """The type as the server has it now."""
        return await fetch_artifact_type(self._session, self.name, f"{self.entity}/{self.project}")

    async def collection(self, name: str) -> AsyncArtifactCollection:
        """One collection of this type by name."""
        return await fetch_collection_by_name(
            self._session, self.entity, self.project,
            check_artifact_name_part(name, "collection name"), self.name,
        )  # fmt: skip


# -- building objects ------------------------------------------------------------------


def artifact_type_from(
    session: AsyncSession, f: ArtifactTypeFields, entity: str, project: str
) -> AsyncArtifactType:
    """An :class:`AsyncArtifactType` from the generated ``ArtifactTypeFields``."""
    return AsyncArtifactType(
        id=f.id, name=f.name, description=f.description, created_at=f.created_at,
        entity=entity, project=project, _session=session,
    )  # fmt: skip


def _project_path(project: str | None) -> tuple[str | None, str | None]:
    if project is None:
        return None, None
    return parse_project_path(project)


async def fetch_artifact_type(
    session: AsyncSession, type_name: str, project: str | None
) -> AsyncArtifactType:
    """One artifact type of a project (``project`` or ``entity/project``)."""
    check_artifact_name_part(type_name, "type_name")
    entity, project_name = await project_of(session, *_project_path(project))
    result = await session.gql.artifact_type_by_name(
        entity=entity, project=project_name, type_=type_name
    )
    if result.project is None:
        raise NotFoundError.of(f"project {entity}/{project_name}", "ArtifactTypeByName")
    if result.project.artifact_type is None:
        raise NotFoundError.of(
            f"artifact type {type_name!r} in {entity}/{project_name}", "ArtifactTypeByName"
        )
    return artifact_type_from(session, result.project.artifact_type, entity, project_name)


def list_artifact_types(
    session: AsyncSession, project: str | None, per_page: int = 50
) -> AsyncSizedPaginator[AsyncArtifactType]:
    """A project's artifact types (counted by walking: the server gives no count)."""
    entity_name, project_name = _project_path(project)

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifactType]:
        entity, name = await project_of(session, entity_name, project_name)
        result = await session.gql.artifact_type_page(
            entity=entity, project=name, cursor=cursor, per_page=first
        )
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{name}", "ArtifactTypePage")
        return page_of(
            result.project.artifact_types,
            lambda node: artifact_type_from(session, node, entity, name),
        )

    what = f"artifact types of {project or 'the default project'}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda t: t.id)
