"""Projects ("models" in W&B): an entity's named containers of runs."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, Row, StoreError, format_time, utc_now, valid_name
from .users import UsersStore

__all__ = ["ProjectsStore"]

#: ``access`` values every logged-in user may read (others: members of the entity only).
PUBLIC_ACCESS = ("PUBLIC", "OPEN")
PUBLIC_ACCESS_SQL = "('PUBLIC', 'OPEN')"

_PROJECT_SELECT = """
    SELECT p.*, e.name AS entity_name FROM projects p JOIN entities e ON e.id = p.entity_id
"""


class ProjectsStore(UsersStore):
    """Projects; ``access`` is ``PRIVATE`` (members only) or ``PUBLIC``/``OPEN``."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS projects (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    access TEXT NOT NULL DEFAULT 'PRIVATE',
    views TEXT,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (entity_id, name)
);
"""

    def create_project(
        self,
        entity: str,
        name: str,
        *,
        description: str | None = None,
        access: str | None = None,
        views: str | None = None,
        user_id: int | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Create or update a project; returns the row plus ``inserted``."""
        ent = self.entity(entity)
        if ent is None:
            raise StoreError(f"entity {entity!r} not found")
        now = utc_now()
        with self.transaction() as db:
            existing = self.project(entity, name)
            if existing is None:
                valid_name(name, "project name")
                db.execute(
                    "INSERT INTO projects (entity_id, name, description, access, views, user_id,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        ent["id"],
                        name,
                        description,
                        access or "PRIVATE",
                        views,
                        user_id or ent["user_id"],
                        format_time(created_at) or now,
                        now,
                    ),
                )
                inserted = True
            else:
                db.execute(
                    "UPDATE projects SET description = COALESCE(?, description),"
                    " access = COALESCE(?, access), views = COALESCE(?, views), updated_at = ?"
                    " WHERE id = ?",
                    (description, access, views, now, existing["id"]),
                )
                inserted = False
        row = self.project(entity, name)
        assert row is not None
        return {**row, "inserted": inserted}

    def project(self, entity: str, name: str) -> Row | None:
        """A project by entity and name (with its entity's name), or ``None``."""
        return self._one(_PROJECT_SELECT + " WHERE e.name = ? AND p.name = ?", (entity, name))

    def project_by_id(self, project_id: int) -> Row | None:
        """A project by id (with its entity's name), or ``None``."""
        return self._one(_PROJECT_SELECT + " WHERE p.id = ?", (project_id,))

    def projects_page(
        self, entity: str, first: int | None, after: str | None, *, viewer_id: int | None = None
    ) -> Page:
        """A page of an entity's projects; with ``viewer_id``, only those that user may
        see (public ones, or all if a member), filtered in SQL before paging so that
        private projects never leave a page empty."""
        where = sql(
            "FROM projects p JOIN entities e ON e.id = p.entity_id WHERE e.name = {}", entity
        )
        if viewer_id is not None:
            where = sql(
                f"{{}} AND (p.access IN {PUBLIC_ACCESS_SQL} OR EXISTS (SELECT 1 FROM members m"
                " WHERE m.entity_id = p.entity_id AND m.user_id = {}))",
                where,
                viewer_id,
            )
        return self._page(
            "p.*, e.name AS entity_name", where, [OrderKey(Sql("p.id"))], first, after
        )

    def delete_project(self, project_id: int) -> bool:
        """Delete a project and everything in it; whether it existed."""
        with self.transaction() as db:
            return db.execute("DELETE FROM projects WHERE id = ?", (project_id,)).rowcount > 0

    def _project_id(self, entity: str, project: str, *, create: bool = True) -> int:
        row = self.project(entity, project)
        if row is None:
            if not create:
                raise StoreError(f"project {entity}/{project} not found")
            row = self.create_project(entity, project)
        return int(row["id"])
