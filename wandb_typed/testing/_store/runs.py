"""Runs ("buckets" in W&B): listing, filtering and ordering in SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from .._filters import compile_order, filter_sql
from .._sql import sql
from ._base import (
    Page,
    Row,
    StoreError,
    dumps,
    format_time,
    json_text,
    utc_now,
    valid_name,
    wrap_config,
)
from .sweeps import SweepsStore

__all__ = ["RunsStore"]

#: Columns of a run row as resolvers see them (runs joined with user, sweep, project).
RUN_COLUMNS = """
    r.*, u.username AS user_username, u.name AS user_name, u.email AS user_email,
    u.admin AS user_admin, s.name AS sweep_name,
    p.name AS project_name, e.name AS entity_name,
    (SELECT count(*) FROM files f WHERE f.run_id = r.id AND f.uploaded) AS file_count
"""
RUN_FROM = """
    FROM runs r
    JOIN projects p ON p.id = r.project_id
    JOIN entities e ON e.id = p.entity_id
    LEFT JOIN users u ON u.id = r.user_id
    LEFT JOIN sweeps s ON s.id = r.sweep_id
"""


def config_text(config: Mapping[str, Any] | str | None) -> str:
    """A plain mapping (wrapped as W&B stores config) or JSON text -> stored text."""
    if config is None:
        return "{}"
    if isinstance(config, str):
        return object_text(config, "config")
    return dumps(wrap_config(config))


def object_text(value: Mapping[str, Any] | str | None, what: str) -> str:
    """A mapping or JSON text that must hold a JSON object -> stored text; malformed text
    is refused (stored, it would break every listing of the project)."""
    if not isinstance(value, str):
        return json_text(value)
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise StoreError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise StoreError(f"{what} must be a JSON object, got {type(parsed).__name__}")
    return value


@dataclass(frozen=True)
class RunSeed:
    """One run for :meth:`RunsStore.bulk_insert_runs` (the fields of :meth:`~RunsStore.create_run`).

    ``config`` is a plain mapping (stored wrapped, as W&B does) or JSON text;
    ``summary``/``system_metrics`` mappings or JSON text.  ``history_line_count``
    and ``history_keys`` (W&B's ``{"keys": {...}, "lastStep": n}``) describe a
    history that is not stored, for runs seeded without their rows (benchmarks);
    :meth:`HistoryStore.bulk_insert_history` recomputes both from stored rows.
    """

    name: str
    display_name: str | None = None
    state: str = "finished"
    config: Mapping[str, Any] | str | None = None
    summary: Mapping[str, Any] | str | None = None
    system_metrics: Mapping[str, Any] | str | None = None
    tags: Sequence[str] = ()
    group: str | None = None
    job_type: str | None = None
    host: str | None = None
    notes: str | None = None
    description: str | None = None
    commit: str | None = None
    username: str | None = None
    created_at: datetime | str | None = None
    heartbeat_at: datetime | str | None = None
    history_line_count: int = 0
    history_keys: Mapping[str, Any] | None = None


class RunsStore(SweepsStore):
    """Runs of a project; config is stored as W&B stores it (``{k: {value, desc}}``)."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT,
    state TEXT NOT NULL DEFAULT 'running',
    config TEXT NOT NULL DEFAULT '{}',
    summary TEXT NOT NULL DEFAULT '{}',
    system_metrics TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '[]',
    group_name TEXT,
    job_type TEXT,
    host TEXT,
    notes TEXT,
    description TEXT,
    commit_hash TEXT,
    user_id INTEGER REFERENCES users(id),
    sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    heartbeat_at TEXT,
    exitcode INTEGER,
    should_stop INTEGER NOT NULL DEFAULT 0,
    history_line_count INTEGER NOT NULL DEFAULT 0,
    history_keys TEXT NOT NULL DEFAULT '{"keys":{},"lastStep":-1}',
    UNIQUE (project_id, name)
);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs (project_id, created_at, id);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep_id);
"""

    def create_run(
        self,
        entity: str,
        project: str,
        *,
        name: str | None = None,
        display_name: str | None = None,
        state: str = "finished",
        config: Mapping[str, Any] | str | None = None,
        summary: Mapping[str, Any] | str | None = None,
        system_metrics: Mapping[str, Any] | None = None,
        tags: Sequence[str] = (),
        group: str | None = None,
        job_type: str | None = None,
        host: str | None = None,
        notes: str | None = None,
        description: str | None = None,
        commit: str | None = None,
        username: str | None = None,
        sweep: str | None = None,
        created_at: datetime | str | None = None,
        heartbeat_at: datetime | str | None = None,
    ) -> Row:
        """Create a run (the project is created if missing); returns the run row.

        ``config`` may be a plain mapping (wrapped as ``{"k": {"value": v}}``) or
        JSON text stored verbatim; ``summary`` a mapping or JSON text.
        ``username`` defaults to the entity's owner; ``sweep`` is a sweep name.
        """
        with self.transaction() as db:
            project_id = self._project_id(entity, project)
            run_name = valid_name(name, "run id") if name else self._unused_run_name(project_id)
            now = utc_now()
            created = format_time(created_at) or now
            user_id = self._user_id_for(entity, username)
            sweep_id = self._sweep_id(project_id, sweep) if sweep else None
            cur = db.execute(
                "INSERT INTO runs (project_id, name, display_name, state, config, summary,"
                " system_metrics, tags, group_name, job_type, host, notes, description,"
                " commit_hash, user_id, sweep_id, created_at, updated_at, heartbeat_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project_id,
                    run_name,
                    display_name or run_name,
                    state,
                    config_text(config),
                    object_text(summary, "summary"),
                    dumps(dict(system_metrics or {})),
                    dumps(list(tags)),
                    group,
                    job_type,
                    host,
                    notes,
                    description,
                    commit,
                    user_id,
                    sweep_id,
                    created,
                    created,
                    format_time(heartbeat_at) or created,
                ),
            )
            run_id = int(cur.lastrowid or 0)
        row = self.run_by_id(run_id)
        assert row is not None
        return row

    def bulk_insert_runs(self, entity: str, project: str, runs: Iterable[RunSeed]) -> int:
        """Insert many runs into ``entity/project`` in one transaction (the project is
        created if missing); returns how many.  The seeding path for large data sets
        (``scripts/bench.py``): ``runs`` is consumed lazily, one prepared statement.
        A name that already exists fails the whole batch with :class:`StoreError`."""
        users: dict[str | None, int | None] = {}
        with self.transaction() as db:
            project_id = self._project_id(entity, project)

            def rows() -> Iterator[tuple[object, ...]]:
                for run in runs:
                    if run.username not in users:
                        users[run.username] = self._user_id_for(entity, run.username)
                    created = format_time(run.created_at) or utc_now()
                    metrics = run.system_metrics
                    yield (
                        project_id,
                        run.name,
                        run.display_name or run.name,
                        run.state,
                        config_text(run.config),
                        object_text(run.summary, "summary"),
                        object_text(metrics, "system_metrics"),
                        dumps(list(run.tags)),
                        run.group,
                        run.job_type,
                        run.host,
                        run.notes,
                        run.description,
                        run.commit,
                        users[run.username],
                        created,
                        created,
                        format_time(run.heartbeat_at) or created,
                        int(run.history_line_count),
                        dumps(dict(run.history_keys or {"keys": {}, "lastStep": -1})),
                    )

            try:
                cur = db.executemany(
                    "INSERT INTO runs (project_id, name, display_name, state, config, summary,"
                    " system_metrics, tags, group_name, job_type, host, notes, description,"
                    " commit_hash, user_id, created_at, updated_at, heartbeat_at,"
                    " history_line_count, history_keys)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows(),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"bulk_insert_runs into {entity}/{project}: {exc}") from None
            return int(cur.rowcount)

    def upsert_run(
        self, entity: str, project: str, name: str | None, *, username: str, **changes: Any
    ) -> tuple[Row, bool]:
        """Create the run ``name`` of ``entity/project`` or update it, atomically (one
        transaction under the store's lock: concurrent upserts of one name make one run);
        returns the run and whether it was created.  ``changes`` are
        :meth:`update_run` keywords; a new run starts ``running`` unless given a state."""
        with self.transaction():
            project_row = self.project(entity, project)
            existing = self.run(int(project_row["id"]), name) if project_row and name else None
            if existing is None:
                changes.setdefault("state", "running")
                row = self.create_run(entity, project, name=name, username=username, **changes)
                return row, True
            if changes:
                return self.update_run(int(existing["id"]), **changes), False
            return existing, False

    def _unused_run_name(self, project_id: int) -> str:
        while True:
            candidate = self._new_id()
            if not self._scalar(
                "SELECT 1 FROM runs WHERE project_id = ? AND name = ?", (project_id, candidate)
            ):
                return candidate

    def update_run(
        self,
        run_id: int,
        *,
        display_name: str | None = None,
        state: str | None = None,
        config: Mapping[str, Any] | str | None = None,
        summary: Mapping[str, Any] | str | None = None,
        system_metrics: Mapping[str, Any] | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        job_type: str | None = None,
        host: str | None = None,
        notes: str | None = None,
        description: str | None = None,
        commit: str | None = None,
        sweep: str | None = None,
        heartbeat_at: datetime | str | None = None,
        should_stop: bool | None = None,
    ) -> Row:
        """Update the given fields of a run (``None`` = leave unchanged)."""
        sets: dict[str, object] = {}
        if display_name is not None:
            sets["display_name"] = display_name
        if state is not None:
            sets["state"] = state
        if config is not None:
            sets["config"] = config_text(config)
        if summary is not None:
            sets["summary"] = object_text(summary, "summary")
        if system_metrics is not None:
            sets["system_metrics"] = dumps(dict(system_metrics))
        if tags is not None:
            sets["tags"] = dumps(list(tags))
        for column, value in (
            ("group_name", group),
            ("job_type", job_type),
            ("host", host),
            ("notes", notes),
            ("description", description),
            ("commit_hash", commit),
        ):
            if value is not None:
                sets[column] = value
        if heartbeat_at is not None:
            sets["heartbeat_at"] = format_time(heartbeat_at)
        if should_stop is not None:
            sets["should_stop"] = int(should_stop)
        with self.transaction() as db:
            current = self.run_by_id(run_id)
            if current is None:
                raise StoreError(f"run {run_id} not found")
            if sweep is not None:
                sets["sweep_id"] = self._sweep_id(int(current["project_id"]), sweep)
            sets["updated_at"] = utc_now()
            assignments = ", ".join(f"{column} = ?" for column in sets)
            db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", [*sets.values(), run_id])
        row = self.run_by_id(run_id)
        assert row is not None
        return row

    def delete_run(self, run_id: int) -> bool:
        """Delete a run with its history, events, console lines and files; whether it existed."""
        with self.transaction() as db:
            return db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount > 0

    def run(self, project_id: int, name: str) -> Row | None:
        """A project's run by name (``RUN_COLUMNS``), or ``None``."""
        return self._one(
            f"SELECT {RUN_COLUMNS} {RUN_FROM} WHERE r.project_id = ? AND r.name = ?",
            (project_id, name),
        )

    def run_by_id(self, run_id: int) -> Row | None:
        """A run by id (``RUN_COLUMNS``), or ``None``."""
        return self._one(f"SELECT {RUN_COLUMNS} {RUN_FROM} WHERE r.id = ?", (run_id,))

    def runs_page(
        self,
        project_id: int,
        *,
        filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
        sweep_id: int | None = None,
    ) -> Page:
        """One page of a project's runs, filtered and ordered in SQL (one query)."""
        where = filter_sql(filters)
        scope = sql("r.project_id = {}", project_id)
        if sweep_id is not None:
            scope = sql("{} AND r.sweep_id = {}", scope, sweep_id)
        return self._page(
            RUN_COLUMNS,
            sql(f"{RUN_FROM} WHERE {{}} AND {{}}", scope, where),
            compile_order(order),
            first,
            after,
        )

    def run_count(self, project_id: int, filters: object = None) -> int:
        """How many of a project's runs match ``filters`` (counted in SQL)."""
        where = filter_sql(filters)
        return self._count(
            sql(f"SELECT count(*) {RUN_FROM} WHERE r.project_id = {{}} AND {{}}", project_id, where)
        )
