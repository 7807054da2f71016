"""Artifact types' data, shared by both modes: a project's ``model``, ``dataset``,
``job``, ... (the async facade adds their collections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ArtifactTypeData"]


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
