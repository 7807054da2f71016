"""Artifact manifests, shared by both modes: parsing a version's
``wandb_manifest.json`` (anything else is a bad response), its digest as W&B computes
it, the MD5 of local files, and the small decisions of a download (default root,
path prefix, which references are plain HTTP).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError, ResponseValidationError, clip
from ..types import JSONObject, JSONValue

__all__ = [
    "ArtifactManifest",
    "ArtifactManifestEntry",
    "md5_b64_of_file",
    "parse_manifest",
]

MANIFEST_HEADER = b"wandb-artifact-manifest-v1\n"


@dataclass(frozen=True)
class ArtifactManifestEntry:
    """One file of a version, as its manifest lists it."""

    path: str
    """The file's path inside the artifact (POSIX separators)."""
    digest: str
    """Base64 MD5 of the contents (for a reference: what its storage reports, e.g.
    an ETag)."""
    size: int | None
    ref: str | None
    """For a reference entry: the URI of the contents (``https://``, ``s3://``, ...)."""
    birth_artifact_id: str | None
    """The version that first stored these contents."""
    extra: JSONObject

    @property
    def is_reference(self) -> bool:
        """Whether the contents live outside W&B (at :attr:`ref`)."""
        return self.ref is not None

    @property
    def md5_hex(self) -> str | None:
        """The digest as hex MD5, when it is a base64 MD5."""
        raw = _md5_bytes(self.digest)
        return raw.hex() if raw is not None else None


def _md5_bytes(digest: str) -> bytes | None:
    if len(digest) != 24:
        return None
    try:
        raw = base64.b64decode(digest, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 16 else None


@dataclass(frozen=True)
class ArtifactManifest:
    """A version's manifest: every entry, by path."""

    version: int
    storage_policy: str
    storage_policy_config: JSONObject
    entries: dict[str, ArtifactManifestEntry]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ArtifactManifestEntry]:
        return iter(self.entries.values())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self.entries)} entries>"

    @property
    def size(self) -> int:
        """Bytes of every entry whose size is known."""
        return sum(e.size or 0 for e in self.entries.values())

    def digest(self) -> str:
        """The manifest's digest as W&B computes it (hex MD5 over sorted
        ``path:digest`` lines): equals the version's ``digest``."""
        hasher = hashlib.md5(MANIFEST_HEADER, usedforsecurity=False)
        for path in sorted(self.entries):
            hasher.update(f"{path}:{self.entries[path].digest}\n".encode())
        return hasher.hexdigest()


def parse_manifest(raw: bytes, what: str) -> ArtifactManifest:
    """A manifest (``wandb_manifest.json``) from its bytes; anything that is not one
    is a :class:`ResponseValidationError`."""
    from pydantic_core import from_json

    def bad(problem: str) -> ResponseValidationError:
        return ResponseValidationError(f"{what}: the manifest {problem}")

    try:
        doc: JSONValue = from_json(raw)
    except ValueError as exc:
        raise bad(f"is not JSON ({clip(str(exc), 200)})") from None
    if not isinstance(doc, dict):
        raise bad(f"is a JSON {type(doc).__name__}, not an object")
    version, contents = doc.get("version"), doc.get("contents")
    if version != 1:
        raise bad(f"has version {clip(repr(version), 50)}; this client reads version 1")
    if not isinstance(contents, dict):
        raise bad("has no 'contents' object")
    policy, config = doc.get("storagePolicy"), doc.get("storagePolicyConfig")
    entries: dict[str, ArtifactManifestEntry] = {}
    for path, entry in contents.items():
        if not path or not isinstance(entry, dict):
            raise bad(f"has an invalid entry {clip(repr(path), 100)}")
        digest, size, ref = entry.get("digest"), entry.get("size"), entry.get("ref")
        birth, extra = entry.get("birthArtifactID"), entry.get("extra")
        if not isinstance(digest, str):
            raise bad(f"entry {clip(path, 100)!r} has no digest")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise bad(f"entry {clip(path, 100)!r} has an invalid size {clip(repr(size), 50)}")
        if ref is not None and not isinstance(ref, str):
            raise bad(f"entry {clip(path, 100)!r} has an invalid ref")
        if ref is None and _md5_bytes(digest) is None:
            raise bad(f"entry {clip(path, 100)!r} has a digest that is not a base64 MD5")
        entries[path] = ArtifactManifestEntry(
            path=path,
            digest=digest,
            size=size,
            ref=ref,
            birth_artifact_id=birth if isinstance(birth, str) else None,
            extra=extra if isinstance(extra, dict) else {},
        )
    return ArtifactManifest(
        version=1,
        storage_policy=policy if isinstance(policy, str) else "",
        storage_policy_config=config if isinstance(config, dict) else {},
        entries=entries,
    )


def md5_b64_of_file(path: Path, chunk: int = 1 << 20) -> str:
    """Base64 MD5 of a local file (what manifests store)."""
    hasher = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        while block := f.read(chunk):
            hasher.update(block)
    return base64.b64encode(hasher.digest()).decode()


def is_http_reference(ref: str) -> bool:
    """Whether a reference is plain HTTP(S) (downloadable without cloud credentials);
    one that cannot be parsed is not (see :func:`check_reference`)."""
    try:
        return urlsplit(ref).scheme in ("http", "https")
    except ValueError:
        return False


def check_reference(entry: ArtifactManifestEntry) -> None:
    """A reference entry's URL must parse (and an http(s) one must be a URL httpx
    can send): else a :class:`ResponseValidationError` naming the entry."""
    from ..paths import http_url

    ref = entry.ref
    if ref is None:
        return
    where = f"manifest entry {clip(entry.path, 200)!r}"
    try:
        scheme = urlsplit(ref).scheme
    except ValueError as exc:
        raise ResponseValidationError(
            f"{where} has a reference URL that cannot be parsed ({exc}): {clip(repr(ref), 200)}"
        ) from None
    if scheme in ("http", "https"):
        try:
            http_url(ref, "reference URL", from_server=True)
        except ResponseValidationError as exc:
            raise ResponseValidationError(f"{where}: {exc.message}") from None


def check_layout(paths: Iterable[tuple[str, tuple[str, ...]]]) -> None:
    """Entries must not clash on disk: ``(name, components)`` pairs where one entry's
    components are a directory of another's (``a`` and ``a/b``), or two names land
    on the same file (``a\\b`` and ``a/b``), are an :class:`InputError` naming both
    (like any name that cannot be written under the root), before anything is written."""
    files: dict[tuple[str, ...], str] = {}
    for name, parts in paths:
        other = files.setdefault(parts, name)
        if other != name:
            raise InputError(
                f"manifest entries {clip(other, 200)!r} and {clip(name, 200)!r} name the same file"
            )
    for parts, name in files.items():
        for depth in range(1, len(parts)):
            above = files.get(parts[:depth])
            if above is not None:
                raise InputError(
                    f"manifest entries {clip(above, 200)!r} and {clip(name, 200)!r} clash: the "
                    f"first is a file, the second needs it to be a directory"
                )


def check_path_prefix(value: object) -> str | None:
    """``path_prefix``: ``None`` or a string (a prefix of entry paths)."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"path_prefix must be a string or None, got {type(value).__name__}")
    return value


def default_root(name: str) -> Path:
    """Where ``download()`` writes by default: ``$WANDB_ARTIFACT_DIR`` (or
    ``./artifacts``) / ``collection:vN`` (``-`` for ``:`` on Windows), as the
    official client does."""
    base = os.environ.get("WANDB_ARTIFACT_DIR") or "artifacts"
    return Path(base) / (name.replace(":", "-") if os.name == "nt" else name)
