"""Projects: fetch one, list an entity's, create or update."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._core.checks import check_optional_str
from .._core.paging import Page, page_of
from .._core.projects import ProjectData
from ..errors import NotFoundError
from ..paths import check_name
from .paging import AsyncSizedPaginator
from .users import user_from

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ProjectFields

    from .artifact_collections import AsyncArtifactCollection
    from .artifact_types import AsyncArtifactType
    from .reports import AsyncReport
    from .runs import AsyncRuns
    from .session import AsyncSession
    from .sweeps import AsyncSweep

__all__ = ["AsyncProject"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncProject(ProjectData):
    """A W&B project (fetched eagerly: every attribute is a typed value)."""

    _session: AsyncSession = field(compare=False)

    def runs(
        self,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
    ) -> AsyncRuns:
        """This project's runs (see ``Api.runs`` for light listings and key projection)."""
        from .runs import list_runs

        return list_runs(self._session, self.path, filters, order, per_page, True, None, None)

    def sweeps(self, per_page: int = 50) -> AsyncSizedPaginator[AsyncSweep]:
        """This project's sweeps; each is built from its page (no request per sweep)."""
        from .sweeps import list_sweeps

        return list_sweeps(self._session, self.entity, self.name, per_page)

    def reports(
        self, name: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncReport]:
        """This project's reports."""
        from .reports import list_reports

        return list_reports(self._session, self.entity, self.name, name, per_page)

    def artifacts_types(self, per_page: int = 50) -> AsyncSizedPaginator[AsyncArtifactType]:
        """This project's artifact types (the official client's spelling)."""
        from .artifact_types import list_artifact_types

        return list_artifact_types(self._session, self.path, per_page)

    def collections(
        self,
        filters: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 50,
    ) -> AsyncSizedPaginator[AsyncArtifactCollection]:
        """This project's artifact collections of every type (``filters`` on ``name``,
        ``tag``, ``description``, ``created_at``, ``updated_at``; ``order`` e.g.
        ``-created_at``)."""
        from .artifact_collections import list_project_collections

        return list_project_collections(
            self._session, self.entity, self.name, per_page, filters, order
        )


def project_from(session: AsyncSession, f: ProjectFields) -> AsyncProject:
    """Build from the generated ``ProjectFields`` fragment."""
    return AsyncProject(
        id=f.id, name=f.name, entity=f.entity_name, description=f.description, access=f.access,
        is_benchmark=f.is_benchmark, read_only=f.read_only, created_at=f.created_at,
        updated_at=f.updated_at, run_count=f.run_count,
        owner=user_from(session, f.user) if f.user is not None else None,
        app_url=session.settings.app_url, _session=session,
    )  # fmt: skip


async def fetch_project(session: AsyncSession, name: str, entity: str | None) -> AsyncProject:
    """One project by name; :class:`NotFoundError` if it does not exist."""
    name = check_name(name, "project name")
    ent = await session.resolve_entity(entity)
    result = await session.gql.project_by_name(entity=ent, name=name)
    if result.project is None:
        raise NotFoundError.of(f"project {ent}/{name}", "ProjectByName")
    return project_from(session, result.project)


def list_projects(
    session: AsyncSession, entity: str | None, per_page: int
) -> AsyncSizedPaginator[AsyncProject]:
    """The lazy collection of an entity's projects (counted by walking: the server
    gives no count)."""
    if entity is not None:
        check_name(entity, "entity name")

    async def fetch(cursor: str | None, first: int) -> Page[AsyncProject]:
        ent = await session.resolve_entity(entity)
        result = await session.gql.project_page(entity=ent, cursor=cursor, per_page=first)
        return page_of(result.models, lambda node: project_from(session, node))

    what = f"projects of {entity}" if entity else "projects of the default entity"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda p: p.id)


async def upsert_project(
    session: AsyncSession, name: str, entity: str | None, description: str | None
) -> AsyncProject:
    """Create the project, or update its description if it exists."""
    from _wandb_typed_gql.input_types import UpsertModelInput

    name = check_name(name, "project name")
    description = check_optional_str(description, "description")
    ent = await session.resolve_entity(entity)
    fields = UpsertModelInput(name=name, entity_name=ent)
    if description is not None:
        fields.description = description
    result = await session.gql.upsert_project(input=fields)
    if result.upsert_model is None or result.upsert_model.project is None:
        raise NotFoundError.of(
            f"entity {ent!r} (could not create project {name!r})", "UpsertProject"
        )
    return project_from(session, result.upsert_model.project)
