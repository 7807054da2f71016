"""Searches across an organization's registries (``Entity.projects``,
``artifactCollections`` and ``artifactMemberships`` of an org entity): registries,
their collections and the versions linked into them, each filtered (MongoDB-style,
the fields of the official client's basic and advanced search) and ordered in SQL,
with only the registries the viewer may read.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._sql import Sql, sql
from ._base import Page
from .artifacts._base import (
    ARTIFACT_COLUMNS,
    ARTIFACT_FROM,
    COLLECTION_COLUMNS,
    COLLECTION_FROM,
    MEMBERSHIP_COLUMNS,
    page_size,
)
from .artifacts.filters import COLLECTION_FIELDS, VERSION_FIELDS, compile_filter, compile_order
from .registries import RegistriesStore, visible_registry_sql

__all__ = ["RegistrySearchStore"]


def _registry_fields(alias: str) -> dict[str, tuple[str, str]]:
    """The registry (project) fields a filter may name, over the project ``alias``."""
    return {
        "id": ("id", f"{alias}.id"),
        "project_id": ("id", f"{alias}.id"),
        "name": ("column", f"{alias}.name"),
        "entity_id": ("id", f"{alias}.entity_id"),
        "description": ("column", f"{alias}.description"),
        "created_at": ("column", f"{alias}.created_at"),
        "updated_at": ("column", f"{alias}.updated_at"),
    }


#: Collection fields: the basic ones and the advanced search's aliases.
_COLLECTION_FIELDS = {
    **COLLECTION_FIELDS,
    "collection_name": ("column", "c.name"),
    "artifact_collection_name": ("column", "c.name"),
}
#: Version fields: the basic ones and the advanced search's aliases.
_VERSION_FIELDS = {
    **VERSION_FIELDS,
    "artifact_id": ("id", "a.id"),
    "artifact_created_at": ("column", "a.created_at"),
    "artifact_size": ("column", "a.size"),
    "acm_created_at": ("column", "m.created_at"),
    "linked_at": ("column", "m.created_at"),
}
_REGISTRY_ORDERS = {"name": "p.name", "created_at": "p.created_at", "updated_at": "p.updated_at"}
_COLLECTION_ORDERS = {"name": "c.name", "created_at": "c.created_at", "updated_at": "c.updated_at"}
_VERSION_ORDERS = {
    "artifact_created_at": "a.created_at",
    "created_at": "a.created_at",
    "artifact_size": "a.size",
    "acm_created_at": "m.created_at",
    "linked_at": "m.created_at",
}
_KINDS = {"PORTFOLIO": "PORTFOLIO", "SEQUENCE": "SEQUENCE"}


def _where(filters: object, fields: dict[str, tuple[str, str]]) -> Sql:
    compiled = compile_filter(filters, fields)
    return Sql(compiled.sql, tuple(compiled.params))


def _kinds(kinds: Sequence[str] | None) -> Sql:
    if not kinds:
        return Sql("1")
    wanted = sorted({_KINDS[k] for k in kinds if k in _KINDS})
    if not wanted:
        return Sql("0")
    return Sql(f"c.kind IN ({', '.join('?' for _ in wanted)})", tuple(wanted))


class RegistrySearchStore(RegistriesStore):
    """Registries, registry collections and linked versions, as the viewer sees them."""

    def registries_page(
        self,
        entity_id: int,
        viewer_id: int,
        *,
        filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """The org entity's registries the viewer may read (oldest first unless ``order``)."""
        where = sql(
            "FROM projects p JOIN entities e ON e.id = p.entity_id WHERE p.entity_id = {}"
            " AND {} AND {}",
            entity_id,
            visible_registry_sql("p", viewer_id),
            _where(filters, _registry_fields("p")),
        )
        keys = compile_order(order, _REGISTRY_ORDERS, "+created_at", "p.id")
        return self._page("p.*, e.name AS entity_name", where, keys, page_size(first), after)

    def _collection_scope(
        self,
        entity_id: int,
        viewer_id: int,
        registry_filters: object,
        collection_filters: object,
        kinds: Sequence[str] | None,
    ) -> Sql:
        return sql(
            f"{COLLECTION_FROM} WHERE p.entity_id = {{}} AND {{}} AND {{}} AND {{}} AND {{}}",
            entity_id,
            visible_registry_sql("p", viewer_id),
            _where(registry_filters, _registry_fields("p")),
            _where(collection_filters, _COLLECTION_FIELDS),
            _kinds(kinds),
        )

    def registry_collections_page(
        self,
        entity_id: int,
        viewer_id: int,
        *,
        registry_filters: object = None,
        collection_filters: object = None,
        kinds: Sequence[str] | None = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Collections of the registries the viewer may read (newest first unless ``order``)."""
        scope = self._collection_scope(
            entity_id, viewer_id, registry_filters, collection_filters, kinds
        )
        keys = compile_order(order, _COLLECTION_ORDERS, "-created_at", "c.id")
        return self._page(COLLECTION_COLUMNS, scope, keys, page_size(first), after)

    def registry_collection_count(
        self,
        entity_id: int,
        viewer_id: int,
        *,
        registry_filters: object = None,
        collection_filters: object = None,
        kinds: Sequence[str] | None = None,
    ) -> int:
        """How many collections :meth:`registry_collections_page` lists in all."""
        scope = self._collection_scope(
            entity_id, viewer_id, registry_filters, collection_filters, kinds
        )
        return self._count(sql("SELECT count(*) {}", scope))

    def registry_memberships_page(
        self,
        entity_id: int,
        viewer_id: int,
        *,
        registry_filters: object = None,
        collection_filters: object = None,
        version_filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Live versions linked into the registries the viewer may read (newest link
        first unless ``order``), with their membership columns."""
        scope = sql(
            f"{ARTIFACT_FROM} JOIN artifact_memberships m ON m.artifact_id = a.id"
            " JOIN artifact_collections c ON c.id = m.collection_id"
            " JOIN projects rp ON rp.id = c.project_id"
            " WHERE rp.entity_id = {} AND c.kind = 'PORTFOLIO' AND a.state != 'DELETED'"
            " AND {} AND {} AND {} AND {}",
            entity_id,
            visible_registry_sql("rp", viewer_id),
            _where(registry_filters, _registry_fields("rp")),
            _where(collection_filters, _COLLECTION_FIELDS),
            _where(version_filters, _VERSION_FIELDS),
        )
        keys = compile_order(order, _VERSION_ORDERS, "-linked_at", "m.id")
        return self._page(
            f"{ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS}", scope, keys, page_size(first), after
        )
