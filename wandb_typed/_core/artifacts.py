"""Artifact versions' data, shared by both modes: :class:`ArtifactData` (what a
version is, found through its sequence or a portfolio it is linked to), its state,
and its edits (what ``save()`` sends, checked before any request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._encode import to_json_object
from ..errors import InputError, clip
from ..types import JSONObject, as_object
from .artifact_collections import CollectionRef
from .artifact_names import check_aliases, check_artifact_tags
from .checks import check_optional_str
from .enums import OpenStrEnum

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactFields

__all__ = ["ArtifactData", "ArtifactState"]

#: Seconds W&B uses for "no TTL" when one is removed.
TTL_DISABLED = -2


class ArtifactState(OpenStrEnum):
    """A version's state. States a newer server adds become pseudo-members."""

    PENDING = "PENDING"
    COMMITTED = "COMMITTED"
    DELETED = "DELETED"


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
