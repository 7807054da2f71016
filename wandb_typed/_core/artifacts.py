"""Artifacts' data, shared by both modes: names, versions and their edits,
collections, types, jobs, the manifest, and the bookkeeping of a download.

Names are parsed and checked here, before any request: ``entity/project/name:alias``,
``project/name:vN``, ``name:alias`` (defaults from the settings; no version means
``latest``) and registry paths ``wandb-registry-<registry>/<collection>:<alias>``,
whose entity is the organization (from the path, ``org/wandb-registry-...``, or
the settings' ``organization``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias, cast
from urllib.parse import quote, urlsplit

from .._encode import check_tags, to_json_object
from ..errors import InputError, ResponseValidationError, clip
from ..paths import check_name
from ..types import JSONObject, JSONValue, as_object
from .checks import check_optional_str
from .enums import OpenStrEnum

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import (
        ArtifactCollectionFields,
        ArtifactFields,
    )

__all__ = [
    "ArtifactCollectionData",
    "ArtifactData",
    "ArtifactManifest",
    "ArtifactManifestEntry",
    "ArtifactPath",
    "ArtifactState",
    "ArtifactTypeData",
    "CollectionRef",
    "DownloadProgress",
    "JobSpec",
    "JobSummary",
    "JobVersion",
    "ProgressArg",
    "Tally",
    "check_alias",
    "check_artifact_name_part",
    "md5_b64_of_file",
    "parse_artifact_name",
    "parse_collection_path",
    "parse_manifest",
]

DEFAULT_ALIAS = "latest"
REGISTRY_PREFIX = "wandb-registry-"
#: A type or collection name: what W&B accepts.
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_VERSION = re.compile(r"v\d{1,9}")
_TAG = re.compile(r"[A-Za-z0-9_. -]{1,128}")
_ALIAS_BAD = re.compile(r"[/:\x00-\x1f\x7f]")
#: Seconds W&B uses for "no TTL" when one is removed.
TTL_DISABLED = -2
MANIFEST_HEADER = b"wandb-artifact-manifest-v1\n"


class ArtifactState(OpenStrEnum):
    """A version's state. States a newer server adds become pseudo-members."""

    PENDING = "PENDING"
    COMMITTED = "COMMITTED"
    DELETED = "DELETED"


# ---------------------------------------------------------------------- names


def check_artifact_name_part(value: object, what: str) -> str:
    """A type or collection name: 1-128 letters, digits, ``-``, ``_`` or ``.``."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    if not _NAME.fullmatch(value):
        raise InputError(
            f"{what} {clip(value, 100)!r} is not valid: use 1-128 letters, digits, '-', '_' or '.'"
        )
    return value


def check_alias(value: object, what: str = "alias", *, version_ok: bool = False) -> str:
    """An alias (``latest``, ``best``): 1-128 characters, no ``/``, ``:`` or control
    characters, no surrounding spaces; a version label ``vN`` only where
    ``version_ok`` (a lookup, not an alias to set)."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    if not 0 < len(value) <= 128 or value != value.strip() or _ALIAS_BAD.search(value):
        raise InputError(
            f"{what} {clip(value, 100)!r} is not valid: 1-128 characters, no '/', ':', "
            "control characters or surrounding spaces"
        )
    if not version_ok and _VERSION.fullmatch(value):
        raise InputError(f"{what} {value!r} is a version label (vN), which cannot be an alias")
    return value


def check_artifact_tags(value: object, where: str) -> list[str]:
    """Tags of a version or collection: W&B's rule, letters, digits, spaces, ``-_.``."""
    tags = check_tags(value, where)
    for tag in tags:
        if not _TAG.fullmatch(tag):
            raise InputError(
                f"{where}: tag {clip(tag, 100)!r} is not valid: use 1-128 letters, digits, "
                "spaces, '-', '_' or '.'"
            )
    return tags


