"""Artifact storage for the local W&B server (``Store.artifacts``).

Data model (W&B names), in the same SQLite database as the rest of the store:

* an **artifact type** (``model``, ``dataset``, ``job`` ...) belongs to a project;
* a **collection** belongs to a project and has one type; it is a *sequence*
  (where versions are logged; ``ArtifactSequence``) or a *portfolio* (where
  versions are linked; ``ArtifactPortfolio``).  Names are unique per project;
* an **artifact** is one version: it is born in a sequence and keeps its
  ``versionIndex`` there; its files are the manifest entries;
* a **membership** puts a version in a collection with a version index of that
  collection (``v0``, ``v1`` ... never reused; the sequence membership is the
  birth one, links add portfolio memberships);
* an **alias** (``latest``, ``best``) names one membership; it is unique within a
  collection, so adding it to another version moves it.  Logging or linking a
  version moves ``latest`` to it;
* **tags** are names attached to versions and to collections;
* file **contents** are stored once per MD5 (base64, W&B's manifest digest) and
  shared by every version that has them (a trigger drops unreferenced blobs);
* runs are linked to versions as their creator (``createdBy``), as outputs
  (``Run.outputArtifacts``: the creator, and runs that logged the same contents
  again) and as users (``Run.inputArtifacts``, ``Artifact.usedBy``).

Deleting a version keeps its row in state ``DELETED`` (its version index is not
reused, ``Query.artifact(id)`` still finds it) but drops its aliases, links and
files; a name lookup no longer resolves it.  Deleting a collection removes it
and, for a sequence, every version born there.

Downloads are signed URLs: :meth:`ArtifactStore.sign` gives an HMAC token (with
an expiry) over the route and the object, checked by ``_routes_artifacts``.

Every listing is keyset-paginated with a bounded page size (:data:`MAX_PAGE`,
:data:`MAX_FILE_PAGE`), every input list is bounded (:data:`MAX_ITEMS`) and every
value reaches SQLite as a bound parameter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import mimetypes
import re
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from .._filters import OrderKey
from .._sql import Sql
from ._base import Page, Row, RowQueries, StoreConflict, StoreError, format_time, utc_now

if TYPE_CHECKING:
    import sqlite3

    from . import Store

__all__ = [
    "DEFAULT_PAGE",
    "MAX_FILE_PAGE",
    "MAX_ITEMS",
    "MAX_PAGE",
    "MAX_PER_VERSION",
    "URL_LIFETIME",
    "ArtifactStore",
    "manifest_digest",
    "md5_b64",
]

#: Page size when a listing does not ask for one.
DEFAULT_PAGE = 50
#: Largest page of versions, collections, types, aliases, runs or memberships.
MAX_PAGE = 1000
#: Largest page of files (the official client asks 5,000 download URLs a page).
MAX_FILE_PAGE = 5000
#: Most items in one input list.
MAX_ITEMS = 1000
#: Most aliases of one version (over all its collections), tags of one version or
#: collection, and collections one version is linked to: what a listed version carries.
MAX_PER_VERSION = 100
#: Seconds a signed download URL stays valid.
URL_LIFETIME = 3600

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_VERSION = re.compile(r"^v(\d{1,9})$")
_ALIAS_FORBIDDEN = set("/:")
_MIME_TYPES = mimetypes.MimeTypes()  # Python's built-in table only: the same on every machine

STORAGE_POLICY = "wandb-storage-policy-v1"
MANIFEST_HEADER = b"wandb-artifact-manifest-v1\n"

_DDL = [
    """CREATE TABLE IF NOT EXISTS artifact_types (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (project_id, name)
    )""",
    """CREATE TABLE IF NOT EXISTS artifact_collections (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        type_id INTEGER NOT NULL REFERENCES artifact_types(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('SEQUENCE', 'PORTFOLIO')),
        name TEXT NOT NULL,
        description TEXT,
        next_version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (project_id, name)
    )""",
    "CREATE INDEX IF NOT EXISTS artifact_collections_by_type ON artifact_collections (type_id, id)",
    """CREATE TABLE IF NOT EXISTS artifacts (
        id INTEGER PRIMARY KEY,
        sequence_id INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
        version_index INTEGER NOT NULL,
        digest TEXT NOT NULL,
        description TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'COMMITTED',
        size INTEGER NOT NULL DEFAULT 0,
        file_count INTEGER NOT NULL DEFAULT 0,
        commit_hash TEXT NOT NULL,
        history_step INTEGER,
        ttl_seconds INTEGER NOT NULL DEFAULT -1,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (sequence_id, version_index)
    )""",
    "CREATE INDEX IF NOT EXISTS artifacts_by_digest ON artifacts (sequence_id, digest)",
    """CREATE TABLE IF NOT EXISTS artifact_memberships (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        version_index INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (collection_id, artifact_id),
        UNIQUE (collection_id, version_index)
    )""",
    "CREATE INDEX IF NOT EXISTS artifact_memberships_by_artifact"
    " ON artifact_memberships (artifact_id)",
    """CREATE TABLE IF NOT EXISTS artifact_aliases (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
        membership_id INTEGER NOT NULL REFERENCES artifact_memberships(id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        UNIQUE (collection_id, alias)
    )""",
    "CREATE INDEX IF NOT EXISTS artifact_aliases_by_membership ON artifact_aliases (membership_id)",
    """CREATE TABLE IF NOT EXISTS artifact_tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    )""",
    """CREATE TABLE IF NOT EXISTS artifact_tag_assignments (
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES artifact_tags(id) ON DELETE CASCADE,
        PRIMARY KEY (artifact_id, tag_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS artifact_collection_tag_assignments (
        collection_id INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES artifact_tags(id) ON DELETE CASCADE,
        PRIMARY KEY (collection_id, tag_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS artifact_files (
        id INTEGER PRIMARY KEY,
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        mimetype TEXT,
        UNIQUE (artifact_id, path)
    )""",
    "CREATE INDEX IF NOT EXISTS artifact_files_by_digest ON artifact_files (digest)",
    """CREATE TABLE IF NOT EXISTS artifact_blobs (
        digest TEXT PRIMARY KEY,
        content BLOB NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TRIGGER IF NOT EXISTS artifact_blobs_gc AFTER DELETE ON artifact_files
    WHEN NOT EXISTS (SELECT 1 FROM artifact_files WHERE digest = OLD.digest)
    BEGIN
        DELETE FROM artifact_blobs WHERE digest = OLD.digest;
    END""",
    """CREATE TABLE IF NOT EXISTS artifact_usage (
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        used_as TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (artifact_id, run_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS artifact_usage_by_run ON artifact_usage (run_id, artifact_id)",
    """CREATE TABLE IF NOT EXISTS artifact_outputs (
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (artifact_id, run_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS artifact_outputs_by_run ON artifact_outputs (run_id, artifact_id)",
]

#: Columns of a version as resolvers see it: the artifact, its sequence, type and
#: project (so a page of versions is one query).
ARTIFACT_COLUMNS = """
    a.*, s.name AS seq_name, s.description AS seq_description, s.kind AS seq_kind,
    s.created_at AS seq_created_at, s.updated_at AS seq_updated_at,
    s.project_id AS project_id, t.id AS type_id, t.name AS type_name,
    t.description AS type_description, t.created_at AS type_created_at,
    p.name AS project_name, e.name AS entity_name
"""
ARTIFACT_FROM = """
    FROM artifacts a
    JOIN artifact_collections s ON s.id = a.sequence_id
    JOIN artifact_types t ON t.id = s.type_id
    JOIN projects p ON p.id = s.project_id
    JOIN entities e ON e.id = p.entity_id
"""
COLLECTION_COLUMNS = """
    c.*, t.name AS type_name, t.description AS type_description,
    t.created_at AS type_created_at, p.name AS project_name, e.name AS entity_name
"""
COLLECTION_FROM = """
    FROM artifact_collections c
    JOIN artifact_types t ON t.id = c.type_id
    JOIN projects p ON p.id = c.project_id
    JOIN entities e ON e.id = p.entity_id
"""
MEMBERSHIP_COLUMNS = (
    "m.id AS membership_id, m.collection_id AS membership_collection_id,"
    " m.version_index AS membership_version, m.created_at AS membership_created_at"
)
FILE_COLUMNS = "f.id, f.artifact_id, f.path, f.digest, f.size, f.mimetype"


def md5_b64(data: bytes) -> str:
    """W&B's file digest: base64 of the MD5."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def manifest_digest(entries: Iterable[tuple[str, str]]) -> str:
    """The artifact digest: MD5 over the sorted ``path:digest`` lines (manifest v1)."""
    hasher = hashlib.md5(MANIFEST_HEADER)
    for path, digest in sorted(entries):
        hasher.update(f"{path}:{digest}\n".encode())
    return hasher.hexdigest()


def validate_name(name: object, what: str) -> str:
    """A type or collection name: 1-128 letters, digits, ``-``, ``_`` or ``.``."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise StoreError(
            f"invalid {what} name {name!r}: use 1-128 letters, digits, '-', '_' or '.'"
        )
    return name


def validate_alias(alias: object) -> str:
    """An alias: 1-128 characters, no ``/`` or ``:``, not a version label like ``v3``."""
    if (
        not isinstance(alias, str)
        or not 0 < len(alias) <= 128
        or _ALIAS_FORBIDDEN & set(alias)
        or alias != alias.strip()
    ):
        raise StoreError(
            f"invalid alias {alias!r}: 1-128 characters, no '/', ':' or surrounding spaces"
        )
    if _VERSION.match(alias):
        raise StoreError(f"invalid alias {alias!r}: version labels (vN) are not aliases")
    return alias


def validate_tag(tag: object) -> str:
    """A tag: 1-128 letters, digits, spaces, ``-``, ``_`` or ``.`` (W&B's rule)."""
    if not isinstance(tag, str) or not re.fullmatch(r"[A-Za-z0-9_. -]{1,128}", tag):
        raise StoreError(f"invalid tag {tag!r}: use 1-128 letters, digits, spaces, '-', '_' or '.'")
    return tag


def bounded(items: Sequence[Any] | None, what: str) -> list[Any]:
    """An input list, refused when it has more than :data:`MAX_ITEMS` items."""
    values = list(items or [])
    if len(values) > MAX_ITEMS:
        raise StoreError(f"too many {what}: {len(values)} > {MAX_ITEMS}")
    return values


def page_size(first: int | None, *, maximum: int = MAX_PAGE) -> int:
    """``first`` clamped to ``[0, maximum]`` (``None``: :data:`DEFAULT_PAGE`)."""
    if first is None:
        return min(DEFAULT_PAGE, maximum)
    if first < 0:
        raise StoreError(f"first must not be negative (got {first})")
    return min(int(first), maximum)


def split_name(name: str) -> tuple[str, str]:
    """``"coll:alias"`` / ``"coll:v3"`` / ``"coll"`` (= ``coll:latest``) -> (collection, alias)."""
    collection, sep, alias = name.partition(":")
    if not collection or (sep and not alias):
        raise StoreError(f"invalid artifact name {name!r}: expected 'collection:alias'")
    return collection, alias or "latest"


@dataclass(frozen=True)
class Filter:
    """A compiled artifact or collection filter: SQL and its parameters."""

    sql: str
    params: list[object]


#: The fields a version filter may name -> (kind, SQL over ``a``/``m``).
_VERSION_FIELDS: dict[str, tuple[str, str]] = {
    "state": ("column", "a.state"),
    "id": ("id", "a.id"),
    "version": ("version", "m.version_index"),
    "versionIndex": ("version", "m.version_index"),
    "version_index": ("version", "m.version_index"),
    "digest": ("column", "a.digest"),
    "description": ("column", "a.description"),
    "created_at": ("column", "a.created_at"),
    "createdAt": ("column", "a.created_at"),
    "updated_at": ("column", "a.updated_at"),
    "updatedAt": ("column", "a.updated_at"),
    "tag": ("tag", "a.id"),
    "tags": ("tag", "a.id"),
    "alias": ("alias", "m.id"),
    "aliases": ("alias", "m.id"),
}
#: The fields a collection filter may name.
_COLLECTION_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("id", "c.id"),
    "artifact_collection_id": ("id", "c.id"),
    "collection_id": ("id", "c.id"),
    "name": ("column", "c.name"),
    "description": ("column", "c.description"),
    "created_at": ("column", "c.created_at"),
    "createdAt": ("column", "c.created_at"),
    "updated_at": ("column", "c.updated_at"),
    "updatedAt": ("column", "c.updated_at"),
    "tag": ("collection_tag", "c.id"),
    "tags": ("collection_tag", "c.id"),
}
_SCALAR_OPS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_SET_SQL = {
    "tag": (
        "SELECT 1 FROM artifact_tag_assignments ta JOIN artifact_tags tg ON tg.id = ta.tag_id"
        " WHERE ta.artifact_id = {ref} AND tg.name {cond}"
    ),
    "collection_tag": (
        "SELECT 1 FROM artifact_collection_tag_assignments ta"
        " JOIN artifact_tags tg ON tg.id = ta.tag_id WHERE ta.collection_id = {ref}"
        " AND tg.name {cond}"
    ),
    "alias": "SELECT 1 FROM artifact_aliases al WHERE al.membership_id = {ref} AND al.alias {cond}",
}


def compile_filter(filters: object, fields: Mapping[str, tuple[str, str]]) -> Filter:
    """A MongoDB-style filter (JSON text or a mapping) -> SQL.

    ``{"field": value}`` or ``{"field": {"$op": value}}`` with ``$eq $ne $gt $gte
    $lt $lte $in $nin $regex``, combined with ``$and``/``$or`` lists.  Unknown
    fields or operators are errors, never ignored.
    """
    if filters is None or filters == "":
        return Filter("1", [])
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError as exc:
            raise StoreError(f"filters are not valid JSON: {exc}") from None
    budget = [200]  # conditions per filter
    params: list[object] = []
    sql = _compile_doc(filters, fields, params, budget)
    return Filter(sql, params)


def _compile_doc(
    doc: object, fields: Mapping[str, tuple[str, str]], params: list[object], budget: list[int]
) -> str:
    if not isinstance(doc, Mapping):
        raise StoreError(f"a filter must be a JSON object, not {type(doc).__name__}")
    parts: list[str] = []
    for key, value in cast("Mapping[object, object]", doc).items():
        budget[0] -= 1
        if budget[0] < 0:
            raise StoreError("filter too large")
        if isinstance(key, str) and key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise StoreError(f"{key} needs a non-empty list")
            items = cast("list[object]", value)
            subs = [_compile_doc(item, fields, params, budget) for item in items]
            parts.append("(" + f" {key[1:].upper()} ".join(subs) + ")")
        elif isinstance(key, str) and key in fields:
            parts.append(_compile_field(key, value, fields[key], params))
        else:
            allowed = ", ".join(sorted(fields))
            raise StoreError(f"unknown filter field {key!r} (allowed: {allowed}, $and, $or)")
    return "(" + " AND ".join(parts) + ")" if parts else "1"


def _filter_value(value: object, kind: str, field: str) -> object:
    if kind == "version":
        if isinstance(value, str) and _VERSION.match(value):
            return int(value[1:])
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise StoreError(f"filter {field!r} needs a version like 'v3' or an index")
    if kind == "id":
        return _decode_id(value, field)
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise StoreError(f"filter {field!r}: unsupported value {value!r}")


def _decode_id(value: object, field: str) -> int:
    """An id in a filter: a number or a global id (base64 of ``"Type:N"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        try:
            _, _, pk = base64.b64decode(value, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            pk = ""
        if pk.isdigit():
            return int(pk)
    raise StoreError(f"filter {field!r}: invalid id {value!r}")


def _compile_field(field: str, value: object, spec: tuple[str, str], params: list[object]) -> str:
    kind, ref = spec
    ops: Mapping[object, object] = (
        cast("Mapping[object, object]", value) if isinstance(value, Mapping) else {"$eq": value}
    )
    if not ops:
        raise StoreError(f"filter {field!r} has no condition")
    parts: list[str] = []
    for op, operand in ops.items():
        if kind in _SET_SQL:
            parts.append(_set_condition(kind, ref, field, op, operand, params))
            continue
        if isinstance(op, str) and op in _SCALAR_OPS:
            converted = _filter_value(operand, kind, field)
            if converted is None:
                parts.append(f"{ref} IS {'NOT ' if op == '$ne' else ''}NULL")
            else:
                parts.append(f"{ref} {_SCALAR_OPS[op]} ?")
                params.append(converted)
        elif op == "$in" or op == "$nin":
            items = bounded(
                cast("list[object]", operand) if isinstance(operand, list) else None,
                f"{op} values",
            )
            if not isinstance(operand, list):
                raise StoreError(f"filter {field!r}: {op} needs a list")
            if not items:
                parts.append("0" if op == "$in" else "1")
                continue
            marks = ", ".join("?" for _ in items)
            parts.append(f"{ref} {'NOT ' if op == '$nin' else ''}IN ({marks})")
            params.extend(_filter_value(item, kind, field) for item in items)
        elif op == "$regex" and isinstance(operand, str):
            parts.append(f"{ref} REGEXP ?")
            params.append(operand)
        else:
            raise StoreError(f"filter {field!r}: unsupported operator {op!r}")
    return "(" + " AND ".join(parts) + ")"


def _set_condition(
    kind: str, ref: str, field: str, op: object, operand: object, params: list[object]
) -> str:
    """Membership conditions on tags/aliases: ``$eq``/``$in`` = has one of them."""
    template = _SET_SQL[kind]
    if op == "$eq" or op == "$ne":
        if not isinstance(operand, str):
            raise StoreError(f"filter {field!r}: {op} needs a string")
        params.append(operand)
        exists = f"EXISTS ({template.format(ref=ref, cond='= ?')})"
        return exists if op == "$eq" else f"NOT {exists}"
    if op == "$in" or op == "$nin":
        if not isinstance(operand, list):
            raise StoreError(f"filter {field!r}: {op} needs a list of strings")
        strings = cast("list[object]", operand)
        if not all(isinstance(x, str) for x in strings):
            raise StoreError(f"filter {field!r}: {op} needs a list of strings")
        items = bounded(strings, f"{op} values")
        if not items:
            return "0" if op == "$in" else "1"
        params.extend(items)
        marks = ", ".join("?" for _ in items)
        exists = f"EXISTS ({template.format(ref=ref, cond=f'IN ({marks})')})"
        return exists if op == "$in" else f"NOT {exists}"
    if op == "$regex" and isinstance(operand, str):
        params.append(operand)
        return f"EXISTS ({template.format(ref=ref, cond='REGEXP ?')})"
    raise StoreError(f"filter {field!r}: unsupported operator {op!r}")


_VERSION_ORDERS = {
    "version": "m.version_index",
    "versionIndex": "m.version_index",
    "version_index": "m.version_index",
    "created_at": "a.created_at",
    "createdAt": "a.created_at",
    "updated_at": "a.updated_at",
    "updatedAt": "a.updated_at",
    "size": "a.size",
}
_COLLECTION_ORDERS = {
    "id": "c.id",
    "name": "c.name",
    "created_at": "c.created_at",
    "createdAt": "c.created_at",
    "updated_at": "c.updated_at",
    "updatedAt": "c.updated_at",
}


def compile_order(
    order: str | None, columns: Mapping[str, str], default: str, tiebreak: str
) -> list[OrderKey]:
    """``"-created_at"`` -> keyset sort keys, with ``tiebreak`` (a unique column) last."""
    text = (order or default).strip() or default
    descending = text.startswith("-")
    key = text.lstrip("+-")
    if key not in columns:
        allowed = ", ".join(sorted(columns))
        raise StoreError(f"unknown order {order!r} (allowed: [+-] then {allowed})")
    keys = [OrderKey(Sql(columns[key]), descending)]
    if columns[key] != tiebreak:
        keys.append(OrderKey(Sql(tiebreak), descending))
    return keys


class ArtifactStore:
    """Artifact tables and queries, sharing the :class:`Store`'s connection and lock."""

    def __init__(self, store: Store, queries: RowQueries) -> None:
        self._store = store
        self._queries = queries
        self._secret = secrets.token_bytes(32)
        with store.transaction() as db:
            for statement in _DDL:
                db.execute(statement)

    # ------------------------------------------------------------------ plumbing
    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._queries.all(sql, params)

    def _one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return self._queries.one(sql, params)

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self._queries.scalar(sql, params)

    def _page(
        self,
        columns: str,
        from_where: str,
        params: Sequence[object],
        keys: list[OrderKey],
        first: int | None,
        after: str | None,
        *,
        maximum: int = MAX_PAGE,
    ) -> Page:
        size = page_size(first, maximum=maximum)
        return self._queries.page(columns, Sql(from_where, tuple(params)), keys, size, after)

    # ------------------------------------------------------------------ signing
    def sign(self, kind: str, key: str, expires: int) -> str:
        """HMAC token of a download URL: the route kind, the object key and the expiry."""
        message = f"{kind} {key} {expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]

    def signed_query(self, kind: str, key: str, *, now: float | None = None) -> str:
        """``expires=...&token=...`` for a URL valid :data:`URL_LIFETIME` seconds."""
        expires = int(now if now is not None else time.time()) + URL_LIFETIME
        return f"expires={expires}&token={self.sign(kind, key, expires)}"

    def check_signature(self, kind: str, key: str, expires: str, token: str) -> str | None:
        """``None`` when the token is valid and unexpired, else why not."""
        if not expires.isdigit() or not hmac.compare_digest(
            token, self.sign(kind, key, int(expires))
        ):
            return "invalid or missing signature"
        if int(expires) < time.time():
            return "signed URL expired"
        return None

    # ------------------------------------------------------------------ types
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
        return self._one(
            "SELECT * FROM artifact_types WHERE project_id = ? AND name = ?", (project_id, name)
        )

    def artifact_types_page(self, project_id: int, first: int | None, after: str | None) -> Page:
        return self._page(
            "t.*",
            "FROM artifact_types t WHERE t.project_id = ?",
            (project_id,),
            [OrderKey(Sql("t.id"))],
            first,
            after,
        )

    # ------------------------------------------------------------------ collections
    def collection(self, project_id: int, name: str, *, type_id: int | None = None) -> Row | None:
        sql = f"SELECT {COLLECTION_COLUMNS} {COLLECTION_FROM} WHERE c.project_id = ? AND c.name = ?"
        params: list[object] = [project_id, name]
        if type_id is not None:
            sql += " AND c.type_id = ?"
            params.append(type_id)
        return self._one(sql, params)

    def collection_by_id(self, collection_id: int) -> Row | None:
        return self._one(
            f"SELECT {COLLECTION_COLUMNS} {COLLECTION_FROM} WHERE c.id = ?", (collection_id,)
        )

    def _collection_scope(
        self, project_id: int, type_id: int | None, filters: object
    ) -> tuple[str, list[object]]:
        compiled = compile_filter(filters, _COLLECTION_FIELDS)
        where = "c.project_id = ?"
        params: list[object] = [project_id]
        if type_id is not None:
            where += " AND c.type_id = ?"
            params.append(type_id)
        return f"{where} AND {compiled.sql}", [*params, *compiled.params]

    def collections_page(
        self,
        project_id: int,
        *,
        type_id: int | None = None,
        filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Collections of a project (or of one type), newest first unless ``order``."""
        where, params = self._collection_scope(project_id, type_id, filters)
        return self._page(
            COLLECTION_COLUMNS,
            f"{COLLECTION_FROM} WHERE {where}",
            params,
            compile_order(order, _COLLECTION_ORDERS, "-id", "c.id"),
            first,
            after,
        )

    def collection_count(
        self, project_id: int, *, type_id: int | None = None, filters: object = None
    ) -> int:
        where, params = self._collection_scope(project_id, type_id, filters)
        return int(
            self._scalar(f"SELECT count(*) FROM artifact_collections c WHERE {where}", params)
        )

    def _ensure_collection(
        self, db: sqlite3.Connection, project_id: int, name: str, type_row: Row, kind: str
    ) -> Row:
        """The collection ``name`` (created as ``kind``); errors on a kind or type clash."""
        validate_name(name, "artifact collection")
        existing = self.collection(project_id, name)
        if existing is None:
            now = utc_now()
            db.execute(
                "INSERT INTO artifact_collections (project_id, type_id, kind, name,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (project_id, type_row["id"], kind, name, now, now),
            )
            existing = self.collection(project_id, name)
            assert existing is not None
            return existing
        if existing["kind"] != kind:
            what = "sequence" if existing["kind"] == "SEQUENCE" else "portfolio"
            raise StoreConflict(f"artifact collection {name!r} is a {what}")
        if int(existing["type_id"]) != int(type_row["id"]):
            raise StoreConflict(
                f"artifact collection {name!r} has type {existing['type_name']!r},"
                f" not {type_row['name']!r}"
            )
        return existing

    def update_collection(
        self,
        collection_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        set_description: bool = False,
    ) -> Row:
        """Rename and/or describe a collection (names stay unique per project)."""
        with self._store.transaction() as db:
            current = self.collection_by_id(collection_id)
            if current is None:
                raise StoreError("artifact collection not found")
            if name is not None and name != current["name"]:
                validate_name(name, "artifact collection")
                if self.collection(int(current["project_id"]), name) is not None:
                    raise StoreConflict(f"an artifact collection named {name!r} already exists")
                db.execute(
                    "UPDATE artifact_collections SET name = ? WHERE id = ?", (name, collection_id)
                )
            if set_description:
                db.execute(
                    "UPDATE artifact_collections SET description = ? WHERE id = ?",
                    (description, collection_id),
                )
            db.execute(
                "UPDATE artifact_collections SET updated_at = ? WHERE id = ?",
                (utc_now(), collection_id),
            )
        row = self.collection_by_id(collection_id)
        assert row is not None
        return row

    def move_collection(self, collection_id: int, type_name: str) -> Row:
        """Give a sequence (and so its versions) another type."""
        with self._store.transaction() as db:
            current = self.collection_by_id(collection_id)
            if current is None:
                raise StoreError("artifact collection not found")
            if current["kind"] != "SEQUENCE":
                raise StoreError("only a sequence's type can change")
            type_row = self.ensure_type(int(current["project_id"]), type_name)
            db.execute(
                "UPDATE artifact_collections SET type_id = ?, updated_at = ? WHERE id = ?",
                (type_row["id"], utc_now(), collection_id),
            )
        row = self.collection_by_id(collection_id)
        assert row is not None
        return row

    def delete_collection(self, collection_id: int) -> bool:
        """Remove a collection; a sequence takes every version born there with it."""
        with self._store.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM artifact_collections WHERE id = ?", (collection_id,)
                ).rowcount
                > 0
            )

    # ------------------------------------------------------------------ tags
    def _tag_ids(self, db: sqlite3.Connection, names: Iterable[str]) -> list[int]:
        ids: list[int] = []
        for name in names:
            validate_tag(name)
            db.execute(
                "INSERT INTO artifact_tags (name) VALUES (?) ON CONFLICT DO NOTHING", (name,)
            )
            ids.append(
                int(
                    db.execute("SELECT id FROM artifact_tags WHERE name = ?", (name,)).fetchone()[0]
                )
            )
        return ids

    def tag_artifact(
        self, artifact_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> None:
        add, remove = bounded(add, "tags"), bounded(remove, "tags")
        with self._store.transaction() as db:
            for tag_id in self._tag_ids(db, add):
                db.execute(
                    "INSERT INTO artifact_tag_assignments (artifact_id, tag_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (artifact_id, tag_id),
                )
            if remove:
                marks = ", ".join("?" for _ in remove)
                db.execute(
                    "DELETE FROM artifact_tag_assignments WHERE artifact_id = ? AND tag_id IN"
                    f" (SELECT id FROM artifact_tags WHERE name IN ({marks}))",
                    [artifact_id, *remove],
                )
            count = db.execute(
                "SELECT count(*) FROM artifact_tag_assignments WHERE artifact_id = ?",
                (artifact_id,),
            ).fetchone()[0]
            if count > MAX_PER_VERSION:
                raise StoreError(f"too many tags on one version (> {MAX_PER_VERSION})")

    def tag_collection(
        self, collection_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> list[Row]:
        """Add/remove collection tags; returns the tags added."""
        add, remove = bounded(add, "tags"), bounded(remove, "tags")
        with self._store.transaction() as db:
            added = self._tag_ids(db, add)
            for tag_id in added:
                db.execute(
                    "INSERT INTO artifact_collection_tag_assignments (collection_id, tag_id)"
                    " VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (collection_id, tag_id),
                )
            if remove:
                marks = ", ".join("?" for _ in remove)
                db.execute(
                    "DELETE FROM artifact_collection_tag_assignments WHERE collection_id = ?"
                    f" AND tag_id IN (SELECT id FROM artifact_tags WHERE name IN ({marks}))",
                    [collection_id, *remove],
                )
            count = db.execute(
                "SELECT count(*) FROM artifact_collection_tag_assignments WHERE collection_id = ?",
                (collection_id,),
            ).fetchone()[0]
            if count > MAX_PER_VERSION:
                raise StoreError(f"too many tags on one collection (> {MAX_PER_VERSION})")
            db.execute(
                "UPDATE artifact_collections SET updated_at = ? WHERE id = ?",
                (utc_now(), collection_id),
            )
        if not added:
            return []
        marks = ", ".join("?" for _ in added)
        return self._all(f"SELECT * FROM artifact_tags WHERE id IN ({marks}) ORDER BY id", added)

    def tags_of_artifacts(self, artifact_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Tags of several versions in one query (a page's worth)."""
        return self._grouped(
            "SELECT ta.artifact_id AS owner, tg.id, tg.name FROM artifact_tag_assignments ta"
            " JOIN artifact_tags tg ON tg.id = ta.tag_id WHERE ta.artifact_id IN ({marks})"
            " ORDER BY tg.name",
            artifact_ids,
        )

    def tags_of_collections(self, collection_ids: Sequence[int]) -> dict[int, list[Row]]:
        return self._grouped(
            "SELECT ta.collection_id AS owner, tg.id, tg.name"
            " FROM artifact_collection_tag_assignments ta JOIN artifact_tags tg"
            " ON tg.id = ta.tag_id WHERE ta.collection_id IN ({marks}) ORDER BY tg.name",
            collection_ids,
        )

    def _grouped(self, template: str, ids: Sequence[int]) -> dict[int, list[Row]]:
        out: dict[int, list[Row]] = {int(i): [] for i in ids}
        if not ids:
            return out
        marks = ", ".join("?" for _ in ids)
        for row in self._all(template.format(marks=marks), list(ids)):
            out[int(row.pop("owner"))].append(row)
        return out

    # ------------------------------------------------------------------ versions
    def create_artifact(
        self,
        entity: str,
        project: str,
        collection: str,
        type_name: str,
        files: Mapping[str, bytes | str],
        *,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        aliases: Sequence[str] = (),
        tags: Sequence[str] = (),
        run_id: int | None = None,
        user_id: int | None = None,
        history_step: int | None = None,
        ttl_seconds: int | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Log a new version of ``collection`` (a sequence, created if missing).

        ``files`` maps paths inside the artifact to contents.  The version gets the
        next index, ``latest`` and ``aliases``; ``run_id`` is the run that logged
        it.  Returns the version's row (see :data:`ARTIFACT_COLUMNS`).
        """
        project_row = self._store.project(entity, project)
        if project_row is None:
            raise StoreError(f"project {entity}/{project} not found")
        project_id = int(project_row["id"])
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        entries: list[tuple[str, bytes, str | None]] = []
        for path, content in files.items():
            if not path or path.startswith("/") or "\\" in path or ".." in path.split("/"):
                raise StoreError(f"invalid artifact file path {path!r}")
            data = content.encode() if isinstance(content, str) else bytes(content)
            entries.append((path, data, _MIME_TYPES.guess_type(path)[0]))
        digests = [(path, md5_b64(data)) for path, data, _ in entries]
        digest = manifest_digest(digests)
        created = format_time(created_at) or utc_now()
        with self._store.transaction() as db:
            type_row = self.ensure_type(project_id, type_name)
            seq = self._ensure_collection(db, project_id, collection, type_row, "SEQUENCE")
            version = self._next_version(db, int(seq["id"]))
            commit = hashlib.sha1(f"{seq['id']}:{version}:{digest}".encode()).hexdigest()[:20]
            artifact_id = int(
                db.execute(
                    "INSERT INTO artifacts (sequence_id, version_index, digest, description,"
                    " metadata, size, file_count, commit_hash, history_step, ttl_seconds,"
                    " run_id, user_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        seq["id"],
                        version,
                        digest,
                        description,
                        json.dumps(dict(metadata or {})),
                        sum(len(data) for _, data, _ in entries),
                        len(entries),
                        commit,
                        history_step,
                        -1 if ttl_seconds is None else int(ttl_seconds),
                        run_id,
                        user_id,
                        created,
                        created,
                    ),
                ).lastrowid
                or 0
            )
            db.executemany(
                "INSERT INTO artifact_blobs (digest, content) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(d, data) for (_, d), (_, data, _) in zip(digests, entries, strict=True)],
            )
            db.executemany(
                "INSERT INTO artifact_files (artifact_id, path, digest, size, mimetype)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (artifact_id, path, d, len(data), mime)
                    for (_, d), (path, data, mime) in zip(digests, entries, strict=True)
                ],
            )
            membership = self._add_membership(db, int(seq["id"]), artifact_id, version, created)
            self._set_aliases(db, int(seq["id"]), membership, ["latest", *aliases])
            if run_id is not None:
                db.execute(
                    "INSERT INTO artifact_outputs (artifact_id, run_id, created_at)"
                    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (artifact_id, run_id, created),
                )
            self.tag_artifact(artifact_id, add=list(tags))
        row = self.artifact_by_id(artifact_id)
        assert row is not None
        return row

    @staticmethod
    def _next_version(db: sqlite3.Connection, collection_id: int) -> int:
        version = int(
            db.execute(
                "SELECT next_version FROM artifact_collections WHERE id = ?", (collection_id,)
            ).fetchone()[0]
        )
        db.execute(
            "UPDATE artifact_collections SET next_version = ?, updated_at = ? WHERE id = ?",
            (version + 1, utc_now(), collection_id),
        )
        return version

    @staticmethod
    def _add_membership(
        db: sqlite3.Connection, collection_id: int, artifact_id: int, version: int, created: str
    ) -> int:
        return int(
            db.execute(
                "INSERT INTO artifact_memberships (collection_id, artifact_id, version_index,"
                " created_at) VALUES (?, ?, ?, ?)",
                (collection_id, artifact_id, version, created),
            ).lastrowid
            or 0
        )

    @staticmethod
    def _set_aliases(
        db: sqlite3.Connection, collection_id: int, membership_id: int, aliases: Iterable[str]
    ) -> None:
        """Point each alias at the membership (moving it off another version)."""
        for alias in aliases:
            db.execute(
                "INSERT INTO artifact_aliases (collection_id, membership_id, alias)"
                " VALUES (?, ?, ?) ON CONFLICT (collection_id, alias)"
                " DO UPDATE SET membership_id = excluded.membership_id",
                (collection_id, membership_id, alias),
            )
        count = db.execute(
            "SELECT count(*) FROM artifact_aliases al JOIN artifact_memberships m"
            " ON m.id = al.membership_id WHERE m.artifact_id ="
            " (SELECT artifact_id FROM artifact_memberships WHERE id = ?)",
            (membership_id,),
        ).fetchone()[0]
        if count > MAX_PER_VERSION:
            raise StoreError(f"too many aliases on one version (> {MAX_PER_VERSION})")

    def artifact_by_id(self, artifact_id: int) -> Row | None:
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS} {ARTIFACT_FROM} WHERE a.id = ?", (artifact_id,)
        )

    def membership(self, collection_id: int, alias: str) -> Row | None:
        """The live version ``vN`` or ``alias`` names in a collection (artifact + membership)."""
        version = _VERSION.match(alias)
        params: list[object]
        if version:
            which = "m.version_index = ?"
            params = [collection_id, int(version.group(1))]
        else:
            which = (
                "m.id = (SELECT membership_id FROM artifact_aliases"
                " WHERE collection_id = m.collection_id AND alias = ?)"
            )
            params = [collection_id, alias]
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS} {ARTIFACT_FROM}"
            " JOIN artifact_memberships m ON m.artifact_id = a.id"
            f" WHERE m.collection_id = ? AND {which} AND a.state != 'DELETED'",
            params,
        )

    def membership_of(self, collection_id: int, artifact_id: int) -> Row | None:
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS} {ARTIFACT_FROM}"
            " JOIN artifact_memberships m ON m.artifact_id = a.id"
            " WHERE m.collection_id = ? AND a.id = ?",
            (collection_id, artifact_id),
        )

    def _version_scope(self, collection_id: int, filters: object) -> tuple[str, list[object]]:
        compiled = compile_filter(filters, _VERSION_FIELDS)
        return f"m.collection_id = ? AND {compiled.sql}", [collection_id, *compiled.params]

    def versions_page(
        self,
        collection_id: int,
        *,
        filters: object = None,
        order: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Members of a collection (newest version first unless ``order``)."""
        where, params = self._version_scope(collection_id, filters)
        return self._page(
            f"{ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS}",
            f"{ARTIFACT_FROM} JOIN artifact_memberships m ON m.artifact_id = a.id WHERE {where}",
            params,
            compile_order(order, _VERSION_ORDERS, "-version", "m.version_index"),
            first,
            after,
        )

    def version_count(self, collection_id: int, filters: object = None) -> int:
        where, params = self._version_scope(collection_id, filters)
        return int(
            self._scalar(
                "SELECT count(*) FROM artifact_memberships m JOIN artifacts a"
                f" ON a.id = m.artifact_id WHERE {where}",
                params,
            )
        )

    def latest_version(self, collection_id: int) -> Row | None:
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS} {ARTIFACT_FROM}"
            " JOIN artifact_memberships m ON m.artifact_id = a.id"
            " WHERE m.collection_id = ? AND a.state != 'DELETED'"
            " ORDER BY m.version_index DESC LIMIT 1",
            (collection_id,),
        )

    def version_by_digest(self, sequence_id: int, digest: str) -> Row | None:
        """The newest live version of a sequence with these contents (digest dedup)."""
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS} {ARTIFACT_FROM} WHERE a.sequence_id = ? AND a.digest = ?"
            " AND a.state != 'DELETED' ORDER BY a.version_index DESC LIMIT 1",
            (sequence_id, digest),
        )

    def update_artifact(self, artifact_id: int, changes: Mapping[str, object]) -> Row:
        """Set ``description``, ``metadata`` (JSON text), ``ttl_seconds`` as given."""
        allowed = {"description", "metadata", "ttl_seconds"}
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(f"cannot update {sorted(unknown)}")
        with self._store.transaction() as db:
            sets = dict(changes)
            sets["updated_at"] = utc_now()
            assignments = ", ".join(f"{column} = ?" for column in sets)
            db.execute(
                f"UPDATE artifacts SET {assignments} WHERE id = ?", [*sets.values(), artifact_id]
            )
        row = self.artifact_by_id(artifact_id)
        if row is None:
            raise StoreError("artifact not found")
        return row

    def delete_artifact(self, artifact_id: int, *, delete_aliases: bool) -> Row:
        """Mark a version DELETED: drop its aliases, links and files (see module doc)."""
        with self._store.transaction() as db:
            aliases = db.execute(
                "SELECT count(*) FROM artifact_aliases al JOIN artifact_memberships m"
                " ON m.id = al.membership_id WHERE m.artifact_id = ?",
                (artifact_id,),
            ).fetchone()[0]
            if aliases and not delete_aliases:
                raise StoreError(
                    "the artifact has aliases; delete them first or pass deleteAliases: true"
                )
            db.execute(
                "DELETE FROM artifact_aliases WHERE membership_id IN"
                " (SELECT id FROM artifact_memberships WHERE artifact_id = ?)",
                (artifact_id,),
            )
            db.execute(
                "DELETE FROM artifact_memberships WHERE artifact_id = ? AND collection_id !="
                " (SELECT sequence_id FROM artifacts WHERE id = ?)",
                (artifact_id, artifact_id),
            )
            db.execute("DELETE FROM artifact_files WHERE artifact_id = ?", (artifact_id,))
            db.execute(
                "UPDATE artifacts SET state = 'DELETED', updated_at = ? WHERE id = ?",
                (utc_now(), artifact_id),
            )
        row = self.artifact_by_id(artifact_id)
        assert row is not None
        return row

    def delete_logged_by(self, run_id: int) -> int:
        """Delete (as :meth:`delete_artifact`, aliases too) every version a run logged."""
        rows = self._all(
            "SELECT id FROM artifacts WHERE run_id = ? AND state != 'DELETED'", (run_id,)
        )
        with self._store.transaction():
            for row in rows:
                self.delete_artifact(int(row["id"]), delete_aliases=True)
        return len(rows)

    # ------------------------------------------------------------------ aliases & links
    def add_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> None:
        """Point ``aliases`` of a collection at this version (it must be a member)."""
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        with self._store.transaction() as db:
            membership = self.membership_of(collection_id, artifact_id)
            if membership is None:
                raise StoreError("the artifact is not in that collection")
            self._set_aliases(db, collection_id, int(membership["membership_id"]), aliases)

    def remove_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> int:
        """Drop ``aliases`` from this version in a collection; returns how many it had."""
        aliases = bounded(aliases, "aliases")
        if not aliases:
            return 0
        marks = ", ".join("?" for _ in aliases)
        with self._store.transaction() as db:
            return int(
                db.execute(
                    f"DELETE FROM artifact_aliases WHERE collection_id = ? AND alias IN ({marks})"
                    " AND membership_id IN (SELECT id FROM artifact_memberships"
                    " WHERE collection_id = ? AND artifact_id = ?)",
                    [collection_id, *aliases, collection_id, artifact_id],
                ).rowcount
            )

    def replace_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> None:
        """Make ``aliases`` exactly this version's aliases in a collection."""
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        with self._store.transaction() as db:
            membership = self.membership_of(collection_id, artifact_id)
            if membership is None:
                raise StoreError("the artifact is not in that collection")
            db.execute(
                "DELETE FROM artifact_aliases WHERE membership_id = ?",
                (membership["membership_id"],),
            )
            self._set_aliases(db, collection_id, int(membership["membership_id"]), aliases)

    def aliases_of_artifacts(self, artifact_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Aliases of several versions in every collection, with the collection's identity."""
        return self._grouped(
            "SELECT m.artifact_id AS owner, al.id AS alias_id, al.alias, al.membership_id,"
            f" {COLLECTION_COLUMNS} FROM artifact_aliases al"
            " JOIN artifact_memberships m ON m.id = al.membership_id"
            " JOIN artifact_collections c ON c.id = al.collection_id"
            " JOIN artifact_types t ON t.id = c.type_id JOIN projects p ON p.id = c.project_id"
            " JOIN entities e ON e.id = p.entity_id"
            " WHERE m.artifact_id IN ({marks}) ORDER BY al.alias, al.id",
            artifact_ids,
        )

    def aliases_of_memberships(self, membership_ids: Sequence[int]) -> dict[int, list[Row]]:
        return self._grouped(
            "SELECT al.membership_id AS owner, al.id AS alias_id, al.alias FROM artifact_aliases al"
            " WHERE al.membership_id IN ({marks}) ORDER BY al.alias, al.id",
            membership_ids,
        )

    def collection_aliases_page(
        self, collection_id: int, first: int | None, after: str | None
    ) -> Page:
        return self._page(
            "al.id AS alias_id, al.alias, al.membership_id, al.collection_id",
            "FROM artifact_aliases al WHERE al.collection_id = ?",
            (collection_id,),
            [OrderKey(Sql("al.alias")), OrderKey(Sql("al.id"))],
            first,
            after,
        )

    def link(
        self,
        artifact_id: int,
        project_id: int,
        portfolio: str,
        aliases: Sequence[str] = (),
    ) -> Row:
        """Link a version into a portfolio (created on first use); moves ``latest``.

        Linking a version that is already there only adds the aliases.  Returns
        the membership row.
        """
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        artifact = self.artifact_by_id(artifact_id)
        if artifact is None or artifact["state"] == "DELETED":
            raise StoreError("artifact not found")
        with self._store.transaction() as db:
            type_row = self.ensure_type(project_id, str(artifact["type_name"]))
            target = self._ensure_collection(db, project_id, portfolio, type_row, "PORTFOLIO")
            collection_id = int(target["id"])
            existing = self.membership_of(collection_id, artifact_id)
            if existing is None:
                count = db.execute(
                    "SELECT count(*) FROM artifact_memberships WHERE artifact_id = ?",
                    (artifact_id,),
                ).fetchone()[0]
                if count > MAX_PER_VERSION:
                    raise StoreError(
                        f"a version can be linked to at most {MAX_PER_VERSION} collections"
                    )
                version = self._next_version(db, collection_id)
                membership_id = self._add_membership(
                    db, collection_id, artifact_id, version, utc_now()
                )
                self._set_aliases(db, collection_id, membership_id, ["latest", *aliases])
            else:
                self._set_aliases(db, collection_id, int(existing["membership_id"]), aliases)
        row = self.membership_of(collection_id, artifact_id)
        assert row is not None
        return row

    def unlink(self, artifact_id: int, portfolio_id: int) -> bool:
        with self._store.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM artifact_memberships WHERE artifact_id = ? AND collection_id = ?"
                    " AND collection_id IN (SELECT id FROM artifact_collections"
                    " WHERE kind = 'PORTFOLIO')",
                    (artifact_id, portfolio_id),
                ).rowcount
                > 0
            )

    def memberships_page(self, artifact_id: int, first: int | None, after: str | None) -> Page:
        """Every collection a version is in (its sequence first)."""
        return self._page(
            f"{MEMBERSHIP_COLUMNS}, {COLLECTION_COLUMNS}",
            "FROM artifact_memberships m JOIN artifact_collections c ON c.id = m.collection_id"
            " JOIN artifact_types t ON t.id = c.type_id JOIN projects p ON p.id = c.project_id"
            " JOIN entities e ON e.id = p.entity_id WHERE m.artifact_id = ?",
            (artifact_id,),
            [OrderKey(Sql("m.id"))],
            first,
            after,
        )

    def project_ids_of(self, artifact_id: int) -> list[int]:
        """Projects that hold the version: its sequence's and those of its portfolios."""
        rows = self._all(
            "SELECT DISTINCT c.project_id FROM artifact_memberships m"
            " JOIN artifact_collections c ON c.id = m.collection_id WHERE m.artifact_id = ?"
            " LIMIT ?",
            (artifact_id, MAX_PER_VERSION + 1),
        )
        return [int(r["project_id"]) for r in rows]

    # ------------------------------------------------------------------ files
    def files_page(
        self,
        artifact_id: int,
        *,
        names: Sequence[str] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page:
        """A version's files by path (``names``: only those paths)."""
        where, params = self._file_scope(artifact_id, names)
        return self._page(
            FILE_COLUMNS,
            f"FROM artifact_files f WHERE {where}",
            params,
            [OrderKey(Sql("f.path")), OrderKey(Sql("f.id"))],
            first,
            after,
            maximum=MAX_FILE_PAGE,
        )

    def file_count(self, artifact_id: int, names: Sequence[str] | None = None) -> int:
        where, params = self._file_scope(artifact_id, names)
        return int(self._scalar(f"SELECT count(*) FROM artifact_files f WHERE {where}", params))

    @staticmethod
    def _file_scope(artifact_id: int, names: Sequence[str] | None) -> tuple[str, list[object]]:
        where = "f.artifact_id = ?"
        params: list[object] = [artifact_id]
        if names is not None:
            wanted = bounded(names, "file names")
            if not wanted:
                return "0", []
            where += f" AND f.path IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        return where, params

    def file(self, artifact_id: int, path: str) -> Row | None:
        return self._one(
            f"SELECT {FILE_COLUMNS} FROM artifact_files f WHERE f.artifact_id = ? AND f.path = ?",
            (artifact_id, path),
        )

    def blob(self, digest: str) -> bytes | None:
        value = self._scalar("SELECT content FROM artifact_blobs WHERE digest = ?", (digest,))
        return bytes(value) if value is not None else None

    def projects_with_blob(self, digest: str) -> list[Row]:
        """Projects (with entity) whose versions, or links, hold these contents."""
        return self._all(
            "SELECT DISTINCT p.*, e.name AS entity_name FROM artifact_files f"
            " JOIN artifact_memberships m ON m.artifact_id = f.artifact_id"
            " JOIN artifact_collections c ON c.id = m.collection_id"
            " JOIN projects p ON p.id = c.project_id JOIN entities e ON e.id = p.entity_id"
            " WHERE f.digest = ? LIMIT ?",
            (digest, MAX_ITEMS),
        )

    def manifest(self, artifact_id: int) -> dict[str, Any]:
        """The version's manifest, as W&B stores it (``wandb_manifest.json``)."""
        rows = self._all(
            "SELECT path, digest, size FROM artifact_files WHERE artifact_id = ? ORDER BY path",
            (artifact_id,),
        )
        return {
            "version": 1,
            "storagePolicy": STORAGE_POLICY,
            "storagePolicyConfig": {"storageLayout": "V1"},
            "contents": {r["path"]: {"digest": r["digest"], "size": int(r["size"])} for r in rows},
        }

    # ------------------------------------------------------------------ runs
    def use(self, artifact_id: int, run_id: int, used_as: str | None) -> None:
        """Record the version as an input of a run (again: updates ``used_as``)."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO artifact_usage (artifact_id, run_id, used_as, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (artifact_id, run_id)"
                " DO UPDATE SET used_as = excluded.used_as",
                (artifact_id, run_id, used_as, utc_now()),
            )

    def add_output(self, artifact_id: int, run_id: int) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO artifact_outputs (artifact_id, run_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (artifact_id, run_id, utc_now()),
            )

    def run_artifacts_page(
        self, run_id: int, *, inputs: bool, first: int | None, after: str | None
    ) -> Page:
        """A run's used (``inputs``) or logged versions, in the order it recorded them."""
        table = "artifact_usage" if inputs else "artifact_outputs"
        return self._page(
            f"{ARTIFACT_COLUMNS}, x.created_at AS recorded_at",
            f"{ARTIFACT_FROM} JOIN {table} x ON x.artifact_id = a.id WHERE x.run_id = ?",
            (run_id,),
            [OrderKey(Sql("x.created_at")), OrderKey(Sql("a.id"))],
            first,
            after,
        )

    def run_artifact_counts(self, run_id: int, *, inputs: bool) -> dict[int, int]:
        """How many versions a run used/logged, per project that holds them."""
        table = "artifact_usage" if inputs else "artifact_outputs"
        rows = self._all(
            f"SELECT s.project_id, count(*) AS n FROM {table} x JOIN artifacts a"
            " ON a.id = x.artifact_id JOIN artifact_collections s ON s.id = a.sequence_id"
            " WHERE x.run_id = ? GROUP BY s.project_id LIMIT ?",
            (run_id, MAX_ITEMS),
        )
        return {int(r["project_id"]): int(r["n"]) for r in rows}

    def users_page(self, artifact_id: int, first: int | None, after: str | None) -> Page:
        """Run ids that used the version, in the order they did."""
        return self._page(
            "x.run_id, x.used_as",
            "FROM artifact_usage x WHERE x.artifact_id = ?",
            (artifact_id,),
            [OrderKey(Sql("x.created_at")), OrderKey(Sql("x.run_id"))],
            first,
            after,
        )
