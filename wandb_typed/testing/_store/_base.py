"""The store's plumbing: one SQLite connection, its lock, transactions, keyset pages.

Every resource module (``users``, ``projects``, ``runs``, ...) defines one class
that derives from :class:`StoreBase` (directly or through the resources it
needs) and declares its tables in a ``SCHEMA`` class attribute; ``StoreBase``
creates the tables of every class in the final ``Store``'s MRO.  A new resource
(artifacts, say) is a new module with one such class, added to ``Store``'s bases.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import sqlite3
import string
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar, cast, overload

from ...errors import InputError
from ...paths import check_name
from .._filters import (
    SQL_JSON,
    SQL_JSON_GET,
    SQL_JSON_TYPE,
    FilterError,
    OrderKey,
    json_get,
    json_type_of,
    regexp,
    sql_json,
    take_regex_failure,
)
from .._regex import budget as regex_budget
from .._sql import Sql, sql

__all__ = [
    "Page",
    "Row",
    "RowQueries",
    "StoreBase",
    "StoreError",
    "decode_cursor",
    "dumps",
    "encode_cursor",
    "evenly_spaced",
    "format_time",
    "json_text",
    "utc_now",
    "valid_name",
    "wrap_config",
]

Row = dict[str, Any]

_RUN_ID_ALPHABET = string.ascii_lowercase + string.digits


class StoreError(ValueError):
    """A request the store cannot satisfy (bad cursor, unknown entity, ...); answered
    as a GraphQL error with code ``BAD_REQUEST``."""


class StoreConflict(StoreError):
    """A write that clashes with what exists (a name already taken, an object of
    another kind under that name); answered with code ``CONFLICT``."""


def valid_name(value: str, what: str) -> str:
    """``value`` if it is a name the client would send (:func:`wandb_typed.paths.check_name`,
    the one rule both sides share), else a :class:`StoreError` saying why."""
    try:
        return check_name(value, what)
    except InputError as exc:
        raise StoreError(exc.message) from None


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


_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=True)


def dumps(value: object) -> str:
    """Compact JSON text (NaN and infinities allowed: W&B runs log them).  One shared
    encoder: ``json.dumps`` with options builds a new one per call, which dominated
    bulk seeding."""
    return _ENCODER.encode(value)


def wrap_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Plain config -> W&B's stored form ``{"k": {"value": v, "desc": null}}``."""
    return {key: {"value": value, "desc": None} for key, value in config.items()}


def json_text(value: Mapping[str, Any] | str | None) -> str:
    """A mapping (dumped) or JSON text (stored as given) -> the stored JSON text."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        return value
    return dumps(dict(value))


@dataclass
class Page:
    """One page of a keyset-paginated connection."""

    rows: list[Row]
    cursors: list[str]
    has_next: bool

    @property
    def end_cursor(self) -> str | None:
        """The cursor after the last row (``None`` for an empty page)."""
        return self.cursors[-1] if self.cursors else None


def encode_cursor(values: Sequence[object]) -> str:
    """Opaque cursor: base64 of the JSON list of the row's sort-key values."""
    return base64.urlsafe_b64encode(dumps(list(values)).encode()).decode()


def decode_cursor(cursor: str, arity: int) -> list[object]:
    """An :func:`encode_cursor` cursor -> its ``arity`` keyset values; a malformed
    cursor, or one of another ordering, is a :class:`StoreError`."""
    try:
        values: object = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise StoreError(f"invalid cursor {cursor!r}") from None
    if not isinstance(values, list) or len(cast("list[object]", values)) != arity:
        raise StoreError(f"invalid cursor {cursor!r} (from a different ordering?)")
    return cast("list[object]", values)


def evenly_spaced(count: int, samples: int) -> list[int]:
    """Indexes of ``samples`` rows out of ``count``, evenly spaced, first and last included."""
    if samples <= 0 or count <= 0:
        return []
    if count <= samples:
        return list(range(count))
    if samples == 1:
        return [0]
    return sorted({round(i * (count - 1) / (samples - 1)) for i in range(samples)})


@dataclass(frozen=True)
class RowQueries:
    """A store's row queries (under its lock), handed to a part of the store that shares
    its connection without deriving from :class:`StoreBase` (:class:`ArtifactStore`)."""

    all: Callable[[str, Sequence[object]], list[Row]]
    one: Callable[[str, Sequence[object]], Row | None]
    scalar: Callable[[str, Sequence[object]], Any]
    #: ``(columns, from_where, keys, first, after) -> Page``, see :meth:`StoreBase._page`.
    page: Callable[[str, Sql, list[OrderKey], int | None, str | None], Page]


