"""Where artifact file contents live: :class:`BlobStore`.

Contents are stored once per MD5 (W&B's digest: the base64 of the MD5).  The
``artifact_blobs`` table is the index (digest, size) for every store; where the
bytes live depends on the database:

* a file database (``wandb-typed serve --db``, the pytest plugin's copies): each
  blob is a file beside it, ``<db>.blobs/<2 hex>/<32 hex>`` (the MD5 in hex),
  written to a temporary file in that directory, then renamed into place under the
  store's lock in the transaction that inserts its index row.  Blobs are immutable,
  so copies of a database may hard-link them;
* an in-memory database (``LocalServer()``): in the row (``content``), so the
  server leaves nothing on disk.

The bytes stored in all are a running total (``artifact_blob_usage``, kept by
triggers on the index), so the storage limit costs one lookup per upload.  When
the ``artifact_blobs_gc`` trigger drops an index row, a trigger queues its digest
in ``artifact_blob_trash``; after the transaction commits, the store deletes the
files of queued digests that still have no index row.  Placing a file and
deleting one both happen under the store's lock and look at the index first, so
an upload of contents being collected keeps its file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .._base import RowQueries, StoreError

if TYPE_CHECKING:
    from .. import Store

__all__ = ["BlobStore", "StagedBlob", "StorageFull", "blob_dir_of", "md5_hex_of"]

_HEX_MD5 = re.compile(r"^[0-9a-f]{32}$")
_TEMP_PREFIX = ".upload-"
#: Index rows read per query when a migration or the collector walks many.
_BATCH = 500
#: Seconds after its last write that a temporary upload file counts as abandoned.
_STALE = 3600

#: The index, the running total and the collector's queue.  The ``artifact_blobs``
#: table itself (and the ``artifact_blobs_gc`` trigger) is created in ``_base``.
DDL = [
    """CREATE TABLE IF NOT EXISTS artifact_blob_usage (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        bytes INTEGER NOT NULL
    )""",
    "INSERT OR IGNORE INTO artifact_blob_usage (id, bytes)"
    " SELECT 0, COALESCE(sum(size), 0) FROM artifact_blobs",
    """CREATE TABLE IF NOT EXISTS artifact_blob_trash (
        digest TEXT PRIMARY KEY
    ) WITHOUT ROWID""",
    """CREATE TRIGGER IF NOT EXISTS artifact_blobs_added AFTER INSERT ON artifact_blobs
    BEGIN
        UPDATE artifact_blob_usage SET bytes = bytes + NEW.size WHERE id = 0;
    END""",
    """CREATE TRIGGER IF NOT EXISTS artifact_blobs_removed AFTER DELETE ON artifact_blobs
    BEGIN
        UPDATE artifact_blob_usage SET bytes = bytes - OLD.size WHERE id = 0;
        INSERT OR IGNORE INTO artifact_blob_trash (digest) VALUES (OLD.digest);
    END""",
]


def md5_hex_of(digest: str) -> str:
    """A base64 MD5 (W&B's file digest) -> its hex form; a :class:`StoreError` if it
    is not one."""
    try:
        raw = base64.b64decode(digest, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 16:
        raise StoreError(f"invalid md5 {digest!r}: expected the base64 of 16 bytes")
    return raw.hex()


def blob_dir_of(db_path: str) -> Path | None:
    """The directory holding a file database's blobs (``<db>.blobs``); ``None`` for an
    in-memory database."""
    if db_path in ("", ":memory:"):
        return None
    return Path(f"{db_path}.blobs")


class StorageFull(StoreError):
    """An upload past the server's artifact storage limit (answered HTTP 507)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the local server's artifact storage is full (the limit is {limit:,} bytes;"
            " ServerLimits.max_artifact_storage_bytes)"
        )


class StagedBlob:
    """Contents being received: hashed as they arrive and kept in a temporary file in
    the blob directory (or in memory), until :meth:`BlobStore.place` stores them or
    :meth:`discard` drops them."""

    def __init__(self, directory: Path | None) -> None:
        self.size: int = 0
        self._md5 = hashlib.md5()
        self._chunks: list[bytes] = []
        self.path: Path | None = None
        self._file: int | None = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self._file, name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=directory)
            self.path = Path(name)

    def write(self, chunk: bytes) -> None:
        """Add the next piece of the contents."""
        self._md5.update(chunk)
        self.size += len(chunk)
        if self._file is None:
            self._chunks.append(chunk)
            return
        view = memoryview(chunk)
        while view:
            view = view[os.write(self._file, view) :]

    def finish(self) -> None:
        """No more contents: close the temporary file."""
        if self._file is not None:
            os.close(self._file)
            self._file = None

    @property
    def md5_hex(self) -> str:
        """The MD5 of what was written, in hex."""
        return self._md5.hexdigest()

    def content(self) -> bytes:
        """The contents kept in memory (an in-memory store's)."""
        return b"".join(self._chunks)

    def discard(self) -> None:
        """Drop the contents (nothing happens once they are placed)."""
        self.finish()
        self._chunks.clear()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class BlobStore:
    """The contents of artifact files by digest, on the :class:`Store`'s connection
    (see the module docstring for where they live)."""

    def __init__(self, store: Store, queries: RowQueries) -> None:
        self._store = store
        self._queries = queries
        self._collecting = False
        self.root: Path | None = blob_dir_of(store.path)
        with store.transaction() as db:
            self._migrate(db)
            for statement in DDL:
                db.execute(statement)
        self._sweep()
        store.after_commit.append(self.collect)
        self.collect()

    # ------------------------------------------------------------------ writing
    def stage(self, data: bytes | None = None) -> StagedBlob:
        """A :class:`StagedBlob` to write contents into (``data``: all of them at once)."""
        staged = StagedBlob(self.root)
        if data is not None:
            try:
                staged.write(data)
                staged.finish()
            except BaseException:
                staged.discard()
                raise
        return staged

    def place(
        self, db: sqlite3.Connection, staged: StagedBlob, *, limit: int | None = None
    ) -> bool:
        """Store staged contents under their MD5, inside the caller's transaction: the
        index row, then the file renamed into place (or the bytes in the row).  Returns
        ``False`` (and drops the staged copy) when the contents are already stored;
        :class:`StorageFull` when they would take the total past ``limit``."""
        staged.finish()
        md5_hex = staged.md5_hex
        digest = base64.b64encode(bytes.fromhex(md5_hex)).decode()
        try:
            if db.execute("SELECT 1 FROM artifact_blobs WHERE digest = ?", (digest,)).fetchone():
                if staged.path is not None and not self._file(md5_hex).exists():
                    self._put(staged, md5_hex)  # lost from disk: restored
                return False
            if limit is not None and self.total(db) + staged.size > limit:
                raise StorageFull(limit)
            content = staged.content() if staged.path is None else None
            db.execute(
                "INSERT INTO artifact_blobs (digest, size, content) VALUES (?, ?, ?)",
                (digest, staged.size, content),
            )
            if staged.path is not None:
                self._put(staged, md5_hex)
            return True
        finally:
            staged.discard()

    def _put(self, staged: StagedBlob, md5_hex: str) -> None:
        """Rename a staged file into place (atomic: a reader sees all of it or none)."""
        assert staged.path is not None
        final = self._file(md5_hex)
        final.parent.mkdir(exist_ok=True)
        os.replace(staged.path, final)
        staged.path = None

    # ------------------------------------------------------------------ reading
    def locate(self, digest: str) -> Path | bytes | None:
        """Where the contents under a digest are: the file's path (a file database;
        it may be collected before it is opened), the bytes, or ``None``."""
        try:
            md5_hex = md5_hex_of(digest)
        except StoreError:
            return None
        if self.root is not None:
            return self._file(md5_hex)
        value = self._queries.scalar(
            "SELECT content FROM artifact_blobs WHERE digest = ?", (digest,)
        )
        return bytes(value) if value is not None else None

    def read(self, digest: str) -> bytes | None:
        """The whole contents under a digest, or ``None`` (for tests and small files)."""
        found = self.locate(digest)
        if isinstance(found, Path):
            try:
                return found.read_bytes()
            except FileNotFoundError:
                return None
        return found

    def total(self, db: sqlite3.Connection | None = None) -> int:
        """Bytes of contents stored in all (the running total)."""
        if db is None:
            return int(
                self._queries.scalar("SELECT bytes FROM artifact_blob_usage WHERE id = 0", ())
            )
        row = db.execute("SELECT bytes FROM artifact_blob_usage WHERE id = 0").fetchone()
        return int(row[0]) if row is not None else 0

    def files(self) -> Iterator[Path]:
        """Every blob file on disk (none for an in-memory store)."""
        if self.root is None or not self.root.is_dir():
            return iter(())
        return (p for p in self.root.glob("??/*") if _HEX_MD5.match(p.name))

    # ------------------------------------------------------------------ collecting
    def collect(self) -> None:
        """Delete the files of collected blobs (called after each commit, under the
        store's lock): a queued digest whose index row is back keeps its file."""
        if (
            self._collecting
            or self._queries.one("SELECT 1 FROM artifact_blob_trash LIMIT 1", ()) is None
        ):
            return
        self._collecting = True
        try:
            while self._collect_batch():
                pass
        finally:
            self._collecting = False

    def _collect_batch(self) -> bool:
        with self._store.transaction() as db:
            queued = [
                str(r[0])
                for r in db.execute("SELECT digest FROM artifact_blob_trash LIMIT ?", (_BATCH,))
            ]
            for digest in queued:
                stored = db.execute(
                    "SELECT 1 FROM artifact_blobs WHERE digest = ?", (digest,)
                ).fetchone()
                if stored is None and self.root is not None:
                    with contextlib.suppress(StoreError, OSError):  # a leak, not a failed write
                        self._file(md5_hex_of(digest)).unlink(missing_ok=True)
            db.executemany(
                "DELETE FROM artifact_blob_trash WHERE digest = ?", [(d,) for d in queued]
            )
        return len(queued) == _BATCH

    def _sweep(self) -> None:
        """Delete half uploads a crash left behind: temporary files unwritten for
        :data:`_STALE` seconds (another server process may be writing the newer ones)."""
        if self.root is None or not self.root.is_dir():
            return
        now = time.time()
        for stale in self.root.glob(f"{_TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if now - stale.stat().st_mtime > _STALE:
                    stale.unlink()

    def _file(self, md5_hex: str) -> Path:
        """The file of an MD5 (hex, checked: a digest never names another path)."""
        if self.root is None or not _HEX_MD5.match(md5_hex):
            raise StoreError(f"invalid blob name {md5_hex!r}")
        return self.root / md5_hex[:2] / md5_hex

    # ------------------------------------------------------------------ old databases
    def _migrate(self, db: sqlite3.Connection) -> None:
        """A database written before blobs had a size (contents in the row): rebuild the
        index, moving a file database's contents into files."""
        columns = {str(r[1]) for r in db.execute("PRAGMA table_info(artifact_blobs)")}
        if not columns or "size" in columns:
            return
        gc = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'artifact_blobs_gc'"
        ).fetchone()
        db.execute("DROP TRIGGER IF EXISTS artifact_blobs_gc")
        db.execute("ALTER TABLE artifact_blobs RENAME TO artifact_blobs_before_sizes")
        db.execute(
            "CREATE TABLE artifact_blobs (digest TEXT PRIMARY KEY, size INTEGER NOT NULL,"
            " content BLOB) WITHOUT ROWID"
        )
        last = ""
        while True:
            rows = db.execute(
                "SELECT digest, content FROM artifact_blobs_before_sizes WHERE digest > ?"
                " ORDER BY digest LIMIT ?",
                (last, _BATCH),
            ).fetchall()
            if not rows:
                break
            for digest, content in rows:
                self.place(db, self.stage(bytes(content)))
                last = str(digest)
        db.execute("DROP TABLE artifact_blobs_before_sizes")
        if gc is not None:
            db.execute(str(gc[0]))
