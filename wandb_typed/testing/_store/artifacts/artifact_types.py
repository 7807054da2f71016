"""Artifact types (``model``, ``dataset``, ``job`` ...): one per name and project,
created on first use by a version or a link."""

from __future__ import annotations

from ..._filters import OrderKey
from ..._sql import Sql
from .._base import Page, Row, utc_now
from ._base import ArtifactStoreBase, validate_name

__all__ = ["ArtifactTypesStore"]


class ArtifactTypesStore(ArtifactStoreBase):
    """A project's artifact types."""

    def ensure_type(self, project_id: int, name: str, *, description: str | None = None) -> Row:
        """The project's artifact type ``name``, created if missing."""
        validate_name(name, "artifact type")
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO artifact_types (project_id, name, description, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING",
                (project_id, name, description, utc_now()),
            )
        row = self.artifact_type(project_id, name)
        assert row is not None
        return row

    def artifact_type(self, project_id: int, name: str) -> Row | None:
        """A project's artifact type by name, or ``None``."""
        return self._one(
            "SELECT * FROM artifact_types WHERE project_id = ? AND name = ?", (project_id, name)
        )

    def artifact_types_page(self, project_id: int, first: int | None, after: str | None) -> Page:
        """A project's artifact types, oldest first, keyset-paginated."""
        return self._page(
            "t.*",
            "FROM artifact_types t WHERE t.project_id = ?",
            (project_id,),
            [OrderKey(Sql("t.id"))],
            first,
            after,
        )