class StoreBase:
    """One SQLite connection shared by threads (every method takes ``self._lock``)."""

    #: DDL of the tables this class adds (``CREATE ... IF NOT EXISTS``); see the module doc.
    SCHEMA: ClassVar[str] = "PRAGMA foreign_keys = ON;"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path: str = str(path) if path is not None else ":memory:"
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.create_function("REGEXP", 2, regexp, deterministic=True)
        self._conn.create_function(SQL_JSON, 1, sql_json, deterministic=True)
        self._conn.create_function(SQL_JSON_GET, 2, json_get, deterministic=True)
        self._conn.create_function(SQL_JSON_TYPE, 2, json_type_of, deterministic=True)
        self._lock = threading.RLock()
        #: Run (under the lock) after each outermost transaction commits: work that must
        #: follow a commit, never be undone by a rollback (deleting collected blob files).
        self.after_commit: list[Callable[[], None]] = []
        self._rng = random.Random()  # generated run/sweep ids (8 lowercase alphanumerics)
        with self._lock:
            for cls in reversed(type(self).__mro__):
                schema = cls.__dict__.get("SCHEMA")
                if isinstance(schema, str):
                    self._conn.executescript(schema)
            if self.path != ":memory:":
                # WAL with synchronous=NORMAL: a commit is not an fsync (the WAL is synced
                # at checkpoints), so a crash never corrupts the file and a power loss
                # loses at most the last commits; FULL made every upload wait on the disk.
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        """Close the SQLite connection (the store is unusable afterwards)."""
        with self._lock:
            self._conn.close()

    def _new_id(self) -> str:
        return "".join(self._rng.choice(_RUN_ID_ALPHABET) for _ in range(8))

    @contextmanager
    def transaction(self) -> Generator[sqlite3.Connection]:
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
            for hook in self.after_commit:
                hook()

    def _row_queries(self) -> RowQueries:
        return RowQueries(self._all, self._one, self._scalar, self._page)

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
        from_where: Sql,
        keys: list[OrderKey],
        first: int | None,
        after: str | None,
        *,
        default_first: int = 50,
    ) -> Page:
        """Keyset pagination: rows strictly after the cursor, in key order.

        ``columns`` is SQL of our own; ``from_where`` is ``FROM ... WHERE ...`` with
        its parameters.  The key expressions are added as ``_k0.._kN`` columns, so a
        cursor is the sort-key values of the last row.  Rows inserted or deleted
        between requests never shift a page.
        """
        limit = default_first if first is None else max(0, min(int(first), 10_000))
        key_cols = Sql.join(", ", [sql(f"{{}} AS _k{i}", key.expr) for i, key in enumerate(keys)])
        statement = sql(f"SELECT {columns}, {{}} {{}}", key_cols, from_where)
        if after:
            values = decode_cursor(after, len(keys))
            ors: list[Sql] = []
            for i, key in enumerate(keys):
                ands = [sql("({}) IS {}", k.expr, values[j]) for j, k in enumerate(keys[:i])]
                ands.append(
                    sql(f"({{}}) {'<' if key.descending else '>'} {{}}", key.expr, values[i])
                )
                ors.append(sql("({})", Sql.join(" AND ", ands)))
            statement = sql("{} AND ({})", statement, Sql.join(" OR ", ors))
        order = ", ".join(
            f"_k{i} {'DESC' if key.descending else 'ASC'}" for i, key in enumerate(keys)
        )
        statement = sql(f"{{}} ORDER BY {order} LIMIT {{}}", statement, limit + 1)
        rows = self._query(statement)
        has_next = len(rows) > limit
        rows = rows[:limit]
        cursors: list[str] = []
        for row in rows:
            cursors.append(encode_cursor([row.pop(f"_k{i}") for i in range(len(keys))]))
        return Page(rows=rows, cursors=cursors, has_next=has_next)

    def _query(self, statement: Sql) -> list[Row]:
        """Rows of a statement that may evaluate request-supplied filters: a ``$regex``
        that ran out of budget, or a value SQLite cannot compare, is a
        :class:`FilterError` (the reason, never SQLite's text)."""
        with self._lock, regex_budget():
            try:
                return [dict(row) for row in self._conn.execute(statement.text, statement.params)]
            except sqlite3.Error:
                reason = take_regex_failure()
                if reason is not None:
                    raise FilterError(reason) from None
                raise

    def _count(self, statement: Sql) -> int:
        rows = self._query(statement)
        return int(next(iter(rows[0].values()))) if rows else 0
