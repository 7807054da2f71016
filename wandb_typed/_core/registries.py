"""Registries' data, shared by ``Registry`` and ``AsyncRegistry``: a registry is a
project named ``wandb-registry-<name>`` in an organization's entity. Its ``name``,
``description``, ``visibility``, ``allow_all_artifact_types`` and the artifact types
it accepts are editable (``save()`` writes them); accepted types can be added,
never removed (:class:`ArtifactTypes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NoReturn, cast, overload

from typing_extensions import Never

from ..errors import InputError, UsageError
from ..paths import check_name
from .artifact_names import REGISTRY_PREFIX, check_artifact_name_part
from .checks import check_bool, check_optional_str

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import RegistryFields

__all__ = [
    "REGISTRY_PREFIX",
    "ArtifactTypes",
    "RegistryData",
    "Visibility",
    "access_of",
    "check_artifact_types",
    "check_registry_name",
    "check_visibility",
    "visibility_of",
]

#: Who may see a registry: every member of the organization, or its members only.
Visibility = Literal["organization", "restricted"]
_ACCESS: dict[str, str] = {"organization": "PRIVATE", "restricted": "RESTRICTED"}


def check_visibility(value: object) -> Visibility:
    """``"organization"`` or ``"restricted"``."""
    if value == "organization":
        return "organization"
    if value == "restricted":
        return "restricted"
    raise InputError(f"visibility must be 'organization' or 'restricted', got {value!r}")


def access_of(visibility: Visibility) -> str:
    """The ``Project.access`` a visibility is stored as (``PRIVATE``/``RESTRICTED``)."""
    return _ACCESS[visibility]


def visibility_of(access: str | None) -> Visibility:
    """A registry's visibility from its project's ``access`` (anything but
    ``RESTRICTED`` is organization-wide, as the official client reads it)."""
    return "restricted" if access == "RESTRICTED" else "organization"


def check_registry_name(name: object, what: str = "registry name") -> str:
    """A registry's name without the ``wandb-registry-`` prefix (a prefixed one is
    refused: write ``model``, not ``wandb-registry-model``)."""
    if isinstance(name, str) and name.startswith(REGISTRY_PREFIX):
        raise InputError(
            f"{what} {name!r} includes the {REGISTRY_PREFIX!r} prefix; pass the name without it"
        )
    checked = check_name(name, what)
    check_name(REGISTRY_PREFIX + checked, what)
    return checked


class ArtifactTypes(Sequence[str]):
    """The artifact types a registry accepts: the saved ones, then the ones added since
    (``append``/``extend``; ``save()`` writes them). A saved type cannot be removed:
    ``remove``, ``pop``, ``clear`` and ``del`` are type errors and raise
    :class:`~wandb_typed.errors.UsageError`."""

    __slots__ = ("_draft", "_saved")

    def __init__(self, saved: Iterable[str] = ()) -> None:
        self._saved: tuple[str, ...] = tuple(saved)
        self._draft: list[str] = []

    @property
    def saved(self) -> tuple[str, ...]:
        """The types the registry accepts on the server."""
        return self._saved

    @property
    def draft(self) -> tuple[str, ...]:
        """Types added here, not saved yet."""
        return tuple(self._draft)

    def append(self, type_name: str) -> None:
        """Accept one more artifact type (written by ``save()``)."""
        name = check_artifact_name_part(type_name, "artifact type")
        if name not in self._saved and name not in self._draft:
            self._draft.append(name)

    def extend(self, type_names: Iterable[str]) -> None:
        """Accept more artifact types (written by ``save()``)."""
        if isinstance(type_names, str):
            raise InputError("extend() takes a list of type names, not one string")
        for name in type_names:
            self.append(name)

    def remove(self, value: Never) -> NoReturn:
        """Refused: a registry never stops accepting a type."""
        raise UsageError("a registry's accepted artifact types can be added, never removed")

    def pop(self, index: Never) -> NoReturn:
        """Refused: a registry never stops accepting a type."""
        raise UsageError("a registry's accepted artifact types can be added, never removed")

    def clear(self, _: Never) -> NoReturn:
        """Refused: a registry never stops accepting a type."""
        raise UsageError("a registry's accepted artifact types can be added, never removed")

    def __delitem__(self, index: Never) -> NoReturn:
        raise UsageError("a registry's accepted artifact types can be added, never removed")

    def _all(self) -> tuple[str, ...]:
        return (*self._saved, *self._draft)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice[int | None, int | None, int | None]) -> list[str]: ...
    def __getitem__(
        self, index: int | slice[int | None, int | None, int | None]
    ) -> str | list[str]:
        if isinstance(index, slice):
            return list(self._all()[index])
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._saved) + len(self._draft)

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __contains__(self, value: object) -> bool:
        return value in self._saved or value in self._draft

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArtifactTypes):
            return self._all() == other._all()
        if isinstance(other, (list, tuple)):
            return list(self._all()) == list(cast("Sequence[object]", other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"ArtifactTypes(saved={list(self._saved)!r}, draft={self._draft!r})"


class RegistryData:
    """A registry, fetched eagerly: every attribute is a typed value. ``name``,
    ``description``, ``visibility`` and ``allow_all_artifact_types`` are settable and
    ``artifact_types`` can grow; ``save()`` writes the changes."""

    id: str
    """The registry's project id."""
    internal_id: str
    entity: str
    """The organization's entity, which owns the registry's project."""
    organization: str
    description: str | None
    """Settable (then ``save()``)."""
    allow_all_artifact_types: bool
    """Whether every artifact type may be linked; settable (then ``save()``)."""
    created_at: datetime
    updated_at: datetime | None

    def __init__(self, fields: RegistryFields, app_url: str) -> None:
        self._app_url = app_url
        self._apply(fields)

    def _apply(self, f: RegistryFields) -> None:
        self.id = f.id
        self.internal_id = f.internal_id
        self.entity = f.entity.name
        organization = f.entity.organization
        self.organization = organization.name if organization is not None else f.entity.name
        self._name = f.name.removeprefix(REGISTRY_PREFIX)
        self._saved_name = self._name
        self.description = f.description
        self._visibility: Visibility = visibility_of(f.access)
        self.allow_all_artifact_types = f.allow_all_artifact_types_in_registry
        self._types = ArtifactTypes(e.node.name for e in f.artifact_types.edges if e.node)
        self.created_at = f.created_at
        self.updated_at = f.updated_at

    @property
    def name(self) -> str:
        """The name without the ``wandb-registry-`` prefix; settable (``save()`` renames)."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = check_registry_name(value)

    @property
    def full_name(self) -> str:
        """The project's name: ``wandb-registry-<name>``."""
        return REGISTRY_PREFIX + self._name

    @property
    def visibility(self) -> Visibility:
        """``organization`` (every member of the organization may see it) or
        ``restricted`` (its members only); settable (then ``save()``)."""
        return self._visibility

    @visibility.setter
    def visibility(self, value: Visibility) -> None:
        self._visibility = check_visibility(value)

    @property
    def artifact_types(self) -> ArtifactTypes:
        """The artifact types it accepts; add with ``append``/``extend``, then ``save()``."""
        return self._types

    @property
    def path(self) -> str:
        """``<organization entity>/wandb-registry-<name>`` (the name as saved)."""
        return f"{self.entity}/{REGISTRY_PREFIX}{self._saved_name}"

    @property
    def url(self) -> str:
        """The registry's page in the W&B app."""
        return f"{self._app_url}/orgs/{self.organization}/registry/{self._saved_name}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RegistryData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.organization}/{self._saved_name} ({self._visibility})>"
        )

    def _edits(self) -> tuple[str | None, list[str]]:
        """(the new full name, or ``None``; the types to add), checked: bad values
        raise ``InputError`` before any request."""
        check_optional_str(self.description, f"registry {self.path}: description")
        check_bool(self.allow_all_artifact_types, f"registry {self.path}: allow_all_artifact_types")
        added = list(self._types.draft)
        if added and self.allow_all_artifact_types:
            raise InputError(
                "cannot add artifact types while allow_all_artifact_types is True;"
                " set it to False first"
            )
        new_name = self.full_name if self._name != self._saved_name else None
        return new_name, added


def check_artifact_types(types: Sequence[str] | None) -> list[str] | None:
    """Artifact type names for a new registry (``None``: every type)."""
    if types is None:
        return None
    if isinstance(types, str):
        raise InputError("artifact_types takes a list of type names, not one string")
    return [check_artifact_name_part(t, "artifact type") for t in types]
