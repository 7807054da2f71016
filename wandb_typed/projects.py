"""Projects: fetch one, list an entity's, create or update."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic

from ._modes import M, Owned
from ._steps import Steps, call
from .errors import InputError, NotFoundError
from .paging import Page, Paginator, SizedPaginator, page_of
from .paths import check_name
from .users import User

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wandb_typed_gql.fragments import ProjectFields

    from .api import ApiBase
    from .reports import Report
    from .runs import Runs
    from .sweeps import Sweep

__all__ = ["Project"]


@dataclass(frozen=True, eq=False)
class Project(Owned[M], Generic[M]):
    """A W&B project (fetched eagerly: every attribute is a typed value)."""

    id: str
    name: str
    entity: str
    description: str | None
    access: str | None
    """Visibility, e.g. ``PRIVATE``, ``TEAM``, ``PUBLIC``."""
    is_benchmark: bool
    read_only: bool | None
    created_at: datetime
    updated_at: datetime | None
    run_count: int
    """Number of runs in the project (when it was fetched)."""
    owner: User | None
    """The user who created the project."""
    _api: ApiBase[M] = field(repr=False)

    @property
    def path(self) -> str:
        """``entity/project``."""
        return f"{self.entity}/{self.name}"

    @property
    def url(self) -> str:
        """The project's workspace in the W&B app."""
        return f"{self._api.settings.app_url}/{self.entity}/{self.name}/workspace"

    def runs(
        self,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
    ) -> Runs[M]:
        """This project's runs (see ``Api.runs`` for light listings and key projection)."""
        return self._api.runs(self.path, filters, order, per_page)

    def sweeps(self, per_page: int = 50) -> SizedPaginator[Sweep[M], M]:
        """This project's sweeps; each is built from its page (no request per sweep)."""
        from .sweeps import list_sweeps

        return list_sweeps(self._api, self.entity, self.name, per_page)

    def reports(self, name: str | None = None, per_page: int = 50) -> Paginator[Report, M]:
        """This project's reports."""
        return self._api.reports(self.path, name, per_page)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Project) and (other.id, other.path) == (self.id, self.path)

    def __hash__(self) -> int:
        return hash((self.id, self.path))

    @classmethod
    def from_fields(cls, api: ApiBase[M], f: ProjectFields) -> Project[M]:
        """Build from the generated ``ProjectFields`` fragment."""
        return Project(
            id=f.id,
            name=f.name,
            entity=f.entity_name,
            description=f.description,
            access=f.access,
            is_benchmark=f.is_benchmark,
            read_only=f.read_only,
            created_at=f.created_at,
            updated_at=f.updated_at,
            run_count=f.run_count,
            owner=User.from_fields(f.user) if f.user is not None else None,
            _api=api,
        )


def fetch_project(api: ApiBase[M], name: str, entity: str | None) -> Steps[Project[M]]:
    """One project by name; :class:`NotFoundError` if it does not exist."""
    name = check_name(name, "project name")
    ent = yield from api._resolve_entity(entity)
    result = yield from call(lambda c: c.project_by_name(entity=ent, name=name))
    if result.project is None:
        raise NotFoundError(
            f"project {ent}/{name} not found (or not visible to this API key)",
            operation_name="ProjectByName",
        )
    return Project.from_fields(api, result.project)


def list_projects(api: ApiBase[M], entity: str | None, per_page: int) -> Paginator[Project[M], M]:
    """The lazy collection of an entity's projects."""
    if entity is not None:
        check_name(entity, "entity name")

    def fetch(cursor: str | None, first: int) -> Steps[Page[Project[M]]]:
        ent = yield from api._resolve_entity(entity)
        result = yield from call(
            lambda c: c.project_page(entity=ent, cursor=cursor, per_page=first)
        )
        return page_of(result.models, lambda node: Project.from_fields(api, node))

    what = f"projects of {entity}" if entity else "projects of the default entity"
    return Paginator(api, fetch, per_page=per_page, what=what, key=lambda p: p.id)


def upsert_project(
    api: ApiBase[M], name: str, entity: str | None, description: str | None
) -> Steps[Project[M]]:
    """Create the project, or update its description if it exists."""
    from wandb_typed_gql.input_types import UpsertModelInput

    name = check_name(name, "project name")
    if description is not None and not isinstance(description, str):
        raise InputError(f"description must be a string, got {type(description).__name__}")
    ent = yield from api._resolve_entity(entity)
    fields = UpsertModelInput(name=name, entity_name=ent)
    if description is not None:
        fields.description = description
    result = yield from call(lambda c: c.upsert_project(input=fields))
    if result.upsert_model is None or result.upsert_model.project is None:
        raise NotFoundError(f"entity {ent!r} not found: could not create project {name!r}")
    return Project.from_fields(api, result.upsert_model.project)
