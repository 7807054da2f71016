"""Run file bytes: ``GET|HEAD|PUT /files/{entity}/{project}/{run}/{name}?token=...``.

``token`` (handed out in ``File.url``/``directUrl``/``uploadUrl``) names the user
it was issued to and is an HMAC of method, path and user, so no Authorization
header is needed; a valid API key works as well.  Either way the user must still
be allowed to read the run's project (public, or a member of its entity),
otherwise 404; a PUT needs membership of the entity (403 for a readable project)
and bodies over ``ServerLimits.max_file_bytes`` get 413.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ._asgi import Receive, Scope, Send, TooLarge, error_body, finish, read_body, respond, too_large
from ._auth import AppAuth
from ._limits import ServerLimits
from ._recording import RecordedRequest
from ._resolvers import can_read_project

__all__ = ["FileRoutes"]


class FileRoutes(AppAuth):
    """The ``/files/...`` routes: run file downloads and signed uploads."""

    limits: ServerLimits

    async def _file(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        method = scope["method"]
        parts = scope["path"][len("/files/") :].split("/", 3)
        if len(parts) != 4 or not all(parts):
            await finish(send, record, 404, error_body("bad file path"), close=True)
            return
        entity, project, run_name, name = parts
        key = "/".join(parts)
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
        signed_for = "PUT" if method == "PUT" else "GET"
        user = self._token_user(signed_for, key, token) or self._authenticate(headers)
        if user is None:
            body = error_body("invalid or missing file token")
            await finish(send, record, 401, body, close=True)
            return
        project_row = self.store.project(entity, project)
        readable = project_row is not None and can_read_project(self.store, project_row, user)
        run = self.store.run(int(project_row["id"]), run_name) if project_row else None
        if run is None or not readable:
            body = error_body(f"run {entity}/{project}/{run_name} not found")
            await finish(send, record, 404, body, close=True)
            return
        assert project_row is not None
        file_row = self.store.file(int(run["id"]), name)
        if method == "PUT":
            if not self.store.is_member(int(project_row["entity_id"]), int(user["id"])):
                message = f"permission denied: {user['username']} cannot write to {entity!r}"
                await finish(send, record, 403, error_body(message), close=True)
                return
            try:
                body = await read_body(receive, headers, self.limits.max_file_bytes, record)
            except TooLarge:
                await too_large(send, record, self.limits.max_file_bytes)
                return
            mimetype = headers.get("content-type")
            if mimetype in (None, "", "application/octet-stream"):
                mimetype = None
            if file_row is None:
                self.store.add_file(int(run["id"]), name, body, mimetype=mimetype)
            else:
                self.store.store_upload(int(file_row["id"]), body, mimetype)
            await finish(send, record, 200, b"", "text/plain")
            return
        content = self.store.file_content(int(file_row["id"])) if file_row else None
        if file_row is None or content is None:
            await finish(send, record, 404, error_body(f"file {name} not found"))
            return
        record.status = 200
        record.response_bytes = 0 if method == "HEAD" else len(content)
        await respond(
            send,
            200,
            b"" if method == "HEAD" else content,
            str(file_row["mimetype"] or "application/octet-stream"),
            content_length=len(content),
        )
