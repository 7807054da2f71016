"""Artifact collections: sequences (where versions are logged) and portfolios (where
they are linked), one type each, names unique per project.  Deleting a sequence
deletes the versions born there (``ON DELETE CASCADE``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._base import Page, Row, StoreConflict, StoreError, utc_now
from ._base import COLLECTION_COLUMNS, COLLECTION_FROM, validate_name
from .artifact_types import ArtifactTypesStore
from .filters import COLLECTION_FIELDS, COLLECTION_ORDERS, compile_filter, compile_order

if TYPE_CHECKING:
    import sqlite3

__all__ = ["CollectionsStore"]


class CollectionsStore(ArtifactTypesStore):
    """Sequences and portfolios: lookups, filtered pages, renames, moves, deletes."""

    def collection(self, project_id: int, name: str, *, type_id: int | None = None) -> Row | None:
        """A project's collection by name (``type_id``: only of that type), or ``None``."""
        sql = f"SELECT {COLLECTION_COLUMNS} {COLLECTION_FROM} WHERE c.project_id = ? AND c.name = ?"
        params: list[object] = [project_id, name]
        if type_id is not None:
            sql += " AND c.type_id = ?"
            params.append(type_id)
        return self._one(sql, params)

    def collection_by_id(self, collection_id: int) -> Row | None:
        """A collection by id (with its type, project and entity names), or ``None``."""
        return self._one(
            f"SELECT {COLLECTION_COLUMNS} {COLLECTION_FROM} WHERE c.id = ?", (collection_id,)
        )

    def _collection_scope(
        self, project_id: int, type_id: int | None, filters: object
    ) -> tuple[str, list[object]]:
        compiled = compile_filter(filters, COLLECTION_FIELDS)
        where = "c.project_id = ?"
        params: list[object] = [project_id]
        if type_id is not None:
            where += " AND c.type_id = ?"
            params.append(type_id)
        return f"{where} AND {compiled.sql}", [*params, *compiled.params]

    def collections_page(
        self,
        project_id: int,
        *,
        type_id: int | None = None,
        filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Collections of a project (or of one type), newest first unless ``order``."""
        where, params = self._collection_scope(project_id, type_id, filters)
        return self._page(
            COLLECTION_COLUMNS,
            f"{COLLECTION_FROM} WHERE {where}",
            params,
            compile_order(order, COLLECTION_ORDERS, "-id", "c.id"),
            first,
            after,
        )

    def collection_count(
        self, project_id: int, *, type_id: int | None = None, filters: object = None
    ) -> int:
        """How many collections :meth:`collections_page` would list in all (one count query)."""
        where, params = self._collection_scope(project_id, type_id, filters)
        return int(
            self._scalar(f"SELECT count(*) FROM artifact_collections c WHERE {where}", params)
        )

    def _ensure_collection(
        self, db: sqlite3.Connection, project_id: int, name: str, type_row: Row, kind: str
    ) -> Row:
        """The collection ``name`` (created as ``kind``); errors on a kind or type clash."""
        validate_name(name, "artifact collection")
        existing = self.collection(project_id, name)
        if existing is None:
            now = utc_now()
            db.execute(
                "INSERT INTO artifact_collections (project_id, type_id, kind, name,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (project_id, type_row["id"], kind, name, now, now),
            )
            existing = self.collection(project_id, name)
            assert existing is not None
            return existing
        if existing["kind"] != kind:
            what = "sequence" if existing["kind"] == "SEQUENCE" else "portfolio"
            raise StoreConflict(f"artifact collection {name!r} is a {what}")
        if int(existing["type_id"]) != int(type_row["id"]):
            raise StoreConflict(
                f"artifact collection {name!r} has type {existing['type_name']!r},"
                f" not {type_row['name']!r}"
            )
        return existing

    def update_collection(
        self,
        collection_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        set_description: bool = False,
    ) -> Row:
        """Rename and/or describe a collection (names stay unique per project)."""
        with self._store.transaction() as db:
            current = self.collection_by_id(collection_id)
            if current is None:
                raise StoreError("artifact collection not found")
            if name is not None and name != current["name"]:
                validate_name(name, "artifact collection")
                if self.collection(int(current["project_id"]), name) is not None:
                    raise StoreConflict(f"an artifact collection named {name!r} already exists")
                db.execute(
                    "UPDATE artifact_collections SET name = ? WHERE id = ?", (name, collection_id)
                )
            if set_description:
                db.execute(
                    "UPDATE artifact_collections SET description = ? WHERE id = ?",
                    (description, collection_id),
                )
            db.execute(
                "UPDATE artifact_collections SET updated_at = ? WHERE id = ?",
                (utc_now(), collection_id),
            )
        row = self.collection_by_id(collection_id)
        assert row is not None
        return row

    def move_collection(self, collection_id: int, type_name: str) -> Row:
        """Give a sequence (and so its versions) another type."""
        with self._store.transaction() as db:
            current = self.collection_by_id(collection_id)
            if current is None:
                raise StoreError("artifact collection not found")
            if current["kind"] != "SEQUENCE":
                raise StoreError("only a sequence's type can change")
            type_row = self.ensure_type(int(current["project_id"]), type_name)
            db.execute(
                "UPDATE artifact_collections SET type_id = ?, updated_at = ? WHERE id = ?",
                (type_row["id"], utc_now(), collection_id),
            )
        row = self.collection_by_id(collection_id)
        assert row is not None
        return row

    def delete_collection(self, collection_id: int) -> bool:
        """Remove a collection; a sequence takes every version born there with it."""
        with self._store.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM artifact_collections WHERE id = ?", (collection_id,)
                ).rowcount
                > 0
            )
