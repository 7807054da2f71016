"""HTTP routes that serve artifact contents (plugged into ``LocalApp``).

``GET|HEAD /artifact-files/{artifact id}/{path}?expires=...&token=...``
    One file of a version: the ``directUrl`` (and ``url``) the GraphQL API hands
    out.  The token (see ``ArtifactStore.sign``) is the authorization, like a
    cloud-storage signed URL: no API key is needed, and none is looked at.
``GET|HEAD /artifact-manifests/{artifact id}?expires=...&token=...``
    The version's manifest JSON (``currentManifest.file.directUrl``).
``GET|HEAD /artifacts/{entity}/{md5 hex}``
    W&B's storage layout V1 fallback (what the official client requests when it
    has no signed URL for a manifest entry).  Needs the API key (Basic
    ``api:<key>`` or Bearer) of a user who can read a project of ``entity``
    holding those contents.

An invalid or missing token is 401, an expired one 403, a missing object 404;
bodies are JSON ``{"errors": [{"message": ...}]}`` like the other routes.  File
contents are streamed from the blob's file in bounded chunks, and one ``Range`` is
honoured (``_blob_responses``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from ._asgi import respond
from ._blob_responses import NotStored, send_blob
from ._resolvers import FileLinks, RequestContext
from ._resolvers.artifact_files import manifest_bytes
from ._store import Row, Store
from ._text import ascii_int

if TYPE_CHECKING:
    from ._asgi import Send
    from ._recording import RecordedRequest

__all__ = ["ArtifactRoutes"]

_FILES = "/artifact-files/"
_MANIFESTS = "/artifact-manifests/"
_BLOBS = "/artifacts/"
_HEX_MD5 = re.compile(r"^[0-9a-f]{32}$")
_NO_LINKS = FileLinks("", "", lambda method, path: "")  # the blob route hands out no URLs


def _error_body(message: str) -> bytes:
    return json.dumps({"errors": [{"message": message}]}, separators=(",", ":")).encode()


class ArtifactRoutes:
    """Serves artifact files and manifests for one :class:`Store`."""

    def __init__(self, store: Store, authenticate: Callable[[dict[str, str]], Row | None]) -> None:
        self.store: Store = store
        self._authenticate = authenticate

    @staticmethod
    def label(path: str) -> str | None:
        """The route's name in traffic stats (``/artifact-files`` ...), or None."""
        for prefix in (_FILES, _MANIFESTS, _BLOBS):
            if path.startswith(prefix):
                return prefix.rstrip("/")
        return None

    def handles(self, path: str, method: str) -> bool:
        """Whether this is a GET or HEAD of one of the artifact routes."""
        return method in ("GET", "HEAD") and self.label(path) is not None

    async def __call__(
        self,
        scope: dict[str, Any] | Any,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        path: str = scope["path"]
        query = parse_qs(scope.get("query_string", b"").decode())
        expires = query.get("expires", [""])[0]
        token = query.get("token", [""])[0]
        head = scope["method"] == "HEAD"
        body: Path | bytes
        if path.startswith(_MANIFESTS):
            status, body, content_type = self._manifest(path[len(_MANIFESTS) :], expires, token)
        elif path.startswith(_FILES):
            status, body, content_type = self._file(path[len(_FILES) :], expires, token)
        else:
            status, body, content_type = self._blob(path[len(_BLOBS) :], headers)
        if status == 200 and path.startswith((_FILES, _BLOBS)):
            try:
                await send_blob(
                    send, record, body, content_type, head=head, range_header=headers.get("range")
                )
                return
            except NotStored:  # collected since the lookup
                status, body, content_type = (
                    404,
                    _error_body("contents not found"),
                    "application/json",
                )
        assert isinstance(body, bytes)
        await _finish(send, record, status, body, content_type, head=head)

    # ------------------------------------------------------------------ routes
    def _file(self, rest: str, expires: str, token: str) -> tuple[int, Path | bytes, str]:
        artifact_id, _, quoted = rest.partition("/")
        path = unquote(quoted)
        if ascii_int(artifact_id) is None or not path:
            return 404, _error_body("bad artifact file path"), "application/json"
        refused = self.store.artifacts.check_signature(
            "file", f"{artifact_id}/{path}", expires, token
        )
        if refused:
            return _refusal(refused)
        row = self.store.artifacts.file(int(artifact_id), path)
        content = self.store.artifacts.blobs.locate(str(row["digest"])) if row else None
        if row is None or content is None:
            return 404, _error_body(f"artifact file {path!r} not found"), "application/json"
        return 200, content, str(row["mimetype"] or "application/octet-stream")

    def _manifest(self, rest: str, expires: str, token: str) -> tuple[int, bytes, str]:
        if ascii_int(rest) is None:
            return 404, _error_body("bad manifest path"), "application/json"
        refused = self.store.artifacts.check_signature("manifest", rest, expires, token)
        if refused:
            return _refusal(refused)
        artifact = self.store.artifacts.artifact_by_id(int(rest))
        if artifact is None or artifact["state"] == "DELETED":
            return 404, _error_body("artifact not found"), "application/json"
        return 200, manifest_bytes(self.store.artifacts.manifest(int(rest))), "application/json"

    def _blob(self, rest: str, headers: dict[str, str]) -> tuple[int, Path | bytes, str]:
        user = self._authenticate(headers)
        if user is None:
            message = "missing API key" if "authorization" not in headers else "invalid API key"
            return 401, _error_body(message), "application/json"
        entity, _, hexdigest = rest.partition("/")
        if not entity or not _HEX_MD5.match(hexdigest):
            return 404, _error_body("bad artifact path"), "application/json"
        digest = base64.b64encode(bytes.fromhex(hexdigest)).decode()
        viewer = RequestContext(store=self.store, viewer=user, links=_NO_LINKS)
        readable = any(
            project["entity_name"] == unquote(entity) and viewer.can_read(project)
            for project in self.store.artifacts.projects_with_blob(digest)
        )
        content = self.store.artifacts.blobs.locate(digest) if readable else None
        if content is None:
            return 404, _error_body("artifact contents not found"), "application/json"
        return 200, content, "application/octet-stream"


def _refusal(reason: str) -> tuple[int, bytes, str]:
    return (403 if "expired" in reason else 401), _error_body(reason), "application/json"


async def _finish(
    send: Send, record: RecordedRequest, status: int, body: bytes, content_type: str, *, head: bool
) -> None:
    record.status = status
    record.response_bytes = 0 if head else len(body)
    await respond(send, status, b"" if head else body, content_type, content_length=len(body))
