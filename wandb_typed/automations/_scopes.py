"""Where an automation watches: a project, a registry, or an artifact collection
(and, for automations made elsewhere, an entity). A ``Project``, ``Registry`` or
``ArtifactCollection`` (either mode) is accepted wherever a scope is, and becomes one
of these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .._core.artifact_collections import ArtifactCollectionData
from .._core.enums import OpenStrEnum
from .._core.projects import ProjectData
from .._core.registries import REGISTRY_PREFIX, RegistryData
from ..errors import InputError

__all__ = [
    "ArtifactCollectionScope",
    "CollectionLike",
    "EntityScope",
    "ProjectLike",
    "ProjectScope",
    "RegistryLike",
    "RegistryScope",
    "Scope",
    "ScopeLike",
    "ScopeType",
    "artifact_event_scope",
    "collection_scope",
    "project_scope",
]


class ScopeType(OpenStrEnum):
    """The kind of scope, as the server names it."""

    PROJECT = "PROJECT"
    ARTIFACT_COLLECTION = "ARTIFACT_COLLECTION"
    ENTITY = "ENTITY"


@dataclass(frozen=True)
class ProjectScope:
    """A project (not a registry)."""

    id: str
    name: str
    entity: str | None = None
    """The project's entity, where the automation is listed."""
    scope_type: Literal["PROJECT"] = "PROJECT"


@dataclass(frozen=True)
class RegistryScope:
    """A registry (a project of an organization's entity)."""

    id: str
    name: str
    """The registry's project name: ``wandb-registry-<name>``."""
    entity: str | None = None
    """The organization's entity, where the automation is listed."""
    scope_type: Literal["PROJECT"] = "PROJECT"


@dataclass(frozen=True)
class ArtifactCollectionScope:
    """An artifact collection (a sequence, or a portfolio such as a registry's)."""

    id: str
    name: str
    entity: str | None = None
    """The collection's project's entity, where the automation is listed."""
    scope_type: Literal["ARTIFACT_COLLECTION"] = "ARTIFACT_COLLECTION"


@dataclass(frozen=True)
class EntityScope:
    """A team or organization entity (automations made elsewhere; this client creates
    project, registry and collection scopes)."""

    id: str
    name: str
    entity_type: str | None = None
    scope_type: Literal["ENTITY"] = "ENTITY"

    @property
    def entity(self) -> str:
        """The entity itself."""
        return self.name


#: Any scope an automation may have.
Scope = ProjectScope | RegistryScope | ArtifactCollectionScope | EntityScope
#: A project, as an object or a scope.
ProjectLike = ProjectData | ProjectScope
#: A registry, as an object or a scope.
RegistryLike = RegistryData | RegistryScope
#: An artifact collection, as an object or a scope.
CollectionLike = ArtifactCollectionData | ArtifactCollectionScope
#: What an artifact event may watch.
ScopeLike = ProjectLike | RegistryLike | CollectionLike


def project_scope(obj: object, what: str = "a run event") -> ProjectScope:
    """The scope of a run event: a project (a registry has no runs)."""
    if isinstance(obj, ProjectScope):
        return obj
    if isinstance(obj, ProjectData):
        if obj.name.startswith(REGISTRY_PREFIX):
            raise InputError(f"{what} watches a project's runs; a registry has none")
        return ProjectScope(obj.id, obj.name, obj.entity)
    raise InputError(f"{what} is scoped to a project, got {type(obj).__name__}")


def collection_scope(obj: object, what: str = "OnCreateArtifact") -> ArtifactCollectionScope:
    """The scope of an event only a collection has."""
    if isinstance(obj, ArtifactCollectionScope):
        return obj
    if isinstance(obj, ArtifactCollectionData):
        return ArtifactCollectionScope(obj.id, obj.name, obj.entity)
    raise InputError(f"{what} is scoped to an artifact collection, got {type(obj).__name__}")


def artifact_event_scope(
    obj: object, what: str = "an artifact event"
) -> ProjectScope | RegistryScope | ArtifactCollectionScope:
    """The scope of an artifact event: a project, a registry or a collection."""
    if isinstance(obj, (ProjectScope, RegistryScope, ArtifactCollectionScope)):
        return obj
    if isinstance(obj, RegistryData):
        return RegistryScope(obj.id, obj.full_name, obj.entity)
    if isinstance(obj, ArtifactCollectionData):
        return ArtifactCollectionScope(obj.id, obj.name, obj.entity)
    if isinstance(obj, ProjectData):
        if obj.name.startswith(REGISTRY_PREFIX):
            return RegistryScope(obj.id, obj.name, obj.entity)
        return ProjectScope(obj.id, obj.name, obj.entity)
    raise InputError(
        f"{what} is scoped to a project, a registry or an artifact collection,"
        f" got {type(obj).__name__}"
    )
