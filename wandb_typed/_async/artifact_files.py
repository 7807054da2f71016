"""An artifact version's files: the manifest, listing files, and downloading them.

A download reads the manifest (one request for its signed URL, one GET, once per
object), then the files' download URLs in large batches, then fetches the files
``max_workers`` at a time through :func:`~._mode.run_bounded`. Each file streams
into a ``.part`` file beside its target and is renamed into place only when its
size and MD5 match the manifest (retried through the connection's one retry loop
otherwise). A file already there with the right contents is skipped, so an
interrupted download resumes and a repeated one fetches nothing. The first error,
a cancelled task or ``KeyboardInterrupt`` ends the transfers still running and
deletes their ``.part`` files. Credentials go only to the W&B server's own origin
(see :meth:`AsyncConnection.file_headers`): never to a storage host or a
referenced URL elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .._core.checks import check_bool, check_int, check_keys, check_text
from .._core.files import FileData, Stop, safe_destination
from .._core.manifest import (
    ArtifactManifest,
    ArtifactManifestEntry,
    check_layout,
    check_path_prefix,
    check_reference,
    default_root,
    is_http_reference,
    md5_b64_of_file,
    parse_manifest,
)
from .._core.paging import Page, Walk, page_of
from .._core.progress import DownloadProgress, Tally
from .._progress import progress_reporter
from ..errors import (
    InputError,
    NotFoundError,
    UnresolvedReferenceError,
    UsageError,
    VerificationError,
)
from ._mode import run_bounded
from .files import download_to, fetch_bytes
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactFileFields

    from .artifacts import AsyncArtifact
    from .session import AsyncSession

__all__ = ["AsyncArtifactEntry", "AsyncArtifactFile"]

#: Download URLs per request (the official client asks for 5,000 at a time).
URL_PAGE = 5000
#: The most transfers one download runs at once.
MAX_WORKERS = 64


@dataclass(frozen=True, eq=False, repr=False)
class AsyncArtifactFile(FileData):
    """A file of an artifact version, as ``artifact.files()`` lists it."""

    digest: str | None
    """Base64 MD5 of the contents, as the manifest has it."""
    artifact: AsyncArtifact = field(compare=False)
    """The version the file belongs to."""
    _session: AsyncSession = field(compare=False)

    async def download(
        self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False
    ) -> Path:
        """Download to ``root/name`` and return that path. An existing file is an
        error unless ``replace`` (overwrite) or ``exist_ok`` (keep it, no request)."""
        dest = safe_destination(root, self.name)
        check_bool(replace, "replace")
        check_bool(exist_ok, "exist_ok")
        if dest.exists():
            if exist_ok and not replace:
                return dest
            if not replace:
                raise InputError(
                    f"{dest} already exists; pass replace=True to overwrite or exist_ok=True to keep it"
                )
        url = self.direct_url or self.url
        if not url:
            raise NotFoundError(f"file {self.name} of {self.artifact.name} has no download URL")
        await download_to(self._session.connection, url, dest, self.size, self.md5 or self.digest)
        return dest


@dataclass(frozen=True, repr=False)
class AsyncArtifactEntry(ArtifactManifestEntry):
    """A manifest entry of a fetched version: its data, and :meth:`download`."""

    artifact: AsyncArtifact = field(compare=False)
    """The version the entry belongs to."""
    _session: AsyncSession = field(compare=False)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path!r} of {self.artifact.name} size={self.size}>"

    async def download(self, root: str | Path | None = None) -> Path:
        """Download this entry into ``root`` (default: the version's download
        directory) and return its path; a file already there with the right contents
        is kept."""
        base = _root(self.artifact, root)
        dest = safe_destination(base, self.path)
        manifest = await self.artifact.manifest
        await _download_entries(
            self._session, self.artifact, base, [manifest.entries[self.path]], False, 1, None
        )
        return dest


def _root(artifact: AsyncArtifact, root: object) -> Path:
    if root is None:
        return default_root(artifact.name)
    if not isinstance(root, (str, os.PathLike)):
        raise InputError(f"root must be a path or None, got {type(root).__name__}")
    path = Path(cast("str | os.PathLike[str]", root))
    if path.exists() and not path.is_dir():
        raise InputError(f"root {path} exists and is not a directory")
    return path


# -- the manifest ----------------------------------------------------------------------


async def fetch_manifest(session: AsyncSession, artifact: AsyncArtifact) -> ArtifactManifest:
    """The version's manifest: a fresh signed URL, then the document."""
    result = await session.gql.artifact_manifest_url(id=artifact.id)
    if result.artifact is None:
        raise NotFoundError.of(f"artifact {artifact.qualified_name}", "ArtifactManifestUrl")
    if result.artifact.current_manifest is None:
        raise NotFoundError.of(f"the manifest of {artifact.qualified_name}", "ArtifactManifestUrl")
    url = result.artifact.current_manifest.file.direct_url
    what = f"manifest of {artifact.qualified_name}"
    return parse_manifest(await fetch_bytes(session.connection, url, what), what)