def check_aliases(value: object, where: str) -> list[str]:
    """A list of aliases to set."""
    if isinstance(value, str):
        raise InputError(f"{where} must be a list of strings, not a single string")
    if not isinstance(value, (list, tuple)):
        raise InputError(f"{where} must be a list of strings, got {type(value).__name__}")
    items = cast("Sequence[object]", value)
    return [check_alias(a, f"{where}[{i}]") for i, a in enumerate(items)]


@dataclass(frozen=True)
class ArtifactPath:
    """A parsed artifact name; ``entity``/``project`` are ``None`` when left to the
    defaults."""

    entity: str | None
    project: str | None
    collection: str
    version: str
    """An alias or ``vN`` (``latest`` when the name had none)."""
    version_given: bool = True
    """Whether the name had a version or alias."""

    @property
    def name(self) -> str:
        """``collection:version``, as the server looks it up."""
        return f"{self.collection}:{self.version}"


def _split_path(name: object, what: str) -> list[str]:
    if not isinstance(name, str):
        raise InputError(f"{what} must be a string, got {type(name).__name__}")
    if not name.strip():
        raise InputError(f"{what} must not be empty")
    parts = name.split("/")
    if len(parts) > 3:
        raise InputError(
            f"{what} {clip(name, 200)!r} has {len(parts)} parts; expected "
            "'entity/project/name', 'project/name' or 'name'"
        )
    if any(not p for p in parts):
        raise InputError(f"{what} {clip(name, 200)!r} has an empty part")
    return parts


def _where(
    parts: list[str], organization: str | None, what: str, shown: str
) -> tuple[str | None, str | None]:
    """(entity, project) of a split path (the last part is the collection)."""
    entity = check_name(parts[-3], "entity name") if len(parts) == 3 else None
    project = check_name(parts[-2], "project name") if len(parts) >= 2 else None
    if project is not None and project.startswith(REGISTRY_PREFIX) and entity is None:
        if not organization:
            raise InputError(
                f"{what} {shown!r} is in a registry, which belongs to an organization: "
                "write 'organization/wandb-registry-.../name', or set the organization "
                "(Api(overrides={'organization': ...}) or WANDB_ORGANIZATION)"
            )
        entity = check_name(organization, "organization")
    return entity, project


def parse_artifact_name(
    name: object, *, organization: str | None, what: str = "artifact name"
) -> ArtifactPath:
    """``[entity/][project/]collection[:alias|:vN]`` -> :class:`ArtifactPath`."""
    path: object = name
    version = DEFAULT_ALIAS
    given = isinstance(name, str) and ":" in name
    if isinstance(name, str) and given:
        path, _, version = name.partition(":")
        if not version:
            raise InputError(f"{what} {clip(name, 200)!r} ends in ':' without a version or alias")
        check_alias(version, f"{what}: version or alias", version_ok=True)
    parts = _split_path(path, what)
    collection = check_artifact_name_part(parts[-1], "artifact collection name")
    entity, project = _where(parts, organization, what, str(name))
    return ArtifactPath(entity, project, collection, version, given)


def parse_collection_path(
    name: object, *, organization: str | None, what: str = "collection name"
) -> tuple[str | None, str | None, str]:
    """``[entity/][project/]collection`` (no version) -> (entity, project, collection)."""
    if isinstance(name, str) and ":" in name:
        raise InputError(
            f"{what} {clip(name, 200)!r} has a version; name the collection without ':...'"
        )
    parts = _split_path(name, what)
    collection = check_artifact_name_part(parts[-1], "artifact collection name")
    entity, project = _where(parts, organization, what, str(name))
    return entity, project, collection


# ---------------------------------------------------------------------- collections


class _Entity(Protocol):
    @property
    def name(self) -> str: ...


