"""Searches across an organization's registries: their collections
(:func:`list_registry_collections`) and the versions linked into them
(:func:`list_registry_versions`), used by ``registries()`` and by one registry.

Filters and orders are checked before any request (``_core/registry_filters``). A
version search learns, with its first page, whether the organization has advanced
search; then its filters are checked for that mode and an ``order`` without advanced
search is an :class:`~wandb_typed.errors.UnsupportedServerFeatureError`, as in the
official client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._core.paging import Page, check_per_page, page_of
from .._core.registry_filters import Mode, check_order, check_search_filter
from ..errors import InputError, NotFoundError, UnsupportedServerFeatureError
from ..paths import check_name
from .artifact_collections import AsyncArtifactCollection
from .artifacts import AsyncArtifact, artifact_from_membership
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from .session import AsyncSession

__all__ = ["AsyncRegistryCollections", "list_registry_versions", "resolve_organization"]


async def resolve_organization(session: AsyncSession, organization: str | None) -> str:
    """``organization`` if given, else the configured one, else the one the default
    entity belongs to (an :class:`InputError` when it belongs to none, or to several)."""

    if organization is not None:
        return check_name(organization, "organization")
    if session.settings.organization:
        return session.settings.organization
    entity = await session.resolve_entity(None)
    result = await session.gql.organization_of_entity(entity=entity)
    found = result.entity
    names: list[str] = []
    if found is not None and found.organization is not None:
        names = [found.organization.name]
    elif found is not None and found.user is not None:
        names = sorted({o.name for o in found.user.organizations})
    if len(names) == 1:
        return names[0]
    if not names:
        raise InputError(
            f"entity {entity!r} belongs to no organization; pass organization= or set it"
            " (Api(overrides={'organization': ...}) or WANDB_ORGANIZATION)"
        )
    raise InputError(
        f"entity {entity!r} belongs to several organizations ({', '.join(names)});"
        " pass organization= to choose one"
    )


class AsyncRegistryCollections(AsyncSizedPaginator[AsyncArtifactCollection]):
    """Collections of an organization's registries, lazily paged; :meth:`versions`
    searches the versions linked into them."""

    def __init__(
        self,
        session: AsyncSession,
        organization: str | None,
        registry_filter: Mapping[str, object] | None,
        filter: Mapping[str, object] | None,
        order: str | None,
        per_page: int,
        start: str | None,
    ) -> None:
        check_per_page(per_page)
        registries = check_search_filter(registry_filter, "registry", "basic")
        collections = check_search_filter(filter, "collection", "basic")
        checked_order = check_order(order, "collection")
        self._session = session
        self._organization = organization
        self._registry_filter = registry_filter
        self._collection_filter = filter

        async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifactCollection]:
            org = await resolve_organization(session, organization)
            result = await session.gql.registry_collection_page(
                organization=org, registry_filter=registries, collection_filter=collections,
                order=checked_order, cursor=cursor, per_page=first, with_count=cursor is None,
            )  # fmt: skip
            if result.organization is None or result.organization.org_entity is None:
                raise NotFoundError.of(f"organization {org}", "RegistryCollectionPage")
            conn = result.organization.org_entity.artifact_collections
            return page_of(
                conn,
                lambda node: AsyncArtifactCollection(session, node),
                conn.total_count if conn is not None else None,
            )

        super().__init__(
            fetch, per_page=per_page, what="registry collections", start=start,
            key=lambda c: c.id,
        )  # fmt: skip

    def versions(
        self,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncSizedPaginator[AsyncArtifact]:
        """The versions linked into these collections (``filter`` on ``tag``,
        ``alias``, ``version``, ``created_at``, ``metadata``...; ``order`` needs the
        organization's advanced search)."""
        return list_registry_versions(
            self._session, self._organization, self._registry_filter, self._collection_filter,
            filter, order, per_page, start,
        )  # fmt: skip


def list_registry_versions(
    session: AsyncSession,
    organization: str | None,
    registry_filter: Mapping[str, object] | None,
    collection_filter: Mapping[str, object] | None,
    filter: Mapping[str, object] | None,
    order: str | None,
    per_page: int,
    start: str | None,
) -> AsyncSizedPaginator[AsyncArtifact]:
    """The versions linked into the organization's registries, newest link first
    unless ``order`` (which needs advanced search)."""
    check_per_page(per_page)
    check_search_filter(registry_filter, "registry", "either")
    check_search_filter(collection_filter, "collection", "either")
    check_search_filter(filter, "version", "either")
    checked_order = check_order(order, "version")
    advanced: dict[str, bool] = {}

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifact]:
        org = await resolve_organization(session, organization)
        if org not in advanced:
            features = await session.gql.organization_by_name(organization=org)
            found = features.organization
            if found is None:
                raise NotFoundError.of(f"organization {org}", "OrganizationByName")
            flags = found.advanced_registry_features
            advanced[org] = bool(flags is not None and flags.advanced_search)
        mode: Mode = "advanced" if advanced[org] else "basic"
        if checked_order is not None and mode == "basic":
            raise UnsupportedServerFeatureError(
                f"ordering registry versions needs advanced registry search, which organization"
                f" {org!r} does not have; drop order={order!r}",
                feature="advancedSearch",
            )
        result = await session.gql.registry_version_page(
            organization=org,
            registry_filter=check_search_filter(registry_filter, "registry", mode),
            collection_filter=check_search_filter(collection_filter, "collection", mode),
            artifact_filter=check_search_filter(filter, "version", mode),
            order=checked_order, cursor=cursor, per_page=first,
        )  # fmt: skip
        if result.organization is None or result.organization.org_entity is None:
            raise NotFoundError.of(f"organization {org}", "RegistryVersionPage")
        conn = result.organization.org_entity.artifact_memberships
        return page_of(
            conn, lambda node: artifact_from_membership(session, node, "RegistryVersionPage")
        )

    return AsyncSizedPaginator(
        fetch, per_page=per_page, what="registry versions", start=start,
        key=lambda a: (a.id, a.entity, a.project, a.name),
    )  # fmt: skip
