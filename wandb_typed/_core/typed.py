"""Typed views of a run's config and summary: the JSON object validated as a type the
user declares (a pydantic model, a ``TypedDict`` or a dataclass), with pydantic.

A mismatch is a :class:`~wandb_typed.errors.ConfigValidationError` naming the run and
each key; a type pydantic cannot validate with is an :class:`InputError`. Validators
are built once per type and reused (building one costs far more than using it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ..errors import ConfigValidationError, InputError, clip
from ..types import JSONObject

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["C", "S", "RunTypes", "validate_as"]

T = TypeVar("T")
#: The declared type of a run's config (``runs(config_type=...)``).
C = TypeVar("C")
#: The declared type of a run's summary (``runs(summary_type=...)``).
S = TypeVar("S")

#: Mismatches spelled out in a message (all of them are in ``errors``).
SHOWN_ERRORS = 5


def _type_name(type_: object) -> str:
    return getattr(type_, "__qualname__", None) or repr(type_)


#: Validators by type; emptied when full (types made in a loop must not grow it forever).
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}
MAX_ADAPTERS = 256


def _adapter(type_: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(type_)
    if adapter is not None:
        return adapter
    from pydantic import PydanticSchemaGenerationError, PydanticUserError, TypeAdapter

    try:
        adapter = TypeAdapter(type_)
    except (PydanticSchemaGenerationError, PydanticUserError, TypeError) as exc:
        raise InputError(
            f"cannot validate with {_type_name(type_)}: {clip(str(exc), 300)}"
        ) from None
    if len(_ADAPTERS) >= MAX_ADAPTERS:
        _ADAPTERS.clear()
    _ADAPTERS[type_] = adapter
    return adapter


def check_type(type_: object, what: str) -> type[Any]:
    """A type to validate with: a pydantic model, a TypedDict, a dataclass (any class
    pydantic validates); :class:`InputError` otherwise, before any request."""
    if not isinstance(type_, type):
        raise InputError(
            f"{what} must be a class (a pydantic model, a TypedDict or a dataclass), got {type_!r}"
        )
    _adapter(type_)
    return type_


def _key(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def validate_as(type_: type[T], value: JSONObject, run_path: str, part: str) -> T:
    """``value`` (a run's config or summary) validated as ``type_``."""
    from pydantic import ValidationError

    adapter = _adapter(check_type(type_, f"{part}_as(type_)"))
    try:
        return cast("T", adapter.validate_python(value))
    except ValidationError as exc:
        details = exc.errors(include_url=False)
    errors = [(_key(d["loc"]), d["msg"]) for d in details]
    shown = [
        f"{key or '(the whole ' + part + ')'}: {msg}"
        + ("" if d["type"] == "missing" else f" (got {clip(repr(d.get('input')), 80)})")
        for (key, msg), d in zip(errors[:SHOWN_ERRORS], details, strict=False)
    ]
    more = len(errors) - len(shown)
    name = _type_name(type_)
    raise ConfigValidationError(
        f"run {run_path}: {part} does not match {name}: " + "; ".join(shown)
        + (f"; and {more} more" if more else ""),
        run_path=run_path, part=part, type_name=name, errors=errors,
    )  # fmt: skip


@dataclass(frozen=True)
class RunTypes(Generic[C, S]):
    """The declared config and summary types of a typed listing (``None``: untyped)."""

    config: type[C] | None
    summary: type[S] | None

    @classmethod
    def of(cls, config: object, summary: object) -> RunTypes[Any, Any]:
        """Checked types (before any request)."""
        return cls(
            check_type(config, "config_type") if config is not None else None,
            check_type(summary, "summary_type") if summary is not None else None,
        )

    def typed_config(self, config: JSONObject, run_path: str) -> C:
        """The config as the declared type (the dict itself when none was declared)."""
        if self.config is None:
            return cast("C", config)
        return validate_as(self.config, config, run_path, "config")

    def typed_summary(self, summary: JSONObject, run_path: str) -> S:
        """The summary as the declared type (the dict itself when none was declared)."""
        if self.summary is None:
            return cast("S", summary)
        return validate_as(self.summary, summary, run_path, "summary")
