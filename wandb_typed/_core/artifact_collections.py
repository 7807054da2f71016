"""Artifact collections' data, shared by both modes: a sequence (where versions are
logged) or a portfolio (where they are linked), its edits, and :class:`CollectionRef`,
the collection a version was found through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from ..errors import ResponseValidationError
from .artifact_names import check_artifact_name_part, check_artifact_tags
from .checks import check_optional_str

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactCollectionFields

__all__ = ["ArtifactCollectionData", "CollectionRef"]


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