class _Project(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def entity(self) -> _Entity: ...


class _Identity(Protocol):
    """What every generated collection selection has (the identity fragment, or the
    same fields spelled out)."""

    @property
    def typename__(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def project(self) -> _Project | None: ...


@dataclass(frozen=True)
class CollectionRef:
    """Where a version was found: the collection (sequence or portfolio)."""

    id: str
    name: str
    entity: str
    project: str
    is_sequence: bool

    @classmethod
    def of(cls, f: _Identity, what: str) -> CollectionRef:
        """From the generated identity fragment; a collection without a project is a
        bad response (every collection lives in one)."""
        if f.project is None:
            raise ResponseValidationError(f"{what}: the collection {f.name!r} has no project")
        return cls(
            id=f.id,
            name=f.name,
            entity=f.project.entity.name,
            project=f.project.name,
            is_sequence=f.typename__ != "ArtifactPortfolio",
        )


class ArtifactCollectionData:
    """A collection of versions: a *sequence* (where versions are logged) or a
    *portfolio* (where they are linked). ``name``, ``description`` and ``tags`` are
    editable (``save()`` writes them)."""

    id: str
    name: str
    """The collection's name (settable)."""
    entity: str
    project: str
    type: str
    """The artifact type of its versions."""
    description: str | None
    """Settable."""
    state: str
    created_at: datetime
    updated_at: datetime | None

    def __init__(self, f: ArtifactCollectionFields, app_url: str) -> None:
        self._app_url = app_url
        self._apply(f)

    def _apply(self, f: ArtifactCollectionFields) -> None:
        ref = CollectionRef.of(f, "artifact collection")
        self.id = f.id
        self.name = f.name
        self.entity = ref.entity
        self.project = ref.project
        self.type = f.default_artifact_type.name
        self.description = f.description
        self.state = str(f.state.value)
        self.created_at = f.created_at
        self.updated_at = f.updated_at
        self._sequence = ref.is_sequence
        self._tags = [e.node.name for e in f.tags.edges]
        self._saved_name = self.name
        self._saved_description = self.description
        self._saved_tags = tuple(self._tags)

    def __repr__(self) -> str:
        kind = "sequence" if self._sequence else "portfolio"
        return f"<{type(self).__name__} {self.path} ({self.type} {kind})>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactCollectionData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def path(self) -> str:
        """``entity/project/name`` (the name as saved)."""
        return f"{self.entity}/{self.project}/{self._saved_name}"

    @property
    def url(self) -> str:
        """The collection's page in the W&B app."""
        return (
            f"{self._app_url}/{self.entity}/{self.project}/artifacts/"
            f"{quote(self.type)}/{quote(self._saved_name)}"
        )

    @property
    def tags(self) -> list[str]:
        """The collection's tags; editable (then ``save()``)."""
        return self._tags

    @tags.setter
    def tags(self, value: list[str]) -> None:
        self._tags = check_artifact_tags(value, f"collection {self.path}: tags")

    def is_sequence(self) -> bool:
        """Whether versions are logged here (a sequence), not linked (a portfolio)."""
        return self._sequence

    def _edits(self) -> tuple[str | None, str | None, bool, list[str], list[str]]:
        """(new name or None, description, description changed, tags added, tags
        removed); checked: bad values raise ``InputError``."""
        name = None
        if self.name != self._saved_name:
            name = check_artifact_name_part(self.name, f"collection {self.path}: name")
        check_optional_str(self.description, f"collection {self.path}: description")
        tags = check_artifact_tags(self._tags, f"collection {self.path}: tags")
        return (
            name,
            self.description,
            self.description != self._saved_description,
            [t for t in tags if t not in self._saved_tags],
            [t for t in self._saved_tags if t not in tags],
        )


@dataclass(frozen=True, eq=False)
class ArtifactTypeData:
    """An artifact type of a project (``model``, ``dataset``, ``job``, ...)."""

    id: str
    name: str
    description: str | None
    created_at: datetime
    entity: str
    project: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactTypeData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.entity}/{self.project} {self.name!r}>"


# ---------------------------------------------------------------------- versions


def _fingerprint(value: JSONObject) -> bytes:
    from pydantic_core import to_json

    return to_json(value, serialize_unknown=True)


@dataclass(frozen=True)
class ArtifactChanges:
    """What ``save()`` sends: the fields that changed, and alias and tag edits."""

    description_changed: bool
    description: str | None
    metadata: JSONObject | None
    """The new metadata (``None``: unchanged)."""
    ttl_seconds: int | None
    """The new TTL in seconds, ``-2`` for none (``None``: unchanged)."""
    aliases_added: tuple[str, ...]
    aliases_removed: tuple[str, ...]
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]

    @property
    def aliases_only(self) -> bool:
        """Whether only aliases changed."""
        return not (
            self.description_changed or self.metadata is not None
            or self.ttl_seconds is not None or self.tags_added or self.tags_removed
        )  # fmt: skip

    @property
    def empty(self) -> bool:
        return self.aliases_only and not (self.aliases_added or self.aliases_removed)


