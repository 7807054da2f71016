"""New artifact versions, as the run SDK (wandb-core) and ``Artifact.save()`` write
them: ``createArtifact`` makes a *pending* version, ``createArtifactFiles`` hands out
a signed upload URL per file whose contents the server lacks, the client PUTs the
blobs (MD5 checked), uploads the manifest (``createArtifactManifest`` /
``updateArtifactManifest``, then a PUT), and ``commitArtifact`` makes it a version.

A pending version has no version index, no membership and no alias: nothing lists
it, so an interrupted upload leaves nothing half-committed.  Asking again for a
pending version with the same digest in the same sequence returns it, so a retry
finishes it.  Commit checks that the manifest and every stored (non-reference)
file's contents are there, in one transaction gives the version the sequence's
next index, its files, ``latest`` and the aliases asked for, and records the run
that logged it.  A committed version with the same digest is reused instead of
creating a new one (digest deduplication).

Manifests: a ``FULL`` manifest lists every file; ``INCREMENTAL`` and ``PATCH`` list
changes over a base version (a ``null`` entry removes a path).  The manifest a
version is served with is the merged one, stored as uploaded (references and
``extra`` fields kept).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from .._base import Row, StoreConflict, StoreError, utc_now
from ._base import MAX_ITEMS, STORAGE_POLICY, manifest_digest, validate_alias
from .aliases import AliasesStore
from .blobs import StagedBlob, StorageFull, md5_hex_of
from .files import ArtifactFilesStore
from .versions import MIME_TYPES

__all__ = ["StorageFull", "UploadsStore", "check_artifact_path", "md5_hex_of"]

#: Most entries in one uploaded manifest.
MAX_MANIFEST_ENTRIES = 1_000_000

_DDL = [
    """CREATE TABLE IF NOT EXISTS artifact_drafts (
        artifact_id INTEGER PRIMARY KEY REFERENCES artifacts(id) ON DELETE CASCADE,
        aliases TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE IF NOT EXISTS artifact_draft_files (
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        digest TEXT NOT NULL,
        mimetype TEXT,
        PRIMARY KEY (artifact_id, path)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS artifact_manifest_uploads (
        id INTEGER PRIMARY KEY,
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
        base_artifact_id INTEGER,
        kind TEXT NOT NULL,
        digest TEXT,
        content TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS artifact_manifest_docs (
        artifact_id INTEGER PRIMARY KEY REFERENCES artifacts(id) ON DELETE CASCADE,
        content TEXT NOT NULL
    )""",
]


def check_artifact_path(path: object) -> str:
    """A file's path inside an artifact: relative, ``/``-separated, no ``..``."""
    if (
        not isinstance(path, str)
        or not path
        or len(path) > 4096
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        raise StoreError(f"invalid artifact file path {path!r}")
    return path


def _entries(doc: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    """A manifest's ``contents``, checked: every entry has a digest and a size (or a
    ``ref``), ``null`` only in a patch."""
    if doc.get("version") != 1:
        raise StoreError("unsupported manifest: 'version' must be 1")
    contents = doc.get("contents")
    if not isinstance(contents, dict):
        raise StoreError("invalid manifest: 'contents' must be an object")
    if len(contents) > MAX_MANIFEST_ENTRIES:  # pyright: ignore[reportUnknownArgumentType]
        raise StoreError(f"too many manifest entries (> {MAX_MANIFEST_ENTRIES:,})")
    out: dict[str, dict[str, Any] | None] = {}
    for path, entry in contents.items():  # pyright: ignore[reportUnknownVariableType]
        check_artifact_path(path)  # pyright: ignore[reportUnknownArgumentType]
        if entry is None:
            out[str(path)] = None  # pyright: ignore[reportUnknownArgumentType]
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):  # pyright: ignore[reportUnknownMemberType]
            raise StoreError(f"invalid manifest entry {path!r}: no digest")
        size = entry.get("size", 0)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if entry.get("ref") is None and (  # pyright: ignore[reportUnknownMemberType]
            not isinstance(size, int) or isinstance(size, bool) or size < 0
        ):
            raise StoreError(
                f"invalid manifest entry {path!r}: size must be a non-negative integer"
            )
        out[str(path)] = dict(entry)  # pyright: ignore[reportUnknownArgumentType]
    return out


class UploadsStore(AliasesStore, ArtifactFilesStore):
    """Pending versions, file upload destinations, manifests and commit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._store.transaction() as db:
            for statement in _DDL:
                db.execute(statement)

    # ------------------------------------------------------------------ versions
    def create_pending(
        self,
        project_id: int,
        collection: str,
        type_name: str,
        digest: str,
        *,
        run_id: int | None,
        user_id: int | None,
        description: str | None = None,
        metadata: str | None = None,
        aliases: Sequence[str] = (),
        history_step: int | None = None,
        ttl_seconds: int | None = None,
        deduplicate: bool = True,
    ) -> tuple[Row, bool]:
        """A pending version of ``collection`` (a sequence, created if missing) for these
        contents; returns ``(row, committed)``: with ``deduplicate``, a committed version
        with the same digest is returned instead (``committed`` true), and a pending one
        with the same digest is returned again (a retry finishes it)."""
        wanted = [validate_alias(a) for a in aliases if a != "latest"]
        if len(wanted) > MAX_ITEMS:
            raise StoreError(f"too many aliases: {len(wanted)} > {MAX_ITEMS}")
        with self._store.transaction() as db:
            existing = self.collection(project_id, collection)
            if existing is not None and existing["kind"] != "SEQUENCE":
                raise StoreConflict(f"{collection!r} is a portfolio, not an artifact sequence")
            if existing is not None and existing["type_name"] != type_name:
                raise StoreConflict(
                    f"artifact {collection!r} has type {existing['type_name']!r}, not {type_name!r}"
                )
            type_row = self.ensure_type(project_id, type_name)
            seq = self._ensure_collection(db, project_id, collection, type_row, "SEQUENCE")
            if deduplicate:
                found = db.execute(
                    "SELECT id, state FROM artifacts WHERE sequence_id = ? AND digest = ?"
                    " AND state IN ('COMMITTED', 'PENDING')"
                    " ORDER BY state = 'COMMITTED' DESC, id DESC LIMIT 1",
                    (seq["id"], digest),
                ).fetchone()
                if found is not None:
                    artifact_id, state = int(found[0]), str(found[1])
                    if state == "PENDING":
                        self._set_draft_aliases(db, artifact_id, wanted)
                        db.execute(
                            "UPDATE artifacts SET run_id = COALESCE(?, run_id) WHERE id = ?",
                            (run_id, artifact_id),
                        )
                    row = self.artifact_by_id(artifact_id)
                    assert row is not None
                    return row, state == "COMMITTED"
            now = utc_now()
            artifact_id = int(
                db.execute(
                    "INSERT INTO artifacts (sequence_id, version_index, digest, description,"
                    " metadata, state, size, file_count, commit_hash, history_step,"
                    " ttl_seconds, run_id, user_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, 'PENDING', 0, 0, '', ?, ?, ?, ?, ?, ?)",
                    (
                        seq["id"],
                        -secrets.randbits(62) - 1,  # a pending version has no index yet
                        digest,
                        description,
                        metadata or "{}",
                        history_step,
                        -1 if ttl_seconds is None else int(ttl_seconds),
                        run_id,
                        user_id,
                        now,
                        now,
                    ),
                ).lastrowid
                or 0
            )
            db.execute(
                "UPDATE artifacts SET version_index = ? WHERE id = ?", (-artifact_id, artifact_id)
            )
            self._set_draft_aliases(db, artifact_id, wanted)
        row = self.artifact_by_id(artifact_id)
        assert row is not None
        return row, False

    @staticmethod
    def _set_draft_aliases(db: Any, artifact_id: int, aliases: Sequence[str]) -> None:
        db.execute(
            "INSERT INTO artifact_drafts (artifact_id, aliases) VALUES (?, ?)"
            " ON CONFLICT (artifact_id) DO UPDATE SET aliases = excluded.aliases",
            (artifact_id, json.dumps(list(dict.fromkeys(aliases)))),
        )

    def _pending(self, artifact_id: int) -> Row:
        row = self.artifact_by_id(artifact_id)
        if row is None:
            raise StoreError(f"artifact {artifact_id} not found")
        if row["state"] != "PENDING":
            raise StoreConflict(f"artifact {artifact_id} is {row['state']}, not PENDING")
        return row

    # ------------------------------------------------------------------ files
    def add_draft_files(
        self, artifact_id: int, files: Sequence[tuple[str, str, str | None]]
    ) -> list[bool]:
        """Record files ``(path, md5, mimetype)`` of a pending version in one transaction;
        for each, whether its contents are still to be uploaded (``False``: the server
        has them already)."""
        for path, digest, _ in files:
            check_artifact_path(path)
            md5_hex_of(digest)
        with self._store.transaction() as db:
            self._check_pending(db, artifact_id)
            db.executemany(
                "INSERT INTO artifact_draft_files (artifact_id, path, digest, mimetype)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (artifact_id, path)"
                " DO UPDATE SET digest = excluded.digest, mimetype = excluded.mimetype",
                [(artifact_id, path, digest, mimetype) for path, digest, mimetype in files],
            )
            return [
                db.execute("SELECT 1 FROM artifact_blobs WHERE digest = ?", (d,)).fetchone() is None
                for _, d, _ in files
            ]

    @staticmethod
    def _check_pending(db: Any, artifact_id: int) -> None:
        """A :class:`StoreError` unless the version exists and is pending (one lookup)."""
        found = db.execute("SELECT state FROM artifacts WHERE id = ?", (artifact_id,)).fetchone()
        if found is None:
            raise StoreError(f"artifact {artifact_id} not found")
        if found[0] != "PENDING":
            raise StoreConflict(f"artifact {artifact_id} is {found[0]}, not PENDING")

    def storage_bytes(self) -> int:
        """Bytes of artifact contents stored in all (a running total)."""
        return self.blobs.total()

    def store_upload(
        self, artifact_id: int, md5_hex: str, content: bytes | StagedBlob, limit: int
    ) -> None:
        """Store a file's contents uploaded for a pending version: the MD5 must be the
        one the URL was issued for, and the server's storage limit must hold them.  The
        contents are staged (hashed, written) before; only the index row and the
        rename into place happen in the transaction."""
        staged = self.blobs.stage(content) if isinstance(content, bytes) else content
        try:
            staged.finish()
            if staged.md5_hex != md5_hex:
                raise StoreError("the uploaded contents do not match their MD5")
            with self._store.transaction() as db:
                self._check_pending(db, artifact_id)
                self.blobs.place(db, staged, limit=limit)
        finally:
            staged.discard()

    # ------------------------------------------------------------------ manifests
    def create_manifest(
        self, artifact_id: int, kind: str, digest: str | None, base_artifact_id: int | None
    ) -> int:
        """A manifest upload slot for a pending version; returns its id."""
        self._pending(artifact_id)
        if kind not in ("FULL", "INCREMENTAL", "PATCH"):
            raise StoreError(f"unknown manifest type {kind!r}")
        if kind != "FULL" and base_artifact_id is None:
            raise StoreError(f"a {kind} manifest needs baseArtifactID")
        with self._store.transaction() as db:
            return int(
                db.execute(
                    "INSERT INTO artifact_manifest_uploads (artifact_id, base_artifact_id, kind,"
                    " digest) VALUES (?, ?, ?, ?)",
                    (artifact_id, base_artifact_id, kind, digest),
                ).lastrowid
                or 0
            )

    def manifest_upload(self, manifest_id: int) -> Row | None:
        """A manifest upload slot by id, or ``None``."""
        return self._one("SELECT * FROM artifact_manifest_uploads WHERE id = ?", (manifest_id,))

    def update_manifest(
        self, manifest_id: int, digest: str | None, base_artifact_id: int | None
    ) -> Row:
        """Change a slot's digest or base (``updateArtifactManifest``); returns the slot."""
        slot = self.manifest_upload(manifest_id)
        if slot is None:
            raise StoreError(f"artifact manifest {manifest_id} not found")
        self._pending(int(slot["artifact_id"]))
        with self._store.transaction() as db:
            db.execute(
                "UPDATE artifact_manifest_uploads SET digest = COALESCE(?, digest),"
                " base_artifact_id = COALESCE(?, base_artifact_id) WHERE id = ?",
                (digest, base_artifact_id, manifest_id),
            )
        updated = self.manifest_upload(manifest_id)
        assert updated is not None
        return updated

    def store_manifest(self, manifest_id: int, content: bytes) -> None:
        """The uploaded manifest of a slot (checked, kept as uploaded)."""
        slot = self.manifest_upload(manifest_id)
        if slot is None:
            raise StoreError(f"artifact manifest {manifest_id} not found")
        self._pending(int(slot["artifact_id"]))
        try:
            doc = json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreError(f"the manifest is not valid JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise StoreError("the manifest must be a JSON object")
        _entries(doc)  # pyright: ignore[reportUnknownArgumentType]
        with self._store.transaction() as db:
            db.execute(
                "UPDATE artifact_manifest_uploads SET content = ? WHERE id = ?",
                (content.decode(), manifest_id),
            )

    def served_manifest(self, artifact_id: int) -> dict[str, Any] | None:
        """The manifest a committed version was uploaded with, or ``None`` (seeded ones)."""
        text = self._scalar(
            "SELECT content FROM artifact_manifest_docs WHERE artifact_id = ?", (artifact_id,)
        )
        return json.loads(text) if text is not None else None

    def manifest(self, artifact_id: int) -> dict[str, Any]:
        """The version's manifest: as uploaded (merged), else built from its files."""
        doc = self.served_manifest(artifact_id)
        return doc if doc is not None else super().manifest(artifact_id)

    def _base_entries(self, base_artifact_id: int) -> dict[str, dict[str, Any]]:
        doc = self.manifest(base_artifact_id)
        return {k: v for k, v in _entries(doc).items() if v is not None}

    # ------------------------------------------------------------------ commit
    def commit(self, artifact_id: int) -> Row:
        """Make a pending version a version (see the module docstring)."""
        row = self._pending(artifact_id)
        slot = self._one(
            "SELECT * FROM artifact_manifest_uploads WHERE artifact_id = ? AND content IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            (artifact_id,),
        )
        if slot is None:
            raise StoreError(f"artifact {artifact_id}: its manifest was not uploaded")
        doc: dict[str, Any] = json.loads(str(slot["content"]))
        entries = _entries(doc)
        if slot["kind"] != "FULL":
            base = self.artifact_by_id(int(slot["base_artifact_id"]))
            if base is None or base["state"] != "COMMITTED":
                raise StoreError(f"base artifact {slot['base_artifact_id']} is not committed")
            merged: dict[str, dict[str, Any] | None] = dict(self._base_entries(int(base["id"])))
            merged.update(entries)
            entries = merged
        files = {path: entry for path, entry in entries.items() if entry is not None}
        stored = {p: e for p, e in files.items() if e.get("ref") is None}
        drafts = {
            str(r["path"]): r
            for r in self._all(
                "SELECT path, digest, mimetype FROM artifact_draft_files WHERE artifact_id = ?",
                (artifact_id,),
            )
        }
        digest = manifest_digest((path, str(e["digest"])) for path, e in files.items())
        with self._store.transaction() as db:
            missing = [
                path
                for path, e in stored.items()
                if db.execute(
                    "SELECT 1 FROM artifact_blobs WHERE digest = ?", (e["digest"],)
                ).fetchone()
                is None
            ]
            if missing:
                shown = ", ".join(repr(p) for p in sorted(missing)[:5])
                raise StoreError(
                    f"artifact {artifact_id}: {len(missing)} file(s) were not uploaded ({shown})"
                )
            sequence_id = int(row["sequence_id"])
            version = self._next_version(db, sequence_id)
            commit_hash = hashlib.sha1(f"{sequence_id}:{version}:{digest}".encode()).hexdigest()
            now = utc_now()
            db.execute(
                "UPDATE artifacts SET state = 'COMMITTED', version_index = ?, digest = ?,"
                " size = ?, file_count = ?, commit_hash = ?, updated_at = ? WHERE id = ?",
                (
                    version,
                    digest,
                    sum(int(e.get("size") or 0) for e in files.values()),
                    len(files),
                    commit_hash[:20],
                    now,
                    artifact_id,
                ),
            )
            db.executemany(
                "INSERT INTO artifact_files (artifact_id, path, digest, size, mimetype)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        artifact_id,
                        path,
                        e["digest"],
                        int(e.get("size") or 0),
                        (drafts[path]["mimetype"] if path in drafts else None)
                        or MIME_TYPES.guess_type(path)[0],
                    )
                    for path, e in stored.items()
                ],
            )
            served = {
                "version": 1,
                "storagePolicy": doc.get("storagePolicy") or STORAGE_POLICY,
                "storagePolicyConfig": doc.get("storagePolicyConfig") or {"storageLayout": "V2"},
                "contents": files,
            }
            db.execute(
                "INSERT OR REPLACE INTO artifact_manifest_docs (artifact_id, content) VALUES (?, ?)",
                (artifact_id, json.dumps(served, separators=(",", ":"))),
            )
            membership = self._add_membership(db, sequence_id, artifact_id, version, now)
            aliases_text = db.execute(
                "SELECT aliases FROM artifact_drafts WHERE artifact_id = ?", (artifact_id,)
            ).fetchone()
            aliases: list[str] = json.loads(aliases_text[0]) if aliases_text else []
            self._set_aliases(db, sequence_id, membership, ["latest", *aliases])
            if row["run_id"] is not None:
                db.execute(
                    "INSERT INTO artifact_outputs (artifact_id, run_id, created_at)"
                    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (artifact_id, row["run_id"], now),
                )
            db.execute("DELETE FROM artifact_drafts WHERE artifact_id = ?", (artifact_id,))
            db.execute("DELETE FROM artifact_draft_files WHERE artifact_id = ?", (artifact_id,))
        committed = self.artifact_by_id(artifact_id)
        assert committed is not None
        return committed
