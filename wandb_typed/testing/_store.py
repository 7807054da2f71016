"""SQLite storage behind the local W&B server.

One :class:`Store` owns one SQLite connection (in memory by default, a file for
``wandb-typed serve``).  The connection is shared with uvicorn's thread, so
every public method takes ``self._lock``.  Filtering, ordering, counting and
history sampling run as SQL (``json_extract``/``json_each``/window functions);
Python only shapes the few rows a request returns.

Data model (W&B names in parentheses): users own a personal entity of the same
name; entities (users or teams) own projects ("models"); projects own runs
("buckets"), sweeps and views (reports).  Runs own history rows, system-metric
events, console lines and files.  Timestamps are naive UTC ISO-8601 strings
with second precision, exactly as W&B serves them (``2024-01-01T12:00:00``).

Run config is stored the way W&B stores it: ``{"key": {"value": v, "desc": null}}``.
:meth:`Store.create_run` wraps a plain mapping; JSON text is stored as given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
import random
import secrets
import sqlite3
import string
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ._filters import (
    SQL_JSON,
    FilterError,
    OrderKey,
    compile_filter,
    compile_order,
    regexp,
    sql_json,
)

if TYPE_CHECKING:
    from ._store_artifacts import ArtifactStore

__all__ = [
    "Page",
    "Row",
    "Store",
    "StoreError",
    "format_time",
    "utc_now",
]

Row = dict[str, Any]

_RUN_ID_ALPHABET = string.ascii_lowercase + string.digits


class StoreError(ValueError):
    """A request the store cannot satisfy (bad cursor, unknown entity, ...)."""


def utc_now() -> str:
    """The current time as W&B serves it: naive UTC, second precision."""
    return format_time(datetime.now(timezone.utc))


@overload
def format_time(value: datetime) -> str: ...
@overload
def format_time(value: datetime | str | None) -> str | None: ...
def format_time(value: datetime | str | None) -> str | None:
    """datetime (aware = converted to UTC, naive = assumed UTC) -> ``YYYY-MM-DDTHH:MM:SS``."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat()


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=True)


def wrap_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Plain config -> W&B's stored form ``{"k": {"value": v, "desc": null}}``."""
    return {key: {"value": value, "desc": None} for key, value in config.items()}


@dataclass
class Page:
    """One page of a keyset-paginated connection."""

    rows: list[Row]
    cursors: list[str]
    has_next: bool

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def encode_cursor(values: Sequence[object]) -> str:
    """Opaque cursor: base64 of the JSON list of the row's sort-key values."""
    return base64.urlsafe_b64encode(_dumps(list(values)).encode()).decode()


def decode_cursor(cursor: str, arity: int) -> list[object]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise StoreError(f"invalid cursor {cursor!r}") from None
    if not isinstance(values, list) or len(values) != arity:
        raise StoreError(f"invalid cursor {cursor!r} (from a different ordering?)")
    return values


def evenly_spaced(count: int, samples: int) -> list[int]:
    """Indexes of ``samples`` rows out of ``count``, evenly spaced, first and last included."""
    if samples <= 0 or count <= 0:
        return []
    if count <= samples:
        return list(range(count))
    if samples == 1:
        return [0]
    return sorted({round(i * (count - 1) / (samples - 1)) for i in range(samples)})


