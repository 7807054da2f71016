"""Custom charts: Vega chart presets an entity saves (``createCustomChart``)."""

from __future__ import annotations

from typing import ClassVar

from ._base import Row, StoreConflict, utc_now, valid_name
from .users import UsersStore

__all__ = ["ChartsStore"]


class ChartsStore(UsersStore):
    """Custom chart presets, unique by entity and name."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS custom_charts (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    type TEXT NOT NULL,
    access TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (entity_id, name)
);
"""

    def create_chart(
        self,
        entity_id: int,
        name: str,
        *,
        display_name: str,
        type: str,
        access: str,
        spec: str,
        created_by: int | None,
    ) -> Row:
        """Save a chart preset (``spec``: JSON text, stored as sent); a name the entity
        already uses is a :class:`StoreConflict`."""
        valid_name(name, "chart name")
        if self.chart(entity_id, name) is not None:
            raise StoreConflict(f"a custom chart named {name!r} exists")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO custom_charts (entity_id, name, display_name, type, access, spec,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entity_id, name, display_name, type, access, spec, created_by, utc_now()),
            )
        row = self.chart(entity_id, name)
        assert row is not None
        return row

    def chart(self, entity_id: int, name: str) -> Row | None:
        """A chart preset by entity and name, or ``None``."""
        return self._one(
            "SELECT * FROM custom_charts WHERE entity_id = ? AND name = ?", (entity_id, name)
        )
