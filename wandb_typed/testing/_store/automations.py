"""Automations ("triggers") and the integrations their actions send through, both
stored per entity.

An integration is a Slack channel or a webhook endpoint of an entity. A trigger
belongs to the entity of its scope (a project, a registry, an artifact collection
or an entity) and holds its event (type and filter, the JSON text the client sent)
and its action (type, the integration it uses, and the action's input as JSON).
A trigger whose scope is deleted is deleted with it. Names are unique per entity;
ids are never reused (a deleted automation's id never names another).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, Row, StoreConflict, StoreError, format_time, utc_now
from .artifacts._base import MAX_ITEMS, page_size
from .artifacts.filters import compile_filter
from .projects import PUBLIC_ACCESS_SQL, ProjectsStore
from .registries import visible_registry_sql

__all__ = ["AutomationsStore", "readable_project_sql"]

#: Longest event filter or action input (JSON text) a trigger may hold.
MAX_TRIGGER_JSON = 64 * 1024
_TRIGGER_FIELDS = {"name": ("column", "t.name"), "id": ("id", "t.id")}

_TRIGGER_SELECT = "t.*, u.username AS created_by_username"
_TRIGGER_FROM = "FROM triggers t LEFT JOIN users u ON u.id = t.created_by"


def readable_project_sql(alias: str, viewer_id: int) -> Sql:
    """SQL that is true when the project ``alias`` is readable by the viewer: public,
    or the viewer is a member of its entity, or a registry the viewer may read."""
    return sql(
        f"({alias}.access IN {PUBLIC_ACCESS_SQL} OR EXISTS (SELECT 1 FROM members mm"
        f" WHERE mm.entity_id = {alias}.entity_id AND mm.user_id = {{}}) OR ({{}}))",
        viewer_id,
        visible_registry_sql(alias, viewer_id),
    )


def _readable_scope_sql(viewer_id: int) -> Sql:
    """SQL that is true when the trigger ``t``'s scope is readable by the viewer."""
    return sql(
        "((t.scope_type = 'PROJECT' AND EXISTS (SELECT 1 FROM projects sp WHERE sp.id ="
        " t.scope_id AND {})) OR (t.scope_type = 'ARTIFACT_COLLECTION' AND EXISTS (SELECT 1"
        " FROM artifact_collections sc JOIN projects sp ON sp.id = sc.project_id"
        " WHERE sc.id = t.scope_id AND {})) OR (t.scope_type = 'ENTITY' AND EXISTS (SELECT 1"
        " FROM members sm WHERE sm.entity_id = t.scope_id AND sm.user_id = {})))",
        readable_project_sql("sp", viewer_id),
        readable_project_sql("sp", viewer_id),
        viewer_id,
    )


_COLLECTION_CASCADE = """
CREATE TRIGGER IF NOT EXISTS triggers_of_deleted_collections AFTER DELETE ON artifact_collections
BEGIN
    DELETE FROM triggers WHERE scope_type = 'ARTIFACT_COLLECTION' AND scope_id = OLD.id;
END
"""


def _bounded_json(text: str, what: str) -> str:
    if len(text) > MAX_TRIGGER_JSON:
        raise StoreError(f"{what} is too long (> {MAX_TRIGGER_JSON} characters)")
    return text


