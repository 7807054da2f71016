"""Run files: list, fetch one, download, upload, delete.

Downloads stream into a ``.part`` file beside the target and are renamed into
place only when complete and verified (size, and MD5 when the server gives one),
with the same bounded retries as queries. Credentials go only to the server's own
origin (see :class:`AsyncConnection.file_headers`). A file name that would land
outside ``root`` is refused before any request (see
:func:`~wandb_typed._core.files.safe_destination`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urljoin

import httpx

from .._core.checks import check_keys, check_text
from .._core.exchange import Retryable, status_error, transport_failure
from .._core.files import FileData, PartFile, Stop, redact, safe_destination
from .._core.paging import Page, page_of
from ..errors import (
    APIConnectionError,
    InputError,
    NotFoundError,
    ResponseValidationError,
    clip,
)
from .paging import AsyncSizedPaginator
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import FileFields

    from .connection import AsyncConnection
    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["AsyncFile"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncFile(FileData):
    """A file saved with a run."""

    run: AsyncRun = field(compare=False)
    """The run the file belongs to."""
    _session: AsyncSession = field(compare=False)

    async def download(
        self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False
    ) -> Path:
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
        await download_to(self._session.connection, self.url, dest, self.size, self.md5)
        return dest

    async def delete(self) -> None:
        """Delete the file from the run."""
        gql, project = self._session.gql, self.run.project_internal_id
        await delete_once(
            lambda: gql.delete_run_files(files=[self.id], project_id=project),
            f"file {self.name} of {self.run.path}",
        )


def file_from(session: AsyncSession, run: AsyncRun, f: FileFields) -> AsyncFile:
    return AsyncFile(
        id=f.id, name=f.name, size=f.size_bytes, md5=f.md_5, mimetype=f.mimetype, url=f.url,
        direct_url=f.direct_url, updated_at=f.updated_at, run=run, _session=session,
    )  # fmt: skip


#: The most bytes of an error reply read (for its message): a hostile host cannot
#: make a failing download read megabytes per attempt.
ERROR_BODY_LIMIT = 64 * 1024
#: The most bytes of a document read whole (a manifest, an upload's reply).
DOCUMENT_LIMIT = 512 * 1024 * 1024


async def download_to(
    connection: AsyncConnection,
    url: str,
    dest: Path,
    size: int | None,
    md5: str | None,
    *,
    on_bytes: Callable[[int], None] | None = None,
    stop: Stop | None = None,
    etag: str | None = None,
    credentials: bool = True,
) -> None:
    """GET ``url`` into ``dest`` atomically, checking the size and MD5 when known.

    ``on_bytes`` hears of every chunk (and of an attempt's bytes being undone when
    it is retried); ``stop`` ends the transfer at its next chunk; ``etag``, when
    given, must match the response's ``ETag`` (a reference whose contents changed);
    ``credentials=False`` sends no API key (a reference URL). Reading stops one byte
    past ``size``: a longer body is an error at once, never retried.
    """
    what = f"download of {redact(url)}"

    async def attempt(number: int) -> None:
        response = await connection.open("GET", url, credentials=credentials)
        received = 0
        try:
            if response.status_code >= 400:
                body = await _read_body(response, what, url, ERROR_BODY_LIMIT)
                _raise_status(connection, response, body, url, what)
            if etag is not None and response.headers.get("etag", "").strip('"') != etag.strip('"'):
                raise ResponseValidationError(
                    f"{what}: the contents changed since the artifact was logged "
                    f"(ETag {clip(response.headers.get('etag', 'missing'), 100)!r}, "
                    f"expected {clip(etag, 100)!r})"
                )
            with PartFile(dest) as part:
                try:
                    async for chunk in response.aiter_bytes():
                        if stop is not None:
                            stop.check()
                        if size is not None and part.size + len(chunk) > size:
                            raise ResponseValidationError(
                                f"{what}: the body is longer than the {size} bytes expected; "
                                "stopped reading (a wrong or hostile file)"
                            )
                        part.write(chunk)
                        if on_bytes is not None:
                            received += len(chunk)
                            on_bytes(len(chunk))
                except (httpx.TransportError, httpx.DecodingError) as exc:
                    raise Retryable(
                        APIConnectionError(
                            f"{what} broke off: {clip(str(exc), 300)}", url=redact(url)
                        )
                    ) from None
                try:
                    part.check(what, size, md5)
                except ResponseValidationError as exc:
                    raise Retryable(exc) from None
                part.commit()
        except (Retryable, ResponseValidationError):
            if on_bytes is not None and received:
                on_bytes(-received)  # the next attempt starts over, or none does
            raise
        finally:
            await response.aclose()

    await connection.retrying(what, attempt)


async def fetch_bytes(connection: AsyncConnection, url: str, what: str) -> bytes:
    """GET ``url`` whole (a small document, e.g. a manifest), with the same retries."""

    async def attempt(number: int) -> bytes:
        return await _whole(connection, "GET", url, what, error_from=400)

    return await connection.retrying(what, attempt)


async def _whole(
    connection: AsyncConnection,
    method: str,
    url: str,
    what: str,
    *,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    error_from: int,
) -> bytes:
    """One attempt at a small exchange: send, read the whole body (at most
    :data:`DOCUMENT_LIMIT` bytes); a status from ``error_from`` up is a typed error
    (see :func:`_raise_status`)."""
    response = await connection.open(method, url, content=content, headers=headers)
    try:
        failed = response.status_code >= error_from
        limit = ERROR_BODY_LIMIT if failed else DOCUMENT_LIMIT
        body = await _read_body(response, what, url, limit)
    finally:
        await response.aclose()
    if failed:
        _raise_status(connection, response, body, url, what)
    if len(body) > DOCUMENT_LIMIT:
        raise ResponseValidationError(f"{what}: the reply is larger than {DOCUMENT_LIMIT} bytes")
    return body


def _raise_status(
    connection: AsyncConnection, response: httpx.Response, body: bytes, url: str, what: str
) -> NoReturn:
    """The typed error for a file request's error status (the start of its body
    read), wrapped in :class:`Retryable` when the retry policy retries that status."""
    error = status_error(response.status_code, response.headers, body, redact(url), what)
    if response.status_code in connection.settings.retry.retry_statuses:
        raise Retryable(error)
    raise error


async def _read_body(response: httpx.Response, what: str, url: str, limit: int) -> bytes:
    """The reply body up to ``limit`` bytes (plus one chunk at most: one more byte
    tells a longer body); a connection that breaks meanwhile may be retried."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
    except httpx.HTTPError as exc:
        raise transport_failure(exc, redact(url), what, False) from None
    return b"".join(chunks)


