"""Run files: list, fetch one, download, upload, delete.

Downloads stream to a temporary file beside the target and are renamed into place
only when complete (and, when the server gives an MD5, verified), with the same
bounded retries as queries. The ``Authorization`` header goes only to the
configured server's own origin: a signed URL on another host, or a redirect to
one, gets no credentials. A file name that would land outside ``root``
(``../x``, an absolute path) is refused before any request.
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

from ._modes import Bound, M, op
from ._steps import Close, ReadBody, Runner, Send, Sleep, Steps, call
from .errors import (
    APIConnectionError,
    APIStatusError,
    InputError,
    NotFoundError,
    ResponseValidationError,
    WandbError,
)
from .paging import Page, SizedPaginator, page_of

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import FileFields

    from .api import ApiBase
    from .runs import Run

__all__ = ["File"]

_MAX_REDIRECTS = 5


@dataclass(frozen=True, eq=False)
class File(Bound[M]):
    """A file saved with a run."""

    id: str
    name: str
    """Path of the file within the run, e.g. ``media/images/a.png``."""
    size: int
    md5: str | None
    """Base64 MD5 digest, as W&B reports it."""
    mimetype: str | None
    url: str | None
    """Download URL (a W&B endpoint or a signed storage URL)."""
    direct_url: str
    updated_at: datetime | None
    run: Run[M] = field(repr=False)

    @property
    def _runner(self) -> Runner:
        return self.run._runner

    def __eq__(self, other: object) -> bool:
        return isinstance(other, File) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def from_fields(cls, run: Run[M], f: FileFields) -> File[M]:
        return File(
            id=f.id, name=f.name, size=f.size_bytes, md5=f.md_5, mimetype=f.mimetype, url=f.url,
            direct_url=f.direct_url, updated_at=f.updated_at, run=run,
        )  # fmt: skip

    @op
    def download(
        self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False
    ) -> Steps[Path]:
        """Download to ``root/name`` and return that path.

        An existing file is an error unless ``replace`` (overwrite) or ``exist_ok``
        (keep it, no request) is given.
        """
        dest = safe_destination(root, self.name)
        if dest.exists():
            if exist_ok and not replace:
                return dest
            if not replace:
                raise InputError(
                    f"{dest} already exists; pass replace=True to overwrite or exist_ok=True to keep it"
                )
        if not self.url:
            raise NotFoundError(f"file {self.name} of {self.run.path} has no download URL")
        yield from download_to(self.run._api, self.url, dest, self.md5)
        return dest

    @op
    def delete(self) -> Steps[None]:
        """Delete the file from the run."""
        file_id, project_id = self.id, self.run.project_internal_id
        yield from call(lambda c: c.delete_run_files(files=[file_id], project_id=project_id))


def safe_destination(root: str | Path, name: str) -> Path:
    """``root/name``, refusing names that are absolute or climb out of ``root``."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise InputError(f"refusing to write a file with the name {name!r}")
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise InputError(f"refusing to write {name!r}: it would land outside the download root")
    base = Path(root).resolve()
    dest = (base / Path(*pure.parts)).resolve()
    if base != dest and base not in dest.parents:
        raise InputError(f"refusing to write {name!r}: it would land outside {base}")
    return dest


