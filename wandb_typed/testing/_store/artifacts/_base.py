"""The artifact store's foundations: limits, tables, the SQL column lists resolvers
see, digests, name rules, and :class:`ArtifactStoreBase` (queries and pages on the
:class:`Store`'s connection), which every artifact store class derives from.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ...._core.artifact_names import check_alias, check_artifact_name_part, check_artifact_tags
from ....errors import InputError
from ..._filters import OrderKey
from ..._sql import Sql
from .._base import Page, Row, RowQueries, StoreError
from .blobs import BlobStore

if TYPE_CHECKING:
    from .. import Store

__all__ = [
    "ARTIFACT_COLUMNS",
    "ARTIFACT_FROM",
    "COLLECTION_COLUMNS",
    "COLLECTION_FROM",
    "DEFAULT_PAGE",
    "FILE_COLUMNS",
    "MANIFEST_HEADER",
    "MAX_FILE_PAGE",
    "MAX_ITEMS",
    "MAX_PAGE",
    "MAX_PER_VERSION",
    "MEMBERSHIP_COLUMNS",
    "STORAGE_POLICY",
    "URL_LIFETIME",
    "VERSION_LABEL",
    "ArtifactStoreBase",
    "bounded",
    "manifest_digest",
    "md5_b64",
    "page_size",
    "split_name",
    "validate_alias",
    "validate_name",
    "validate_tag",
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

VERSION_LABEL = re.compile(r"^v(\d{1,9})$")

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
    # the index of stored contents (see ``blobs``): ``content`` only in an in-memory store
    """CREATE TABLE IF NOT EXISTS artifact_blobs (
        digest TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content BLOB
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


def _client_rule(check: Callable[[], object], what: str) -> None:
    """Run one of the client's own checks (``wandb_typed._core.artifact_names``): the
    server refuses exactly what the client refuses before sending, with its words."""
    try:
        check()
    except InputError as exc:
        raise StoreError(f"invalid {what}: {exc.message}") from None


def validate_name(name: object, what: str) -> str:
    """A type or collection name: 1-128 letters, digits, ``-``, ``_`` or ``.``."""
    _client_rule(lambda: check_artifact_name_part(name, f"{what} name"), f"{what} name")
    assert isinstance(name, str)
    return name


def validate_alias(alias: object) -> str:
    """An alias: 1-128 characters, no ``/``, ``:`` or control characters, no
    surrounding spaces, not a version label like ``v3``."""
    _client_rule(lambda: check_alias(alias), "alias")
    assert isinstance(alias, str)
    return alias


def validate_tag(tag: object) -> str:
    """A tag: 1-128 letters, digits, spaces, ``-``, ``_`` or ``.`` (W&B's rule)."""
    _client_rule(lambda: check_artifact_tags([tag], "tag"), "tag")
    assert isinstance(tag, str)
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


class ArtifactStoreBase:
    """Artifact tables (created on first use) and row queries, sharing the
    :class:`Store`'s connection and lock; the artifact store classes derive from it."""

    def __init__(self, store: Store, queries: RowQueries) -> None:
        self._store = store
        self._queries = queries
        self._secret = secrets.token_bytes(32)
        with store.transaction() as db:
            for statement in _DDL:
                db.execute(statement)
        self.blobs: BlobStore = BlobStore(store, queries)

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

    def _grouped(self, template: str, ids: Sequence[int]) -> dict[int, list[Row]]:
        out: dict[int, list[Row]] = {int(i): [] for i in ids}
        if not ids:
            return out
        marks = ", ".join("?" for _ in ids)
        for row in self._all(template.format(marks=marks), list(ids)):
            out[int(row.pop("owner"))].append(row)
        return out
