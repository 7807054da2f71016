"""Views of a project; reports are views of type ``runs`` with a JSON spec."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, Row, format_time, json_text, utc_now
from .projects import ProjectsStore

__all__ = ["ReportsStore"]


class ReportsStore(ProjectsStore):
    """Views (reports) of a project."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS views (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT,
    description TEXT,
    type TEXT NOT NULL DEFAULT 'runs',
    spec TEXT,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

    def create_report(
        self,
        entity: str,
        project: str,
        *,
        name: str | None = None,
        display_name: str,
        description: str | None = None,
        spec: Mapping[str, Any] | str | None = None,
        view_type: str = "runs",
        username: str | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Create a view; reports are views of type ``runs`` with a JSON spec."""
        with self.transaction() as db:
            project_id = self._project_id(entity, project)
            now = utc_now()
            created = format_time(created_at) or now
            cur = db.execute(
                "INSERT INTO views (project_id, name, display_name, description, type, spec,"
                " user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project_id,
                    name or secrets.token_hex(6),
                    display_name,
                    description,
                    view_type,
                    json_text(spec),
                    self._user_id_for(entity, username),
                    created,
                    created,
                ),
            )
            view_id = int(cur.lastrowid or 0)
        row = self._one("SELECT * FROM views WHERE id = ?", (view_id,))
        assert row is not None
        return row

    def views_page(
        self,
        project_id: int,
        *,
        view_type: str | None,
        name: str | None,
        first: int | None,
        after: str | None,
        username: str | None = None,
    ) -> Page:
        """A project's views (of a type, by name or display name, by their author's
        username), keyset-paginated."""
        where = sql("FROM views v WHERE v.project_id = {}", project_id)
        if view_type:
            where = sql("{} AND v.type = {}", where, view_type)
        if name:
            where = sql("{} AND (v.name = {} OR v.display_name = {})", where, name, name)
        if username:
            where = sql(
                "{} AND v.user_id IN (SELECT u.id FROM users u WHERE u.username = {})",
                where,
                username,
            )
        return self._page("v.*", where, [OrderKey(Sql("v.id"))], first, after)
