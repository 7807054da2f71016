"""Artifact names, parsed and checked before any request: ``entity/project/name:alias``,
``project/name:vN``, ``name:alias`` (defaults from the settings; no version means
``latest``) and registry paths ``wandb-registry-<registry>/<collection>:<alias>``,
whose entity is the organization (from the path, ``org/wandb-registry-...``, or
the settings' ``organization``); and the checks of the names, aliases and tags a
version or collection may have. Shared by both modes, like all of ``_core``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from .._encode import check_tags
from ..errors import InputError, clip
from ..paths import check_name

__all__ = [
    "ArtifactPath",
    "check_alias",
    "check_artifact_name_part",
    "parse_artifact_name",
    "parse_collection_path",
]

DEFAULT_ALIAS = "latest"
REGISTRY_PREFIX = "wandb-registry-"
#: A type or collection name: what W&B accepts.
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_VERSION = re.compile(r"v\d{1,9}")
_TAG = re.compile(r"[A-Za-z0-9_. -]{1,128}")
_ALIAS_BAD = re.compile(r"[/:\x00-\x1f\x7f]")


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
