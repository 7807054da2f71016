"""Jobs' data, shared by both modes: a job (a collection of type ``job``) with its
versions, and its ``wandb-job.json`` parsed (:class:`JobSpec`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ResponseValidationError, clip
from ..types import JSONObject, JSONValue, as_object
from .artifacts import ArtifactState

__all__ = ["JobSpec", "JobSummary", "JobVersion"]


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
