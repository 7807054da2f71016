"""Artifact versions: logging one (its files, digest, ``latest`` and aliases),
looking versions up by id, alias, ``vN`` or digest, pages of a collection's
members, updates and deletes.

A version is born in a sequence and keeps its ``versionIndex`` there; each
collection it is in gives it a membership with that collection's own ``vN``
(never reused).  Deleting a version keeps its row in state ``DELETED`` but drops
its aliases, links and files.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._base import Page, Row, StoreError, format_time, utc_now
from ._base import (
    ARTIFACT_COLUMNS,
    ARTIFACT_FROM,
    MAX_PER_VERSION,
    MEMBERSHIP_COLUMNS,
    VERSION_LABEL,
    bounded,
    manifest_digest,
    md5_b64,
    validate_alias,
)
from .artifact_collections import CollectionsStore
from .blobs import StagedBlob
from .filters import VERSION_FIELDS, VERSION_ORDERS, compile_filter, compile_order
from .tags import TagsStore

if TYPE_CHECKING:
    import sqlite3

__all__ = ["VersionsStore"]

MIME_TYPES = mimetypes.MimeTypes()  # Python's built-in table only: the same on every machine


class VersionsStore(CollectionsStore, TagsStore):
    """Versions and their memberships (``_set_aliases`` points aliases at one)."""

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
            entries.append((path, data, MIME_TYPES.guess_type(path)[0]))
        digests = [(path, md5_b64(data)) for path, data, _ in entries]
        digest = manifest_digest(digests)
        created = format_time(created_at) or utc_now()
        staged: list[StagedBlob] = []  # hashed and written before the transaction
        try:
            for data in {
                d: data for (_, d), (_, data, _) in zip(digests, entries, strict=True)
            }.values():
                staged.append(self.blobs.stage(data))
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
                for blob in staged:
                    self.blobs.place(db, blob)
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
        finally:
            for blob in staged:
                blob.discard()
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
        """A version by id, deleted ones too (``ARTIFACT_COLUMNS``), or ``None``."""
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS} {ARTIFACT_FROM} WHERE a.id = ?", (artifact_id,)
        )

    def membership(self, collection_id: int, alias: str) -> Row | None:
        """The live version ``vN`` or ``alias`` names in a collection (artifact + membership)."""
        version = VERSION_LABEL.match(alias)
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
        """The version's membership of a collection (version + membership columns), or ``None``."""
        return self._one(
            f"SELECT {ARTIFACT_COLUMNS}, {MEMBERSHIP_COLUMNS} {ARTIFACT_FROM}"
            " JOIN artifact_memberships m ON m.artifact_id = a.id"
            " WHERE m.collection_id = ? AND a.id = ?",
            (collection_id, artifact_id),
        )

    def _version_scope(self, collection_id: int, filters: object) -> tuple[str, list[object]]:
        compiled = compile_filter(filters, VERSION_FIELDS)
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
            compile_order(order, VERSION_ORDERS, "-version", "m.version_index"),
            first,
            after,
        )

    def version_count(self, collection_id: int, filters: object = None) -> int:
        """How many members :meth:`versions_page` would list in all (one count query)."""
        where, params = self._version_scope(collection_id, filters)
        return int(
            self._scalar(
                "SELECT count(*) FROM artifact_memberships m JOIN artifacts a"
                f" ON a.id = m.artifact_id WHERE {where}",
                params,
            )
        )

    def latest_version(self, collection_id: int) -> Row | None:
        """The collection's newest live member (highest ``vN``), or ``None``."""
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