def entry_of(
    session: AsyncSession, artifact: AsyncArtifact, manifest: ArtifactManifest, name: str
) -> AsyncArtifactEntry:
    """The entry at ``name``, with ``download()``."""
    check_text(name, "entry name")
    entry = manifest.entries.get(name)
    if entry is None:
        raise NotFoundError(f"artifact {artifact.qualified_name} has no file {name!r}")
    return AsyncArtifactEntry(
        path=entry.path, digest=entry.digest, size=entry.size, ref=entry.ref,
        birth_artifact_id=entry.birth_artifact_id, extra=entry.extra,
        artifact=artifact, _session=session,
    )  # fmt: skip


# -- listing ---------------------------------------------------------------------------


def file_from(session: AsyncSession, artifact: AsyncArtifact, f: ArtifactFileFields) -> AsyncArtifactFile:  # fmt: skip
    return AsyncArtifactFile(
        id=f.id, name=f.name, size=f.size_bytes, md5=f.md_5, mimetype=f.mimetype, url=f.url,
        direct_url=f.direct_url, updated_at=f.updated_at, digest=f.digest, artifact=artifact,
        _session=session,
    )  # fmt: skip


def list_files(
    session: AsyncSession, artifact: AsyncArtifact, names: Sequence[str] | None, per_page: int
) -> AsyncSizedPaginator[AsyncArtifactFile]:
    """The lazy collection of a version's files (only ``names``, when given)."""
    wanted = check_keys(names, "names")

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifactFile]:
        result = await session.gql.artifact_file_page(
            id=artifact.id, names=list(wanted) if wanted is not None else None,
            cursor=cursor, per_page=first, with_count=cursor is None,
        )  # fmt: skip
        if result.artifact is None:
            raise NotFoundError.of(f"artifact {artifact.qualified_name}", "ArtifactFilePage")
        conn = result.artifact.files
        return page_of(
            conn,
            lambda node: file_from(session, artifact, node),
            conn.total_count if conn is not None else None,
        )

    what = f"files of {artifact.qualified_name}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda f: f.id)


async def _file_urls(
    session: AsyncSession, artifact: AsyncArtifact, wanted: set[str]
) -> dict[str, str]:
    """Download URLs of the ``wanted`` paths, in pages of :data:`URL_PAGE` (stopping
    once every wanted path has one)."""
    urls: dict[str, str] = {}
    walk = Walk[tuple[str, str]](None, None, f"file URLs of {artifact.qualified_name}")
    while not walk.done and not wanted <= urls.keys():
        result = await session.gql.artifact_file_url_page(
            id=artifact.id, cursor=walk.cursor, per_page=URL_PAGE
        )
        if result.artifact is None:
            raise NotFoundError.of(f"artifact {artifact.qualified_name}", "ArtifactFileUrlPage")
        page = page_of(result.artifact.files, lambda node: (node.name, node.direct_url))
        urls.update((name, url) for name, url in walk.accept(page).items if name in wanted)
    return urls


# -- downloads -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Transfer:
    entry: ArtifactManifestEntry
    dest: Path


def _present(entry: ArtifactManifestEntry, dest: Path) -> bool:
    """Whether ``dest`` already holds the entry's contents (size, then MD5)."""
    if entry.md5_hex is None or entry.size is None or not dest.is_file():
        return False
    return dest.stat().st_size == entry.size and md5_b64_of_file(dest) == entry.digest