def list_files(
    session: AsyncSession, run: AsyncRun, names: Sequence[str] | None, per_page: int
) -> AsyncSizedPaginator[AsyncFile]:
    """The lazy collection of a run's files."""
    wanted = check_keys(names, "names")

    async def fetch(cursor: str | None, first: int) -> Page[AsyncFile]:
        result = await session.gql.run_file_page(
            entity=run.entity, project=run.project, name=run.id,
            names=list(wanted) if wanted is not None else None, cursor=cursor, per_page=first,
        )  # fmt: skip
        if result.project is None or result.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunFilePage")
        total = result.project.run.file_count if wanted is None else None
        return page_of(result.project.run.files, lambda node: file_from(session, run, node), total)

    return AsyncSizedPaginator(
        fetch, per_page=per_page, what=f"files of {run.path}", key=lambda f: f.id
    )


async def fetch_file(session: AsyncSession, run: AsyncRun, name: str) -> AsyncFile:
    """One file of a run by name."""
    check_text(name, "file name")
    result = await session.gql.run_file_page(
        entity=run.entity, project=run.project, name=run.id, names=[name], per_page=1
    )
    if result.project is None or result.project.run is None:
        raise NotFoundError.of(f"run {run.path}", "RunFilePage")
    conn = result.project.run.files
    for edge in conn.edges if conn is not None else []:
        if edge.node is not None and edge.node.name == name:
            return file_from(session, run, edge.node)
    raise NotFoundError(f"file {name!r} not found in run {run.path}", operation_name="RunFilePage")


async def upload_file(
    session: AsyncSession, run: AsyncRun, path: str | Path, root: str | Path
) -> AsyncFile:
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
    result = await session.gql.create_run_upload_urls(
        entity=run.entity, project=run.project, run=run.id, files=[name]
    )
    created = result.create_run_files
    targets = [f for f in created.files if f.name == name] if created else []
    if not targets or not targets[0].upload_url:
        raise ResponseValidationError(
            f"the server gave no upload URL for {name}", operation_name="CreateRunUploadUrls"
        )
    url = urljoin(session.settings.base_url + "/", targets[0].upload_url)
    extra: dict[str, str] = {}
    for header in created.upload_headers if created else []:
        key, _, value = header.partition(":")
        if key.strip():
            extra[key.strip()] = value.strip()
    what = f"upload of {name}"
    connection = session.connection

    async def attempt(number: int) -> None:
        await _whole(connection, "PUT", url, what, content=data, headers=extra, error_from=300)

    await connection.retrying(what, attempt)
    return await fetch_file(session, run, name)