class ArtifactData:
    """One artifact version, as found through a collection (its sequence, or a
    portfolio it is linked to). ``description``, ``metadata``, ``aliases``, ``tags``
    and ``ttl`` are editable; ``save()`` writes what changed."""

    id: str
    """The server's id of the version."""
    entity: str
    """Entity of the collection it was found through."""
    project: str
    """Project of the collection it was found through."""
    name: str
    """``collection:alias`` when fetched by an alias (``api.artifact("m:best")``),
    else ``collection:vN``, in the collection it was found through."""
    version: str
    """``vN``: the version's index in that collection."""
    source_entity: str
    source_project: str
    source_name: str
    """``sequence:vN``: where the version was logged."""
    source_version: str
    is_link: bool
    """Whether it was found through a portfolio (a link), not its sequence."""
    type: str
    state: ArtifactState
    size: int
    """Bytes of all its files."""
    digest: str
    """The manifest's digest (what identical contents share)."""
    file_count: int
    commit_hash: str | None
    created_at: datetime
    updated_at: datetime | None
    history_step: int | None
    """The last step of the logging run's history when it was logged (the step to
    read its metrics at)."""
    ttl_is_inherited: bool
    description: str | None
    """Settable (then ``save()``)."""

    def __init__(
        self,
        fields: ArtifactFields,
        collection: CollectionRef,
        version_index: int | None,
        app_url: str,
        label: str | None = None,
    ) -> None:
        self._app_url = app_url
        self._label = label
        self._apply(fields, collection, version_index)

    def _apply(
        self, f: ArtifactFields, collection: CollectionRef, version_index: int | None
    ) -> None:
        sequence = CollectionRef.of(f.artifact_sequence, f"artifact {f.id}")
        source_index = f.version_index if f.version_index is not None else 0
        index = version_index if version_index is not None else source_index
        self._collection = collection
        self._sequence = sequence
        self.id = f.id
        self.entity = collection.entity
        self.project = collection.project
        self.version = f"v{index}"
        self.name = f"{collection.name}:{self._label or self.version}"
        self.source_entity = sequence.entity
        self.source_project = sequence.project
        self.source_version = f"v{source_index}"
        self.source_name = f"{sequence.name}:{self.source_version}"
        self.is_link = collection.id != sequence.id
        self.type = f.artifact_type.name
        self.state = ArtifactState(f.state.value)
        self.size = f.size
        self.digest = f.digest
        self.file_count = f.file_count
        self.commit_hash = f.commit_hash
        self.created_at = f.created_at
        self.updated_at = f.updated_at
        # W&B stores the step the run would log next; its clients show the one before
        self.history_step = max(0, f.history_step - 1) if f.history_step is not None else None
        self.ttl_is_inherited = f.ttl_is_inherited
        self.description = f.description
        self._metadata: JSONObject = as_object(f.metadata, f"artifact {self.name}: metadata")
        self._metadata_seen = _fingerprint(self._metadata)
        self._aliases = [
            a.alias
            for a in f.aliases or []
            if a.artifact_collection is not None and a.artifact_collection.id == collection.id
        ]
        self._tags = [t.name for t in f.tags]
        self._ttl = (
            timedelta(seconds=f.ttl_duration_seconds) if f.ttl_duration_seconds > 0 else None
        )
        self._saved_description = self.description
        self._saved_aliases = tuple(self._aliases)
        self._saved_tags = tuple(self._tags)
        self._saved_ttl = self._ttl

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.qualified_name} ({self.type})>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactData) and (other.id, other.name) == (self.id, self.name)

    def __hash__(self) -> int:
        return hash((self.id, self.name))

    # -- names and links ------------------------------------------------------------

    @property
    def qualified_name(self) -> str:
        """``entity/project/collection:vN``; pass it back to ``api.artifact()``."""
        return f"{self.entity}/{self.project}/{self.name}"

    @property
    def source_qualified_name(self) -> str:
        """``entity/project/sequence:vN``: where the version was logged."""
        return f"{self.source_entity}/{self.source_project}/{self.source_name}"

    @property
    def collection_name(self) -> str:
        """The name of the collection it was found through."""
        return self._collection.name

    @property
    def url(self) -> str:
        """The version's page in the W&B app."""
        return (
            f"{self._app_url}/{self.entity}/{self.project}/artifacts/{quote(self.type)}/"
            f"{quote(self._collection.name)}/{self.version}"
        )

    # -- editable -------------------------------------------------------------------

    @property
    def metadata(self) -> JSONObject:
        """User metadata (parsed JSON); editable in place or by assignment."""
        return self._metadata

    @metadata.setter
    def metadata(self, value: JSONObject) -> None:
        self._metadata = to_json_object(value, f"artifact {self.name}: metadata")

    @property
    def aliases(self) -> list[str]:
        """Aliases in the collection it was found through (``latest``, ``best``; not
        the version label); editable."""
        return self._aliases

    @aliases.setter
    def aliases(self, value: list[str]) -> None:
        self._aliases = check_aliases(value, f"artifact {self.name}: aliases")

    @property
    def tags(self) -> list[str]:
        """The version's tags; editable."""
        return self._tags

    @tags.setter
    def tags(self, value: list[str]) -> None:
        self._tags = check_artifact_tags(value, f"artifact {self.name}: tags")

    @property
    def ttl(self) -> timedelta | None:
        """How long the version is kept (``None``: forever); settable to a positive
        ``timedelta`` or ``None``."""
        return self._ttl

    @ttl.setter
    def ttl(self, value: timedelta | None) -> None:
        self._ttl = _check_ttl(value)

    def _changes(self) -> ArtifactChanges:
        """What differs from what was fetched (checked: bad values raise ``InputError``)."""
        where = f"artifact {self.name}"
        description_changed = self.description != self._saved_description
        check_optional_str(self.description, f"{where}: description")
        metadata = to_json_object(self._metadata, f"{where}: metadata")
        metadata_changed = _fingerprint(metadata) != self._metadata_seen
        ttl_seconds = None
        if self._ttl != self._saved_ttl:
            ttl_seconds = int(self._ttl.total_seconds()) if self._ttl is not None else TTL_DISABLED
        aliases = check_aliases(self._aliases, f"{where}: aliases")
        tags = check_artifact_tags(self._tags, f"{where}: tags")
        return ArtifactChanges(
            description_changed=description_changed,
            description=self.description,
            metadata=metadata if metadata_changed else None,
            ttl_seconds=ttl_seconds,
            aliases_added=tuple(dict.fromkeys(a for a in aliases if a not in self._saved_aliases)),
            aliases_removed=tuple(a for a in self._saved_aliases if a not in aliases),
            tags_added=tuple(dict.fromkeys(t for t in tags if t not in self._saved_tags)),
            tags_removed=tuple(t for t in self._saved_tags if t not in tags),
        )


