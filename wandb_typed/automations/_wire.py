"""The ``$input`` of ``CreateAutomation`` and ``UpdateAutomation``, built offline
exactly as the official client's ``prepare_to_create``/``prepare_to_update`` build
it: the same keys in the same order, ``None`` fields left out, ``eventFilter`` the
event's filter as JSON text (a run event's ``run_filter`` inside it JSON text again),
a webhook's payload as JSON text. Bad values are an :class:`InputError` before any
request.
"""

from __future__ import annotations

from typing import TypedDict, cast

from typing_extensions import Unpack

from ..errors import InputError
from ..types import JSONObject
from ._actions import (
    INPUT_ACTIONS,
    ActionType,
    InputAction,
    SendNotification,
    SendWebhook,
    Severity,
)
from ._events import INPUT_EVENTS, InputEvent, NewAutomation
from ._saved import Automation, SavedAction, SavedNoOp, SavedNotification, SavedWebhook
from ._scopes import ScopeLike, artifact_event_scope

__all__ = ["WriteAutomationsKwargs", "action_config", "create_input", "update_input"]


class WriteAutomationsKwargs(TypedDict, total=False):
    """What ``create_automation``/``update_automation`` may set over their object."""

    name: str
    description: str
    enabled: bool
    scope: ScopeLike
    event: InputEvent
    action: InputAction


_KEYS = frozenset(WriteAutomationsKwargs.__annotations__)


def _check_kwargs(kwargs: WriteAutomationsKwargs) -> None:
    unknown = set(kwargs) - _KEYS
    if unknown:
        raise InputError(
            f"unknown automation field(s) {', '.join(sorted(unknown))};"
            f" use {', '.join(sorted(_KEYS))}"
        )


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"an automation needs a name (a non-empty string), got {value!r}")
    return value


def _description(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InputError(f"description must be a string, got {type(value).__name__}")
    return value


def _enabled(value: object) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"enabled must be True or False, got {value!r}")
    return value


def action_config(action: SavedAction | InputAction) -> tuple[ActionType, JSONObject]:
    """(``triggeredActionType``, ``triggeredActionConfig``) of an action, a saved one
    too (as the official ``parse_input_action`` turns it back into an input)."""
    if isinstance(action, INPUT_ACTIONS):
        return action.action_type, action.config()
    if isinstance(action, SavedNotification) and action.integration is not None:
        again = SendNotification(
            action.integration.id, action.title or "", action.message or "",
            _severity(action.severity),
        )  # fmt: skip
        return again.action_type, again.config()
    if isinstance(action, SavedWebhook) and action.integration is not None:
        hook = SendWebhook(action.integration.id, action.request_payload)
        return hook.action_type, hook.config()
    if isinstance(action, SavedNoOp):
        return ActionType.NO_OP, {"noOpActionInput": {"noOp": True}}
    kind = getattr(cast("object", action), "action_type", None)
    shown = kind.name if isinstance(kind, ActionType) else type(action).__name__
    raise InputError(
        f"{shown} actions cannot be saved by this client; give the automation a new action"
        " (SendNotification, SendWebhook or DoNothing)"
    )


def _severity(value: str | None) -> Severity:
    return "WARN" if value == "WARN" else "ERROR" if value == "ERROR" else "INFO"


def create_input(
    obj: NewAutomation | None = None, /, **kwargs: Unpack[WriteAutomationsKwargs]
) -> JSONObject:
    """``CreateFilterTriggerInput`` for ``obj`` with ``kwargs`` over it."""
    _check_kwargs(kwargs)
    if obj is not None and not isinstance(cast("object", obj), NewAutomation):
        raise InputError(f"create_automation takes a NewAutomation (event >> action), got {obj!r}")
    event = kwargs.get("event", obj.event if obj is not None else None)
    action = kwargs.get("action", obj.action if obj is not None else None)
    if not isinstance(event, INPUT_EVENTS):
        raise InputError(f"an automation needs an event (OnLinkArtifact(...), ...), got {event!r}")
    if not isinstance(action, INPUT_ACTIONS):
        raise InputError(f"an automation needs an action (SendWebhook(...), ...), got {action!r}")
    if "scope" in kwargs:
        event = event.with_scope(kwargs["scope"])
    name = _name(kwargs.get("name", obj.name if obj is not None else None))
    description = _description(
        kwargs.get("description", obj.description if obj is not None else None)
    )
    enabled = kwargs.get("enabled", obj.enabled if obj is not None else None)
    out: JSONObject = {}
    if description is not None:
        out["description"] = description
    out["enabled"] = _enabled(enabled if enabled is not None else True)
    out["eventFilter"] = event.filter_json()
    out["name"] = name
    out["scopeID"] = event.scope.id
    out["scopeType"] = event.scope.scope_type
    action_type, config = action_config(action)
    out["triggeredActionConfig"] = config
    out["triggeredActionType"] = action_type.value
    out["triggeringEventType"] = event.event_type.value
    return out


def update_input(obj: Automation, /, **kwargs: Unpack[WriteAutomationsKwargs]) -> JSONObject:
    """``UpdateFilterTriggerInput`` for the saved ``obj`` with ``kwargs`` over it (its
    scope is ``obj.scope`` unless ``scope`` is given, as in the official client)."""
    _check_kwargs(kwargs)
    if not isinstance(cast("object", obj), Automation):
        raise InputError(f"update_automation takes an Automation, got {type(obj).__name__}")
    event = kwargs.get("event", obj.event)
    action = kwargs.get("action", obj.action)
    scope = artifact_event_scope(kwargs["scope"]) if "scope" in kwargs else obj.scope
    if event.event_type.value == "UPDATE_ARTIFACT_ALIAS":
        raise InputError("UPDATE_ARTIFACT_ALIAS events cannot be saved; give it a new event")
    description = _description(kwargs.get("description", obj.description))
    out: JSONObject = {}
    if description is not None:
        out["description"] = description
    out["enabled"] = _enabled(kwargs.get("enabled", obj.enabled))
    out["eventFilter"] = event.filter_json()
    out["id"] = obj.id
    out["name"] = _name(kwargs.get("name", obj.name))
    out["scopeID"] = scope.id
    out["scopeType"] = scope.scope_type
    action_type, config = action_config(action)
    out["triggeredActionConfig"] = config
    out["triggeredActionType"] = action_type.value
    out["triggeringEventType"] = event.event_type.value
    return out
