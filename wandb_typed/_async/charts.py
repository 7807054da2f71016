"""Custom charts: create a Vega chart preset. The request carries exactly what the
official client's does (the access upper-cased, a mapping spec as ``json.dumps``
writes it), so a chart made by either is the same chart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from .._core.checks import check_text
from ..errors import InputError, ResponseValidationError
from ..paths import check_name

if TYPE_CHECKING:
    from .session import AsyncSession

__all__ = ["create_custom_chart"]


async def create_custom_chart(
    session: AsyncSession,
    entity: str,
    name: str,
    display_name: str,
    spec_type: Literal["vega2"],
    access: Literal["private", "public"],
    spec: str | Mapping[str, object],
) -> str:
    """Create the chart preset; returns its id (``entity/name``)."""
    entity = check_name(entity, "entity")
    name = check_name(name, "chart name")
    check_text(display_name, "display_name")
    if spec_type != "vega2":
        raise InputError(f"spec_type must be 'vega2', got {spec_type!r}")
    if access not in ("private", "public"):
        raise InputError(f"access must be 'private' or 'public', got {access!r}")
    spec_json = spec_text(spec)
    result = await session.gql.create_custom_chart(
        entity=entity, chart_name=name, display_name=display_name, chart_type=spec_type,
        access=access.upper(), spec=spec_json,
    )  # fmt: skip
    payload = result.create_custom_chart
    if payload is None or payload.chart is None:
        raise ResponseValidationError(
            f"the server created no chart {entity}/{name}", operation_name="CreateCustomChart"
        )
    return payload.chart.id


def spec_text(spec: object) -> str:
    """The spec as the JSON text the official client sends: text as given (it must
    parse), a mapping as ``json.dumps`` writes it."""
    if isinstance(spec, str):
        try:
            json.loads(spec)
        except ValueError as exc:
            raise InputError(f"spec is not JSON text: {exc}") from None
        return spec
    if isinstance(spec, Mapping):
        try:
            return json.dumps(spec)
        except (TypeError, ValueError) as exc:
            raise InputError(f"spec is not JSON-serializable: {exc}") from None
    raise InputError(f"spec must be JSON text or a dict, got {type(spec).__name__}")
