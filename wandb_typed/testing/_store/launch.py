"""Launch: default resource configs (per entity), run queues (per project) and
their items. An item moves PENDING -> LEASED -> CLAIMED (bound to the run it
started) or FAILED; :meth:`LaunchStore.claim_queue_item` and
:meth:`LaunchStore.fail_queue_item` are what a launch agent (or a test standing in
for one) does."""

from __future__ import annotations

import json
from typing import ClassVar

from ._base import Row, StoreConflict, StoreError, utc_now, valid_name
from .projects import ProjectsStore

__all__ = ["LaunchStore"]

#: Items a queue lists at most (as the official client reads them: its first 100).
MAX_QUEUE_ITEMS = 100
#: Queues a project lists at most.
MAX_QUEUES = 1000
ITEM_STATES = ("PENDING", "LEASED", "CLAIMED", "FAILED")


class LaunchStore(ProjectsStore):
    """Resource configs, run queues and run queue items."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS resource_configs (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    config TEXT NOT NULL,
    template_variables TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_queues (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    access TEXT NOT NULL,
    prioritization_mode TEXT,
    resource_config_id INTEGER REFERENCES resource_configs(id) ON DELETE SET NULL,
    external_links TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS run_queue_items (
    id INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL REFERENCES run_queues(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'PENDING',
    run_spec TEXT NOT NULL,
    priority INTEGER,
    template_variable_values TEXT,
    associated_run_id TEXT,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_queue_items_queue ON run_queue_items (queue_id, id);
"""

    # ------------------------------------------------------------------ configs
    def create_resource_config(
        self, entity_id: int, resource: str, config: str, template_variables: str | None
    ) -> int:
        """Store a default resource config (JSON texts); returns its id."""
        with self.transaction() as db:
            return int(
                db.execute(
                    "INSERT INTO resource_configs (entity_id, resource, config,"
                    " template_variables, created_at) VALUES (?, ?, ?, ?, ?)",
                    (entity_id, resource, config, template_variables or "{}", utc_now()),
                ).lastrowid
                or 0
            )

    def resource_config(self, entity_id: int, config_id: int) -> Row | None:
        """A resource config of the entity, or ``None``."""
        return self._one(
            "SELECT * FROM resource_configs WHERE id = ? AND entity_id = ?", (config_id, entity_id)
        )

    # ------------------------------------------------------------------ queues
    def create_queue(
        self,
        project_id: int,
        name: str,
        *,
        access: str,
        prioritization_mode: str | None,
        resource_config_id: int | None,
        external_links: str | None = None,
        created_by: int | None = None,
    ) -> Row:
        """Create a run queue; a name the project already has is a :class:`StoreConflict`."""
        valid_name(name, "queue name")
        if self.queue(project_id, name) is not None:
            raise StoreConflict(f"a run queue named {name!r} exists")
        now = utc_now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO run_queues (project_id, name, access, prioritization_mode,"
                " resource_config_id, external_links, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project_id, name, access, prioritization_mode, resource_config_id,
                    external_links, created_by, now, now,
                ),
            )  # fmt: skip
        row = self.queue(project_id, name)
        assert row is not None
        return row

    def update_queue(
        self,
        queue_id: int,
        *,
        prioritization_mode: str | None,
        resource_config_id: int,
        external_links: str | None,
    ) -> None:
        """Replace a queue's resource config, links and prioritization."""
        with self.transaction() as db:
            db.execute(
                "UPDATE run_queues SET prioritization_mode = ?, resource_config_id = ?,"
                " external_links = ?, updated_at = ? WHERE id = ?",
                (prioritization_mode, resource_config_id, external_links, utc_now(), queue_id),
            )

    def queue(self, project_id: int, name: str) -> Row | None:
        """A project's queue by name, or ``None``."""
        return self._one(
            "SELECT * FROM run_queues WHERE project_id = ? AND name = ?", (project_id, name)
        )

    def queue_by_id(self, queue_id: int) -> Row | None:
        """A queue by id, or ``None``."""
        return self._one("SELECT * FROM run_queues WHERE id = ?", (queue_id,))

    def queues(self, project_id: int) -> list[Row]:
        """A project's queues, by id (at most :data:`MAX_QUEUES`)."""
        return self._all(
            "SELECT * FROM run_queues WHERE project_id = ? ORDER BY id LIMIT ?",
            (project_id, MAX_QUEUES),
        )

    def delete_queue(self, queue_id: int) -> bool:
        """Delete a queue and its items; whether it existed."""
        with self.transaction() as db:
            return db.execute("DELETE FROM run_queues WHERE id = ?", (queue_id,)).rowcount > 0

    # ------------------------------------------------------------------ items
    def push_queue_item(
        self,
        queue_id: int,
        run_spec: str,
        *,
        priority: int | None = None,
        template_variable_values: str | None = None,
        state: str = "PENDING",
        associated_run_id: str | None = None,
    ) -> Row:
        """Add an item (a launch spec, JSON text) to a queue; returns its row."""
        if state not in ITEM_STATES:
            raise StoreError(f"unknown run queue item state {state!r}")
        now = utc_now()
        with self.transaction() as db:
            item_id = db.execute(
                "INSERT INTO run_queue_items (queue_id, state, run_spec, priority,"
                " template_variable_values, associated_run_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    queue_id, state, run_spec, priority, template_variable_values,
                    associated_run_id, now, now,
                ),
            ).lastrowid  # fmt: skip
        row = self.queue_item(int(item_id or 0))
        assert row is not None
        return row

    def queue_item(self, item_id: int) -> Row | None:
        """An item by id, or ``None``."""
        return self._one("SELECT * FROM run_queue_items WHERE id = ?", (item_id,))

    def queue_items(self, queue_id: int, limit: int) -> list[Row]:
        """A queue's items, oldest first (at most ``limit``, capped at :data:`MAX_QUEUE_ITEMS`)."""
        return self._all(
            "SELECT * FROM run_queue_items WHERE queue_id = ? ORDER BY id LIMIT ?",
            (queue_id, max(0, min(limit, MAX_QUEUE_ITEMS))),
        )

    def delete_queue_item(self, queue_id: int, item_id: int) -> bool:
        """Take an item off its queue; whether it was there."""
        with self.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM run_queue_items WHERE id = ? AND queue_id = ?", (item_id, queue_id)
                ).rowcount
                > 0
            )

    def claim_queue_item(self, item_id: int, run_name: str) -> None:
        """What a launch agent does once it started the item's run: the item is
        CLAIMED and bound to the run (by run id)."""
        self._set_item(item_id, "state = 'CLAIMED', associated_run_id = ?", (run_name,))

    def lease_queue_item(self, item_id: int) -> None:
        """What a launch agent does when it takes the item: LEASED."""
        self._set_item(item_id, "state = 'LEASED'", ())

    def fail_queue_item(
        self, item_id: int, message: str, stage: str = "agent", file_paths: list[str] | None = None
    ) -> None:
        """What a launch agent does when the item cannot start: FAILED, with why."""
        error = json.dumps({"message": message, "stage": stage, "filePaths": file_paths or []})
        self._set_item(item_id, "state = 'FAILED', error = ?", (error,))

    def _set_item(self, item_id: int, assignments: str, params: tuple[object, ...]) -> None:
        with self.transaction() as db:
            changed = db.execute(
                f"UPDATE run_queue_items SET {assignments}, updated_at = ? WHERE id = ?",
                (*params, utc_now(), item_id),
            ).rowcount
        if not changed:
            raise StoreError(f"run queue item {item_id} not found")
