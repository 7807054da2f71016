"""A project's data, shared by ``Project`` and ``AsyncProject``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .users import UserData

__all__ = ["ProjectData"]


@dataclass(frozen=True, eq=False)
class ProjectData:
    """A W&B project (fetched eagerly: every attribute is a typed value)."""

    id: str
    name: str
    entity: str
    description: str | None
    access: str | None
    """Visibility, e.g. ``PRIVATE``, ``TEAM``, ``PUBLIC``."""
    is_benchmark: bool
    read_only: bool | None
    created_at: datetime
    updated_at: datetime | None
    run_count: int
    """Number of runs in the project (when it was fetched)."""
    owner: UserData | None
    """The user who created the project."""
    app_url: str
    """The W&B app this project lives in (for :attr:`url`)."""

    @property
    def path(self) -> str:
        """``entity/project``."""
        return f"{self.entity}/{self.name}"

    @property
    def url(self) -> str:
        """The project's workspace in the W&B app."""
        return f"{self.app_url}/{self.entity}/{self.name}/workspace"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProjectData) and (other.id, other.path) == (self.id, self.path)

    def __hash__(self) -> int:
        return hash((self.id, self.path))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"
