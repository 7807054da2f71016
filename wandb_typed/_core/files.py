"""Files on disk, shared by both modes: where a download may land, the temporary
``.part`` file it is written to, and what a URL looks like in a message.

A download writes to a hidden ``.part`` file beside its target, inside the
download root, and renames it into place only when the body is complete and
matches the size and MD5 the server reported. Whatever ends the transfer early (an
error, a cancelled task, ``KeyboardInterrupt``) deletes the ``.part`` file at once.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from ..errors import InputError, ResponseValidationError

__all__ = [
    "DOWNLOAD_WORKERS",
    "FileData",
    "PartFile",
    "Stop",
    "Stopped",
    "redact",
    "safe_destination",
]

#: The longest file name component most file systems accept, in bytes.
MAX_COMPONENT_BYTES = 255

#: ``Artifact.download``'s default ``max_workers``: files in flight at once. As many as
#: the official client's file executor: a download over a wide-area link waits on round
#: trips (a file each), so at 8 a 50 ms round trip bounded it (see BENCHMARKS.md).
DOWNLOAD_WORKERS = 32


@dataclass(frozen=True, eq=False)
class FileData:
    """What W&B reports about a file saved with a run."""

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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        url = redact(self.url) if self.url else None
        return f"<{type(self).__name__} {self.name!r} size={self.size} url={url!r}>"


def redact(url: str) -> str:
    """A URL for messages and reprs: a signed query string is a credential of its own."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}" + ("?…" if parts.query else "")


def safe_destination(root: str | os.PathLike[str], name: object) -> Path:
    """``root/name``, refusing names that are empty, absolute, climb out of ``root``
    (``..``, a symlink), have a component over 255 bytes, end in ``.``/``/``, or run
    through an existing file; and targets that are directories."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise InputError(f"refusing to write a file with the name {name!r}")
    try:
        os.fsencode(name)
    except UnicodeEncodeError:  # a lone surrogate the file system encoding cannot carry
        raise InputError(
            f"refusing to write {name!r}: it is not a name this file system can store"
        ) from None
    components = name.replace("\\", "/").split("/")
    if components[0] == "":
        raise InputError(f"refusing to write {name!r}: it is an absolute path")
    for part in components:
        if part in ("", ".", ".."):
            raise InputError(f"refusing to write {name!r}: it is not a plain relative file path")
        if len(part.encode("utf-8", "surrogateescape")) > MAX_COMPONENT_BYTES:
            raise InputError(
                f"refusing to write {name[:60]!r}...: a path component is longer than "
                f"{MAX_COMPONENT_BYTES} bytes"
            )
        if os.name == "nt" and ":" in part:
            raise InputError(f"refusing to write {name!r}: ':' is not allowed in Windows names")
    base = Path(root).resolve()
    dest = base.joinpath(*components)
    if base not in dest.resolve().parents:
        raise InputError(f"refusing to write {name!r}: it would land outside {base}")
    here = base
    for part in components[:-1]:
        here = here / part
        if here.exists() and not here.is_dir():
            raise InputError(f"cannot write {name!r}: {here} exists and is not a directory")
    if dest.is_dir():
        raise InputError(f"cannot write {name!r}: {dest} is a directory")
    return dest


#: How many bytes a download hashes and writes at once (see :meth:`PartFile.write`).
WRITE_BLOCK = 256 << 10


class PartFile:
    """A download in progress: ``dest``'s hidden ``.part`` sibling, its size and MD5.

    Use as a context manager; :meth:`commit` renames it into place, and leaving the
    block without committing (an error, a cancellation) deletes it.
    """

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.path = dest.with_name(f".{secrets.token_hex(8)}.part")
        self.size = 0
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._block = bytearray()
        self._committed = False

    def __enter__(self) -> PartFile:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        self._out = self.path.open("wb")
        return self

    def write(self, chunk: bytes) -> None:
        """Take ``chunk``; it is hashed and written in blocks of :data:`WRITE_BLOCK`
        bytes: each hash or write gives up the GIL and takes it back, and with 32
        transfers in flight those hand-offs cost more than the work in 64 KiB reads."""
        self.size += len(chunk)
        block = self._block
        block += chunk
        if len(block) >= WRITE_BLOCK:
            self._flush()

    def _flush(self) -> None:
        block = self._block
        if block:
            self._out.write(block)
            self._md5.update(block)
            block.clear()

    def check(self, what: str, size: int | None, md5: str | None) -> None:
        """Raise :class:`ResponseValidationError` if the body does not match the
        expected size or base64 MD5 (a truncated or corrupt transfer)."""
        self._flush()
        if size is not None and self.size != size:
            raise ResponseValidationError(
                f"{what}: received {self.size} bytes, expected {size} (truncated or corrupt)"
            )
        if md5 and base64.b64encode(self._md5.digest()).decode() != md5:
            raise ResponseValidationError(f"{what}: MD5 mismatch (corrupt or truncated)")

    def commit(self) -> None:
        """Move the complete file into place."""
        self._flush()
        self._out.close()
        os.replace(self.path, self.dest)
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._out.close()
        if not self._committed:
            self.path.unlink(missing_ok=True)


class Stopped(Exception):
    """Raised inside a transfer that :class:`Stop` ended (another one failed, or the
    caller was interrupted); never escapes a download."""


class Stop:
    """Shared by the transfers of one download: set when the download ends early,
    so transfers still running stop at their next chunk (and delete their ``.part``
    file). Threads read the flag without a lock: setting a bool is atomic."""

    def __init__(self) -> None:
        self.is_set = False

    def set(self) -> None:
        self.is_set = True

    def check(self) -> None:
        """Raise :class:`Stopped` if the download is ending."""
        if self.is_set:
            raise Stopped
