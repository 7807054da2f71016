"""Who is asking: API keys (``Authorization: Basic base64("api:<key>")`` or ``Bearer
<key>``) and run-file tokens (an HMAC of method, path and the user they were issued
to, so a file URL works without a header while the user keeps read access).

:class:`AppAuth` is the base of the app's route classes: authentication happens
before any other work on a request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING

from ._asgi import Scope, Send, error_body, finish
from ._resolvers import FileLinks
from ._store import Row, Store
from ._text import ascii_int

if TYPE_CHECKING:
    from ._recording import RecordedRequest

__all__ = ["AppAuth", "api_key_from", "file_key_from_path", "unauthorized"]


def api_key_from(authorization: str | None) -> str | None:
    """The API key of a ``Basic base64("api:<key>")`` or ``Bearer <key>`` header."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def file_key_from_path(path: str) -> str:
    """``/files/e/p/r/name`` (URL-quoted) -> ``e/p/r/name`` (decoded), the signed key."""
    from urllib.parse import unquote

    return unquote(path[len("/files/") :])


async def unauthorized(send: Send, record: RecordedRequest, headers: dict[str, str]) -> None:
    """Answer 401 (missing or invalid API key) without reading the body."""
    message = "missing API key" if "authorization" not in headers else "invalid API key"
    await finish(send, record, 401, error_body(f"{message} (HTTP 401)"), close=True)


class AppAuth:
    """API-key authentication and signed run-file URLs, for the app's route classes."""

    store: Store
    file_host: str | None
    _secret: bytes

    def sign(self, method: str, key: str, user_id: int) -> str:
        """Signature of a file URL: HMAC of the method, ``entity/project/run/name`` and
        the user it is issued to (whose access is checked again when it is used)."""
        digest = hmac.new(self._secret, f"{method} {key} {user_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _links(self, scope: Scope, headers: dict[str, str], user_id: int) -> FileLinks:
        scheme = scope.get("scheme", "http")
        server = scope.get("server") or ("127.0.0.1", 80)
        host = headers.get("host") or f"{server[0]}:{server[1]}"
        file_host = f"{self.file_host}:{server[1]}" if self.file_host else host

        def sign(method: str, path: str) -> str:
            return f"{user_id}.{self.sign(method, file_key_from_path(path), user_id)}"

        return FileLinks(f"{scheme}://{host}", f"{scheme}://{file_host}", sign)

    def _authenticate(self, headers: dict[str, str]) -> Row | None:
        key = api_key_from(headers.get("authorization"))
        return self.store.user_by_key(key) if key else None

    def _token_user(self, method: str, key: str, token: str) -> Row | None:
        """The user a file token was issued to, if the token is valid for this
        method and path (``<user id>.<signature>``)."""
        user_id, _, signature = token.partition(".")
        number = ascii_int(user_id)
        if number is None or not signature or not signature.isascii():
            return None
        if not hmac.compare_digest(signature, self.sign(method, key, number)):
            return None
        return self.store.user_by_id(number)
