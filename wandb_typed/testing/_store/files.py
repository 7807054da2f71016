"""Run files: bytes kept in SQLite, reserved by ``createRunFiles``, uploaded by PUT."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Sequence
from typing import ClassVar

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, Row, utc_now
from .runs import RunsStore

__all__ = ["FilesStore"]

_FILE_COLUMNS = "f.id, f.run_id, f.name, f.size, f.mimetype, f.md5, f.created_at, f.updated_at"


class FilesStore(RunsStore):
    """Files of a run (``content`` NULL until uploaded)."""

    SCHEMA: ClassVar[str] = """
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
"""

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
        """A run's file by name (uploaded or only reserved), or ``None``."""
        return self._one(
            f"SELECT {_FILE_COLUMNS} FROM files f WHERE f.run_id = ? AND f.name = ?",
            (run_id, name),
        )

    def file_by_id(self, file_id: int) -> Row | None:
        """A run file by id, or ``None``."""
        return self._one(f"SELECT {_FILE_COLUMNS} FROM files f WHERE f.id = ?", (file_id,))

    def file_content(self, file_id: int) -> bytes | None:
        """A run file's bytes (``None`` until uploaded)."""
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
        where = sql("FROM files f WHERE f.run_id = {} AND f.uploaded", run_id)
        wanted = [n for n in names or [] if n]
        if wanted:
            marks = Sql.join(", ", [sql("{}", name) for name in wanted])
            where = sql("{} AND f.name IN ({})", where, marks)
        if pattern:
            where = sql("{} AND f.name LIKE {}", where, pattern)
        return self._page(
            _FILE_COLUMNS,
            where,
            [OrderKey(Sql("f.name")), OrderKey(Sql("f.id"))],
            first,
            after,
        )

    def file_count(self, run_id: int) -> int:
        """How many uploaded files a run has."""
        return int(
            self._scalar("SELECT count(*) FROM files WHERE run_id = ? AND uploaded", (run_id,))
        )

    def delete_files(self, file_ids: Sequence[int], project_id: int | None = None) -> int:
        """Delete run files by id (``project_id``: only that project's); how many went."""
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
