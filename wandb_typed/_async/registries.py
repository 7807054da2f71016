"""Registries (:class:`AsyncRegistry`): an organization's curated collections of
artifact versions. Listing an organization's registries (:class:`AsyncRegistries`,
which also searches their collections and versions), one registry by name, creating
one, and a registry's edits, deletion and members.

The organization is the one given, else the configured one (``organization``
setting, ``WANDB_ORGANIZATION``), else the one the default entity belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from typing_extensions import Self

from .._core.checks import check_optional_str
from .._core.paging import Page, check_per_page, page_of
from .._core.registries import (
    REGISTRY_PREFIX,
    RegistryData,
    Visibility,
    access_of,
    check_artifact_types,
    check_registry_name,
    check_visibility,
)
from .._core.registry_filters import check_order, check_search_filter, registry_filter_of
from .._core.registry_members import (
    Member,
    MemberArg,
    MemberRole,
    TeamMember,
    UserMember,
    check_role,
    member_ids,
    team_member_from,
    user_member_from,
)
from ..errors import ConflictError, NotFoundError, ResponseValidationError
from ..types import JSONObject
from .artifacts import AsyncArtifact
from .paging import AsyncSizedPaginator
from .registry_search import (
    AsyncRegistryCollections,
    list_registry_versions,
    resolve_organization,
)
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import RegistryFields

    from .session import AsyncSession

__all__ = ["AsyncRegistries", "AsyncRegistry"]


class AsyncRegistry(RegistryData):
    """A registry. Edit ``name``, ``description``, ``visibility``,
    ``allow_all_artifact_types`` or add to ``artifact_types``, then :meth:`save`."""

    def __init__(self, session: AsyncSession, fields: RegistryFields) -> None:
        self._session = session
        super().__init__(fields, session.settings.app_url)

    def _apply(self, f: RegistryFields) -> None:
        super()._apply(f)
        self._saved_settings = (self.description, self.visibility, self.allow_all_artifact_types)

    def collections(
        self,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncRegistryCollections:
        """The registry's collections, newest first (``filter`` on ``name``, ``tag``,
        ``description``, ``created_at``, ``updated_at``; ``order`` by ``name``,
        ``created_at`` or ``updated_at``); ``.versions()`` searches inside them."""
        return AsyncRegistryCollections(
            self._session, self.organization, self._filter(), filter, order, per_page, start
        )

    def versions(
        self,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncSizedPaginator[AsyncArtifact]:
        """The versions linked into the registry, newest link first (``filter`` on
        ``tag``, ``alias``, ``version``, ``created_at``, ...; ``order`` needs the
        organization's advanced search)."""
        return list_registry_versions(
            self._session, self.organization, self._filter(), None, filter, order, per_page, start
        )

    def _filter(self) -> JSONObject:
        return registry_filter_of(self.internal_id, REGISTRY_PREFIX + self._saved_name)

    async def load(self) -> None:
        """Read the registry again (local edits are dropped)."""
        result = await self._session.gql.registry_by_name(
            entity=self.entity, name=REGISTRY_PREFIX + self._saved_name
        )
        if result.entity is None or result.entity.project is None:
            raise NotFoundError.of(f"registry {self.path}", "RegistryByName")
        self._apply(result.entity.project)

    async def save(self) -> None:
        """Write the edits: settings and new artifact types in one request, then the
        new name (a rename); nothing is sent when nothing changed."""
        from _wandb_typed_gql.input_types import (
            ArtifactTypeInput,
            RenameProjectInput,
            UpsertModelInput,
        )

        new_name, added = self._edits()
        settings = (self.description, self.visibility, self.allow_all_artifact_types)
        if settings != self._saved_settings or added:
            result = await self._session.gql.upsert_registry(
                input=UpsertModelInput(
                    description=self.description,
                    entity_name=self.entity,
                    name=REGISTRY_PREFIX + self._saved_name,
                    access=access_of(self.visibility),
                    allow_all_artifact_types_in_registry=self.allow_all_artifact_types,
                    artifact_types=[ArtifactTypeInput(name=t) for t in added] or None,
                )
            )
            if result.upsert_model is None or result.upsert_model.project is None:
                raise NotFoundError.of(f"registry {self.path}", "UpsertRegistry")
            name = self._name
            self._apply(result.upsert_model.project)
            self._name = name
        if new_name is not None:
            renamed = await self._session.gql.rename_registry(
                input=RenameProjectInput(
                    entity_name=self.entity,
                    old_project_name=REGISTRY_PREFIX + self._saved_name,
                    new_project_name=new_name,
                )
            )
            if renamed.rename_project is None or renamed.rename_project.project is None:
                raise NotFoundError.of(f"registry {self.path}", "RenameRegistry")
            self._apply(renamed.rename_project.project)

    async def delete(self) -> None:
        """Delete the registry, its collections and links (irreversible; admins only)."""
        gql = self._session.gql
        await delete_once(lambda: gql.delete_registry(id=self.id), f"registry {self.path}")

    # -- members ---------------------------------------------------------------------

    async def members(self) -> list[Member]:
        """Its users, then its teams, each with a role."""
        return [*await self.user_members(), *await self.team_members()]

    async def user_members(self) -> list[UserMember]:
        """The users given a role in the registry."""
        result = await self._session.gql.registry_user_members(
            entity=self.entity, project=REGISTRY_PREFIX + self._saved_name
        )
        if result.project is None:
            raise NotFoundError.of(f"registry {self.path}", "RegistryUserMembers")
        return [user_member_from(m) for m in result.project.members]

    async def team_members(self) -> list[TeamMember]:
        """The teams given a role in the registry."""
        result = await self._session.gql.registry_team_members(
            entity=self.entity, project=REGISTRY_PREFIX + self._saved_name
        )
        if result.project is None:
            raise NotFoundError.of(f"registry {self.path}", "RegistryTeamMembers")
        return [team_member_from(m) for m in result.project.team_members]

    async def add_members(self, *members: MemberArg) -> Self:
        """Give users and teams of the organization the ``member`` role (then
        :meth:`update_member` to change it); admins only."""
        from _wandb_typed_gql.input_types import CreateProjectMembersInput

        users, teams = member_ids(members)
        result = await self._session.gql.create_registry_members(
            input=CreateProjectMembersInput(project_id=self.id, user_ids=users, team_ids=teams)
        )
        _succeeded(result.result is not None and result.result.success, "CreateRegistryMembers")
        return self

    async def remove_members(self, *members: MemberArg) -> Self:
        """Take users' and teams' roles in the registry away; admins only."""
        from _wandb_typed_gql.input_types import DeleteProjectMembersInput

        users, teams = member_ids(members)
        result = await self._session.gql.delete_registry_members(
            input=DeleteProjectMembersInput(project_id=self.id, user_ids=users, team_ids=teams)
        )
        _succeeded(result.result is not None and result.result.success, "DeleteRegistryMembers")
        return self

    async def update_member(self, member: MemberArg, role: MemberRole) -> Self:
        """Change a member's role: ``admin``, ``member``, ``viewer`` or
        ``restricted_viewer``; admins only."""
        from _wandb_typed_gql.input_types import (
            UpdateProjectMemberInput,
            UpdateProjectTeamMemberInput,
        )

        checked = check_role(role)
        users, teams = member_ids((member,))
        if users:
            user = await self._session.gql.update_user_registry_role(
                input=UpdateProjectMemberInput(
                    project_id=self.id, user_id=users[0], user_project_role=checked
                )
            )
            _succeeded(user.result is not None and user.result.success, "UpdateUserRegistryRole")
        else:
            team = await self._session.gql.update_team_registry_role(
                input=UpdateProjectTeamMemberInput(
                    project_id=self.id, team_id=teams[0], team_project_role=checked
                )
            )
            _succeeded(team.result is not None and team.result.success, "UpdateTeamRegistryRole")
        return self


def _succeeded(success: bool, operation: str) -> None:
    if not success:
        raise ResponseValidationError(
            f"{operation}: the server did not report success", operation_name=operation
        )


class AsyncRegistries(AsyncSizedPaginator[AsyncRegistry]):
    """An organization's registries (those this key may see), lazily paged; search
    their collections with :meth:`collections` and their versions with :meth:`versions`."""

    def __init__(
        self,
        session: AsyncSession,
        organization: str | None,
        filter: Mapping[str, object] | None,
        order: str | None,
        per_page: int,
        start: str | None,
    ) -> None:
        check_per_page(per_page)
        self._session = session
        self._organization = organization
        self._raw_filter = filter
        self._filter = check_search_filter(filter, "registry", "basic")
        checked_order = check_order(order, "registry")

        async def fetch(cursor: str | None, first: int) -> Page[AsyncRegistry]:
            org = await resolve_organization(session, organization)
            result = await session.gql.registry_page(
                organization=org, filters=self._filter, order=checked_order,
                cursor=cursor, per_page=first,
            )  # fmt: skip
            if result.organization is None or result.organization.org_entity is None:
                raise NotFoundError.of(f"organization {org}", "RegistryPage")
            conn = result.organization.org_entity.projects
            return page_of(conn, lambda node: AsyncRegistry(session, node))

        super().__init__(
            fetch, per_page=per_page, what="registries", start=start, key=lambda r: r.id
        )

    def collections(
        self,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncRegistryCollections:
        """The collections of these registries (``filter`` on ``name``, ``tag``,
        ``description``, ``created_at``, ``updated_at``); ``.versions()`` searches
        inside them."""
        return AsyncRegistryCollections(
            self._session, self._organization, self._raw_filter, filter, order, per_page, start
        )

    def versions(
        self,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncSizedPaginator[AsyncArtifact]:
        """The versions linked into these registries (``filter`` on ``tag``,
        ``alias``, ``version``, ``created_at``, ``metadata``...; ``order`` needs advanced
        search)."""
        return list_registry_versions(
            self._session, self._organization, self._raw_filter, None, filter, order, per_page,
            start,
        )  # fmt: skip


async def fetch_registry(
    session: AsyncSession, name: str, organization: str | None
) -> AsyncRegistry:
    """One registry by name (without the ``wandb-registry-`` prefix)."""
    name = check_registry_name(name)
    org = await resolve_organization(session, organization)
    found = await _registry_named(session, org, name)
    if found is None:
        raise NotFoundError.of(f"registry {name!r} of organization {org}", "RegistryPage")
    return found


async def _registry_named(
    session: AsyncSession, organization: str, name: str
) -> AsyncRegistry | None:
    result = await session.gql.registry_page(
        organization=organization, filters={"name": REGISTRY_PREFIX + name}, per_page=1
    )
    if result.organization is None or result.organization.org_entity is None:
        raise NotFoundError.of(f"organization {organization}", "RegistryPage")
    conn = result.organization.org_entity.projects
    nodes = [e.node for e in conn.edges if e.node is not None] if conn is not None else []
    return AsyncRegistry(session, nodes[0]) if nodes else None


async def create_registry(
    session: AsyncSession,
    name: str,
    visibility: Visibility,
    organization: str | None,
    description: str | None,
    artifact_types: Sequence[str] | None,
) -> AsyncRegistry:
    """Create a registry; one of that name already there is a :class:`ConflictError`."""
    from _wandb_typed_gql.input_types import ArtifactTypeInput, UpsertModelInput

    name = check_registry_name(name)
    access = access_of(check_visibility(visibility))
    check_optional_str(description, "description")
    types = check_artifact_types(artifact_types)
    org = await resolve_organization(session, organization)
    organization_row = await session.gql.organization_by_name(organization=org)
    found = organization_row.organization
    if found is None or found.org_entity is None:
        raise NotFoundError.of(f"organization {org}", "OrganizationByName")
    if await _registry_named(session, org, name) is not None:
        raise ConflictError(
            f"registry {name!r} already exists in organization {org!r}",
            status_code=409,
            operation_name="RegistryPage",
        )
    fields = UpsertModelInput(
        name=REGISTRY_PREFIX + name,
        entity_name=found.org_entity.name,
        access=access,
        allow_all_artifact_types_in_registry=types is None,
    )
    if description is not None:
        fields.description = description
    if types:
        fields.artifact_types = [ArtifactTypeInput(name=t) for t in types]
    result = await session.gql.upsert_registry(input=fields)
    if result.upsert_model is None or result.upsert_model.project is None:
        raise NotFoundError.of(f"registry {name!r} of organization {org}", "UpsertRegistry")
    return AsyncRegistry(session, result.upsert_model.project)