_DDL = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    api_key TEXT NOT NULL UNIQUE,
    admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    is_team INTEGER NOT NULL DEFAULT 0,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    admin INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, user_id)
);
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
CREATE TABLE IF NOT EXISTS history (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_lines (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    timestamp TEXT,
    level TEXT NOT NULL DEFAULT 'info',
    line TEXT NOT NULL,
    PRIMARY KEY (run_id, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content BLOB,
    size INTEGER NOT NULL DEFAULT 0,
    mimetype TEXT,
    md5 TEXT,
    uploaded INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (run_id, name)
);
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

#: Columns of a run row as resolvers see them (runs joined with user, sweep, project).
_RUN_COLUMNS = """
    r.*, u.username AS user_username, u.name AS user_name, u.email AS user_email,
    u.admin AS user_admin, s.name AS sweep_name,
    p.name AS project_name, e.name AS entity_name,
    (SELECT count(*) FROM files f WHERE f.run_id = r.id AND f.uploaded) AS file_count
"""
_RUN_FROM = """
    FROM runs r
    JOIN projects p ON p.id = r.project_id
    JOIN entities e ON e.id = p.entity_id
    LEFT JOIN users u ON u.id = r.user_id
    LEFT JOIN sweeps s ON s.id = r.sweep_id
"""
_PROJECT_SELECT = """
    SELECT p.*, e.name AS entity_name FROM projects p JOIN entities e ON e.id = p.entity_id
"""
_FILE_COLUMNS = "f.id, f.run_id, f.name, f.size, f.mimetype, f.md5, f.created_at, f.updated_at"


def _history_type(json_type: str) -> str:
    return {
        "integer": "number",
        "real": "number",
        "text": "string",
        "true": "boolean",
        "false": "boolean",
        "null": "nil",
        "object": "map",
        "array": "array",
    }.get(json_type, json_type)


class Store:
    """Typed access to the server's SQLite database (thread-safe)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else ":memory:"
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.create_function("REGEXP", 2, regexp, deterministic=True)
        self._conn.create_function(SQL_JSON, 1, sql_json, deterministic=True)
        self._lock = threading.RLock()
        self._rng = random.Random()  # generated run/sweep ids (8 lowercase alphanumerics)
        with self._lock:
            self._conn.executescript(_DDL)
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
        from ._store_artifacts import ArtifactStore  # its own module, on the same connection

        self.artifacts: ArtifactStore = ArtifactStore(self)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _new_id(self) -> str:
        return "".join(self._rng.choice(_RUN_ID_ALPHABET) for _ in range(8))

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Lock the store and run the block in one SQLite transaction."""
        with self._lock:
            if self._conn.in_transaction:  # nested: join the outer transaction
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            return [dict(row) for row in self._conn.execute(sql, params)]

    def _one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        with self._lock:
            row = self._conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        with self._lock:
            row = self._conn.execute(sql, params).fetchone()
        return row[0] if row is not None else None

    def _page(
        self,
        columns: str,
        from_where: str,
        params: Sequence[object],
        keys: list[OrderKey],
        first: int | None,
        after: str | None,
        *,
        default_first: int = 50,
    ) -> Page:
        """Keyset pagination: rows strictly after the cursor, in key order.

        ``from_where`` is ``FROM ... WHERE ...``; the key expressions are added
        as ``_k0.._kN`` columns, so a cursor is the sort-key values of the last
        row.  Rows inserted or deleted between requests never shift a page.
        """
        limit = default_first if first is None else max(0, min(int(first), 10_000))
        key_cols = ", ".join(f"{key.expr} AS _k{i}" for i, key in enumerate(keys))
        sql = f"SELECT {columns}, {key_cols} {from_where}"
        args: list[object] = list(params)
        if after:
            values = decode_cursor(after, len(keys))
            ors = []
            for i, key in enumerate(keys):
                ands = [f"({k.expr}) IS ?" for k in keys[:i]]
                ands.append(f"({key.expr}) {'<' if key.descending else '>'} ?")
                args.extend(values[:i])
                args.append(values[i])
                ors.append("(" + " AND ".join(ands) + ")")
            sql += " AND (" + " OR ".join(ors) + ")"
        order = ", ".join(
            f"_k{i} {'DESC' if key.descending else 'ASC'}" for i, key in enumerate(keys)
        )
        sql += f" ORDER BY {order} LIMIT ?"
        args.append(limit + 1)
        rows = self._all(sql, args)
        has_next = len(rows) > limit
        rows = rows[:limit]
        cursors = []
        for row in rows:
            cursors.append(encode_cursor([row.pop(f"_k{i}") for i in range(len(keys))]))
        return Page(rows=rows, cursors=cursors, has_next=has_next)

    # ------------------------------------------------------------------ users & entities
    def create_user(
        self,
        username: str,
        *,
        api_key: str | None = None,
        name: str | None = None,
        email: str | None = None,
        admin: bool = False,
    ) -> Row:
        """Create a user and its personal entity (same name); returns the user row."""
        key = api_key or secrets.token_hex(20)
        now = utc_now()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO users (username, name, email, api_key, admin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    username,
                    name or username,
                    email or f"{username}@example.com",
                    key,
                    int(admin),
                    now,
                ),
            )
            user_id = cur.lastrowid
            entity = db.execute(
                "INSERT INTO entities (name, is_team, user_id, created_at) VALUES (?, 0, ?, ?)",
                (username, user_id, now),
            ).lastrowid
            db.execute(
                "INSERT INTO members (entity_id, user_id, admin) VALUES (?, ?, 1)",
                (entity, user_id),
            )
        user = self.user_by_id(int(user_id or 0))
        assert user is not None
        return user

    def create_team(
        self, name: str, members: Iterable[str] = (), *, admins: Iterable[str] = ()
    ) -> int:
        """Create a team entity; ``members``/``admins`` are usernames."""
        with self.transaction() as db:
            entity = int(
                db.execute(
                    "INSERT INTO entities (name, is_team, created_at) VALUES (?, 1, ?)",
                    (name, utc_now()),
                ).lastrowid
                or 0
            )
            admin_set = set(admins)
            for username in [*members, *admin_set]:
                user = self.user_by_name(username)
                if user is None:
                    raise StoreError(f"no user named {username!r}")
                db.execute(
                    "INSERT OR REPLACE INTO members (entity_id, user_id, admin) VALUES (?, ?, ?)",
                    (entity, user["id"], int(username in admin_set)),
                )
        return entity

    def set_api_key(self, user_id: int, api_key: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE users SET api_key = ? WHERE id = ?", (api_key, user_id))

    def user_by_key(self, api_key: str) -> Row | None:
        return self._one("SELECT * FROM users WHERE api_key = ?", (api_key,))

    def user_by_id(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM users WHERE id = ?", (user_id,))

    def user_by_name(self, username: str) -> Row | None:
        return self._one("SELECT * FROM users WHERE username = ?", (username,))

    def entity(self, name: str) -> Row | None:
        return self._one("SELECT * FROM entities WHERE name = ?", (name,))

    def entity_by_id(self, entity_id: int) -> Row | None:
        return self._one("SELECT * FROM entities WHERE id = ?", (entity_id,))

    def is_member(self, entity_id: int, user_id: int) -> bool:
        return bool(
            self._scalar(
                "SELECT 1 FROM members WHERE entity_id = ? AND user_id = ?", (entity_id, user_id)
            )
        )

    def teams_of(self, user_id: int) -> list[Row]:
        return self._all(
            "SELECT e.* FROM entities e JOIN members m ON m.entity_id = e.id"
            " WHERE m.user_id = ? AND e.is_team ORDER BY e.id",
            (user_id,),
        )

    def members_of(self, entity_id: int) -> list[Row]:
        return self._all(
            "SELECT u.*, m.admin AS member_admin FROM users u JOIN members m ON m.user_id = u.id"
            " WHERE m.entity_id = ? ORDER BY u.id",
            (entity_id,),
        )

    # ------------------------------------------------------------------ projects
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
        return self._one(_PROJECT_SELECT + " WHERE e.name = ? AND p.name = ?", (entity, name))

    def project_by_id(self, project_id: int) -> Row | None:
        return self._one(_PROJECT_SELECT + " WHERE p.id = ?", (project_id,))

    def projects_page(self, entity: str, first: int | None, after: str | None) -> Page:
        return self._page(
            "p.*, e.name AS entity_name",
            "FROM projects p JOIN entities e ON e.id = p.entity_id WHERE e.name = ?",
            (entity,),
            [OrderKey("p.id")],
            first,
            after,
        )

    def delete_project(self, project_id: int) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM projects WHERE id = ?", (project_id,)).rowcount > 0

    # ------------------------------------------------------------------ runs
    def _project_id(self, entity: str, project: str, *, create: bool = True) -> int:
        row = self.project(entity, project)
        if row is None:
            if not create:
                raise StoreError(f"project {entity}/{project} not found")
            row = self.create_project(entity, project)
        return int(row["id"])

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
            run_name = name or self._unused_run_name(project_id)
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
                    _config_text(config),
                    _json_text(summary),
                    _dumps(dict(system_metrics or {})),
                    _dumps(list(tags)),
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

    def _unused_run_name(self, project_id: int) -> str:
        while True:
            candidate = self._new_id()
            if not self._scalar(
                "SELECT 1 FROM runs WHERE project_id = ? AND name = ?", (project_id, candidate)
            ):
                return candidate

    def _user_id_for(self, entity: str, username: str | None) -> int | None:
        if username is not None:
            user = self.user_by_name(username)
            if user is None:
                raise StoreError(f"no user named {username!r}")
            return int(user["id"])
        ent = self.entity(entity)
        if ent is None:
            return None
        if ent["user_id"] is not None:
            return int(ent["user_id"])
        members = self.members_of(int(ent["id"]))
        return int(members[0]["id"]) if members else None

    def _sweep_id(self, project_id: int, sweep: str) -> int:
        found = self._scalar(
            "SELECT id FROM sweeps WHERE project_id = ? AND name = ?", (project_id, sweep)
        )
        if found is None:
            raise StoreError(f"sweep {sweep!r} not found in project")
        return int(found)

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
            sets["config"] = _config_text(config)
        if summary is not None:
            sets["summary"] = _json_text(summary)
        if system_metrics is not None:
            sets["system_metrics"] = _dumps(dict(system_metrics))
        if tags is not None:
            sets["tags"] = _dumps(list(tags))
        for column, value in (
            ("group_name", group),
            ("job_type", job_type),
            ("host", host),
            ("notes", notes),
            ("description", description),
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
        with self.transaction() as db:
            return db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount > 0

    def run(self, project_id: int, name: str) -> Row | None:
        return self._one(
            f"SELECT {_RUN_COLUMNS} {_RUN_FROM} WHERE r.project_id = ? AND r.name = ?",
            (project_id, name),
        )

    def run_by_id(self, run_id: int) -> Row | None:
        return self._one(f"SELECT {_RUN_COLUMNS} {_RUN_FROM} WHERE r.id = ?", (run_id,))

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
        where, params = compile_filter(filters)
        scope = "r.project_id = ?"
        scope_params: list[object] = [project_id]
        if sweep_id is not None:
            scope += " AND r.sweep_id = ?"
            scope_params.append(sweep_id)
        return self._page(
            _RUN_COLUMNS,
            f"{_RUN_FROM} WHERE {scope} AND {where}",
            [*scope_params, *params],
            compile_order(order),
            first,
            after,
        )

    def run_count(self, project_id: int, filters: object = None) -> int:
        where, params = compile_filter(filters)
        return int(
            self._scalar(
                f"SELECT count(*) {_RUN_FROM} WHERE r.project_id = ? AND {where}",
                [project_id, *params],
            )
        )

    # ------------------------------------------------------------------ history
    def add_history_rows(
        self, run_id: int, rows: Iterable[Mapping[str, Any]], *, update_summary: bool = True
    ) -> int:
        """Append (or replace, by ``_step``) history rows; returns how many were written.

        Rows without ``_step`` get the next step.  The run's ``historyKeys``
        and ``historyLineCount`` are recomputed in SQL, and with
        ``update_summary`` the latest value of every key is merged into the
        summary (as W&B does when a run logs).
        """
        with self.transaction() as db:
            next_step = int(
                db.execute(
                    "SELECT COALESCE(max(step), -1) + 1 FROM history WHERE run_id = ?", (run_id,)
                ).fetchone()[0]
            )
            latest: dict[str, Any] = {}
            batch = []
            for row in rows:
                data = dict(row)
                step = data.get("_step")
                if not isinstance(step, int):
                    step = next_step
                    data["_step"] = step
                next_step = max(next_step, step + 1)
                latest.update(data)
                batch.append((run_id, step, _dumps(data)))
            db.executemany(
                "INSERT OR REPLACE INTO history (run_id, step, row) VALUES (?, ?, ?)", batch
            )
            self._refresh_history_keys(run_id)
            if update_summary and latest:
                current = db.execute("SELECT summary FROM runs WHERE id = ?", (run_id,)).fetchone()
                summary = json.loads(current[0]) if current else {}
                summary.update(latest)
                db.execute("UPDATE runs SET summary = ? WHERE id = ?", (_dumps(summary), run_id))
        return len(batch)

    def _refresh_history_keys(self, run_id: int) -> None:
        """Recompute ``historyKeys`` (key -> type counts, lastStep) with one aggregate."""
        counts: dict[str, dict[str, int]] = {}
        for key, jtype, count in self._conn.execute(
            f"SELECT j.key, j.type, count(*) FROM history h, json_each({SQL_JSON}(h.row)) j"
            " WHERE h.run_id = ? GROUP BY j.key, j.type ORDER BY j.key",
            (run_id,),
        ):
            per_type = counts.setdefault(str(key), {})
            name = _history_type(str(jtype))
            per_type[name] = per_type.get(name, 0) + int(count)
        total, last = self._conn.execute(
            "SELECT count(*), COALESCE(max(step), -1) FROM history WHERE run_id = ?", (run_id,)
        ).fetchone()
        keys = {
            key: {
                "typeCounts": [{"type": t, "count": c} for t, c in sorted(types.items())],
            }
            for key, types in counts.items()
        }
        self._conn.execute(
            "UPDATE runs SET history_keys = ?, history_line_count = ? WHERE id = ?",
            (_dumps({"keys": keys, "lastStep": int(last)}), int(total), run_id),
        )

    def history(
        self,
        run_id: int,
        *,
        samples: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> list[str]:
        """History rows as JSON text, by ``_step``.

        With ``min_step``/``max_step`` this is a page: rows with
        ``min_step <= _step < max_step``, at most ``samples`` of them.  Without a
        range, ``samples`` rows are picked evenly (first and last included).
        """
        if min_step is not None or max_step is not None:
            lo = -(2**63) if min_step is None else int(min_step)
            hi = 2**63 - 1 if max_step is None else int(max_step)
            limit = -1 if samples is None else max(0, int(samples))
            return [
                str(r["row"])
                for r in self._all(
                    "SELECT row FROM history WHERE run_id = ? AND step >= ? AND step < ?"
                    " ORDER BY step LIMIT ?",
                    (run_id, lo, hi, limit),
                )
            ]
        return [str(r["row"]) for r in self._sampled("history", "step", run_id, samples, "1", [])]

    def _sampled(
        self,
        table: str,
        order_column: str,
        run_id: int,
        samples: int | None,
        where: str,
        params: Sequence[object],
    ) -> list[Row]:
        """Evenly spaced rows of ``table`` for a run, selected inside SQLite."""
        base = f"FROM {table} WHERE run_id = ? AND {where}"
        args = [run_id, *params]
        with self._lock:
            count = int(self._conn.execute(f"SELECT count(*) {base}", args).fetchone()[0])
            if samples is None or count <= samples:
                return self._all(f"SELECT row {base} ORDER BY {order_column}", args)
            picks = evenly_spaced(count, int(samples))
            return self._all(
                f"SELECT row FROM (SELECT row, {order_column} AS o,"
                f" ROW_NUMBER() OVER (ORDER BY {order_column}) - 1 AS rn {base})"
                " WHERE rn IN (SELECT value FROM json_each(?)) ORDER BY o",
                [*args, _dumps(picks)],
            )

    def sampled_history(
        self,
        run_id: int,
        keys: Sequence[str],
        *,
        samples: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> list[dict[str, Any]]:
        """Rows that have every key, evenly sampled, projected onto ``keys``.

        Unlike :meth:`history`, ``max_step`` is *inclusive* here: wandb-core pages
        ``SampledHistoryPage`` with ``maxStep = minStep + pageSize - 1``.
        """
        conds = ["step >= ?", "step <= ?"]
        params: list[object] = [
            -(2**63) if min_step is None else int(min_step),
            2**63 - 1 if max_step is None else int(max_step),
        ]
        for key in keys:
            if key == "_step":
                continue
            conds.append(f"json_type({SQL_JSON}(row), ?) IS NOT NULL")
            params.append(_key_path(key))
        rows = self._sampled("history", "step", run_id, samples, " AND ".join(conds), params)
        out = []
        for row in rows:
            data = json.loads(row["row"])
            out.append({key: data[key] for key in keys if key in data})
        return out

    def live_history(self, run_id: int, keys: Sequence[str]) -> list[dict[str, Any]]:
        """One object per step with the requested keys (parquetHistory ``liveData``)."""
        if all(key == "_step" for key in keys):
            return [
                {"_step": int(r["step"])}
                for r in self._all(
                    "SELECT step FROM history WHERE run_id = ? ORDER BY step", (run_id,)
                )
            ]
        out = []
        for r in self._all("SELECT row FROM history WHERE run_id = ? ORDER BY step", (run_id,)):
            data = json.loads(r["row"])
            out.append({key: data[key] for key in keys if key in data})
        return out

    def add_events(self, run_id: int, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append system-metric rows (``Run.events``)."""
        with self.transaction() as db:
            seq = int(
                db.execute(
                    "SELECT COALESCE(max(seq), -1) + 1 FROM events WHERE run_id = ?", (run_id,)
                ).fetchone()[0]
            )
            batch = [(run_id, seq + i, _dumps(dict(row))) for i, row in enumerate(rows)]
            db.executemany("INSERT INTO events (run_id, seq, row) VALUES (?, ?, ?)", batch)
        return len(batch)

    def events(self, run_id: int, samples: int | None = None) -> list[str]:
        return [str(r["row"]) for r in self._sampled("events", "seq", run_id, samples, "1", [])]

    # ------------------------------------------------------------------ console logs
    def add_log_lines(
        self,
        run_id: int,
        lines: Iterable[str],
        *,
        level: str = "info",
        timestamp: str | None = None,
    ) -> int:
        with self.transaction() as db:
            start = int(
                db.execute(
                    "SELECT COALESCE(max(number), -1) + 1 FROM log_lines WHERE run_id = ?",
                    (run_id,),
                ).fetchone()[0]
            )
            batch = [
                (run_id, start + i, timestamp or utc_now(), level, line)
                for i, line in enumerate(lines)
            ]
            db.executemany(
                "INSERT INTO log_lines (run_id, number, timestamp, level, line)"
                " VALUES (?, ?, ?, ?, ?)",
                batch,
            )
        return len(batch)

    def log_line_count(self, run_id: int) -> int:
        return int(self._scalar("SELECT count(*) FROM log_lines WHERE run_id = ?", (run_id,)))

    def log_lines_page(
        self, run_id: int, first: int | None, after: str | None, last: int | None
    ) -> Page:
        if last is not None and first is None:
            rows = self._all(
                "SELECT * FROM (SELECT * FROM log_lines WHERE run_id = ? ORDER BY number DESC"
                " LIMIT ?) ORDER BY number",
                (run_id, max(0, last)),
            )
            return Page(rows, [encode_cursor([r["number"]]) for r in rows], False)
        return self._page(
            "l.*",
            "FROM log_lines l WHERE l.run_id = ?",
            (run_id,),
            [OrderKey("l.number")],
            first,
            after,
            default_first=1000,
        )

    # ------------------------------------------------------------------ files
    def add_file(
        self,
        run_id: int,
        name: str,
        content: bytes | str | None,
        *,
        mimetype: str | None = None,
        uploaded: bool = True,
    ) -> Row:
        """Create or replace a run file; ``content=None`` reserves it for upload."""
        data = content.encode() if isinstance(content, str) else content
        now = utc_now()
        mime = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
        md5 = base64.b64encode(hashlib.md5(data or b"").digest()).decode()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO files (run_id, name, content, size, mimetype, md5, uploaded,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id, name) DO UPDATE SET content = excluded.content,"
                " size = excluded.size, mimetype = excluded.mimetype, md5 = excluded.md5,"
                " uploaded = MAX(files.uploaded, excluded.uploaded),"
                " updated_at = excluded.updated_at",
                (run_id, name, data, len(data or b""), mime, md5, int(uploaded), now, now),
            )
        row = self.file(run_id, name)
        assert row is not None
        return row

    def store_upload(self, file_id: int, content: bytes, mimetype: str | None) -> bool:
        """Bytes of a signed PUT: fill in content, size, md5 and mark uploaded."""
        md5 = base64.b64encode(hashlib.md5(content).digest()).decode()
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE files SET content = ?, size = ?, md5 = ?, uploaded = 1,"
                    " mimetype = COALESCE(?, mimetype), updated_at = ? WHERE id = ?",
                    (content, len(content), md5, mimetype, utc_now(), file_id),
                ).rowcount
                > 0
            )

    def file(self, run_id: int, name: str) -> Row | None:
        return self._one(
            f"SELECT {_FILE_COLUMNS} FROM files f WHERE f.run_id = ? AND f.name = ?",
            (run_id, name),
        )

    def file_by_id(self, file_id: int) -> Row | None:
        return self._one(f"SELECT {_FILE_COLUMNS} FROM files f WHERE f.id = ?", (file_id,))

    def file_content(self, file_id: int) -> bytes | None:
        value = self._scalar("SELECT content FROM files WHERE id = ?", (file_id,))
        return bytes(value) if value is not None else None

    def files_page(
        self,
        run_id: int,
        *,
        names: Sequence[str] | None = None,
        pattern: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Uploaded files of a run by name; ``names`` exact, ``pattern`` SQL LIKE."""
        where = "f.run_id = ? AND f.uploaded"
        params: list[object] = [run_id]
        wanted = [n for n in names or [] if n]
        if wanted:
            where += f" AND f.name IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        if pattern:
            where += " AND f.name LIKE ?"
            params.append(pattern)
        return self._page(
            _FILE_COLUMNS,
            f"FROM files f WHERE {where}",
            params,
            [OrderKey("f.name"), OrderKey("f.id")],
            first,
            after,
        )

    def file_count(self, run_id: int) -> int:
        return int(
            self._scalar("SELECT count(*) FROM files WHERE run_id = ? AND uploaded", (run_id,))
        )

    def delete_files(self, file_ids: Sequence[int], project_id: int | None = None) -> int:
        if not file_ids:
            return 0
        marks = ", ".join("?" for _ in file_ids)
        sql = f"DELETE FROM files WHERE id IN ({marks})"
        params: list[object] = list(file_ids)
        if project_id is not None:
            sql += " AND run_id IN (SELECT id FROM runs WHERE project_id = ?)"
            params.append(project_id)
        with self.transaction() as db:
            return int(db.execute(sql, params).rowcount)

    # ------------------------------------------------------------------ sweeps
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
        return self._one(
            self._SWEEP_SELECT + " WHERE sw.project_id = ? AND sw.name = ?", (project_id, name)
        )

    def sweep_by_id(self, sweep_id: int) -> Row | None:
        return self._one(self._SWEEP_SELECT + " WHERE sw.id = ?", (sweep_id,))

    def sweeps_page(self, project_id: int, first: int | None, after: str | None) -> Page:
        return self._page(
            "sw.*, (SELECT count(*) FROM runs r WHERE r.sweep_id = sw.id) AS run_count,"
            " p.name AS project_name, e.name AS entity_name",
            "FROM sweeps sw JOIN projects p ON p.id = sw.project_id"
            " JOIN entities e ON e.id = p.entity_id WHERE sw.project_id = ?",
            (project_id,),
            [OrderKey("sw.id")],
            first,
            after,
        )

    def sweep_count(self, project_id: int) -> int:
        return int(self._scalar("SELECT count(*) FROM sweeps WHERE project_id = ?", (project_id,)))

    # ------------------------------------------------------------------ views (reports)
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
                    _json_text(spec),
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
    ) -> Page:
        where = "v.project_id = ?"
        params: list[object] = [project_id]
        if view_type:
            where += " AND v.type = ?"
            params.append(view_type)
        if name:
            where += " AND (v.name = ? OR v.display_name = ?)"
            params.extend([name, name])
        return self._page(
            "v.*", f"FROM views v WHERE {where}", params, [OrderKey("v.id")], first, after
        )


def _key_path(key: str) -> str:
    """JSON path of one top-level history key (keys may contain dots)."""
    if '"' in key:
        raise FilterError(f"invalid history key {key!r}")
    return f'$."{key}"'


def _config_text(config: Mapping[str, Any] | str | None) -> str:
    if config is None:
        return "{}"
    if isinstance(config, str):
        return config
    return _dumps(wrap_config(config))


def _json_text(value: Mapping[str, Any] | str | None) -> str:
    if value is None:
        return "{}"
    if isinstance(value, str):
        return value
    return _dumps(dict(value))


def _sweep_config(config: Mapping[str, Any] | str) -> tuple[str, dict[str, Any]]:
    """Sweep config as YAML text plus its parsed form (YAML is a JSON superset)."""
    import yaml  # the server extra depends on pyyaml

    if isinstance(config, str):
        parsed = yaml.safe_load(config) or {}
        return config, dict(parsed) if isinstance(parsed, dict) else {}
    return yaml.safe_dump(dict(config), sort_keys=False), dict(config)