def _check_ttl(value: object) -> timedelta | None:
    if value is not None and not isinstance(value, timedelta):
        raise InputError(f"ttl must be a datetime.timedelta or None, got {clip(repr(value), 100)}")
    if value is not None and value.total_seconds() < 1:
        raise InputError(f"ttl must be at least one second, got {value}")
    return value


# ---------------------------------------------------------------------- manifest


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
    """Whether a reference is plain HTTP(S) (downloadable without cloud credentials)."""
    return urlsplit(ref).scheme in ("http", "https")


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


# ---------------------------------------------------------------------- progress


@dataclass(frozen=True)
class DownloadProgress:
    """How far a download is: what a ``progress`` callback receives."""

    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int


#: What ``download(progress=...)`` takes: ``True`` for a tqdm bar, or a callable.
ProgressArg: TypeAlias = bool | Callable[[DownloadProgress], None] | None


class Tally:
    """Thread-safe counters of one download, reported to a callback."""

    def __init__(
        self,
        bytes_total: int,
        files_total: int,
        report: Callable[[DownloadProgress], None] | None,
    ) -> None:
        self._lock = threading.Lock()
        self._bytes = 0
        self._files = 0
        self._bytes_total = bytes_total
        self._files_total = files_total
        self._report = report

    @property
    def reports(self) -> bool:
        """Whether anyone listens (else bytes need not be counted as they arrive)."""
        return self._report is not None

    def add_bytes(self, n: int) -> None:
        """``n`` more bytes arrived (negative: a failed attempt's bytes are undone)."""
        with self._lock:
            self._bytes += n
            snapshot = self._snapshot()
        if self._report is not None:
            self._report(snapshot)

    def file_done(self, size: int = 0) -> None:
        """One more file is in place (``size`` bytes not counted as they arrived)."""
        with self._lock:
            self._files += 1
            self._bytes += size
            snapshot = self._snapshot()
        if self._report is not None:
            self._report(snapshot)

    def _snapshot(self) -> DownloadProgress:
        return DownloadProgress(self._bytes, self._bytes_total, self._files, self._files_total)