class AutomationsStore(ProjectsStore):
    """Integrations and triggers of entities."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS integrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('SLACK', 'WEBHOOK')),
    name TEXT,
    url_endpoint TEXT,
    team_name TEXT,
    channel_name TEXT,
    secret_ref TEXT,
    access_token_ref TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS integrations_webhook_names
    ON integrations (entity_id, name) WHERE kind = 'WEBHOOK';
CREATE TABLE IF NOT EXISTS triggers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    scope_type TEXT NOT NULL CHECK (scope_type IN ('PROJECT', 'ARTIFACT_COLLECTION', 'ENTITY')),
    scope_id INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    event_filter TEXT NOT NULL,
    action_type TEXT NOT NULL,
    action_input TEXT NOT NULL,
    integration_id INTEGER REFERENCES integrations(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    UNIQUE (entity_id, name)
);
CREATE TRIGGER IF NOT EXISTS triggers_of_deleted_projects AFTER DELETE ON projects
BEGIN
    DELETE FROM triggers WHERE scope_type = 'PROJECT' AND scope_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS triggers_of_deleted_entities AFTER DELETE ON entities
BEGIN
    DELETE FROM triggers WHERE scope_type = 'ENTITY' AND scope_id = OLD.id;
END;
"""

    # ------------------------------------------------------------------ integrations
    def create_slack_integration(
        self,
        entity: str,
        *,
        team_name: str,
        channel_name: str,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Connect a Slack channel to ``entity``; returns the integration row."""
        return self._add_integration(
            entity,
            "SLACK",
            {"team_name": team_name, "channel_name": channel_name},
            created_at,
        )

    def create_webhook_integration(
        self,
        entity: str,
        *,
        name: str,
        url_endpoint: str,
        secret_ref: str | None = None,
        access_token_ref: str | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Register a webhook endpoint of ``entity`` (names are unique per entity)."""
        if not url_endpoint.startswith(("https://", "http://")):
            raise StoreError("a webhook's url_endpoint is an http(s) URL")
        return self._add_integration(
            entity,
            "WEBHOOK",
            {
                "name": name,
                "url_endpoint": url_endpoint,
                "secret_ref": secret_ref,
                "access_token_ref": access_token_ref,
            },
            created_at,
        )

    def _add_integration(
        self, entity: str, kind: str, fields: Mapping[str, str | None], created_at: object
    ) -> Row:
        ent = self.entity(entity)
        if ent is None:
            raise StoreError(f"entity {entity!r} not found")
        for key, value in fields.items():
            if value is not None and not (0 < len(value) <= 2048):
                raise StoreError(f"{key} must be 1-2048 characters")
        if kind == "WEBHOOK" and self._scalar(
            "SELECT 1 FROM integrations WHERE entity_id = ? AND kind = 'WEBHOOK' AND name = ?",
            (ent["id"], fields["name"]),
        ):
            raise StoreConflict(f"entity {entity!r} already has a webhook named {fields['name']!r}")
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        when = format_time(created_at) if isinstance(created_at, (str, datetime)) else None
        with self.transaction() as db:
            new_id = db.execute(
                f"INSERT INTO integrations (entity_id, kind, {columns}, created_at)"
                f" VALUES (?, ?, {marks}, ?)",
                (ent["id"], kind, *fields.values(), when or utc_now()),
            ).lastrowid
        row = self.integration_by_id(int(new_id or 0))
        assert row is not None
        return row

    def integration_by_id(self, integration_id: int) -> Row | None:
        """An integration by id, or ``None``."""
        return self._one("SELECT * FROM integrations WHERE id = ?", (integration_id,))

    def integrations_page(self, entity_id: int, first: int | None, after: str | None) -> Page:
        """An entity's integrations, oldest first."""
        return self._page(
            "i.*",
            sql("FROM integrations i WHERE i.entity_id = {}", entity_id),
            [OrderKey(Sql("i.id"))],
            page_size(first),
            after,
        )

    # ------------------------------------------------------------------ triggers
    def create_trigger(self, fields: Mapping[str, object]) -> Row:
        """Store a trigger (``fields``: the ``triggers`` columns but ``id``); a name taken
        in the entity is a conflict."""
        _bounded_json(str(fields["event_filter"]), "eventFilter")
        _bounded_json(str(fields["action_input"]), "the action's input")
        if self._scalar(
            "SELECT 1 FROM triggers WHERE entity_id = ? AND name = ?",
            (fields["entity_id"], fields["name"]),
        ):
            raise StoreConflict(f"an automation named {fields['name']!r} already exists")
        now = utc_now()
        values = {"created_at": now, "updated_at": None, **fields}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.transaction() as db:
            # the artifact tables exist once the store is built (after SCHEMA), so the
            # cascade from a deleted collection is declared here, once
            db.execute(_COLLECTION_CASCADE)
            new_id = db.execute(
                f"INSERT INTO triggers ({columns}) VALUES ({marks})", tuple(values.values())
            ).lastrowid
        row = self.trigger_by_id(int(new_id or 0))
        assert row is not None
        return row

    def update_trigger(self, trigger_id: int, changes: Mapping[str, object]) -> Row:
        """Change a trigger's columns (names from ``triggers``; a taken name conflicts)."""
        current = self.trigger_by_id(trigger_id)
        if current is None:
            raise StoreError("automation not found")
        for key in ("event_filter", "action_input"):
            if key in changes:
                _bounded_json(str(changes[key]), key)
        name = changes.get("name")
        if (
            name is not None
            and name != current["name"]
            and self._scalar(
                "SELECT 1 FROM triggers WHERE entity_id = ? AND name = ?",
                (changes.get("entity_id", current["entity_id"]), name),
            )
        ):
            raise StoreConflict(f"an automation named {name!r} already exists")
        allowed = {
            "name", "description", "enabled", "scope_type", "scope_id", "entity_id",
            "event_type", "event_filter", "action_type", "action_input", "integration_id",
        }  # fmt: skip
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))}")
        values = {**changes, "updated_at": utc_now()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self.transaction() as db:
            db.execute(
                f"UPDATE triggers SET {assignments} WHERE id = ?", (*values.values(), trigger_id)
            )
        row = self.trigger_by_id(trigger_id)
        assert row is not None
        return row

    def delete_trigger(self, trigger_id: int) -> bool:
        """Delete a trigger; whether it existed."""
        with self.transaction() as db:
            return db.execute("DELETE FROM triggers WHERE id = ?", (trigger_id,)).rowcount > 0

    def trigger_by_id(self, trigger_id: int) -> Row | None:
        """A trigger by id (with ``created_by_username``), or ``None``."""
        return self._one(f"SELECT {_TRIGGER_SELECT} {_TRIGGER_FROM} WHERE t.id = ?", (trigger_id,))

    def triggers_page(
        self,
        entity_id: int,
        viewer_id: int,
        *,
        filters: object = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """An entity's triggers whose scope the viewer may read, oldest first;
        ``filters``: ``{"name": ...}`` (or ``id``), MongoDB-style."""
        compiled = compile_filter(filters, _TRIGGER_FIELDS)
        where = sql(
            f"{_TRIGGER_FROM} WHERE t.entity_id = {{}} AND {{}} AND {{}}",
            entity_id,
            _readable_scope_sql(viewer_id),
            Sql(compiled.sql, tuple(compiled.params)),
        )
        return self._page(_TRIGGER_SELECT, where, [OrderKey(Sql("t.id"))], page_size(first), after)

    def triggers_of_project(self, project_id: int) -> list[Row]:
        """Triggers scoped to the project or to one of its collections (at most
        ``MAX_ITEMS``), oldest first."""
        return self._all(
            f"SELECT {_TRIGGER_SELECT} {_TRIGGER_FROM} WHERE (t.scope_type = 'PROJECT'"
            " AND t.scope_id = ?) OR (t.scope_type = 'ARTIFACT_COLLECTION' AND t.scope_id IN"
            " (SELECT id FROM artifact_collections WHERE project_id = ?)) ORDER BY t.id LIMIT ?",
            (project_id, project_id, MAX_ITEMS),
        )
