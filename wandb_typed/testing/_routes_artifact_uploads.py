"""HTTP routes that take new artifact contents (plugged into ``LocalApp``).

``PUT /artifact-uploads/{artifact id}/{md5 hex}?expires=...&token=...``
    One file of a pending version: the ``uploadUrl`` ``createArtifactFiles`` hands
    out.  The token (``ArtifactStore.sign`` over the artifact and the MD5) is the
    authorization, like a cloud-storage signed URL.  The body must be the contents
    that MD5 names (else 400), at most ``ServerLimits.max_file_bytes`` (413), and fit
    within ``max_artifact_storage_bytes`` (507, naming the limit).
``PUT /artifact-manifest-uploads/{manifest id}?expires=...&token=...``
    The manifest JSON of a pending version (``createArtifactManifest`` /
    ``updateArtifactManifest``), checked before it is kept.

An invalid or missing token is 401, an expired one 403, a path that names no
artifact (``../`` included: paths are never file names here) 404, a version no
longer pending 409.  A file's body is hashed and written as it arrives (to a
temporary file in the blob directory of a file database, see
``_store/artifacts/blobs``), and only its index row is written under the store's lock.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any

from ._asgi import (
    Receive,
    Send,
    TooLarge,
    error_body,
    finish,
    read_body,
    read_body_into,
    too_large,
)
from ._limits import ServerLimits
from ._recording import RecordedRequest
from ._store import Store, StoreConflict, StoreError
from ._store.artifacts.blobs import StorageFull

__all__ = ["ArtifactUploadRoutes"]

_FILE = re.compile(r"^/artifact-uploads/(\d{1,18})/([0-9a-f]{32})$")
_MANIFEST = re.compile(r"^/artifact-manifest-uploads/(\d{1,18})$")
_PREFIXES = ("/artifact-uploads/", "/artifact-manifest-uploads/")


class ArtifactUploadRoutes:
    """Takes the files and manifests of pending versions for one :class:`Store`."""

    def __init__(self, store: Store, limits: ServerLimits) -> None:
        self.store: Store = store
        self.limits: ServerLimits = limits

    @staticmethod
    def label(path: str) -> str | None:
        """The route's name in traffic stats, or ``None``."""
        for prefix in _PREFIXES:
            if path.startswith(prefix):
                return prefix.rstrip("/")
        return None

    def handles(self, path: str, method: str) -> bool:
        """Whether this is a PUT to one of the upload routes."""
        return method == "PUT" and self.label(path) is not None

    async def __call__(
        self,
        scope: dict[str, Any] | Any,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        from urllib.parse import parse_qs

        path: str = scope["path"]
        query = parse_qs(scope.get("query_string", b"").decode())
        expires, token = query.get("expires", [""])[0], query.get("token", [""])[0]
        file_match, manifest_match = _FILE.match(path), _MANIFEST.match(path)
        if file_match:
            kind, key = "upload", f"{file_match[1]}/{file_match[2]}"
        elif manifest_match:
            kind, key = "manifest-upload", manifest_match[1]
        else:
            await finish(send, record, 404, error_body("bad upload path"), close=True)
            return
        refused = self.store.artifacts.check_signature(kind, key, expires, token)
        if refused:
            status = 403 if "expired" in refused else 401
            await finish(send, record, status, error_body(refused), close=True)
            return
        if file_match:
            await self._file(receive, send, record, headers, int(file_match[1]), file_match[2])
            return
        assert manifest_match is not None
        try:
            body = await read_body(receive, headers, self.limits.max_file_bytes, record)
        except TooLarge:
            await too_large(send, record, self.limits.max_file_bytes)
            return
        await self._answer(
            send, record, asyncio.to_thread(
                self.store.artifacts.store_manifest, int(manifest_match[1]), body
            )
        )  # fmt: skip

    async def _file(
        self,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
        artifact_id: int,
        md5_hex: str,
    ) -> None:
        """One file's contents: hashed and written to a staged blob as they arrive (a
        temporary file beside the database), never held whole; then stored."""
        arts = self.store.artifacts
        staged = arts.blobs.stage()
        try:
            try:
                await read_body_into(
                    receive, headers, self.limits.max_file_bytes, record, staged.write
                )
            except TooLarge:
                await too_large(send, record, self.limits.max_file_bytes)
                return
            limit = self.limits.max_artifact_storage_bytes
            # in a worker thread: the store's lock may be held by a GraphQL request
            await self._answer(
                send, record, asyncio.to_thread(arts.store_upload, artifact_id, md5_hex, staged, limit)
            )  # fmt: skip
        finally:
            staged.discard()

    @staticmethod
    async def _answer(send: Send, record: RecordedRequest, stored: Awaitable[None]) -> None:
        """Await the store call and answer: 200, or the status its refusal maps to."""
        try:
            await stored
        except StorageFull as exc:
            await finish(send, record, 507, error_body(str(exc)))
            return
        except StoreConflict as exc:
            await finish(send, record, 409, error_body(str(exc)))
            return
        except StoreError as exc:
            status = 404 if "not found" in str(exc) else 400
            await finish(send, record, status, error_body(str(exc)))
            return
        await finish(send, record, 200, b"", "text/plain")