# ---------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class JobVersion:
    """One version of a job, as ``list_jobs()`` lists it."""

    id: str
    version: str
    aliases: tuple[str, ...]
    state: ArtifactState


@dataclass(frozen=True)
class JobSummary:
    """A job (a collection of type ``job``) with its first versions."""

    id: str
    name: str
    entity: str
    project: str
    versions: tuple[JobVersion, ...]
    version_count: int
    """All its versions (``versions`` holds at most the first 100)."""


@dataclass(frozen=True)
class JobSpec:
    """What a job's ``wandb-job.json`` says (W&B's job builder writes it)."""

    source_type: str
    """``repo`` (git), ``artifact`` (code artifact) or ``image`` (container)."""
    entrypoint: tuple[str, ...]
    git_remote: str | None
    git_commit: str | None
    source_artifact: str | None
    image: str | None
    notebook: bool
    input_types: JSONObject
    output_types: JSONObject
    runtime: str | None
    raw: JSONObject
    """The whole file."""

    @classmethod
    def parse(cls, raw: bytes, what: str) -> JobSpec:
        from pydantic_core import from_json

        try:
            doc: JSONValue = from_json(raw)
        except ValueError as exc:
            raise ResponseValidationError(
                f"{what}: wandb-job.json is not JSON ({clip(str(exc), 200)})"
            ) from None
        spec = as_object(doc, f"{what}: wandb-job.json")
        source = as_object(_obj(spec.get("source")), f"{what}: source")
        git = as_object(_obj(source.get("git")), f"{what}: source.git")
        entrypoint = source.get("entrypoint")
        items = entrypoint if isinstance(entrypoint, list) else []
        return cls(
            source_type=_str(spec.get("source_type")) or "",
            entrypoint=tuple(str(x) for x in items if isinstance(x, str)),
            git_remote=_str(git.get("remote")),
            git_commit=_str(git.get("commit")),
            source_artifact=_str(source.get("artifact")),
            image=_str(source.get("image")),
            notebook=source.get("notebook") is True,
            input_types=as_object(_obj(spec.get("input_types")), f"{what}: input_types"),
            output_types=as_object(_obj(spec.get("output_types")), f"{what}: output_types"),
            runtime=_str(spec.get("runtime")),
            raw=spec,
        )


def _obj(value: JSONValue | None) -> JSONValue | None:
    return value if isinstance(value, dict) else None


def _str(value: JSONValue | None) -> str | None:
    return value if isinstance(value, str) else None
