"""A new artifact version before it is saved: its name, type, description, metadata
and entries (local files, files written with ``new_file``, references, and, for a
draft of an existing version, that version's entries). Shared by both modes; saving
is I/O and lives in ``_async/artifact_uploads.py``.

Each local file is hashed when it is added (MD5, as the manifest stores it), so the
draft knows its digest before anything is sent and an unchanged file of an
incremental version is never uploaded: the server answers "have it" for its MD5.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Literal, cast, overload
from urllib.parse import urlsplit

from ..errors import InputError, UsageError
from ..types import JSONObject, JSONValue
from .artifact_names import check_artifact_name_part
from .checks import check_bool, check_optional_str
from .manifest import ArtifactManifest, ArtifactManifestEntry, md5_b64_of_file

__all__ = ["ArtifactDraftData", "check_entry_path", "manifest_document"]

STORAGE_POLICY = "wandb-storage-policy-v1"

#: The storage layout new versions are written in (contents addressed by MD5).
STORAGE_LAYOUT = "V2"


def check_entry_path(value: object, what: str = "name") -> str:
    """A path inside an artifact: relative, ``/``-separated, without ``..`` (what the
    server accepts; a Windows path is converted)."""
    if isinstance(value, str):
        text = value.replace("\\", "/")
    elif isinstance(value, os.PathLike):
        text = os.fspath(cast("os.PathLike[str]", value)).replace("\\", "/")
    else:
        raise InputError(f"{what} must be a str or a path, got {type(value).__name__}")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or text.startswith("/") or ".." in parts or "\x00" in text:
        raise InputError(f"{what} must be a relative path inside the artifact, got {text!r}")
    return str(PurePosixPath(*parts))


def manifest_document(entries: Iterable[ArtifactManifestEntry]) -> dict[str, Any]:
    """The manifest JSON W&B stores for these entries (storage policy v1)."""
    contents: dict[str, Any] = {}
    for e in sorted(entries, key=lambda e: e.path):
        item: dict[str, Any] = {"digest": e.digest, "size": e.size or 0}
        if e.ref is not None:
            item["ref"] = e.ref
        if e.birth_artifact_id is not None:
            item["birthArtifactID"] = e.birth_artifact_id
        if e.extra:
            item["extra"] = dict(e.extra)
        contents[e.path] = item
    return {
        "version": 1,
        "storagePolicy": STORAGE_POLICY,
        "storagePolicyConfig": {"storageLayout": STORAGE_LAYOUT},
        "contents": contents,
    }


class ArtifactDraftData:
    """The data of a new version: build it with :meth:`add_file`, :meth:`add_dir`,
    :meth:`new_file`, :meth:`add_reference` and :meth:`remove`, then save it."""

    name: str
    """The collection the version is saved to (a sequence of the project)."""
    type: str
    """The artifact type (``dataset``, ``model``, ...)."""
    description: str | None
    metadata: JSONObject
    incremental: bool
    """Whether the version is saved as a patch of the collection's latest version (only
    the entries added, changed or removed here are sent)."""

    def __init__(
        self,
        name: str,
        type: str,  # the official constructor's name
        description: str | None = None,
        metadata: Mapping[str, JSONValue] | None = None,
        incremental: bool = False,
    ) -> None:
        self.name = check_artifact_name_part(name, "artifact name")
        self.type = check_artifact_name_part(type, "artifact type")
        self.description = check_optional_str(description, "description")
        if metadata is not None and not isinstance(cast("object", metadata), Mapping):
            raise InputError(f"metadata must be a mapping, got {metadata.__class__.__name__}")
        self.metadata = dict(metadata or {})
        self.incremental = check_bool(incremental, "incremental")
        self._entries: dict[str, ArtifactManifestEntry] = {}
        self._local: dict[str, Path] = {}
        self._removed: set[str] = set()
        self._base_id: str | None = None
        self._tmp: Path | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({self.type}), {len(self._entries)} entries>"

    # -- building ---------------------------------------------------------------------

    def add_file(
        self, local_path: str | os.PathLike[str], name: str | None = None, overwrite: bool = False
    ) -> ArtifactManifestEntry:
        """Add one local file as ``name`` (default: its file name); hashed now.
        Adding a path the draft has is an error unless ``overwrite``."""
        path = Path(local_path)
        if not path.is_file():
            raise InputError(f"add_file: {str(path)!r} is not a file")
        entry_path = check_entry_path(name if name is not None else path.name)
        return self._put(entry_path, path, check_bool(overwrite, "overwrite"))

    def _put(self, entry_path: str, path: Path, overwrite: bool) -> ArtifactManifestEntry:
        if entry_path in self._entries and not overwrite and entry_path in self._local:
            raise InputError(f"the draft already has {entry_path!r} (pass overwrite=True)")
        entry = ArtifactManifestEntry(
            entry_path, md5_b64_of_file(path), path.stat().st_size, None, None, {}
        )
        self._entries[entry_path] = entry
        self._local[entry_path] = path
        self._removed.discard(entry_path)
        return entry

    def add_dir(
        self, local_path: str | os.PathLike[str], name: str | None = None, merge: bool = False
    ) -> None:
        """Add every file under a local directory, under ``name/`` (default: at the
        root); a path the draft has is replaced only with ``merge``."""
        root = Path(local_path)
        if not root.is_dir():
            raise InputError(f"add_dir: {str(root)!r} is not a directory")
        prefix = check_entry_path(name) + "/" if name is not None else ""
        merge = check_bool(merge, "merge")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            self._put(prefix + path.relative_to(root).as_posix(), path, merge)

    @overload
    def new_file(
        self, name: str, mode: Literal["x", "w"] = "x", encoding: str | None = None
    ) -> AbstractContextManager[IO[str]]: ...
    @overload
    def new_file(
        self, name: str, mode: Literal["xb", "wb"], encoding: None = None
    ) -> AbstractContextManager[IO[bytes]]: ...
    def new_file(
        self, name: str, mode: Literal["x", "w", "xb", "wb"] = "x", encoding: str | None = None
    ) -> AbstractContextManager[IO[str]] | AbstractContextManager[IO[bytes]]:
        """Write a new file into the draft: ``with draft.new_file("a.txt") as f:``. The
        file is added (and hashed) when the block ends without an error."""
        entry_path = check_entry_path(name)
        if mode not in ("x", "w", "xb", "wb"):
            raise InputError(f"new_file: mode must be 'x', 'w', 'xb' or 'wb', got {mode!r}")
        if mode.startswith("x") and entry_path in self._entries:
            raise InputError(f"the draft already has {entry_path!r} (use mode='w')")
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="wandb-typed-draft-"))
        target = self._tmp / entry_path
        target.parent.mkdir(parents=True, exist_ok=True)
        return _NewFile(self, entry_path, target, mode.endswith("b"), encoding)

    def add_reference(
        self, uri: str, name: str | None = None, checksum: bool = True
    ) -> ArtifactManifestEntry:
        """Add a reference to contents stored elsewhere (``https://``, ``s3://``,
        ``gs://``, ``file://``...): only the URI is recorded, nothing is uploaded.
        ``file://`` references are hashed when ``checksum``; for others the digest is
        the URI itself (W&B's rule for storage it cannot list)."""
        if not isinstance(cast("object", uri), str) or not urlsplit(uri).scheme:
            raise InputError(f"add_reference: {uri!r} is not a URI")
        parts = urlsplit(uri)
        entry_path = check_entry_path(
            name if name is not None else (PurePosixPath(parts.path).name or parts.netloc)
        )
        digest, size = uri, 0
        if parts.scheme == "file" and check_bool(checksum, "checksum"):
            local = Path(parts.path)
            if not local.is_file():
                raise InputError(f"add_reference: {uri!r} is not a file")
            digest, size = md5_b64_of_file(local), local.stat().st_size
        entry = ArtifactManifestEntry(entry_path, digest, size, uri, None, {})
        self._entries[entry_path] = entry
        self._local.pop(entry_path, None)
        self._removed.discard(entry_path)
        return entry

    def remove(self, item: str | ArtifactManifestEntry) -> None:
        """Remove an entry (a path, or an entry this draft returned)."""
        entry_path = (
            item.path if isinstance(item, ArtifactManifestEntry) else check_entry_path(item)
        )
        if entry_path not in self._entries:
            raise InputError(f"the draft has no entry {entry_path!r}")
        del self._entries[entry_path]
        self._local.pop(entry_path, None)
        self._removed.add(entry_path)

    # -- what is saved -------------------------------------------------------------------

    @property
    def base_id(self) -> str | None:
        """The version this draft was made from (``new_draft``), else ``None``."""
        return self._base_id

    @property
    def removed(self) -> frozenset[str]:
        """Paths removed from the draft (an incremental save sends them as removals)."""
        return frozenset(self._removed)

    @property
    def entries(self) -> dict[str, ArtifactManifestEntry]:
        """The draft's entries by path (a copy)."""
        return dict(self._entries)

    @property
    def manifest(self) -> ArtifactManifest:
        """The manifest the version will have."""
        return ArtifactManifest(1, STORAGE_POLICY, {"storageLayout": STORAGE_LAYOUT}, self.entries)

    @property
    def digest(self) -> str:
        """The version's digest (what identical contents share)."""
        return self.manifest.digest()

    @property
    def size(self) -> int:
        """Bytes of the entries whose size is known."""
        return self.manifest.size

    def _uploads(self) -> dict[str, Path]:
        """Local files to send, by entry path."""
        return dict(self._local)

    def _cleanup(self) -> None:
        """Delete the files ``new_file`` wrote (after a save)."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _seed_from(self, base_id: str, manifest: ArtifactManifest) -> None:
        """Start from an existing version's entries (``new_draft``)."""
        if self._entries:
            raise UsageError("a draft is seeded from its base version before anything is added")
        self._base_id = base_id
        self._entries = dict(manifest.entries)


class _NewFile(AbstractContextManager[IO[Any]]):
    """The file ``new_file`` opens: added to the draft when closed without an error."""

    def __init__(
        self, draft: ArtifactDraftData, path: str, target: Path, binary: bool, encoding: str | None
    ) -> None:
        self._draft, self._path, self._target = draft, path, target
        self._binary, self._encoding = binary, encoding
        self._handle: IO[Any] | None = None

    def __enter__(self) -> IO[Any]:
        if self._binary:
            self._handle = self._target.open("wb")
        else:
            self._handle = self._target.open("w", encoding=self._encoding or "utf-8")
        return self._handle

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.close()
        if exc_type is None:
            self._draft._put(self._path, self._target, True)  # pyright: ignore[reportPrivateUsage]
