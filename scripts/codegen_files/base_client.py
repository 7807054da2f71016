"""Base classes of the generated clients: each operation is handed to a transport.

This file is copied into the generated package by ariadne-codegen
(``base_client_file_path``); its source of truth is
``scripts/codegen_files/base_client.py``. It stays small on purpose: the
transport it is given (``wandb_typed``'s HTTP layer, or any object with the same
method) owns authentication, the user agent, timeouts, retries and the typed
errors. This module only prepares variables and turns a response that does not
match the generated model into the transport's typed error, so no pydantic
exception escapes a generated client.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast

from pydantic import BaseModel as PydanticBaseModel
from pydantic import ValidationError

from .base_model import UNSET
from .gc_pause import paused_gc

ModelT = TypeVar("ModelT", bound=PydanticBaseModel)


class Transport(Protocol):
    """Sends one GraphQL operation and returns its ``data`` (errors raise)."""

    def graphql(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> dict[str, Any]: ...

    def invalid_response(
        self, operation_name: str, error: ValidationError, data: dict[str, Any]
    ) -> Exception: ...


class AsyncTransport(Protocol):
    """The async twin of :class:`Transport`."""

    async def graphql(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> dict[str, Any]: ...

    def invalid_response(
        self, operation_name: str, error: ValidationError, data: dict[str, Any]
    ) -> Exception: ...


def prepare_variables(variables: dict[str, Any] | None) -> dict[str, Any]:
    """Drop UNSET arguments and dump input models by alias (``None`` stays ``null``)."""
    if not variables:
        return {}
    return {k: _dump(v) for k, v in variables.items() if v is not UNSET}


def _dump(value: object) -> object:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_dump(item) for item in cast("list[object]", value)]
    return value


def _validate(
    transport: Transport | AsyncTransport,
    model: type[ModelT],
    data: dict[str, Any],
    operation_name: str,
) -> ModelT:
    """``model`` from ``data``; a mismatch becomes the transport's typed error."""
    try:
        with paused_gc():
            return model.model_validate(data)
    except ValidationError as exc:
        raise transport.invalid_response(operation_name, exc, data) from exc


class BaseClient:
    """Base of the generated sync client."""

    def __init__(self, transport: Transport) -> None:
        self.transport: Transport = transport

    def execute(
        self, query: str, operation_name: str | None = None, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one operation through the transport; its ``data``."""
        return self.transport.graphql(query, operation_name, prepare_variables(variables))

    def validate_result(
        self, model: type[ModelT], data: dict[str, Any], operation_name: str
    ) -> ModelT:
        return _validate(self.transport, model, data, operation_name)

    def get_data(self, response: dict[str, Any]) -> dict[str, Any]:
        return response


class AsyncBaseClient:
    """Base of the generated async client."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.transport: AsyncTransport = transport

    async def execute(
        self, query: str, operation_name: str | None = None, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one operation through the transport; its ``data``."""
        return await self.transport.graphql(query, operation_name, prepare_variables(variables))

    def validate_result(
        self, model: type[ModelT], data: dict[str, Any], operation_name: str
    ) -> ModelT:
        return _validate(self.transport, model, data, operation_name)

    def get_data(self, response: dict[str, Any]) -> dict[str, Any]:
        return response
