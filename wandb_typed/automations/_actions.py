"""What an automation does when its event happens: send a Slack notification
(:class:`SendNotification`), call a webhook (:class:`SendWebhook`), or nothing
(:class:`DoNothing`, for testing an event). Each writes its part of the request
(``triggeredActionConfig``) as the official client does, keys in its order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal, cast

from .._core.enums import OpenStrEnum
from .._core.integrations import SlackIntegration, WebhookIntegration
from .._encode import to_json_object
from ..errors import InputError
from ..types import JSONObject
from ._json import to_json

__all__ = [
    "ActionType",
    "DoNothing",
    "InputAction",
    "SendNotification",
    "SendWebhook",
    "Severity",
]

#: A notification's severity.
Severity = Literal["INFO", "WARN", "ERROR"]


class ActionType(OpenStrEnum):
    """The kind of action, as the server names it (``QUEUE_JOB``, ``ARIA`` and
    ``PUSH_NOTIFICATION`` appear only in automations made elsewhere)."""

    NO_OP = "NO_OP"
    QUEUE_JOB = "QUEUE_JOB"
    GENERIC_WEBHOOK = "GENERIC_WEBHOOK"
    NOTIFICATION = "NOTIFICATION"
    ARIA = "ARIA"
    PUSH_NOTIFICATION = "PUSH_NOTIFICATION"


def _integration_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"integration_id must be an integration's id, got {value!r}")
    return value


def _severity(value: object) -> Severity:
    upper = value.upper() if isinstance(value, str) else None
    if upper == "INFO":
        return "INFO"
    if upper == "WARN":
        return "WARN"
    if upper == "ERROR":
        return "ERROR"
    raise InputError(f"severity must be INFO, WARN or ERROR, got {value!r}")


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class SendNotification:
    """Send a message to a Slack channel (:meth:`from_integration`)."""

    integration_id: str
    title: str = ""
    message: str = ""
    severity: Severity = "INFO"
    action_type: ClassVar[ActionType] = ActionType.NOTIFICATION

    def __post_init__(self) -> None:
        _integration_id(self.integration_id)
        object.__setattr__(self, "title", _text(self.title, "title"))
        object.__setattr__(self, "message", _text(self.message, "message"))
        object.__setattr__(self, "severity", _severity(self.severity))

    @classmethod
    def from_integration(
        cls,
        integration: SlackIntegration,
        *,
        title: str = "",
        text: str = "",
        level: Severity = "INFO",
    ) -> SendNotification:
        """A notification to ``integration``'s channel (a webhook is a type error and
        an :class:`~wandb_typed.errors.InputError`)."""
        if not isinstance(cast("object", integration), SlackIntegration):
            raise InputError(
                "SendNotification sends through a SlackIntegration, got"
                f" {type(integration).__name__}; for a webhook use SendWebhook"
            )
        return cls(integration.id, title, text, level)

    def config(self) -> JSONObject:
        """``triggeredActionConfig``, as sent."""
        return {
            "notificationActionInput": {
                "integrationID": self.integration_id,
                "message": self.message,
                "severity": self.severity,
                "title": self.title,
            }
        }


@dataclass(frozen=True)
class SendWebhook:
    """Send a request to a webhook (:meth:`from_integration`); the payload may use
    W&B's template variables (``${event_type}``, ``${artifact_version_string}``...)."""

    integration_id: str
    request_payload: JSONObject | None = None
    action_type: ClassVar[ActionType] = ActionType.GENERIC_WEBHOOK

    def __post_init__(self) -> None:
        _integration_id(self.integration_id)
        payload = cast("object", self.request_payload)
        if payload is not None:
            object.__setattr__(self, "request_payload", to_json_object(payload, "payload"))

    @classmethod
    def from_integration(
        cls, integration: WebhookIntegration, *, payload: Mapping[str, object] | None = None
    ) -> SendWebhook:
        """A request to ``integration`` with ``payload`` (a Slack integration is a type
        error and an :class:`~wandb_typed.errors.InputError`)."""
        if not isinstance(cast("object", integration), WebhookIntegration):
            raise InputError(
                "SendWebhook sends through a WebhookIntegration, got"
                f" {type(integration).__name__}; for Slack use SendNotification"
            )
        body = to_json_object(payload, "payload") if payload is not None else None
        return cls(integration.id, body)

    def config(self) -> JSONObject:
        """``triggeredActionConfig``, as sent (the payload as JSON text)."""
        action: JSONObject = {"integrationID": self.integration_id}
        if self.request_payload is not None:
            action["requestPayload"] = to_json(self.request_payload)
        return {"genericWebhookActionInput": action}


@dataclass(frozen=True)
class DoNothing:
    """Do nothing (an automation that only records its event)."""

    action_type: ClassVar[ActionType] = ActionType.NO_OP

    def config(self) -> JSONObject:
        """``triggeredActionConfig``, as sent."""
        return {"noOpActionInput": {"noOp": True}}


#: An action a new or edited automation may have.
InputAction = SendNotification | SendWebhook | DoNothing
INPUT_ACTIONS = (SendNotification, SendWebhook, DoNothing)