async def _download_entries(
    session: AsyncSession,
    artifact: AsyncArtifact,
    base: Path,
    entries: Sequence[ArtifactManifestEntry],
    allow_missing_references: bool,
    workers: int,
    report: Callable[[DownloadProgress], None] | None,
) -> None:
    """Fetch ``entries`` into ``base``: every name, its place on disk and every
    reference URL is checked first, unreadable references are refused before
    anything is written, present files are kept. A reference is fetched without
    credentials, whatever its host."""
    transfers = [_Transfer(e, safe_destination(base, e.path)) for e in entries]
    check_layout(
        (t.entry.path, tuple(t.entry.path.replace("\\", "/").split("/"))) for t in transfers
    )
    for transfer in transfers:
        check_reference(transfer.entry)
    unresolved = {
        t.entry.path: t.entry.ref
        for t in transfers
        if t.entry.ref is not None and not is_http_reference(t.entry.ref)
    }
    if unresolved and not allow_missing_references:
        raise UnresolvedReferenceError(
            f"{artifact.qualified_name} has references this client cannot download "
            "(only http(s) ones); pass allow_missing_references=True to skip them",
            references=unresolved,
        )
    wanted = [t for t in transfers if t.entry.path not in unresolved]
    tally = Tally(sum(t.entry.size or 0 for t in wanted), len(wanted), report)
    todo: list[_Transfer] = []
    for transfer in wanted:
        if _present(transfer.entry, transfer.dest):
            tally.file_done(transfer.entry.size or 0)
        else:
            todo.append(transfer)
    stored = {t.entry.path for t in todo if t.entry.ref is None}
    urls = await _file_urls(session, artifact, stored) if stored else {}
    connection = session.connection
    stop = Stop()
    on_bytes = tally.add_bytes if tally.reports else None

    def job(transfer: _Transfer) -> Callable[[], Awaitable[None]]:
        entry = transfer.entry
        md5 = entry.digest if entry.md5_hex is not None else None
        etag = None if md5 is not None or entry.digest == entry.ref else entry.digest
        url = entry.ref or urls.get(entry.path) or _fallback_url(session, artifact, entry)

        async def run() -> None:
            await download_to(
                connection, url, transfer.dest, entry.size, md5,
                on_bytes=on_bytes, stop=stop, etag=etag, credentials=entry.ref is None,
            )  # fmt: skip
            tally.file_done()

        return run

    await run_bounded([job(t) for t in todo], workers, stop)


def _fallback_url(session: AsyncSession, artifact: AsyncArtifact, entry: ArtifactManifestEntry) -> str:  # fmt: skip
    """W&B's storage layout V1 address of an entry the server gave no URL for."""
    return f"{session.settings.base_url}/artifacts/{artifact.source_entity}/{entry.md5_hex}"


async def download_artifact(
    session: AsyncSession,
    artifact: AsyncArtifact,
    root: object,
    path_prefix: object,
    allow_missing_references: object,
    max_workers: object,
    progress: object,
) -> Path:
    """What ``AsyncArtifact.download`` does (every argument is checked first)."""
    base = _root(artifact, root)
    prefix = check_path_prefix(path_prefix)
    allow = check_bool(allow_missing_references, "allow_missing_references")
    workers = check_int(max_workers, "max_workers", 1, MAX_WORKERS)
    report, close = progress_reporter(progress, artifact.name)
    try:
        manifest = await artifact.manifest
        entries = [e for e in manifest if prefix is None or e.path.startswith(prefix)]
        await _download_entries(session, artifact, base, entries, allow, workers, report)
    finally:
        close()
    return base


async def download_single_file(
    session: AsyncSession, artifact: AsyncArtifact, root: object
) -> Path:
    """The only file of a single-file version, downloaded."""
    if artifact.file_count != 1:
        raise UsageError(
            f"file() reads single-file artifacts; {artifact.qualified_name} has "
            f"{artifact.file_count} files: use download()"
        )
    base = _root(artifact, root)
    manifest = await artifact.manifest
    entries = list(manifest)
    if len(entries) != 1:
        raise UsageError(
            f"{artifact.qualified_name} has {len(entries)} manifest entries: use download()"
        )
    await _download_entries(session, artifact, base, entries, False, 1, None)
    return safe_destination(base, entries[0].path)


def _local_files(base: Path) -> list[str]:
    """Paths (POSIX, relative to ``base``) of every file under it."""
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


async def checkout_artifact(session: AsyncSession, artifact: AsyncArtifact, root: object) -> Path:
    """Download, then delete every file under ``root`` that is not in the manifest."""
    base = await download_artifact(session, artifact, root, None, False, 8, None)
    manifest = await artifact.manifest
    for name in _local_files(base):
        if name not in manifest.entries:
            (base / name).unlink()
    return base


async def verify_artifact(session: AsyncSession, artifact: AsyncArtifact, root: object) -> None:
    """Raise :class:`VerificationError` unless ``root`` holds exactly the version's
    files with the manifest's sizes and MD5s (references are checked for presence
    and size only: their digests are not MD5s)."""
    base = _root(artifact, root)
    manifest = await artifact.manifest
    missing: list[str] = []
    mismatched: list[str] = []
    for entry in manifest:
        dest = safe_destination(base, entry.path)
        if not dest.is_file():
            missing.append(entry.path)
        elif (entry.size is not None and dest.stat().st_size != entry.size) or (
            entry.md5_hex is not None and md5_b64_of_file(dest) != entry.digest
        ):
            mismatched.append(entry.path)
    unexpected = [n for n in _local_files(base) if n not in manifest.entries]
    if missing or mismatched or unexpected:
        raise VerificationError(
            f"{base} does not match {artifact.qualified_name}",
            missing=missing, mismatched=mismatched, unexpected=unexpected,
        )  # fmt: skip
