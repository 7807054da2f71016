"""Sweeps: a project's hyperparameter searches (config kept as YAML text)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, cast

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, Row, StoreError, format_time, utc_now
from .projects import ProjectsStore

__all__ = ["SweepsStore"]


def _sweep_config(config: Mapping[str, Any] | str) -> tuple[str, dict[object, object]]:
    """Sweep config as YAML text plus its parsed form (YAML is a JSON superset; its keys
    need not be strings). Text that is not YAML (a control character, a tab in the
    wrong place, nesting deeper than Python's stack) is a :class:`StoreError`."""
    import yaml  # the server extra depends on pyyaml

    if isinstance(config, str):
        try:
            parsed: object = yaml.safe_load(config)
        except (yaml.YAMLError, RecursionError) as exc:
            problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise StoreError(f"the sweep config is not valid YAML: {problem}") from None
        if not isinstance(parsed, dict):
            return config, {}
        return config, dict(cast("dict[object, object]", parsed))
    text = yaml.safe_dump(dict(config), sort_keys=False)
    return text, {key: value for key, value in config.items()}


class SweepsStore(ProjectsStore):
    """Sweeps of a project and the runs that belong to them."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS sweeps (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT,
    method TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT,
    config TEXT NOT NULL,
    controller TEXT,
    scheduler TEXT,
    best_loss REAL,
    run_count_expected INTEGER,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);
"""

    def create_sweep(
        self,
        entity: str,
        project: str,
        config: Mapping[str, Any] | str,
        *,
        name: str | None = None,
        display_name: str | None = None,
        state: str = "FINISHED",
        description: str | None = None,
        best_loss: float | None = None,
        run_count_expected: int | None = None,
        username: str | None = None,
        created_at: datetime | str | None = None,
        controller: str | None = None,
        scheduler: str | None = None,
    ) -> Row:
        """Create a sweep; ``config`` is a mapping (dumped as YAML) or YAML text."""
        config_text, parsed = _sweep_config(config)
        method = str(parsed.get("method") or "random")
        with self.transaction() as db:
            project_id = self._project_id(entity, project)
            sweep_name = name or self._new_id()
            now = utc_now()
            created = format_time(created_at) or now
            cur = db.execute(
                "INSERT INTO sweeps (project_id, name, display_name, method, state, description,"
                " config, controller, scheduler, best_loss, run_count_expected, user_id,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project_id,
                    sweep_name,
                    display_name or parsed.get("name"),
                    method,
                    state,
                    description,
                    config_text,
                    controller,
                    scheduler,
                    best_loss,
                    run_count_expected,
                    self._user_id_for(entity, username),
                    created,
                    created,
                ),
            )
            sweep_id = int(cur.lastrowid or 0)
        row = self.sweep_by_id(sweep_id)
        assert row is not None
        return row

    def update_sweep(
        self,
        sweep_id: int,
        *,
        config: Mapping[str, Any] | str | None = None,
        state: str | None = None,
        description: str | None = None,
        display_name: str | None = None,
        controller: str | None = None,
        scheduler: str | None = None,
        best_loss: float | None = None,
    ) -> Row:
        """Update the given fields of a sweep (``None`` = leave unchanged)."""
        sets: dict[str, object] = {}
        if config is not None:
            text, parsed = _sweep_config(config)
            sets["config"] = text
            sets["method"] = str(parsed.get("method") or "random")
        for column, value in (
            ("state", state),
            ("description", description),
            ("display_name", display_name),
            ("controller", controller),
            ("scheduler", scheduler),
            ("best_loss", best_loss),
        ):
            if value is not None:
                sets[column] = value
        sets["updated_at"] = utc_now()
        with self.transaction() as db:
            assignments = ", ".join(f"{column} = ?" for column in sets)
            db.execute(f"UPDATE sweeps SET {assignments} WHERE id = ?", [*sets.values(), sweep_id])
        row = self.sweep_by_id(sweep_id)
        if row is None:
            raise StoreError(f"sweep {sweep_id} not found")
        return row

    _SWEEP_SELECT = """
        SELECT sw.*, (SELECT count(*) FROM runs r WHERE r.sweep_id = sw.id) AS run_count,
               p.name AS project_name, e.name AS entity_name
        FROM sweeps sw JOIN projects p ON p.id = sw.project_id JOIN entities e ON e.id = p.entity_id
    """

    def sweep(self, project_id: int, name: str) -> Row | None:
        """A project's sweep by name (with its run count), or ``None``."""
        return self._one(
            self._SWEEP_SELECT + " WHERE sw.project_id = ? AND sw.name = ?", (project_id, name)
        )

    def sweep_by_id(self, sweep_id: int) -> Row | None:
        """A sweep by id (with its run count), or ``None``."""
        return self._one(self._SWEEP_SELECT + " WHERE sw.id = ?", (sweep_id,))

    def sweeps_page(self, project_id: int, first: int | None, after: str | None) -> Page:
        """A project's sweeps, oldest first, keyset-paginated."""
        return self._page(
            "sw.*, (SELECT count(*) FROM runs r WHERE r.sweep_id = sw.id) AS run_count,"
            " p.name AS project_name, e.name AS entity_name",
            sql(
                "FROM sweeps sw JOIN projects p ON p.id = sw.project_id"
                " JOIN entities e ON e.id = p.entity_id WHERE sw.project_id = {}",
                project_id,
            ),
            [OrderKey(Sql("sw.id"))],
            first,
            after,
        )

    def sweep_count(self, project_id: int) -> int:
        """How many sweeps a project has."""
        return int(self._scalar("SELECT count(*) FROM sweeps WHERE project_id = ?", (project_id,)))

    def _sweep_id(self, project_id: int, sweep: str) -> int:
        found = self._scalar(
            "SELECT id FROM sweeps WHERE project_id = ? AND name = ?", (project_id, sweep)
        )
        if found is None:
            raise StoreError(f"sweep {sweep!r} not found in project")
        return int(found)
