"""Artifact files and their contents: a version's files (its manifest entries) by
path, contents stored once per MD5 and shared (a trigger drops unreferenced
blobs), the manifest as W&B stores it, and the HMAC-signed, expiring URLs that
``_routes_artifacts`` serves them under.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import Any

from ..._filters import OrderKey
from ..._sql import Sql
from ..._text import ascii_int
from .._base import Page, Row
from ._base import (
    FILE_COLUMNS,
    MAX_FILE_PAGE,
    MAX_ITEMS,
    STORAGE_POLICY,
    URL_LIFETIME,
    ArtifactStoreBase,
    bounded,
)

__all__ = ["ArtifactFilesStore"]


class ArtifactFilesStore(ArtifactStoreBase):
    """Files, content-addressed blobs, manifests and download signatures."""

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
        when = ascii_int(expires)
        if (
            when is None
            or not token.isascii()
            or not hmac.compare_digest(token, self.sign(kind, key, when))
        ):
            return "invalid or missing signature"
        if when < time.time():
            return "signed URL expired"
        return None

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
        """How many files :meth:`files_page` would list in all (one count query)."""
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
        """A version's file by path, or ``None``."""
        return self._one(
            f"SELECT {FILE_COLUMNS} FROM artifact_files f WHERE f.artifact_id = ? AND f.path = ?",
            (artifact_id, path),
        )

    def blob(self, digest: str) -> bytes | None:
        """The whole contents stored under an MD5 digest (base64), or ``None`` (routes
        stream them from :meth:`BlobStore.locate` instead)."""
        return self.blobs.read(digest)

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