def _same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _headers(api: ApiBase[Any], url: str) -> dict[str, str]:
    headers = {"User-Agent": api.user_agent}
    if _same_origin(url, api.settings.base_url):
        token = base64.b64encode(f"api:{api.settings.api_key}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


def _send_with_redirects(
    api: ApiBase[Any],
    method: str,
    url: str,
    content: bytes | None = None,
    extra: dict[str, str] | None = None,
) -> Steps[httpx.Response | httpx.TransportError]:
    """Send, following redirects; credentials only ever go to the server's own origin."""
    for _ in range(_MAX_REDIRECTS + 1):
        headers = {**_headers(api, url), **(extra or {})}
        reply: httpx.Response | httpx.TransportError = yield Send(
            httpx.Request(method, url, headers=headers, content=content), stream=True
        )
        if isinstance(reply, httpx.TransportError) or not reply.is_redirect:
            return reply
        location = reply.headers.get("location")
        yield Close(reply)
        if not location:
            raise APIStatusError(
                f"{method} {_redact(url)}: redirect without a Location header",
                status_code=reply.status_code,
            )
        url = urljoin(url, location)
    raise APIStatusError(f"{method}: more than {_MAX_REDIRECTS} redirects", status_code=310)


def _redact(url: str) -> str:
    """A URL for messages: signed query strings carry credentials of their own."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


def _retrying(api: ApiBase[Any], attempt: int, error: WandbError) -> Steps[None]:
    policy = api.settings.retry
    if attempt >= policy.max_attempts:
        error.message = f"{error.message} [gave up after {attempt} attempts]"
        error.args = (error.message,)
        raise error
    yield Sleep(policy.backoff(attempt, random.random()))


def download_to(api: ApiBase[Any], url: str, dest: Path, md5: str | None) -> Steps[None]:
    """GET ``url`` into ``dest`` atomically, verifying the MD5 when given."""
    attempt = 0
    while True:
        attempt += 1
        reply = yield from _send_with_redirects(api, "GET", url)
        if isinstance(reply, httpx.TransportError):
            yield from _retrying(
                api,
                attempt,
                APIConnectionError(f"download of {_redact(url)} failed: {reply}", url=_redact(url)),
            )
            continue
        if reply.status_code >= 400:
            yield Close(reply)
            error = APIStatusError(
                f"download of {_redact(url)}: HTTP {reply.status_code}",
                status_code=reply.status_code,
            )
            if reply.status_code in api.settings.retry.retry_statuses:
                yield from _retrying(api, attempt, error)
                continue
            if reply.status_code == 404:
                raise NotFoundError(error.message)
            raise error
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.{os.getpid()}.{random.getrandbits(32):08x}.part")
        digest = hashlib.md5(usedforsecurity=False)
        failure: WandbError | None = None
        try:
            with part.open("wb") as out:
                while True:
                    chunk = yield ReadBody(reply)
                    if isinstance(chunk, httpx.TransportError):
                        failure = APIConnectionError(
                            f"download of {_redact(url)} broke off: {chunk}", url=_redact(url)
                        )
                        break
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
            if failure is None and md5 and base64.b64encode(digest.digest()).decode() != md5:
                failure = ResponseValidationError(
                    f"download of {_redact(url)}: MD5 mismatch (corrupt or truncated)"
                )
            if failure is None:
                os.replace(part, dest)
                return
        finally:
            if part.exists():
                part.unlink()
        yield Close(reply)
        yield from _retrying(api, attempt, failure)


def list_files(
    run: Run[M], names: Sequence[str] | None, per_page: int
) -> SizedPaginator[File[M], M]:
    """The lazy collection of a run's files."""
    if names is not None and (
        isinstance(names, str) or not all(isinstance(n, str) and n for n in names)
    ):
        raise InputError("names must be a list of non-empty strings")
    wanted: list[str | None] | None = list(names) if names is not None else None
    entity, project, name = run.entity, run.project, run.id

    def fetch(cursor: str | None, first: int) -> Steps[Page[File[M]]]:
        result = yield from call(
            lambda c: c.run_file_page(
                entity=entity,
                project=project,
                name=name,
                names=wanted,
                cursor=cursor,
                per_page=first,
            )
        )
        if result.project is None or result.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunFilePage")
        total = result.project.run.file_count if wanted is None else None
        return page_of(result.project.run.files, lambda node: File.from_fields(run, node), total)

    return SizedPaginator(
        run, fetch, per_page=per_page, what=f"files of {run.path}", key=lambda f: f.id
    )


def fetch_file(run: Run[M], name: str) -> Steps[File[M]]:
    """One file of a run by name."""
    if not isinstance(name, str) or not name:
        raise InputError(f"file name must be a non-empty string, got {name!r}")
    entity, project, run_name = run.entity, run.project, run.id
    result = yield from call(
        lambda c: c.run_file_page(
            entity=entity, project=project, name=run_name, names=[name], per_page=1
        )
    )
    if result.project is None or result.project.run is None:
        raise NotFoundError.of(f"run {run.path}", "RunFilePage")
    conn = result.project.run.files
    for edge in conn.edges if conn is not None else []:
        if edge.node is not None and edge.node.name == name:
            return File.from_fields(run, edge.node)
    raise NotFoundError(f"file {name!r} not found in run {run.path}", operation_name="RunFilePage")


def upload_file(run: Run[M], path: str | Path, root: str | Path) -> Steps[File[M]]:
    """Upload ``path`` as ``relpath(path, root)`` and return the stored file."""
    source = Path(path)
    if not source.is_file():
        raise InputError(f"{source} is not a file")
    try:
        name = source.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        raise InputError(
            f"{source} is not under root {root}; pass the directory it should be relative to"
        ) from None
    data = source.read_bytes()
    api, entity, project, run_name = run._api, run.entity, run.project, run.id
    result = yield from call(
        lambda c: c.create_run_upload_urls(
            entity=entity, project=project, run=run_name, files=[name]
        )
    )
    targets = (
        [f for f in result.create_run_files.files if f.name == name]
        if result.create_run_files
        else []
    )
    if not targets or not targets[0].upload_url:
        raise ResponseValidationError(
            f"the server gave no upload URL for {name}", operation_name="CreateRunUploadUrls"
        )
    url = urljoin(api.settings.base_url + "/", targets[0].upload_url)
    extra = {}
    for header in result.create_run_files.upload_headers if result.create_run_files else []:
        key, _, value = header.partition(":")
        if key.strip():
            extra[key.strip()] = value.strip()
    attempt = 0
    while True:
        attempt += 1
        reply = yield from _send_with_redirects(api, "PUT", url, content=data, extra=extra)
        if isinstance(reply, httpx.TransportError):
            yield from _retrying(
                api,
                attempt,
                APIConnectionError(f"upload of {name} failed: {reply}", url=_redact(url)),
            )
            continue
        yield Close(reply)
        if reply.status_code < 300:
            break
        error = APIStatusError(
            f"upload of {name}: HTTP {reply.status_code}", status_code=reply.status_code
        )
        if reply.status_code not in api.settings.retry.retry_statuses:
            raise error
        yield from _retrying(api, attempt, error)
    return (yield from fetch_file(run, name))
